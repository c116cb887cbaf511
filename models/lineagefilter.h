#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace models {

/// What a filter looks at in one chain: one lowercase text built once per chain, so a keystroke only searches
/// precomputed text (no regular expressions, no allocation per row). The text is '\n'-separated sections — name,
/// namespace, tenant, state, type, management name, Secret name, then one line per label ("key=value"), then the
/// warnings — each starting with '\n'; the offsets say where the sections searched by field terms begin and end.
struct FilterFields {
    QString haystack;
    struct Span {
        qsizetype from = 0;
        qsizetype size = 0;
    };
    Span name, namespace_, tenant, state;
    Span labels; ///< "\nk=v\nk2=v2\n" (starts and ends with '\n'; just "\n" without labels)
    QStringView view(Span span) const { return QStringView(haystack).sliced(span.from, span.size); }
};

/// A parsed filter: whitespace-separated terms that must all match. `name:x`, `ns:x` (`namespace:x`),
/// `tenant:x`, `state:x` (prefix of the state, e.g. `state:fail`), `label:key=value` or bare `key=value`
/// (`label:key` matches any value), anything else is free text searched in every field. Case-insensitive.
class LineageFilter {
public:
    /// Parses `text`; an empty or blank text matches everything.
    static LineageFilter parse(const QString& text);
    bool isEmpty() const { return m_terms.isEmpty(); }
    bool matches(const FilterFields& fields) const;
    /// True when everything this filter matches is also matched by `previous` (typing more narrows): the caller
    /// may then test only what `previous` let through.
    bool narrows(const LineageFilter& previous) const;

private:
    enum class Field { Name, Namespace, Tenant, State, Label, Text };
    struct Term {
        Field field;
        QString value;
        QString needle = {}; ///< label terms: "\nkey=" (any value) or "\nkey=value\n", searched in FilterFields::labels
    };
    QList<Term> m_terms;
};

} // namespace models
