#pragma once

#include <QString>

namespace kube {

/// Name and label syntax checks of k8s.io/apimachinery/pkg/util/validation. Each returns an empty string when
/// the value is valid, otherwise kube-apiserver's wording of the problem.

/// RFC 1123 subdomain: ≤ 253 chars, lowercase alphanumerics, '-' and '.', alphanumeric at both ends.
QString checkDns1123Subdomain(const QString& value);
/// RFC 1123 label: ≤ 63 chars, lowercase alphanumerics and '-', alphanumeric at both ends.
QString checkDns1123Label(const QString& value);
/// A path segment name: not "." or "..", no '/' or '%'.
QString checkPathSegmentName(const QString& value);
/// A qualified name (label/annotation key, finalizer): optional DNS subdomain prefix + '/' + name of ≤ 63
/// chars of [A-Za-z0-9-_.] starting and ending alphanumeric.
QString checkQualifiedName(const QString& value);
/// A label value: empty, or ≤ 63 chars of [A-Za-z0-9-_.] starting and ending alphanumeric.
QString checkLabelValue(const QString& value);

} // namespace kube
