//! Data events: the writes and aggregates the generic record code cannot express — an insert
//! that ignores duplicates, per-name counts, and moving recorded summaries in a merge.

use confab_domain::ids;
use serde_json::Value;

use crate::scope::{Conn, Scope, WriteTx};
use crate::sql::{Arg, Sql};
use crate::StoreError;

/// How often a contact did one event, and when first and last (UNIX seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCount {
    pub event_name: String,
    pub count: i64,
    pub first: i64,
    pub last: i64,
}

impl<C: Conn> Scope<C> {
    /// The contact's individual events counted per name, most recently done first.
    pub async fn event_counts(&mut self, contact_id: &str) -> Result<Vec<EventCount>, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(
            "SELECT event_name, COUNT(*) AS n, MIN(created_at) AS first_at, \
             MAX(created_at) AS last_at FROM data_events WHERE workspace_id = ",
        );
        sql.text_arg(ws)
            .push(" AND contact_id = ")
            .text_arg(contact_id)
            .push(" GROUP BY event_name ORDER BY last_at DESC, event_name");
        let rows = sql.query().fetch_all(&mut *conn).await?;
        rows.iter()
            .map(|row| {
                Ok(EventCount {
                    event_name: row.try_get("event_name")?,
                    count: row.try_get("n")?,
                    first: row.try_get("first_at")?,
                    last: row.try_get("last_at")?,
                })
            })
            .collect()
    }
}

impl Scope<WriteTx> {
    /// Records an event unless the contact already has one of that name at that second (the
    /// `data_events_dedup` index). Returns whether it was new.
    pub async fn insert_event(
        &mut self,
        contact_id: &str,
        event_name: &str,
        created_at: i64,
        metadata: &Value,
        now: i64,
    ) -> Result<bool, StoreError> {
        let id = ids::object_id(now);
        let metadata = Arg::Text((!metadata.is_null()).then(|| metadata.to_string()));
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(
            "INSERT INTO data_events (workspace_id, id, contact_id, event_name, created_at, \
             metadata) VALUES (",
        );
        sql.text_arg(ws)
            .push(", ")
            .text_arg(&id)
            .push(", ")
            .text_arg(contact_id)
            .push(", ")
            .text_arg(event_name)
            .push(", ")
            .int_arg(created_at)
            .push(", ")
            .arg(metadata)
            .push(") ON CONFLICT (workspace_id, contact_id, event_name, created_at) DO NOTHING");
        Ok(sql.query().execute(&mut *conn).await?.rows_affected() == 1)
    }

    /// Moves the recorded event summaries of contact `from` to contact `into` (a merge; the
    /// events themselves move with `move_contact_activity`). A name `into` already has a
    /// summary of keeps its own; the other's is dropped.
    pub async fn move_event_summaries(&mut self, from: &str, into: &str) -> Result<(), StoreError> {
        let (ws, conn) = self.parts();
        let mut update = Sql::new("UPDATE data_event_summaries SET contact_id = ");
        update
            .text_arg(into)
            .push(" WHERE workspace_id = ")
            .text_arg(ws)
            .push(" AND contact_id = ")
            .text_arg(from)
            .push(
                " AND NOT EXISTS (SELECT 1 FROM data_event_summaries kept \
                 WHERE kept.workspace_id = data_event_summaries.workspace_id \
                 AND kept.contact_id = ",
            )
            .text_arg(into)
            .push(" AND kept.event_name = data_event_summaries.event_name)");
        update.query().execute(&mut *conn).await?;
        let mut rest = Sql::new("DELETE FROM data_event_summaries WHERE workspace_id = ");
        rest.text_arg(ws).push(" AND contact_id = ").text_arg(from);
        rest.query().execute(&mut *conn).await?;
        Ok(())
    }
}
