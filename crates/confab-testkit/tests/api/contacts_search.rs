use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn create(app: &TestApp, body: Value) -> String {
    let res = app.post("/contacts").json(&body).send().await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, body: Value) -> Value {
    let res = app.post("/contacts/search").json(&body).send().await;
    res.assert_status(200);
    res.body
}

fn ids(body: &Value) -> Vec<String> {
    confab_testkit::ids_in(body, "data")
}

#[tokio::test]
async fn equality_and_nested_groups_find_exactly_the_matching_contacts() {
    let app = TestApp::new().await;
    let ann = create(&app, json!({"email": "ann@acme.com", "name": "Ann Smith"})).await;
    let bob = create(&app, json!({"email": "bob@acme.com", "name": "Bob Jones"})).await;
    let cat = create(
        &app,
        json!({"role": "lead", "email": "cat@other.org", "name": "Cat Smithers"}),
    )
    .await;

    let body = search(
        &app,
        json!({"query": {"field": "email", "operator": "=", "value": "ANN@acme.com"}}),
    )
    .await;
    assert_eq!(
        ids(&body),
        vec![ann.clone()],
        "string equality ignores case"
    );
    assert_eq!(body["total_count"], 1);

    let body = search(
        &app,
        json!({"query": {"operator": "AND", "value": [
            {"field": "name", "operator": "~", "value": "smith"},
            {"operator": "OR", "value": [
                {"field": "role", "operator": "=", "value": "lead"},
                {"field": "email_domain", "operator": "=", "value": "acme.com"}
            ]}
        ]}}),
    )
    .await;
    let mut found = ids(&body);
    found.sort();
    let mut expected = vec![ann, cat];
    expected.sort();
    assert_eq!(found, expected);

    let body = search(&app, json!({"query": {"field": "email", "operator": "NIN", "value": ["ann@acme.com", "cat@other.org"]}})).await;
    assert_eq!(ids(&body), vec![bob]);
}

#[tokio::test]
async fn search_pages_visit_every_match_once_and_stop() {
    let app = TestApp::new().await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(create(&app, json!({"email": format!("p{i}@walk.com")})).await);
    }
    create(&app, json!({"email": "x@elsewhere.com"})).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut pagination = json!({"per_page": 2});
        if let Some(c) = &cursor {
            pagination["starting_after"] = json!(c);
        }
        let body = search(
            &app,
            json!({"query": {"field": "email_domain", "operator": "=", "value": "walk.com"},
                   "pagination": pagination}),
        )
        .await;
        assert_eq!(body["total_count"], 5);
        seen.extend(ids(&body));
        match body["pages"]["next"]["starting_after"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    seen.sort();
    created.sort();
    assert_eq!(seen, created);
}

/// A first page that holds every match takes its `total_count` from its own rows; one match
/// more than fits must still be counted.
#[tokio::test]
async fn total_count_is_exact_on_both_sides_of_a_full_first_page() {
    let app = TestApp::new().await;
    for i in 0..3 {
        create(&app, json!({"email": format!("f{i}@full.com")})).await;
    }
    create(&app, json!({"email": "other@elsewhere.com"})).await;
    let query = json!({"field": "email_domain", "operator": "=", "value": "full.com"});
    let total = |body: &Value| (body["total_count"].clone(), ids(body).len());
    for (per_page, shown) in [(3, 3), (4, 3), (2, 2), (1, 1)] {
        let body = search(
            &app,
            json!({"query": query, "pagination": {"per_page": per_page}}),
        )
        .await;
        assert_eq!(total(&body), (json!(3), shown), "per_page {per_page}");
        assert_eq!(
            body["pages"]["next"].is_object(),
            shown < 3,
            "per_page {per_page}"
        );
    }
    create(&app, json!({"email": "f3@full.com"})).await;
    let body = search(&app, json!({"query": query, "pagination": {"per_page": 3}})).await;
    assert_eq!(total(&body), (json!(4), 3));
    let none = json!({"field": "email_domain", "operator": "=", "value": "nobody.com"});
    let body = search(&app, json!({"query": none})).await;
    assert_eq!(total(&body), (json!(0), 0));
}

/// Every page of `query` at `per_page`, following the cursor; each page's `total_count`.
async fn walk(app: &TestApp, query: &Value, per_page: u32) -> (Vec<String>, Vec<Value>) {
    let (mut seen, mut totals) = (Vec::new(), Vec::new());
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut pagination = json!({"per_page": per_page});
        if let Some(c) = &cursor {
            pagination["starting_after"] = json!(c);
        }
        let body = search(app, json!({"query": query, "pagination": pagination})).await;
        totals.push(body["total_count"].clone());
        seen.extend(ids(&body));
        match body["pages"]["next"]["starting_after"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    (seen, totals)
}

/// `wanted` in the order `everyone` lists them.
fn in_order_of(everyone: &[String], wanted: &[&String]) -> Vec<String> {
    everyone
        .iter()
        .filter(|id| wanted.contains(id))
        .cloned()
        .collect()
}

/// A text pattern with few matches is paged from its matches sorted (SQLite finds them
/// first), one with many by walking the order: both give the order and the totals of any
/// other search, and ignore ASCII case as before.
#[tokio::test]
async fn text_pattern_pages_keep_the_order_with_few_or_many_matches() {
    let app = TestApp::new().await;
    for i in 0..30 {
        let name = if i % 6 == 0 {
            format!("Rare Quokka {i}")
        } else {
            format!("Common {i}")
        };
        create(
            &app,
            json!({"email": format!("c{i}@pattern.com"), "name": name}),
        )
        .await;
    }
    create(
        &app,
        json!({"email": "other@elsewhere.com", "name": "Common Elsewhere"}),
    )
    .await;
    let (everyone, _) = walk(
        &app,
        &json!({"field": "role", "operator": "=", "value": "user"}),
        50,
    )
    .await;
    assert_eq!(everyone.len(), 31);
    // per_page 1: the first look stops at 12 × 2 matches, so 5 are few and 31 are many.
    for (query, expected) in [
        (
            json!({"field": "name", "operator": "~", "value": "QUOKKA"}),
            5,
        ),
        (
            json!({"field": "name", "operator": "^", "value": "rare"}),
            5,
        ),
        (
            json!({"field": "name", "operator": "~", "value": "mmo"}),
            26,
        ),
        (
            json!({"field": "name", "operator": "!~", "value": "quokka"}),
            26,
        ),
        (
            json!({"field": "email", "operator": "$", "value": "@PATTERN.com"}),
            30,
        ),
    ] {
        for per_page in [1, 2, 50] {
            let (seen, totals) = walk(&app, &query, per_page).await;
            let wanted: Vec<&String> = seen.iter().collect();
            assert_eq!(seen.len(), expected, "{query} at {per_page}");
            assert_eq!(
                seen,
                in_order_of(&everyone, &wanted),
                "{query} at {per_page}: order"
            );
            assert!(
                totals.iter().all(|t| *t == json!(expected)),
                "{query} at {per_page}: totals {totals:?}"
            );
        }
    }
}

/// A search that names its contacts by `id` or `external_id` reads them whole in one
/// statement: its pages keep the order, totals and cursors of any other search, and show
/// each contact whole.
#[tokio::test]
async fn searches_naming_their_contacts_page_in_order() {
    let app = TestApp::new().await;
    let mut by_external = Vec::new();
    for i in 0..8 {
        let role = if i % 2 == 0 { "user" } else { "lead" };
        let body = json!({"role": role, "external_id": format!("named-{i}"),
                          "email": format!("n{i}@named.com")});
        by_external.push(create(&app, body).await);
    }
    // Another contact whose external id differs only in case: `=` and `IN` fold case.
    let shouted = create(
        &app,
        json!({"external_id": "NAMED-3", "email": "loud@named.com"}),
    )
    .await;
    let (everyone, _) = walk(
        &app,
        &json!({"field": "email", "operator": "$", "value": "@named.com"}),
        50,
    )
    .await;
    assert_eq!(everyone.len(), 9);
    let in_order = |wanted: &[&String]| in_order_of(&everyone, wanted);
    let named = ["named-0", "named-3", "named-4", "named-7", "nobody"];
    for (query, expected) in [
        (
            json!({"field": "external_id", "operator": "IN", "value": named}),
            in_order(&[
                &by_external[0],
                &by_external[3],
                &shouted,
                &by_external[4],
                &by_external[7],
            ]),
        ),
        (
            json!({"operator": "AND", "value": [
                {"field": "external_id", "operator": "IN", "value": named},
                {"field": "role", "operator": "=", "value": "lead"},
            ]}),
            in_order(&[&by_external[3], &by_external[7]]),
        ),
        (
            json!({"operator": "OR", "value": [
                {"field": "id", "operator": "=", "value": by_external[1]},
                {"field": "external_id", "operator": "=", "value": "named-6"},
                {"field": "id", "operator": "IN", "value": [by_external[5], "missing"]},
            ]}),
            in_order(&[&by_external[1], &by_external[5], &by_external[6]]),
        ),
    ] {
        for per_page in [1, 2, 50] {
            let (seen, totals) = walk(&app, &query, per_page).await;
            assert_eq!(seen, expected, "{query} at {per_page}");
            assert!(
                totals.iter().all(|t| *t == json!(expected.len())),
                "{query} at {per_page}: totals {totals:?}"
            );
        }
    }
    let body = search(
        &app,
        json!({"query": {"field": "external_id", "operator": "=", "value": "named-2"}}),
    )
    .await;
    assert_eq!(body["data"][0]["id"], json!(by_external[2]));
    assert_eq!(body["data"][0]["email"], "n2@named.com");
    assert_eq!(body["data"][0]["external_id"], "named-2");
    assert_eq!(body["data"][0]["type"], "contact");
}

#[tokio::test]
async fn archived_and_deleted_contacts_are_not_found() {
    let app = TestApp::new().await;
    let kept = create(&app, json!({"email": "kept@x.com"})).await;
    let archived = create(&app, json!({"email": "archived@x.com"})).await;
    let deleted = create(&app, json!({"email": "deleted@x.com"})).await;
    app.post(&format!("/contacts/{archived}/archive"))
        .send()
        .await;
    app.delete(&format!("/contacts/{deleted}")).send().await;
    let body = search(
        &app,
        json!({"query": {"field": "email_domain", "operator": "=", "value": "x.com"}}),
    )
    .await;
    assert_eq!(ids(&body), vec![kept]);
}

#[tokio::test]
async fn bad_queries_are_parameter_errors_naming_the_problem() {
    let app = TestApp::new().await;
    for (query, field) in [
        (
            json!({"field": "shoe_size", "operator": "=", "value": "9"}),
            "shoe_size",
        ),
        (
            json!({"field": "email", "operator": ">", "value": "a"}),
            "email",
        ),
        (
            json!({"field": "owner_id", "operator": "=", "value": "not a number"}),
            "owner_id",
        ),
        (
            json!({"field": "created_at", "operator": "!=", "value": 1_700_000_000}),
            "created_at",
        ),
        (
            json!({"field": "custom_attributes.undeclared", "operator": "=", "value": "x"}),
            "custom_attributes.undeclared",
        ),
    ] {
        let res = app
            .post("/contacts/search")
            .json(&json!({"query": query}))
            .send()
            .await;
        res.assert_error(400, "parameter_invalid");
        assert_eq!(res.body["errors"][0]["field"], field, "{query}");
    }
    let deep = json!({"operator": "AND", "value": [{"operator": "OR", "value": [
        {"operator": "AND", "value": [{"field": "email", "operator": "=", "value": "a"}]}]}]});
    app.post("/contacts/search")
        .json(&json!({"query": deep}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.post("/contacts/search")
        .json(&json!({}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
}

#[tokio::test]
async fn unstable_refuses_the_operators_it_dropped() {
    let app = TestApp::new().await;
    create(&app, json!({"email": "o@x.com", "owner_id": 1})).await;
    let query = json!({"query": {"field": "owner_id", "operator": ">=", "value": 1}});
    let res = app
        .post("/contacts/search")
        .json(&query)
        .version(ApiVersion::V2_14)
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["total_count"], 1);
    app.post("/contacts/search")
        .json(&query)
        .version(ApiVersion::Unstable)
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn dates_match_by_calendar_day() {
    let app = TestApp::new().await;
    // 2024-03-10 12:00 UTC (the default workspace is on UTC).
    let noon = 1_710_072_000;
    let id = create(&app, json!({"email": "d@x.com", "signed_up_at": noon})).await;
    let day_start = 1_710_028_800;
    for (op, value, hit) in [
        ("=", day_start + 5, true),
        ("=", day_start - 5, false),
        (">", day_start - 86_400, true),
        (">", day_start, false),
        ("<", day_start + 86_400, true),
        ("<", day_start, false),
    ] {
        let body = search(
            &app,
            json!({"query": {"field": "signed_up_at", "operator": op, "value": value}}),
        )
        .await;
        assert_eq!(ids(&body) == vec![id.clone()], hit, "{op} {value}");
    }
}

/// `POST /contacts/search` with `query` in version `v`.
async fn search_in(app: &TestApp, v: ApiVersion, query: Value) -> Vec<String> {
    let res = app
        .post("/contacts/search")
        .json(&json!({ "query": query }))
        .version(v)
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        res.body["total_count"],
        res.body["data"].as_array().unwrap().len()
    );
    let mut found = ids(&res.body);
    found.sort();
    found
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut out: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    out.sort();
    out
}

#[tokio::test]
async fn segment_id_matches_the_contacts_of_that_segment_by_its_stored_query() {
    let app = TestApp::new().await;
    let day = 86_400;
    let now = 1_800_000_000;
    app.post("/_confab/clock")
        .json(&json!({ "freeze_at": now }))
        .send()
        .await
        .assert_status(200);
    let seen = create(
        &app,
        json!({"email": "seen@x.com", "name": "Ann", "last_seen_at": now - day}),
    )
    .await;
    let gone = create(
        &app,
        json!({"email": "gone@x.com", "name": "Bob", "last_seen_at": now - 45 * day}),
    )
    .await;
    let lead = create(&app, json!({"role": "lead", "name": "Ann Lead"})).await;
    let segments = app.get("/segments").send().await;
    let id_of = |name: &str| {
        segments.body["segments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (active, leads) = (id_of("Active"), id_of("All Leads"));
    let pro_companies = crate::company_segments::stored_segment(
        &app,
        "Pro",
        "company",
        json!({"field": "plan", "operator": "=", "value": "pro"}),
    )
    .await;
    let in_seg = |s: &str| json!({"field": "segment_id", "operator": "=", "value": s});
    let not_in = |s: &str| json!({"field": "segment_id", "operator": "!=", "value": s});
    for v in ApiVersion::ALL {
        assert_eq!(
            search_in(&app, v, in_seg(&active)).await,
            sorted(&[&seen]),
            "{v}"
        );
        assert_eq!(
            search_in(&app, v, not_in(&active)).await,
            sorted(&[&gone, &lead]),
            "{v}: the lead has no last_seen_at, and is still outside Active"
        );
        assert_eq!(
            search_in(&app, v, in_seg(&leads)).await,
            sorted(&[&lead]),
            "{v}"
        );
        let nested = json!({"operator": "AND", "value": [
            {"field": "name", "operator": "^", "value": "ann"},
            {"operator": "OR", "value": [in_seg(&active), in_seg(&leads)]}]});
        assert_eq!(
            search_in(&app, v, nested).await,
            sorted(&[&seen, &lead]),
            "{v}"
        );
        // An unknown segment, or one of companies, holds no contacts.
        for other in ["ffffffffffffffffffffffff", pro_companies.as_str()] {
            assert!(search_in(&app, v, in_seg(other)).await.is_empty(), "{v}");
            assert_eq!(
                search_in(&app, v, not_in(other)).await,
                sorted(&[&seen, &gone, &lead]),
                "{v}"
            );
        }
    }
    // The segment's relative dates follow the workspace clock.
    app.post("/_confab/clock")
        .json(&json!({ "freeze_at": now + 40 * day }))
        .send()
        .await
        .assert_status(200);
    assert!(search_in(&app, ApiVersion::V2_14, in_seg(&active))
        .await
        .is_empty());
    // segment_id takes an id with = or !=.
    for (op, value) in [
        ("=", json!(null)),
        ("IN", json!([active])),
        ("~", json!("a")),
    ] {
        let res = app
            .post("/contacts/search")
            .json(&json!({"query": {"field": "segment_id", "operator": op, "value": value}}))
            .send()
            .await;
        res.assert_error(400, "parameter_invalid");
    }
}

#[tokio::test]
async fn a_segment_may_name_another_segment_but_not_itself_forever() {
    use crate::company_segments::stored_segment;
    let app = TestApp::new().await;
    let ann = create(&app, json!({"email": "ann@x.com", "name": "Ann"})).await;
    create(&app, json!({"email": "bob@x.com", "name": "Bob"})).await;
    let named_ann = stored_segment(
        &app,
        "Ann",
        "user",
        json!({"field": "name", "operator": "=", "value": "ann"}),
    )
    .await;
    let via = stored_segment(
        &app,
        "Via Ann",
        "user",
        json!({"field": "segment_id", "operator": "=", "value": named_ann}),
    )
    .await;
    let query = |s: &str| json!({"query": {"field": "segment_id", "operator": "=", "value": s}});
    assert_eq!(ids(&search(&app, query(&via)).await), [ann]);
    let res = app.get(&format!("/segments/{via}")).send().await;
    assert_eq!(res.body["count"], 1);
    // A segment naming itself ends in an error, not a loop.
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    let record = json!({"name": "Loop", "person_type": "user", "created_at": 1, "updated_at": 1,
        "query": {"field": "name", "operator": "=", "value": "x"}});
    let stored = scope
        .insert_record(
            &confab_domain::tables::SEGMENTS,
            record.as_object().unwrap(),
            1,
        )
        .await
        .unwrap();
    let looped = stored["id"].as_str().unwrap().to_owned();
    let changes = json!({"query": {"field": "segment_id", "operator": "=", "value": looped}});
    scope
        .update_record(
            &confab_domain::tables::SEGMENTS,
            &looped,
            changes.as_object().unwrap(),
        )
        .await
        .unwrap();
    scope.commit().await.unwrap();
    app.post("/contacts/search")
        .json(&query(&looped))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}
