#include "lineagemodel.h"

#include "models/parallel.h"

#include <QDateTime>
#include <QSet>
#include <algorithm>

using namespace Qt::StringLiterals;

namespace models {

ChainState chainState(const LineageChain& chain)
{
    const LineageLink* links[] = { &chain.tenant, &chain.management, &chain.secret };
    const auto any = [&links](LinkState state) {
        return std::any_of(std::begin(links), std::end(links),
            [state](const LineageLink* l) { return l->present() && l->state == state; });
    };
    if (any(LinkState::Terminating))
        return ChainState::Terminating;
    if (any(LinkState::Failed))
        return ChainState::Failed;
    if (any(LinkState::Drifted))
        return ChainState::Drifted;
    if (!chain.tenant.present())
        return ChainState::Orphan;
    if (!chain.management.present() || !chain.secret.present())
        return chain.tenant.state == LinkState::Synced ? ChainState::Missing : ChainState::Pending;
    if (any(LinkState::Pending))
        return ChainState::Pending;
    return ChainState::Synced;
}

QString chainStateName(ChainState state)
{
    switch (state) {
    case ChainState::Synced:
        return u"Synced"_s;
    case ChainState::Pending:
        return u"Pending"_s;
    case ChainState::Failed:
        return u"Failed"_s;
    case ChainState::Drifted:
        return u"Drifted"_s;
    case ChainState::Terminating:
        return u"Terminating"_s;
    case ChainState::Orphan:
        return u"Orphan"_s;
    case ChainState::Missing:
        return u"Missing"_s;
    }
    return {};
}

QString chainKey(const LineageChain& chain)
{
    QString key;
    if (chain.tenant.present()) {
        key.reserve(3 + chain.tenantContext.size() + chain.tenant.object.uid.size());
        return key.append("t/"_L1).append(chain.tenantContext).append(u'/').append(chain.tenant.object.uid);
    }
    const QString& uid = chain.management.present() ? chain.management.object.uid : chain.secret.object.uid;
    key.reserve(2 + uid.size());
    return key.append(chain.management.present() ? "m/"_L1 : "s/"_L1).append(uid);
}

QString LineageModel::managementOnlyGroup()
{
    return u"management only (no tenant SyncSecret)"_s;
}

struct LineageModel::Entry {
    /// The chain: in m_base (set by the last reset) or, after an incremental change, in `own`.
    const LineageChain* chain = nullptr;
    std::shared_ptr<const LineageChain> own;
    QString key;
    QString group; ///< tenant context or managementOnlyGroup()
    QString ns;
    QString name;
    bool managementOnly = false; ///< orders the management-only group after the tenants
    quint64 seen = 0; ///< the setChains() call that last delivered this chain
    ChainState state = ChainState::Missing;
    qint64 lastChangeMs = 0;
    FilterFields fields;
    bool alive = false;
};

struct LineageModel::Node {
    Node* parent = nullptr;
    int row = 0; ///< position in parent->children
    int depth = 0; ///< 0 root, 1 tenant group, 2 namespace
    QString name;
    QString sortKey; ///< tenant groups: groupSortKey(); namespaces: the name
    std::vector<std::unique_ptr<Node>> children; ///< root and tenant groups
    std::vector<int> chains; ///< namespace nodes: entry slots in sortKey order
};

namespace {

/// Lowercases `text` in place: ASCII by hand (QString::toLower() looks up every character's case tables), the
/// rest by QString.
void lowercase(QString& text)
{
    QChar* c = text.data();
    for (const QChar* end = c + text.size(); c != end; ++c) {
        const char16_t u = c->unicode();
        if (u >= 0x80) {
            text = std::move(text).toLower();
            return;
        }
        if (u >= u'A' && u <= u'Z')
            *c = QChar(char16_t(u + 32));
    }
}

/// Orders tenant groups by name, the management-only group last.
QString groupSortKey(bool managementOnly, const QString& group)
{
    return (managementOnly ? u'1' : u'0') + group;
}

/// Whether two versions of a chain show the same (same objects, versions, states and findings).
bool sameChain(const LineageChain& a, const LineageChain& b)
{
    const auto same = [](const LineageLink& x, const LineageLink& y) {
        return x.state == y.state && x.object.uid == y.object.uid
            && x.object.resourceVersion == y.object.resourceVersion;
    };
    return same(a.tenant, b.tenant) && same(a.management, b.management) && same(a.secret, b.secret)
        && a.warnings == b.warnings;
}

QString shortName(const QString& name)
{
    return name.size() > 13 ? name.left(8) + u'…' : name;
}

QString linkCell(const LineageLink& link)
{
    return link.present() ? shortName(link.object.name) + u" · "_s + linkStateName(link.state) : u"—"_s;
}

QString age(qint64 lastChangeMs)
{
    if (lastChangeMs <= 0)
        return {};
    const qint64 s = std::max<qint64>(0, (QDateTime::currentMSecsSinceEpoch() - lastChangeMs) / 1000);
    if (s < 60)
        return u"%1s"_s.arg(s);
    if (s < 3600)
        return u"%1m"_s.arg(s / 60);
    if (s < 86400)
        return u"%1h"_s.arg(s / 3600);
    return u"%1d"_s.arg(s / 86400);
}

/// Position of the child with `sortKey` in `children` (or where it belongs).
template <typename Children> int childPosition(const Children& children, const QString& sortKey)
{
    return int(std::partition_point(children.begin(), children.end(), [&](const auto& n) {
        return n->sortKey < sortKey;
    }) - children.begin());
}

} // namespace

LineageModel::LineageModel(QObject* parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{
}

LineageModel::~LineageModel() = default;

bool LineageModel::less(const Entry& a, const Entry& b)
{
    if (a.managementOnly != b.managementOnly)
        return b.managementOnly;
    if (const int c = a.group.compare(b.group))
        return c < 0;
    if (const int c = a.ns.compare(b.ns))
        return c < 0;
    if (const int c = a.name.compare(b.name))
        return c < 0;
    return a.key < b.key;
}

LineageModel::Entry LineageModel::makeEntry(const LineageChain& chain)
{
    Entry e;
    e.chain = &chain;
    e.key = chainKey(chain);
    e.alive = true;
    e.state = chainState(chain);
    e.managementOnly = !chain.tenant.present();
    e.group = e.managementOnly ? managementOnlyGroup() : chain.tenantContext;
    e.ns = e.managementOnly && chain.management.present() ? chain.management.object.namespace_
        : e.managementOnly && chain.secret.present()      ? chain.secret.object.namespace_
                                                          : chain.originNamespace;
    e.name = chain.originName.isEmpty() ? chain.management.object.name : chain.originName;
    for (const LineageLink* l : { &chain.tenant, &chain.management, &chain.secret })
        if (l->present() && l->lastChange.isValid())
            e.lastChangeMs = std::max(e.lastChangeMs, l->lastChange.toMSecsSinceEpoch());

    // The filter's text in one allocation, lowercased in place (Kubernetes names usually are already).
    static const QString states[]
        = { u"synced"_s, u"pending"_s, u"failed"_s, u"drifted"_s, u"terminating"_s, u"orphan"_s, u"missing"_s };
    const QString& state = states[int(e.state)];
    const QString& type = chain.tenant.present() ? chain.tenant.type : chain.management.type;
    const QStringList* labelLists[] = { &chain.tenant.labels, &chain.management.labels };
    qsizetype size = e.name.size() + e.ns.size() + chain.tenantContext.size() + state.size() + type.size()
        + chain.management.object.name.size() + chain.secret.object.name.size() + 10;
    for (const QStringList* labels : labelLists)
        for (const QString& label : *labels)
            size += label.size() + 1;
    for (const QString& warning : chain.warnings)
        size += warning.size() + 1;
    FilterFields& f = e.fields;
    QString& h = f.haystack;
    h.reserve(size);
    const auto section = [&h](const QString& text) {
        h.append(u'\n');
        const FilterFields::Span span { h.size(), text.size() };
        h.append(text);
        return span;
    };
    f.name = section(e.name);
    f.namespace_ = section(e.ns);
    f.tenant = section(chain.tenantContext);
    f.state = section(state);
    section(type);
    section(chain.management.object.name);
    section(chain.secret.object.name);
    f.labels.from = h.size();
    for (const QStringList* labels : labelLists)
        for (const QString& label : *labels)
            section(label);
    h.append(u'\n');
    f.labels.size = h.size() - f.labels.from;
    for (const QString& warning : chain.warnings)
        h.append(warning).append(u'\n');
    lowercase(h);
    return e;
}

int LineageModel::store(Entry entry)
{
    int slot;
    if (!m_free.empty()) {
        slot = m_free.back();
        m_free.pop_back();
    } else {
        slot = int(m_entries.size());
        m_entries.emplace_back();
    }
    m_byKey.insert(entry.key, slot);
    entry.seen = m_round;
    m_entries[size_t(slot)] = std::move(entry);
    return slot;
}

void LineageModel::setChains(const QList<LineageChain>& chains)
{
    const quint64 round = ++m_round;
    std::vector<const LineageChain*> changed;
    std::vector<int> removed;
    if (m_byKey.isEmpty() && chains.isEmpty())
        return;
    if (!m_byKey.isEmpty()) {
        for (const LineageChain& chain : chains) {
            const int slot = m_byKey.value(chainKey(chain), -1);
            if (slot < 0) {
                changed.push_back(&chain);
                continue;
            }
            Entry& e = m_entries[size_t(slot)];
            e.seen = round;
            if (!sameChain(*e.chain, chain))
                changed.push_back(&chain);
        }
        for (int slot : m_order)
            if (m_entries[size_t(slot)].seen != round)
                removed.push_back(slot);
        if (changed.empty() && removed.empty())
            return;
    }
    if (m_byKey.isEmpty() || changed.size() + removed.size() > std::max<size_t>(64, size_t(m_byKey.size()) / 4)) {
        // A reset: the entries point into a shallow copy of `chains` (no chain is copied).
        beginResetModel();
        m_base = chains;
        m_entries.clear();
        m_free.clear();
        m_byKey.clear();
        m_entries.resize(size_t(m_base.size()));
        m_byKey.reserve(m_base.size());
        const LineageChain* base = m_base.constData();
        parallelFor(m_entries.size(), workerThreads(), 4000, [&](size_t from, size_t to) {
            for (size_t i = from; i < to; ++i) {
                m_entries[i] = makeEntry(base[i]);
                m_entries[i].seen = round;
            }
        });
        for (size_t i = 0; i < m_entries.size(); ++i)
            m_byKey.insert(m_entries[i].key, int(i));
        sortAll();
        rebuild(m_order);
        endResetModel();
    } else {
        for (int slot : removed)
            removeEntry(slot);
        for (const LineageChain* chain : changed) {
            // `chains` may go away: a changed chain is kept by its entry.
            auto own = std::make_shared<const LineageChain>(*chain);
            Entry fresh = makeEntry(*own);
            fresh.own = std::move(own);
            const int slot = m_byKey.value(fresh.key, -1);
            if (slot < 0) {
                insertEntry(std::move(fresh));
                continue;
            }
            Entry& old = m_entries[size_t(slot)];
            const bool visible = m_filter.matches(old.fields);
            if (!less(old, fresh) && !less(fresh, old) && visible == m_filter.matches(fresh.fields)) {
                fresh.seen = round;
                old = std::move(fresh);
                if (visible) {
                    const QModelIndex row = indexOfKey(old.key);
                    Q_EMIT dataChanged(row, row.siblingAtColumn(ColumnCount - 1));
                }
                continue;
            }
            removeEntry(slot);
            insertEntry(std::move(fresh));
        }
    }
    Q_EMIT countsChanged();
}

// m_order for every entry: the order of less(), with groups and namespaces ranked first (a few distinct values
// among many chains) so that most comparisons look at one integer pair and the name.
void LineageModel::sortAll()
{
    QMap<std::pair<bool, QString>, int> groups;
    QMap<QString, int> namespaces;
    for (const Entry& e : m_entries) {
        groups.insert({ e.managementOnly, e.group }, 0);
        namespaces.insert(e.ns, 0);
    }
    int rank = 0;
    for (int& r : groups)
        r = rank++;
    rank = 0;
    for (int& r : namespaces)
        r = rank++;
    struct Ranked {
        int group;
        int ns;
        int slot;
    };
    std::vector<Ranked> ranked(m_entries.size());
    for (size_t i = 0; i < m_entries.size(); ++i) {
        const Entry& e = m_entries[i];
        ranked[i] = { groups.value({ e.managementOnly, e.group }), namespaces.value(e.ns), int(i) };
    }
    std::sort(ranked.begin(), ranked.end(), [this](const Ranked& a, const Ranked& b) {
        if (a.group != b.group || a.ns != b.ns)
            return std::pair(a.group, a.ns) < std::pair(b.group, b.ns);
        const Entry& x = m_entries[size_t(a.slot)];
        const Entry& y = m_entries[size_t(b.slot)];
        if (const int c = x.name.compare(y.name))
            return c < 0;
        return x.key < y.key;
    });
    m_order.resize(ranked.size());
    for (size_t i = 0; i < ranked.size(); ++i)
        m_order[i] = ranked[i].slot;
}

void LineageModel::setFilterText(const QString& text)
{
    LineageFilter filter = LineageFilter::parse(text);
    const bool narrowing = !m_filter.isEmpty() && filter.narrows(m_filter);
    m_filterText = text;
    beginResetModel();
    m_filter = std::move(filter);
    if (narrowing) {
        // Typing on: only the rows shown now can still match.
        std::vector<int> shown;
        shown.reserve(size_t(m_visibleChains));
        for (const auto& tenant : m_root->children)
            for (const auto& ns : tenant->children)
                shown.insert(shown.end(), ns->chains.begin(), ns->chains.end());
        rebuild(shown);
    } else {
        rebuild(m_order);
    }
    endResetModel();
    Q_EMIT countsChanged();
}

// The visible tree from `candidates` (slots in m_order order) and the filter (inside a model reset).
void LineageModel::rebuild(const std::vector<int>& candidates)
{
    m_root = std::make_unique<Node>();
    m_visibleChains = 0;
    Node* tenant = nullptr;
    Node* ns = nullptr;
    for (int slot : candidates) {
        const Entry& e = m_entries[size_t(slot)];
        if (!m_filter.isEmpty() && !m_filter.matches(e.fields))
            continue;
        if (!tenant || tenant->name != e.group || (tenant->sortKey.front() == u'1') != e.managementOnly) {
            tenant = appendNode(m_root.get(), e.group, groupSortKey(e.managementOnly, e.group));
            ns = nullptr;
        }
        if (!ns || ns->sortKey != e.ns)
            ns = appendNode(tenant, e.ns, e.ns);
        ns->chains.push_back(slot);
        ++m_visibleChains;
    }
}

LineageModel::Node* LineageModel::appendNode(Node* parent, const QString& name, const QString& sortKey)
{
    auto node = std::make_unique<Node>();
    node->parent = parent;
    node->depth = parent->depth + 1;
    node->row = int(parent->children.size());
    node->name = name;
    node->sortKey = sortKey;
    parent->children.push_back(std::move(node));
    return parent->children.back().get();
}

void LineageModel::insertEntry(Entry entry)
{
    const int slot = store(std::move(entry));
    const Entry& e = m_entries[size_t(slot)];
    const auto at
        = std::partition_point(m_order.begin(), m_order.end(), [&](int s) { return less(m_entries[size_t(s)], e); });
    m_order.insert(at, slot);
    if (m_filter.matches(m_entries[size_t(slot)].fields))
        visibleInsert(slot);
}

void LineageModel::removeEntry(int slot)
{
    Entry& e = m_entries[size_t(slot)];
    if (m_filter.matches(e.fields))
        visibleRemove(slot);
    const auto at
        = std::partition_point(m_order.begin(), m_order.end(), [&](int s) { return less(m_entries[size_t(s)], e); });
    Q_ASSERT(at != m_order.end() && *at == slot);
    m_order.erase(at);
    m_byKey.remove(e.key);
    e = Entry();
    m_free.push_back(slot);
}

// Finds (or with `create`, inserts with signals) the child of `parent` with `sortKey`.
LineageModel::Node* LineageModel::child(Node* parent, const QString& name, const QString& sortKey, bool create)
{
    const int pos = childPosition(parent->children, sortKey);
    if (pos < int(parent->children.size()) && parent->children[size_t(pos)]->sortKey == sortKey)
        return parent->children[size_t(pos)].get();
    if (!create)
        return nullptr;
    beginInsertRows(indexOfNode(parent), pos, pos);
    auto node = std::make_unique<Node>();
    node->parent = parent;
    node->depth = parent->depth + 1;
    node->name = name;
    node->sortKey = sortKey;
    parent->children.insert(parent->children.begin() + pos, std::move(node));
    renumber(parent);
    endInsertRows();
    return parent->children[size_t(pos)].get();
}

void LineageModel::renumber(Node* parent)
{
    for (size_t i = 0; i < parent->children.size(); ++i)
        parent->children[i]->row = int(i);
}

void LineageModel::visibleInsert(int slot)
{
    const Entry& e = m_entries[size_t(slot)];
    Node* tenant = child(m_root.get(), e.group, groupSortKey(e.managementOnly, e.group), true);
    Node* ns = child(tenant, e.ns, e.ns, true);
    const int pos = int(std::partition_point(ns->chains.begin(), ns->chains.end(), [&](int s) {
        return less(m_entries[size_t(s)], e);
    }) - ns->chains.begin());
    beginInsertRows(indexOfNode(ns), pos, pos);
    ns->chains.insert(ns->chains.begin() + pos, slot);
    ++m_visibleChains;
    endInsertRows();
    groupCountsChanged(ns);
}

void LineageModel::visibleRemove(int slot)
{
    const Entry& e = m_entries[size_t(slot)];
    Node* tenant = child(m_root.get(), e.group, groupSortKey(e.managementOnly, e.group), false);
    Node* ns = tenant ? child(tenant, e.ns, e.ns, false) : nullptr;
    if (!ns)
        return;
    const auto at = std::partition_point(
        ns->chains.begin(), ns->chains.end(), [&](int s) { return less(m_entries[size_t(s)], e); });
    if (at == ns->chains.end() || *at != slot)
        return;
    const int pos = int(at - ns->chains.begin());
    beginRemoveRows(indexOfNode(ns), pos, pos);
    ns->chains.erase(at);
    --m_visibleChains;
    endRemoveRows();
    // Empty groups disappear, innermost first.
    Node* node = ns;
    while (node != m_root.get() && node->chains.empty() && node->children.empty()) {
        Node* parent = node->parent;
        const int row = node->row;
        beginRemoveRows(indexOfNode(parent), row, row);
        parent->children.erase(parent->children.begin() + row);
        renumber(parent);
        endRemoveRows();
        node = parent;
    }
    groupCountsChanged(node);
}

void LineageModel::groupCountsChanged(Node* node)
{
    for (; node && node != m_root.get(); node = node->parent) {
        const QModelIndex index = indexOfNode(node);
        Q_EMIT dataChanged(index, index);
    }
}

LineageModel::Node* LineageModel::nodeOf(const QModelIndex& index) const
{
    if (!index.isValid())
        return m_root.get();
    auto* parent = static_cast<Node*>(index.internalPointer());
    if (parent->depth == 2)
        return nullptr; // a chain row
    return parent->children[size_t(index.row())].get();
}

QModelIndex LineageModel::indexOfNode(const Node* node) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, 0, node->parent);
}

const LineageChain* LineageModel::chain(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this)
        return nullptr;
    auto* parent = static_cast<Node*>(index.internalPointer());
    if (parent->depth != 2)
        return nullptr;
    return m_entries[size_t(parent->chains[size_t(index.row())])].chain;
}

QModelIndex LineageModel::indexOfKey(const QString& key) const
{
    const int slot = m_byKey.value(key, -1);
    if (slot < 0)
        return {};
    const Entry& e = m_entries[size_t(slot)];
    const auto find = [](const Node* parent, const QString& sortKey) -> const Node* {
        const int pos = childPosition(parent->children, sortKey);
        return pos < int(parent->children.size()) && parent->children[size_t(pos)]->sortKey == sortKey
            ? parent->children[size_t(pos)].get()
            : nullptr;
    };
    const Node* tenant = find(m_root.get(), groupSortKey(e.managementOnly, e.group));
    const Node* ns = tenant ? find(tenant, e.ns) : nullptr;
    if (!ns)
        return {};
    const auto at = std::partition_point(
        ns->chains.begin(), ns->chains.end(), [&](int s) { return less(m_entries[size_t(s)], e); });
    if (at == ns->chains.end() || *at != slot)
        return {};
    return createIndex(int(at - ns->chains.begin()), 0, const_cast<Node*>(ns));
}

QList<const LineageChain*> LineageModel::allChains() const
{
    QList<const LineageChain*> out;
    out.reserve(qsizetype(m_order.size()));
    for (int slot : m_order)
        out.append(m_entries[size_t(slot)].chain);
    return out;
}

QMap<QString, QMap<ChainState, int>> LineageModel::stateCounts() const
{
    QMap<QString, QMap<ChainState, int>> counts;
    for (int slot : m_order) {
        const Entry& e = m_entries[size_t(slot)];
        ++counts[e.group][e.state];
    }
    return counts;
}

QModelIndex LineageModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || parent.column() > 0)
        return {};
    Node* node = nodeOf(parent);
    if (!node)
        return {};
    const size_t count = node->depth == 2 ? node->chains.size() : node->children.size();
    if (size_t(row) >= count)
        return {};
    return createIndex(row, column, node);
}

QModelIndex LineageModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    return indexOfNode(static_cast<Node*>(child.internalPointer()));
}

int LineageModel::rowCount(const QModelIndex& parent) const
{
    if (parent.column() > 0)
        return 0;
    const Node* node = nodeOf(parent);
    if (!node)
        return 0;
    return int(node->depth == 2 ? node->chains.size() : node->children.size());
}

int LineageModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant LineageModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    auto* parent = static_cast<Node*>(index.internalPointer());
    if (parent->depth == 2)
        return chainData(m_entries[size_t(parent->chains[size_t(index.row())])], index.column(), role);
    return groupData(*parent->children[size_t(index.row())], index.column(), role);
}

QVariant LineageModel::chainData(const Entry& e, int column, int role) const
{
    const LineageChain& c = *e.chain;
    switch (role) {
    case StateRole:
        return int(e.state);
    case KeyRole:
        return e.key;
    case KindRole:
        return int(RowKind::Chain);
    case Qt::ToolTipRole:
        return c.warnings.isEmpty() ? QVariant() : QVariant(c.warnings.join(u'\n'));
    case Qt::DisplayRole:
        switch (column) {
        case NameColumn:
            return c.originName.isEmpty() ? c.management.object.name : c.originName;
        case TypeColumn:
            return c.tenant.present() ? c.tenant.type : c.management.type;
        case StateColumn:
            return chainStateName(e.state);
        case ManagementColumn:
            return linkCell(c.management);
        case SecretColumn:
            return linkCell(c.secret);
        case AgeColumn:
            return age(e.lastChangeMs);
        }
    }
    return {};
}

QVariant LineageModel::groupData(const Node& node, int column, int role) const
{
    int count = 0;
    if (node.depth == 2)
        count = int(node.chains.size());
    else
        for (const auto& ns : node.children)
            count += int(ns->chains.size());
    switch (role) {
    case KindRole:
        return int(node.depth == 1 ? RowKind::Tenant : RowKind::Namespace);
    case CountRole:
        return count;
    case Qt::DisplayRole:
        if (column == NameColumn)
            return node.name;
        if (column == TypeColumn)
            return count == 1 ? u"1 SyncSecret"_s : u"%1 SyncSecrets"_s.arg(count);
    }
    return {};
}

QVariant LineageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return u"Name"_s;
    case TypeColumn:
        return u"Type"_s;
    case StateColumn:
        return u"State"_s;
    case ManagementColumn:
        return u"Management copy"_s;
    case SecretColumn:
        return u"Secret"_s;
    case AgeColumn:
        return u"Changed"_s;
    }
    return {};
}

} // namespace models
