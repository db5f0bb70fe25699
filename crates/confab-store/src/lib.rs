//! The only crate that speaks SQL.
//!
//! One query layer (sqlx's `Any` driver, with `$n` placeholders, which SQLite and PostgreSQL
//! both accept) over two backends picked at run time from the URL. Every query about a
//! workspace's data goes through a [`Scope`], which carries the workspace id, so a query that
//! forgets the workspace cannot be written by accident. The few unscoped operations (finding
//! the workspace a token belongs to, creating workspaces) live in [`tenancy`].

pub mod activity_logs;
pub mod admins;
mod away_status_reasons;
pub mod bootstrap;
pub mod companies;
mod contacts;
mod counters;
pub mod data_events;
pub mod dataplane;
mod demo_inbox;
mod error;
pub mod links;
pub mod records;
mod schema;
mod scope;
pub mod search;
mod sql;
pub mod tags;
mod teams;
pub mod tenancy;
mod ticket_types;

pub use error::StoreError;
pub use schema::SchemaSummary;
pub use scope::{Conn, ReadScope, Scope, WriteScope, WriteTx};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use confab_domain::models::WorkspaceId;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use tokio::sync::Mutex;

/// Which database a [`Store`] talks to. Dialect differences are decided on this, in this
/// crate only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names.
    pub fn of_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }
}

/// A handle on the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// SQLite allows one writer at a time; taking this lock before `BEGIN` makes writers
    /// queue in the process instead of failing with `SQLITE_BUSY` on a read-to-write upgrade.
    write_lock: Option<Arc<Mutex<()>>>,
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite files are created if missing
    /// and put in WAL mode.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let options = AnyConnectOptions::from_str(url).map_err(StoreError::Database)?;
        let pool_options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                pool_options
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; NORMAL sync keeps every
                            // committed transaction across a process kill (not a power cut).
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            conn.execute("PRAGMA busy_timeout = 10000").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => pool_options.connect_with(options).await?,
        };
        Ok(Self {
            pool,
            backend,
            write_lock: (backend == Backend::Sqlite).then(|| Arc::new(Mutex::new(()))),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Brings the schema up to date. Safe to run while another process serves the store.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&self.pool).await?;
        self.optimize().await
    }

    /// Refreshes the SQLite query planner's statistics where they are missing or stale
    /// (`PRAGMA optimize=0x10002`: every table, bounded work). Without statistics SQLite may
    /// walk the search order index for a selective filter such as `email =` instead of that
    /// filter's own index. Cheap when nothing changed; run after migrating and periodically
    /// by `confab serve`. PostgreSQL's autovacuum analyses by itself: nothing to do there.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        if self.backend == Backend::Sqlite {
            let _writer = self.writer().await;
            self.pool.execute("PRAGMA optimize=0x10002").await?;
        }
        Ok(())
    }

    /// Full planner statistics for `tables` on both backends (`ANALYZE`), after a bulk load.
    /// Named tables only: a bare `ANALYZE` on PostgreSQL walks every schema of the database.
    pub async fn analyze(&self, tables: &[&'static str]) -> Result<(), StoreError> {
        let _writer = self.writer().await;
        for table in tables {
            self.pool
                .execute(format!("ANALYZE \"{table}\"").as_str())
                .await?;
        }
        Ok(())
    }

    /// Runs a schema statement outside any request's transaction, as the one writer.
    pub(crate) async fn execute_ddl(&self, sql: &str) -> Result<(), StoreError> {
        let _writer = self.writer().await;
        self.pool.execute(sql).await?;
        Ok(())
    }

    async fn writer(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.write_lock {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }

    /// A read-only view of one workspace's data.
    pub async fn read(&self, workspace: &WorkspaceId) -> Result<ReadScope, StoreError> {
        let conn = self.pool.acquire().await?;
        Ok(Scope::new(workspace.clone(), conn))
    }

    /// A transaction on one workspace's data; nothing is visible to others until
    /// [`Scope::commit`], and dropping it rolls everything back.
    pub async fn write(&self, workspace: &WorkspaceId) -> Result<WriteScope, StoreError> {
        let tx = self.begin().await?;
        Ok(Scope::new(workspace.clone(), tx))
    }

    async fn begin(&self) -> Result<WriteTx, StoreError> {
        let lock = self.writer().await;
        let tx = self.pool.begin().await?;
        Ok(WriteTx::new(tx, lock))
    }

    /// Checks the database answers; used by the health endpoint.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.pool.execute("SELECT 1").await?;
        Ok(())
    }

    /// Tables, columns and indexes as the database reports them, for the migration parity
    /// test.
    pub async fn schema_summary(&self) -> Result<SchemaSummary, StoreError> {
        schema::summary(&self.pool, self.backend).await
    }

    /// Closes every connection; called on shutdown.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reads a 0/1 flag column. Booleans are stored as integers in both dialects because the
/// `Any` driver cannot decode SQLite's BOOLEAN.
pub(crate) fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(column)? != 0)
}
