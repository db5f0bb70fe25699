//! The engine against a real database: SQLite in a temporary directory, or a fresh
//! PostgreSQL schema when `CONFAB_TEST_DATABASE_URL` is set.

use confab_domain::models::WorkspaceId;
use confab_domain::paging::CursorRequest;
use confab_domain::search::{self, FieldTable, FieldType, Lowered, SearchField};
use confab_domain::ApiVersion;
use serde_json::{json, Value};

use super::*;
use crate::Store;

const FIELDS: &[SearchField] = &[
    SearchField::new("id", FieldType::Id),
    SearchField::new("name", FieldType::String),
    SearchField::new("email", FieldType::String),
    SearchField::new("owner_id", FieldType::Integer),
    SearchField::new("score", FieldType::Float),
    SearchField::new("vip", FieldType::Boolean),
    SearchField::new("created_at", FieldType::Date),
    SearchField::new("tag_id", FieldType::TagLike),
];

const SCHEMA: SearchSchema = SearchSchema {
    table: "people",
    id_column: "id",
    seq_column: "seq",
    fields: &[
        ("id", Target::Column("id")),
        ("name", Target::Column("name")),
        ("email", Target::Column("email")),
        ("owner_id", Target::Column("owner_id")),
        ("score", Target::Column("score")),
        ("vip", Target::Column("vip")),
        ("created_at", Target::Column("created_at")),
        (
            "tag_id",
            Target::Link {
                relation: "contact_tag",
            },
        ),
        (
            "custom_attributes",
            Target::CustomAttribute("custom_attributes"),
        ),
    ],
    sortable: &[("created_at", "created_at")],
    default_order: Order {
        column: "created_at",
        descending: true,
    },
    covered_columns: &[],
    unique_columns: &[],
    attribute_indexes: true,
    pattern_index_columns: &["name"],
    folded_copies: &[],
    attribute_range_columns: &["owner_id"],
};

fn custom(name: &str) -> Option<FieldType> {
    match name {
        "plan" => Some(FieldType::String),
        "seats" => Some(FieldType::Integer),
        "rating" => Some(FieldType::Float),
        "vip" => Some(FieldType::Boolean),
        _ if name.contains('\'') => Some(FieldType::String),
        _ => None,
    }
}

/// A store on a fresh database, with its temporary directory (SQLite).
struct Fixture {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn fixture() -> Fixture {
    let (url, dir) = match std::env::var("CONFAB_TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let schema = crate::create_scratch_schema(&base, "t_")
                .await
                .expect("create a schema in CONFAB_TEST_DATABASE_URL");
            (schema.url, None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let url = format!("sqlite://{}/search.db?mode=rwc", dir.path().display());
            (url, Some(dir))
        }
    };
    let store = Store::connect(&url).await.expect("connect");
    // PostgreSQL searches attributes in a generated jsonb copy (decision 0040).
    let (seq, copy) = match store.backend() {
        Backend::Sqlite => ("seq INTEGER PRIMARY KEY AUTOINCREMENT", ""),
        Backend::Postgres => (
            "seq BIGSERIAL PRIMARY KEY",
            ", custom_attributes_jsonb jsonb GENERATED ALWAYS AS (custom_attributes::jsonb) STORED",
        ),
    };
    let ddl = [
        format!(
            "CREATE TABLE people ({seq}, id TEXT NOT NULL, workspace_id TEXT NOT NULL, \
             name TEXT, email TEXT, owner_id BIGINT, score DOUBLE PRECISION, vip BIGINT, \
             created_at BIGINT NOT NULL, merged_at BIGINT, custom_attributes TEXT{copy})"
        ),
        "CREATE TABLE links (workspace_id TEXT NOT NULL, relation TEXT NOT NULL, \
         left_id TEXT NOT NULL, right_id TEXT NOT NULL, created_at BIGINT, meta TEXT)"
            .to_owned(),
    ];
    for statement in ddl {
        store.execute_ddl(&statement).await.expect("create tables");
    }
    Fixture { store, _dir: dir }
}

/// A row: id, workspace, name, email, owner, score, vip, created_at, merged_at, custom.
type Person<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<i64>,
    Option<f64>,
    i64,
    i64,
    Option<i64>,
    Option<&'a str>,
);

async fn insert(store: &Store, p: Person<'_>) {
    // NULLs are written as literals: a bound NULL would type the cached statement's
    // parameter on PostgreSQL and clash with a later non-NULL value.
    let text = |v: Option<&str>| v.map_or("NULL".to_owned(), |s| format!("'{s}'"));
    let num = |v: Option<String>| v.unwrap_or_else(|| "NULL".to_owned());
    let sql = format!(
        "INSERT INTO people (id, workspace_id, name, email, owner_id, score, vip, created_at, \
         merged_at, custom_attributes) VALUES ('{}', '{}', {}, {}, {}, {}, {}, {}, {}, {})",
        p.0,
        p.1,
        text(p.2),
        text(p.3),
        num(p.4.map(|v| v.to_string())),
        num(p.5.map(|v| format!("{v:.1}"))),
        p.6,
        p.7,
        num(p.8.map(|v| v.to_string())),
        text(p.9),
    );
    store.execute_ddl(&sql).await.expect("insert a person");
}

async fn link(store: &Store, ws: &str, left: &str, right: &str) {
    let insert = crate::db::query(
        "INSERT INTO links (workspace_id, relation, left_id, right_id, created_at) \
         VALUES ($1, 'contact_tag', $2, $3, 0)",
    )
    .bind(ws)
    .bind(left)
    .bind(right);
    store.write_alone(insert).await.expect("insert a link");
}

async fn people() -> Fixture {
    let f = fixture().await;
    let s = &f.store;
    let rows: [Person<'_>; 6] = [
        (
            "p1",
            "w1",
            Some("Alice Smith"),
            Some("alice@example.com"),
            Some(1),
            Some(1.5),
            1,
            1_577_872_800,
            None,
            Some(r#"{"plan":"pro","seats":5,"vip":true,"rating":4.5}"#),
        ),
        (
            "p2",
            "w1",
            Some("bob jones"),
            Some("BOB@Example.com"),
            Some(2),
            Some(2.5),
            0,
            1_577_923_200,
            None,
            Some(r#"{"plan":"free","seats":"many","rating":2}"#),
        ),
        (
            "p3",
            "w1",
            Some("Carol 100%_off"),
            None,
            None,
            None,
            0,
            1_577_923_199,
            None,
            Some(r#"{"plan":"Pro","vip":false}"#),
        ),
        (
            "p4",
            "w1",
            Some("dave"),
            Some("dave@other.org"),
            Some(3),
            Some(0.5),
            1,
            1_577_793_600,
            Some(123),
            Some("{}"),
        ),
        (
            "p5",
            "w1",
            Some("eve_smith"),
            Some("eve@example.com"),
            Some(1),
            Some(3.0),
            0,
            1_578_013_200,
            None,
            None,
        ),
        (
            "p6",
            "w2",
            Some("Alice Smith"),
            Some("alice@example.com"),
            Some(1),
            Some(1.5),
            1,
            1_577_872_800,
            None,
            Some(r#"{"plan":"pro"}"#),
        ),
    ];
    for row in rows {
        insert(s, row).await;
    }
    for (ws, left, right) in [
        ("w1", "p1", "1"),
        ("w1", "p1", "2"),
        ("w1", "p2", "2"),
        ("w1", "p5", "3"),
        ("w1", "p4", "2"),
        ("w2", "p6", "1"),
        ("w2", "p1", "9"),
    ] {
        link(s, ws, left, right).await;
    }
    f
}

fn lowered(query: &Value) -> Lowered {
    let types = custom;
    let table = FieldTable::new(FIELDS).with_custom("custom_attributes", &types);
    let parsed = search::parse(query, ApiVersion::V2_14).expect("a valid query");
    let zone = search::time_zone("UTC").expect("UTC");
    search::lower(&parsed, &table, &zone).expect("a valid query")
}

async fn page(store: &Store, query: &Value, request: &CursorRequest, order: Order) -> Page<String> {
    let mut scope = store.read(&WorkspaceId::new("w1")).await.expect("a scope");
    let base = BaseFilter::IsNull("merged_at");
    scope
        .search_ids(&SCHEMA, &lowered(query), &base, request, order)
        .await
        .expect("the search runs")
}

/// Every matching id in `w1`, newest first.
async fn ids(store: &Store, query: Value) -> Vec<String> {
    let request = CursorRequest {
        per_page: 1000,
        after: None,
    };
    let found = page(store, &query, &request, SCHEMA.default_order).await;
    assert_eq!(found.total_count, found.items.len() as u64, "{query}");
    found.items
}

fn f(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "operator": op, "value": value})
}

async fn check(store: &Store, cases: Vec<(Value, &[&str])>) {
    for (query, expected) in cases {
        assert_eq!(
            ids(store, query.clone()).await,
            expected.to_vec(),
            "{query}"
        );
    }
}

mod cases;
mod slices;
