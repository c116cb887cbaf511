// Kubeconfig loading from bytes: YAML parsing, the kubeconfig schema, merging and context resolution either fail
// with an error or give a usable configuration. Never runs exec plugins.
#include "fuzzcheck.h"
#include "kube/kubeconfig.h"
#include "kube/yaml.h"

#include <QCoreApplication>
#include <QDir>

using namespace Qt::StringLiterals;

// Qt loads its TLS backend plugin (for the certificates resolveContext checks) through the application object.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    kube::ParseError error;
    if (const auto json = kube::yamlToJson(input, &error))
        kube::jsonToYaml(*json);
    else
        FUZZ_CHECK(!error.message.isEmpty(), "a YAML error says what is wrong");
    kube::yamlDocumentsToJson(input);
    // Relative paths resolve under a directory that does not exist: file references fail cleanly.
    const QString file = QDir::tempPath() + u"/kubelb-fuzz-missing/kubeconfig"_s;
    const auto config = kube::parseKubeconfig(input, file);
    if (!config) {
        FUZZ_CHECK(!config.error().message().isEmpty(), "a kubeconfig error says what is wrong");
        return 0;
    }
    const kube::Kubeconfig merged = kube::mergeKubeconfigs({ *config, *config });
    for (const auto& info : kube::contextInfos(merged)) {
        QStringList warnings;
        kube::resolveContext(merged, info.name, &warnings);
    }
    kube::resolveContext(merged, {});
    return 0;
}
