#include "detailpane.h"

#include "auditlog.h"
#include "badgedelegate.h"
#include "kube/restclient.h"
#include "livestate.h"
#include "masking.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QUrlQuery>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace views {

namespace {

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

QString badgeHtml(models::LinkState state)
{
    const Badge badge = badgeFor(state);
    return u"<span style='color:%1'>●</span> %2"_s.arg(badgeColor(badge).name(), badgeText(badge));
}

QString ageText(qint64 seconds)
{
    if (seconds < 0)
        return {};
    if (seconds < 120)
        return QObject::tr("%1 s ago").arg(seconds);
    if (seconds < 7200)
        return QObject::tr("%1 min ago").arg(seconds / 60);
    if (seconds < 172800)
        return QObject::tr("%1 h ago").arg(seconds / 3600);
    return QObject::tr("%1 days ago").arg(seconds / 86400);
}

QString mapList(const QJsonObject& map, const QString& maskKey = {})
{
    if (map.isEmpty())
        return QObject::tr("<i>none</i>");
    QStringList rows;
    for (auto it = map.begin(); it != map.end(); ++it)
        rows.append(u"<code>%1</code> = %2"_s.arg(
            esc(it.key()), it.key() == maskKey ? MaskedValue.toString() : esc(it.value().toString())));
    return rows.join(u"<br>"_s);
}

kube::ResourcePath pathOf(const models::ObjectRef& ref)
{
    if (ref.kind == models::names::SecretKind)
        return { {}, u"v1"_s, u"secrets"_s, ref.namespace_, ref.name, {} };
    return { u"kubelb.k8c.io"_s, u"v1alpha1"_s, u"syncsecrets"_s, ref.namespace_, ref.name, {} };
}

QString signature(const models::LineageChain& c)
{
    QString s;
    for (const auto* l : { &c.tenant, &c.management, &c.secret })
        s += l->object.uid + l->object.resourceVersion + QString::number(int(l->state));
    return s + c.warnings.join(u'|');
}

} // namespace

DetailPane::DetailPane(LiveState* live, AuditLog* audit, QWidget* parent)
    : QWidget(parent)
    , m_live(live)
    , m_audit(audit)
    , m_title(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_linkBox(new QComboBox(this))
    , m_outer(new QVBoxLayout(this))
{
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_linkBox->addItems({ tr("Tenant SyncSecret"), tr("Management SyncSecret"), tr("Secret") });
    m_linkBox->setToolTip(tr("Which object of the chain the details below describe"));
    auto* scroll = new QScrollArea(this);
    scroll->setObjectName(u"detailScroll"_s);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // text wraps to the pane's width
    auto* copy = new QPushButton(tr("Copy kubectl"), this);
    copy->setToolTip(tr("kubectl commands (with --context) for every object of the chain; no values"));
    auto* yaml = new QPushButton(tr("YAML (masked)"), this);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(copy);
    buttons->addWidget(yaml);
    buttons->addStretch();
    m_outer->addWidget(m_title);
    m_outer->addWidget(m_summary);
    m_outer->addWidget(m_linkBox);
    m_outer->addWidget(scroll, 1);
    m_outer->addLayout(buttons);
    m_remask.setSingleShot(true);
    m_remask.setInterval(30000);
    setFocusPolicy(Qt::StrongFocus); // Enter on a lineage row moves the focus here; Esc goes back
    connect(&m_remask, &QTimer::timeout, this, &DetailPane::remask);
    connect(m_linkBox, &QComboBox::currentIndexChanged, this, &DetailPane::setLink);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(kubectlCommands()); });
    connect(yaml, &QPushButton::clicked, this, &DetailPane::showYaml);
    showChain(nullptr);
}

void DetailPane::showChain(const models::LineageChain* chain)
{
    const QString key = chain ? models::chainKey(*chain) : QString();
    if (chain && m_chain && key == m_chainKey && signature(*chain) == signature(*m_chain))
        return;
    const bool other = key != m_chainKey;
    m_chainKey = key;
    m_chain = chain ? std::optional<models::LineageChain>(*chain) : std::nullopt;
    if (other) {
        m_revealedKey.clear();
        m_remask.stop();
        m_link = m_chain && !m_chain->tenant.present() ? 1 : 0;
    }
    if (isRevealing())
        return; // the update shows once the value is masked again
    rebuild();
}

void DetailPane::setLink(int link)
{
    if (link == m_link && m_body)
        return;
    remask();
    m_link = link;
    if (m_linkBox->currentIndex() != link)
        m_linkBox->setCurrentIndex(link);
    rebuild();
}

const models::LineageLink* DetailPane::currentLink() const
{
    if (!m_chain)
        return nullptr;
    return m_link == 0 ? &m_chain->tenant : m_link == 1 ? &m_chain->management : &m_chain->secret;
}

std::optional<QJsonObject> DetailPane::currentObject() const
{
    const models::LineageLink* link = currentLink();
    if (!link || !link->present())
        return std::nullopt;
    return m_live->object(link->object);
}

void DetailPane::rebuild()
{
    ++m_generation;
    m_values.clear();
    m_reveals.clear();
    m_events = nullptr;
    auto* scroll = findChild<QScrollArea*>(u"detailScroll"_s);
    delete scroll->takeWidget();
    m_body = new QWidget;
    m_bodyLayout = new QVBoxLayout(m_body);
    m_bodyLayout->setContentsMargins(0, 0, 0, 0);
    if (!m_chain) {
        m_title->setText(tr("Details"));
        m_summary->setText(tr("Select a SyncSecret in the lineage (Enter opens it) to see its chain, metadata, "
                              "data fingerprints and events. Values stay masked until you reveal one."));
        m_linkBox->setVisible(false);
        m_bodyLayout->addStretch();
        scroll->setWidget(m_body);
        return;
    }
    if (m_linkBox->currentIndex() != m_link) {
        const QSignalBlocker block(m_linkBox);
        m_linkBox->setCurrentIndex(m_link);
    }
    m_linkBox->setVisible(true);
    const models::LineageChain& c = *m_chain;
    const QString name = c.originName.isEmpty() ? c.management.object.name : c.originName;
    m_title->setText(
        c.tenantContext.isEmpty() ? name : u"%1  (%2 / %3)"_s.arg(name, c.tenantContext, c.originNamespace));
    const auto linkLine = [](const QString& what, const models::LineageLink& l) {
        return l.present()
            ? u"%1 <code>%2/%3</code> %4"_s.arg(what, esc(l.object.namespace_), esc(l.object.name), badgeHtml(l.state))
            : u"%1 <i>missing</i>"_s.arg(what);
    };
    m_summary->setText(QStringList { linkLine(tr("Tenant SyncSecret"), c.tenant),
        linkLine(tr("→ management SyncSecret"), c.management), linkLine(tr("→ Secret"), c.secret) }
                           .join(u"<br>"_s));
    const models::LineageLink& link = *currentLink();
    if (!link.present()) {
        addSection(tr("Not present"),
            tr("This object does not exist.") + u"<br>"_s + esc(c.warnings.join(u'\n')).replace(u'\n', u"<br>"_s));
        m_bodyLayout->addStretch();
        scroll->setWidget(m_body);
        return;
    }
    QString state = badgeHtml(link.state);
    if (link.object.kind != models::names::SecretKind)
        state += tr(" · generation %1 / observed %2").arg(link.generation).arg(link.observedGeneration);
    if (link.lastChange.isValid())
        state += u" · "_s + tr("changed %1").arg(ageText(link.lastChange.secsTo(QDateTime::currentDateTimeUtc())));
    if (!link.message.isEmpty())
        state += u"<br>"_s + esc(link.message);
    addSection(tr("State"), state);
    if (!c.warnings.isEmpty())
        addSection(tr("Findings"), esc(c.warnings.join(u'\n')).replace(u'\n', u"<br>"_s));
    addSection(tr("Object"),
        u"%1 <code>%2</code> in <code>%3</code> (context <code>%4</code>)<br>uid %5 · resourceVersion %6"_s.arg(
            esc(link.object.kind), esc(link.object.name), esc(link.object.namespace_), esc(link.object.context),
            esc(link.object.uid), esc(link.object.resourceVersion)));
    addDataSection(link);
    const std::optional<QJsonObject> object = currentObject();
    const QJsonObject metadata = object ? object->value(u"metadata"_s).toObject() : QJsonObject();
    addSection(tr("Labels"), mapList(metadata.value(u"labels"_s).toObject()));
    addSection(tr("Annotations"),
        mapList(metadata.value(u"annotations"_s).toObject(), u"kubectl.kubernetes.io/last-applied-configuration"_s));
    QStringList owners;
    for (const QJsonValue& v : metadata.value(u"ownerReferences"_s).toArray()) {
        const QJsonObject o = v.toObject();
        owners.append(u"%1 <code>%2</code> (uid %3%4)"_s.arg(esc(o.value(u"kind"_s).toString()),
            esc(o.value(u"name"_s).toString()), esc(o.value(u"uid"_s).toString()),
            o.value(u"controller"_s).toBool() ? tr(", controller") : QString()));
    }
    addSection(tr("Owner references"), owners.isEmpty() ? tr("<i>none</i>") : owners.join(u"<br>"_s));
    QStringList finalizers;
    for (const QJsonValue& v : metadata.value(u"finalizers"_s).toArray())
        finalizers.append(u"<code>%1</code>"_s.arg(esc(v.toString())));
    addSection(tr("Finalizers"), finalizers.isEmpty() ? tr("<i>none</i>") : finalizers.join(u"<br>"_s));
    QStringList conditions;
    for (const QJsonValue& v :
        object ? object->value(u"status"_s).toObject().value(u"conditions"_s).toArray() : QJsonArray()) {
        const QJsonObject o = v.toObject();
        conditions.append(u"<b>%1</b>=%2 %3 — %4 (%5)"_s.arg(esc(o.value(u"type"_s).toString()),
            esc(o.value(u"status"_s).toString()), esc(o.value(u"reason"_s).toString()),
            esc(o.value(u"message"_s).toString()), esc(o.value(u"lastTransitionTime"_s).toString())));
    }
    addSection(tr("Conditions"), conditions.isEmpty() ? tr("<i>none</i>") : conditions.join(u"<br>"_s));
    addSection(tr("Recent events"), tr("Loading events…"));
    m_events = m_body->findChildren<QLabel*>().last();
    requestEvents(link);
    m_bodyLayout->addStretch();
    scroll->setWidget(m_body);
}

void DetailPane::addSection(const QString& title, const QString& html)
{
    auto* heading = new QLabel(u"<b>%1</b>"_s.arg(esc(title)), m_body);
    auto* text = new QLabel(html, m_body);
    text->setWordWrap(true);
    text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred); // long names are clipped, not scrolled
    text->setTextFormat(Qt::RichText);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bodyLayout->addWidget(heading);
    m_bodyLayout->addWidget(text);
}

void DetailPane::addDataSection(const models::LineageLink& link)
{
    m_bodyLayout->addWidget(new QLabel(u"<b>%1</b>"_s.arg(tr("Data")), m_body));
    if (link.keys.isEmpty()) {
        m_bodyLayout->addWidget(new QLabel(tr("<i>no data keys</i>"), m_body));
        return;
    }
    auto* grid = new QGridLayout;
    int row = 0;
    for (const models::DataKey& key : link.keys) {
        auto* name = new QLabel(u"<code>%1</code>"_s.arg(esc(key.name)), m_body);
        QString facts = sizeText(key.size) + u" · sha256:"_s + QString::fromLatin1(key.sha256Hex.left(12)) + u'…';
        if (link.certificate && key.name == u"tls.crt") {
            const auto& cert = *link.certificate;
            const qint64 days = QDateTime::currentDateTimeUtc().daysTo(cert.notAfter);
            facts += u"<br>CN=%1, SANs %2, %3"_s.arg(esc(cert.subjectCommonName), esc(cert.dnsNames.join(u", "_s)),
                days < 0 ? tr("expired") : tr("expires in %1 days").arg(days));
        }
        auto* factsLabel = new QLabel(facts, m_body);
        factsLabel->setWordWrap(true);
        factsLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        factsLabel->setToolTip(u"sha256:"_s + QString::fromLatin1(key.sha256Hex));
        auto* value = new QLabel(MaskedValue.toString(), m_body);
        value->setObjectName(u"value:"_s + key.name);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        auto* button = new QPushButton(tr("Reveal"), m_body);
        button->setObjectName(u"reveal:"_s + key.name);
        button->setToolTip(tr("Fetch and show this one value for 30 s; the reveal is written to the audit log"));
        connect(button, &QPushButton::clicked, this, [this, k = key.name] {
            if (m_revealedKey == k)
                remask();
            else
                reveal(k);
        });
        grid->addWidget(name, row, 0);
        grid->addWidget(factsLabel, row, 1);
        grid->addWidget(button, row, 2);
        grid->addWidget(value, row + 1, 1, 1, 2);
        m_values.insert(key.name, value);
        m_reveals.insert(key.name, button);
        row += 2;
    }
    grid->setColumnStretch(1, 1);
    m_bodyLayout->addLayout(grid);
}

void DetailPane::requestEvents(const models::LineageLink& link)
{
    kube::RestClient* client = m_live->client(link.object.context);
    if (!client) {
        m_events->setText(tr("<i>context %1 is not connected</i>").arg(esc(link.object.context)));
        return;
    }
    QUrlQuery query;
    query.addQueryItem(u"fieldSelector"_s, u"involvedObject.name="_s + link.object.name);
    const QString path = kube::ResourcePath { {}, u"v1"_s, u"events"_s, link.object.namespace_, {}, {} }.path();
    auto* job = new kube::RestJob(*client, { "GET", path, query, {}, {}, "application/json" }, this);
    const quint64 generation = m_generation;
    const QString uid = link.object.uid, name = link.object.name;
    connect(job, &kube::RestJob::finished, this, [this, generation, uid, name](kube::RestJob* job) {
        if (generation != m_generation || !m_events)
            return;
        const auto result = job->result();
        if (!result) {
            m_events->setText(tr("<i>events unavailable: %1</i>").arg(esc(result.error().message())));
            return;
        }
        QStringList rows;
        for (const QJsonValue& v : result->value(u"items"_s).toArray()) {
            const QJsonObject e = v.toObject();
            const QJsonObject involved = e.value(u"involvedObject"_s).toObject();
            if (involved.value(u"name"_s).toString() != name
                || (!involved.value(u"uid"_s).toString().isEmpty() && involved.value(u"uid"_s).toString() != uid))
                continue;
            rows.append(u"%1 <b>%2</b> %3 (%4×)"_s.arg(esc(e.value(u"lastTimestamp"_s).toString()),
                esc(e.value(u"reason"_s).toString()), esc(e.value(u"message"_s).toString()),
                QString::number(e.value(u"count"_s).toInt(1))));
        }
        m_events->setText(rows.isEmpty() ? tr("<i>No events recorded for this object.</i>")
                                         : rows.mid(std::max<qsizetype>(0, rows.size() - 10)).join(u"<br>"_s));
    });
    job->start();
}

void DetailPane::reveal(const QString& key)
{
    remask();
    const models::LineageLink* link = currentLink();
    kube::RestClient* client = link ? m_live->client(link->object.context) : nullptr;
    QLabel* value = m_values.value(key);
    if (!client || !value)
        return;
    value->setText(tr("fetching…"));
    const models::ObjectRef ref = link->object;
    auto* job = new kube::RestJob(*client, { "GET", pathOf(ref).path(), {}, {}, {}, "application/json" }, this);
    const quint64 generation = m_generation;
    connect(job, &kube::RestJob::finished, this, [this, generation, key, ref](kube::RestJob* job) {
        QLabel* value = m_values.value(key);
        if (generation != m_generation || !value)
            return;
        const auto result = job->result();
        if (!result) {
            value->setText(tr("could not fetch: %1").arg(result.error().message()));
            return;
        }
        QByteArray bytes;
        const QJsonObject plain = result->value(u"stringData"_s).toObject();
        if (plain.contains(key))
            bytes = plain.value(key).toString().toUtf8();
        else
            bytes = QByteArray::fromBase64(result->value(u"data"_s).toObject().value(key).toString().toLatin1());
        QString error;
        QJsonObject record { { u"action"_s, u"reveal"_s }, { u"context"_s, ref.context }, { u"kind"_s, ref.kind },
            { u"namespace"_s, ref.namespace_ }, { u"name"_s, ref.name }, { u"uid"_s, ref.uid }, { u"key"_s, key } };
        if (!m_audit->append(record, &error)) {
            value->setText(tr("not shown: %1").arg(error));
            return;
        }
        const QString text = QString::fromUtf8(bytes);
        value->setText(text.toUtf8() == bytes ? text : tr("(binary) base64:") + QString::fromLatin1(bytes.toBase64()));
        m_revealedKey = key;
        if (QPushButton* button = m_reveals.value(key))
            button->setText(tr("Hide"));
        m_remask.start();
        Q_EMIT revealChanged(key, true);
    });
    job->start();
}

void DetailPane::remask()
{
    m_remask.stop();
    if (m_revealedKey.isEmpty())
        return;
    const QString key = m_revealedKey;
    m_revealedKey.clear();
    if (QLabel* value = m_values.value(key))
        value->setText(MaskedValue.toString());
    if (QPushButton* button = m_reveals.value(key))
        button->setText(tr("Reveal"));
    Q_EMIT revealChanged(key, false);
    if (m_chain)
        rebuild(); // picks up any update that arrived while the value was shown
}

QPushButton* DetailPane::revealButton(const QString& key) const
{
    return m_reveals.value(key);
}

QLabel* DetailPane::valueLabel(const QString& key) const
{
    return m_values.value(key);
}

QString DetailPane::maskedYaml() const
{
    if (const auto object = currentObject())
        return views::maskedYaml(*object);
    const models::LineageLink* link = currentLink();
    return link ? tr("# %1 is not in the cache").arg(link->object.display()) : QString();
}

QString DetailPane::kubectlCommands() const
{
    if (!m_chain)
        return {};
    QStringList lines;
    const auto& c = *m_chain;
    if (c.tenant.present())
        lines.append(u"kubectl --context %1 -n %2 get syncsecret %3"_s.arg(
            c.tenant.object.context, c.tenant.object.namespace_, c.tenant.object.name));
    if (c.management.present())
        lines.append(u"kubectl --context %1 -n %2 get syncsecret %3"_s.arg(
            c.management.object.context, c.management.object.namespace_, c.management.object.name));
    if (c.secret.present())
        lines.append(u"kubectl --context %1 -n %2 describe secret %3"_s.arg(
            c.secret.object.context, c.secret.object.namespace_, c.secret.object.name));
    if (const models::LineageLink* link = currentLink(); link && link->present())
        lines.append(u"kubectl --context %1 -n %2 get events --field-selector involvedObject.name=%3"_s.arg(
            link->object.context, link->object.namespace_, link->object.name));
    return lines.join(u'\n');
}

void DetailPane::showYaml()
{
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("YAML (values masked)"));
    auto* text = new QPlainTextEdit(maskedYaml(), dialog);
    text->setReadOnly(true);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(dialog->fontMetrics().averageCharWidth() * 90, dialog->fontMetrics().height() * 30);
    dialog->show();
}

} // namespace views
