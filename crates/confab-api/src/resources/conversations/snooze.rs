//! Snoozed conversations wake when their workspace's clock passes `snoozed_until`: they
//! reopen with a `timer_unsnooze` part. [`wake_due`] is run by a ticker in `confab serve`
//! and whenever the control plane moves a workspace's clock, so tests can drive it.

use confab_domain::models::conversation::part_type::TIMER_UNSNOOZE;
use confab_domain::models::conversation::state;
use confab_domain::models::WorkspaceId;
use confab_domain::record::{id_of, int_of, Record};
use confab_domain::tables::CONVERSATIONS;
use confab_store::records::Filter;
use confab_store::{Store, StoreError};
use serde_json::{json, Value};

/// Reopens the workspace's snoozed conversations whose time has come by `now`; answers how
/// many woke.
pub async fn wake_due(
    store: &Store,
    workspace: &WorkspaceId,
    now: i64,
) -> Result<usize, StoreError> {
    let mut scope = store.write(workspace).await?;
    let snoozed = scope
        .records(
            &CONVERSATIONS,
            &[Filter::Eq("state", json!(state::SNOOZED))],
        )
        .await?;
    let due: Vec<&Record> = snoozed
        .iter()
        .filter(|c| int_of(c, "snoozed_until").is_some_and(|until| until <= now))
        .collect();
    for conversation in &due {
        let mut change = serde_json::Map::new();
        change.insert("state".into(), json!(state::OPEN));
        change.insert("snoozed_until".into(), Value::Null);
        super::system_action(&mut scope, id_of(conversation), TIMER_UNSNOOZE, change, now).await?;
    }
    scope.commit().await?;
    Ok(due.len())
}

/// Wakes due conversations in every workspace, each by its own clock.
pub async fn wake_all(store: &Store) -> Result<usize, StoreError> {
    let mut woken = 0;
    for workspace in store.workspaces().await? {
        woken += wake_due(store, &workspace.id, workspace.clock.now()).await?;
    }
    Ok(woken)
}
