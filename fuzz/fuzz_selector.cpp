// Label and field selectors: parsing never crashes, and a parsed label selector's canonical form parses back to
// the same selector.
#include "fuzzcheck.h"
#include "kube/selector.h"
#include "kube/yaml.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    const QString text = QString::fromUtf8(input);
    static const QJsonObject labels { { u"app"_s, u"web"_s }, { u"tier"_s, u"frontend"_s },
        { u"kubelb.k8c.io/origin-name"_s, u"app-tls"_s }, { u"empty"_s, u""_s } };
    QString error;
    if (const auto selector = kube::LabelSelector::parse(text, &error)) {
        selector->matches(labels);
        const QString canonical = selector->toString();
        QString again;
        const auto reparsed = kube::LabelSelector::parse(canonical, &again);
        FUZZ_CHECK(reparsed.has_value(), "the canonical form parses");
        FUZZ_CHECK(reparsed->toString() == canonical, "the canonical form is stable");
        FUZZ_CHECK(reparsed->matches(labels) == selector->matches(labels), "the canonical form matches the same");
    } else {
        FUZZ_CHECK(!error.isEmpty(), "a label selector error says what is wrong");
    }
    static const QStringList allowed { u"metadata.name"_s, u"metadata.namespace"_s, u"type"_s };
    if (const auto fields = kube::FieldSelector::parse(text, allowed, &error))
        fields->matches(labels);
    if (const auto object = kube::parseJsonObject(input)) {
        if (const auto selector = kube::LabelSelector::fromJson(*object, &error))
            selector->matches(labels);
    }
    return 0;
}
