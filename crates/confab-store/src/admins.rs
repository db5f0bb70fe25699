//! Admins of a workspace.

use std::collections::HashMap;

use crate::db::Row;
use confab_domain::models::{Admin, AwayUpdate};

use crate::scope::{Conn, Scope, WriteTx};
use crate::sql::{Arg, Sql};
use crate::StoreError;

const COLUMNS: &str = "id, name, email, email_verified, job_title, avatar_url, has_inbox_seat, \
     away_mode_enabled, away_mode_reassign, away_status_reason_id, created_at";

fn admin_from_row(row: &Row) -> Result<Admin, StoreError> {
    Ok(Admin {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        email_verified: crate::flag(row, "email_verified")?,
        job_title: row.try_get("job_title")?,
        avatar_url: row.try_get("avatar_url")?,
        has_inbox_seat: crate::flag(row, "has_inbox_seat")?,
        away_mode_enabled: crate::flag(row, "away_mode_enabled")?,
        away_mode_reassign: crate::flag(row, "away_mode_reassign")?,
        away_status_reason_id: row.try_get("away_status_reason_id")?,
        team_ids: Vec::new(),
        created_at: row.try_get("created_at")?,
    })
}

/// A new admin, as the bootstrap and the demo seed create them.
#[derive(Debug, Clone)]
pub struct NewAdmin<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub job_title: Option<&'a str>,
    pub has_inbox_seat: bool,
    pub created_at: i64,
}

impl<C: Conn> Scope<C> {
    /// The admin with this id, with its team ids.
    pub async fn admin(&mut self, id: i64) -> Result<Option<Admin>, StoreError> {
        let (ws, conn) = self.parts();
        let sql = format!("SELECT {COLUMNS} FROM admins WHERE workspace_id = $1 AND id = $2");
        let Some(row) = crate::db::query(&sql)
            .bind(ws)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let mut admin = admin_from_row(&row)?;
        admin.team_ids = crate::db::query_scalar(
            "SELECT team_id FROM team_members WHERE workspace_id = $1 AND admin_id = $2 \
             ORDER BY team_id",
        )
        .bind(ws)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Some(admin))
    }

    /// Every admin of the workspace, oldest first, with team ids (two queries in all).
    pub async fn admins(&mut self) -> Result<Vec<Admin>, StoreError> {
        self.admins_where(None).await
    }

    /// The admins with these ids (those that exist), oldest first, with team ids: none and no
    /// query for no ids, else two queries.
    pub async fn admins_by_ids(&mut self, ids: &[i64]) -> Result<Vec<Admin>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.admins_where(Some(ids)).await
    }

    async fn admins_where(&mut self, ids: Option<&[i64]>) -> Result<Vec<Admin>, StoreError> {
        let (ws, conn) = self.parts();
        let mut admins = Sql::new(format!(
            "SELECT {COLUMNS} FROM admins WHERE workspace_id = "
        ));
        admins.text_arg(ws);
        let mut members =
            Sql::new("SELECT admin_id, team_id FROM team_members WHERE workspace_id = ");
        members.text_arg(ws);
        if let Some(ids) = ids {
            admins.push(" AND id ").in_list(ids.iter().map(Arg::from));
            members
                .push(" AND admin_id ")
                .in_list(ids.iter().map(Arg::from));
        }
        admins.push(" ORDER BY id");
        members.push(" ORDER BY team_id");
        let rows = admins.query().fetch_all(&mut *conn).await?;
        let mut memberships: HashMap<i64, Vec<i64>> = HashMap::new();
        for pair in members.query().fetch_all(&mut *conn).await? {
            memberships
                .entry(pair.try_get(0usize)?)
                .or_default()
                .push(pair.try_get(1usize)?);
        }
        rows.iter()
            .map(|row| {
                let mut admin = admin_from_row(row)?;
                admin.team_ids = memberships.remove(&admin.id).unwrap_or_default();
                Ok(admin)
            })
            .collect()
    }

    /// The admin with this email, if any.
    pub async fn admin_by_email(&mut self, email: &str) -> Result<Option<i64>, StoreError> {
        let (ws, conn) = self.parts();
        crate::db::query_scalar("SELECT id FROM admins WHERE workspace_id = $1 AND email = $2")
            .bind(ws)
            .bind(email)
            .fetch_optional(&mut *conn)
            .await
    }
}

impl Scope<WriteTx> {
    /// Adds an admin and returns its id.
    pub async fn insert_admin(&mut self, admin: &NewAdmin<'_>) -> Result<i64, StoreError> {
        let (ws, conn) = self.parts();
        crate::db::query_scalar(
            "INSERT INTO admins (workspace_id, name, email, job_title, has_inbox_seat, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(ws)
        .bind(admin.name)
        .bind(admin.email)
        .bind(admin.job_title)
        .bind(i64::from(admin.has_inbox_seat))
        .bind(admin.created_at)
        .fetch_one(&mut *conn)
        .await
    }

    /// Sets an admin's away status; `false` if no such admin.
    pub async fn set_away(&mut self, id: i64, update: AwayUpdate) -> Result<bool, StoreError> {
        let (ws, conn) = self.parts();
        let result = crate::db::query(
            "UPDATE admins SET away_mode_enabled = $3, away_mode_reassign = $4, \
             away_status_reason_id = $5 WHERE workspace_id = $1 AND id = $2",
        )
        .bind(ws)
        .bind(id)
        .bind(i64::from(update.away_mode_enabled))
        .bind(i64::from(update.away_mode_reassign))
        .bind(update.away_status_reason_id)
        .execute(&mut *conn)
        .await?;
        Ok(result.rows_affected() == 1)
    }
}
