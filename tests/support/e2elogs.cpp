#include "e2elogs.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QMutex>
#include <QSet>

using namespace Qt::StringLiterals;

namespace testsupport {

namespace {

QMutex g_mutex;
QSet<QString> g_registered;
QSet<QString> g_files;

QString prepareDir()
{
    const QString suite
        = QCoreApplication::applicationName().isEmpty() ? u"unnamed"_s : QCoreApplication::applicationName();
    QDir dir(QStringLiteral(KUBELB_BINARY_DIR "/e2e-logs/") + suite);
    dir.removeRecursively(); // the logs of an earlier run of this suite
    QDir().mkpath(dir.path());
    return dir.path();
}

} // namespace

QString e2eLogDir()
{
    static const QString dir = prepareDir();
    return dir;
}

QString e2eLogFile(const QString& stem)
{
    const QString dir = e2eLogDir();
    QMutexLocker lock(&g_mutex);
    QString name = stem + u".log"_s;
    for (int n = 2; g_files.contains(name); ++n)
        name = u"%1-%2.log"_s.arg(stem).arg(n);
    g_files.insert(name);
    return dir + u'/' + name;
}

QString secretValue(const QString& value)
{
    const QString dir = e2eLogDir();
    QMutexLocker lock(&g_mutex);
    if (g_registered.contains(value))
        return value;
    g_registered.insert(value);
    QFile f(dir + u'/' + QString(SecretValuesFile));
    if (f.open(QIODevice::Append))
        f.write(value.toUtf8().toBase64() + '\n');
    return value;
}

QList<QByteArray> secretPatterns(const QString& value)
{
    const QByteArray raw = value.toUtf8();
    QList<QByteArray> patterns { raw, raw.toBase64() };
    if (value.contains(u'\n')) {
        patterns.append(QByteArray(raw).replace('\n', "\\n"));
        for (const QString& line : value.split(u'\n'))
            if (line.trimmed().size() >= 12)
                patterns.append(line.trimmed().toUtf8());
    }
    return patterns;
}

} // namespace testsupport
