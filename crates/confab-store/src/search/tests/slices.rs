//! Counts split into ranges across read connections (decision 0052).

use super::super::compile::Compiler;
use super::super::slices::{self, SliceBy};
use super::*;

/// 97 rows of `w1` over a spread of creation times, with names from a small set (every
/// seventh NULL), a plan on two thirds, every eleventh merged; and rows of `w2` that match
/// the same queries.
async fn spread() -> Fixture {
    let fx = fixture().await;
    let names = [
        "Ada Smith",
        "bob smithers",
        "Zoë Ng",
        "carol",
        "Émile Smit",
        "ann",
    ];
    for i in 0..97_i64 {
        let id = format!("s{i:03}");
        let name = (i % 7 != 0).then(|| names[usize::try_from(i).unwrap_or(0) % names.len()]);
        let plan = match i % 3 {
            0 => r#"{"plan":"pro"}"#,
            1 => r#"{"plan":"Free"}"#,
            _ => "{}",
        };
        let merged = (i % 11 == 0).then_some(1);
        let created = 1_600_000_000 + i * i * 1_000;
        let row = (
            &*id,
            "w1",
            name,
            None,
            None,
            None,
            0,
            created,
            merged,
            Some(plan),
        );
        insert(&fx.store, row).await;
    }
    for i in 0..5 {
        let id = format!("o{i}");
        let row = (
            &*id,
            "w2",
            Some("Ada Smith"),
            None,
            None,
            None,
            0,
            1_500_000_000 + i,
            None,
            Some(r#"{"plan":"pro"}"#),
        );
        insert(&fx.store, row).await;
    }
    fx
}

fn sqlite() -> Compiler<'static> {
    Compiler {
        backend: Backend::Sqlite,
        schema: &SCHEMA,
        workspace: "w1",
        value_columns: &[],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_split_into_ranges_add_up_to_the_whole_count() {
    let fx = spread().await;
    if fx.store.backend() != Backend::Sqlite {
        return;
    }
    let base = BaseFilter::IsNull("merged_at");
    let compiler = sqlite();
    let nested = json!({"operator": "AND", "value": [
        f("custom_attributes.plan", "IN", json!(["pro", "free"])),
        {"operator": "OR", "value": [
            f("created_at", ">", json!(1_605_000_000)),
            f("name", "$", json!("ng")),
        ]},
    ]});
    for (query, by) in [
        (f("name", "~", json!("smi")), SliceBy::Text("name")),
        (f("name", "^", json!("A")), SliceBy::Text("name")),
        (
            f("custom_attributes.plan", "=", json!("PRO")),
            SliceBy::Order,
        ),
        (nested, SliceBy::Order),
    ] {
        let expected = ids(&fx.store, query.clone()).await.len() as u64;
        assert!(expected > 3, "{query} finds enough rows to split");
        let lowered = lowered(&query);
        assert_eq!(compiler.count_slices_by(&lowered), Some(by), "{query}");
        let count = count_of(
            &SCHEMA,
            compiler.matches(&lowered, &base).expect("compiles"),
        );
        let mut db = fx.store.connection().await.expect("a connection");
        let bounds = slices::bounds(&mut db, &compiler, by, 6)
            .await
            .expect("bounds");
        let statements = slices::ranges(&compiler, &count, by, &bounds);
        assert!(statements.len() >= 3, "{query}: {bounds:?}");
        let mut nonempty = 0;
        for statement in statements.clone() {
            let one = slices::count_one(&mut db, statement, false, None)
                .await
                .expect("a range's count");
            assert!(one < expected, "{query}: one range holds every match");
            nonempty += usize::from(one > 0);
        }
        assert!(nonempty >= 2, "{query}: {bounds:?}");
        let spare = vec![
            fx.store.connection().await.expect("a connection"),
            fx.store.connection().await.expect("a connection"),
        ];
        let total = slices::count_ranges(&mut db, spare, statements, false)
            .await
            .expect("the ranges' count");
        assert_eq!(total, expected, "{query}");
    }
}

/// Through the search itself, with idle readers beside it: every page carries the true
/// total, whether or not this machine has the cores to split the count.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_totals_are_true_with_idle_readers_beside_the_search() {
    let fx = spread().await;
    let idle = [
        fx.store.connection().await.expect("a connection"),
        fx.store.connection().await.expect("a connection"),
    ];
    drop(idle);
    for query in [
        f("name", "~", json!("SMI")),
        f("custom_attributes.plan", "=", json!("pro")),
    ] {
        let expected = ids(&fx.store, query.clone()).await;
        let request = CursorRequest {
            per_page: 2,
            after: None,
        };
        let first = page(&fx.store, &query, &request, SCHEMA.default_order).await;
        assert_eq!(first.total_count, expected.len() as u64, "{query}");
        assert_eq!(first.items, expected[..2].to_vec(), "{query}");
    }
}

#[test]
fn only_counts_walking_an_ordered_index_split_and_only_on_sqlite() {
    let compiler = sqlite();
    let by = |query: Value| compiler.count_slices_by(&lowered(&query));
    let plan = || f("custom_attributes.plan", "=", json!("pro"));
    assert_eq!(by(f("name", "~", json!("a"))), Some(SliceBy::Text("name")));
    assert_eq!(by(f("name", "$", json!("a"))), Some(SliceBy::Text("name")));
    assert_eq!(by(plan()), Some(SliceBy::Order));
    assert_eq!(
        by(f("custom_attributes.seats", "IN", json!([1, 2]))),
        Some(SliceBy::Order)
    );
    // A pattern's index holds every row; the attribute's only its own.
    assert_eq!(
        by(json!({"operator": "AND", "value": [plan(), f("name", "~", json!("a"))]})),
        Some(SliceBy::Text("name"))
    );
    for query in [
        // NULL names pass these, and the ranges of a text column leave NULLs out.
        f("name", "!~", json!("a")),
        f("name", "!=", json!("a")),
        // No index in the column's order.
        f("email", "~", json!("a")),
        f("custom_attributes.plan", "!=", json!("pro")),
        f("custom_attributes.seats", ">", json!(3)),
        f("owner_id", "=", json!(1)),
        f("tag_id", "=", json!("1")),
        // Only a conjunct orders the whole count's walk.
        json!({"operator": "OR", "value": [plan(), f("name", "~", json!("a"))]}),
    ] {
        assert_eq!(by(query.clone()), None, "{query}");
    }
    let unindexed = SearchSchema {
        attribute_indexes: false,
        ..SCHEMA
    };
    let without_indexes = Compiler {
        schema: &unindexed,
        ..sqlite()
    };
    assert_eq!(without_indexes.count_slices_by(&lowered(&plan())), None);
    let postgres = Compiler {
        backend: Backend::Postgres,
        ..sqlite()
    };
    assert_eq!(postgres.count_slices_by(&lowered(&plan())), None);
}

/// A split count shares one read's time limit: each range stops at the count's deadline, not
/// a deadline of its own.
#[tokio::test]
async fn a_range_stops_at_the_deadline_of_the_whole_count() {
    let fx = fixture().await;
    if fx.store.backend() != Backend::Sqlite {
        return;
    }
    fx.store
        .execute_ddl(
            "INSERT INTO people (id, workspace_id, name, created_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
             SELECT 'x' || i, 'w1', 'name ' || i, i FROM n",
        )
        .await
        .expect("insert rows");
    let compiler = sqlite();
    let query = lowered(&f("name", "~", json!("absent")));
    let count = count_of(
        &SCHEMA,
        compiler
            .matches(&query, &BaseFilter::none())
            .expect("compiles"),
    );
    let statement = build(&count, Backend::Sqlite);
    let mut db = fx.store.connection().await.expect("a connection");
    let within = slices::count_one(&mut db, statement.clone(), false, None).await;
    assert_eq!(within.expect("the count runs"), 0);
    let past = std::time::Instant::now();
    let stopped = slices::count_one(&mut db, statement, false, Some(past)).await;
    assert!(matches!(stopped, Err(StoreError::TimeLimit)), "{stopped:?}");
}
