//! The unscoped part of the store: workspaces and their access tokens.
//!
//! Tokens are stored as SHA-256 digests; the plaintext is shown once, when created. A token is
//! found by its digest, and the stored digest is then compared in constant time.

use crate::db::Row;
use base64::Engine;
use confab_domain::clock::WorkspaceClock;
use confab_domain::models::{Workspace, WorkspaceId};
use confab_domain::{ids, ApiVersion};
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::admins::NewAdmin;
use crate::scope::Scope;
use crate::{Store, StoreError};

/// Who a request acts as: the token's workspace and admin.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    pub workspace: Workspace,
    pub admin_id: i64,
    pub token_id: i64,
}

/// What a new workspace is created with.
#[derive(Debug, Clone)]
pub struct NewWorkspace {
    pub name: String,
    pub timezone: String,
    pub region: String,
    pub owner_name: String,
    pub owner_email: String,
}

impl Default for NewWorkspace {
    fn default() -> Self {
        Self {
            name: "My Workspace".into(),
            timezone: "Etc/UTC".into(),
            region: "US".into(),
            owner_name: "Workspace Owner".into(),
            owner_email: "owner@example.com".into(),
        }
    }
}

/// An access token as listed: never its plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub workspace_id: WorkspaceId,
    pub admin_id: i64,
    pub name: String,
    /// The token's last four characters, to tell tokens apart.
    pub hint: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// The digest a token is stored and looked up by.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token_plaintext() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!(
        "confab_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

fn hint_of(token: &str) -> String {
    let start = token.len().saturating_sub(4);
    token.get(start..).unwrap_or_default().to_owned()
}

const WORKSPACE_COLUMNS: &str = "w.id, w.name, w.timezone, w.region, w.created_at, \
    w.identity_verification, w.secure, w.default_version, w.away_reason_required, \
    w.clock_offset, w.clock_frozen_at";

fn workspace_from_row(row: &Row) -> Result<Workspace, StoreError> {
    let default_version: Option<String> = row.try_get("default_version")?;
    Ok(Workspace {
        id: WorkspaceId::new(row.try_get::<String, _>("id")?),
        name: row.try_get("name")?,
        timezone: row.try_get("timezone")?,
        region: row.try_get("region")?,
        created_at: row.try_get("created_at")?,
        identity_verification: crate::flag(row, "identity_verification")?,
        secure: crate::flag(row, "secure")?,
        default_version: default_version
            .map(|v| {
                ApiVersion::from_header(&v)
                    .ok_or_else(|| StoreError::Corrupt(format!("workspace default version {v}")))
            })
            .transpose()?,
        away_reason_required: crate::flag(row, "away_reason_required")?,
        clock: WorkspaceClock {
            offset: row.try_get("clock_offset")?,
            frozen_at: row.try_get("clock_frozen_at")?,
        },
    })
}

fn token_from_row(row: &Row) -> Result<TokenInfo, StoreError> {
    Ok(TokenInfo {
        id: row.try_get("id")?,
        workspace_id: WorkspaceId::new(row.try_get::<String, _>("workspace_id")?),
        admin_id: row.try_get("admin_id")?,
        name: row.try_get("name")?,
        hint: row.try_get("token_hint")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
    })
}

impl Store {
    /// The principal a token acts as, or `None` for an unknown or revoked token.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>, StoreError> {
        let digest = token_digest(token);
        let sql = format!(
            "SELECT {WORKSPACE_COLUMNS}, t.id AS token_id, t.admin_id, t.token_hash \
             FROM access_tokens t JOIN workspaces w ON w.id = t.workspace_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        let Some(row) = crate::db::query(&sql)
            .bind(&digest)
            .fetch_optional(&mut self.connection().await?)
            .await?
        else {
            return Ok(None);
        };
        let stored: String = row.try_get("token_hash")?;
        if !bool::from(stored.as_bytes().ct_eq(digest.as_bytes())) {
            return Ok(None);
        }
        Ok(Some(Principal {
            workspace: workspace_from_row(&row)?,
            admin_id: row.try_get("admin_id")?,
            token_id: row.try_get("token_id")?,
        }))
    }

    /// Every workspace, oldest first.
    pub async fn workspaces(&self) -> Result<Vec<Workspace>, StoreError> {
        let sql =
            format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces w ORDER BY w.created_at, w.id");
        let rows = crate::db::query(&sql)
            .fetch_all(&mut self.connection().await?)
            .await?;
        rows.iter().map(workspace_from_row).collect()
    }

    /// One workspace.
    pub async fn workspace(&self, id: &WorkspaceId) -> Result<Option<Workspace>, StoreError> {
        let sql = format!("SELECT {WORKSPACE_COLUMNS} FROM workspaces w WHERE w.id = $1");
        let row = crate::db::query(&sql)
            .bind(id.as_str())
            .fetch_optional(&mut self.connection().await?)
            .await?;
        row.as_ref().map(workspace_from_row).transpose()
    }

    /// Creates a workspace as a fresh Intercom workspace looks: its owner admin and the
    /// built-in away status reasons, in one transaction.
    pub async fn create_workspace(
        &self,
        new: &NewWorkspace,
        now: i64,
    ) -> Result<Workspace, StoreError> {
        let id = WorkspaceId::new(ids::workspace_code());
        let mut tx = self.begin().await?;
        crate::db::query(
            "INSERT INTO workspaces (id, name, timezone, region, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.as_str())
        .bind(&new.name)
        .bind(&new.timezone)
        .bind(&new.region)
        .bind(now)
        .execute(&mut tx)
        .await?;
        let mut scope = Scope::new(id.clone(), tx);
        scope
            .insert_admin(&NewAdmin {
                name: &new.owner_name,
                email: &new.owner_email,
                job_title: Some("Owner"),
                has_inbox_seat: true,
                created_at: now,
            })
            .await?;
        for (emoji, label) in confab_domain::models::away_status_reason::BUILT_IN {
            scope.insert_away_status_reason(emoji, label, now).await?;
        }
        for (name, person_type, query) in confab_domain::models::segment::defaults() {
            let segment = serde_json::json!({
                "name": name, "person_type": person_type, "query": query,
                "created_at": now, "updated_at": now,
            });
            if let serde_json::Value::Object(record) = segment {
                scope
                    .insert_record(&confab_domain::tables::SEGMENTS, &record, now)
                    .await?;
            }
        }
        for (category, label) in confab_domain::models::ticket::DEFAULT_STATES {
            let state = serde_json::json!({
                "category": category, "internal_label": label, "external_label": label,
                "archived": false, "created_at": now, "updated_at": now,
            });
            if let serde_json::Value::Object(record) = state {
                scope
                    .insert_record(&confab_domain::tables::TICKET_STATES, &record, now)
                    .await?;
            }
        }
        scope.commit().await?;
        self.workspace(&id)
            .await?
            .ok_or_else(|| StoreError::Corrupt("workspace vanished after insert".into()))
    }

    /// The admin new tokens act as: the workspace's first admin, its owner.
    async fn owner_admin(&self, workspace: &WorkspaceId) -> Result<i64, StoreError> {
        crate::db::query_scalar::<Option<i64>>("SELECT MIN(id) FROM admins WHERE workspace_id = $1")
            .bind(workspace.as_str())
            .fetch_one(&mut self.connection().await?)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("workspace {workspace} has no admin")))
    }

    /// Creates a token for the workspace's owner; returns it with its plaintext, which is
    /// not stored and cannot be shown again.
    pub async fn create_token(
        &self,
        workspace: &WorkspaceId,
        name: &str,
        now: i64,
    ) -> Result<(TokenInfo, String), StoreError> {
        let plaintext = new_token_plaintext();
        let info = self.insert_token(workspace, name, &plaintext, now).await?;
        Ok((info, plaintext))
    }

    /// Makes `plaintext` a valid token of the workspace if it is not one already (`--token`).
    pub async fn ensure_token(
        &self,
        workspace: &WorkspaceId,
        plaintext: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let existing: Option<String> =
            crate::db::query_scalar("SELECT workspace_id FROM access_tokens WHERE token_hash = $1")
                .bind(token_digest(plaintext))
                .fetch_optional(&mut self.connection().await?)
                .await?;
        match existing {
            Some(ws) if ws == workspace.as_str() => {
                self.write_alone(
                    crate::db::query(
                        "UPDATE access_tokens SET revoked_at = NULL WHERE token_hash = $1",
                    )
                    .bind(token_digest(plaintext)),
                )
                .await?;
                Ok(())
            }
            Some(_) => Err(StoreError::Client(
                confab_domain::DomainError::with_message(
                    confab_domain::ErrorCode::Conflict,
                    "this token already belongs to another workspace",
                ),
            )),
            None => self
                .insert_token(workspace, "configured", plaintext, now)
                .await
                .map(|_| ()),
        }
    }

    async fn insert_token(
        &self,
        workspace: &WorkspaceId,
        name: &str,
        plaintext: &str,
        now: i64,
    ) -> Result<TokenInfo, StoreError> {
        let admin_id = self.owner_admin(workspace).await?;
        let row = crate::db::query(
            "INSERT INTO access_tokens \
             (workspace_id, admin_id, name, token_hash, token_hint, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             RETURNING id, workspace_id, admin_id, name, token_hint, created_at, revoked_at",
        )
        .bind(workspace.as_str())
        .bind(admin_id)
        .bind(name)
        .bind(token_digest(plaintext))
        .bind(hint_of(plaintext))
        .bind(now);
        let row = self.write_returning(row).await?;
        token_from_row(&row)
    }

    /// The workspace's tokens, revoked ones included.
    pub async fn tokens(&self, workspace: &WorkspaceId) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = crate::db::query(
            "SELECT id, workspace_id, admin_id, name, token_hint, created_at, revoked_at \
             FROM access_tokens WHERE workspace_id = $1 ORDER BY id",
        )
        .bind(workspace.as_str())
        .fetch_all(&mut self.connection().await?)
        .await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes a token; `false` if the id names no live token.
    pub async fn revoke_token(&self, id: i64, now: i64) -> Result<bool, StoreError> {
        let result = self
            .write_alone(
                crate::db::query(
                    "UPDATE access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(id)
                .bind(now),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Sets the workspace's clock (control plane, tests).
    pub async fn set_clock(
        &self,
        workspace: &WorkspaceId,
        clock: WorkspaceClock,
    ) -> Result<bool, StoreError> {
        let result = self
            .write_alone(
                crate::db::query(
                    "UPDATE workspaces SET clock_offset = $2, clock_frozen_at = $3 WHERE id = $1",
                )
                .bind(workspace.as_str())
                .bind(clock.offset)
                .bind(clock.frozen_at),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Sets the version used for requests without `Intercom-Version`.
    pub async fn set_default_version(
        &self,
        workspace: &WorkspaceId,
        version: Option<ApiVersion>,
    ) -> Result<bool, StoreError> {
        let result = self
            .write_alone(
                crate::db::query("UPDATE workspaces SET default_version = $2 WHERE id = $1")
                    .bind(workspace.as_str())
                    .bind(version.map(ApiVersion::as_str)),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Whether setting an admin away requires a reason (2.14's `away_status_reason_mandatory`).
    pub async fn set_away_reason_required(
        &self,
        workspace: &WorkspaceId,
        required: bool,
    ) -> Result<bool, StoreError> {
        let result = self
            .write_alone(
                crate::db::query("UPDATE workspaces SET away_reason_required = $2 WHERE id = $1")
                    .bind(workspace.as_str())
                    .bind(i64::from(required)),
            )
            .await?;
        Ok(result.rows_affected() == 1)
    }
}
