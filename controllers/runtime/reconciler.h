#pragma once

#include <QString>
#include <chrono>

namespace runtime {

/// What to reconcile: the namespace and name of one object (controller-runtime's reconcile.Request).
struct Request {
    QString ns;
    QString name;

    /// "namespace/name", or "name" for cluster-scoped objects.
    QString key() const { return ns.isEmpty() ? name : ns + u'/' + name; }
    /// Parses a work-queue key.
    static Request fromKey(const QString& key);
    bool operator==(const Request&) const = default;
};

/// The outcome of one reconcile (controller-runtime's reconcile.Result plus its error).
struct Result {
    std::chrono::milliseconds requeueAfter { 0 }; ///< > 0: come back after this long (backoff forgotten)
    bool requeue = false; ///< come back with rate-limited backoff
    QString error; ///< non-empty: failed, retried with backoff (unless terminal)
    bool terminal = false; ///< a failure that retrying cannot fix: counted, logged, not requeued

    static Result success() { return {}; }
    static Result after(std::chrono::milliseconds delay) { return { delay, false, {}, false }; }
    static Result failed(const QString& error) { return { {}, false, error, false }; }
    static Result terminalError(const QString& error) { return { {}, false, error, true }; }
};

/// A level-based reconciler: reads desired and actual state, acts, and says whether to come back.
class Reconciler {
public:
    virtual ~Reconciler() = default;
    /// Called from worker threads; never concurrently for the same key.
    virtual Result reconcile(const Request& request) = 0;
};

} // namespace runtime
