#include "fielderror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <array>
#include <cmath>

using namespace Qt::StringLiterals;

namespace apiserver::field {

namespace {

bool goPrintable(char32_t c)
{
    if (c == U' ')
        return true;
    switch (QChar::category(c)) {
    case QChar::Other_Control:
    case QChar::Other_Format:
    case QChar::Other_Surrogate:
    case QChar::Other_PrivateUse:
    case QChar::Other_NotAssigned:
    case QChar::Separator_Space:
    case QChar::Separator_Line:
    case QChar::Separator_Paragraph:
        return false;
    default:
        return true;
    }
}

QString escapeRune(char32_t c)
{
    switch (c) {
    case U'\a':
        return u"\\a"_s;
    case U'\b':
        return u"\\b"_s;
    case U'\f':
        return u"\\f"_s;
    case U'\n':
        return u"\\n"_s;
    case U'\r':
        return u"\\r"_s;
    case U'\t':
        return u"\\t"_s;
    case U'\v':
        return u"\\v"_s;
    default:
        break;
    }
    if (c < 0x20 || c == 0x7f)
        return u"\\x%1"_s.arg(uint(c), 2, 16, QChar(u'0'));
    if (c < 0x10000)
        return u"\\u%1"_s.arg(uint(c), 4, 16, QChar(u'0'));
    return u"\\U%1"_s.arg(uint(c), 8, 16, QChar(u'0'));
}

kube::StatusCause make(const char* reason, const QString& path, const QString& message)
{
    return { QString::fromLatin1(reason), message, path };
}

int base64Digit(char c)
{
    // A table: Secret data is decoded on every write, so this runs for every byte of it.
    static constexpr auto digits = [] {
        std::array<signed char, 256> t {};
        t.fill(-1);
        for (int i = 0; i < 26; ++i) {
            t[size_t('A' + i)] = static_cast<signed char>(i);
            t[size_t('a' + i)] = static_cast<signed char>(26 + i);
        }
        for (int i = 0; i < 10; ++i)
            t[size_t('0' + i)] = static_cast<signed char>(52 + i);
        t[size_t('+')] = 62;
        t[size_t('/')] = 63;
        return t;
    }();
    return digits[static_cast<unsigned char>(c)];
}

qsizetype skipNewlines(const QByteArray& src, qsizetype si)
{
    while (si < src.size() && (src[si] == '\n' || src[si] == '\r'))
        ++si;
    return si;
}

/// Handles a '=' met at position j of a quantum (si already past it), following Go's decodeQuantum.
/// Returns the error offset or -1; *si is left after the padding.
qsizetype consumePadding(const QByteArray& src, qsizetype* si, int j)
{
    if (j < 2)
        return *si - 1;
    if (j == 2) {
        *si = skipNewlines(src, *si);
        if (*si == src.size())
            return src.size();
        if (src[*si] != '=')
            return *si - 1;
        ++*si;
    }
    *si = skipNewlines(src, *si);
    return *si < src.size() ? *si : -1;
}

void emitQuantum(const int (&digits)[4], int count, QByteArray* out)
{
    if (!out)
        return;
    const quint32 v
        = (quint32(digits[0]) << 18) | (quint32(digits[1]) << 12) | (quint32(digits[2]) << 6) | quint32(digits[3]);
    for (int k = 0; k < count - 1; ++k)
        out->append(char((v >> (16 - 8 * k)) & 0xff));
}

/// The common case, padded base64 without line breaks, checked and decoded in one pass (the same bytes Go's
/// StdEncoding yields); false, with *out unchanged, for anything else.
bool decodeCanonical(const QByteArray& src, QByteArray* out)
{
    const qsizetype n = src.size();
    if (n == 0 || n % 4 != 0)
        return false;
    const qsizetype padding = src.endsWith("==") ? 2 : src.endsWith('=') ? 1 : 0;
    const qsizetype base = out ? out->size() : 0;
    if (out)
        out->resize(base + n / 4 * 3 - padding);
    char* p = out ? out->data() + base : nullptr;
    quint32 bits = 0;
    int pending = 0;
    for (qsizetype i = 0; i < n - padding; ++i) {
        const int d = base64Digit(src[i]);
        if (d < 0) {
            if (out)
                out->resize(base);
            return false;
        }
        bits = (bits << 6) | quint32(d);
        pending += 6;
        if (pending >= 8) {
            pending -= 8;
            if (p)
                *p++ = char((bits >> pending) & 0xff);
        }
    }
    return true;
}

} // namespace

QString child(const QString& base, const QString& name)
{
    return base.isEmpty() ? name : base + u'.' + name;
}

QString key(const QString& base, const QString& key)
{
    return base + u'[' + key + u']';
}

QString index(const QString& base, qsizetype i)
{
    return base + u'[' + QString::number(i) + u']';
}

QString quote(const QString& value)
{
    QString out = u"\""_s;
    const QList<uint> runes = value.toUcs4();
    for (const uint r : runes) {
        const auto c = char32_t(r);
        if (c == U'"' || c == U'\\')
            out += u'\\' + QString::fromUcs4(&c, 1);
        else if (goPrintable(c))
            out += QString::fromUcs4(&c, 1);
        else
            out += escapeRune(c);
    }
    return out + u'"';
}

QString formatNumber(double value)
{
    if (std::isfinite(value) && value == std::trunc(value) && std::fabs(value) < 9.2e18)
        return QString::number(qint64(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

QString renderValue(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return quote(value.toString());
    case QJsonValue::Double:
        return formatNumber(value.toDouble());
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    default:
        return u"\"null\""_s;
    }
}

QString checkDns1035Label(const QString& value)
{
    static const QRegularExpression re(u"^[a-z]([-a-z0-9]*[a-z0-9])?$"_s);
    QStringList errs;
    if (value.size() > 63)
        errs.append(u"must be no more than 63 characters"_s);
    if (!re.match(value).hasMatch())
        errs.append(u"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                    "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"_s);
    return errs.join(u',');
}

kube::StatusCause invalid(const QString& path, const QJsonValue& value, const QString& detail)
{
    return invalidRendered(path, renderValue(value), detail);
}

kube::StatusCause invalidRendered(const QString& path, const QString& rendered, const QString& detail)
{
    return make("FieldValueInvalid", path, u"Invalid value: "_s + rendered + u": "_s + detail);
}

kube::StatusCause typeInvalid(const QString& path, const QJsonValue& value, const QString& detail)
{
    return make("FieldValueTypeInvalid", path, u"Invalid value: "_s + renderValue(value) + u": "_s + detail);
}

kube::StatusCause required(const QString& path, const QString& detail)
{
    return make("FieldValueRequired", path, detail.isEmpty() ? u"Required value"_s : u"Required value: "_s + detail);
}

kube::StatusCause forbidden(const QString& path, const QString& detail)
{
    return make("FieldValueForbidden", path, u"Forbidden: "_s + detail);
}

kube::StatusCause notSupported(const QString& path, const QJsonValue& value, const QStringList& supported)
{
    QString message = u"Unsupported value: "_s + renderValue(value);
    if (!supported.isEmpty()) {
        QStringList quoted;
        for (const QString& s : supported)
            quoted.append(quote(s));
        message += u": supported values: "_s + quoted.join(u", "_s);
    }
    return make("FieldValueNotSupported", path, message);
}

kube::StatusCause duplicate(const QString& path, const QJsonValue& value)
{
    return make("FieldValueDuplicate", path, u"Duplicate value: "_s + renderValue(value));
}

kube::StatusCause tooLong(const QString& path, const QString& detail)
{
    return make("FieldValueTooLong", path, u"Too long: "_s + detail);
}

kube::StatusCause tooMany(const QString& path, qint64 actual, qint64 max)
{
    return make("FieldValueTooMany", path, u"Too many: %1: must have at most %2 items"_s.arg(actual).arg(max));
}

qsizetype decodeBase64(const QString& text, QByteArray* out)
{
    const QByteArray src = text.toUtf8();
    if (decodeCanonical(src, out))
        return -1;
    qsizetype si = 0;
    for (;;) {
        int digits[4] = { 0, 0, 0, 0 };
        int j = 0;
        while (j < 4) {
            if (si == src.size()) {
                if (j == 0)
                    return -1;
                return si - j;
            }
            const char in = src[si++];
            if (const int d = base64Digit(in); d >= 0) {
                digits[j++] = d;
            } else if (in == '\n' || in == '\r') {
                continue;
            } else if (in != '=') {
                return si - 1;
            } else {
                const qsizetype err = consumePadding(src, &si, j);
                if (err < 0)
                    emitQuantum(digits, j, out);
                return err;
            }
        }
        emitQuantum(digits, 4, out);
    }
}

} // namespace apiserver::field
