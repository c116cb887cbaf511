#pragma once

#include "views/consoleconfig.h"

#include <QString>
#include <QStringList>

namespace app {

/// kubelb-console's command line.
struct ConsoleOptions {
    bool demo = false;
    QString demoDir; ///< empty: a temporary directory
    views::ConsoleConfig config;
    QString screenshot; ///< PNG to write, then exit
    QString section = QStringLiteral("lineage");
    QString auditLog; ///< empty: the default audit file
    int settleSeconds = 60;
};

/// Parses `arguments` (argv, the program first); false with *error (exit 2) or *help set (print, exit 0).
bool parseConsoleOptions(const QStringList& arguments, ConsoleOptions* options, QString* error, QString* help);

} // namespace app
