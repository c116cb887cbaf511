// console_models_bench: the console's lineage model at scale. Builds a world of 100,000 objects (33,334 chains of
// tenant SyncSecret → management SyncSecret → Secret over 2 tenants and 100 namespaces), then measures
// buildLineage, the model's first build, a live update of a few chains, and filter keystrokes. JSON on stdout.
#include "models/lineage.h"
#include "models/lineagemodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <algorithm>
#include <ctime>
#include <thread>

using namespace Qt::StringLiterals;

namespace {

/// Chains in the world (33,334 = 100,002 objects); `console_models_bench CHAINS` for a smaller one (profiling).
int kChains = 33334;

QJsonObject object(const QString& kind, const QString& ns, const QString& name, const QString& uid, int rv)
{
    const bool sync = kind == u"SyncSecret";
    QJsonObject metadata { { u"namespace"_s, ns }, { u"name"_s, name }, { u"uid"_s, uid },
        { u"resourceVersion"_s, QString::number(rv) }, { u"creationTimestamp"_s, u"2026-11-01T10:00:00Z"_s },
        { u"generation"_s, 1 }, { u"labels"_s, QJsonObject { { u"app"_s, name.left(12) }, { u"team"_s, u"web"_s } } } };
    return { { u"apiVersion"_s, sync ? u"kubelb.k8c.io/v1alpha1"_s : u"v1"_s }, { u"kind"_s, kind },
        { u"metadata"_s, metadata }, { u"type"_s, u"Opaque"_s },
        { u"data"_s,
            QJsonObject { { u"username"_s, u"YWRtaW4="_s },
                { u"password"_s, QString::fromLatin1(QByteArray::number(rv).toBase64()) } } },
        { u"status"_s, QJsonObject { { u"phase"_s, u"Synced"_s }, { u"observedGeneration"_s, 1 } } } };
}

models::Snapshot world()
{
    models::Snapshot s;
    s.takenAt = QDateTime::currentDateTimeUtc();
    s.management.context = u"kubelb"_s;
    for (int t = 0; t < 2; ++t)
        s.tenants.append({ { u"tenant%1"_s.arg(t + 1), u"tenant-%1"_s.arg(t + 1) }, true, {}, {} });
    for (int i = 0; i < kChains; ++i) {
        const int t = i % 2;
        const QString ns = u"ns-%1"_s.arg(i % 100), name = u"app-%1"_s.arg(i), tuid = u"t-%1"_s.arg(i),
                      muid = u"m-%1"_s.arg(i), mns = s.tenants[t].tenant.managementNamespace;
        s.tenants[t].syncSecrets.append(object(u"SyncSecret"_s, ns, name, tuid, i));
        QJsonObject copy = object(u"SyncSecret"_s, mns, tuid, muid, i);
        s.management.syncSecrets.append(copy);
        QJsonObject secret = object(u"Secret"_s, mns, muid, u"s-%1"_s.arg(i), i);
        QJsonObject meta = secret.value(u"metadata"_s).toObject();
        meta[u"ownerReferences"_s] = QJsonArray { QJsonObject { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s },
            { u"kind"_s, u"SyncSecret"_s }, { u"name"_s, tuid }, { u"uid"_s, muid }, { u"controller"_s, true } } };
        secret[u"metadata"_s] = meta;
        secret.remove(u"status"_s);
        s.management.secrets.append(secret);
    }
    return s;
}

double ms(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

/// CPU time of the whole process (all threads), in ms: wall time on a shared machine includes waiting for a core.
double cpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

QString loadAverage()
{
    QFile f(u"/proc/loadavg"_s);
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(u' ', 0, 2) : QString();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc > 1 && QByteArray(argv[1]).toInt() > 0)
        kChains = QByteArray(argv[1]).toInt();
    models::Snapshot snapshot = world();
    const int objects = kChains * 3;

    // The console keeps a LineageCache across rebuilds; the first build fills it.
    models::LineageCache cache;
    models::LineageOptions options;
    options.cache = &cache;
    QElapsedTimer t;
    t.start();
    double cpu = cpuMs();
    QList<models::LineageChain> chains = models::buildLineage(snapshot, options);
    const double lineageMs = ms(t), lineageCpuMs = cpuMs() - cpu;

    models::LineageModel model;
    t.restart();
    cpu = cpuMs();
    model.setChains(chains);
    const double modelMs = ms(t), modelCpuMs = cpuMs() - cpu;

    // A live update: 10 tenant objects change (new resourceVersion and data); the whole pipeline runs again.
    for (int i = 0; i < 10; ++i) {
        QJsonObject& o = snapshot.tenants[i % 2].syncSecrets[i / 2];
        QJsonObject meta = o.value(u"metadata"_s).toObject();
        meta[u"resourceVersion"_s] = u"9999%1"_s.arg(i);
        o[u"metadata"_s] = meta;
        o[u"data"_s] = QJsonObject { { u"password"_s, u"Y2hhbmdlZA=="_s } };
    }
    t.restart();
    chains = models::buildLineage(snapshot, options);
    const double relineageMs = ms(t);
    t.restart();
    model.setChains(chains);
    const double updateMs = ms(t);

    // Typing "app-1234" one key at a time, then "state:drifted", then clearing.
    QJsonArray keystrokes;
    double worst = 0, total = 0, worstCpu = 0;
    int count = 0;
    const auto type = [&](const QString& text) {
        for (int i = 1; i <= text.size(); ++i) {
            t.restart();
            const double cpu = cpuMs();
            model.setFilterText(text.left(i));
            const double k = ms(t);
            worstCpu = std::max(worstCpu, cpuMs() - cpu);
            worst = std::max(worst, k);
            total += k;
            ++count;
            keystrokes.append(QJsonObject {
                { u"filter"_s, text.left(i) }, { u"ms"_s, k }, { u"visible"_s, model.visibleChainCount() } });
        }
    };
    type(u"app-1234"_s);
    type(u"state:drifted"_s);
    t.restart();
    model.setFilterText({});
    const double clearMs = ms(t);
    worst = std::max(worst, clearMs);

    const QJsonObject result { { u"objects"_s, objects }, { u"chains"_s, chains.size() },
        { u"buildLineageMs"_s, lineageMs }, { u"modelBuildMs"_s, modelMs },
        { u"lineagePlusModelMs"_s, lineageMs + modelMs }, { u"goalBuildMs"_s, 1000 },
        { u"buildLineageCpuMs"_s, lineageCpuMs }, { u"modelBuildCpuMs"_s, modelCpuMs },
        { u"loadAverage"_s, loadAverage() }, { u"threads"_s, int(std::thread::hardware_concurrency()) },
        { u"updateTenChains"_s,
            QJsonObject { { u"buildLineageMs"_s, relineageMs }, { u"modelUpdateMs"_s, updateMs } } },
        { u"filterKeystrokeWorstMs"_s, worst }, { u"filterKeystrokeWorstCpuMs"_s, worstCpu },
        { u"filterKeystrokeMeanMs"_s, total / count }, { u"filterClearMs"_s, clearMs }, { u"goalKeystrokeMs"_s, 50 },
        { u"keystrokes"_s, keystrokes } };
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Indented);
    return 0;
}
