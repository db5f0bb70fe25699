//! A fresh database per test: a SQLite file in a temporary directory, or, when
//! `CONFAB_TEST_DATABASE_URL` names a PostgreSQL database, a fresh schema in it.

use sqlx::Executor;

/// A database that lives as long as the value.
pub struct TestDatabase {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// SQLite, or PostgreSQL when `CONFAB_TEST_DATABASE_URL` is set.
    pub async fn create() -> Self {
        match std::env::var("CONFAB_TEST_DATABASE_URL") {
            Ok(base) if base.starts_with("postgres") => Self::postgres(&base).await,
            _ => Self::sqlite(),
        }
    }

    /// A SQLite file in a temporary directory.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let url = format!("sqlite://{}/confab.db?mode=rwc", dir.path().display());
        Self {
            url,
            _dir: Some(dir),
        }
    }

    /// A fresh schema in the PostgreSQL database at `base`.
    pub async fn postgres(base: &str) -> Self {
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(base)
            .await
            .expect("connect to CONFAB_TEST_DATABASE_URL");
        conn.execute(format!("CREATE SCHEMA {schema}").as_str())
            .await
            .expect("create a test schema");
        let separator = if base.contains('?') { '&' } else { '?' };
        Self {
            url: format!("{base}{separator}options=-c%20search_path%3D{schema}"),
            _dir: None,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}
