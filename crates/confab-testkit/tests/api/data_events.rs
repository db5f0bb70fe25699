use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

/// The workspace clock in these tests: a day after the events they post (listing shows only
/// events less than 90 days old).
const NOW: i64 = 1_700_100_000;

async fn freeze(app: &TestApp, at: i64) {
    app.post("/_confab/clock")
        .json(&json!({ "freeze_at": at }))
        .send()
        .await
        .assert_status(200);
}

/// A user with `external_id` and email, with the clock frozen at [`NOW`]; returns its
/// Intercom id.
async fn user(app: &TestApp, external_id: &str, email: &str) -> String {
    freeze(app, NOW).await;
    let res = app
        .post("/contacts")
        .json(&json!({"role": "user", "external_id": external_id, "email": email}))
        .send()
        .await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

async fn post_event(app: &TestApp, body: Value) -> confab_testkit::TestResponse {
    app.post("/events").json(&body).send().await
}

async fn events(app: &TestApp, query: &str) -> Value {
    let res = app.get(&format!("/events?type=user&{query}")).send().await;
    res.assert_status(200);
    res.body
}

#[tokio::test]
async fn an_event_is_accepted_with_202_and_no_body_by_any_of_the_three_ids() {
    let app = TestApp::new().await;
    let id = user(&app, "u-1", "ann@example.com").await;
    for (key, value, at) in [
        ("id", id.as_str(), 1_700_000_001),
        ("user_id", "u-1", 1_700_000_002),
        ("email", "ann@example.com", 1_700_000_003),
    ] {
        let res = post_event(
            &app,
            json!({"event_name": "ordered", "created_at": at, key: value}),
        )
        .await;
        res.assert_status(202);
        assert_eq!(res.body, Value::Null);
    }
    let listed = events(&app, "user_id=u-1").await;
    assert_eq!(listed["type"], "event.summary");
    assert_eq!(listed["intercom_user_id"], id.as_str());
    assert_eq!(listed["user_id"], "u-1");
    assert_eq!(listed["email"], "ann@example.com");
    let times: Vec<i64> = listed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["created_at"].as_i64().unwrap())
        .collect();
    assert_eq!(times, vec![1_700_000_003, 1_700_000_002, 1_700_000_001]);
}

#[tokio::test]
async fn a_duplicate_event_is_accepted_and_ignored() {
    let app = TestApp::new().await;
    user(&app, "u-1", "ann@example.com").await;
    let body = json!({"event_name": "ordered", "created_at": 1_700_000_000, "user_id": "u-1",
                      "metadata": {"order": "A"}});
    post_event(&app, body.clone()).await.assert_status(202);
    let mut again = body.clone();
    again["metadata"] = json!({"order": "B"});
    post_event(&app, again).await.assert_status(202);
    let listed = events(&app, "user_id=u-1").await;
    let all = listed["events"].as_array().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["metadata"], json!({"order": "A"}));
}

#[tokio::test]
async fn metadata_keeps_ten_keys_in_the_order_sent_and_the_typed_objects() {
    let app = TestApp::new().await;
    user(&app, "u-1", "ann@example.com").await;
    let mut pairs: Vec<String> = (0..12)
        .map(|i| format!("\"key_{}\": \"v{i}\"", 11 - i))
        .collect();
    pairs.push(r#""link": {"url": "https://shop.example.com/o/1", "value": "Order 1"}"#.into());
    let raw = format!(
        r#"{{"event_name": "ordered", "created_at": 1700000000, "user_id": "u-1",
            "metadata": {{"price": {{"amount": 3499, "currency": "eur"}}, {}}}}}"#,
        pairs.join(", ")
    );
    app.post("/events")
        .raw_body(raw.into_bytes(), Some("application/json"))
        .send()
        .await
        .assert_status(202);
    let listed = events(&app, "user_id=u-1").await;
    let metadata = listed["events"][0]["metadata"].as_object().unwrap().clone();
    assert_eq!(metadata.len(), 10);
    assert_eq!(
        metadata["price"],
        json!({"amount": 3499, "currency": "eur"})
    );
    assert!(metadata.contains_key("key_11") && metadata.contains_key("key_3"));
    assert!(!metadata.contains_key("key_2") && !metadata.contains_key("link"));
    let nested = post_event(
        &app,
        json!({"event_name": "x", "created_at": 1, "user_id": "u-1",
               "metadata": {"deep": {"a": {"b": 1}}}}),
    )
    .await;
    nested.assert_error(400, "parameter_invalid");
    assert_eq!(nested.body["errors"][0]["field"], "metadata.deep");
}

#[tokio::test]
async fn bad_events_are_refused_and_unknown_users_are_user_not_found() {
    let app = TestApp::new().await;
    user(&app, "u-1", "ann@example.com").await;
    for (body, status, code) in [
        (
            json!({"created_at": 1, "user_id": "u-1"}),
            400,
            "parameter_not_found",
        ),
        (
            json!({"event_name": "x", "user_id": "u-1"}),
            400,
            "parameter_not_found",
        ),
        (
            json!({"event_name": "x", "created_at": 1}),
            400,
            "parameter_not_found",
        ),
        (
            json!({"event_name": "x", "created_at": "soon", "user_id": "u-1"}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"event_name": "x", "created_at": 1, "user_id": "nobody"}),
            404,
            "not_found",
        ),
        (
            json!({"event_name": "x", "created_at": 1, "email": "no@example.com"}),
            404,
            "not_found",
        ),
        (
            json!({"event_name": "x", "created_at": 1, "id": "5f0000000000000000000000"}),
            404,
            "not_found",
        ),
    ] {
        let res = post_event(&app, body.clone()).await;
        res.assert_error(status, code);
        if status == 404 {
            assert_eq!(res.body["errors"][0]["message"], "User Not Found");
        }
    }
    assert_eq!(events(&app, "user_id=u-1").await["events"], json!([]));
}

#[tokio::test]
async fn listing_needs_type_user_and_an_id() {
    let app = TestApp::new().await;
    user(&app, "u-1", "ann@example.com").await;
    app.get("/events?type=company&user_id=u-1")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.get("/events?user_id=u-1")
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    app.get("/events?type=user")
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    app.get("/events?type=user&user_id=ghost")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn the_summary_counts_events_and_recorded_summaries_per_name() {
    let app = TestApp::new().await;
    let id = user(&app, "u-1", "ann@example.com").await;
    for at in [1_389_913_941, 1_389_913_999] {
        post_event(
            &app,
            json!({"event_name": "ordered", "created_at": at, "id": id}),
        )
        .await
        .assert_status(202);
    }
    let res = app
        .post("/events/summaries")
        .json(&json!({"user_id": "u-1", "event_summaries":
            {"event_name": "ordered", "count": 5, "first": 1_300_000_000, "last": 1_300_000_100}}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body, Value::Null);
    app.post("/events/summaries")
        .json(&json!({"user_id": "u-1", "event_summaries":
            [{"event_name": "invited", "count": 2, "first": 1_389_000_000, "last": 1_389_000_000}]}))
        .send()
        .await
        .assert_status(200);
    let summary = events(&app, &format!("intercom_user_id={id}&summary=true")).await;
    assert_eq!(
        summary["events"],
        json!([
            {"name": "ordered", "count": 7, "first": "2011-03-13T07:06:40.000+00:00",
             "last": "2014-01-16T23:13:19.000+00:00"},
            {"name": "invited", "count": 2, "first": "2014-01-06T09:20:00.000+00:00",
             "last": "2014-01-06T09:20:00.000+00:00"},
        ])
    );
    // Recording a name again replaces its summary rather than adding to it.
    app.post("/events/summaries")
        .json(&json!({"user_id": "u-1", "event_summaries": {"event_name": "invited", "count": 3}}))
        .send()
        .await
        .assert_status(200);
    let summary = events(&app, "email=ann@example.com&summary=true").await;
    let invited = summary["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "invited")
        .unwrap();
    assert_eq!(invited["count"], 3);
    assert_eq!(
        invited["first"], invited["last"],
        "a summary without times is dated now"
    );
    app.post("/events/summaries")
        .json(&json!({"user_id": "ghost", "event_summaries": {"event_name": "x", "count": 1}}))
        .send()
        .await
        .assert_error(404, "not_found");
    app.post("/events/summaries")
        .json(&json!({"user_id": "u-1"}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
}

#[tokio::test]
async fn events_page_newest_first_and_2_11_items_read_as_summaries() {
    let app = TestApp::new().await;
    user(&app, "u-1", "ann@example.com").await;
    for at in 0..3 {
        post_event(
            &app,
            json!({"event_name": "seen", "created_at": 1_700_000_000 + at, "user_id": "u-1"}),
        )
        .await
        .assert_status(202);
    }
    let first = events(&app, "user_id=u-1&per_page=2").await;
    assert_eq!(first["events"].as_array().unwrap().len(), 2);
    let next = first["pages"]["next"].as_str().unwrap().to_owned();
    let second = app.get(&next).send().await;
    second.assert_status(200);
    assert_eq!(second.body["events"][0]["created_at"], 1_700_000_000);
    assert!(second.body["pages"].get("next").is_none());
    let old = app
        .get("/events?type=user&user_id=u-1")
        .version(ApiVersion::V2_11)
        .send()
        .await;
    old.assert_status(200);
    assert_eq!(old.body["events"][0]["name"], "seen");
    assert_eq!(old.body["events"][0]["count"], 1);
    assert_eq!(
        old.body["events"][0]["first"],
        "2023-11-14T22:13:22.000+00:00"
    );
}

#[tokio::test]
async fn a_merged_leads_events_and_summaries_move_to_the_user() {
    let app = TestApp::new().await;
    let user_id = user(&app, "u-1", "ann@example.com").await;
    let lead = app
        .post("/contacts")
        .json(&json!({"role": "lead"}))
        .send()
        .await;
    let lead_id = lead.body["id"].as_str().unwrap().to_owned();
    post_event(
        &app,
        json!({"event_name": "browsed", "created_at": 5, "id": lead_id}),
    )
    .await
    .assert_status(202);
    app.post("/contacts/merge")
        .json(&json!({"from": lead_id, "into": user_id}))
        .send()
        .await
        .assert_status(200);
    let summary = events(&app, "user_id=u-1&summary=true").await;
    assert_eq!(summary["events"][0]["name"], "browsed");
    assert_eq!(summary["events"][0]["count"], 1);
}

#[tokio::test]
async fn only_events_less_than_90_days_old_are_listed_but_summaries_count_them_all() {
    let app = TestApp::new().await;
    let id = user(&app, "u-1", "ann@example.com").await;
    let day = 86_400;
    for (name, at) in [
        ("recent", NOW - 89 * day),
        ("edge", NOW - 90 * day + 1),
        ("ninety", NOW - 90 * day),
        ("ancient", NOW - 400 * day),
    ] {
        post_event(
            &app,
            json!({"event_name": name, "created_at": at, "id": id}),
        )
        .await
        .assert_status(202);
    }
    let names = |body: &Value, key: &str| -> Vec<String> {
        body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[key].as_str().unwrap().to_owned())
            .collect()
    };
    for v in ApiVersion::ALL {
        let res = app
            .get("/events?type=user&user_id=u-1")
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        let key = if v == ApiVersion::V2_11 {
            "name"
        } else {
            "event_name"
        };
        let mut listed = names(&res.body, key);
        listed.sort();
        assert_eq!(listed, ["edge", "recent"], "{v}");
        let res = app
            .get("/events?type=user&user_id=u-1&summary=true")
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(res.body["events"].as_array().unwrap().len(), 4, "{v}");
    }
    // The window moves with the workspace clock.
    app.post("/_confab/clock")
        .json(&json!({ "advance_seconds": 2 }))
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        names(&events(&app, "user_id=u-1").await, "event_name"),
        ["recent"]
    );
}
