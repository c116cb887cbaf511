#pragma once

#include <QStringList>

/// `kubelb-syncd apiserver ...`: runs one embedded API server until SIGINT/SIGTERM.
int runApiServer(const QStringList& args);
/// `kubelb-syncd demo ...`: three embedded clusters (tenant1, tenant2, kubelb) with a kubeconfig and demo.json.
int runDemo(const QStringList& args);
/// `kubelb-syncd ccm ...`: the tenant-side SyncSecret controller.
int runCcm(const QStringList& args);
/// `kubelb-syncd manager ...`: the management-side SyncSecret controller.
int runManager(const QStringList& args);
