#pragma once

#include <QByteArray>
#include <QString>
#include <memory>

namespace apiserver {

/// The API server's Prometheus metrics (kube-apiserver names): request counts by verb/resource/code and request
/// latency. prometheus-cpp stays behind this pimpl; its exceptions never leave it.
class ApiMetrics {
public:
    ApiMetrics();
    ~ApiMetrics();

    /// Records one finished request; `verb` as kube reports it (GET, LIST, WATCH, POST, PUT, PATCH, DELETE, ...).
    void observe(const QString& verb, const QString& group, const QString& resource, const QString& subresource,
        int code, double seconds);
    /// Counts one injected fault (kubelb_apiserver_injected_faults_total{type}).
    void countFault(const QString& type);
    /// Counts one injected error answer: a fault of type "error" plus kubelb_apiserver_injected_errors_total{code}.
    void countInjectedError(int code);
    /// Sets apiserver_storage_objects for one resource.
    void setStoredObjects(const QString& groupResource, double count);
    /// The text exposition format served on /metrics.
    QByteArray exposition() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace apiserver
