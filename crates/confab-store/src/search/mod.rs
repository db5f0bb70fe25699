//! The search engine's SQL half: a resource's [`SearchSchema`] says where each searchable
//! field lives, [`Scope::search_ids`] compiles a checked query (`confab_domain::search`) with
//! sea-query and runs one page of it, keyset-paged, with its total count. The same code
//! serves SQLite and PostgreSQL; values are always bound, never inlined.

mod attribute_index;
pub(crate) mod bind;
mod compile;
mod slices;

#[cfg(test)]
mod tests;

use confab_domain::paging::{CarriedTotal, CursorRequest, KeyPart, Page};
use confab_domain::record::{Record, Table};
use confab_domain::search::{Lowered, Sort, SortOrder};
use confab_domain::{DomainError, ErrorCode};
use sea_query::{
    Alias, Cond, Condition, Expr, Order as SqlOrder, PostgresQueryBuilder, Query, SelectStatement,
    SimpleExpr, SqliteQueryBuilder,
};

use crate::db::{Reach, Row};
use crate::scope::{Conn, Scope};
use crate::{Backend, StoreError};
use compile::Compiler;

pub use attribute_index::WhenLarge;

/// How a search page finds its rows in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PagePlan {
    /// As the planner likes: for most searches, walking the order index and stopping after
    /// the page, or reading the filter's own index and sorting.
    Planner,
    /// Among these sequences, every match found beforehand: the page sorts them (SQLite
    /// only; see [`FEW_MATCHES`]).
    Among(Vec<i64>),
    /// The query names its few rows by a unique column (`Compiler::names_its_rows`), which
    /// its index finds.
    Named,
}

impl PagePlan {
    /// Whether the page's matches are known to be few, so sorting them whole costs little.
    fn few(&self) -> bool {
        !matches!(self, Self::Planner)
    }
}

/// A text-pattern search (`~`, `!~`, `^`, `$`) on SQLite first looks for this many matches
/// per row of the page; when there are no more, the page sorts those. A pattern fits no
/// index range, so the planner's own choice is to walk the order index testing rows until
/// the page is full. That reads about `contacts / matches` rows per row of the page, each
/// from the table (about 0.9 µs a row): for a rare pattern, every contact (0.4–1.5 s at
/// 1,000,000). Finding every match costs one scan: of `contacts_fulltext_name_cover` for a
/// name (70–85 ms at 1,000,000), of the table otherwise; and it stops early when they are
/// many. The two cost the same near 11 matches per page row, whatever the size of the
/// workspace, since both grow with it (decision 0042).
const FEW_MATCHES: i64 = 12;

/// The sequences of every row of `matches`, if there are at most [`FEW_MATCHES`] per row of
/// `page`; `None` if there are more (the look stops at the first one too many).
async fn few_matches(
    conn: &mut crate::Db,
    compiler: &Compiler<'_>,
    matches: Condition,
    page: &CursorRequest,
) -> Result<Option<Vec<i64>>, StoreError> {
    let few = FEW_MATCHES * page.fetch_limit();
    let mut first = Query::select();
    first
        .expr(compiler.column(compiler.schema.seq_column))
        .from(Alias::new(compiler.schema.table))
        .cond_where(matches)
        .limit(u64::try_from(few + 1).unwrap_or(u64::MAX));
    let (sql, values) = build(&first, compiler.backend);
    let seqs: Vec<i64> = bind::query(&sql, values)?
        .reach(Reach::MayScan)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()?;
    Ok((seqs.len() <= usize::try_from(few).unwrap_or(usize::MAX)).then_some(seqs))
}

/// The statement of one search page: the rows of `matches` after the cursor, in `order`,
/// showing what `shown` names, then the order key and the sequence.
fn page_statement(
    compiler: &Compiler<'_>,
    matches: Condition,
    page: &CursorRequest,
    order: Order,
    shown: Shown<'_>,
    plan: PagePlan,
) -> Result<SelectStatement, StoreError> {
    let (schema, ws) = (compiler.schema, compiler.workspace);
    let table = Alias::new(schema.table);
    let (key, seq) = (
        compiler.column(order.column),
        compiler.column(schema.seq_column),
    );
    let mut select = Query::select();
    select.from(table.clone()).cond_where(matches);
    if let Some(cursor) = &page.after {
        let [k, s] = cursor.int_key::<2>()?;
        let (from_key, past_key, past_seq) = if order.descending {
            (
                Expr::expr(key.clone()).lte(k),
                Expr::expr(key.clone()).lt(k),
                Expr::expr(seq.clone()).lt(s),
            )
        } else {
            (
                Expr::expr(key.clone()).gte(k),
                Expr::expr(key.clone()).gt(k),
                Expr::expr(seq.clone()).gt(s),
            )
        };
        // `from_key` is implied by the `OR` after it; stated alone, it is a range the
        // planner can start an index scan at, where the `OR` left PostgreSQL to scan from
        // the first match and filter out every row before the cursor.
        select.cond_where(
            Cond::all().add(from_key).add(
                Cond::any()
                    .add(past_key)
                    .add(Cond::all().add(Expr::expr(key.clone()).eq(k)).add(past_seq)),
            ),
        );
    }
    let direction = if order.descending {
        SqlOrder::Desc
    } else {
        SqlOrder::Asc
    };
    // The matches found beforehand are read by rowid; SQLite uses no index for an
    // `ORDER BY` term under a unary `+`, so it sorts them rather than walk the order index.
    let sorted = |column: &SimpleExpr| match &plan {
        PagePlan::Planner | PagePlan::Named => column.clone(),
        PagePlan::Among(_) => Expr::cust_with_exprs("+?", [column.clone()]),
    };
    if let PagePlan::Among(seqs) = &plan {
        // One JSON array, so the statement's text is the same for any number of them.
        let listed: Vec<String> = seqs.iter().map(i64::to_string).collect();
        select.and_where(Expr::cust_with_exprs(
            "? IN (SELECT value FROM json_each(?))",
            [
                seq.clone(),
                Expr::val(format!("[{}]", listed.join(","))).into(),
            ],
        ));
    }
    select
        .order_by_expr(sorted(&key), direction.clone())
        .order_by_expr(sorted(&seq), direction.clone())
        .limit(u64::try_from(page.fetch_limit()).unwrap_or(1));
    let select = match shown {
        Shown::Id(id) => {
            select
                .expr(id)
                .expr_as(key, Alias::new("search_key"))
                .expr_as(seq, Alias::new("search_seq"));
            select
        }
        // Few matches are read whole as they are found: a second look by sequence would read
        // each again (on PostgreSQL, a third of an `IN` search's statement time).
        Shown::Record(records) if plan.few() => {
            select
                .expr(Expr::cust(crate::records::select_list(records)))
                .expr_as(key, Alias::new("search_key"))
                .expr_as(seq, Alias::new("search_seq"));
            select
        }
        // Otherwise the page is chosen by sequence alone, then only its rows are read whole:
        // a sort of every match must not carry whole rows (a tag of 50,000 contacts).
        Shown::Record(records) => {
            select.expr(seq.clone());
            let mut whole = Query::select();
            whole
                .expr(Expr::cust(crate::records::select_list(records)))
                .expr_as(key.clone(), Alias::new("search_key"))
                .expr_as(seq.clone(), Alias::new("search_seq"))
                .from(table)
                .and_where(Expr::expr(compiler.column("workspace_id")).eq(ws))
                .and_where(Expr::expr(seq.clone()).in_subquery(select))
                .order_by_expr(key, direction.clone())
                .order_by_expr(seq, direction);
            whole
        }
    };
    Ok(select)
}

/// `SELECT COUNT(*)` of `schema`'s rows that pass `matches`.
fn count_of(schema: &SearchSchema, matches: Condition) -> SelectStatement {
    let mut count = Query::select();
    count
        .expr(Expr::cust("COUNT(*)"))
        .from(Alias::new(schema.table))
        .cond_where(matches);
    count
}

/// The sum of the `SELECT COUNT(*)` of each of `parts`, in one statement.
fn sum_of_counts(schema: &SearchSchema, parts: [Condition; 2]) -> SelectStatement {
    let [first, second] = parts.map(|part| {
        SimpleExpr::SubQuery(
            None,
            Box::new(count_of(schema, part).into_sub_query_statement()),
        )
    });
    let mut sum = Query::select();
    sum.expr(Expr::expr(first).add(second));
    sum
}

/// What each row of a search page shows.
enum Shown<'t> {
    /// The public id column.
    Id(SimpleExpr),
    /// The whole record of this table.
    Record(&'t Table),
}

/// Where a searchable field's value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A column of the resource's table.
    Column(&'static str),
    /// A TEXT column holding a JSON object; the field's attribute name is the key.
    CustomAttribute(&'static str),
    /// Rows of the `links` table with this relation, `left_id` = the row's id and
    /// `right_id` = the value (e.g. `contact_tag` for a contact's `tag_id`).
    Link { relation: &'static str },
    /// A segment, named by id: the API replaces such a filter with the segment's stored
    /// query (`Lowered::Within`) before compiling, so the compiler never meets one.
    Segment,
    /// Rows of `table` that belong to the searched row (`owner` holds its id) and pass
    /// `only`; the field's values are their `value` column (e.g. the admins who wrote a
    /// conversation's parts). `only` is static SQL over the alias [`RELATED`].
    Related {
        table: &'static str,
        owner: &'static str,
        value: &'static str,
        only: &'static str,
    },
    /// One key of a TEXT column holding a JSON object, read as the field's type.
    JsonKey {
        column: &'static str,
        key: &'static str,
    },
    /// A scalar SQL expression computed from the searched row: static text, valid on both
    /// backends, naming the row's columns as `table.column` (e.g. a subquery on another
    /// table, or a `CASE`). Never holds a request's values.
    Computed(&'static str),
}

/// The alias of a [`Target::Related`] table inside its subquery.
pub const RELATED: &str = "search_related";

/// A sort a search can use: the searched table's integer column (NOT NULL, so a keyset
/// cursor can hold it) and the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub column: &'static str,
    pub descending: bool,
}

/// How a resource is searched: its table and where each searchable field lives. The names
/// are the public ones of the domain's field table; the custom attribute prefix (e.g.
/// `custom_attributes`) maps to a [`Target::CustomAttribute`].
#[derive(Debug, Clone, Copy)]
pub struct SearchSchema {
    pub table: &'static str,
    /// The public id column (`links.left_id` refers to it).
    pub id_column: &'static str,
    /// A unique, increasing integer column that breaks ties in the order.
    pub seq_column: &'static str,
    pub fields: &'static [(&'static str, Target)],
    /// Fields a `sort` may name, with their columns.
    pub sortable: &'static [(&'static str, &'static str)],
    /// The order when the request names none.
    pub default_order: Order,
    /// Columns each custom attribute's index carries after the default order: those of the
    /// resource's base filter and those searches most often combine with an attribute, so
    /// that such a search is answered from the index alone.
    pub covered_columns: &'static [&'static str],
    /// Columns besides `id_column` whose values no two rows of a workspace share: an `=` or
    /// `IN` on one finds at most about as many rows as it names, so its page reads them
    /// whole in one statement ([`PagePlan::Named`]).
    pub unique_columns: &'static [&'static str],
    /// Whether each declared custom attribute has an index ordered by the default order
    /// ([`crate::Store::index_custom_attribute`]): then the count of an `=` or `IN` on one
    /// splits into ranges of that order ([`slices`]).
    pub attribute_indexes: bool,
    /// Text columns with an index of every row ordered by the column that a pattern test
    /// on it (`~`, `^`, `$`) walks on SQLite (contacts: `name`, through
    /// `contacts_fulltext_name_cover`, decision 0042): the count of such a search splits
    /// into ranges of the column ([`slices`]).
    pub pattern_index_columns: &'static [&'static str],
    /// On PostgreSQL, stored copies of text columns folded when written, as `(column,
    /// copy)`: case-insensitive tests read the copy instead of `LOWER(column)`, which
    /// costs about 150 ns a row under a UTF-8 locale (migration 0019, decision 0043). SQLite
    /// has none: its `LIKE` ignores ASCII case itself, and its `LOWER` folds only ASCII.
    pub folded_copies: &'static [(&'static str, &'static str)],
    /// Columns besides the default order that searches test as ranges beside an attribute
    /// (contacts: `last_seen_at`). On PostgreSQL each attribute's value column gets a
    /// second index led by the value and then each of these, so that a count of `A AND
    /// (<order range> OR <such a range>)` is two ranges of index entries
    /// (`Compiler::count_parts`, decision 0053).
    pub attribute_range_columns: &'static [&'static str],
}

impl SearchSchema {
    /// The order a request's optional `sort` asks for.
    pub fn order(&self, sort: Option<&Sort>) -> Result<Order, DomainError> {
        let Some(sort) = sort else {
            return Ok(self.default_order);
        };
        let column = self
            .sortable
            .iter()
            .find(|(field, _)| *field == sort.field)
            .map(|(_, column)| *column)
            .ok_or_else(|| {
                DomainError::with_message(
                    ErrorCode::ParameterInvalid,
                    format!("{} is not a sortable field", sort.field),
                )
                .field("sort")
            })?;
        Ok(Order {
            column,
            descending: sort.order == SortOrder::Descending,
        })
    }
}

/// A condition the caller always adds (e.g. merged contacts are never found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseFilter {
    IsNull(&'static str),
    NotNull(&'static str),
    IntEq(&'static str, i64),
    TextEq(&'static str, String),
    /// `column <> value` (NULLs pass).
    TextNe(&'static str, String),
    /// `column IN (values…)`; an empty list matches nothing.
    TextIn(&'static str, Vec<String>),
    /// Every one of these (none: no condition).
    All(Vec<BaseFilter>),
    /// At least one of these (none: nothing matches).
    Any(Vec<BaseFilter>),
    /// The row is the right side of at least one link of this relation (e.g. a company with
    /// a contact).
    LinkedFrom(&'static str),
}

impl BaseFilter {
    /// No extra condition.
    pub fn none() -> Self {
        Self::All(Vec::new())
    }

    fn condition(&self, c: &Compiler<'_>) -> Condition {
        let cond = Cond::all();
        match self {
            Self::IsNull(column) => cond.add(Expr::expr(c.column(column)).is_null()),
            Self::NotNull(column) => cond.add(Expr::expr(c.column(column)).is_not_null()),
            Self::IntEq(column, v) => cond.add(Expr::expr(c.column(column)).eq(*v)),
            Self::TextEq(column, v) => cond.add(Expr::expr(c.column(column)).eq(v.clone())),
            Self::TextIn(_, values) if values.is_empty() => cond.add(Expr::cust("1 = 0")),
            Self::TextIn(column, values) => {
                cond.add(Expr::expr(c.column(column)).is_in(values.iter().cloned()))
            }
            Self::TextNe(column, v) => cond.add(
                Cond::any()
                    .add(Expr::expr(c.column(column)).is_null())
                    .add(Expr::expr(c.column(column)).ne(v.clone())),
            ),
            Self::All(all) => all.iter().fold(cond, |acc, f| acc.add(f.condition(c))),
            Self::Any(any) if any.is_empty() => cond.add(Expr::cust("1 = 0")),
            Self::Any(any) => cond.add(
                any.iter()
                    .fold(Cond::any(), |acc, f| acc.add(f.condition(c))),
            ),
            Self::LinkedFrom(relation) => cond.add(Expr::exists(c.links_to(relation))),
        }
    }
}

/// The condition `query` stands for on `schema`'s rows (columns written `table.column`), for
/// store queries that select and page those rows their own way.
pub(crate) fn condition_of(
    conn: &crate::Db,
    workspace: &str,
    schema: &SearchSchema,
    query: &Lowered,
) -> Result<Condition, DomainError> {
    let compiler = Compiler {
        backend: backend_of(conn),
        schema,
        workspace,
        value_columns: &[],
    };
    compiler.condition(query)
}

pub(crate) fn backend_of(conn: &crate::Db) -> Backend {
    conn.backend()
}

pub(crate) fn build(statement: &SelectStatement, backend: Backend) -> (String, sea_query::Values) {
    match backend {
        Backend::Sqlite => statement.build(SqliteQueryBuilder),
        Backend::Postgres => statement.build(PostgresQueryBuilder),
    }
}

/// A stable 64-bit FNV-1a hash of a statement and its values: the same query in the same
/// workspace, with the same base filter, gives the same fingerprint across requests and
/// processes and builds (`std`'s hashers promise no stability across releases).
fn fingerprint(sql: &str, values: &sea_query::Values) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so adjacent parts cannot run into each other.
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    feed(sql.as_bytes());
    for value in values.iter() {
        feed(format!("{value:?}").as_bytes());
    }
    hash
}

impl<C: Conn> Scope<C> {
    /// One page of the ids of `schema`'s rows that match `query` and `base`, in `order`
    /// (ties broken by the sequence column), after `page`'s cursor; with the total number of
    /// matches.
    pub async fn search_ids(
        &mut self,
        schema: &SearchSchema,
        query: &Lowered,
        base: &BaseFilter,
        page: &CursorRequest,
        order: Order,
    ) -> Result<Page<String>, StoreError> {
        let id = Expr::col((Alias::new(schema.table), Alias::new(schema.id_column)));
        self.search_rows(
            schema,
            query,
            base,
            page,
            order,
            Shown::Id(id.into()),
            |mut row| Ok(row.take_text(0)?.unwrap_or_default()),
        )
        .await
    }

    /// [`Self::search_ids`], with each match read whole as a record of `table` (the table
    /// `schema` searches) by the same statement that finds it.
    pub async fn search_records(
        &mut self,
        table: &Table,
        schema: &SearchSchema,
        query: &Lowered,
        base: &BaseFilter,
        page: &CursorRequest,
        order: Order,
    ) -> Result<Page<Record>, StoreError> {
        if table.name != schema.table {
            return Err(StoreError::Corrupt(format!(
                "{} records searched with the schema of {}",
                table.name, schema.table
            )));
        }
        self.search_rows(
            schema,
            query,
            base,
            page,
            order,
            Shown::Record(table),
            |row| crate::records::record_from_row(table, row),
        )
        .await
    }

    /// One page of matches, each row showing what `shown` names (then the order key and the
    /// sequence) and read by `read`.
    #[allow(clippy::too_many_arguments)]
    async fn search_rows<T>(
        &mut self,
        schema: &SearchSchema,
        query: &Lowered,
        base: &BaseFilter,
        page: &CursorRequest,
        order: Order,
        shown: Shown<'_>,
        read: impl Fn(Row) -> Result<T, StoreError>,
    ) -> Result<Page<T>, StoreError> {
        let (ws, conn) = self.parts();
        let mut compiler = Compiler {
            backend: backend_of(conn),
            schema,
            workspace: ws,
            value_columns: &[],
        };
        // The value columns the query would read that the table has (decision 0053).
        let wanted = compiler.wanted_value_columns(query);
        let value_columns = if wanted.is_empty() {
            wanted
        } else {
            let mut present = attribute_index::value_columns_of(conn, schema.table).await?;
            present.retain(|column| wanted.contains(column));
            present
        };
        compiler.value_columns = &value_columns;
        let per_call = compiler.values_decide_plan(query);
        let matches = compiler.matches(query, base)?;
        let count = match compiler.count_parts(query, base)? {
            Some(parts) => sum_of_counts(schema, parts),
            None => count_of(schema, matches.clone()),
        };
        let (count_sql, count_values) = build(&count, compiler.backend);
        tracing::trace!(sql = %count_sql, values = ?count_values, "search count");
        let fingerprint = fingerprint(&count_sql, &count_values);
        let carried = page
            .after
            .as_ref()
            .and_then(|cursor| cursor.total)
            .filter(|total| total.query == fingerprint)
            .map(|total| total.count);

        // A text pattern on SQLite first looks for its matches, up to a few per page row:
        // when that finds them all, the page sorts them and they are the count.
        let plan = if compiler.names_its_rows(query) {
            PagePlan::Named
        } else if compiler.backend == Backend::Sqlite && compiler.has_text_pattern(query) {
            few_matches(conn, &compiler, matches.clone(), page)
                .await?
                .map_or(PagePlan::Planner, PagePlan::Among)
        } else {
            PagePlan::Planner
        };
        let found_all = match &plan {
            PagePlan::Among(seqs) => Some(seqs.len() as u64),
            PagePlan::Planner | PagePlan::Named => None,
        };
        let select = page_statement(&compiler, matches, page, order, shown, plan)?;
        let (sql, values) = build(&select, compiler.backend);
        tracing::trace!(sql = %sql, values = ?values, "search page");
        let rows = bind::query(&sql, values)?
            .planned_per_call(per_call)
            .reach(Reach::MayScan)
            .fetch_all(&mut *conn)
            .await?;
        let rows = rows
            .into_iter()
            .map(|row| {
                let key = row.try_get::<i64, _>("search_key")?;
                let seq = row.try_get::<i64, _>("search_seq")?;
                Ok((read(row)?, key, seq))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // A carried count below the rows returned so far is stale or forged: count again.
        let kept = rows.len().min(page.per_page as usize) as u64;
        let seen = u64::from(page.page().saturating_sub(1)) * u64::from(page.per_page) + kept;
        // A first page that holds every match is its own count.
        let whole = page.after.is_none() && rows.len() <= page.per_page as usize;
        let total = match carried.filter(|count| *count >= seen).or(found_all) {
            Some(count) => count,
            None if whole => kept,
            None => {
                let by = compiler.count_slices_by(query);
                let built = (count_sql, count_values);
                slices::count(conn, &compiler, (&count, built), by, per_call).await?
            }
        };
        let mut found = Page::from_overfetch(rows, page, total, |r| {
            vec![KeyPart::Int(r.1), KeyPart::Int(r.2)]
        });
        if let Some(next) = &mut found.next {
            next.total = Some(CarriedTotal {
                count: total,
                query: fingerprint,
            });
        }
        Ok(found.map(|(item, _, _)| item))
    }
}
