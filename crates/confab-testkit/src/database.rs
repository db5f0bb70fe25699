//! A fresh database per test: a SQLite file in a temporary directory, or, when
//! `CONFAB_TEST_DATABASE_URL` names a PostgreSQL database, a fresh schema in it.

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
        // Those older runs left behind, once per test process (see `confab_store::scratch`).
        static SWEEP: std::sync::Once = std::sync::Once::new();
        SWEEP.call_once(|| {
            confab_store::sweep_scratch_schemas(base, "t_", std::time::Duration::from_secs(600));
        });
        let schema = confab_store::create_scratch_schema(base, "t_")
            .await
            .expect("create a test schema in CONFAB_TEST_DATABASE_URL");
        Self {
            url: schema.url,
            _dir: None,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}
