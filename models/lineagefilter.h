#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace models {

/// What a filter looks at in one chain: lowercase copies made once per chain, so a keystroke only runs
/// QString::contains over precomputed text (no regular expressions, no allocation per row).
struct FilterFields {
    QString name;
    QString namespace_;
    QString tenant;
    QString state; ///< "synced", "pending", ...
    QStringList labels; ///< "key=value"
    QString haystack; ///< everything above plus type, object names and warnings, separated by '\n'
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
    };
    QList<Term> m_terms;
};

} // namespace models
