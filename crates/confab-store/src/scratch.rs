//! Scratch schemas: a fresh schema in an existing PostgreSQL database, for a test or a
//! benchmark to run in alone, and the URL whose connections use it. Tests leave theirs
//! behind (a `Drop` cannot wait for the database without stalling the test's runtime), so
//! each name carries its creation time and a later run sweeps the old ones.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor};

use crate::StoreError;

/// A schema made by [`create_scratch_schema`].
#[derive(Debug, Clone)]
pub struct ScratchSchema {
    /// The schema's name.
    pub name: String,
    /// `base` with the schema as every connection's `search_path`.
    pub url: String,
}

fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// Creates the schema `{prefix}{unix seconds, hex}_{random hex}` in the PostgreSQL database
/// at `base`.
pub async fn create_scratch_schema(base: &str, prefix: &str) -> Result<ScratchSchema, StoreError> {
    let name = format!(
        "{prefix}{:x}_{}",
        unix_seconds(),
        uuid::Uuid::new_v4().simple()
    );
    let mut conn = sqlx::PgConnection::connect(base).await?;
    conn.execute(format!("CREATE SCHEMA {name}").as_str())
        .await?;
    conn.close().await?;
    let separator = if base.contains('?') { '&' } else { '?' };
    Ok(ScratchSchema {
        url: format!("{base}{separator}options=-c%20search_path%3D{name}"),
        name,
    })
}

/// Drops the schema `name` of the PostgreSQL database at `base`, and everything in it.
pub async fn drop_scratch_schema(base: &str, name: &str) -> Result<(), StoreError> {
    let mut conn = sqlx::PgConnection::connect(base).await?;
    drop_schema(&mut conn, name).await?;
    conn.close().await?;
    Ok(())
}

async fn drop_schema(conn: &mut sqlx::PgConnection, name: &str) -> Result<(), sqlx::Error> {
    conn.execute(format!("DROP SCHEMA IF EXISTS {name} CASCADE").as_str())
        .await?;
    Ok(())
}

/// When the scratch schema `name` (made with `prefix`) was created, in unix seconds; `None`
/// for any other name.
fn created_at(name: &str, prefix: &str) -> Option<u64> {
    let (seconds, random) = name.strip_prefix(prefix)?.split_once('_')?;
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    if !hex(seconds) || random.len() != 32 || !hex(random) {
        return None;
    }
    u64::from_str_radix(seconds, 16).ok()
}

/// Drops, on a thread of its own, every scratch schema made with `prefix` more than `age`
/// ago. Returns at once; whatever the process does not finish, the next sweep does.
pub fn sweep_scratch_schemas(base: &str, prefix: &str, age: Duration) {
    let (base, prefix) = (base.to_owned(), prefix.to_owned());
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        let swept = runtime.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&base).await?;
            let names: Vec<(String,)> = sqlx::query_as(
                "SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1)",
            )
            .bind(&prefix)
            .fetch_all(&mut conn)
            .await?;
            let before = unix_seconds().saturating_sub(age.as_secs());
            for (name,) in names {
                if created_at(&name, &prefix).is_some_and(|at| at < before) {
                    drop_schema(&mut conn, &name).await?;
                }
            }
            conn.close().await
        });
        if let Err(err) = swept {
            tracing::warn!(error = %err, "sweeping old scratch schemas failed");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::created_at;

    #[test]
    fn only_dated_scratch_names_have_a_creation_time() {
        let random = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            created_at(&format!("t_65f0a1b2_{random}"), "t_"),
            Some(0x65f0_a1b2)
        );
        assert_eq!(created_at(&format!("t_{random}"), "t_"), None, "undated");
        assert_eq!(
            created_at(&format!("u_65f0a1b2_{random}"), "t_"),
            None,
            "other prefix"
        );
        assert_eq!(created_at("t_65f0a1b2_short", "t_"), None);
        assert_eq!(created_at(&format!("t_zz_{random}"), "t_"), None);
        assert_eq!(created_at(&format!("t__{random}"), "t_"), None);
    }
}
