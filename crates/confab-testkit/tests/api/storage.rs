use confab_store::Store;
use confab_testkit::database::TestDatabase;

async fn migrated(db: &TestDatabase) -> Store {
    let store = Store::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    store
}

#[tokio::test]
async fn sqlite_and_postgresql_migrations_end_at_the_same_schema() {
    let Ok(pg_url) = std::env::var("CONFAB_TEST_DATABASE_URL") else {
        eprintln!("CONFAB_TEST_DATABASE_URL is not set: comparing SQLite with itself only");
        let db = TestDatabase::sqlite();
        let summary = migrated(&db).await.schema_summary().await.unwrap();
        assert!(summary.columns.contains_key("admins"));
        return;
    };
    let sqlite_db = TestDatabase::sqlite();
    let pg_db = TestDatabase::postgres(&pg_url).await;
    let sqlite = migrated(&sqlite_db).await.schema_summary().await.unwrap();
    let postgres = migrated(&pg_db).await.schema_summary().await.unwrap();
    assert!(sqlite.columns.len() >= 7, "{sqlite:?}");
    assert_eq!(sqlite.columns, postgres.columns);
    assert_eq!(sqlite.indexes, postgres.indexes);
}

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    let db = TestDatabase::create().await;
    let store = migrated(&db).await;
    let before = store.schema_summary().await.unwrap();
    store.migrate().await.unwrap();
    assert_eq!(store.schema_summary().await.unwrap(), before);
}

#[tokio::test]
async fn a_dropped_write_transaction_leaves_nothing_behind() {
    let app = confab_testkit::TestApp::new().await;
    {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        scope.insert_team("Ghosts", &[1], 0).await.unwrap();
        // Dropped without commit, as a failing request's scope is.
    }
    let teams = app.get("/teams").send().await;
    assert_eq!(teams.body["teams"], serde_json::json!([]));
}

#[tokio::test]
async fn every_record_table_description_matches_the_database() {
    use confab_domain::record::ColumnType;
    let db = TestDatabase::create().await;
    let summary = migrated(&db).await.schema_summary().await.unwrap();
    for table in confab_domain::tables::ALL {
        let columns = summary
            .columns
            .get(table.name)
            .unwrap_or_else(|| panic!("no table {}", table.name));
        for implicit in ["seq", "id", "workspace_id"] {
            assert!(columns.contains_key(implicit), "{}.{implicit}", table.name);
        }
        for column in table.columns {
            let (class, _) = columns
                .get(column.name)
                .unwrap_or_else(|| panic!("no column {}.{}", table.name, column.name));
            let expected = match column.ty {
                ColumnType::Text | ColumnType::Json => "text",
                ColumnType::Int | ColumnType::Bool => "integer",
                ColumnType::Float => "double precision",
            };
            // SQLite reports REAL for floats; both are fine.
            let matches = class == expected || (expected == "double precision" && class == "real");
            assert!(
                matches,
                "{}.{} is {class}, described as {expected}",
                table.name, column.name
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_right_after_a_failed_write_is_not_locked_out() {
    use confab_domain::tables::TAGS;
    let app = confab_testkit::TestApp::new().await;
    let tag = |name: &str| {
        serde_json::json!({"name": name, "name_key": name, "created_at": 1})
            .as_object()
            .cloned()
            .unwrap()
    };
    for i in 0..100 {
        {
            let mut scope = app.store.write(&app.workspace.id).await.unwrap();
            scope
                .insert_record(&TAGS, &tag(&format!("dropped{i}")), 1)
                .await
                .unwrap();
            // Dropped without commit, as a request that fails after writing.
        }
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        scope
            .insert_record(&TAGS, &tag(&format!("kept{i}")), 1)
            .await
            .expect("the next writer gets in");
        scope.commit().await.unwrap();
    }
    let tags = app.get("/tags").send().await;
    assert_eq!(tags.body["data"].as_array().unwrap().len(), 100);
}

/// Identifier columns on PostgreSQL compare as bytes (migration 0020, decision 0049): every
/// B-tree descent on a workspace, a row id or a link would otherwise call `strcoll`. A table
/// a later migration adds must declare its identifiers `COLLATE "C"` too.
#[tokio::test]
async fn postgresql_identifier_columns_compare_as_bytes() {
    let Ok(pg_url) = std::env::var("CONFAB_TEST_DATABASE_URL") else {
        eprintln!("CONFAB_TEST_DATABASE_URL is not set: nothing to check on SQLite");
        return;
    };
    let db = TestDatabase::postgres(&pg_url).await;
    migrated(&db).await;
    let pool = sqlx::PgPool::connect(db.url()).await.unwrap();
    let columns: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.collation_name::text \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
           AND c.data_type = 'text' AND c.is_generated = 'NEVER' \
           AND (c.column_name IN ('id', 'relation') OR c.column_name LIKE '%\\_id') \
           AND c.table_name NOT LIKE '\\_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        columns
            .iter()
            .any(|(t, c, _)| t == "links" && c == "left_id"),
        "{columns:?}"
    );
    let other: Vec<_> = columns
        .iter()
        .filter(|(_, _, collation)| collation.as_deref() != Some("C"))
        .collect();
    assert!(other.is_empty(), "not in byte order: {other:?}");
    pool.close().await;
}
