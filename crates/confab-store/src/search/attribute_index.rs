//! What serves searches on declared custom attributes: one ordered index per attribute name
//! and type (decision 0033), built concurrently on PostgreSQL (0044) and there on a plain
//! column that holds the attribute's value (0053).

use std::time::Duration;

use confab_domain::search::FieldType;

use super::{compile, fingerprint, SearchSchema, Target};
use crate::{Backend, StoreError};

/// At most this many value columns per table. PostgreSQL allows a table 1,600 columns,
/// dropped ones included; past this share of them, attributes are indexed by expression.
const MAX_VALUE_COLUMNS: usize = 400;

/// How long adding value columns waits for the table's lock before giving up until the
/// next try: while it waits, every statement on the table queues behind it.
const LOCK_WAIT: Duration = Duration::from_secs(2);

/// A table up to this size (`pg_table_size`) is rewritten to add value columns whenever an
/// attribute needs one: a few seconds. A larger one only when its owner says so
/// ([`WhenLarge::Rewrite`], `confab migrate`), since the rewrite locks the table whole for
/// as long as it takes (44 s for ten attributes at 1,000,000 contacts).
const SMALL_TABLE_BYTES: i64 = 64 << 20;

/// What adding value columns does with a table larger than [`SMALL_TABLE_BYTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenLarge {
    /// Leave it: its attributes are searched by expression until a rewrite is asked for.
    Skip,
    /// Rewrite it anyway, locking it for the rewrite.
    Rewrite,
}

/// The JSON column holding `schema`'s custom attributes, if it has them.
fn custom_attribute_json(schema: &SearchSchema) -> Option<&'static str> {
    schema.fields.iter().find_map(|(_, target)| match target {
        Target::CustomAttribute(column) => Some(*column),
        _ => None,
    })
}

/// The compiler's typed expression of `name` read as `ty` from `json`'s search copy,
/// folded for strings as searches fold them, and a stable hash of it that names the
/// attribute's index and value column. `None` for a name that cannot be a literal.
fn indexed_value(
    backend: Backend,
    json: &'static str,
    name: &str,
    ty: FieldType,
) -> Option<(String, u64)> {
    let column = format!("\"{}\"", compile::attribute_column(backend, json));
    let value = compile::attribute_sql(backend, &column, name, ty)?;
    let value = fold(value, ty);
    let hash = fingerprint(&value, &sea_query::Values(Vec::new()));
    Some((value, hash))
}

fn fold(value: String, ty: FieldType) -> String {
    if ty == FieldType::String {
        format!("LOWER({value})")
    } else {
        value
    }
}

/// The plain column PostgreSQL keeps of the custom attribute `name` read as `ty` from
/// `json`, already folded; SQLite has none. Searches read it where the table has it
/// ([`super::Scope`] asks the catalog).
pub(super) fn value_column(
    backend: Backend,
    json: &'static str,
    name: &str,
    ty: FieldType,
) -> Option<String> {
    if backend != Backend::Postgres {
        return None;
    }
    let (_, hash) = indexed_value(backend, json, name, ty)?;
    Some(format!("{json}_{hash:016x}_value"))
}

/// The value columns `table` has (PostgreSQL). Searches ask at each search that reads an
/// attribute, so a column another process added is read at once.
pub(super) async fn value_columns_of(
    conn: &mut crate::Db,
    table: &str,
) -> Result<Vec<String>, StoreError> {
    crate::db::query_scalar::<String>(
        "SELECT attname::text FROM pg_attribute \
         WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped \
         AND attname LIKE '%\\_value'",
    )
    .bind(format!("\"{table}\""))
    .fetch_all(conn)
    .await
}

/// A value column's type and its generated expression: the value the compiler's
/// expression for `ty` gives (`compile::attribute_sql`: NULL where the attribute is missing
/// or of another JSON type), folded for strings. It is written differently, so that a row's
/// JSON is parsed once per column, where the compiler's form parses it twice: a generated
/// column cannot read the jsonb copy, which is itself generated. With ten attributes that
/// halves what the columns add to a write (about 45 µs a row → 25 µs).
fn value_definition(json: &str, name: &str, ty: FieldType) -> (&'static str, String) {
    // The text as jsonb, or NULL where it holds the escape `\u0000`, which jsonb cannot
    // store (as migration 0016's copies do).
    let document =
        format!("(CASE WHEN strpos(\"{json}\", '\\u0000') = 0 THEN \"{json}\"::jsonb END)");
    let (json_type, sql_type) = match ty {
        FieldType::String => ("string", "text"),
        FieldType::Boolean => ("boolean", "integer"),
        _ => ("number", "numeric"),
    };
    // A strict path, so an array is not searched for an element of the type; silent, so a
    // missing key is no match rather than an error. Search refuses names holding `"` or
    // `\`; they are escaped all the same, so no name can make the path malformed.
    let key = name.replace('\\', "\\\\").replace('"', "\\\"");
    let path = format!("strict $.\"{key}\" ? (@.type() == \"{json_type}\")").replace('\'', "''");
    let found = format!("jsonb_path_query_first({document}, '{path}', '{{}}', true)");
    let value = match ty {
        FieldType::String => format!("LOWER({found} #>> '{{}}')"),
        FieldType::Boolean => format!("CASE {found} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END"),
        _ => format!("({found} #>> '{{}}')::numeric"),
    };
    (sql_type, value)
}

impl crate::Store {
    /// Creates, if missing, the index that serves search on the custom attribute `name` read
    /// as `ty` in `schema`'s table: `(workspace_id, <value>, <default order>, <seq>, <covered
    /// columns>)`, where the value is the compiler's expression, folded for strings as the
    /// compiler folds them (decision 0009's index plan), or on PostgreSQL the attribute's
    /// value column. One index per attribute name and type serves every workspace. It is
    /// physical only: the caller runs it after committing the attribute, and search answers
    /// the same without it. A schema without custom attributes, or a name that cannot be a
    /// literal, gets none.
    pub async fn index_custom_attribute(
        &self,
        schema: &SearchSchema,
        name: &str,
        ty: FieldType,
    ) -> Result<(), StoreError> {
        let Some(json) = custom_attribute_json(schema) else {
            return Ok(());
        };
        let Some((value, hash)) = indexed_value(self.backend(), json, name, ty) else {
            return Ok(());
        };
        let index = format!("{}_attribute_{hash:016x}", schema.table);
        // The matches in the default order, with the columns searches combine with an
        // attribute: a page is a range of the index (a cursor walk never sorts), and a count
        // of the attribute alone or with those columns never reads the table. The first shape,
        // `(workspace_id, value)`, made each count read the table and each page sort or walk
        // the whole order index (decision 0033); it is dropped once this one exists.
        let mut covered = vec![schema.default_order.column, schema.seq_column];
        covered.extend(schema.covered_columns);
        // The value, then `first` (if any), then the covered columns not already there.
        let create = |index: &str, value: &str, first: Option<&str>, concurrently: &str| {
            let rest = covered.iter().copied().filter(|c| Some(*c) != first);
            let columns: Vec<&str> = std::iter::once(value).chain(first).chain(rest).collect();
            format!(
                "CREATE INDEX {concurrently}IF NOT EXISTS \"{index}\" ON \"{}\" \
                 (workspace_id, {})",
                schema.table,
                columns.join(", ")
            )
        };
        let ordered = format!("{index}_ordered");
        if self.backend() == Backend::Sqlite {
            self.execute_ddl(&create(&ordered, &format!("({value})"), None, ""))
                .await?;
            return self
                .execute_ddl(&format!("DROP INDEX IF EXISTS \"{index}\""))
                .await;
        }
        // PostgreSQL answers a count from an index alone only if every column the query
        // reads is a plain column of the index: never through an expression (decision 0053).
        let columns = self
            .add_attribute_value_columns(schema, &[(name, ty)], WhenLarge::Skip)
            .await?;
        match columns.into_iter().flatten().next() {
            Some(column) => {
                let plain = format!("{index}_plain");
                let column = format!("\"{column}\"");
                let sql = create(&plain, &column, None, "CONCURRENTLY ");
                self.build_concurrently(&plain, &sql).await?;
                self.drop_concurrently(&ordered).await?;
                // The same entries led by another range column (`Compiler::count_parts`).
                for range in schema.attribute_range_columns {
                    let by_range = format!("{index}_by_{range}");
                    let sql = create(&by_range, &column, Some(range), "CONCURRENTLY ");
                    self.build_concurrently(&by_range, &sql).await?;
                }
            }
            None => {
                let sql = create(&ordered, &format!("({value})"), None, "CONCURRENTLY ");
                self.build_concurrently(&ordered, &sql).await?;
            }
        }
        self.drop_concurrently(&index).await
    }

    /// Adds to `schema`'s table the value column of each of `attributes` that it lacks, all
    /// in one table rewrite (PostgreSQL; nothing elsewhere): a stored generated column, so
    /// every row has it from the start and every write keeps it. Answers each attribute's
    /// value column where the table has one afterwards. Adding them waits at most
    /// [`LOCK_WAIT`] for the table and then holds it for the rewrite; if the wait runs out,
    /// the table has [`MAX_VALUE_COLUMNS`], or it is large and `when_large` says to skip it,
    /// the attributes stay without columns (searches read their expression) until the next
    /// try.
    pub async fn add_attribute_value_columns(
        &self,
        schema: &SearchSchema,
        attributes: &[(&str, FieldType)],
        when_large: WhenLarge,
    ) -> Result<Vec<Option<String>>, StoreError> {
        let wanted: Vec<Option<(String, String)>> = match custom_attribute_json(schema) {
            Some(json) => attributes
                .iter()
                .map(|&(name, ty)| {
                    let column = value_column(self.backend(), json, name, ty)?;
                    let (sql_type, value) = value_definition(json, name, ty);
                    let definition = format!(
                        "ADD COLUMN IF NOT EXISTS \"{column}\" {sql_type} \
                         GENERATED ALWAYS AS ({value}) STORED"
                    );
                    Some((column, definition))
                })
                .collect(),
            None => vec![None; attributes.len()],
        };
        if wanted.iter().all(Option::is_none) {
            return Ok(vec![None; attributes.len()]);
        }
        let mut present = self.value_columns_of(schema.table).await?;
        let mut missing: Vec<&(String, String)> = wanted
            .iter()
            .flatten()
            .filter(|(column, _)| !present.contains(column))
            .collect();
        missing.dedup_by(|a, b| a.0 == b.0);
        let room = present.len() + missing.len() <= MAX_VALUE_COLUMNS;
        if !missing.is_empty() && room && self.may_rewrite(schema.table, when_large).await? {
            let additions: Vec<&str> = missing.iter().map(|(_, add)| add.as_str()).collect();
            let alter = format!("ALTER TABLE \"{}\" {}", schema.table, additions.join(", "));
            match self.execute_ddl_waiting(&alter, LOCK_WAIT).await {
                Ok(()) => {
                    present = self.value_columns_of(schema.table).await?;
                    // A rewritten table has no page marked all-visible, so until a vacuum
                    // an index-only scan still reads the table for every row; and a rewrite
                    // leaves no dead rows that would bring autovacuum.
                    self.analyze(&[schema.table]).await?;
                }
                Err(err) => tracing::warn!(
                    error = %err,
                    table = schema.table,
                    "adding attribute value columns failed; searches read expressions"
                ),
            }
        }
        Ok(wanted
            .into_iter()
            .map(|w| w.map(|(column, _)| column).filter(|c| present.contains(c)))
            .collect())
    }

    async fn may_rewrite(&self, table: &str, when_large: WhenLarge) -> Result<bool, StoreError> {
        if when_large == WhenLarge::Rewrite {
            return Ok(true);
        }
        let mut db = self.connection().await?;
        let bytes = crate::db::query_scalar::<i64>("SELECT pg_table_size(to_regclass($1))")
            .bind(format!("\"{table}\""))
            .fetch_one(&mut db)
            .await?;
        Ok(bytes <= SMALL_TABLE_BYTES)
    }

    /// The value columns `table` has (PostgreSQL).
    pub(super) async fn value_columns_of(&self, table: &str) -> Result<Vec<String>, StoreError> {
        value_columns_of(&mut self.connection().await?, table).await
    }

    /// Builds an index `CONCURRENTLY` (PostgreSQL): a plain build blocks every write to the
    /// table, of every workspace, for as long as it takes (seconds at a million contacts). A
    /// concurrent build that failed leaves an invalid index behind, which `IF NOT EXISTS`
    /// would keep; it is dropped and built again. The catalog is asked first, so that a
    /// start with every index in place sends no statement that only logs PostgreSQL's
    /// "already exists, skipping" notice.
    async fn build_concurrently(&self, index: &str, create: &str) -> Result<(), StoreError> {
        let state = self.index_state(index).await?;
        if state == IndexState::Invalid {
            self.drop_concurrently(index).await?;
        }
        if state != IndexState::Valid {
            self.execute_ddl(create).await?;
        }
        Ok(())
    }

    async fn drop_concurrently(&self, index: &str) -> Result<(), StoreError> {
        if self.index_state(index).await? != IndexState::Missing {
            self.execute_ddl(&format!("DROP INDEX CONCURRENTLY IF EXISTS \"{index}\""))
                .await?;
        }
        Ok(())
    }

    /// What PostgreSQL holds under an index name in the current schema.
    pub(super) async fn index_state(&self, name: &str) -> Result<IndexState, StoreError> {
        let mut db = self.connection().await?;
        let valid = crate::db::query_scalar::<i64>(
            "SELECT CASE WHEN i.indisvalid THEN 1 ELSE 0 END FROM pg_index i \
             JOIN pg_class c ON c.oid = i.indexrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relname = $1 AND n.nspname = current_schema()",
        )
        .bind(name)
        .fetch_optional(&mut db)
        .await?;
        Ok(match valid {
            None => IndexState::Missing,
            Some(1) => IndexState::Valid,
            Some(_) => IndexState::Invalid,
        })
    }
}

/// An index name in PostgreSQL's catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IndexState {
    Missing,
    Valid,
    /// Left by a concurrent build that failed: never used by the planner, still kept up by
    /// writes.
    Invalid,
}
