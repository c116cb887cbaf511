#include "apiclient.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslKey>

namespace testsupport {

QByteArray ApiReply::header(const QByteArray& name) const
{
    for (const auto& [k, v] : headers)
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

ApiClient::ApiClient(const QString& baseUrl, const QByteArray& caPem, const QByteArray& token)
    : m_base(baseUrl)
    , m_token(token)
    , m_ssl(QSslConfiguration::defaultConfiguration())
{
    m_ssl.setCaCertificates(QSslCertificate::fromData(caPem));
}

void ApiClient::setClientCertificate(const QByteArray& certPem, const QByteArray& keyPem)
{
    m_ssl.setLocalCertificate(QSslCertificate(certPem));
    m_ssl.setPrivateKey(QSslKey(keyPem, QSsl::Ec));
    // A new configuration means new connections: forget pooled ones made with another identity.
    m_nam.clearConnectionCache();
}

QNetworkRequest ApiClient::makeRequest(const QString& path, const QByteArray& accept) const
{
    QNetworkRequest req(QUrl(m_base + path));
    req.setSslConfiguration(m_ssl);
    if (!m_token.isEmpty())
        req.setRawHeader("Authorization", "Bearer " + m_token);
    req.setRawHeader("Accept", accept);
    return req;
}

ApiReply ApiClient::request(const QByteArray& verb, const QString& path, const QByteArray& body,
    const QByteArray& contentType, const QByteArray& accept)
{
    QNetworkRequest req = makeRequest(path, accept);
    if (!body.isNull())
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(req, verb, body));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        done.wait(15000);
    ApiReply r;
    r.code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    r.json = QJsonDocument::fromJson(r.body).object();
    r.headers = reply->rawHeaderPairs();
    return r;
}

ApiReply ApiClient::post(const QString& path, const QJsonObject& body)
{
    return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QNetworkReply* ApiClient::stream(const QString& path)
{
    return m_nam.get(makeRequest(path, "application/json"));
}

} // namespace testsupport
