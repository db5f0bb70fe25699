//! The one way the store runs a statement, on either backend.
//!
//! PostgreSQL statements go through sqlx's PostgreSQL driver. SQLite statements run on rusqlite
//! connections in the calling task: an indexed statement takes microseconds, far less than
//! handing it to another thread and waking the task for the answer, which is what sqlx's
//! SQLite driver does for every statement (decision 0020).
//!
//! Call sites read like sqlx's: `query(sql).bind(a).fetch_all(&mut db)`, with `$n`
//! placeholders, which both backends accept.

pub(crate) mod lite;

pub(crate) use lite::Reach;

use std::marker::PhantomData;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgArguments, PgRow, PgValueRef};
use sqlx::{PgConnection, Postgres, Transaction, TypeInfo, ValueRef};

use crate::sql::Arg;
use crate::StoreError;

/// A connection to run statements on: a pooled one (reads) or one inside a transaction.
pub struct Db(Inner);

enum Inner {
    Lite(lite::Lease),
    LiteTx(lite::Writer),
    Pg(PoolConnection<Postgres>),
    /// `None` once committed or rolled back; the owning scope is consumed by then.
    PgTx(Option<Transaction<'static, Postgres>>),
}

/// Where a statement goes.
enum Target<'a> {
    /// `&mut` although SQLite needs only `&`: a shared reference to a connection is not
    /// `Send`, and the futures that hold this must be. A read carries the time its statement
    /// must stop at; the writer's statements run to the end.
    Lite(&'a mut rusqlite::Connection, Option<std::time::Instant>),
    Pg(&'a mut PgConnection),
}

impl Db {
    pub(crate) fn lite(lease: lite::Lease) -> Self {
        Self(Inner::Lite(lease))
    }

    pub(crate) fn lite_tx(writer: lite::Writer) -> Self {
        Self(Inner::LiteTx(writer))
    }

    pub(crate) fn pg(conn: PoolConnection<Postgres>) -> Self {
        Self(Inner::Pg(conn))
    }

    pub(crate) fn pg_tx(tx: Transaction<'static, Postgres>) -> Self {
        Self(Inner::PgTx(Some(tx)))
    }

    pub(crate) fn backend(&self) -> crate::Backend {
        match self.0 {
            Inner::Lite(_) | Inner::LiteTx(_) => crate::Backend::Sqlite,
            Inner::Pg(_) | Inner::PgTx(_) => crate::Backend::Postgres,
        }
    }

    /// More read connections to the same database, for work split across them, while
    /// fewer than `busy` reads are in use in the process, this one included (SQLite; none
    /// otherwise: PostgreSQL splits a scan among its own parallel workers).
    pub(crate) fn spare_readers(&self, busy: usize) -> Vec<Db> {
        let Inner::Lite(lease) = &self.0 else {
            return Vec::new();
        };
        std::iter::from_fn(|| lease.spare(busy))
            .map(Db::lite)
            .collect()
    }

    /// When a read statement started now on this connection must stop (SQLite reads; none
    /// otherwise).
    pub(crate) fn read_deadline(&self) -> Option<std::time::Instant> {
        match &self.0 {
            Inner::Lite(lease) => Some(lease.deadline()),
            _ => None,
        }
    }

    fn target(&mut self) -> Result<Target<'_>, StoreError> {
        Ok(match &mut self.0 {
            Inner::Lite(lease) => {
                let deadline = lease.deadline();
                Target::Lite(lease.conn(), Some(deadline))
            }
            Inner::LiteTx(writer) => Target::Lite(writer.conn(), None),
            Inner::Pg(conn) => Target::Pg(conn),
            Inner::PgTx(Some(tx)) => Target::Pg(tx),
            Inner::PgTx(None) => {
                return Err(StoreError::Corrupt(
                    "a finished transaction was used again".into(),
                ))
            }
        })
    }

    /// Makes the transaction's writes durable and visible; a no-op outside a transaction.
    pub(crate) async fn commit(&mut self) -> Result<(), StoreError> {
        match &mut self.0 {
            Inner::LiteTx(writer) => writer.commit(),
            Inner::PgTx(tx) => match tx.take() {
                Some(tx) => Ok(tx.commit().await?),
                None => Ok(()),
            },
            Inner::Lite(_) | Inner::Pg(_) => Ok(()),
        }
    }

    /// Undoes the transaction's writes; a no-op outside a transaction.
    pub(crate) async fn rollback(&mut self) -> Result<(), StoreError> {
        match &mut self.0 {
            Inner::LiteTx(writer) => writer.rollback(),
            Inner::PgTx(tx) => match tx.take() {
                Some(tx) => Ok(tx.rollback().await?),
                None => Ok(()),
            },
            Inner::Lite(_) | Inner::Pg(_) => Ok(()),
        }
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // SQLite's writer rolls back in its own `Drop`. A PostgreSQL transaction dropped
        // without a commit is rolled back now rather than when its connection is next used.
        let Inner::PgTx(tx) = &mut self.0 else {
            return;
        };
        let Some(tx) = tx.take() else {
            return;
        };
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(err) = tx.rollback().await {
                    tracing::warn!(error = %err, "rolling back a dropped write failed");
                }
            });
        }
    }
}

/// One result row.
pub(crate) enum Row {
    Lite(lite::LiteRow),
    Pg(PgRow),
}

/// A column, by position or by name.
pub(crate) trait RowIndex: Copy + std::fmt::Display + sqlx::ColumnIndex<PgRow> {
    fn position(self, row: &lite::LiteRow) -> Option<usize>;
}

impl RowIndex for usize {
    fn position(self, row: &lite::LiteRow) -> Option<usize> {
        (self < row.len()).then_some(self)
    }
}

impl RowIndex for &str {
    fn position(self, row: &lite::LiteRow) -> Option<usize> {
        row.position(self)
    }
}

/// A Rust type a column decodes to on both backends.
///
/// On PostgreSQL an integer of any width reads as `i64` and a float of any width as `f64`:
/// SQLite has one integer and one float type, and expressions such as `CASE … THEN 1` are
/// `integer` (32 bits) on PostgreSQL, so the strict width check of sqlx's own decoding would
/// reject on one backend what the other accepts.
pub(crate) trait Decode: Sized + rusqlite::types::FromSql {
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError>;
}

impl Decode for i64 {
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError> {
        match pg_type(&value) {
            PgNumber::Int2 => <i16 as sqlx::Decode<Postgres>>::decode(value).map(i64::from),
            PgNumber::Int4 => <i32 as sqlx::Decode<Postgres>>::decode(value).map(i64::from),
            PgNumber::Int8 => <i64 as sqlx::Decode<Postgres>>::decode(value),
            _ => Err(format!("a {} column is not an integer", value.type_info()).into()),
        }
    }
}

impl Decode for f64 {
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError> {
        match pg_type(&value) {
            PgNumber::Float4 => <f32 as sqlx::Decode<Postgres>>::decode(value).map(f64::from),
            PgNumber::Float8 => <f64 as sqlx::Decode<Postgres>>::decode(value),
            // An integer column read as a float, as SQLite converts it.
            #[allow(clippy::cast_precision_loss)]
            _ => i64::from_pg(value).map(|i| i as f64),
        }
    }
}

/// The numeric types [`Decode`] reads on PostgreSQL.
enum PgNumber {
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Other,
}

fn pg_type(value: &PgValueRef<'_>) -> PgNumber {
    match value.type_info().name() {
        "INT2" => PgNumber::Int2,
        "INT4" => PgNumber::Int4,
        "INT8" => PgNumber::Int8,
        "FLOAT4" => PgNumber::Float4,
        "FLOAT8" => PgNumber::Float8,
        _ => PgNumber::Other,
    }
}

impl Decode for String {
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError> {
        <String as sqlx::Decode<Postgres>>::decode(value)
    }
}

impl<T: Decode> Decode for Option<T> {
    fn from_pg(value: PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError> {
        if value.is_null() {
            Ok(None)
        } else {
            T::from_pg(value).map(Some)
        }
    }
}

impl Row {
    /// The value of column `index` as a `T`.
    pub(crate) fn try_get<T: Decode, I: RowIndex>(&self, index: I) -> Result<T, StoreError> {
        match self {
            Row::Pg(row) => {
                let value = sqlx::Row::try_get_raw(row, index)?;
                T::from_pg(value).map_err(|e| {
                    StoreError::Corrupt(format!("column {index} does not decode: {e}"))
                })
            }
            Row::Lite(row) => {
                let position = index.position(row).ok_or_else(|| {
                    StoreError::Corrupt(format!("the result has no column {index}"))
                })?;
                row.decode(position).map_err(|e| {
                    StoreError::Corrupt(format!("column {index} does not decode: {e}"))
                })
            }
        }
    }
}

impl Row {
    /// Column `position` as text, moved out of the row where the backend holds it owned.
    pub(crate) fn take_text(&mut self, position: usize) -> Result<Option<String>, StoreError> {
        match self {
            Row::Pg(_) => self.try_get(position),
            Row::Lite(row) if position >= row.len() => Err(StoreError::Corrupt(format!(
                "the result has no column {position}"
            ))),
            Row::Lite(row) => row.take_text(position).map_err(|e| {
                StoreError::Corrupt(format!("column {position} does not decode: {e}"))
            }),
        }
    }
}

/// A whole row decoded at once, for [`query_as`].
pub(crate) trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, StoreError>;
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Decode),+> FromRow for ($($t,)+) {
            fn from_row(row: &Row) -> Result<Self, StoreError> {
                Ok(($(row.try_get::<$t, usize>($i)?,)+))
            }
        }
    };
}

tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);

/// A statement and its bound arguments.
pub(crate) struct Query<'q> {
    sql: &'q str,
    args: Vec<Arg>,
    /// PostgreSQL plans the statement for each call's values instead of caching a plan.
    planned_per_call: bool,
    /// How much of a table it may read ([`Query::reach`]).
    reach: lite::Reach,
    /// When it must stop at the latest, if sooner than its connection's limit
    /// ([`Query::due_by`]).
    due: Option<std::time::Instant>,
}

/// A statement without rows to return: what it changed.
pub(crate) struct Done {
    rows_affected: u64,
}

impl Done {
    pub(crate) fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// `sql`, to bind arguments to and run.
pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
        planned_per_call: false,
        reach: lite::Reach::Narrow,
        due: None,
    }
}

/// `sql` whose rows are read as their first column.
pub(crate) fn query_scalar<T: Decode>(sql: &str) -> Typed<'_, Scalar<T>> {
    Typed {
        query: query(sql),
        shape: PhantomData,
    }
}

/// `sql` whose rows are read as tuples.
pub(crate) fn query_as<T: FromRow>(sql: &str) -> Typed<'_, T> {
    Typed {
        query: query(sql),
        shape: PhantomData,
    }
}

impl<'q> Query<'q> {
    pub(crate) fn with_args(sql: &'q str, args: Vec<Arg>) -> Self {
        Self {
            sql,
            args,
            planned_per_call: false,
            reach: lite::Reach::Narrow,
            due: None,
        }
    }

    /// Whether PostgreSQL plans this statement for each call's values. A prepared statement
    /// gets a generic plan after its fifth run, chosen without the values; for some searches
    /// that plan is several times slower than the one their values call for (decision 0040).
    pub(crate) fn planned_per_call(mut self, per_call: bool) -> Self {
        self.planned_per_call = per_call;
        self
    }

    /// How much of a table this statement may read: on SQLite, a search's statements then
    /// run without holding up the other tasks of their runtime thread (decision 0047).
    pub(crate) fn reach(mut self, reach: lite::Reach) -> Self {
        self.reach = reach;
        self
    }

    /// Stops this SQLite read by `due` if its connection's time limit would let it run
    /// longer: one of several statements that make up one read within that limit.
    pub(crate) fn due_by(mut self, due: Option<std::time::Instant>) -> Self {
        self.due = due;
        self
    }

    /// The sooner of the connection's `deadline` and [`Query::due_by`]'s.
    fn until(&self, deadline: Option<std::time::Instant>) -> Option<std::time::Instant> {
        deadline.map(|limit| self.due.map_or(limit, |due| due.min(limit)))
    }

    pub(crate) fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    fn pg(&self) -> sqlx::query::Query<'q, Postgres, PgArguments> {
        // An unnamed statement is planned at each bind, with its values.
        let mut query = sqlx::query(self.sql).persistent(!self.planned_per_call);
        for arg in &self.args {
            query = match arg {
                Arg::Text(v) => query.bind(v.clone()),
                Arg::Int(v) => query.bind(*v),
                Arg::Float(v) => query.bind(*v),
            };
        }
        query
    }

    pub(crate) async fn fetch_all(self, db: &mut Db) -> Result<Vec<Row>, StoreError> {
        match db.target()? {
            Target::Lite(conn, deadline) => {
                Ok(lite::run(conn, self.reach, self.until(deadline), |c| {
                    lite::fetch(c, self.sql, &self.args, usize::MAX)
                })?
                .into_iter()
                .map(Row::Lite)
                .collect())
            }
            Target::Pg(conn) => Ok(self
                .pg()
                .fetch_all(conn)
                .await?
                .into_iter()
                .map(Row::Pg)
                .collect()),
        }
    }

    pub(crate) async fn fetch_optional(self, db: &mut Db) -> Result<Option<Row>, StoreError> {
        match db.target()? {
            Target::Lite(conn, deadline) => {
                Ok(lite::run(conn, self.reach, self.until(deadline), |c| {
                    lite::fetch(c, self.sql, &self.args, 1)
                })?
                .into_iter()
                .next()
                .map(Row::Lite))
            }
            Target::Pg(conn) => Ok(self.pg().fetch_optional(conn).await?.map(Row::Pg)),
        }
    }

    pub(crate) async fn fetch_one(self, db: &mut Db) -> Result<Row, StoreError> {
        self.fetch_optional(db)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }

    pub(crate) async fn execute(self, db: &mut Db) -> Result<Done, StoreError> {
        let rows_affected = match db.target()? {
            Target::Lite(conn, deadline) => {
                lite::run(conn, self.reach, self.until(deadline), |c| {
                    lite::execute(c, self.sql, &self.args)
                })?
            }
            Target::Pg(conn) => self.pg().execute(conn).await?.rows_affected(),
        };
        Ok(Done { rows_affected })
    }
}

/// The first column of a row, as a `T`.
pub(crate) struct Scalar<T>(PhantomData<T>);

/// How a [`Typed`] query reads each row.
pub(crate) trait Shape {
    type Out;
    fn read(row: &Row) -> Result<Self::Out, StoreError>;
}

impl<T: Decode> Shape for Scalar<T> {
    type Out = T;
    fn read(row: &Row) -> Result<T, StoreError> {
        row.try_get(0usize)
    }
}

impl<T: FromRow> Shape for T {
    type Out = T;
    fn read(row: &Row) -> Result<T, StoreError> {
        T::from_row(row)
    }
}

/// A query whose rows are decoded by `S`.
pub(crate) struct Typed<'q, S> {
    query: Query<'q>,
    shape: PhantomData<S>,
}

impl<'q, S: Shape> Typed<'q, S> {
    pub(crate) fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub(crate) async fn fetch_all(self, db: &mut Db) -> Result<Vec<S::Out>, StoreError> {
        self.query
            .fetch_all(db)
            .await?
            .iter()
            .map(S::read)
            .collect()
    }

    pub(crate) async fn fetch_optional(self, db: &mut Db) -> Result<Option<S::Out>, StoreError> {
        self.query
            .fetch_optional(db)
            .await?
            .as_ref()
            .map(S::read)
            .transpose()
    }

    pub(crate) async fn fetch_one(self, db: &mut Db) -> Result<S::Out, StoreError> {
        S::read(&self.query.fetch_one(db).await?)
    }
}
