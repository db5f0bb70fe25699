//! Per-workspace sequences, such as the Inbox number of tickets. A number is taken inside the
//! writing transaction, so a request that fails gives its number back, and concurrent writers
//! (PostgreSQL) queue on the counter's row instead of taking the same number.

use crate::scope::{Scope, WriteTx};
use crate::sql::Sql;
use crate::StoreError;

impl Scope<WriteTx> {
    /// The next number of the workspace's sequence `name`, starting at 1.
    pub async fn next_in_sequence(&mut self, name: &str) -> Result<i64, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql =
            Sql::new("INSERT INTO workspace_counters (workspace_id, name, value) VALUES (");
        sql.text_arg(ws).push(", ").text_arg(name).push(
            ", 1) ON CONFLICT (workspace_id, name) \
                 DO UPDATE SET value = workspace_counters.value + 1 RETURNING value",
        );
        let row = sql.query().fetch_one(&mut *conn).await?;
        row.try_get::<i64, _>(0)
    }
}
