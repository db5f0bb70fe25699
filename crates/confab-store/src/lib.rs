//! The only crate that speaks SQL.
//!
//! One query layer (`db`: rusqlite for SQLite, sqlx's PostgreSQL driver, with `$n`
//! placeholders, which both accept) over two backends picked at run time from the URL. Every
//! query about a workspace's data goes through a [`Scope`], which carries the workspace id, so
//! a query that forgets the workspace cannot be written by accident. The few unscoped operations (finding
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
mod db;
mod demo_inbox;
mod error;
pub mod links;
pub mod records;
mod row_de;
mod schema;
mod scope;
mod scratch;
pub mod search;
mod sql;
pub mod tags;
mod teams;
pub mod tenancy;
mod ticket_types;

pub use db::Db;
pub use error::StoreError;
pub use schema::SchemaSummary;
pub use scope::{Conn, ReadConn, ReadScope, Scope, WriteScope, WriteTx};
pub use scratch::{
    create_scratch_schema, drop_scratch_schema, sweep_scratch_schemas, ScratchSchema,
};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use confab_domain::models::WorkspaceId;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::Connection;

use db::lite::LitePool;

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
    pools: Pools,
    url: Arc<str>,
}

#[derive(Clone, Debug)]
enum Pools {
    Sqlite(Arc<LitePool>),
    Postgres(PgPool),
}

/// How long one read statement may run before the database stops it, unless the store is
/// connected with another limit ([`Store::connect_with`]); decision 0047.
pub const DEFAULT_READ_TIME_LIMIT: Duration = Duration::from_secs(5);

/// Confab's settings for each PostgreSQL connection, where the URL's own `options` do not
/// set them already:
/// - JIT compilation off. Compiling a search costs tens of milliseconds (about 50 ms for the
///   benchmark's nested query at 1,000,000 contacts), more than it saves on the scans that
///   cross `jit_above_cost`; every other query stays below it (decision 0045).
/// - `statement_timeout` at the read time limit (decision 0047). Writes, migrations and
///   schema statements lift it for themselves ([`Store::begin`], [`without_time_limit`]).
fn connection_settings(options: PgConnectOptions, read_time_limit: Duration) -> PgConnectOptions {
    let set = options.get_options().unwrap_or_default().to_owned();
    let mut settings = Vec::new();
    if !set.contains("jit") {
        settings.push(("jit", "off".to_owned()));
    }
    if !set.contains("statement_timeout") {
        settings.push((
            "statement_timeout",
            limit_millis(read_time_limit).to_string(),
        ));
    }
    if settings.is_empty() {
        options
    } else {
        options.options(settings)
    }
}

/// A time limit in whole milliseconds, at least one: PostgreSQL reads 0 as no limit.
fn limit_millis(limit: Duration) -> u128 {
    limit.as_millis().max(1)
}

/// Runs `work` on a pooled PostgreSQL connection without the read time limit, restored
/// before the connection goes back to the pool: migrations and schema statements are not
/// reads, and an index build may rightly take longer than a read may. (Write transactions
/// lift it with `SET LOCAL` in their `BEGIN` instead: [`Store::begin`].)
async fn without_time_limit<T>(
    pool: &PgPool,
    work: impl AsyncFnOnce(&mut sqlx::PgConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut conn = pool.acquire().await?;
    sqlx::query("SET statement_timeout = 0")
        .execute(&mut *conn)
        .await?;
    let done = work(&mut conn).await;
    sqlx::query("RESET statement_timeout")
        .execute(&mut *conn)
        .await?;
    done
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). SQLite files are created if missing
    /// (with `?mode=rwc`) and put in WAL mode.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, DEFAULT_READ_TIME_LIMIT).await
    }

    /// [`Store::connect`], with each read statement stopped after `read_time_limit`: the
    /// request then fails with a 400 `bad_request` (decision 0047).
    pub async fn connect_with(url: &str, read_time_limit: Duration) -> Result<Self, StoreError> {
        let pools = match Backend::of_url(url)? {
            Backend::Sqlite => Pools::Sqlite(Arc::new(LitePool::open(url, read_time_limit)?)),
            Backend::Postgres => {
                let options = connection_settings(
                    PgConnectOptions::from_str(url).map_err(StoreError::Database)?,
                    read_time_limit,
                );
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                Pools::Postgres(pool)
            }
        };
        Ok(Self {
            pools,
            url: url.into(),
        })
    }

    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite(_) => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date. Safe to run while another process serves the store.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite(pool) => {
                // Migrations keep sqlx's bookkeeping (`_sqlx_migrations`), on a connection of
                // their own, while this process's writer waits.
                let _writer = pool.exclusive().await;
                let mut conn = sqlx::SqliteConnection::connect(&self.url).await?;
                sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
                conn.close().await?;
            }
            Pools::Postgres(pool) => {
                without_time_limit(pool, async |conn| {
                    Ok(sqlx::migrate!("./migrations/postgres").run(conn).await?)
                })
                .await?;
            }
        }
        self.optimize().await
    }

    /// Refreshes the SQLite query planner's statistics where they are missing or stale
    /// (`PRAGMA optimize=0x10002`: every table, bounded work). Without statistics SQLite may
    /// walk the search order index for a selective filter such as `email =` instead of that
    /// filter's own index. Cheap when nothing changed; run after migrating and periodically
    /// by `confab serve`. PostgreSQL's autovacuum analyses by itself: nothing to do there.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        match self.backend() {
            Backend::Sqlite => self.execute_ddl("PRAGMA optimize=0x10002").await,
            Backend::Postgres => Ok(()),
        }
    }

    /// Full planner statistics for `tables` on both backends (`ANALYZE`), after a bulk load.
    /// On PostgreSQL also `VACUUM`, which marks the loaded pages all-visible: until then an
    /// index-only scan still reads the table for every row, as it does after any bulk load
    /// until autovacuum gets there. Named tables only: a bare `ANALYZE` on PostgreSQL walks
    /// every schema of the database.
    pub async fn analyze(&self, tables: &[&'static str]) -> Result<(), StoreError> {
        let command = match self.backend() {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM (ANALYZE)",
        };
        for table in tables {
            self.execute_ddl(&format!("{command} \"{table}\"")).await?;
        }
        Ok(())
    }

    /// Runs a schema statement outside any request's transaction, as the one writer
    /// (PostgreSQL: on any pooled connection).
    pub(crate) async fn execute_ddl(&self, sql: &str) -> Result<(), StoreError> {
        match &self.pools {
            Pools::Sqlite(pool) => {
                let writer = pool.exclusive().await;
                writer.execute_batch(sql)?;
            }
            // `CREATE INDEX CONCURRENTLY` refuses to share a simple query with another
            // statement, so the limit is lifted by a statement of its own.
            Pools::Postgres(pool) => {
                without_time_limit(pool, async |conn| {
                    sqlx::query(sql).execute(conn).await?;
                    Ok(())
                })
                .await?;
            }
        }
        Ok(())
    }

    /// [`Self::execute_ddl`] for a statement that locks a table whole (PostgreSQL), waiting
    /// at most `lock_wait` for the lock: while it waits, every other statement on the table
    /// queues behind it.
    pub(crate) async fn execute_ddl_waiting(
        &self,
        sql: &str,
        lock_wait: Duration,
    ) -> Result<(), StoreError> {
        let Pools::Postgres(pool) = &self.pools else {
            return self.execute_ddl(sql).await;
        };
        without_time_limit(pool, async |conn| {
            sqlx::query(&format!("SET lock_timeout = {}", lock_wait.as_millis()))
                .execute(&mut *conn)
                .await?;
            let done = sqlx::query(sql).execute(&mut *conn).await;
            sqlx::query("RESET lock_timeout")
                .execute(&mut *conn)
                .await?;
            done?;
            Ok(())
        })
        .await
    }

    /// A connection for reads outside any workspace's scope.
    pub(crate) async fn connection(&self) -> Result<Db, StoreError> {
        Ok(match &self.pools {
            Pools::Sqlite(pool) => Db::lite(pool.read().await?),
            Pools::Postgres(pool) => Db::pg(pool.acquire().await?),
        })
    }

    /// Runs one write statement in a transaction of its own.
    pub(crate) async fn write_alone(&self, query: db::Query<'_>) -> Result<db::Done, StoreError> {
        let mut tx = self.begin().await?;
        let done = query.execute(&mut tx).await?;
        tx.0.commit().await?;
        Ok(done)
    }

    /// Runs one write statement that returns a row (`RETURNING`) in a transaction of its own.
    pub(crate) async fn write_returning(
        &self,
        query: db::Query<'_>,
    ) -> Result<db::Row, StoreError> {
        let mut tx = self.begin().await?;
        let row = query.fetch_one(&mut tx).await?;
        tx.0.commit().await?;
        Ok(row)
    }

    /// A read-only view of one workspace's data.
    pub async fn read(&self, workspace: &WorkspaceId) -> Result<ReadScope, StoreError> {
        Ok(Scope::new(
            workspace.clone(),
            ReadConn(self.connection().await?),
        ))
    }

    /// A transaction on one workspace's data; nothing is visible to others until
    /// [`Scope::commit`], and dropping it rolls everything back.
    pub async fn write(&self, workspace: &WorkspaceId) -> Result<WriteScope, StoreError> {
        let tx = self.begin().await?;
        Ok(Scope::new(workspace.clone(), tx))
    }

    pub(crate) async fn begin(&self) -> Result<WriteTx, StoreError> {
        Ok(WriteTx(match &self.pools {
            Pools::Sqlite(pool) => Db::lite_tx(pool.write().await?),
            // `SET LOCAL` ends with the transaction; one round trip with the `BEGIN`.
            Pools::Postgres(pool) => Db::pg_tx(
                pool.begin_with("BEGIN; SET LOCAL statement_timeout = 0")
                    .await?,
            ),
        }))
    }

    /// Checks the database answers; used by the health endpoint.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut db = self.connection().await?;
        db::query("SELECT 1").execute(&mut db).await?;
        Ok(())
    }

    /// Tables, columns and indexes as the database reports them, for the migration parity
    /// test.
    pub async fn schema_summary(&self) -> Result<SchemaSummary, StoreError> {
        let mut db = self.connection().await?;
        schema::summary(&mut db).await
    }

    /// Closes every connection; called on shutdown.
    pub async fn close(&self) {
        if let Pools::Postgres(pool) = &self.pools {
            pool.close().await;
        }
    }
}

/// Reads a 0/1 flag column. Booleans are stored as integers in both dialects (decision 0002),
/// so one decoding serves both.
pub(crate) fn flag<I: db::RowIndex>(row: &db::Row, column: I) -> Result<bool, StoreError> {
    Ok(row.try_get::<i64, _>(column)? != 0)
}
