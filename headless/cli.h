#pragma once

#include <QCommandLineParser>
#include <QString>

/// The parser's help text with the usage line naming the subcommand ("Usage: kubelb-syncd ccm [options]")
/// instead of the binary's path.
QString commandHelp(const QCommandLineParser& parser, const QString& command);
