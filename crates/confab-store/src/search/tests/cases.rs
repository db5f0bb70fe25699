//! Each operator, field kind and paging rule against the fixture's rows.

use serde_json::{json, Value};

use super::*;
use crate::search::attribute_index::IndexState;

#[tokio::test]
async fn string_operators_fold_case_and_treat_missing_values_as_not_equal() {
    let fx = people().await;
    check(
        &fx.store,
        vec![
            (f("name", "=", json!("alice SMITH")), &["p1"]),
            (f("name", "!=", json!("alice smith")), &["p5", "p2", "p3"]),
            (f("email", "=", json!(null)), &["p3"]),
            (f("email", "!=", json!(null)), &["p5", "p2", "p1"]),
            (f("email", "~", json!("EXAMPLE")), &["p5", "p2", "p1"]),
            (f("email", "!~", json!("example")), &["p3"]),
            (f("name", "^", json!("B")), &["p2"]),
            (f("name", "$", json!("smith")), &["p5", "p1"]),
            (f("name", "IN", json!(["BOB JONES", "dave"])), &["p2"]),
            (f("name", "NIN", json!(["bob jones"])), &["p5", "p3", "p1"]),
            (f("id", "IN", json!(["p1", "p5", "p6"])), &["p5", "p1"]),
            (f("id", "=", json!("P1")), &[]),
        ],
    )
    .await;
}

#[tokio::test]
async fn like_wildcards_in_values_are_literal() {
    let fx = people().await;
    check(
        &fx.store,
        vec![
            (f("name", "~", json!("%")), &["p3"]),
            (f("name", "~", json!("_")), &["p5", "p3"]),
            (f("name", "~", json!("0%_o")), &["p3"]),
            (f("name", "^", json!("%")), &[]),
            (f("name", "$", json!("\\")), &[]),
            (f("name", "~", json!("")), &["p5", "p2", "p3", "p1"]),
        ],
    )
    .await;
}

#[tokio::test]
async fn numbers_booleans_and_dates_compare_by_type() {
    let fx = people().await;
    check(
        &fx.store,
        vec![
            (f("owner_id", ">", json!(1)), &["p2"]),
            (f("owner_id", "<=", json!("1")), &["p5", "p1"]),
            (f("owner_id", "!=", json!(2)), &["p5", "p3", "p1"]),
            (f("owner_id", "NIN", json!([1])), &["p2", "p3"]),
            (f("score", ">=", json!(1.5)), &["p5", "p2", "p1"]),
            (f("score", "<", json!(2)), &["p1"]),
            (f("vip", "=", json!(true)), &["p1"]),
            (f("vip", "!=", json!("true")), &["p5", "p2", "p3"]),
            (f("created_at", "=", json!(1_577_869_200)), &["p3", "p1"]),
            (f("created_at", ">", json!(1_577_869_200)), &["p5", "p2"]),
            (f("created_at", "<", json!(1_577_923_200)), &["p3", "p1"]),
        ],
    )
    .await;
}

#[tokio::test]
async fn links_match_by_membership_in_the_workspace_only() {
    let fx = people().await;
    check(
        &fx.store,
        vec![
            (f("tag_id", "=", json!("2")), &["p2", "p1"]),
            (f("tag_id", "=", json!(2)), &["p2", "p1"]),
            (f("tag_id", "!=", json!("2")), &["p5", "p3"]),
            (f("tag_id", "=", json!("9")), &[]),
            (f("tag_id", "=", json!(null)), &["p3"]),
            (f("tag_id", "!=", json!(null)), &["p5", "p2", "p1"]),
        ],
    )
    .await;
}

#[tokio::test]
async fn custom_attributes_are_typed_and_other_types_count_as_missing() {
    let fx = people().await;
    check(
        &fx.store,
        vec![
            (
                f("custom_attributes.plan", "=", json!("pro")),
                &["p3", "p1"],
            ),
            (
                f("custom_attributes.plan", "!=", json!("pro")),
                &["p5", "p2"],
            ),
            (f("custom_attributes.plan", "^", json!("fr")), &["p2"]),
            (f("custom_attributes.seats", ">", json!(3)), &["p1"]),
            (
                f("custom_attributes.seats", "=", json!(null)),
                &["p5", "p2", "p3"],
            ),
            (f("custom_attributes.vip", "=", json!(true)), &["p1"]),
            (f("custom_attributes.vip", "=", json!(false)), &["p3"]),
            // The same SQL text with an integer, then a float, then an integer again.
            (f("custom_attributes.rating", ">", json!(2.5)), &["p1"]),
            (f("custom_attributes.seats", ">", json!(4)), &["p1"]),
            (f("custom_attributes.rating", "=", json!(2)), &["p2"]),
            (f("custom_attributes.rating", "<", json!(4.5)), &["p2"]),
        ],
    )
    .await;
}

/// The expression indexes made for declared attributes serve the compiler's expressions
/// (SQLite's plan names them) and change no answer, hostile names included.
#[tokio::test]
async fn attribute_indexes_serve_the_compiled_expression_and_change_no_answer() {
    let fx = people().await;
    let hostile = "a' OR '1'='1";
    for (name, ty) in [
        ("plan", FieldType::String),
        ("seats", FieldType::Integer),
        ("vip", FieldType::Boolean),
        (hostile, FieldType::String),
        ("plan", FieldType::String),
    ] {
        fx.store
            .index_custom_attribute(&SCHEMA, name, ty)
            .await
            .expect("index an attribute");
    }
    check(
        &fx.store,
        vec![
            (
                f("custom_attributes.plan", "=", json!("PRO")),
                &["p3", "p1"],
            ),
            (
                f("custom_attributes.plan", "!=", json!("pro")),
                &["p5", "p2"],
            ),
            (f("custom_attributes.seats", ">", json!(3)), &["p1"]),
            (f("custom_attributes.vip", "=", json!(false)), &["p3"]),
            (
                f(&format!("custom_attributes.{hostile}"), "=", json!("x")),
                &[],
            ),
        ],
    )
    .await;
    if fx.store.backend() == Backend::Sqlite {
        let plan = super::super::compile::attribute_sql(
            Backend::Sqlite,
            "\"people\".\"custom_attributes\"",
            "plan",
            FieldType::String,
        )
        .expect("a plain name is a literal");
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM people \
             WHERE people.workspace_id = 'w1' AND LOWER({plan}) = 'pro'"
        );
        let mut db = fx.store.connection().await.expect("a connection");
        let details_of = |rows: Vec<crate::db::Row>| -> Vec<String> {
            rows.iter()
                .map(|row| row.try_get::<String, _>("detail").unwrap_or_default())
                .collect()
        };
        let details = details_of(
            crate::db::query(&sql)
                .fetch_all(&mut db)
                .await
                .expect("a plan"),
        );
        assert!(
            details.iter().any(|d| d.contains("people_attribute_")),
            "{details:?}"
        );
        // A cursor page is a range of the ordered index: no sort, whatever the cursor.
        let page = format!(
            "EXPLAIN QUERY PLAN SELECT id FROM people WHERE people.workspace_id = 'w1' \
             AND LOWER({plan}) = 'pro' AND (created_at < $1 OR (created_at = $1 AND seq < $2)) \
             ORDER BY created_at DESC, seq DESC LIMIT 3"
        );
        let details = details_of(
            crate::db::query(&page)
                .bind(1_i64)
                .bind(2_i64)
                .fetch_all(&mut db)
                .await
                .expect("a plan"),
        );
        assert!(
            details.iter().any(|d| d.contains("_ordered"))
                && !details.iter().any(|d| d.contains("TEMP B-TREE")),
            "{details:?}"
        );
    }
}

/// The value column PostgreSQL keeps of the people's custom attribute `name`.
fn value_column(name: &str, ty: FieldType) -> String {
    super::super::attribute_index::value_column(Backend::Postgres, "custom_attributes", name, ty)
        .expect("a name without control characters has a column")
}

/// An attribute name with a quote that SQL literals escape, and JSON path syntax.
const QUOTED: &str = "it's $.x ? (@ == 1)";

/// On PostgreSQL a declared attribute gets a value column (decision 0053), which rows
/// written before and after it carry, and which searches then read instead of the JSON.
#[tokio::test]
async fn postgres_searches_read_declared_attributes_from_their_value_columns() {
    let fx = people().await;
    if fx.store.backend() != Backend::Postgres {
        return;
    }
    for (name, ty) in [
        ("plan", FieldType::String),
        ("seats", FieldType::Integer),
        ("vip", FieldType::Boolean),
        ("rating", FieldType::Float),
        (QUOTED, FieldType::String),
    ] {
        fx.store
            .index_custom_attribute(&SCHEMA, name, ty)
            .await
            .expect("index an attribute");
    }
    let columns = fx
        .store
        .value_columns_of("people")
        .await
        .expect("the value columns");
    assert_eq!(columns.len(), 5, "{columns:?}");
    let plan = value_column("plan", FieldType::String);
    assert!(columns.contains(&plan), "{columns:?}");

    // Written after the column was added: new rows, and a row whose attributes changed.
    // Values inside arrays are of no attribute's type, as in the compiler's expression.
    for (id, created_at, custom) in [
        ("p7", 1_577_900_000, r#"{"plan":"Pro"}"#),
        (
            "p11",
            1_577_950_000,
            r#"{"plan":["pro"],"seats":[9],"vip":[false]}"#,
        ),
    ] {
        insert(
            &fx.store,
            (
                id,
                "w1",
                None,
                None,
                None,
                None,
                0,
                created_at,
                None,
                Some(custom),
            ),
        )
        .await;
    }
    // A name with a quote, and JSON path syntax, which the column's path must hold as a key.
    fx.store
        .execute_ddl(
            r#"UPDATE people SET custom_attributes = '{"plan":"PRO","seats":9,"it''s $.x ? (@ == 1)":"Yes"}' WHERE id = 'p2'"#,
        )
        .await
        .expect("update a row");
    check(
        &fx.store,
        vec![
            (
                f("custom_attributes.plan", "=", json!("pro")),
                &["p2", "p3", "p7", "p1"],
            ),
            (
                f("custom_attributes.plan", "^", json!("PR")),
                &["p2", "p3", "p7", "p1"],
            ),
            (f("custom_attributes.seats", ">", json!(6)), &["p2"]),
            (f("custom_attributes.vip", "=", json!(false)), &["p3"]),
            (f("custom_attributes.rating", ">", json!(2.5)), &["p1"]),
            (f("custom_attributes.rating", "<", json!(5)), &["p1"]),
            (
                f("custom_attributes.plan", "!=", json!("pro")),
                &["p5", "p11"],
            ),
            (
                f(&format!("custom_attributes.{QUOTED}"), "=", json!("yes")),
                &["p2"],
            ),
        ],
    )
    .await;

    // A column that no longer follows its JSON shows which of the two a search reads.
    for detach in [
        format!("ALTER TABLE people ALTER COLUMN \"{plan}\" DROP EXPRESSION"),
        format!("UPDATE people SET \"{plan}\" = 'column' WHERE id = 'p1'"),
    ] {
        fx.store
            .execute_ddl(&detach)
            .await
            .expect("detach the column");
    }
    check(
        &fx.store,
        vec![(f("custom_attributes.plan", "=", json!("COLUMN")), &["p1"])],
    )
    .await;
}

/// On PostgreSQL attribute indexes are built `CONCURRENTLY`, and such a build that failed
/// leaves an invalid index of the same name. Indexing the attribute again must replace it,
/// where `IF NOT EXISTS` alone would keep the invalid one forever.
#[tokio::test]
async fn an_invalid_attribute_index_is_built_again() {
    let fx = people().await;
    if fx.store.backend() != Backend::Postgres {
        return;
    }
    fx.store
        .index_custom_attribute(&SCHEMA, "plan", FieldType::String)
        .await
        .expect("index an attribute");
    let mut db = fx.store.connection().await.expect("a connection");
    let ordered: String = crate::db::query_scalar::<String>(
        "SELECT c.relname::text FROM pg_class c \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relname LIKE 'people_attribute_%_plain' AND n.nspname = current_schema()",
    )
    .fetch_one(&mut db)
    .await
    .expect("the attribute's index");
    assert_eq!(
        fx.store.index_state(&ordered).await.expect("a check"),
        IndexState::Valid
    );

    // What a build that failed half-way leaves behind.
    crate::db::query(
        "UPDATE pg_index SET indisvalid = false WHERE indexrelid = \
         (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
          WHERE c.relname = $1 AND n.nspname = current_schema())",
    )
    .bind(ordered.as_str())
    .execute(&mut db)
    .await
    .expect("mark the index invalid");
    assert_eq!(
        fx.store.index_state(&ordered).await.expect("a check"),
        IndexState::Invalid
    );

    fx.store
        .index_custom_attribute(&SCHEMA, "plan", FieldType::String)
        .await
        .expect("index the attribute again");
    assert_eq!(
        fx.store.index_state(&ordered).await.expect("a check"),
        IndexState::Valid
    );
    check(
        &fx.store,
        vec![(
            f("custom_attributes.plan", "=", json!("PRO")),
            &["p3", "p1"],
        )],
    )
    .await;
}

/// Searches run without JIT compilation on PostgreSQL (decision 0045), unless the URL's own
/// `options` ask for it.
#[tokio::test]
async fn postgres_connections_run_without_jit_unless_the_url_sets_it() {
    let fx = people().await;
    if fx.store.backend() != Backend::Postgres {
        return;
    }
    async fn jit(store: &Store) -> String {
        let mut db = store.connection().await.expect("a connection");
        crate::db::query_scalar::<String>("SHOW jit")
            .fetch_one(&mut db)
            .await
            .expect("the jit setting")
    }
    assert_eq!(jit(&fx.store).await, "off");
    let asked = Store::connect(&format!("{}%20-c%20jit%3Don", fx.store.url))
        .await
        .expect("connect with jit asked for");
    assert_eq!(jit(&asked).await, "on");
}

/// A read stops at the store's time limit (decision 0047); a write
/// transaction and a schema statement may run past it, and the connection a schema statement
/// used is limited again afterwards.
#[tokio::test]
async fn postgres_reads_stop_at_the_time_limit_and_writes_do_not() {
    let fx = people().await;
    if fx.store.backend() != Backend::Postgres {
        return;
    }
    let limited = Store::connect_with(&fx.store.url, std::time::Duration::from_millis(100))
        .await
        .expect("connect with a short read limit");
    let sleep = "SELECT pg_sleep(0.4)";
    let read = |store: Store| async move {
        let mut db = store.connection().await.expect("a connection");
        crate::db::query(sleep).execute(&mut db).await.map(|_| ())
    };
    let stopped = read(limited.clone()).await;
    assert!(matches!(stopped, Err(StoreError::TimeLimit)), "{stopped:?}");
    let mut tx = limited.begin().await.expect("a write transaction");
    crate::db::query(sleep)
        .execute(&mut tx)
        .await
        .expect("a write runs past the read limit");
    tx.0.commit().await.expect("commit");
    limited
        .execute_ddl(sleep)
        .await
        .expect("a schema statement runs past the read limit");
    for _ in 0..3 {
        assert!(
            read(limited.clone()).await.is_err(),
            "reads are limited again"
        );
    }
    limited.close().await;
}

#[tokio::test]
async fn nested_groups_combine_and_or() {
    let fx = people().await;
    let query = json!({"operator": "AND", "value": [
        f("custom_attributes.plan", "=", json!("pro")),
        {"operator": "OR", "value": [f("owner_id", "=", json!(1)), f("email", "=", json!(null))]},
    ]});
    let either = json!({"operator": "OR", "value": [
        f("tag_id", "=", json!("3")), f("name", "^", json!("bob")),
    ]});
    check(
        &fx.store,
        vec![(query, &["p3", "p1"]), (either, &["p5", "p2"])],
    )
    .await;
}

#[tokio::test]
async fn hostile_values_are_bound_not_executed() {
    let fx = people().await;
    let many: Vec<Value> = (0..1000).map(|i| json!(format!("x{i}'; --"))).collect();
    check(
        &fx.store,
        vec![
            (f("name", "=", json!("'; DROP TABLE people; --")), &[]),
            (f("name", "~", json!("' OR '1'='1")), &[]),
            (f("custom_attributes.a' OR '1'='1", "=", json!("x")), &[]),
            (f("name", "IN", json!(many)), &[]),
            (f("id", "NIN", json!(many)), &["p5", "p2", "p3", "p1"]),
            (f("name", "=", json!("x".repeat(1024))), &[]),
        ],
    )
    .await;
    assert_eq!(
        ids(&fx.store, f("name", "!=", json!("x"))).await.len(),
        4,
        "the table is intact"
    );
}

/// Walks every page of `query`, inserting a new matching row (newer than every other, so
/// before the cursor in a newest-first order) after each page.
async fn walk(fx: &Fixture, query: &Value, per_page: u32, order: Order) -> Vec<String> {
    let mut seen = Vec::new();
    let mut request = CursorRequest {
        per_page,
        after: None,
    };
    for n in 0.. {
        let found = page(&fx.store, query, &request, order).await;
        assert!(found.items.len() <= per_page as usize);
        seen.extend(found.items);
        let Some(next) = found.next else { break };
        if order.descending {
            let id = format!("new{n}");
            insert(
                &fx.store,
                (
                    &id,
                    "w1",
                    Some("walker"),
                    None,
                    None,
                    None,
                    0,
                    2_000_000_000,
                    None,
                    None,
                ),
            )
            .await;
        }
        request.after = Some(next);
    }
    seen
}

#[tokio::test]
async fn paging_visits_every_match_once_in_order_while_rows_are_inserted() {
    let fx = fixture().await;
    let mut expected = Vec::new();
    for i in 0..30 {
        let id = format!("r{i:02}");
        // Three distinct creation times, so the sequence column breaks most ties.
        insert(
            &fx.store,
            (
                &id,
                "w1",
                Some("walker"),
                None,
                None,
                None,
                0,
                1_600_000_000 + (i % 3),
                None,
                None,
            ),
        )
        .await;
        expected.push((1_600_000_000 + (i % 3), i, id));
    }
    expected.sort_by_key(|e| std::cmp::Reverse((e.0, e.1)));
    let expected: Vec<String> = expected.into_iter().map(|e| e.2).collect();
    let query = f("name", "=", json!("walker"));
    let first = page(
        &fx.store,
        &query,
        &CursorRequest {
            per_page: 7,
            after: None,
        },
        SCHEMA.default_order,
    )
    .await;
    assert_eq!((first.total_count, first.total_pages()), (30, 5));
    assert_eq!(walk(&fx, &query, 7, SCHEMA.default_order).await, expected);
    let ascending = SCHEMA
        .order(Some(&search::Sort {
            field: "created_at".into(),
            order: search::SortOrder::Ascending,
        }))
        .expect("sortable");
    let mut forwards = walk(&fx, &query, 4, ascending).await;
    forwards.retain(|id| id.starts_with('r'));
    assert_eq!(forwards, expected.iter().rev().cloned().collect::<Vec<_>>());
}

#[test]
fn like_escaping_covers_wildcards_and_the_escape_character() {
    assert_eq!(compile::escape_like(r"50%_a\b"), r"50\%\_a\\b");
}

#[test]
fn only_declared_fields_sort() {
    let sort = search::Sort {
        field: "name".into(),
        order: search::SortOrder::Ascending,
    };
    let err = SCHEMA.order(Some(&sort)).expect_err("name is not sortable");
    assert_eq!(err.field.as_deref(), Some("sort"));
    assert_eq!(SCHEMA.order(None), Ok(SCHEMA.default_order));
}

#[tokio::test]
async fn membership_of_a_nested_query_negates_exactly_and_nothing_matches_nothing() {
    let fx = people().await;
    let run = |query: Lowered| matching(&fx.store, query);
    // p2's `seats` is a string and p3/p5 have none: outside the nested query, so inside its
    // negation, where a plain NOT would leave them out as unknown.
    let seats = lowered(&f("custom_attributes.seats", ">", json!(1)));
    let within = |query: &Lowered, negated| Lowered::Within {
        query: Box::new(query.clone()),
        negated,
    };
    assert_eq!(run(within(&seats, false)).await, ["p1"]);
    assert_eq!(run(within(&seats, true)).await, ["p5", "p2", "p3"]);
    assert!(run(Lowered::nothing()).await.is_empty());
    assert!(run(within(&Lowered::nothing(), false)).await.is_empty());
    assert_eq!(
        run(within(&Lowered::nothing(), true)).await,
        ["p5", "p2", "p3", "p1"]
    );
}

/// Every id in `w1` that `query` matches, newest first.
async fn matching(store: &Store, query: Lowered) -> Vec<String> {
    let request = CursorRequest {
        per_page: 100,
        after: None,
    };
    let mut scope = store.read(&WorkspaceId::new("w1")).await.expect("a scope");
    let base = BaseFilter::IsNull("merged_at");
    scope
        .search_ids(&SCHEMA, &query, &base, &request, SCHEMA.default_order)
        .await
        .expect("the search runs")
        .items
}

#[test]
fn only_queries_whose_values_decide_the_plan_are_planned_per_call() {
    let compiler = compile::Compiler {
        backend: Backend::Postgres,
        schema: &SCHEMA,
        workspace: "ws",
        value_columns: &[],
    };
    let decides = |query: Value| compiler.values_decide_plan(&lowered(&query));
    assert!(!decides(
        json!({"field": "email", "operator": "=", "value": "a@b.c"})
    ));
    assert!(!decides(
        json!({"field": "owner_id", "operator": "IN", "value": [1, 2, 3]})
    ));
    assert!(!decides(
        json!({"field": "custom_attributes.plan", "operator": "=", "value": "pro"})
    ));
    assert!(decides(
        json!({"field": "name", "operator": "~", "value": "smi"})
    ));
    assert!(decides(
        json!({"field": "email", "operator": "$", "value": "@b.c"})
    ));
    assert!(decides(
        json!({"field": "tag_id", "operator": "=", "value": "7"})
    ));
    assert!(decides(json!({"operator": "AND", "value": [
        {"field": "owner_id", "operator": "=", "value": 1},
        {"field": "name", "operator": "^", "value": "Jo"},
    ]})));
}

#[test]
fn only_queries_naming_unique_values_in_every_branch_name_their_rows() {
    const NAMED: SearchSchema = SearchSchema {
        unique_columns: &["email"],
        ..SCHEMA
    };
    let compiler = compile::Compiler {
        backend: Backend::Sqlite,
        schema: &NAMED,
        workspace: "ws",
        value_columns: &[],
    };
    let names = |query: Value| compiler.names_its_rows(&lowered(&query));
    assert!(names(
        json!({"field": "id", "operator": "=", "value": "c1"})
    ));
    assert!(names(
        json!({"field": "email", "operator": "IN", "value": ["a@b.c", "d@e.f"]})
    ));
    assert!(names(json!({"operator": "AND", "value": [
        {"field": "owner_id", "operator": ">", "value": 1},
        {"field": "email", "operator": "=", "value": "a@b.c"},
    ]})));
    assert!(names(json!({"operator": "OR", "value": [
        {"field": "id", "operator": "IN", "value": ["c1"]},
        {"field": "email", "operator": "=", "value": "a@b.c"},
    ]})));
    assert!(!names(
        json!({"field": "email", "operator": "!=", "value": "a@b.c"})
    ));
    assert!(!names(
        json!({"field": "email", "operator": "^", "value": "a"})
    ));
    assert!(!names(
        json!({"field": "name", "operator": "=", "value": "Ann"})
    ));
    assert!(!names(json!({"operator": "OR", "value": [
        {"field": "id", "operator": "=", "value": "c1"},
        {"field": "owner_id", "operator": "=", "value": 1},
    ]})));
}

/// `A AND (<order test> OR B)` on an attribute with a value column is counted on
/// PostgreSQL as two disjoint counts (decision 0053): a row in both branches counts once,
/// a row whose other branch is NULL still counts through the order test, and the total
/// is the one an unsplit count gives.
#[tokio::test]
async fn an_or_beside_an_attribute_counts_each_match_once() {
    let fx = people().await;
    fx.store
        .index_custom_attribute(&SCHEMA, "plan", FieldType::String)
        .await
        .expect("index an attribute");
    let pro = Some(r#"{"plan":"pro"}"#);
    for row in [
        // Both branches: a later day, and owner 1.
        (
            "p8",
            "w1",
            None,
            None,
            Some(1),
            None,
            0,
            1_578_100_000,
            None,
            pro,
        ),
        // The later day only: no owner.
        (
            "p9",
            "w1",
            None,
            None,
            None,
            None,
            0,
            1_578_090_000,
            None,
            pro,
        ),
        // Neither.
        (
            "p10",
            "w1",
            None,
            None,
            Some(9),
            None,
            0,
            1_577_880_000,
            None,
            pro,
        ),
    ] {
        insert(&fx.store, row).await;
    }
    let query = json!({"operator": "AND", "value": [
        f("custom_attributes.plan", "=", json!("pro")),
        {"operator": "OR", "value": [
            f("created_at", ">", json!(1_577_869_200)),
            f("owner_id", "<", json!(5)),
        ]},
    ]});
    let request = CursorRequest {
        per_page: 1,
        after: None,
    };
    let first = page(&fx.store, &query, &request, SCHEMA.default_order).await;
    assert_eq!(first.items, ["p8"]);
    assert_eq!(first.total_count, 3);
    assert_eq!(ids(&fx.store, query).await, ["p8", "p9", "p1"]);

    let value_columns = [value_column("plan", FieldType::String)];
    let compiler = |value_columns| compile::Compiler {
        backend: Backend::Postgres,
        schema: &SCHEMA,
        workspace: "w1",
        value_columns,
    };
    let base = BaseFilter::IsNull("merged_at");
    let lowered = lowered(&json!({"operator": "AND", "value": [
        f("custom_attributes.plan", "=", json!("pro")),
        {"operator": "OR", "value": [
            f("created_at", ">", json!(1_577_869_200)),
            f("owner_id", "<", json!(5)),
        ]},
    ]}));
    let split =
        |c: compile::Compiler<'_>| c.count_parts(&lowered, &base).expect("compiles").is_some();
    assert!(split(compiler(&value_columns)));
    assert!(
        !split(compiler(&[])),
        "without the value column there is no range to split"
    );
}
