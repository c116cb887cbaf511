#include "settings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace app {

namespace {

QString credentialKey(const QString& context, CredentialKind kind)
{
    // Context names may contain '/', which QSettings treats as a group separator: percent-encode them.
    return u"keychain/"_s + QString::fromLatin1(QUrl::toPercentEncoding(context)) + u'/' + credentialKindName(kind);
}

} // namespace

Settings::Settings(QSettings& settings)
    : m_settings(settings)
{
}

views::ConsoleConfig Settings::consoleConfig() const
{
    views::ConsoleConfig config;
    config.kubeconfigFiles = m_settings.value(u"contexts/kubeconfigFiles"_s).toStringList();
    config.managementContext = m_settings.value(u"contexts/management"_s).toString();
    const int tenants = m_settings.beginReadArray(u"tenants"_s);
    for (int i = 0; i < tenants; ++i) {
        m_settings.setArrayIndex(i);
        config.tenants.append(
            { m_settings.value(u"context"_s).toString(), m_settings.value(u"managementNamespace"_s).toString() });
    }
    m_settings.endArray();
    const int metrics = m_settings.beginReadArray(u"metrics"_s);
    for (int i = 0; i < metrics; ++i) {
        m_settings.setArrayIndex(i);
        config.metricsUrls.insert(m_settings.value(u"context"_s).toString(), m_settings.value(u"url"_s).toUrl());
    }
    m_settings.endArray();
    return config;
}

void Settings::setConsoleConfig(const views::ConsoleConfig& config)
{
    m_settings.setValue(u"contexts/kubeconfigFiles"_s, config.kubeconfigFiles);
    m_settings.setValue(u"contexts/management"_s, config.managementContext);
    m_settings.remove(u"tenants"_s);
    m_settings.beginWriteArray(u"tenants"_s, int(config.tenants.size()));
    for (int i = 0; i < config.tenants.size(); ++i) {
        m_settings.setArrayIndex(i);
        m_settings.setValue(u"context"_s, config.tenants[i].context);
        m_settings.setValue(u"managementNamespace"_s, config.tenants[i].managementNamespace);
    }
    m_settings.endArray();
    QStringList contexts = config.metricsUrls.keys();
    contexts.sort(); // a stable file for diffs
    m_settings.remove(u"metrics"_s);
    m_settings.beginWriteArray(u"metrics"_s, int(contexts.size()));
    for (int i = 0; i < contexts.size(); ++i) {
        m_settings.setArrayIndex(i);
        m_settings.setValue(u"context"_s, contexts[i]);
        m_settings.setValue(u"url"_s, config.metricsUrls.value(contexts[i]).toString());
    }
    m_settings.endArray();
}

QByteArray Settings::windowGeometry(const QString& window) const
{
    return m_settings.value(u"windows/"_s + window + u"/geometry"_s).toByteArray();
}

void Settings::setWindowGeometry(const QString& window, const QByteArray& geometry)
{
    m_settings.setValue(u"windows/"_s + window + u"/geometry"_s, geometry);
}

QByteArray Settings::windowState(const QString& window) const
{
    return m_settings.value(u"windows/"_s + window + u"/state"_s).toByteArray();
}

void Settings::setWindowState(const QString& window, const QByteArray& state)
{
    m_settings.setValue(u"windows/"_s + window + u"/state"_s, state);
}

bool Settings::usesKeychain(const QString& context, CredentialKind kind) const
{
    return m_settings.value(credentialKey(context, kind), false).toBool();
}

void Settings::setUsesKeychain(const QString& context, CredentialKind kind, bool uses)
{
    if (uses)
        m_settings.setValue(credentialKey(context, kind), true);
    else
        m_settings.remove(credentialKey(context, kind));
}

void Settings::sync()
{
    m_settings.sync();
}

} // namespace app
