//! Scratch schemas: a fresh schema in an existing PostgreSQL database, for a test or a
//! benchmark to run in alone, and the URL whose connections use it.

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

/// Creates the schema `{prefix}{random hex}` in the PostgreSQL database at `base`. Nothing
/// drops it; a benchmark that cleans up drops it by name.
pub async fn create_scratch_schema(base: &str, prefix: &str) -> Result<ScratchSchema, StoreError> {
    let name = format!("{prefix}{}", uuid::Uuid::new_v4().simple());
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
