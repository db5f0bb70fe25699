//! What the database says its schema is, normalised so SQLite and PostgreSQL can be compared.
//! Text-search indexes differ between the two (trigram indexes on PostgreSQL, decision 0029;
//! covering indexes of different shapes, decisions 0040 and 0042); they are named
//! `*_fulltext*` and left out. So are PostgreSQL's generated copies that searches read: jsonb
//! copies of JSON columns (`*_jsonb`, decision 0040) and folded copies of text
//! (`*_folded`, decision 0043).

use std::collections::BTreeMap;

use crate::{Backend, StoreError};

/// table → column → (type class, nullable); plus the index names per table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchemaSummary {
    pub columns: BTreeMap<String, BTreeMap<String, (String, bool)>>,
    pub indexes: BTreeMap<String, Vec<String>>,
}

fn type_class(declared: &str) -> String {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        "integer".into()
    } else if t.contains("bool") {
        "boolean".into()
    } else if t.contains("text") || t.contains("char") {
        "text".into()
    } else {
        t
    }
}

pub(crate) async fn summary(db: &mut crate::Db) -> Result<SchemaSummary, StoreError> {
    let mut out = SchemaSummary::default();
    let (columns_sql, indexes_sql) = match db.backend() {
        Backend::Sqlite => (
            "SELECT m.name, p.name, p.type, CASE WHEN p.\"notnull\" = 1 OR p.pk > 0 THEN 0 ELSE 1 END \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
             AND m.name NOT LIKE '%fulltext%'",
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' \
             AND sql IS NOT NULL AND tbl_name NOT LIKE '_sqlx%' AND tbl_name NOT LIKE '%fulltext%' \
             AND name NOT LIKE '%fulltext%'",
        ),
        Backend::Postgres => (
            "SELECT table_name::text, column_name::text, data_type::text, \
                    CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' \
             AND column_name NOT LIKE '%\\_jsonb' AND column_name NOT LIKE '%\\_folded'",
            "SELECT tablename::text, indexname::text FROM pg_indexes \
             WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey' \
             AND tablename NOT LIKE '_sqlx%' AND indexname NOT LIKE '%fulltext%'",
        ),
    };
    let rows: Vec<(String, String, String, i64)> =
        crate::db::query_as::<(String, String, String, i64)>(columns_sql)
            .fetch_all(db)
            .await?;
    for (table, column, declared, nullable) in rows {
        out.columns
            .entry(table)
            .or_default()
            .insert(column, (type_class(&declared), nullable == 1));
    }
    let rows: Vec<(String, String)> = crate::db::query_as::<(String, String)>(indexes_sql)
        .fetch_all(db)
        .await?;
    for (table, index) in rows {
        out.indexes.entry(table).or_default().push(index);
    }
    for list in out.indexes.values_mut() {
        list.sort();
    }
    Ok(out)
}
