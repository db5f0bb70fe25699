//! The admin activity log: appended to by the writes that Intercom logs, paged newest first.

use crate::db::Row;
use confab_domain::models::{ActivityLog, NewActivity};
use confab_domain::paging::{CursorRequest, KeyPart, Page};

use crate::scope::{Conn, Scope, WriteTx};
use crate::StoreError;

/// Which entries to list: `created_at` within `[after, before]`.
#[derive(Debug, Clone, Copy)]
pub struct ActivityWindow {
    pub after: i64,
    pub before: Option<i64>,
}

fn log_from_row(row: &Row) -> Result<ActivityLog, StoreError> {
    let metadata: String = row.try_get("metadata")?;
    Ok(ActivityLog {
        seq: row.try_get("seq")?,
        id: row.try_get("id")?,
        admin_id: row.try_get("admin_id")?,
        admin_email: row.try_get("email")?,
        ip: row.try_get("ip")?,
        activity_type: row.try_get("activity_type")?,
        description: row.try_get("description")?,
        metadata: serde_json::from_str(&metadata)
            .map_err(|e| StoreError::Corrupt(format!("activity log metadata: {e}")))?,
        created_at: row.try_get("created_at")?,
    })
}

impl<C: Conn> Scope<C> {
    /// One page of the log within `window`, newest first.
    pub async fn activity_logs(
        &mut self,
        window: ActivityWindow,
        request: &CursorRequest,
    ) -> Result<Page<ActivityLog>, StoreError> {
        let before = window.before.unwrap_or(i64::MAX);
        let (ws, conn) = self.parts();
        let total: i64 = crate::db::query_scalar(
            "SELECT COUNT(*) FROM activity_logs \
             WHERE workspace_id = $1 AND created_at >= $2 AND created_at <= $3",
        )
        .bind(ws)
        .bind(window.after)
        .bind(before)
        .fetch_one(&mut *conn)
        .await?;
        let [key_time, key_seq] = match &request.after {
            Some(cursor) => cursor.int_key::<2>()?,
            None => [i64::MAX, i64::MAX],
        };
        let rows = crate::db::query(
            "SELECT l.seq, l.id, l.admin_id, a.email, l.ip, l.activity_type, l.description, \
                    l.metadata, l.created_at \
             FROM activity_logs l JOIN admins a ON a.id = l.admin_id \
             WHERE l.workspace_id = $1 AND l.created_at >= $2 AND l.created_at <= $3 \
               AND (l.created_at < $4 OR (l.created_at = $4 AND l.seq < $5)) \
             ORDER BY l.created_at DESC, l.seq DESC LIMIT $6",
        )
        .bind(ws)
        .bind(window.after)
        .bind(before)
        .bind(key_time)
        .bind(key_seq)
        .bind(request.fetch_limit())
        .fetch_all(&mut *conn)
        .await?;
        let logs = rows
            .iter()
            .map(log_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(
            logs,
            request,
            u64::try_from(total).unwrap_or(0),
            |log| vec![KeyPart::Int(log.created_at), KeyPart::Int(log.seq)],
        ))
    }
}

impl Scope<WriteTx> {
    /// Appends an entry, in the same transaction as the change it records.
    pub async fn log_activity(&mut self, entry: &NewActivity, now: i64) -> Result<(), StoreError> {
        let (ws, conn) = self.parts();
        crate::db::query(
            "INSERT INTO activity_logs \
             (id, workspace_id, admin_id, ip, activity_type, description, metadata, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(ws)
        .bind(entry.admin_id)
        .bind(entry.ip.as_deref())
        .bind(entry.activity_type.as_str())
        .bind(&entry.description)
        .bind(entry.metadata.to_string())
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
}
