#pragma once

#include <QHostAddress>
#include <QString>

/// Parses "HOST:PORT" ("127.0.0.1:6443", "[::1]:6443", "localhost:0"); false with *error when malformed.
bool parseHostPort(const QString& text, QHostAddress* host, quint16* port, QString* error);
