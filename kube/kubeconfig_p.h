#pragma once

// Helpers shared by the kubeconfig parser, resolver and loader (not installed API).

#include "apierror.h"

#include <QByteArray>
#include <QString>

namespace kube::detail {

/// Every kubeconfig problem is an ApiError with code 0 and this reason.
inline constexpr auto kInvalidConfiguration = QLatin1StringView("InvalidConfiguration");

/// An InvalidConfiguration error with `message`.
inline ApiError configError(const QString& message)
{
    return ApiError(0, QString(kInvalidConfiguration), message);
}

/// The largest file readWholeFile() accepts.
constexpr qint64 MaxFileSize = 16 * 1024 * 1024;
/// Reads a whole file of at most MaxFileSize bytes; false with *reason in Go's words ("no such file or
/// directory") on failure.
bool readWholeFile(const QString& path, QByteArray* data, QString* reason);

/// Decodes standard base64 as Go's encoding/base64 does (CR and LF ignored); false with *reason
/// ("illegal base64 data at input byte N") on failure.
bool decodeBase64(const QString& text, QByteArray* out, QString* reason);

} // namespace kube::detail
