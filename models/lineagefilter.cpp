#include "lineagefilter.h"

using namespace Qt::StringLiterals;

namespace models {

LineageFilter LineageFilter::parse(const QString& text)
{
    LineageFilter filter;
    const QStringList words = text.toLower().split(u' ', Qt::SkipEmptyParts);
    for (const QString& word : words) {
        const qsizetype colon = word.indexOf(u':');
        const QString prefix = colon > 0 ? word.left(colon) : QString();
        const QString rest = word.mid(colon + 1);
        Term term { Field::Text, word };
        if (prefix == "name"_L1)
            term = { Field::Name, rest };
        else if (prefix == "ns"_L1 || prefix == "namespace"_L1)
            term = { Field::Namespace, rest };
        else if (prefix == "tenant"_L1)
            term = { Field::Tenant, rest };
        else if (prefix == "state"_L1)
            term = { Field::State, rest };
        else if (prefix == "label"_L1)
            term = { Field::Label, rest };
        else if (colon < 0 && word.indexOf(u'=') > 0)
            term = { Field::Label, word };
        if (term.value.isEmpty())
            continue;
        if (term.field == Field::Label)
            term.needle = u'\n' + term.value + (term.value.contains(u'=') ? u'\n' : u'=');
        filter.m_terms.append(term);
    }
    return filter;
}

bool LineageFilter::narrows(const LineageFilter& previous) const
{
    if (previous.m_terms.size() > m_terms.size())
        return false;
    for (qsizetype i = 0; i < previous.m_terms.size(); ++i) {
        const Term& was = previous.m_terms.at(i);
        const Term& now = m_terms.at(i);
        if (was.field != now.field)
            return false;
        const bool implied = now.field == Field::Label ? now.value == was.value
            : now.field == Field::State                ? now.value.startsWith(was.value)
                                                       : now.value.contains(was.value);
        if (!implied)
            return false;
    }
    return true;
}

bool LineageFilter::matches(const FilterFields& fields) const
{
    for (const Term& term : m_terms) {
        bool ok = false;
        switch (term.field) {
        case Field::Name:
            ok = fields.view(fields.name).contains(term.value);
            break;
        case Field::Namespace:
            ok = fields.view(fields.namespace_).contains(term.value);
            break;
        case Field::Tenant:
            ok = fields.view(fields.tenant).contains(term.value);
            break;
        case Field::State:
            ok = fields.view(fields.state).startsWith(term.value);
            break;
        case Field::Label:
            ok = fields.view(fields.labels).contains(term.needle);
            break;
        case Field::Text:
            ok = fields.haystack.contains(term.value);
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

} // namespace models
