#include "certificate.h"

#include <QTimeZone>
#include <optional>

using namespace Qt::StringLiterals;

namespace models {

namespace {

/// One DER TLV: tag, and the content as a view into the certificate bytes.
struct Tlv {
    quint8 tag = 0;
    QByteArrayView content;
};

/// Reads the TLV at the start of `in` and advances `in` past it; nullopt on malformed input.
std::optional<Tlv> next(QByteArrayView& in)
{
    if (in.size() < 2)
        return std::nullopt;
    const quint8 tag = quint8(in[0]);
    qsizetype length = quint8(in[1]);
    qsizetype offset = 2;
    if (length & 0x80) {
        const int bytes = length & 0x7f;
        if (bytes < 1 || bytes > 4 || in.size() < 2 + bytes)
            return std::nullopt;
        length = 0;
        for (int i = 0; i < bytes; ++i)
            length = (length << 8) | quint8(in[2 + i]);
        offset += bytes;
    }
    if (length < 0 || in.size() - offset < length)
        return std::nullopt;
    const Tlv tlv { tag, in.sliced(offset, length) };
    in = in.sliced(offset + length);
    return tlv;
}

/// Content of the first element of constructed `in` (a SEQUENCE's children, one at a time).
std::optional<Tlv> child(QByteArrayView in)
{
    return next(in);
}

QDateTime parseDerTime(const Tlv& tlv)
{
    const QString text = QString::fromLatin1(tlv.content);
    QDateTime time = QDateTime::fromString(text, tlv.tag == 0x17 ? u"yyMMddHHmmss'Z'"_s : u"yyyyMMddHHmmss'Z'"_s);
    if (tlv.tag == 0x17 && time.isValid() && time.date().year() < 1950)
        time = time.addYears(100);
    time.setTimeSpec(Qt::UTC);
    return time;
}

QString commonName(QByteArrayView name)
{
    static const QByteArray cnOid("\x55\x04\x03", 3);
    while (auto rdn = next(name)) {
        QByteArrayView set = rdn->content;
        while (auto attribute = next(set)) {
            QByteArrayView pair = attribute->content;
            const auto oid = next(pair);
            const auto value = next(pair);
            if (oid && value && oid->content == cnOid)
                return QString::fromUtf8(value->content);
        }
    }
    return {};
}

QStringList sanDnsNames(QByteArrayView extensions)
{
    static const QByteArray sanOid("\x55\x1d\x11", 3);
    QStringList names;
    while (auto extension = next(extensions)) {
        QByteArrayView fields = extension->content;
        const auto oid = next(fields);
        auto value = next(fields);
        if (value && value->tag == 0x01)
            value = next(fields);
        if (!oid || !value || oid->content != sanOid)
            continue;
        QByteArrayView sequence = value->content;
        const auto generalNames = next(sequence);
        QByteArrayView entries = generalNames ? generalNames->content : QByteArrayView();
        while (auto entry = next(entries))
            if (entry->tag == 0x82)
                names.append(QString::fromLatin1(entry->content));
    }
    return names;
}

QByteArray toDer(const QByteArray& pemOrDer)
{
    const qsizetype begin = pemOrDer.indexOf("-----BEGIN CERTIFICATE-----");
    if (begin < 0)
        return pemOrDer;
    const qsizetype start = pemOrDer.indexOf('\n', begin);
    const qsizetype end = pemOrDer.indexOf("-----END CERTIFICATE-----", start);
    if (start < 0 || end < 0)
        return {};
    return QByteArray::fromBase64(pemOrDer.mid(start, end - start).simplified().replace(' ', ""));
}

bool parseTbs(QByteArrayView tbs, CertificateInfo* info)
{
    auto field = next(tbs);
    if (field && field->tag == 0xa0) // explicit version
        field = next(tbs);
    const auto algorithm = next(tbs);
    const auto issuer = next(tbs);
    const auto validity = next(tbs);
    const auto subject = next(tbs);
    const auto spki = next(tbs);
    if (!field || !algorithm || !issuer || !validity || !subject || !spki)
        return false;
    QByteArrayView times = validity->content;
    const auto notBefore = next(times);
    const auto notAfter = next(times);
    if (!notBefore || !notAfter)
        return false;
    info->notAfter = parseDerTime(*notAfter);
    info->subjectCommonName = commonName(subject->content);
    while (auto optional = next(tbs))
        if (optional->tag == 0xa3)
            if (auto extensions = child(optional->content))
                info->dnsNames = sanDnsNames(extensions->content);
    return info->notAfter.isValid();
}

} // namespace

bool parseCertificate(const QByteArray& pemOrDer, CertificateInfo* info)
{
    const QByteArray der = toDer(pemOrDer);
    QByteArrayView in(der);
    const auto certificate = next(in);
    if (!certificate || certificate->tag != 0x30)
        return false;
    const auto tbs = child(certificate->content);
    if (!tbs || tbs->tag != 0x30)
        return false;
    CertificateInfo parsed;
    if (!parseTbs(tbs->content, &parsed))
        return false;
    *info = parsed;
    return true;
}

} // namespace models
