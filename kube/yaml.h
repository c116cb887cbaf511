#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <optional>

namespace kube {

/// Where a document failed to parse: a message plus 1-based line and column (0 when unknown).
struct ParseError {
    QString message;
    int line = 0;
    int column = 0;
    QString toString() const;
};

/// Parses one JSON object (the common API body); nullopt with *error for anything else.
std::optional<QJsonObject> parseJsonObject(const QByteArray& data, ParseError* error = nullptr);

/// Converts one YAML document to JSON with Kubernetes' rules (sigs.k8s.io/yaml): plain scalars become
/// bool/int/float/null when they look like it, quoted scalars stay strings, map keys are strings.
/// yaml-cpp exceptions never escape.
std::optional<QJsonValue> yamlToJson(const QByteArray& yaml, ParseError* error = nullptr);
/// Splits a multi-document YAML stream (`---`) into JSON objects, skipping empty documents.
std::optional<QList<QJsonObject>> yamlDocumentsToJson(const QByteArray& yaml, ParseError* error = nullptr);
/// Renders JSON as block-style YAML (strings quoted where needed so they read back identically).
QByteArray jsonToYaml(const QJsonValue& value);

} // namespace kube
