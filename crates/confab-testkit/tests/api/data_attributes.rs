use confab_domain::ApiVersion;
use confab_testkit::{conformance, TestApp};
use http::{Method, StatusCode};
use serde_json::{json, Value};

async fn create(app: &TestApp, v: ApiVersion, body: Value) -> confab_testkit::TestResponse {
    app.post("/data_attributes")
        .version(v)
        .json(&body)
        .send()
        .await
}

async fn names(app: &TestApp, query: &str) -> Vec<String> {
    let res = app.get(&format!("/data_attributes{query}")).send().await;
    res.assert_status(200);
    res.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{}:{}",
                a["model"].as_str().unwrap(),
                a["full_name"].as_str().unwrap()
            )
        })
        .collect()
}

async fn count_custom(app: &TestApp) -> usize {
    let res = app
        .get("/data_attributes?include_archived=true")
        .send()
        .await;
    res.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["custom"] == true)
        .count()
}

#[tokio::test]
async fn built_in_attributes_of_every_model_are_listed_and_conform_per_version() {
    let app = TestApp::new().await;
    for v in ApiVersion::ALL {
        let res = app.get("/data_attributes").version(v).send().await;
        res.assert_status(200);
        let data = res.body["data"].as_array().unwrap();
        for model in ["contact", "company", "conversation"] {
            assert!(data.iter().any(|a| a["model"] == model), "{model}");
        }
        assert!(data
            .iter()
            .all(|a| a["custom"] == false && a.get("id").is_none()));
        // Outside the conversation attributes (see the reviewed exception), every item is a
        // data_attribute exactly as the version's schema describes one.
        for item in data.iter().filter(|a| a["model"] != "conversation") {
            conformance::check(v, &Method::POST, "/data_attributes", StatusCode::OK, item).unwrap();
        }
    }
    let company = names(&app, "?model=company").await;
    assert!(company.contains(&"company:monthly_spend".to_owned()));
    assert!(company.iter().all(|n| n.starts_with("company:")));
    app.get("/data_attributes?model=ticket")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn a_new_attribute_is_listed_at_once_and_usable_by_contacts() {
    let app = TestApp::new().await;
    let res = create(
        &app,
        ApiVersion::V2_14,
        json!({"name": "plan", "model": "contact", "data_type": "string",
               "description": "Paid plan", "messenger_writable": true}),
    )
    .await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "data_attribute");
    assert_eq!(res.body["full_name"], "custom_attributes.plan");
    assert_eq!(res.body["label"], "plan");
    assert_eq!(res.body["description"], "Paid plan");
    assert_eq!(res.body["data_type"], "string");
    assert_eq!(res.body["messenger_writable"], true);
    assert_eq!(res.body["custom"], true);
    assert_eq!(res.body["admin_id"], "1");
    assert!(res.body["id"].is_i64());
    let listed = names(&app, "?model=contact").await;
    assert_eq!(
        listed.last().map(String::as_str),
        Some("contact:custom_attributes.plan")
    );
    let contact = app
        .post("/contacts")
        .json(&json!({"email": "ann@example.com", "custom_attributes": {"plan": "pro"}}))
        .send()
        .await;
    contact.assert_status(200);
    assert_eq!(contact.body["custom_attributes"]["plan"], "pro");
}

#[tokio::test]
async fn list_attributes_are_created_in_the_2_11_and_2_14_forms() {
    let app = TestApp::new().await;
    let old = create(
        &app,
        ApiVersion::V2_11,
        json!({"name": "tier", "model": "company", "data_type": "string",
               "options": ["gold", "silver"]}),
    )
    .await;
    old.assert_status(200);
    assert_eq!(old.body["data_type"], "string");
    assert_eq!(old.body["options"], json!(["gold", "silver"]));
    // 2.11 requires a description on every attribute.
    assert_eq!(old.body["description"], "");
    let new = create(
        &app,
        ApiVersion::V2_14,
        json!({"name": "band", "model": "company", "data_type": "options",
               "options": [{"value": "1-10"}, {"value": "11-50"}]}),
    )
    .await;
    new.assert_status(200);
    assert_eq!(new.body["options"], json!(["1-10", "11-50"]));
    assert!(new.body.get("description").is_none());
}

/// A valid create body with `extra` fields replaced.
fn body_with(extra: Value) -> Value {
    let mut body = json!({"name": "Mithril", "model": "contact", "data_type": "string"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// A workspace whose one custom attribute is the company's `The One Ring`.
async fn with_the_one_ring() -> TestApp {
    let app = TestApp::new().await;
    create(
        &app,
        ApiVersion::V2_14,
        json!({"name": "The One Ring", "model": "company", "data_type": "string"}),
    )
    .await
    .assert_status(200);
    app
}

/// Sends each body, expecting 400 `code` naming `field`, then checks nothing was written.
async fn assert_refused(app: &TestApp, v: ApiVersion, cases: &[(Value, &str, &str)]) {
    for (body, code, field) in cases {
        let res = create(app, v, body.clone()).await;
        res.assert_error(400, code);
        assert_eq!(res.body["errors"][0]["field"], *field, "{v} {body}");
    }
    assert_eq!(count_custom(app).await, 1, "failed creates wrote nothing");
}

#[tokio::test]
async fn every_2_11_create_error_names_its_field_and_writes_nothing() {
    let app = with_the_one_ring().await;
    let invalid = "parameter_invalid";
    let cases = [
        (body_with(json!({"name": "!nv@l!d n@me"})), invalid, "name"),
        (body_with(json!({"name": "the one ring"})), invalid, "name"),
        (body_with(json!({"name": "email"})), invalid, "name"),
        (
            body_with(json!({"data_type": "mithril"})),
            invalid,
            "data_type",
        ),
        (
            body_with(json!({"model": "conversation"})),
            invalid,
            "model",
        ),
        (
            body_with(json!({"options": ["a", "b"], "data_type": "integer"})),
            invalid,
            "options",
        ),
        (body_with(json!({"options": ["only"]})), invalid, "options"),
        (
            body_with(json!({"messenger_writable": "yes"})),
            invalid,
            "messenger_writable",
        ),
        (
            json!({"model": "contact", "data_type": "string"}),
            "parameter_not_found",
            "name",
        ),
        (
            json!({"name": "x", "data_type": "string"}),
            "parameter_not_found",
            "model",
        ),
        (
            json!({"name": "x", "model": "contact"}),
            "parameter_not_found",
            "data_type",
        ),
    ];
    assert_refused(&app, ApiVersion::V2_11, &cases).await;
}

#[tokio::test]
async fn every_2_14_create_error_names_its_field_and_writes_nothing() {
    let app = with_the_one_ring().await;
    let invalid = "parameter_invalid";
    let cases = [
        (
            body_with(json!({"data_type": "options"})),
            invalid,
            "options",
        ),
        (
            body_with(json!({"data_type": "options", "options": [{"value": "a"}]})),
            invalid,
            "options",
        ),
        (
            body_with(json!({"data_type": "options", "options": {"value": "a"}})),
            invalid,
            "options",
        ),
        (
            body_with(json!({"options": [{"value": "a"}, {"value": "b"}]})),
            invalid,
            "options",
        ),
        (body_with(json!({"name": "The.Ring"})), invalid, "name"),
        (
            body_with(json!({"name": "THE ONE RING", "model": "company"})),
            invalid,
            "name",
        ),
        (body_with(json!({"name": 7})), invalid, "name"),
    ];
    assert_refused(&app, ApiVersion::V2_14, &cases).await;
}

#[tokio::test]
async fn archiving_hides_an_attribute_unless_archived_ones_are_asked_for() {
    let app = TestApp::new().await;
    let id = create(
        &app,
        ApiVersion::V2_13,
        json!({"name": "seats", "model": "company", "data_type": "integer"}),
    )
    .await
    .body["id"]
        .as_i64()
        .unwrap();
    let res = app
        .put(&format!("/data_attributes/{id}"))
        .json(&json!({"archived": true, "description": "Seats bought"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["archived"], true);
    assert_eq!(res.body["description"], "Seats bought");
    let seats = "company:custom_attributes.seats".to_owned();
    assert!(!names(&app, "?model=company").await.contains(&seats));
    assert!(names(&app, "?model=company&include_archived=true")
        .await
        .contains(&seats));
    app.get("/data_attributes?include_archived=maybe")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    // An archived attribute no longer takes values.
    app.post("/contacts")
        .json(&json!({"email": "a@example.com", "custom_attributes": {"seats": 3}}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn updating_options_messenger_and_unknown_ids() {
    let app = TestApp::new().await;
    let list = create(
        &app,
        ApiVersion::V2_14,
        json!({"name": "shirt_size", "model": "company", "data_type": "options",
               "options": [{"value": "s"}, {"value": "m"}]}),
    )
    .await;
    let id = list.body["id"].as_i64().unwrap();
    let res = app
        .put(&format!("/data_attributes/{id}"))
        .version(ApiVersion::V2_11)
        .json(
            &json!({"options": [{"value": "s"}, {"value": "m"}, {"value": "l"}],
                      "messenger_writable": true}),
        )
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["options"], json!(["s", "m", "l"]));
    assert_eq!(res.body["messenger_writable"], true);
    let bad = app
        .put(&format!("/data_attributes/{id}"))
        .json(&json!({"options": "s,m"}))
        .send()
        .await;
    bad.assert_error(400, "parameter_invalid");
    assert_eq!(bad.body["errors"][0]["field"], "options");
    for missing in ["999", "abc"] {
        app.put(&format!("/data_attributes/{missing}"))
            .json(&json!({"archived": true}))
            .send()
            .await
            .assert_error(404, "field_not_found");
    }
    let scalar = create(
        &app,
        ApiVersion::V2_14,
        json!({"name": "nickname", "model": "contact", "data_type": "string"}),
    )
    .await;
    app.put(&format!("/data_attributes/{}", scalar.body["id"]))
        .json(&json!({"options": [{"value": "a"}, {"value": "b"}]}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn an_attribute_a_segment_filters_on_cannot_be_archived() {
    use confab_domain::tables::SEGMENTS;
    let app = TestApp::new().await;
    let id = create(
        &app,
        ApiVersion::V2_14,
        json!({"name": "plan", "model": "contact", "data_type": "string"}),
    )
    .await
    .body["id"]
        .as_i64()
        .unwrap();
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    let segment = json!({
        "name": "Pro", "person_type": "user", "created_at": 1, "updated_at": 1,
        "query": {"operator": "AND", "value": [
            {"field": "custom_attributes.plan", "operator": "=", "value": "pro"}]}
    });
    scope
        .insert_record(&SEGMENTS, segment.as_object().unwrap(), 1)
        .await
        .unwrap();
    scope.commit().await.unwrap();
    app.put(&format!("/data_attributes/{id}"))
        .json(&json!({"archived": true}))
        .send()
        .await
        .assert_error(422, "data_invalid");
    let listed = names(&app, "?model=contact").await;
    assert!(listed.contains(&"contact:custom_attributes.plan".to_owned()));
}
