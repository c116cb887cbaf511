#include "cli.h"

using namespace Qt::StringLiterals;

QString commandHelp(const QCommandLineParser& parser, const QString& command)
{
    QString help = parser.helpText();
    const qsizetype end = help.indexOf(u'\n');
    const QString usage = help.left(end);
    const qsizetype options = usage.indexOf(u" [options]"_s);
    return u"Usage: kubelb-syncd "_s + command + (options < 0 ? QString() : usage.mid(options)) + help.mid(end);
}
