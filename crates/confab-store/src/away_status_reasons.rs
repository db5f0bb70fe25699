//! Away status reasons of a workspace.

use crate::db::Row;
use confab_domain::models::AwayStatusReason;

use crate::scope::{Conn, Scope, WriteTx};
use crate::StoreError;

fn reason_from_row(row: &Row) -> Result<AwayStatusReason, StoreError> {
    Ok(AwayStatusReason {
        id: row.try_get("id")?,
        label: row.try_get("label")?,
        emoji: row.try_get("emoji")?,
        order: row.try_get("sort_order")?,
        deleted: crate::flag(row, "deleted")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const SELECT: &str = "SELECT id, label, emoji, sort_order, deleted, created_at, updated_at \
                      FROM away_status_reasons WHERE workspace_id = $1";

impl<C: Conn> Scope<C> {
    /// Every reason, deleted ones included, in display order.
    pub async fn away_status_reasons(&mut self) -> Result<Vec<AwayStatusReason>, StoreError> {
        let (ws, conn) = self.parts();
        let sql = format!("{SELECT} ORDER BY sort_order, id");
        let rows = crate::db::query(&sql)
            .bind(ws)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter().map(reason_from_row).collect::<Result<_, _>>()
    }

    /// One reason, deleted or not.
    pub async fn away_status_reason(
        &mut self,
        id: i64,
    ) -> Result<Option<AwayStatusReason>, StoreError> {
        let (ws, conn) = self.parts();
        let sql = format!("{SELECT} AND id = $2");
        let row = crate::db::query(&sql)
            .bind(ws)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        row.as_ref().map(reason_from_row).transpose()
    }
}

impl Scope<WriteTx> {
    /// Adds a reason at the end of the display order.
    pub async fn insert_away_status_reason(
        &mut self,
        emoji: &str,
        label: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let (ws, conn) = self.parts();
        crate::db::query_scalar(
            "INSERT INTO away_status_reasons \
             (workspace_id, label, emoji, sort_order, created_at, updated_at) \
             VALUES ($1, $2, $3, \
               (SELECT COALESCE(MAX(sort_order), 0) + 1 FROM away_status_reasons \
                WHERE workspace_id = $1), $4, $4) \
             RETURNING id",
        )
        .bind(ws)
        .bind(label)
        .bind(emoji)
        .bind(now)
        .fetch_one(&mut *conn)
        .await
    }

    /// Soft-deletes a reason: it stays listed with `deleted: true` and can no longer be set.
    pub async fn delete_away_status_reason(
        &mut self,
        id: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (ws, conn) = self.parts();
        let result = crate::db::query(
            "UPDATE away_status_reasons SET deleted = 1, updated_at = $3 \
             WHERE workspace_id = $1 AND id = $2",
        )
        .bind(ws)
        .bind(id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}
