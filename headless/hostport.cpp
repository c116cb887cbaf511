#include "hostport.h"

using namespace Qt::StringLiterals;

bool parseHostPort(const QString& text, QHostAddress* host, quint16* port, QString* error)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon <= 0) {
        *error = u"\"%1\" is not HOST:PORT (for example 127.0.0.1:6443)"_s.arg(text);
        return false;
    }
    QString h = text.left(colon);
    if (h.startsWith(u'[') && h.endsWith(u']'))
        h = h.mid(1, h.size() - 2);
    if (h == u"localhost")
        h = u"127.0.0.1"_s;
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535 || !host->setAddress(h)) {
        *error = u"\"%1\" is not HOST:PORT (for example 127.0.0.1:6443)"_s.arg(text);
        return false;
    }
    *port = quint16(p);
    return true;
}
