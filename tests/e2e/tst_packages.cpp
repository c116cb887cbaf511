// The Debian packages as a user gets them: `cpack -G DEB` on this build tree (into a scratch directory), each
// .deb unpacked with `dpkg -x` into a scratch root, the binaries' --version run from there without any library
// path, the systemd units, example configuration (conffiles), manifests, desktop entry and AppStream data checked
// with the tools Debian uses. The Dockerfile installs the same CMake component the kubelb-syncd package is made of.
#include "kubelb/version.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
    QByteArray describe() const
    {
        return u"exit %1, stderr: %2"_s.arg(exitCode).arg(err.trimmed().right(2000)).toUtf8();
    }
};

Run run(const QString& program, const QStringList& args,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 60000,
    const QString& workDir = {})
{
    QProcess p;
    p.setProcessEnvironment(env);
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(10000)) {
        r.err = u"cannot start "_s + program + u": "_s + p.errorString();
        return r;
    }
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = program + u" timed out"_s;
        return r;
    }
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return r;
}

#define RUN_OK(r) QVERIFY2((r).exitCode == 0, (r).describe().constData())

QByteArray readFile(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Relative paths of every regular file below `root`, sorted.
QStringList filesBelow(const QString& root)
{
    QStringList out;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext())
        out.append(QDir(root).relativeFilePath(it.next()));
    out.sort();
    return out;
}

/// The environment of a user's shell: no LD_LIBRARY_PATH, no Qt plugin overrides from the build.
QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const auto& name : { u"LD_LIBRARY_PATH"_s, u"QT_PLUGIN_PATH"_s, u"LD_PRELOAD"_s })
        env.remove(name);
    return env;
}

const QString kVersionLine = QStringLiteral(KUBELB_VERSION_STRING);

} // namespace

class TestPackages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void testSyncdPackageMetadata();
    void testSyncdBinariesRunFromTheUnpackedRoot();
    void testSyncdUnitsAndConfiguration();
    void testSyncdShipsTheManifests();
    void testDockerfileInstallsThePackagedComponent();
    void testConsoleDesktopFilesAreValid();
    void testConsolePackage();

private:
    QString debFor(const QString& package) const;
    QString unpack(const QString& package);

    QTemporaryDir m_scratch;
    QStringList m_debs;
};

void TestPackages::initTestCase()
{
    QVERIFY(m_scratch.isValid());
    const QString config = QStringLiteral(KUBELB_BINARY_DIR "/CPackConfig.cmake");
    QVERIFY2(QFile::exists(config), "CPackConfig.cmake missing: configure the build first");
    // The packages are built in a scratch directory so the build tree keeps no stale .deb files.
    const QString out = m_scratch.filePath(u"packages"_s);
    QElapsedTimer timer;
    timer.start();
    const Run cpack = run(QStringLiteral(KUBELB_CPACK), { u"-G"_s, u"DEB"_s, u"--config"_s, config, u"-B"_s, out },
        QProcessEnvironment::systemEnvironment(), 480000);
    RUN_OK(cpack);
    qInfo("cpack -G DEB: %lld ms", timer.elapsed());
    for (const auto& f : QDir(out).entryList({ u"*.deb"_s }, QDir::Files))
        m_debs.append(QDir(out).filePath(f));
    QVERIFY2(!m_debs.isEmpty(), qPrintable(cpack.out));
}

QString TestPackages::debFor(const QString& package) const
{
    for (const auto& d : m_debs)
        if (QFileInfo(d).fileName().startsWith(package + u'_'))
            return d;
    return {};
}

QString TestPackages::unpack(const QString& package)
{
    const QString root = m_scratch.filePath(u"root-"_s + package);
    if (QDir(root).exists())
        return root;
    const Run x = run(u"dpkg"_s, { u"-x"_s, debFor(package), root });
    return x.exitCode == 0 ? root : QString();
}

void TestPackages::testSyncdPackageMetadata()
{
    const QString deb = debFor(u"kubelb-syncd"_s);
    QVERIFY2(!deb.isEmpty(), qPrintable(m_debs.join(u", "_s)));
    const Run fields
        = run(u"dpkg-deb"_s, { u"-f"_s, deb, u"Package"_s, u"Version"_s, u"Architecture"_s, u"Depends"_s });
    RUN_OK(fields);
    QVERIFY2(fields.out.contains(u"Package: kubelb-syncd\n"_s), qPrintable(fields.out));
    QVERIFY2(fields.out.contains(u"Version: "_s + QStringLiteral(KUBELB_VERSION)), qPrintable(fields.out));
    // Dependencies computed by dpkg-shlibdeps from the binaries: the real runtime libraries, with versions.
    for (const auto& lib : { u"libqt6core6 (>="_s, u"libqt6network6"_s, u"libqt6httpserver6"_s, u"libqt6sql6"_s,
             u"libyaml-cpp0.7"_s, u"libssl3"_s, u"libprometheus-cpp-core"_s })
        QVERIFY2(fields.out.contains(lib), qPrintable(u"Depends lacks "_s + lib + u": "_s + fields.out));
    // The Qt SQLite plugin (apiserver --data-dir) is loaded at run time, so dpkg-shlibdeps cannot see it.
    QVERIFY2(fields.out.contains(u"libqt6sql6-sqlite"_s), qPrintable(fields.out));
    const Run contents = run(u"dpkg-deb"_s, { u"-c"_s, deb });
    RUN_OK(contents);
    QVERIFY2(!contents.out.contains(u".so"_s), "the package ships a shared library of its own");
}

void TestPackages::testSyncdBinariesRunFromTheUnpackedRoot()
{
    const QString root = unpack(u"kubelb-syncd"_s);
    QVERIFY2(!root.isEmpty(), "dpkg -x failed");
    for (const auto& binary : { u"kubelb-syncd"_s, u"kubelb-syncctl"_s }) {
        const QString path = root + u"/usr/bin/"_s + binary;
        QVERIFY2(QFileInfo(path).isExecutable(), qPrintable(path));
        const Run version = run(path, { u"--version"_s }, cleanEnvironment());
        RUN_OK(version);
        QCOMPARE(version.out.trimmed(), binary + u' ' + kVersionLine);
        // Only system libraries: every dependency resolves below /lib or /usr/lib, none into the build tree.
        const Run ldd = run(u"ldd"_s, { path }, cleanEnvironment());
        RUN_OK(ldd);
        for (const auto& line : ldd.out.split(u'\n', Qt::SkipEmptyParts)) {
            const int arrow = line.indexOf(u"=> "_s);
            if (arrow < 0)
                continue;
            const QString target = line.mid(arrow + 3).section(u' ', 0, 0);
            QVERIFY2(
                target.startsWith(u"/lib"_s) || target.startsWith(u"/usr/lib"_s), qPrintable(binary + u": "_s + line));
        }
    }
    const Run subcommand = run(root + u"/usr/bin/kubelb-syncd"_s, { u"manager"_s, u"--version"_s }, cleanEnvironment());
    RUN_OK(subcommand);
    QCOMPARE(subcommand.out.trimmed(), u"kubelb-syncd "_s + kVersionLine);
}

void TestPackages::testSyncdUnitsAndConfiguration()
{
    const QString root = unpack(u"kubelb-syncd"_s);
    QVERIFY(!root.isEmpty());
    // The example configuration is dpkg conffiles (an admin's edits survive upgrades).
    const QString control = m_scratch.filePath(u"control-syncd"_s);
    RUN_OK(run(u"dpkg-deb"_s, { u"-e"_s, debFor(u"kubelb-syncd"_s), control }));
    const QStringList conffiles
        = QString::fromUtf8(readFile(control + u"/conffiles"_s)).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(conffiles, (QStringList { u"/etc/kubelb/manager.yaml"_s, u"/etc/kubelb/ccm.yaml"_s }));

    for (const auto& [command, unit] : { std::pair { u"manager"_s, u"kubelb-syncd-manager.service"_s },
             std::pair { u"ccm"_s, u"kubelb-syncd-ccm.service"_s } }) {
        const QString config = root + u"/etc/kubelb/"_s + command + u".yaml"_s;
        QVERIFY2(QFile::exists(config), qPrintable(config));
        // The daemon accepts the example file: option names and values parse (exit 2 would be a usage error);
        // it then stops at the missing kubeconfig (exit 1), which the unit supplies as a credential.
        QStringList args { command, u"--config"_s, config, u"--kubeconfig"_s,
            m_scratch.filePath(u"missing.kubeconfig"_s) };
        if (command == u"ccm")
            args += { u"--kubelb-kubeconfig"_s, m_scratch.filePath(u"missing.kubeconfig"_s) };
        const Run check = run(root + u"/usr/bin/kubelb-syncd"_s, args, cleanEnvironment(), 30000);
        QVERIFY2(check.exitCode == 1 && check.err.contains(u"missing.kubeconfig"_s), check.describe().constData());
        // And its values are used: the same file with a bad value is refused by name.
        QFile bad(m_scratch.filePath(command + u"-bad.yaml"_s));
        QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QByteArray example = readFile(config);
        QVERIFY(example.contains("\nconcurrency: 4\n"));
        bad.write(example.replace("\nconcurrency: 4\n", "\nconcurrency: 0\n"));
        bad.close();
        args[2] = bad.fileName();
        const Run refused = run(root + u"/usr/bin/kubelb-syncd"_s, args, cleanEnvironment(), 30000);
        QVERIFY2(refused.exitCode == 2 && refused.err.contains(u"--concurrency must be a positive number"_s),
            refused.describe().constData());

        const QString unitPath = root + u"/usr/lib/systemd/system/"_s + unit;
        const QString text = QString::fromUtf8(readFile(unitPath));
        QVERIFY2(!text.isEmpty(), qPrintable(unitPath));
        QVERIFY(text.contains(
            u"ExecStart=/usr/bin/kubelb-syncd "_s + command + u" --config /etc/kubelb/"_s + command + u".yaml"_s));
        for (const auto& hardening : { u"DynamicUser=yes"_s, u"NoNewPrivileges=yes"_s, u"ProtectSystem=strict"_s,
                 u"ProtectHome=yes"_s, u"CapabilityBoundingSet=\n"_s, u"LoadCredential=kubeconfig:"_s })
            QVERIFY2(text.contains(hardening), qPrintable(unit + u" lacks "_s + hardening));
        // systemd's own checker, against the unpacked binary (the unit names /usr/bin, not installed here).
        const QString analyze = QStandardPaths::findExecutable(u"systemd-analyze"_s);
        if (analyze.isEmpty())
            continue;
        const QString copyDir = m_scratch.filePath(u"units"_s);
        QDir().mkpath(copyDir);
        QFile copy(copyDir + u'/' + unit);
        QVERIFY(copy.open(QIODevice::WriteOnly | QIODevice::Truncate));
        copy.write(QString(text).replace(u"/usr/bin/kubelb-syncd"_s, root + u"/usr/bin/kubelb-syncd"_s).toUtf8());
        copy.close();
        const Run verify = run(analyze, { u"verify"_s, copy.fileName() });
        QVERIFY2(verify.exitCode == 0 && verify.err.trimmed().isEmpty(), verify.describe().constData());
    }
}

// The manifests under /usr/share/kubelb-sync are the repository's, file for file.
void TestPackages::testSyncdShipsTheManifests()
{
    const QString root = unpack(u"kubelb-syncd"_s);
    QVERIFY(!root.isEmpty());
    for (const auto& dir : { u"kubernetes"_s, u"grafana"_s }) {
        const QString source = QStringLiteral(KUBELB_SOURCE_DIR "/packaging/") + dir;
        const QString shipped = root + u"/usr/share/kubelb-sync/"_s + dir;
        const QStringList files = filesBelow(source);
        QVERIFY(!files.isEmpty());
        QCOMPARE(filesBelow(shipped), files);
        for (const auto& f : files)
            QVERIFY2(readFile(source + u'/' + f) == readFile(shipped + u'/' + f), qPrintable(f));
    }
    QVERIFY(QFile::exists(root + u"/usr/share/doc/kubelb-syncd/deploy.md"_s));
}

// The container image is built with `cmake --install --component <c>`: that component must be the one the
// kubelb-syncd package is made of, install exactly the package's files, and the build stage must install the
// headless subset of scripts/dev.sh's Debian packages.
void TestPackages::testDockerfileInstallsThePackagedComponent()
{
    const QString dockerfile
        = QString::fromUtf8(readFile(QStringLiteral(KUBELB_SOURCE_DIR "/packaging/docker/Dockerfile")));
    QVERIFY(!dockerfile.isEmpty());
    static const QRegularExpression install(QStringLiteral("cmake --install \\S+ --component (\\S+) --prefix (\\S+)"));
    const auto m = install.match(dockerfile);
    QVERIFY2(m.hasMatch(), "the Dockerfile has no `cmake --install <dir> --component <c> --prefix <p>`");
    const QString component = m.captured(1);
    const QString cpackConfig = QString::fromUtf8(readFile(QStringLiteral(KUBELB_BINARY_DIR "/CPackConfig.cmake")));
    QVERIFY2(cpackConfig.contains(u"set(CPACK_DEBIAN_%1_PACKAGE_NAME \"kubelb-syncd\")"_s.arg(component.toUpper())),
        qPrintable(u"component \"%1\" is not the one packaged as kubelb-syncd"_s.arg(component)));
    QVERIFY(dockerfile.contains(u"-DKUBELB_BUILD_GUI=OFF"_s) && dockerfile.contains(u"-DKUBELB_BUILD_TESTS=OFF"_s)
        && dockerfile.contains(u"-DKUBELB_BUILD_BENCH=OFF"_s));
    QVERIFY(dockerfile.contains(u"FROM debian:bookworm AS build"_s));
    QVERIFY(dockerfile.contains(u"FROM debian:bookworm-slim"_s));
    static const QRegularExpression user(QStringLiteral("\\nUSER (\\d+)(:\\d+)?\\n"));
    const auto u = user.match(dockerfile);
    QVERIFY2(u.hasMatch() && u.captured(1).toInt() > 0, "the runtime stage needs a numeric non-root USER");
    QVERIFY(dockerfile.contains(u"ENTRYPOINT [\"/usr/bin/kubelb-syncd\"]"_s));

    // Build-stage packages: every headless -dev package of scripts/dev.sh, and nothing dev.sh does not list.
    const QString devsh = QString::fromUtf8(readFile(QStringLiteral(KUBELB_SOURCE_DIR "/scripts/dev.sh")));
    static const QRegularExpression packagesBlock(QStringLiteral("packages=\\(([^)]*)\\)"));
    const QStringList devPackages = packagesBlock.match(devsh).captured(1).simplified().split(u' ');
    QVERIFY(devPackages.contains(u"qt6-base-dev"_s));
    static const QRegularExpression devName(QStringLiteral("\\b([a-z0-9.+-]+-dev)\\b"));
    QStringList dockerDev;
    for (auto it = devName.globalMatch(dockerfile); it.hasNext();)
        dockerDev.append(it.next().captured(1));
    // Not for the headless image: the console's libraries and the packaging tool (dpkg-dev).
    const QStringList gui { u"qt6-charts-dev"_s, u"qtkeychain-qt6-dev"_s, u"dpkg-dev"_s };
    for (const auto& p : devPackages)
        if (p.endsWith(u"-dev"_s) && !gui.contains(p))
            QVERIFY2(dockerDev.contains(p), qPrintable(u"the Dockerfile does not install "_s + p));
    for (const auto& p : dockerDev)
        QVERIFY2(
            devPackages.contains(p), qPrintable(u"the Dockerfile installs "_s + p + u", which dev.sh does not list"_s));

    // The runtime stage installs every library the package depends on (the slim base has libc and libstdc++).
    const Run depends = run(u"dpkg-deb"_s, { u"-f"_s, debFor(u"kubelb-syncd"_s), u"Depends"_s });
    RUN_OK(depends);
    const QString runtimeStage = dockerfile.section(u"FROM debian:bookworm-slim"_s, 1);
    for (const auto& dep : depends.out.split(u',', Qt::SkipEmptyParts)) {
        const QString name = dep.trimmed().section(u' ', 0, 0);
        if (name == u"libc6" || name == u"libgcc-s1" || name == u"libstdc++6")
            continue;
        static const QRegularExpression word(QStringLiteral("\\s(\\S+)"));
        bool listed = false;
        for (auto it = word.globalMatch(runtimeStage); it.hasNext() && !listed;)
            listed = it.next().captured(1) == name;
        QVERIFY2(listed, qPrintable(u"the runtime stage does not install "_s + name + u", a Depends of the .deb"_s));
    }

    // Running the Dockerfile's install step (DESTDIR as there) installs exactly the .deb's files.
    const QString destdir = m_scratch.filePath(u"docker-out"_s);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"DESTDIR"_s, destdir);
    static const QRegularExpression destdirUse(QStringLiteral("DESTDIR=(\\S+) cmake --install"));
    const auto d = destdirUse.match(dockerfile);
    QVERIFY2(d.hasMatch(), "the Dockerfile installs without DESTDIR (absolute /etc paths would escape the stage)");
    const Run installed = run(u"cmake"_s,
        { u"--install"_s, QStringLiteral(KUBELB_BINARY_DIR), u"--component"_s, component, u"--prefix"_s,
            m.captured(2) },
        env, 120000);
    RUN_OK(installed);
    const QString root = unpack(u"kubelb-syncd"_s);
    QVERIFY(!root.isEmpty());
    QCOMPARE(filesBelow(destdir), filesBelow(root));
}

// The console's desktop entry and AppStream metadata, checked from the sources whether or not the console is
// built yet (the package test below checks the installed copies).
void TestPackages::testConsoleDesktopFilesAreValid()
{
    const QString desktop = QStringLiteral(KUBELB_SOURCE_DIR "/resources/kubelb-console.desktop");
    const QString metainfo = QStringLiteral(KUBELB_SOURCE_DIR "/resources/io.kubelb.console.metainfo.xml");
    const QString icon = QStringLiteral(KUBELB_SOURCE_DIR "/resources/icons/kubelb-console.svg");
    QVERIFY(readFile(icon).contains("<svg"));
    const QString dfv = QStandardPaths::findExecutable(u"desktop-file-validate"_s);
    const QString asc = QStandardPaths::findExecutable(u"appstreamcli"_s);
    if (dfv.isEmpty() || asc.isEmpty())
        QSKIP("desktop-file-validate (desktop-file-utils) or appstreamcli (appstream) is not installed");
    const Run d = run(dfv, { desktop });
    QVERIFY2(d.exitCode == 0 && d.out.trimmed().isEmpty(), qPrintable(d.out + d.err));
    const Run a = run(asc, { u"validate"_s, u"--no-net"_s, metainfo });
    QVERIFY2(a.exitCode == 0, qPrintable(a.out + a.err));
}

void TestPackages::testConsolePackage()
{
#if !KUBELB_HAS_CONSOLE
    QVERIFY(debFor(u"kubelb-console"_s).isEmpty());
    QSKIP("the kubelb-console target does not exist in this build (app/ is not merged yet, or KUBELB_BUILD_GUI=OFF)");
#else
    const QString deb = debFor(u"kubelb-console"_s);
    QVERIFY2(!deb.isEmpty(), qPrintable(m_debs.join(u", "_s)));
    const Run fields = run(u"dpkg-deb"_s, { u"-f"_s, deb, u"Package"_s, u"Depends"_s });
    RUN_OK(fields);
    QVERIFY2(fields.out.contains(u"libqt6widgets6"_s), qPrintable(fields.out));
    const QString root = unpack(u"kubelb-console"_s);
    QVERIFY(!root.isEmpty());
    QProcessEnvironment env = cleanEnvironment();
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    const Run version = run(root + u"/usr/bin/kubelb-console"_s, { u"--version"_s }, env);
    RUN_OK(version);
    QCOMPARE(version.out.trimmed(), u"kubelb-console "_s + kVersionLine);
    const QString desktop = root + u"/usr/share/applications/kubelb-console.desktop"_s;
    const QString metainfo = root + u"/usr/share/metainfo/io.kubelb.console.metainfo.xml"_s;
    QVERIFY(QFile::exists(root + u"/usr/share/icons/hicolor/scalable/apps/kubelb-console.svg"_s));
    QVERIFY(QFile::exists(desktop) && QFile::exists(metainfo));
    if (const QString dfv = QStandardPaths::findExecutable(u"desktop-file-validate"_s); !dfv.isEmpty())
        RUN_OK(run(dfv, { desktop }));
    if (const QString asc = QStandardPaths::findExecutable(u"appstreamcli"_s); !asc.isEmpty())
        RUN_OK(run(asc, { u"validate"_s, u"--no-net"_s, metainfo }));
#endif
}

QTEST_GUILESS_MAIN(TestPackages)
#include "tst_packages.moc"
