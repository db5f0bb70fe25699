//! Routing a conversation: `run_assignment_rules` (2.11) and `handling_events` (Unstable).

use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn start(app: &TestApp) -> String {
    let res = app
        .post("/contacts")
        .json(&json!({"email": "r@x.com"}))
        .send()
        .await;
    res.assert_status(200);
    let contact = res.body["id"].as_str().unwrap().to_owned();
    let res = app
        .post("/conversations")
        .json(&json!({"from": {"type": "user", "id": contact}, "body": "help"}))
        .send()
        .await;
    res.assert_status(200);
    res.body["conversation_id"].as_str().unwrap().to_owned()
}

async fn part(app: &TestApp, id: &str, body: Value) {
    app.post(&format!("/conversations/{id}/parts"))
        .json(&body)
        .send()
        .await
        .assert_status(200);
}

async fn set_clock(app: &TestApp, at: i64) {
    app.post("/_confab/clock")
        .json(&json!({"freeze_at": at}))
        .send()
        .await
        .assert_status(200);
}

async fn handling(app: &TestApp, id: &str) -> Vec<Value> {
    let res = app
        .get(&format!("/conversations/{id}/handling_events"))
        .version(ApiVersion::Unstable)
        .send()
        .await;
    res.assert_status(200);
    res.body["handling_events"].as_array().unwrap().clone()
}

fn assign(kind: &str, to: &str) -> Value {
    json!({"message_type": "assignment", "type": kind, "admin_id": "1", "assignee_id": to})
}

#[tokio::test]
async fn running_assignment_rules_without_rules_leaves_the_conversation_with_nobody() {
    let app = TestApp::with_demo().await;
    let id = start(&app).await;
    part(&app, &id, assign("admin", "2")).await;
    part(&app, &id, assign("team", "1")).await;
    let res = app
        .post(&format!("/conversations/{id}/run_assignment_rules"))
        .version(ApiVersion::V2_11)
        .send()
        .await;
    res.assert_status(200);
    let conv = &res.body;
    assert_eq!(conv["admin_assignee_id"], Value::Null);
    assert_eq!(conv["team_assignee_id"], 1, "the team assignment stays");
    let parts = conv["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap();
    let last = parts.last().unwrap();
    assert_eq!(last["part_type"], "default_assignment");
    assert_eq!(
        last["assigned_to"],
        json!({"type": "nobody_admin", "id": null})
    );
    assert_eq!(last["author"]["type"], "bot");
    assert_eq!(conv["conversation_parts"]["total_count"], 3);

    app.post("/conversations/999/run_assignment_rules")
        .version(ApiVersion::V2_11)
        .send()
        .await
        .assert_error(404, "not_found");
    for later in [ApiVersion::V2_13, ApiVersion::V2_14, ApiVersion::Unstable] {
        app.post(&format!("/conversations/{id}/run_assignment_rules"))
            .version(later)
            .send()
            .await
            .assert_error(400, "intercom_version_invalid");
    }
}

#[tokio::test]
async fn handling_events_follow_assignment_closing_and_reopening() {
    let app = TestApp::with_demo().await;
    set_clock(&app, 1_767_949_200).await; // 2026-01-09 09:00:00 UTC
    let id = start(&app).await;
    assert!(
        handling(&app, &id).await.is_empty(),
        "nobody handles it yet"
    );

    set_clock(&app, 1_767_949_260).await;
    part(&app, &id, assign("admin", "1")).await;
    set_clock(&app, 1_767_949_800).await;
    part(&app, &id, json!({"message_type": "close", "admin_id": "1"})).await;
    set_clock(&app, 1_767_950_400).await;
    part(&app, &id, json!({"message_type": "open", "admin_id": "1"})).await;
    part(&app, &id, assign("admin", "2")).await;

    let got = handling(&app, &id).await;
    let summary: Vec<(i64, &str, &str, Option<&str>)> = got
        .iter()
        .map(|e| {
            (
                e["teammate"]["id"].as_i64().unwrap(),
                e["type"].as_str().unwrap(),
                e["timestamp"].as_str().unwrap(),
                e["reason"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "resumed", "2026-01-09T09:01:00.000+00:00", None),
            (1, "paused", "2026-01-09T09:10:00.000+00:00", Some("Closed")),
            (1, "resumed", "2026-01-09T09:20:00.000+00:00", None),
            (
                1,
                "paused",
                "2026-01-09T09:20:00.000+00:00",
                Some("Reassigned")
            ),
            (2, "resumed", "2026-01-09T09:20:00.000+00:00", None),
        ]
    );
    assert_eq!(got[4]["teammate"]["name"], "Alex Agent");
    assert_eq!(got[4]["teammate"]["email"], "alex@example.com");

    app.get("/conversations/999/handling_events")
        .version(ApiVersion::Unstable)
        .send()
        .await
        .assert_error(404, "not_found");
    app.get(&format!("/conversations/{id}/handling_events"))
        .version(ApiVersion::V2_14)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
}

#[tokio::test]
async fn an_admins_message_is_handled_by_its_sender_from_the_start() {
    let app = TestApp::with_demo().await;
    let res = app
        .post("/contacts")
        .json(&json!({"email": "h@x.com"}))
        .send()
        .await;
    let contact = res.body["id"].as_str().unwrap().to_owned();
    set_clock(&app, 1_767_949_200).await;
    let res = app
        .post("/messages")
        .json(&json!({
            "message_type": "in_app", "body": "Welcome", "from": {"type": "admin", "id": 2},
            "to": {"type": "user", "id": contact},
            "create_conversation_without_contact_reply": true,
        }))
        .send()
        .await;
    res.assert_status(200);
    let id = res.body["conversation_id"].as_str().unwrap();
    let res = app
        .get(&format!("/conversations/{id}/handling_events"))
        .version(ApiVersion::Unstable)
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        res.body["handling_events"],
        json!([{
            "teammate": {"type": "admin", "id": 2, "name": "Alex Agent", "email": "alex@example.com"},
            "type": "resumed",
            "timestamp": "2026-01-09T09:00:00.000+00:00",
        }])
    );
}
