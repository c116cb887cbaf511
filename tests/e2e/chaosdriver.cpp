#include "chaosdriver.h"

#include "kube/objects.h"
#include "support/e2elogs.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSslCertificate>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace chaos {

namespace {

constexpr int kMaxAttempts = 40;
constexpr int kTimeoutMs = 20000;

QString ssecPath(const Record& r, bool named)
{
    return u"/apis/kubelb.k8c.io/v1alpha1/namespaces/%1/syncsecrets"_s.arg(r.ns) + (named ? u'/' + r.name : QString());
}

QJsonObject encoded(const ByteMap& data)
{
    QJsonObject o;
    for (auto it = data.cbegin(); it != data.cend(); ++it)
        o.insert(it.key(), QString::fromLatin1(it.value().toBase64()));
    return o;
}

QJsonObject plain(const ByteMap& data)
{
    QJsonObject o;
    for (auto it = data.cbegin(); it != data.cend(); ++it)
        o.insert(it.key(), QString::fromUtf8(it.value()));
    return o;
}

QByteArray compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

QString describeKeys(const ByteMap& data)
{
    QStringList parts;
    for (auto it = data.cbegin(); it != data.cend(); ++it)
        parts.append(u"%1 (%2 bytes)"_s.arg(it.key()).arg(it.value().size()));
    return u"["_s + parts.join(u", "_s) + u']';
}

Driver::Driver(QList<Endpoint> endpoints, int lanes)
    : m_endpoints(std::move(endpoints))
{
    for (int e = 0; e < m_endpoints.size(); ++e) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromData(m_endpoints.at(e).ca, QSsl::Pem));
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_ssl.append(ssl);
        m_queues.append(std::deque<Task> {});
        for (int i = 0; i < lanes; ++i)
            m_lanes.push_back(std::make_unique<Lane>(Lane { e, std::make_unique<QNetworkAccessManager>(), false }));
    }
}

Driver::~Driver() = default;

ByteMap Driver::nextData(Record& r) const
{
    ++r.version;
    const auto v = [&](const QString& key) {
        return testsupport::secretValue(u"chaos-%1-%2-%3-v%4-%5"_s.arg(r.tenant)
                                            .arg(r.name, key)
                                            .arg(r.version)
                                            .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0')))
            .toUtf8();
    };
    if (r.type == u"kubernetes.io/tls")
        return { { u"tls.crt"_s, v(u"crt"_s) }, { u"tls.key"_s, v(u"key"_s) } };
    return { { u"value"_s, v(u"value"_s) } };
}

void Driver::enqueue(int index, Op op)
{
    Record& r = m_records[index];
    Task t { index, op, 0, false, {} };
    if (op != Op::Delete)
        t.data = nextData(r);
    m_queues[r.tenant].push_back(t);
}

void Driver::run()
{
    pump();
}

bool Driver::idle() const
{
    for (const auto& q : m_queues)
        if (!q.empty())
            return false;
    for (const auto& l : m_lanes)
        if (l->busy)
            return false;
    return true;
}

void Driver::pump()
{
    for (auto& lane : m_lanes) {
        auto& queue = m_queues[lane->endpoint];
        if (lane->busy || queue.empty())
            continue;
        lane->busy = true;
        Task t = queue.front();
        queue.pop_front();
        begin(*lane, t);
    }
}

QNetworkRequest Driver::request(int endpoint, const QString& path, const QByteArray& contentType) const
{
    QNetworkRequest req(QUrl(m_endpoints.at(endpoint).url + path));
    req.setSslConfiguration(m_ssl.at(endpoint));
    req.setRawHeader("Authorization", "Bearer " + m_endpoints.at(endpoint).token);
    req.setRawHeader("Accept", "application/json");
    if (!contentType.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    req.setTransferTimeout(kTimeoutMs);
    return req;
}

void Driver::begin(Lane& lane, Task t)
{
    const Record& r = m_records.at(t.index);
    ++t.attempt;
    if (t.reading) {
        send(lane, t, "GET", ssecPath(r, true), {}, {});
        return;
    }
    switch (t.op) {
    case Op::Create:
    case Op::CreateStringData: {
        QJsonObject o { { u"apiVersion"_s, u"kubelb.k8c.io/v1alpha1"_s }, { u"kind"_s, u"SyncSecret"_s },
            { u"metadata"_s,
                QJsonObject { { u"name"_s, r.name }, { u"namespace"_s, r.ns },
                    { u"labels"_s, QJsonObject { { u"chaos"_s, u"true"_s } } } } },
            { u"type"_s, r.type } };
        if (t.op == Op::CreateStringData)
            o.insert(u"stringData"_s, plain(t.data));
        else
            o.insert(u"data"_s, encoded(t.data));
        send(lane, t, "POST", ssecPath(r, false), compact(o), "application/json");
        return;
    }
    case Op::PatchStringData:
        send(lane, t, "PATCH", ssecPath(r, true), compact({ { u"stringData"_s, plain(t.data) } }),
            "application/merge-patch+json");
        return;
    case Op::Put:
        // Read first; the PUT goes out with the read object's resourceVersion (see onReply).
        t.reading = true;
        --t.attempt;
        begin(lane, t);
        return;
    case Op::Delete:
        send(lane, t, "DELETE", ssecPath(r, true), {}, {});
        return;
    }
}

void Driver::send(Lane& lane, Task t, const QByteArray& verb, const QString& path, const QByteArray& body,
    const QByteArray& contentType)
{
    ++m_stats.requests;
    QNetworkReply* reply = lane.nam->sendCustomRequest(request(lane.endpoint, path, contentType), verb, body);
    Lane* l = &lane;
    connect(reply, &QNetworkReply::finished, this, [this, l, t, verb, reply] {
        reply->deleteLater();
        onReply(*l, t, verb, reply);
    });
}

void Driver::onReply(Lane& lane, Task t, const QByteArray& verb, QNetworkReply* reply)
{
    const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const QJsonObject json = QJsonDocument::fromJson(body).object();
    const Record& r = m_records.at(t.index);
    if (code == 0 || code == 429 || code >= 500) {
        retry(lane, t, code, reply->rawHeader("Retry-After").toInt());
        return;
    }
    if (verb == "GET") {
        if (code != 200) {
            giveUp(lane, t, u"GET %1/%2 answered %3"_s.arg(r.ns, r.name).arg(code));
            return;
        }
        t.reading = false;
        if (t.op == Op::Put) {
            QJsonObject o = json;
            o.insert(u"data"_s, encoded(t.data));
            o.remove(u"stringData"_s);
            send(lane, t, "PUT", ssecPath(r, true), compact(o), "application/json");
            return;
        }
        // The read-back of a create that met 409 AlreadyExists: ours only if it holds our data.
        const auto s = kube::SyncSecret::fromJson(json);
        if (!s || s->normalizedData() != t.data) {
            giveUp(lane, t, u"%1/%2 exists with data that this driver never wrote"_s.arg(r.ns, r.name));
            return;
        }
        ++m_stats.confirmedByRead;
        acknowledge(t, json);
        done(lane, t);
        return;
    }
    if (code >= 200 && code < 300) {
        acknowledge(t, json);
        done(lane, t);
        return;
    }
    // Already there, or already gone: an earlier attempt (ours, unanswered, or resent by Qt on a dropped
    // keep-alive connection) did it. A create counts only if the object holds exactly the data this one wrote
    // (values are unique per write).
    if (verb == "POST" && code == 409) {
        t.reading = true;
        begin(lane, t);
        return;
    }
    if (verb == "PUT" && code == 409) { // the controllers wrote in between (finalizer, status): read again
        t.reading = true;
        begin(lane, t);
        return;
    }
    if (verb == "DELETE" && code == 404) {
        m_records[t.index].deleted = true; // the unanswered attempt deleted it
        done(lane, t);
        return;
    }
    giveUp(lane, t,
        u"%1 %2/%3 answered %4 %5"_s.arg(QString::fromLatin1(verb), r.ns, r.name)
            .arg(code)
            .arg(json.value(u"reason"_s).toString()));
}

void Driver::retry(Lane& lane, Task t, int code, int retryAfterSeconds)
{
    ++m_stats.retries;
    if (code == 500)
        ++m_stats.answered500;
    else if (code == 429)
        ++m_stats.answered429;
    else if (code == 0)
        ++m_stats.noAnswer;
    if (t.attempt >= kMaxAttempts) {
        giveUp(lane, t, u"no success after %1 attempts (last code %2)"_s.arg(t.attempt).arg(code));
        return;
    }
    const int base = std::min(2000, 50 << std::min(t.attempt, 6));
    const int delay
        = retryAfterSeconds > 0 ? retryAfterSeconds * 1000 : base + int(QRandomGenerator::global()->bounded(base / 2));
    Lane* l = &lane;
    QTimer::singleShot(delay, this, [this, l, t] { begin(*l, t); });
}

void Driver::acknowledge(const Task& t, const QJsonObject& object)
{
    Record& r = m_records[t.index];
    ++m_stats.acknowledged;
    const quint64 rv = object.value(u"metadata"_s).toObject().value(u"resourceVersion"_s).toString().toULongLong();
    if (t.op == Op::Delete) {
        r.deleted = true;
        return;
    }
    if (t.op == Op::Create || t.op == Op::CreateStringData)
        r.created = true;
    r.acked = t.data;
    r.ackedRv = std::max(r.ackedRv, rv);
}

void Driver::done(Lane& lane, const Task&)
{
    ++m_finished;
    lane.busy = false;
    pump();
}

void Driver::giveUp(Lane& lane, const Task& t, const QString& why)
{
    ++m_stats.failed;
    m_failures.append(why);
    done(lane, t);
}

} // namespace chaos
