#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <deque>
#include <memory>

class QNetworkReply;

/// The chaos suite's workload driver: writes SyncSecrets to the tenant API servers through many parallel
/// connections, retries what the faults break (bounded), and records every acknowledged (2xx) write.
namespace chaos {

using ByteMap = QMap<QString, QByteArray>;

/// "key (N bytes), ..." — how data appears in failure messages: never a value.
QString describeKeys(const ByteMap& data);

/// One SyncSecret of the workload and what the servers acknowledged about it.
struct Record {
    int tenant = 0; ///< index into the driver's endpoints
    QString ns;
    QString name;
    QString type;
    int version = 0; ///< how many data versions were written (values are unique per version)
    bool created = false; ///< a create was acknowledged (or an ambiguous one confirmed by reading it back)
    bool deleted = false; ///< a delete was acknowledged (or the object confirmed gone)
    ByteMap acked; ///< the data of the last acknowledged write
    quint64 ackedRv = 0; ///< the resourceVersion that write answered
};

/// One workload operation on a record.
enum class Op { Create, CreateStringData, PatchStringData, Put, Delete };

/// One tenant API server: base URL, CA and bearer token.
struct Endpoint {
    QString url;
    QByteArray ca;
    QByteArray token;
};

/// Counters of what the driver did.
struct DriverStats {
    int requests = 0;
    int retries = 0;
    int answered500 = 0;
    int answered429 = 0;
    int noAnswer = 0; ///< connection errors and timeouts (ambiguous)
    int confirmedByRead = 0; ///< creates whose 409 AlreadyExists was confirmed as an earlier attempt's write
    int acknowledged = 0;
    int failed = 0; ///< operations given up after the retry budget (the suite fails on any)
};

class Driver : public QObject {
public:
    /// `lanes` parallel connections per endpoint.
    explicit Driver(QList<Endpoint> endpoints, int lanes = 12);
    ~Driver() override;

    void addRecord(const Record& record) { m_records.append(record); }
    const QList<Record>& records() const { return m_records; }
    /// Queues one operation on record `index` (started by run()).
    void enqueue(int index, Op op);
    /// Starts (or resumes) sending the queued operations.
    void run();
    /// Whether every queued operation has finished (acknowledged or given up).
    bool idle() const;
    int finishedOps() const { return m_finished; }
    const DriverStats& stats() const { return m_stats; }
    /// Why operations were given up ("" when none was).
    QString failures() const { return m_failures.join(u"; "); }

private:
    struct Task {
        int index;
        Op op;
        int attempt = 0;
        bool reading = false; ///< the GET before a PUT, or the read-back after a create's 409 AlreadyExists
        ByteMap data; ///< what this operation writes (fixed across its retries)
    };
    struct Lane {
        int endpoint;
        std::unique_ptr<QNetworkAccessManager> nam;
        bool busy = false;
    };

    void pump();
    void begin(Lane& lane, Task task);
    void send(Lane& lane, Task task, const QByteArray& verb, const QString& path, const QByteArray& body,
        const QByteArray& contentType);
    void onReply(Lane& lane, Task task, const QByteArray& verb, QNetworkReply* reply);
    void retry(Lane& lane, Task task, int code, int retryAfterSeconds);
    void done(Lane& lane, const Task& task);
    void giveUp(Lane& lane, const Task& task, const QString& why);
    void acknowledge(const Task& task, const QJsonObject& object);
    ByteMap nextData(Record& record) const;
    QNetworkRequest request(int endpoint, const QString& path, const QByteArray& contentType) const;

    QList<Endpoint> m_endpoints;
    QList<QSslConfiguration> m_ssl;
    QList<Record> m_records;
    std::vector<std::unique_ptr<Lane>> m_lanes;
    QList<std::deque<Task>> m_queues; ///< per endpoint
    int m_finished = 0;
    DriverStats m_stats;
    QStringList m_failures;
};

} // namespace chaos
