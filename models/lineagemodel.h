#pragma once

#include "models/lineage.h"
#include "models/lineagefilter.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QMap>
#include <memory>
#include <vector>

namespace models {

/// The state of a whole chain as the console shows it (same names as views::Badge).
enum class ChainState { Synced, Pending, Failed, Drifted, Terminating, Orphan, Missing };
/// The worst state along `chain` ("Orphan" when the tenant SyncSecret is gone but copies remain).
ChainState chainState(const LineageChain& chain);
/// "Synced", "Pending", ...
QString chainStateName(ChainState state);
/// An identity that survives updates: the tenant UID, else the management UID, else the Secret UID.
QString chainKey(const LineageChain& chain);

/// Lineage as a tree: tenant → namespace → one row per chain. Chains without a tenant SyncSecret sit under a
/// "management only" group. setChains() diffs against the current chains and emits row inserts, removals and
/// dataChanged for the few that changed; a filter (see LineageFilter) hides non-matching chains and empty groups.
class LineageModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, StateColumn, ManagementColumn, SecretColumn, AgeColumn, ColumnCount };
    enum Role {
        StateRole = Qt::UserRole + 1, ///< int(ChainState) for chain rows
        KeyRole, ///< chainKey() of chain rows
        KindRole, ///< RowKind
        CountRole, ///< visible chains below a group row
    };
    enum class RowKind { Tenant, Namespace, Chain };

    /// The group that holds chains without a tenant SyncSecret.
    static QString managementOnlyGroup();

    explicit LineageModel(QObject* parent = nullptr);
    ~LineageModel() override;

    /// Replaces the chain set; emits only the differences (a reset when most chains are new).
    void setChains(const QList<LineageChain>& chains);
    /// Parses and applies a filter ("" shows everything); see LineageFilter for the syntax.
    void setFilterText(const QString& text);
    QString filterText() const { return m_filterText; }

    /// The chain behind a chain row, or nullptr for group rows.
    const LineageChain* chain(const QModelIndex& index) const;
    /// The row of the chain with `key`, invalid when unknown or filtered out.
    QModelIndex indexOfKey(const QString& key) const;
    /// Chains known / shown.
    int chainCount() const { return int(m_byKey.size()); }
    int visibleChainCount() const { return m_visibleChains; }
    /// Every chain (unfiltered), in display order.
    QList<const LineageChain*> allChains() const;
    /// Chain counts per tenant group and state (unfiltered), for the overview.
    QMap<QString, QMap<ChainState, int>> stateCounts() const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    /// The set of chains or the filter changed (counts may differ).
    void countsChanged();

private:
    struct Entry;
    struct Node;

    static Entry makeEntry(const LineageChain& chain);
    static bool less(const Entry& a, const Entry& b);
    void sortAll();
    int store(Entry entry);
    void rebuild(const std::vector<int>& candidates);
    static Node* appendNode(Node* parent, const QString& name, const QString& sortKey);
    void insertEntry(Entry entry);
    void removeEntry(int slot);
    Node* child(Node* parent, const QString& name, const QString& sortKey, bool create);
    static void renumber(Node* parent);
    void visibleInsert(int slot);
    void visibleRemove(int slot);
    void groupCountsChanged(Node* node);
    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOfNode(const Node* node) const;
    QVariant chainData(const Entry& entry, int column, int role) const;
    QVariant groupData(const Node& node, int column, int role) const;

    QList<LineageChain> m_base; ///< the chains of the last reset (shared with the caller, never modified)
    std::vector<Entry> m_entries;
    std::vector<int> m_free;
    QHash<QString, int> m_byKey;
    std::vector<int> m_order; ///< live slots sorted by Entry::sortKey
    std::unique_ptr<Node> m_root;
    LineageFilter m_filter;
    QString m_filterText;
    int m_visibleChains = 0;
    quint64 m_round = 0; ///< setChains() calls, for Entry::seen
};

} // namespace models
