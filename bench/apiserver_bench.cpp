// apiserver_bench: starts the real `kubelb-syncd apiserver` as a child process (in memory, then with --data-dir
// SQLite) and measures create/update/get throughput, list latency and watch fan-out latency over HTTPS.
#include "benchstats.h"
#include "kubelb/version.h"
#include "serverprocess.h"
#include "workloads.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {

/// Command-line settings beyond the workload sizes.
struct Options {
    QString server;
    QString workDir;
    QString jsonFile;
    QStringList modes;
    int repeat = 5;
};

QString defaultServer()
{
    const QString sibling = QDir(QCoreApplication::applicationDirPath()).filePath(u"../headless/kubelb-syncd"_s);
    if (QFileInfo::exists(sibling))
        return QFileInfo(sibling).canonicalFilePath();
    return QStringLiteral(KUBELB_SYNCD_PATH);
}

int intOption(const QCommandLineParser& parser, const QString& name, int fallback)
{
    bool ok = false;
    const int v = parser.value(name).toInt(&ok);
    return ok && v > 0 ? v : fallback;
}

bool parseArguments(const QCoreApplication& app, Options* options, bench::BenchConfig* config)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Benchmark the embedded API server running as a separate process."_s);
    parser.addHelpOption();
    const bench::BenchConfig d;
    const auto num = [](const QString& name, const QString& help, int def) {
        return QCommandLineOption(name, u"%1 Default %2."_s.arg(help).arg(def), u"n"_s, QString::number(def));
    };
    parser.addOptions({
        { u"server"_s, u"Path of kubelb-syncd (default: <build>/headless/kubelb-syncd)."_s, u"path"_s },
        { u"modes"_s, u"Comma-separated: memory, sqlite. Default both."_s, u"list"_s, u"memory,sqlite"_s },
        { u"phases"_s, u"Comma-separated phases after create: update, get, list, fanout. Default all."_s, u"list"_s,
            d.phases.join(u',') },
        { u"json"_s, u"Write the machine-readable results here."_s, u"file"_s },
        { u"work-dir"_s, u"Where kubeconfigs and SQLite data dirs go (default: a temporary directory)."_s, u"dir"_s },
        num(u"repeat"_s, u"Full runs per mode (a fresh server each); medians are reported."_s, 5),
        num(u"objects"_s, u"Secrets created, updated and read per run."_s, d.objects),
        num(u"concurrency"_s, u"Connections with one request in flight each."_s, d.concurrency),
        num(u"data-bytes"_s, u"Raw data bytes per Secret."_s, d.dataBytes),
        num(u"list-size"_s, u"Objects per namespace (the list phase lists one)."_s, d.listSize),
        num(u"list-repeats"_s, u"Timed lists per format."_s, d.listRepeats),
        num(u"watchers"_s, u"Concurrent watch streams."_s, d.watchers),
        num(u"fanout-events"_s, u"Timed writes in the fan-out phase."_s, d.fanoutEvents),
        num(u"fanout-rate"_s, u"Fan-out writes per second."_s, d.fanoutRate),
        num(u"phase-timeout"_s, u"Seconds before a phase gives up."_s, d.phaseTimeoutSec),
    });
    parser.process(app);
    options->server = parser.isSet(u"server"_s) ? parser.value(u"server"_s) : defaultServer();
    options->workDir = parser.value(u"work-dir"_s);
    options->jsonFile = parser.value(u"json"_s);
    options->modes = parser.value(u"modes"_s).split(u',', Qt::SkipEmptyParts);
    options->repeat = intOption(parser, u"repeat"_s, 5);
    config->phases = parser.value(u"phases"_s).split(u',', Qt::SkipEmptyParts);
    config->objects = intOption(parser, u"objects"_s, d.objects);
    config->concurrency = intOption(parser, u"concurrency"_s, d.concurrency);
    config->dataBytes = intOption(parser, u"data-bytes"_s, d.dataBytes);
    config->listSize = intOption(parser, u"list-size"_s, d.listSize);
    config->listRepeats = intOption(parser, u"list-repeats"_s, d.listRepeats);
    config->watchers = intOption(parser, u"watchers"_s, d.watchers);
    config->fanoutEvents = qMin(999999, intOption(parser, u"fanout-events"_s, d.fanoutEvents));
    config->fanoutRate = intOption(parser, u"fanout-rate"_s, d.fanoutRate);
    config->phaseTimeoutSec = intOption(parser, u"phase-timeout"_s, d.phaseTimeoutSec);
    for (const auto& m : options->modes)
        if (m != u"memory" && m != u"sqlite")
            return false;
    return QFileInfo(options->server).isExecutable();
}

QJsonObject configJson(const Options& o, const bench::BenchConfig& c)
{
    return { { u"server"_s, o.server }, { u"repeat"_s, o.repeat }, { u"objects"_s, c.objects },
        { u"concurrency"_s, c.concurrency }, { u"dataBytes"_s, c.dataBytes }, { u"listSize"_s, c.listSize },
        { u"listRepeats"_s, c.listRepeats }, { u"watchers"_s, c.watchers }, { u"fanoutEvents"_s, c.fanoutEvents },
        { u"fanoutRate"_s, c.fanoutRate }, { u"phases"_s, QJsonArray::fromStringList(c.phases) } };
}

QString latencyText(const QJsonObject& phase, const QString& key = u"latency"_s)
{
    const QJsonObject l = phase.value(key).toObject();
    return u"p50 %1 ms  p99 %2 ms  max %3 ms"_s.arg(l.value(u"p50Ms"_s).toDouble(), 0, 'f', 2)
        .arg(l.value(u"p99Ms"_s).toDouble(), 0, 'f', 2)
        .arg(l.value(u"maxMs"_s).toDouble(), 0, 'f', 2);
}

void printRun(QTextStream& out, const QString& title, const QJsonObject& run)
{
    out << "== " << title << '\n';
    for (const auto& name : { u"create"_s, u"update"_s, u"get"_s }) {
        if (!run.contains(name))
            continue;
        const QJsonObject p = run.value(name).toObject();
        out << "  " << name.leftJustified(10) << QString::number(p.value(u"opsPerSec"_s).toDouble(), 'f', 0)
            << " ops/s  " << latencyText(p) << "  server CPU "
            << QString::number(p.value(u"serverCpuPerOpUs"_s).toDouble(), 'f', 0) << " us/op  errors "
            << p.value(u"errors"_s).toInt() << '\n';
    }
    for (const auto& name : { u"listJson"_s, u"listTable"_s }) {
        if (!run.contains(name))
            continue;
        const QJsonObject p = run.value(name).toObject();
        out << "  " << name.leftJustified(10) << p.value(u"items"_s).toInt() << " items, "
            << QString::number(p.value(u"bytes"_s).toDouble() / 1048576.0, 'f', 1) << " MiB  " << latencyText(p)
            << '\n';
    }
    const QJsonObject f = run.value(u"fanout"_s).toObject();
    if (!f.isEmpty())
        out << "  fanout    " << f.value(u"watchers"_s).toInt() << " watchers x " << f.value(u"events"_s).toInt()
            << " events  " << latencyText(f) << "  missing " << f.value(u"missing"_s).toInt() << '\n';
    out << "  server peak RSS " << QString::number(run.value(u"serverPeakRssMiB"_s).toDouble(), 'f', 0) << " MiB\n";
    out.flush();
}

// One fresh server per run; returns the run's phases (or an "error").
QJsonObject runOnce(const Options& options, const bench::BenchConfig& config, bool sqlite, const QString& baseDir)
{
    QTemporaryDir work(QDir(baseDir).filePath(u"run-XXXXXX"_s));
    bench::ServerProcess server(options.server, work.path(), sqlite);
    QString error;
    QJsonObject result;
    if (!server.start(&error)) {
        return { { u"error"_s, error } };
    }
    bench::Workload workload(config, server);
    if (!workload.run(&result, &error))
        result[u"error"_s] = error;
    server.stop();
    return result;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"apiserver_bench"_s);
    Options options;
    bench::BenchConfig config;
    QTextStream out(stdout);
    if (!parseArguments(app, &options, &config)) {
        out << "apiserver_bench: bad --modes or no executable server at " << options.server << '\n';
        return 2;
    }
    QTemporaryDir tempBase;
    const QString baseDir = options.workDir.isEmpty() ? tempBase.path() : options.workDir;
    QDir().mkpath(baseDir);
    QJsonObject modes;
    bool failed = false;
    for (const auto& mode : options.modes) {
        QJsonArray runs;
        QList<QJsonObject> good;
        for (int r = 1; r <= options.repeat; ++r) {
            const QJsonObject run = runOnce(options, config, mode == u"sqlite", baseDir);
            if (run.contains(u"error"_s)) {
                out << "== " << mode << " run " << r << ": " << run.value(u"error"_s).toString() << '\n';
                failed = true;
            } else {
                printRun(out, u"%1 run %2/%3"_s.arg(mode).arg(r).arg(options.repeat), run);
                good.append(run);
            }
            runs.append(run);
        }
        const QJsonObject median = bench::medianOf(good);
        printRun(out, u"%1: median of %2 runs"_s.arg(mode).arg(good.size()), median);
        modes[mode] = QJsonObject { { u"runs"_s, runs }, { u"median"_s, median } };
    }
    const QJsonObject doc { { u"benchmark"_s, u"apiserver_bench"_s },
        { u"commit"_s, QStringLiteral(KUBELB_PROJECT_GIT_HASH) },
        { u"finishedAt"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
        { u"config"_s, configJson(options, config) }, { u"modes"_s, modes } };
    if (!options.jsonFile.isEmpty()) {
        QFile f(options.jsonFile);
        if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(doc).toJson()) < 0) {
            out << "apiserver_bench: cannot write " << options.jsonFile << '\n';
            return 1;
        }
    }
    return failed ? 1 : 0;
}
