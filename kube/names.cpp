#include "names.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace kube {

namespace {

bool fullMatch(const QRegularExpression& re, const QString& value)
{
    return re.match(value).hasMatch();
}

const QString kQualifiedNameMsg = u"name part must consist of alphanumeric characters, '-', '_' or '.', and "
                                  "must start and end with an alphanumeric character (e.g. 'MyName',  or "
                                  "'my.name',  or '123-abc', regex used for validation is "
                                  "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"_s;

} // namespace

QString checkDns1123Subdomain(const QString& value)
{
    static const QRegularExpression re(u"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"_s);
    if (value.size() > 253)
        return u"must be no more than 253 characters"_s;
    if (!fullMatch(re, value))
        return u"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
               "is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"_s;
    return {};
}

QString checkDns1123Label(const QString& value)
{
    static const QRegularExpression re(u"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"_s);
    if (value.size() > 63)
        return u"must be no more than 63 characters"_s;
    if (!fullMatch(re, value))
        return u"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
               "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
               "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"_s;
    return {};
}

QString checkPathSegmentName(const QString& value)
{
    if (value == u"." || value == u"..")
        return u"may not be '%1'"_s.arg(value);
    if (value.contains(u'/'))
        return u"may not contain '/'"_s;
    if (value.contains(u'%'))
        return u"may not contain '%'"_s;
    return {};
}

QString checkQualifiedName(const QString& value)
{
    static const QRegularExpression re(u"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"_s);
    const QStringList parts = value.split(u'/');
    QString name;
    if (parts.size() == 1) {
        name = parts[0];
    } else if (parts.size() == 2) {
        if (parts[0].isEmpty())
            return u"prefix part must be non-empty"_s;
        if (const QString why = checkDns1123Subdomain(parts[0]); !why.isEmpty())
            return u"prefix part "_s + why;
        name = parts[1];
    } else {
        return u"a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
               "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
               "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
               "and '/' (e.g. 'example.com/MyName')"_s;
    }
    if (name.isEmpty())
        return u"name part must be non-empty"_s;
    if (name.size() > 63)
        return u"name part must be no more than 63 characters"_s;
    if (!fullMatch(re, name))
        return kQualifiedNameMsg;
    return {};
}

QString checkLabelValue(const QString& value)
{
    static const QRegularExpression re(u"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"_s);
    if (value.size() > 63)
        return u"must be no more than 63 characters"_s;
    if (!fullMatch(re, value))
        return u"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
               "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
               "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"_s;
    return {};
}

} // namespace kube
