//! A search's count on more than one core (SQLite, decision 0052). SQLite runs a statement
//! on one thread, so a count that walks hundreds of thousands of index entries keeps one core
//! busy while the others wait: `plan = "pro"` walks the 300,000 entries of that value in its
//! attribute index, `name ~ "smi"` every entry of the name index. Such a count is split into
//! ranges of the column the walk is ordered by ([`Compiler::count_slices_by`]), and more read
//! connections count the ranges at once, as long as fewer reads than cores are running. Under
//! load, or on one core, the count is one statement as before.
//!
//! The ranges cover every value of the column, so their counts add up to the whole count.
//! Each range is its own statement, as the page and the count already are: a write that
//! moves a row from one range to another while they run (a renamed contact) can be counted
//! twice or not at all, once.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use sea_query::{Alias, Expr, Order as SqlOrder, Query, SelectStatement, Value, Values};

use super::compile::Compiler;
use super::{bind, build};
use crate::db::{Db, Reach};
use crate::{Backend, StoreError};

/// The column whose ranges split a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SliceBy {
    /// The schema's default order column: an integer, never NULL.
    Order,
    /// A text column that every match has a value in (the query tests a pattern on it).
    Text(&'static str),
}

/// Ranges per connection: a range may hold more rows than another (its bounds are guesses),
/// and a connection that finishes early takes the next one.
const RANGES_PER_READER: usize = 4;
/// Rows read to place the bounds of a text column's ranges, per range.
const SAMPLES_PER_RANGE: usize = 8;

/// Connections one count uses at most: past a few, each adds more bounds to place and
/// statements to start than it saves.
const MAX_READERS_PER_COUNT: usize = 8;

/// The connections one count may use: one per core this process may run on, up to
/// [`MAX_READERS_PER_COUNT`].
fn readers() -> usize {
    static READERS: OnceLock<usize> = OnceLock::new();
    *READERS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, NonZeroUsize::get)
            .min(MAX_READERS_PER_COUNT)
    })
}

/// The number of rows `count` (`SELECT COUNT(*) … WHERE matches`, `built` as SQL) finds,
/// split by `by` across `conn` and more read connections while fewer reads than cores are
/// running.
pub(super) async fn count(
    conn: &mut Db,
    compiler: &Compiler<'_>,
    (count, built): (&SelectStatement, (String, Values)),
    by: Option<SliceBy>,
    per_call: bool,
) -> Result<u64, StoreError> {
    let spare = match by {
        Some(_) if readers() > 1 => conn.spare_readers(readers()),
        _ => Vec::new(),
    };
    let (Some(by), false) = (by, spare.is_empty()) else {
        return count_one(conn, built, per_call, None).await;
    };
    let bounds = bounds(conn, compiler, by, (spare.len() + 1) * RANGES_PER_READER).await?;
    let statements = ranges(compiler, count, by, &bounds);
    if statements.len() < 2 {
        return count_one(conn, built, per_call, None).await;
    }
    count_ranges(conn, spare, statements, per_call).await
}

/// The sum of `statements`' counts, taken in turn by `conn` and by each of `spare` at once,
/// all within the time one read statement on `conn` may take (decision 0047): split, a
/// count may use more cores, not more time.
pub(super) async fn count_ranges(
    conn: &mut Db,
    spare: Vec<Db>,
    statements: Vec<(String, Values)>,
    per_call: bool,
) -> Result<u64, StoreError> {
    let due = conn.read_deadline();
    let statements: Arc<[(String, Values)]> = statements.into();
    let next = Arc::new(AtomicUsize::new(0));
    // Dropped on an early return, the set stops the other readers' counts.
    let mut others = tokio::task::JoinSet::new();
    for mut db in spare {
        let (statements, next) = (Arc::clone(&statements), Arc::clone(&next));
        others.spawn(async move { take_turns(&mut db, &statements, &next, per_call, due).await });
    }
    let mut total = take_turns(conn, &statements, &next, per_call, due).await?;
    while let Some(done) = others.join_next().await {
        total +=
            done.map_err(|e| StoreError::Corrupt(format!("a count's reader failed: {e}")))??;
    }
    Ok(total)
}

/// Counts the next of `statements` not yet taken, until none is left; the sum.
async fn take_turns(
    conn: &mut Db,
    statements: &[(String, Values)],
    next: &AtomicUsize,
    per_call: bool,
    due: Option<Instant>,
) -> Result<u64, StoreError> {
    let mut total = 0;
    while let Some(statement) = statements.get(next.fetch_add(1, Ordering::Relaxed)) {
        total += count_one(conn, statement.clone(), per_call, due).await?;
    }
    Ok(total)
}

pub(super) async fn count_one(
    conn: &mut Db,
    (sql, values): (String, Values),
    per_call: bool,
    due: Option<Instant>,
) -> Result<u64, StoreError> {
    let total: i64 = bind::query(&sql, values)?
        .planned_per_call(per_call)
        .reach(Reach::Scans)
        .due_by(due)
        .fetch_one(conn)
        .await?
        .try_get(0)?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// Up to `ranges - 1` increasing bounds that split the workspace's rows into about `ranges`
/// ranges of `by`'s column. The default order column is split evenly between its least and
/// greatest values (two seeks of its index). A text column is split at the values of rows
/// read at evenly spaced points of the default order, sorted: an estimate of its quantiles,
/// from a few seeks. (A row without a value gives none; a test for one would let SQLite walk
/// the text column's index instead of the order index.)
pub(super) async fn bounds(
    conn: &mut Db,
    compiler: &Compiler<'_>,
    by: SliceBy,
    ranges: usize,
) -> Result<Vec<Value>, StoreError> {
    let order = compiler.schema.default_order.column;
    let (Some(least), Some(greatest)) = (
        extreme(conn, compiler, SqlOrder::Asc).await?,
        extreme(conn, compiler, SqlOrder::Desc).await?,
    ) else {
        return Ok(Vec::new());
    };
    let span = i128::from(greatest) - i128::from(least);
    let at = |i: usize, of: usize| -> i64 {
        let offset = span * i128::try_from(i).unwrap_or(0) / i128::try_from(of).unwrap_or(1);
        i64::try_from(i128::from(least) + offset).unwrap_or(greatest)
    };
    let mut bounds: Vec<Value> = match by {
        SliceBy::Order => (1..ranges).map(|i| Value::from(at(i, ranges))).collect(),
        SliceBy::Text(column) => {
            let samples = ranges * SAMPLES_PER_RANGE;
            let mut values = Vec::with_capacity(samples);
            for i in 0..samples {
                let mut probe = Query::select();
                probe
                    .expr(compiler.column(column))
                    .from(Alias::new(compiler.schema.table))
                    .and_where(Expr::expr(compiler.column("workspace_id")).eq(compiler.workspace))
                    .and_where(Expr::expr(compiler.column(order)).gte(at(i, samples)))
                    .order_by_expr(compiler.column(order), SqlOrder::Asc)
                    .limit(1);
                let (sql, values_bound) = build(&probe, compiler.backend);
                if let Some(row) = bind::query(&sql, values_bound)?
                    .fetch_optional(&mut *conn)
                    .await?
                {
                    values.extend(row.try_get::<Option<String>, _>(0)?);
                }
            }
            values.sort_unstable();
            (1..ranges)
                .filter_map(|i| values.get(i * values.len() / ranges).cloned())
                .map(Value::from)
                .collect()
        }
    };
    bounds.dedup();
    Ok(bounds)
}

/// The least (`Asc`) or greatest (`Desc`) value of the default order column in the
/// workspace: one seek of the order index.
async fn extreme(
    conn: &mut Db,
    compiler: &Compiler<'_>,
    direction: SqlOrder,
) -> Result<Option<i64>, StoreError> {
    let order = compiler.column(compiler.schema.default_order.column);
    let mut seek = Query::select();
    seek.expr(order.clone())
        .from(Alias::new(compiler.schema.table))
        .and_where(Expr::expr(compiler.column("workspace_id")).eq(compiler.workspace))
        .order_by_expr(order, direction)
        .limit(1);
    let (sql, values) = build(&seek, compiler.backend);
    let row = bind::query(&sql, values)?.fetch_optional(conn).await?;
    row.map(|row| row.try_get::<i64, _>(0)).transpose()
}

/// `count` once per range between `bounds`: below the first, from each to the next, and from
/// the last on.
pub(super) fn ranges(
    compiler: &Compiler<'_>,
    count: &SelectStatement,
    by: SliceBy,
    bounds: &[Value],
) -> Vec<(String, Values)> {
    debug_assert_eq!(compiler.backend, Backend::Sqlite);
    let column = compiler.column(match by {
        SliceBy::Order => compiler.schema.default_order.column,
        SliceBy::Text(column) => column,
    });
    let below = std::iter::once(None).chain(bounds.iter().cloned().map(Some));
    let above = bounds
        .iter()
        .cloned()
        .map(Some)
        .chain(std::iter::once(None));
    below
        .zip(above)
        .map(|(from, until)| {
            let mut range = count.clone();
            if let Some(from) = from {
                range.and_where(Expr::expr(column.clone()).gte(from));
            }
            if let Some(until) = until {
                range.and_where(Expr::expr(column.clone()).lt(until));
            }
            build(&range, compiler.backend)
        })
        .collect()
}
