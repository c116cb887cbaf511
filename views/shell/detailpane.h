#pragma once

#include "models/lineage.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QWidget>
#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace views {

class AuditLog;
class LiveState;

/// The right-hand pane: one chain, one of its objects at a time — metadata, labels, annotations, owners,
/// finalizers, conditions, recent events, and data as key / size / fingerprint / certificate facts with values
/// masked. "Reveal" fetches one value on demand, audits it and masks it again after 30 s.
class DetailPane : public QWidget {
    Q_OBJECT
public:
    DetailPane(LiveState* live, AuditLog* audit, QWidget* parent = nullptr);

    /// Shows `chain` (nullptr: the empty state). Keeps the selected link kind and any revealed value only if the
    /// chain is the same.
    void showChain(const models::LineageChain* chain);
    /// How long a revealed value stays visible (default 30 s).
    void setRemaskInterval(int ms) { m_remask.setInterval(ms); }
    /// Which object of the chain is shown: 0 tenant SyncSecret, 1 management SyncSecret, 2 Secret.
    void setLink(int link);

    /// The Reveal button of data key `key` (tests, keyboard users), or nullptr.
    QPushButton* revealButton(const QString& key) const;
    /// The value label of data key `key`, or nullptr.
    QLabel* valueLabel(const QString& key) const;
    /// The masked YAML of the shown object (what "YAML (masked)" opens).
    QString maskedYaml() const;
    /// The kubectl commands "Copy kubectl" puts on the clipboard.
    QString kubectlCommands() const;
    bool isRevealing() const { return !m_revealedKey.isEmpty(); }

Q_SIGNALS:
    /// A value is shown (after the fetch) or hidden again.
    void revealChanged(const QString& key, bool shown);

private:
    const models::LineageLink* currentLink() const;
    std::optional<QJsonObject> currentObject() const;
    void rebuild();
    void addSection(const QString& title, const QString& html);
    void addDataSection(const models::LineageLink& link);
    void requestEvents(const models::LineageLink& link);
    void reveal(const QString& key);
    void remask();
    void showYaml();

    LiveState* m_live;
    AuditLog* m_audit;
    std::optional<models::LineageChain> m_chain;
    QString m_chainKey;
    int m_link = 0;
    QLabel* m_title;
    QLabel* m_summary;
    QComboBox* m_linkBox;
    QWidget* m_body = nullptr;
    QVBoxLayout* m_bodyLayout = nullptr;
    QVBoxLayout* m_outer;
    QLabel* m_events = nullptr;
    QHash<QString, QLabel*> m_values;
    QHash<QString, QPushButton*> m_reveals;
    QString m_revealedKey;
    QTimer m_remask;
    quint64 m_generation = 0; ///< bumped on every rebuild: late answers for an older view are dropped
};

} // namespace views
