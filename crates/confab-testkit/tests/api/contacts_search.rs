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
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
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
