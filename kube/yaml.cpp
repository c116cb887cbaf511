#include "yaml.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QRegularExpression>
#include <QStringDecoder>
#include <QVariant>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>
#include <yaml-cpp/yaml.h>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

const std::string kStrTag = "tag:yaml.org,2002:str";
const std::string kIntTag = "tag:yaml.org,2002:int";
const std::string kFloatTag = "tag:yaml.org,2002:float";
const std::string kBoolTag = "tag:yaml.org,2002:bool";

// QString::fromUtf8 drops a leading byte order mark, which is data here.
QString fromUtf8(const std::string& text)
{
    QStringDecoder decoder(
        QStringDecoder::Utf8, QStringDecoder::Flag::Stateless | QStringDecoder::Flag::ConvertInitialBom);
    return decoder.decode(QByteArrayView(text.data(), qsizetype(text.size())));
}

// --- Scalar resolution of go-yaml v2 (resolve.go), which sigs.k8s.io/yaml uses ------------------------------

/// A resolved scalar, in the Go types go-yaml produces.
struct Scalar {
    enum class Kind { Null, Bool, Int, Uint, Float, String };
    Kind kind = Kind::String;
    bool boolean = false;
    qint64 integer = 0;
    quint64 unsignedInteger = 0;
    double real = 0;
};

std::optional<Scalar> lookupWord(const std::string& s)
{
    using K = Scalar::Kind;
    static const std::map<std::string, Scalar> words = [] {
        std::map<std::string, Scalar> m;
        for (const char* w : { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" })
            m[w] = Scalar { K::Bool, true, 0, 0, 0 };
        for (const char* w : { "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" })
            m[w] = Scalar { K::Bool, false, 0, 0, 0 };
        for (const char* w : { "", "~", "null", "Null", "NULL" })
            m[w] = Scalar { K::Null, false, 0, 0, 0 };
        const double inf = std::numeric_limits<double>::infinity();
        for (const char* w : { ".nan", ".NaN", ".NAN" })
            m[w] = Scalar { K::Float, false, 0, 0, std::numeric_limits<double>::quiet_NaN() };
        for (const char* w : { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" })
            m[w] = Scalar { K::Float, false, 0, 0, inf };
        for (const char* w : { "-.inf", "-.Inf", "-.INF" })
            m[w] = Scalar { K::Float, false, 0, 0, -inf };
        return m;
    }();
    const auto it = words.find(s);
    return it == words.end() ? std::nullopt : std::optional<Scalar>(it->second);
}

// strconv.ParseUint(s, 0, 64) without underscores: 0x/0o/0b prefixes, a leading 0 means octal.
std::optional<quint64> goParseUint(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    unsigned base = 10;
    if (s[0] == '0') {
        const char p = s.size() >= 3 ? char(s[1] | 0x20) : 0;
        base = p == 'b' ? 2 : p == 'o' ? 8 : p == 'x' ? 16 : 8;
        s.remove_prefix(p == 'b' || p == 'o' || p == 'x' ? 2 : 1);
    }
    quint64 value = 0;
    for (const char c : s) {
        const char lower = char(c | 0x20);
        const unsigned digit = (c >= '0' && c <= '9') ? unsigned(c - '0')
            : (lower >= 'a' && lower <= 'z')          ? unsigned(lower - 'a' + 10)
                                                      : 99;
        if (digit >= base || value > (std::numeric_limits<quint64>::max() - digit) / base)
            return std::nullopt;
        value = value * base + digit;
    }
    return value;
}

// strconv.ParseInt(s, 0, 64): an optional sign, then ParseUint, then the int64 range.
std::optional<qint64> goParseInt(std::string_view s)
{
    const bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '+' || s[0] == '-'))
        s.remove_prefix(1);
    const auto magnitude = goParseUint(s);
    const quint64 limit = quint64(std::numeric_limits<qint64>::max()) + (negative ? 1 : 0);
    if (!magnitude || *magnitude > limit)
        return std::nullopt;
    return negative ? qint64(0 - *magnitude) : qint64(*magnitude);
}

// strconv.ParseFloat on an already validated decimal: overflow fails, underflow gives zero.
std::optional<double> goParseFloat(const std::string& s)
{
    bool ok = false;
    const double value = QByteArray::fromStdString(s).toDouble(&ok);
    if (ok)
        return value;
    const auto e = s.find_first_of("eE");
    const bool negativeExponent = e != std::string::npos && s.find('-', e) != std::string::npos;
    if (!negativeExponent)
        return std::nullopt;
    return s[0] == '-' ? -0.0 : 0.0;
}

/// resolve("", in) of go-yaml v2 for a plain scalar.
Scalar resolvePlain(const std::string& in)
{
    static const QRegularExpression yamlStyleFloat(u"^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"_s);
    static const QRegularExpression dotFloat(u"^\\.[0-9]+([eE][-+]?[0-9]+)?$"_s);
    Scalar str;
    const char first = in.empty() ? 'N' : in[0];
    const bool sign = first == '+' || first == '-';
    const bool digit = first >= '0' && first <= '9';
    if (!sign && !digit && first != '.' && std::string_view("yYnNtTfFoO~").find(first) == std::string_view::npos
        && !in.empty())
        return str;
    if (const auto word = lookupWord(in))
        return *word;
    if (first == '.') {
        if (!dotFloat.match(QString::fromStdString(in)).hasMatch())
            return str;
        const auto real = goParseFloat(in);
        return real ? Scalar { Scalar::Kind::Float, false, 0, 0, *real } : str;
    }
    if (!sign && !digit)
        return str;
    std::string plain = in;
    std::erase(plain, '_');
    if (const auto integer = goParseInt(plain))
        return Scalar { Scalar::Kind::Int, false, *integer, 0, 0 };
    if (const auto unsignedInteger = goParseUint(plain); unsignedInteger && !sign)
        return Scalar { Scalar::Kind::Uint, false, 0, *unsignedInteger, 0 };
    if (yamlStyleFloat.match(QString::fromStdString(plain)).hasMatch()) {
        if (const auto real = goParseFloat(plain))
            return Scalar { Scalar::Kind::Float, false, 0, 0, *real };
    }
    return str;
}

QJsonValue scalarToJson(const Scalar& s)
{
    switch (s.kind) {
    case Scalar::Kind::Null:
        return QJsonValue::Null;
    case Scalar::Kind::Bool:
        return s.boolean;
    case Scalar::Kind::Int:
        return s.integer;
    case Scalar::Kind::Uint:
        return double(s.unsignedInteger);
    case Scalar::Kind::Float:
        return s.real;
    case Scalar::Kind::String:
        break;
    }
    return QJsonValue::Undefined;
}

// strconv.FormatFloat(v, 'g', -1, 32), with go-yaml's spellings of the special values.
QString formatFloat32(double value)
{
    const float f = float(value);
    if (std::isnan(f))
        return u".nan"_s;
    if (std::isinf(f))
        return f > 0 ? u".inf"_s : u"-.inf"_s;
    QByteArray digits;
    for (int precision = 0; precision < 9; ++precision) {
        digits = QByteArray::number(double(f), 'e', precision);
        if (float(digits.toDouble()) == f)
            break;
    }
    const qsizetype e = digits.indexOf('e');
    const int exponent = digits.mid(e + 1).toInt();
    if (exponent < -4 || exponent >= 6)
        return QString::fromLatin1(digits);
    const int significant
        = int(std::count_if(digits.begin(), digits.begin() + e, [](char c) { return c >= '0' && c <= '9'; }));
    return QString::number(double(f), 'f', std::max(significant - 1 - exponent, 0));
}

// --- YAML nodes to JSON --------------------------------------------------------------------------------------

struct Failure {
    QString message;
    YAML::Mark mark;
};

class Converter {
public:
    explicit Converter(qsizetype inputSize)
        : m_budget(64 * inputSize + 4096)
    {
    }

    QJsonValue convert(const YAML::Node& node, int depth = 0);

private:
    QJsonValue scalar(const YAML::Node& node) const;
    QString key(const YAML::Node& node) const;
    void mapping(const YAML::Node& node, QJsonObject* out, int depth);
    void merge(const YAML::Node& value, QJsonObject* out, int depth);

    qsizetype m_budget;
};

QJsonValue Converter::convert(const YAML::Node& node, int depth)
{
    // Aliases can make a cycle (`&a [*a]`) or expand exponentially; go-yaml refuses both too.
    if (depth > 1000)
        throw Failure { u"document is nested too deeply"_s, node.Mark() };
    if (--m_budget < 0)
        throw Failure { u"document contains excessive aliasing"_s, node.Mark() };
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        return node.Tag() == kStrTag ? QJsonValue(QString()) : QJsonValue(QJsonValue::Null);
    case YAML::NodeType::Scalar:
        return scalar(node);
    case YAML::NodeType::Sequence: {
        QJsonArray array;
        for (const YAML::Node& item : node)
            array.append(convert(item, depth + 1));
        return array;
    }
    case YAML::NodeType::Map: {
        QJsonObject object;
        mapping(node, &object, depth);
        return object;
    }
    }
    return QJsonValue::Null;
}

QJsonValue Converter::scalar(const YAML::Node& node) const
{
    const std::string& tag = node.Tag();
    const std::string& text = node.Scalar();
    const QString string = fromUtf8(text);
    if (tag == "?") {
        const Scalar s = resolvePlain(text);
        if (s.kind == Scalar::Kind::Float && !std::isfinite(s.real))
            throw Failure { u"json: unsupported value: %1"_s.arg(std::isnan(s.real) ? u"NaN"_s
                                    : s.real > 0                                    ? u"+Inf"_s
                                                                                    : u"-Inf"_s),
                node.Mark() };
        const QJsonValue value = scalarToJson(s);
        return value.isUndefined() ? QJsonValue(string) : value;
    }
    const bool wantsInt = tag == kIntTag, wantsFloat = tag == kFloatTag, wantsBool = tag == kBoolTag;
    if (!wantsInt && !wantsFloat && !wantsBool)
        return string; // quoted, block, !!str, !!binary, !!timestamp and unknown tags all keep the text
    const Scalar s = resolvePlain(text);
    const bool fits = (wantsBool && s.kind == Scalar::Kind::Bool)
        || ((wantsInt || wantsFloat) && (s.kind == Scalar::Kind::Int || s.kind == Scalar::Kind::Uint))
        || (wantsFloat && s.kind == Scalar::Kind::Float && std::isfinite(s.real));
    if (!fits)
        throw Failure { u"cannot decode `%1` as a !!%2"_s.arg(string, QString::fromStdString(tag.substr(18))),
            node.Mark() };
    const QJsonValue value = scalarToJson(s);
    return wantsFloat ? QJsonValue(value.toDouble()) : value;
}

// sigs.k8s.io/yaml turns string, int, float and bool keys into JSON strings; anything else is refused.
QString Converter::key(const YAML::Node& node) const
{
    if (node.IsMap() || node.IsSequence())
        throw Failure { u"invalid map key: a mapping or sequence cannot be a key"_s, node.Mark() };
    const std::string& tag = node.Tag();
    const bool typed = tag == "?" || tag == kIntTag || tag == kFloatTag || tag == kBoolTag;
    if (node.IsScalar() && !typed)
        return fromUtf8(node.Scalar());
    if (node.IsScalar() && tag != "?")
        scalar(node); // rejects an explicit tag that does not fit, such as `!!int abc`
    const Scalar s = node.IsScalar() ? resolvePlain(node.Scalar()) : Scalar { Scalar::Kind::Null, {}, {}, {}, {} };
    switch (s.kind) {
    case Scalar::Kind::String:
        return fromUtf8(node.Scalar());
    case Scalar::Kind::Bool:
        return s.boolean ? u"true"_s : u"false"_s;
    case Scalar::Kind::Int:
        return QString::number(s.integer);
    case Scalar::Kind::Float:
        return formatFloat32(s.real);
    case Scalar::Kind::Uint:
        throw Failure { u"unsupported map key of type: uint64, key: %1"_s.arg(s.unsignedInteger), node.Mark() };
    case Scalar::Kind::Null:
        break;
    }
    throw Failure { u"unsupported map key of type: <nil>, key: <nil>"_s, node.Mark() };
}

bool isMergeKey(const YAML::Node& key)
{
    return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
}

// go-yaml v2 assigns entries in document order, so later keys (merged or not) overwrite earlier ones.
void Converter::mapping(const YAML::Node& node, QJsonObject* out, int depth)
{
    for (const auto& entry : node) {
        if (isMergeKey(entry.first))
            merge(entry.second, out, depth);
        else
            out->insert(key(entry.first), convert(entry.second, depth + 1));
    }
}

void Converter::merge(const YAML::Node& value, QJsonObject* out, int depth)
{
    const Failure wrong { u"map merge requires map or sequence of maps as the value"_s, value.Mark() };
    if (value.IsMap()) {
        mapping(value, out, depth + 1);
        return;
    }
    if (!value.IsSequence())
        throw wrong;
    // Earlier maps take precedence, so they are applied last.
    for (std::size_t i = value.size(); i-- > 0;) {
        if (!value[i].IsMap())
            throw wrong;
        mapping(value[i], out, depth + 1);
    }
}

ParseError makeError(const QString& message, const YAML::Mark& mark)
{
    if (mark.is_null() || mark.line < 0)
        return { message, 0, 0 };
    return { message, mark.line + 1, mark.column + 1 };
}

template <typename T> std::optional<T> fail(ParseError* error, ParseError value)
{
    if (error)
        *error = std::move(value);
    return std::nullopt;
}

// Runs a conversion with every yaml-cpp and conversion failure turned into a ParseError.
template <typename T, typename F> std::optional<T> guarded(ParseError* error, F&& body)
{
    try {
        return body();
    } catch (const Failure& f) {
        return fail<T>(error, makeError(f.message, f.mark));
    } catch (const YAML::Exception& e) {
        return fail<T>(error, makeError(QString::fromStdString(e.msg), e.mark));
    } catch (const std::exception& e) {
        return fail<T>(error, { QString::fromLocal8Bit(e.what()), 0, 0 });
    }
}

QString nodeKind(const YAML::Node& node)
{
    return node.IsSequence() ? u"a sequence"_s : node.IsScalar() ? u"a scalar"_s : u"null"_s;
}

// --- JSON to YAML --------------------------------------------------------------------------------------------

// A string that a YAML reader would take for something else, or that has no faithful plain form.
bool needsQuotes(const QString& s)
{
    const auto blank = [](QChar c) { return c == u' ' || c == u'\t'; };
    // Breaks other than \n and invisible characters are safest escaped.
    static const QRegularExpression special(
        u"[\\x{0}-\\x{8}\\x{b}-\\x{1f}\\x{7f}-\\x{9f}\\x{2028}\\x{2029}\\x{feff}]"_s);
    if (s.isEmpty() || blank(s.front()) || blank(s.back()) || s == u"<<"_s || s.startsWith(u"---"_s)
        || s.startsWith(u"..."_s) || s.contains(special))
        return true;
    return resolvePlain(s.toStdString()).kind != Scalar::Kind::String;
}

// Clip-chomped literal blocks keep exactly one final newline and need no indentation indicator.
bool fitsLiteralBlock(const QString& s)
{
    static const QRegularExpression unsafe(u"[\\r\\x{85}\\x{2028}\\x{2029}\\x{feff}]"_s);
    return s.size() > 1 && s.endsWith(u'\n') && !s.endsWith(u"\n\n"_s) && s.front() != u' ' && s.front() != u'\n'
        && s.front() != u'\t' && !s.contains(unsafe);
}

void emitString(YAML::Emitter& out, const QString& s)
{
    if (!needsQuotes(s) && fitsLiteralBlock(s))
        out << YAML::Literal;
    else if (needsQuotes(s) || s.contains(u'\n'))
        out << YAML::DoubleQuoted;
    out << s.toStdString();
}

void emitKey(YAML::Emitter& out, const QString& key)
{
    // Implicit keys are limited to 1024 characters once written; escapes can lengthen a key past that.
    out << YAML::Key;
    if (key.size() > 256 || key.contains(u'\n'))
        out << YAML::LongKey;
    if (needsQuotes(key) || key.contains(u'\n'))
        out << YAML::DoubleQuoted;
    out << key.toStdString();
}

// Qt keeps integers exactly and stores only large or fractional numbers as doubles; a double is written in
// float syntax so that it reads back as a double.
void emitNumber(YAML::Emitter& out, const QJsonValue& value)
{
    const QVariant number = value.toVariant();
    const double d = value.toDouble();
    if (number.typeId() == QMetaType::LongLong)
        out << number.toLongLong();
    else if (!std::isfinite(d))
        out << YAML::Null;
    else
        out << QByteArray::number(d, d == std::trunc(d) ? 'e' : 'g', QLocale::FloatingPointShortest).toStdString();
}

void emitValue(YAML::Emitter& out, const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out << YAML::Null;
        break;
    case QJsonValue::Bool:
        out << value.toBool();
        break;
    case QJsonValue::Double:
        emitNumber(out, value);
        break;
    case QJsonValue::String:
        emitString(out, value.toString());
        break;
    case QJsonValue::Array:
        out << YAML::BeginSeq;
        for (const QJsonValue item : value.toArray())
            emitValue(out, item);
        out << YAML::EndSeq;
        break;
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        out << YAML::BeginMap;
        for (auto it = object.begin(); it != object.end(); ++it) {
            emitKey(out, it.key());
            out << YAML::Value;
            emitValue(out, it.value());
        }
        out << YAML::EndMap;
        break;
    }
    }
}

// Line and column (1-based, in characters) of a byte offset into UTF-8 text.
std::pair<int, int> position(const QByteArray& data, qsizetype offset)
{
    int line = 1, column = 1;
    for (qsizetype i = 0; i < std::min(offset, data.size()); ++i) {
        if (data[i] == '\n') {
            ++line;
            column = 1;
        } else if ((uchar(data[i]) & 0xc0) != 0x80) {
            ++column;
        }
    }
    return { line, column };
}

} // namespace

QString ParseError::toString() const
{
    if (line <= 0)
        return message;
    if (column <= 0)
        return u"line %1: %2"_s.arg(line).arg(message);
    return u"line %1, column %2: %3"_s.arg(line).arg(column).arg(message);
}

std::optional<QJsonObject> parseJsonObject(const QByteArray& data, ParseError* error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const auto [line, column] = position(data, parseError.offset);
        return fail<QJsonObject>(error, { parseError.errorString(), line, column });
    }
    if (!document.isObject()) {
        const QString got = document.isArray() ? u"an array"_s : u"a scalar"_s;
        return fail<QJsonObject>(error, { u"expected a JSON object, got %1"_s.arg(got), 0, 0 });
    }
    return document.object();
}

std::optional<QJsonValue> yamlToJson(const QByteArray& yaml, ParseError* error)
{
    return guarded<QJsonValue>(error, [&yaml]() -> std::optional<QJsonValue> {
        // Like go-yaml's Unmarshal, only the first document counts.
        const YAML::Node root = YAML::Load(yaml.toStdString());
        return Converter(yaml.size()).convert(root);
    });
}

namespace {

/// One document of a stream and the 0-based line it starts on.
struct DocumentText {
    QByteArray text;
    int firstLine = 0;
};

bool onlyBlanksAndComments(const QByteArray& text)
{
    for (const QByteArray& line : text.split('\n')) {
        const QByteArray t = line.trimmed();
        if (!t.isEmpty() && !t.startsWith('#'))
            return false;
    }
    return true;
}

// Splits a stream at "---" lines (followed by nothing or a comment) the way Kubernetes' YAMLReader does, instead of
// yaml-cpp's LoadAll, which loops forever, allocating, on some malformed streams (found by fuzz_kubeconfig).
QList<DocumentText> splitDocuments(const QByteArray& yaml)
{
    QList<DocumentText> documents;
    DocumentText current;
    int line = 0;
    for (qsizetype pos = 0; pos < yaml.size(); ++line) {
        const qsizetype newline = yaml.indexOf('\n', pos);
        const qsizetype end = newline < 0 ? yaml.size() : newline + 1;
        const QByteArrayView text = QByteArrayView(yaml).sliced(pos, end - pos);
        const QByteArray rest = text.startsWith("---") ? text.sliced(3).toByteArray().trimmed() : QByteArray("-");
        if (rest.isEmpty() || rest.startsWith('#')) {
            documents.append(current);
            current = { {}, line + 1 };
        } else {
            current.text += text;
        }
        pos = end;
    }
    documents.append(current);
    // Text before the first "---" is a document only when it has content.
    if (documents.size() > 1 && onlyBlanksAndComments(documents.first().text))
        documents.removeFirst();
    return documents;
}

} // namespace

std::optional<QList<QJsonObject>> yamlDocumentsToJson(const QByteArray& yaml, ParseError* error)
{
    Converter converter(yaml.size());
    QList<QJsonObject> objects;
    const QList<DocumentText> documents = splitDocuments(yaml);
    for (qsizetype i = 0; i < documents.size(); ++i) {
        ParseError documentError;
        const auto value = guarded<QJsonValue>(&documentError, [&]() -> std::optional<QJsonValue> {
            const YAML::Node document = YAML::Load(documents[i].text.toStdString());
            if (document.IsNull() || !document.IsDefined())
                return QJsonValue();
            if (!document.IsMap())
                throw Failure { u"document %1: expected a mapping, got %2"_s.arg(i + 1).arg(nodeKind(document)),
                    document.Mark() };
            return converter.convert(document);
        });
        if (!value) {
            if (documentError.line > 0)
                documentError.line += documents[i].firstLine;
            return fail<QList<QJsonObject>>(error, documentError);
        }
        if (value->isObject())
            objects << value->toObject();
    }
    return objects;
}

QByteArray jsonToYaml(const QJsonValue& value)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    out.SetMapFormat(YAML::Block);
    emitValue(out, value);
    QByteArray text(out.c_str(), qsizetype(out.size()));
    if (!text.endsWith('\n'))
        text += '\n';
    return text;
}

} // namespace kube
