#include "selector.h"

#include "names.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonValue>
#include <QLocale>
#include <QVariant>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

using Op = LabelRequirement::Op;

// Stores the message where the caller asked for it and yields an empty result of any optional type.
std::nullopt_t failWith(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

// --- Go-style value printing, so error texts read like apimachinery's ---------------------------------------

QString goQuote(const QString& text)
{
    static const QHash<char32_t, QString> escapes
        = { { U'"', u"\\\""_s }, { U'\\', u"\\\\"_s }, { U'\n', u"\\n"_s }, { U'\r', u"\\r"_s }, { U'\t', u"\\t"_s } };
    QString out = u"\""_s;
    for (const char32_t c : text.toUcs4()) {
        if (escapes.contains(c))
            out += escapes.value(c);
        else if (c < 0x20 || c == 0x7f)
            out += u"\\x%1"_s.arg(uint(c), 2, 16, QChar(u'0'));
        else if (QChar::isPrint(c))
            out += QString::fromUcs4(&c, 1);
        else
            out += (c < 0x10000 ? u"\\u%1"_s : u"\\U%1"_s).arg(uint(c), c < 0x10000 ? 4 : 8, 16, QChar(u'0'));
    }
    return out + u'"';
}

// %#v of a []string; a Go nil slice (no values given) prints as `[]string(nil)`.
QString goStringSlice(const QStringList& values)
{
    if (values.isEmpty())
        return u"[]string(nil)"_s;
    QStringList quoted;
    for (const QString& v : values)
        quoted << goQuote(v);
    return u"[]string{"_s + quoted.join(u", "_s) + u'}';
}

QString invalidValue(const QString& path, const QString& printed, const QString& detail)
{
    return path + u": Invalid value: "_s + printed + u": "_s + detail;
}

// utilerrors.NewAggregate: one message as is, several deduplicated inside brackets.
QString aggregate(const QStringList& messages)
{
    QStringList unique;
    for (const QString& m : messages) {
        if (!unique.contains(m))
            unique << m;
    }
    return unique.size() == 1 ? unique.first() : u"["_s + unique.join(u", "_s) + u']';
}

QStringList sortedUnique(QStringList values)
{
    values.sort();
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

// labels.NewRequirement: validates the key, the operator's value count and each value.
std::optional<LabelRequirement> newRequirement(const QString& key, Op op, const QStringList& values, QString* error)
{
    QStringList errors;
    if (const QString why = checkQualifiedName(key); !why.isEmpty())
        errors << invalidValue(u"key"_s, goQuote(key), why);
    switch (op) {
    case Op::In:
    case Op::NotIn:
        if (values.isEmpty())
            errors << invalidValue(
                u"values"_s, goStringSlice(values), u"for 'in', 'notin' operators, values set can't be empty"_s);
        break;
    case Op::Equals:
    case Op::NotEquals:
        if (values.size() != 1)
            errors << invalidValue(
                u"values"_s, goStringSlice(values), u"exact-match compatibility requires one single value"_s);
        break;
    case Op::Exists:
    case Op::DoesNotExist:
        if (!values.isEmpty())
            errors << invalidValue(
                u"values"_s, goStringSlice(values), u"values set must be empty for exists and does not exist"_s);
        break;
    }
    for (qsizetype i = 0; i < values.size(); ++i) {
        if (const QString why = checkLabelValue(values[i]); !why.isEmpty())
            errors << invalidValue(u"values[%1][%2]"_s.arg(i).arg(key), goQuote(values[i]), why);
    }
    if (!errors.isEmpty())
        return failWith(error, aggregate(errors));
    return LabelRequirement { key, op, sortedUnique(values) };
}

void sortByKey(QList<LabelRequirement>& requirements)
{
    std::stable_sort(requirements.begin(), requirements.end(),
        [](const LabelRequirement& a, const LabelRequirement& b) { return a.key < b.key; });
}

// --- The label selector lexer and parser of k8s.io/apimachinery/pkg/labels/selector.go ---------------------

enum class Tok {
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar
};

struct Token {
    Tok tok = Tok::EndOfString;
    QString literal;
};

std::optional<Tok> literalToken(const QString& s)
{
    static const QList<std::pair<QString, Tok>> table = {
        { u")"_s, Tok::ClosedPar },
        { u","_s, Tok::Comma },
        { u"!"_s, Tok::DoesNotExist },
        { u"=="_s, Tok::DoubleEquals },
        { u"="_s, Tok::Equals },
        { u">"_s, Tok::GreaterThan },
        { u"in"_s, Tok::In },
        { u"<"_s, Tok::LessThan },
        { u"!="_s, Tok::NotEquals },
        { u"notin"_s, Tok::NotIn },
        { u"("_s, Tok::OpenPar },
    };
    for (const auto& [text, tok] : table) {
        if (text == s)
            return tok;
    }
    return std::nullopt;
}

bool isWhitespace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\r' || c == u'\n';
}

bool isSpecialSymbol(QChar c)
{
    return c == u'=' || c == u'!' || c == u'(' || c == u')' || c == u',' || c == u'>' || c == u'<';
}

// apimachinery's Lexer: identifiers run up to whitespace or a symbol, symbols form the longest run that is still a
// token, and a NUL byte reads as the end of the input.
QList<Token> tokenize(const QString& text)
{
    QList<Token> tokens;
    for (qsizetype i = 0;;) {
        while (i < text.size() && isWhitespace(text[i]))
            ++i;
        if (i == text.size() || text[i].isNull())
            return tokens << Token();
        const qsizetype start = i;
        if (isSpecialSymbol(text[i])) {
            while (i < text.size() && isSpecialSymbol(text[i]) && literalToken(text.mid(start, i + 1 - start)))
                ++i;
            tokens << Token { *literalToken(text.mid(start, i - start)), text.mid(start, i - start) };
            continue;
        }
        while (i < text.size() && !text[i].isNull() && !isSpecialSymbol(text[i]) && !isWhitespace(text[i]))
            ++i;
        const QString word = text.mid(start, i - start);
        tokens << Token { literalToken(word).value_or(Tok::Identifier), word };
        if (i < text.size() && text[i].isNull())
            ++i; // a NUL inside an identifier only ends it
    }
}

class Parser {
public:
    explicit Parser(const QString& text)
        : m_items(tokenize(text))
    {
    }

    std::optional<QList<LabelRequirement>> parse(QString* error);

private:
    // In value context the keywords `in` and `notin` are plain identifiers.
    static Token asValue(Token t)
    {
        if (t.tok == Tok::In || t.tok == Tok::NotIn)
            t.tok = Tok::Identifier;
        return t;
    }
    Token lookahead() const { return asValue(m_items[m_pos]); }
    Token consumeValue() { return asValue(m_items[m_pos++]); }
    Token consumeOperator() { return m_items[m_pos++]; }

    std::optional<LabelRequirement> parseRequirement(QString* error);
    std::optional<QString> parseKeyAndInferOperator(std::optional<Op>* op, QString* error);
    std::optional<Op> parseOperator(QString* error);
    std::optional<QStringList> parseValues(QString* error);
    std::optional<QStringList> parseIdentifiersList(QString* error);
    std::optional<QStringList> parseExactValue(QString* error);

    QList<Token> m_items;
    qsizetype m_pos = 0;
};

std::optional<QList<LabelRequirement>> Parser::parse(QString* error)
{
    QList<LabelRequirement> requirements;
    for (;;) {
        const Token next = lookahead();
        if (next.tok == Tok::EndOfString)
            return requirements;
        if (next.tok != Tok::Identifier && next.tok != Tok::DoesNotExist)
            return failWith(error, u"found '%1', expected: !, identifier, or 'end of string'"_s.arg(next.literal));
        QString why;
        const auto requirement = parseRequirement(&why);
        if (!requirement)
            return failWith(error, u"unable to parse requirement: "_s + why);
        requirements << *requirement;
        const Token after = consumeValue();
        if (after.tok == Tok::EndOfString)
            return requirements;
        if (after.tok != Tok::Comma)
            return failWith(error, u"found '%1', expected: ',' or 'end of string'"_s.arg(after.literal));
        if (const Token t = lookahead(); t.tok != Tok::Identifier && t.tok != Tok::DoesNotExist)
            return failWith(error, u"found '%1', expected: identifier after ','"_s.arg(t.literal));
    }
}

std::optional<LabelRequirement> Parser::parseRequirement(QString* error)
{
    std::optional<Op> op;
    const auto key = parseKeyAndInferOperator(&op, error);
    if (!key)
        return std::nullopt;
    if (op)
        return newRequirement(*key, *op, {}, error);
    op = parseOperator(error);
    if (!op)
        return std::nullopt;
    const bool isSet = *op == Op::In || *op == Op::NotIn;
    const auto values = isSet ? parseValues(error) : parseExactValue(error);
    if (!values)
        return std::nullopt;
    // Go collects the values in a set, so they are validated (and indexed) in sorted order.
    return newRequirement(*key, *op, sortedUnique(*values), error);
}

std::optional<QString> Parser::parseKeyAndInferOperator(std::optional<Op>* op, QString* error)
{
    Token t = consumeValue();
    if (t.tok == Tok::DoesNotExist) {
        *op = Op::DoesNotExist;
        t = consumeValue();
    }
    if (t.tok != Tok::Identifier)
        return failWith(error, u"found '%1', expected: identifier"_s.arg(t.literal));
    // The parser has no field path, which Go prints as "<nil>".
    if (const QString why = checkQualifiedName(t.literal); !why.isEmpty())
        return failWith(error, invalidValue(u"<nil>"_s, goQuote(t.literal), why));
    if (const Tok next = lookahead().tok; (next == Tok::EndOfString || next == Tok::Comma) && !*op)
        *op = Op::Exists;
    return t.literal;
}

std::optional<Op> Parser::parseOperator(QString* error)
{
    const Token t = consumeOperator();
    switch (t.tok) {
    case Tok::In:
        return Op::In;
    case Tok::NotIn:
        return Op::NotIn;
    case Tok::Equals:
    case Tok::DoubleEquals:
        return Op::Equals;
    case Tok::NotEquals:
        return Op::NotEquals;
    default:
        // apimachinery also knows `>` and `<` (gt, lt); this implementation does not.
        return failWith(error, u"found '%1', expected: in, notin, =, ==, !="_s.arg(t.literal));
    }
}

std::optional<QStringList> Parser::parseValues(QString* error)
{
    if (const Token t = consumeValue(); t.tok != Tok::OpenPar)
        return failWith(error, u"found '%1' expected: '('"_s.arg(t.literal));
    const Token next = lookahead();
    if (next.tok == Tok::ClosedPar) {
        consumeValue();
        return QStringList { QString() };
    }
    if (next.tok != Tok::Identifier && next.tok != Tok::Comma)
        return failWith(error, u"found '%1', expected: ',', ')' or identifier"_s.arg(next.literal));
    auto values = parseIdentifiersList(error);
    if (!values)
        return std::nullopt;
    // apimachinery reports the token seen before the list here, not the offending one.
    if (consumeValue().tok != Tok::ClosedPar)
        return failWith(error, u"found '%1', expected: ')'"_s.arg(next.literal));
    return values;
}

std::optional<QStringList> Parser::parseIdentifiersList(QString* error)
{
    QStringList values;
    for (;;) {
        const Token t = consumeValue();
        if (t.tok == Tok::Identifier) {
            values << t.literal;
            const Token next = lookahead();
            if (next.tok == Tok::ClosedPar)
                return values;
            if (next.tok != Tok::Comma)
                return failWith(error, u"found '%1', expected: ',' or ')'"_s.arg(next.literal));
        } else if (t.tok == Tok::Comma) {
            // `(,`, `,,` and `,)` each stand for an empty value.
            if (values.isEmpty())
                values << QString();
            const Tok next = lookahead().tok;
            if (next == Tok::ClosedPar) {
                values << QString();
                return values;
            }
            if (next == Tok::Comma) {
                consumeValue();
                values << QString();
            }
        } else
            return failWith(error, u"found '%1', expected: ',', or identifier"_s.arg(t.literal));
    }
}

std::optional<QStringList> Parser::parseExactValue(QString* error)
{
    if (const Tok next = lookahead().tok; next == Tok::EndOfString || next == Tok::Comma)
        return QStringList { QString() };
    const Token t = consumeValue();
    if (t.tok == Tok::Identifier)
        return QStringList { t.literal };
    return failWith(error, u"found '%1', expected: identifier"_s.arg(t.literal));
}

// --- metav1.LabelSelector ------------------------------------------------------------------------------------

std::optional<QStringList> stringList(const QJsonValue& value)
{
    if (value.isUndefined() || value.isNull())
        return QStringList();
    if (!value.isArray())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue v : value.toArray()) {
        if (!v.isString())
            return std::nullopt;
        out << v.toString();
    }
    return out;
}

std::optional<Op> expressionOperator(const QString& name)
{
    if (name == u"In")
        return Op::In;
    if (name == u"NotIn")
        return Op::NotIn;
    if (name == u"Exists")
        return Op::Exists;
    if (name == u"DoesNotExist")
        return Op::DoesNotExist;
    return std::nullopt;
}

std::optional<LabelRequirement> expressionRequirement(const QJsonValue& expression, QString* error)
{
    const QJsonObject e = expression.toObject();
    const auto values = stringList(e.value("values"_L1));
    if (!expression.isObject() || !values)
        return failWith(error,
            u"matchExpressions: each entry must be an object with a string key, an operator and a list "
            "of string values"_s);
    const QString opName = e.value("operator"_L1).toString();
    const auto op = expressionOperator(opName);
    if (!op)
        return failWith(error, u"%1 is not a valid label selector operator"_s.arg(goQuote(opName)));
    return newRequirement(e.value("key"_L1).toString(), *op, *values, error);
}

// --- Field selectors (k8s.io/apimachinery/pkg/fields/selector.go) --------------------------------------------

// Splits on unescaped commas; escapes stay in place for unescapeValue().
QStringList splitTerms(const QString& text)
{
    QStringList terms;
    if (text.isEmpty())
        return terms;
    qsizetype start = 0;
    bool inSlash = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (inSlash) {
            inSlash = false;
        } else if (text[i] == u'\\') {
            inSlash = true;
        } else if (text[i] == u',') {
            terms << text.mid(start, i - start);
            start = i + 1;
        }
    }
    terms << text.mid(start);
    return terms;
}

// The first operator occurrence splits the term: no escaping is possible on the left-hand side.
bool splitTerm(const QString& term, QString* lhs, QString* op, QString* rhs)
{
    static const QStringList operators = { u"!="_s, u"=="_s, u"="_s };
    for (qsizetype i = 0; i < term.size(); ++i) {
        for (const QString& candidate : operators) {
            if (QStringView(term).mid(i).startsWith(candidate)) {
                *lhs = term.left(i);
                *op = candidate;
                *rhs = term.mid(i + candidate.size());
                return true;
            }
        }
    }
    return false;
}

std::optional<QString> unescapeValue(const QString& value, QString* error)
{
    QString out;
    bool inSlash = false;
    for (const QChar c : value) {
        if (inSlash) {
            if (c != u'\\' && c != u',' && c != u'=')
                return failWith(error, u"invalid field selector: invalid escape sequence: \\"_s + c);
            out += c;
            inSlash = false;
        } else if (c == u'\\') {
            inSlash = true;
        } else if (c == u',' || c == u'=') {
            // Go prints the rune with %v, i.e. as its number.
            return failWith(error, u"invalid field selector: unescaped character in value: %1"_s.arg(c.unicode()));
        } else {
            out += c;
        }
    }
    if (inSlash)
        return failWith(error, u"invalid field selector: invalid escape sequence: \\"_s);
    return out;
}

QString fieldValue(const QJsonObject& object, const QString& path)
{
    QJsonValue value = object;
    for (const QString& part : path.split(u'.'))
        value = value.toObject().value(part);
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? u"true"_s : u"false"_s;
    if (value.isDouble()) {
        const QVariant number = value.toVariant();
        return number.typeId() == QMetaType::LongLong
            ? QString::number(number.toLongLong())
            : QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    }
    return {};
}

// Requirement.String() of apimachinery.
QString requirementString(const LabelRequirement& r)
{
    const QString values = r.values.join(u',');
    switch (r.op) {
    case Op::Equals:
        return r.key + u'=' + values;
    case Op::NotEquals:
        return r.key + u"!="_s + values;
    case Op::In:
        return r.key + u" in ("_s + values + u')';
    case Op::NotIn:
        return r.key + u" notin ("_s + values + u')';
    case Op::Exists:
        return r.key;
    case Op::DoesNotExist:
        return u'!' + r.key;
    }
    return {};
}

} // namespace

std::optional<LabelSelector> LabelSelector::parse(const QString& text, QString* error)
{
    QString why;
    auto requirements = Parser(text).parse(&why);
    if (!requirements)
        return failWith(error, why);
    sortByKey(*requirements);
    LabelSelector selector;
    selector.m_requirements = *requirements;
    return selector;
}

std::optional<LabelSelector> LabelSelector::fromJson(const QJsonObject& selector, QString* error)
{
    QList<LabelRequirement> requirements;
    QString why;
    const QJsonObject matchLabels = selector.value("matchLabels"_L1).toObject();
    for (auto it = matchLabels.begin(); it != matchLabels.end(); ++it) {
        if (!it.value().isString())
            return failWith(error, u"matchLabels: the value of %1 must be a string"_s.arg(it.key()));
        const auto requirement = newRequirement(it.key(), Op::Equals, { it.value().toString() }, &why);
        if (!requirement)
            return failWith(error, why);
        requirements << *requirement;
    }
    for (const QJsonValue expression : selector.value("matchExpressions"_L1).toArray()) {
        const auto requirement = expressionRequirement(expression, &why);
        if (!requirement)
            return failWith(error, why);
        requirements << *requirement;
    }
    sortByKey(requirements);
    LabelSelector result;
    result.m_requirements = requirements;
    return result;
}

bool LabelSelector::matches(const QJsonObject& labels) const
{
    return std::all_of(m_requirements.begin(), m_requirements.end(), [&labels](const LabelRequirement& r) {
        const bool has = labels.contains(r.key);
        const bool inValues = has && r.values.contains(labels.value(r.key).toString());
        switch (r.op) {
        case Op::Equals:
        case Op::In:
            return inValues;
        case Op::NotEquals:
        case Op::NotIn:
            return !inValues;
        case Op::Exists:
            return has;
        case Op::DoesNotExist:
            return !has;
        }
        return false;
    });
}

QString LabelSelector::toString() const
{
    QStringList parts;
    for (const LabelRequirement& r : std::as_const(m_requirements))
        parts << requirementString(r);
    return parts.join(u',');
}

std::optional<FieldSelector> FieldSelector::parse(const QString& text, const QStringList& allowedFields, QString* error)
{
    QStringList parts = splitTerms(text);
    parts.sort();
    FieldSelector selector;
    QString why;
    for (const QString& part : std::as_const(parts)) {
        if (part.isEmpty())
            continue;
        QString lhs, op, rhs;
        if (!splitTerm(part, &lhs, &op, &rhs))
            return failWith(error, u"invalid selector: '%1'; can't understand '%2'"_s.arg(text, part));
        const auto value = unescapeValue(rhs, &why);
        if (!value)
            return failWith(error, why);
        selector.m_terms << Term { lhs, *value, op == u"!=" };
    }
    // Like apimachinery, field names are checked only once every term has parsed.
    for (const Term& term : std::as_const(selector.m_terms)) {
        if (!allowedFields.isEmpty() && !allowedFields.contains(term.field))
            return failWith(error, u"field label not supported: "_s + term.field);
    }
    return selector;
}

bool FieldSelector::matches(const QJsonObject& object) const
{
    return std::all_of(m_terms.begin(), m_terms.end(),
        [&object](const Term& t) { return (fieldValue(object, t.field) == t.value) != t.negated; });
}

} // namespace kube
