//! Teams and their members.

use std::collections::HashMap;

use crate::db::Row;
use confab_domain::models::Team;

use crate::scope::{Conn, Scope, WriteTx};
use crate::StoreError;

const COLUMNS: &str = "id, name, distribution_method, assignment_limit, created_at";

fn team_from_row(row: &Row) -> Result<Team, StoreError> {
    Ok(Team {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        admin_ids: Vec::new(),
        distribution_method: row.try_get("distribution_method")?,
        assignment_limit: row.try_get("assignment_limit")?,
        created_at: row.try_get("created_at")?,
    })
}

impl<C: Conn> Scope<C> {
    /// The team with this id, with its members.
    pub async fn team(&mut self, id: i64) -> Result<Option<Team>, StoreError> {
        let (ws, conn) = self.parts();
        let sql = format!("SELECT {COLUMNS} FROM teams WHERE workspace_id = $1 AND id = $2");
        let Some(row) = crate::db::query(&sql)
            .bind(ws)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let mut team = team_from_row(&row)?;
        team.admin_ids = crate::db::query_scalar(
            "SELECT admin_id FROM team_members WHERE workspace_id = $1 AND team_id = $2 \
             ORDER BY admin_id",
        )
        .bind(ws)
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Some(team))
    }

    /// Every team of the workspace, oldest first, with members (two queries in all).
    pub async fn teams(&mut self) -> Result<Vec<Team>, StoreError> {
        let (ws, conn) = self.parts();
        let sql = format!("SELECT {COLUMNS} FROM teams WHERE workspace_id = $1 ORDER BY id");
        let rows = crate::db::query(&sql)
            .bind(ws)
            .fetch_all(&mut *conn)
            .await?;
        let pairs: Vec<(i64, i64)> = crate::db::query_as::<(i64, i64)>(
            "SELECT team_id, admin_id FROM team_members WHERE workspace_id = $1 \
             ORDER BY admin_id",
        )
        .bind(ws)
        .fetch_all(&mut *conn)
        .await?;
        let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
        for (team_id, admin_id) in pairs {
            members.entry(team_id).or_default().push(admin_id);
        }
        rows.iter()
            .map(|row| {
                let mut team = team_from_row(row)?;
                team.admin_ids = members.remove(&team.id).unwrap_or_default();
                Ok(team)
            })
            .collect()
    }

    /// The id of the team with this name, if any.
    pub async fn team_by_name(&mut self, name: &str) -> Result<Option<i64>, StoreError> {
        let (ws, conn) = self.parts();
        crate::db::query_scalar("SELECT id FROM teams WHERE workspace_id = $1 AND name = $2")
            .bind(ws)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await
    }
}

impl Scope<WriteTx> {
    /// Creates a team with these members and returns its id.
    pub async fn insert_team(
        &mut self,
        name: &str,
        admin_ids: &[i64],
        created_at: i64,
    ) -> Result<i64, StoreError> {
        let (ws, conn) = self.parts();
        let id: i64 = crate::db::query_scalar(
            "INSERT INTO teams (workspace_id, name, distribution_method, created_at) \
             VALUES ($1, $2, 'round_robin', $3) RETURNING id",
        )
        .bind(ws)
        .bind(name)
        .bind(created_at)
        .fetch_one(&mut *conn)
        .await?;
        for admin_id in admin_ids {
            // The admin must belong to this workspace: the SELECT yields no row otherwise.
            let inserted = crate::db::query(
                "INSERT INTO team_members (workspace_id, team_id, admin_id) \
                 SELECT $1, $2, id FROM admins WHERE workspace_id = $1 AND id = $3",
            )
            .bind(ws)
            .bind(id)
            .bind(admin_id)
            .execute(&mut *conn)
            .await?;
            if inserted.rows_affected() != 1 {
                return Err(StoreError::Client(confab_domain::DomainError::new(
                    confab_domain::ErrorCode::AdminNotFound,
                )));
            }
        }
        Ok(id)
    }
}
