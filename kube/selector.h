#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace kube {

/// One requirement of a label selector: `key op values`.
struct LabelRequirement {
    enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
    QString key;
    Op op = Op::Equals;
    QStringList values; ///< sorted, deduplicated
};

/// A parsed label selector with the semantics of k8s.io/apimachinery/pkg/labels.
class LabelSelector {
public:
    /// The empty selector, which matches everything.
    LabelSelector() = default;

    /// Parses the string form (`a=b,c!=d,e in (f,g),!h,i`); on error returns nullopt and sets *error like
    /// apimachinery does (e.g. `unable to parse requirement: ...`).
    static std::optional<LabelSelector> parse(const QString& text, QString* error = nullptr);
    /// Converts a metav1.LabelSelector object (matchLabels + matchExpressions); nullopt on an invalid operator.
    static std::optional<LabelSelector> fromJson(const QJsonObject& selector, QString* error = nullptr);

    bool isEmpty() const { return m_requirements.isEmpty(); }
    const QList<LabelRequirement>& requirements() const { return m_requirements; }
    /// True when every requirement holds for `labels` (a JSON object of string values).
    bool matches(const QJsonObject& labels) const;
    /// The canonical string form (requirements sorted by key).
    QString toString() const;

private:
    QList<LabelRequirement> m_requirements;
};

/// A parsed field selector (`metadata.name=x,metadata.namespace!=y`); only `=`, `==` and `!=`.
class FieldSelector {
public:
    struct Term {
        QString field;
        QString value;
        bool negated = false;
    };

    FieldSelector() = default;
    /// Parses the string form; `allowedFields` (when non-empty) limits which fields may be used, and an unknown
    /// field yields nullopt with `field label not supported: <field>` in *error.
    static std::optional<FieldSelector> parse(
        const QString& text, const QStringList& allowedFields = {}, QString* error = nullptr);

    bool isEmpty() const { return m_terms.isEmpty(); }
    const QList<Term>& terms() const { return m_terms; }
    /// Evaluates against an object: dotted paths are looked up in the JSON (missing = empty string).
    bool matches(const QJsonObject& object) const;

private:
    QList<Term> m_terms;
};

} // namespace kube
