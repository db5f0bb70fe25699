//! SQLite through rusqlite: a pool of read connections and the one writer.
//!
//! Statements run in the calling task (see the module above for why). Readers never wait in
//! WAL mode; writers queue on an async lock for the one writer connection, so no task ever
//! blocks a thread waiting for SQLite's write lock held by another task of this process.

use std::path::PathBuf;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use rusqlite::types::{FromSql, Value, ValueRef};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use crate::sql::Arg;
use crate::StoreError;

/// Idle read connections kept open; more are opened under load and closed after.
const IDLE_READERS: usize = 16;
/// Read connections open at once, at most: each holds a page cache, so a burst of requests
/// queues for a connection instead of opening one each.
const MAX_READERS: usize = 64;
/// Bytes of the database file each read connection maps (decision 0037): SQLite's compiled-in
/// ceiling. A reader then reads pages in place from the OS page cache, which all readers
/// share, instead of copying each one into its own small cache with a `pread`. The writer
/// keeps plain reads: its cache stays warm, because no other connection writes.
const MMAP_SIZE: u64 = 0x7fff_0000;
/// Prepared statements kept per connection. Searches and `IN` lists make many shapes.
const STATEMENT_CACHE: usize = 256;
/// How often the checkpointer copies committed pages from the WAL into the database file
/// (decision 0038).
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);
/// WAL pages after which the writer checkpoints by itself, should the checkpointer fall this
/// far behind (64 MiB of 4 KiB pages; SQLite's default is 1,000).
const WRITER_CHECKPOINT_PAGES: u32 = 16_384;

/// Virtual-machine steps between two looks at a read's clock: a few microseconds of work.
const STEPS_BETWEEN_CLOCK_READS: std::ffi::c_int = 4_000;

/// The connections to one SQLite database file.
pub(crate) struct LitePool {
    path: PathBuf,
    flags: OpenFlags,
    /// How long each read statement may run.
    read_time_limit: Duration,
    idle: parking_lot::Mutex<Vec<Connection>>,
    readers: Arc<Semaphore>,
    writer: Arc<Mutex<Connection>>,
    /// Dropped with the pool, which stops the checkpointer.
    _checkpointer: Option<mpsc::Sender<()>>,
}

impl std::fmt::Debug for LitePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LitePool")
            .field("path", &self.path)
            .finish()
    }
}

/// The file and open mode a `sqlite:` URL names, as sqlx reads them: `sqlite://path`,
/// `sqlite:path`, with `?mode=ro|rw|rwc` (the default is `rw`: the file must exist).
fn parse_url(url: &str) -> Result<(PathBuf, OpenFlags), StoreError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or(StoreError::UnsupportedUrl)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        return Err(StoreError::UnsupportedUrl);
    }
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("mode", "ro")) => flags = OpenFlags::SQLITE_OPEN_READ_ONLY,
            Some(("mode", "rw")) => flags = OpenFlags::SQLITE_OPEN_READ_WRITE,
            Some(("mode", "rwc")) => {
                flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
            }
            _ => return Err(StoreError::UnsupportedUrl),
        }
    }
    // Each connection is used by one task at a time; SQLite's own mutexes are not needed.
    Ok((PathBuf::from(path), flags | OpenFlags::SQLITE_OPEN_NO_MUTEX))
}

impl LitePool {
    /// Opens the database at `url`, creating the file if the URL says so, in WAL mode; each
    /// read statement may run for `read_time_limit`.
    pub(crate) fn open(url: &str, read_time_limit: Duration) -> Result<Self, StoreError> {
        let (path, flags) = parse_url(url)?;
        let writer = open_connection(&path, flags)?;
        // WAL lets readers run beside the writer; the mode is stored in the file.
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY) {
            return Err(StoreError::Corrupt(format!(
                "SQLite refused WAL mode (it reports {mode})"
            )));
        }
        let checkpointer = if flags.contains(OpenFlags::SQLITE_OPEN_READ_ONLY) {
            None
        } else {
            spawn_checkpointer(&path, flags, &writer)
        };
        Ok(Self {
            path,
            flags: flags - OpenFlags::SQLITE_OPEN_CREATE,
            read_time_limit,
            idle: parking_lot::Mutex::new(Vec::new()),
            readers: Arc::new(Semaphore::new(MAX_READERS)),
            writer: Arc::new(Mutex::new(writer)),
            _checkpointer: checkpointer,
        })
    }

    /// A read connection, idle or new, once fewer than [`MAX_READERS`] are in use.
    pub(crate) async fn read(self: &Arc<Self>) -> Result<Lease, StoreError> {
        // Bounded like sqlx's pool was, so a starved request fails instead of hanging.
        let permit = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            Arc::clone(&self.readers).acquire_owned(),
        )
        .await
        .map_err(|_| StoreError::Busy)?
        .map_err(|_| StoreError::Busy)?;
        self.lease(permit)
    }

    /// Another read connection, if fewer than `busy` are in use: for work that only helps
    /// while the process has cores to spare, such as a count split across connections. Under
    /// load the readers are in use, and the work goes without.
    pub(crate) fn try_spare(self: &Arc<Self>, busy: usize) -> Option<Lease> {
        if MAX_READERS - self.readers.available_permits() >= busy {
            return None;
        }
        let permit = Arc::clone(&self.readers).try_acquire_owned().ok()?;
        match self.lease(permit) {
            Ok(lease) => Some(lease),
            Err(err) => {
                tracing::warn!(error = %err, "no spare SQLite read connection");
                None
            }
        }
    }

    /// An idle read connection, or a new one, under `permit`.
    fn lease(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Result<Lease, StoreError> {
        let idle = self.idle.lock().pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = open_connection(&self.path, self.flags)?;
                conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
                conn
            }
        };
        Ok(Lease {
            conn: Some(conn),
            time_limit: self.read_time_limit,
            pool: Arc::clone(self),
            _permit: permit,
        })
    }

    /// The writer, once every earlier writer of this process has finished, inside a new
    /// transaction.
    pub(crate) async fn write(&self) -> Result<Writer, StoreError> {
        let conn = self.writer.clone().lock_owned().await;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(Writer { conn })
    }

    /// The writer outside a transaction, for statements that manage their own (schema
    /// changes, `ANALYZE`, `PRAGMA optimize`).
    pub(crate) async fn exclusive(&self) -> OwnedMutexGuard<Connection> {
        self.writer.clone().lock_owned().await
    }
}

/// Checkpoints the WAL on a thread of its own every [`CHECKPOINT_EVERY`], until the returned
/// sender is dropped. A checkpoint copies pages and syncs the database file; run by the
/// writer, it would hold every other writer up meanwhile (decision 0038). `PASSIVE` never
/// waits for readers or the writer: it copies what they leave it, and the next round goes on.
/// Without the thread, the writer checkpoints as SQLite does by default.
fn spawn_checkpointer(
    path: &PathBuf,
    flags: OpenFlags,
    writer: &Connection,
) -> Option<mpsc::Sender<()>> {
    let (stop, stopped) = mpsc::channel::<()>();
    let started = open_connection(path, flags).and_then(|conn| {
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoint_until_stopped(&conn, &stopped))
            .map_err(|e| StoreError::Corrupt(format!("no thread for the WAL checkpointer: {e}")))
    });
    if let Err(err) = started {
        tracing::warn!(error = %err, "the writer checkpoints the SQLite WAL itself");
        return None;
    }
    if let Err(err) = writer.pragma_update(None, "wal_autocheckpoint", WRITER_CHECKPOINT_PAGES) {
        tracing::warn!(error = %err, "the writer checkpoints the SQLite WAL at its default size");
    }
    Some(stop)
}

fn checkpoint_until_stopped(conn: &Connection, stopped: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
        if let Err(err) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %err, "checkpointing the SQLite WAL failed");
        }
    }
}

fn open_connection(path: &PathBuf, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags)?;
    // NORMAL sync keeps every committed transaction across a process kill (not a power
    // cut) without an fsync per commit; the busy timeout covers other processes' writers.
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// A read connection, back to the pool when dropped.
pub(crate) struct Lease {
    conn: Option<Connection>,
    /// How long each statement on it may run.
    time_limit: Duration,
    pool: Arc<LitePool>,
    _permit: OwnedSemaphorePermit,
}

impl Lease {
    pub(crate) fn conn(&mut self) -> &mut Connection {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("a lease holds its connection until dropped"),
        }
    }

    /// Another read connection to the same database, if fewer than `busy` are in use
    /// ([`LitePool::try_spare`]).
    pub(crate) fn spare(&self, busy: usize) -> Option<Lease> {
        self.pool.try_spare(busy)
    }

    /// When a statement started now must stop.
    pub(crate) fn deadline(&self) -> Instant {
        Instant::now() + self.time_limit
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        let mut idle = self.pool.idle.lock();
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }
}

/// The writer inside a transaction; dropped before [`Writer::commit`], it rolls back before
/// the next writer gets the connection.
pub(crate) struct Writer {
    conn: OwnedMutexGuard<Connection>,
}

impl Writer {
    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn commit(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    pub(crate) fn rollback(&mut self) -> Result<(), StoreError> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("ROLLBACK")?;
        }
        Ok(())
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        if let Err(err) = self.rollback() {
            tracing::warn!(error = %err, "rolling back a dropped write failed");
        }
    }
}

/// One row, its values copied out of SQLite.
pub(crate) struct LiteRow {
    columns: Arc<[String]>,
    values: Vec<Value>,
}

impl LiteRow {
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// Column `position` as text, moved out of the row (`None` for NULL). Leaves NULL behind.
    pub(crate) fn take_text(
        &mut self,
        position: usize,
    ) -> rusqlite::types::FromSqlResult<Option<String>> {
        match self
            .values
            .get_mut(position)
            .map(|value| std::mem::replace(value, Value::Null))
        {
            Some(Value::Text(text)) => Ok(Some(text)),
            Some(Value::Null) | None => Ok(None),
            Some(other) => Option::<String>::column_result(ValueRef::from(&other)),
        }
    }

    pub(crate) fn decode<T: FromSql>(&self, position: usize) -> rusqlite::types::FromSqlResult<T> {
        let value = match self.values.get(position) {
            Some(value) => ValueRef::from(value),
            None => ValueRef::Null,
        };
        T::column_result(value)
    }
}

/// Prepares `sql` (from the connection's cache) and binds `args` to its `$n` or `?`
/// placeholders.
fn prepare<'c>(
    conn: &'c Connection,
    sql: &str,
    args: &[Arg],
) -> Result<rusqlite::CachedStatement<'c>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    for index in 1..=statement.parameter_count() {
        // `$n` names its argument; SQLite numbers parameters by first appearance instead.
        let position = match statement.parameter_name(index) {
            Some(name) => name
                .trim_start_matches(['$', '?'])
                .parse::<usize>()
                .map_err(|_| StoreError::Corrupt(format!("unnumbered parameter {name}")))?,
            None => index,
        };
        let arg = position
            .checked_sub(1)
            .and_then(|i| args.get(i))
            .ok_or_else(|| StoreError::Corrupt(format!("no argument for parameter {index}")))?;
        match arg {
            Arg::Text(v) => statement.raw_bind_parameter(index, v)?,
            Arg::Int(v) => statement.raw_bind_parameter(index, v)?,
            Arg::Float(v) => statement.raw_bind_parameter(index, v)?,
        }
    }
    Ok(statement)
}

/// How much of a table a read statement may read, which decides where it runs ([`run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// An index lookup or a short range: it runs in the calling task (decision 0020).
    Narrow,
    /// It may read much of a table (a search page): it runs in the calling task for up to
    /// [`INLINE_SLICE`], and off the runtime's thread if it needs longer.
    MayScan,
    /// It reads every match (a search count): it runs off the runtime's thread at once.
    Scans,
}

/// How long a statement that may scan runs in the calling task before it is stopped and run
/// again off the runtime's thread: a search page stops at its page size and ends well
/// within it, unless few rows match.
const INLINE_SLICE: Duration = Duration::from_millis(5);

/// Makes SQLite stop the connection's statements at `deadline`.
fn stop_at(conn: &Connection, deadline: Instant) {
    conn.progress_handler(
        STEPS_BETWEEN_CLOCK_READS,
        Some(move || Instant::now() >= deadline),
    );
}

/// Runs `statement` on `conn`. A read stops at `deadline` with [`StoreError::TimeLimit`]
/// (decision 0047); a write (no deadline) runs to the end and never gets a handler.
///
/// On a multi-threaded runtime, a read that scans runs under `block_in_place`, so that the
/// runtime hands the thread's other tasks to another thread meanwhile: two scans of seconds
/// each would otherwise hold up every request on a two-core machine. The hand-over costs
/// about 50 µs, so a read that only may scan is first run as any other, and is stopped and
/// run again that way only if it outlasts [`INLINE_SLICE`].
pub(crate) fn run<T>(
    conn: &Connection,
    reach: Reach,
    deadline: Option<Instant>,
    statement: impl Fn(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let Some(deadline) = deadline else {
        return statement(conn);
    };
    let threaded = tokio::runtime::Handle::try_current()
        .is_ok_and(|rt| rt.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    let slice_end = Instant::now() + INLINE_SLICE;
    match reach {
        Reach::Scans if threaded => {
            stop_at(conn, deadline);
            tokio::task::block_in_place(|| statement(conn))
        }
        Reach::MayScan if threaded && slice_end < deadline => {
            stop_at(conn, slice_end);
            match statement(conn) {
                Err(StoreError::TimeLimit) => {
                    stop_at(conn, deadline);
                    tokio::task::block_in_place(|| statement(conn))
                }
                done => done,
            }
        }
        _ => {
            stop_at(conn, deadline);
            statement(conn)
        }
    }
}

/// At most `limit` rows of `sql`.
pub(crate) fn fetch(
    conn: &Connection,
    sql: &str,
    args: &[Arg],
    limit: usize,
) -> Result<Vec<LiteRow>, StoreError> {
    let mut statement = prepare(conn, sql, args)?;
    let columns: Arc<[String]> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let width = columns.len();
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while out.len() < limit {
        let Some(row) = rows.next()? else {
            break;
        };
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(Value::from(row.get_ref(i)?));
        }
        out.push(LiteRow {
            columns: Arc::clone(&columns),
            values,
        });
    }
    Ok(out)
}

/// Runs `sql` to completion; the rows it changed.
pub(crate) fn execute(conn: &Connection, sql: &str, args: &[Arg]) -> Result<u64, StoreError> {
    let mut statement = prepare(conn, sql, args)?;
    let mut rows = statement.raw_query();
    while rows.next()?.is_some() {}
    Ok(conn.changes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_file_and_a_mode() {
        let (path, flags) = parse_url("sqlite:///tmp/x/confab.db?mode=rwc").unwrap();
        assert_eq!(path, PathBuf::from("/tmp/x/confab.db"));
        assert!(flags.contains(OpenFlags::SQLITE_OPEN_CREATE));
        let (path, flags) = parse_url("sqlite:data.db").unwrap();
        assert_eq!(path, PathBuf::from("data.db"));
        assert!(!flags.contains(OpenFlags::SQLITE_OPEN_CREATE));
        assert!(parse_url("sqlite::memory:").is_err());
        assert!(parse_url("sqlite://x.db?cache=shared").is_err());
    }

    #[test]
    fn numbered_parameters_bind_by_number() {
        let conn = Connection::open_in_memory().unwrap();
        let rows = fetch(
            &conn,
            "SELECT $2 AS b, $1 AS a, $2 AS again",
            &[Arg::Int(Some(1)), Arg::Text(Some("two".into()))],
            usize::MAX,
        )
        .unwrap();
        assert_eq!(rows[0].decode::<String>(0).unwrap(), "two");
        assert_eq!(rows[0].decode::<i64>(1).unwrap(), 1);
        assert_eq!(rows[0].decode::<String>(2).unwrap(), "two");
        assert_eq!(rows[0].position("again"), Some(2));
    }

    const LONG: &str = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n \
                        WHERE x < 2000000) SELECT COUNT(*) FROM n";

    fn count(
        conn: &Connection,
        reach: Reach,
        deadline: Option<Instant>,
    ) -> Result<i64, StoreError> {
        run(conn, reach, deadline, |c| {
            fetch(c, LONG, &[], 1)?[0]
                .decode::<i64>(0)
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
    }

    /// A read runs until its deadline and no longer; the same statement with a later one, or
    /// as a write (no deadline), ends.
    #[test]
    fn a_read_past_its_deadline_is_stopped() {
        let conn = Connection::open_in_memory().unwrap();
        let stopped = count(&conn, Reach::Narrow, Some(Instant::now()));
        assert!(matches!(stopped, Err(StoreError::TimeLimit)), "{stopped:?}");
        let later = Some(Instant::now() + Duration::from_secs(600));
        assert_eq!(count(&conn, Reach::Narrow, later).unwrap(), 2_000_000);
        assert_eq!(count(&conn, Reach::Narrow, None).unwrap(), 2_000_000);
    }

    /// When a task on a one-thread runtime runs a long read of this reach, does a task queued
    /// after the read began run before the read ends?
    async fn queued_task_runs_during(reach: Reach) -> bool {
        let (started, begun) = tokio::sync::oneshot::channel();
        let read = tokio::spawn(async move {
            let conn = Connection::open_in_memory().unwrap();
            let later = Some(Instant::now() + Duration::from_secs(600));
            let _ = started.send(());
            assert_eq!(count(&conn, reach, later).unwrap(), 2_000_000);
            Instant::now()
        });
        begun.await.unwrap();
        let queued = tokio::spawn(async { Instant::now() });
        let ran = queued.await.unwrap();
        ran < read.await.unwrap()
    }

    /// A long read that scans, or may scan and outlasts the inline slice, lets the other
    /// tasks of its thread run; a narrow one keeps its thread to the end (decision 0020).
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn a_long_scan_lets_the_other_tasks_of_its_thread_run() {
        assert!(queued_task_runs_during(Reach::Scans).await);
        assert!(queued_task_runs_during(Reach::MayScan).await);
        assert!(!queued_task_runs_during(Reach::Narrow).await);
    }

    #[test]
    fn text_is_moved_out_once_and_null_reads_as_none() {
        let conn = Connection::open_in_memory().unwrap();
        let mut rows = fetch(&conn, "SELECT 'moved' AS t, NULL AS n", &[], usize::MAX).unwrap();
        assert_eq!(rows[0].take_text(0).unwrap().as_deref(), Some("moved"));
        assert_eq!(rows[0].take_text(0).unwrap(), None);
        assert_eq!(rows[0].take_text(1).unwrap(), None);
    }

    #[tokio::test]
    async fn commits_reach_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("checkpoint.db");
        let pool = LitePool::open(
            &format!("sqlite://{}?mode=rwc", path.display()),
            Duration::from_secs(5),
        )
        .unwrap();
        let mut writer = pool.write().await.unwrap();
        writer
            .conn()
            .execute_batch("CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(200000));")
            .unwrap();
        writer.commit().unwrap();
        drop(writer);
        // The commit is in the WAL, far below the writer's own checkpoint size; only the
        // checkpointer copies it into the file.
        let size = || std::fs::metadata(&path).map_or(0, |m| m.len());
        for _ in 0..100 {
            if size() > 200_000 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the database file is still {} bytes", size());
    }
}
