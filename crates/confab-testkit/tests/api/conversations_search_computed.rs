//! `POST /conversations/search` on what the database computes from a conversation's row and
//! parts — `open`, `teammate_ids` and `statistics.*` — checked against what the same
//! conversations render, so search and rendering cannot disagree.

use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

const T0: i64 = 1_800_000_000;

async fn set_clock(app: &TestApp, at: i64) {
    app.post("/_confab/clock")
        .json(&json!({"freeze_at": at}))
        .send()
        .await
        .assert_status(200);
}

async fn ok(app: &TestApp, path: &str, body: Value) -> Value {
    let res = app.post(path).json(&body).send().await;
    res.assert_status(200);
    res.body
}

/// Conversations with varied histories, each step at a known time; answers their ids.
async fn histories(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    let contact = ok(app, "/contacts", json!({"email": "h@x.com"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (n, steps) in [
        // A full desk flow: reply, assignments, snooze, close, contact reply, close, reopen.
        vec![
            (60, "reply", json!({"type": "admin", "admin_id": "1", "message_type": "comment", "body": "Looking"})),
            (100, "parts", json!({"message_type": "assignment", "type": "admin", "admin_id": "1", "assignee_id": "2"})),
            (150, "reply", json!({"type": "admin", "admin_id": "2", "message_type": "comment", "body": "Mine now"})),
            (170, "parts", json!({"message_type": "snoozed", "admin_id": "1", "snoozed_until": T0 + 3_600})),
            (200, "parts", json!({"message_type": "close", "admin_id": "2"})),
            (300, "reply", json!({"type": "user", "intercom_user_id": "{c}", "message_type": "comment", "body": "still late"})),
            (350, "parts", json!({"message_type": "close", "admin_id": "1"})),
            (400, "parts", json!({"message_type": "open", "admin_id": "1"})),
        ],
        // A note, then a reply after the contact wrote again; assigned twice.
        vec![
            (30, "reply", json!({"type": "admin", "admin_id": "2", "message_type": "note", "body": "internal"})),
            (40, "parts", json!({"message_type": "assignment", "type": "admin", "admin_id": "2", "assignee_id": "1"})),
            (90, "reply", json!({"type": "user", "intercom_user_id": "{c}", "message_type": "comment", "body": "hello?"})),
            (95, "parts", json!({"message_type": "assignment", "type": "admin", "admin_id": "1", "assignee_id": "2"})),
            (120, "reply", json!({"type": "admin", "admin_id": "1", "message_type": "comment", "body": "Here"})),
        ],
        // Nobody answered.
        vec![],
        // Closed at once, reopened, closed again.
        vec![
            (10, "parts", json!({"message_type": "close", "admin_id": "1"})),
            (20, "parts", json!({"message_type": "open", "admin_id": "2"})),
            (30, "parts", json!({"message_type": "close", "admin_id": "2"})),
        ],
    ]
    .into_iter()
    .enumerate()
    {
        let start = T0 + i64::try_from(n).unwrap() * 10_000;
        set_clock(app, start).await;
        let res = ok(
            app,
            "/conversations",
            json!({"from": {"type": "user", "id": contact}, "body": "help"}),
        )
        .await;
        let id = res["conversation_id"].as_str().unwrap().to_owned();
        for (after, path, body) in steps {
            set_clock(app, start + after).await;
            let body: Value =
                serde_json::from_str(&body.to_string().replace("{c}", &contact)).unwrap();
            ok(app, &format!("/conversations/{id}/{path}"), body).await;
        }
        ids.push(id);
    }
    ids
}

/// The ids among `ours` that `query` finds.
async fn found(app: &TestApp, v: ApiVersion, ours: &[String], query: Value) -> Vec<String> {
    let res = app
        .post("/conversations/search")
        .version(v)
        .json(&json!({"query": {"operator": "AND", "value": [
            {"field": "id", "operator": "IN", "value": ours},
            query,
        ]}, "pagination": {"per_page": 150}}))
        .send()
        .await;
    res.assert_status(200);
    let mut ids = confab_testkit::ids_in(&res.body, "conversations");
    ids.sort();
    ids
}

const STATISTICS: [&str; 17] = [
    "count_conversation_parts",
    "count_assignments",
    "count_reopens",
    "first_assignment_at",
    "last_assignment_at",
    "time_to_assignment",
    "first_close_at",
    "last_close_at",
    "time_to_first_close",
    "time_to_last_close",
    "last_closed_by_id",
    "first_admin_reply_at",
    "last_admin_reply_at",
    "last_assignment_admin_reply_at",
    "first_contact_reply_at",
    "last_contact_reply_at",
    "time_to_admin_reply",
];

#[tokio::test]
async fn statistics_search_finds_what_the_conversations_render() {
    let app = TestApp::with_demo().await;
    let mut ours = histories(&app).await;
    ours.sort();
    let mut rendered = Vec::new();
    for id in &ours {
        let res = app.get(&format!("/conversations/{id}")).send().await;
        res.assert_status(200);
        rendered.push((id.clone(), res.body["statistics"].clone()));
    }
    // The histories do vary every statistic (else the check below proves little).
    for name in STATISTICS {
        let values: std::collections::BTreeSet<String> = rendered
            .iter()
            .map(|(_, s)| s.get(name).cloned().unwrap_or(Value::Null).to_string())
            .collect();
        assert!(
            values.len() > 1,
            "{name} is the same everywhere: {values:?}"
        );
    }
    for name in STATISTICS {
        for (id, stats) in &rendered {
            let value = stats.get(name).cloned().unwrap_or(Value::Null);
            let expected: Vec<String> = rendered
                .iter()
                .filter(|(_, s)| s.get(name).cloned().unwrap_or(Value::Null) == value)
                .map(|(id, _)| id.clone())
                .collect();
            let query =
                json!({"field": format!("statistics.{name}"), "operator": "=", "value": value});
            let got = found(&app, ApiVersion::V2_14, &ours, query).await;
            assert_eq!(got, expected, "statistics.{name} = {value} (from {id})");
        }
    }
    // Comparisons and every version.
    let (desk, second) = (&ours[0], &ours[1]);
    for v in ApiVersion::ALL {
        let q = |field: &str, op: &str, value: Value| json!({"field": format!("statistics.{field}"), "operator": op, "value": value});
        assert_eq!(
            found(&app, v, &ours, q("count_assignments", ">", json!(0))).await,
            vec![desk.clone(), second.clone()],
            "{v}"
        );
        assert_eq!(
            found(&app, v, &ours, q("count_reopens", "=", json!(1)))
                .await
                .len(),
            2,
            "{v}: the desk flow and the close/open/close one"
        );
        assert_eq!(
            found(&app, v, &ours, q("time_to_admin_reply", "<", json!(61))).await,
            vec![desk.clone()],
            "{v}"
        );
        assert_eq!(
            found(&app, v, &ours, q("last_closed_by_id", "IN", json!(["1"]))).await,
            vec![desk.clone()],
            "{v}"
        );
        assert_eq!(
            found(&app, v, &ours, q("first_admin_reply_at", "=", Value::Null))
                .await
                .len(),
            2,
            "{v}: nobody replied to the last two"
        );
    }
}

#[tokio::test]
async fn open_and_teammate_ids_match_the_rendered_conversation_in_every_version() {
    let app = TestApp::with_demo().await;
    let mut ours = histories(&app).await;
    ours.sort();
    let (desk, second, silent, flipped) = (&ours[0], &ours[1], &ours[2], &ours[3]);
    for v in ApiVersion::ALL {
        let q = |field: &str, op: &str, value: Value| json!({"field": field, "operator": op, "value": value});
        // The desk flow ends reopened; the last one closed.
        let mut open = vec![desk.clone(), second.clone(), silent.clone()];
        open.sort();
        assert_eq!(
            found(&app, v, &ours, q("open", "=", json!(true))).await,
            open,
            "{v}"
        );
        assert_eq!(
            found(&app, v, &ours, q("open", "=", json!("false"))).await,
            vec![flipped.clone()],
            "{v}"
        );
        // Admin 1 wrote parts in all but the silent one; admin 2 in all but the silent one.
        let mut wrote = vec![desk.clone(), second.clone(), flipped.clone()];
        wrote.sort();
        assert_eq!(
            found(&app, v, &ours, q("teammate_ids", "=", json!("2"))).await,
            wrote,
            "{v}"
        );
        assert_eq!(
            found(&app, v, &ours, q("teammate_ids", "NIN", json!(["1", "2"]))).await,
            vec![silent.clone()],
            "{v}"
        );
        assert_eq!(
            found(&app, v, &ours, q("teammate_ids", "=", Value::Null)).await,
            vec![silent.clone()],
            "{v}"
        );
        app.post("/conversations/search")
            .version(v)
            .json(&json!({"query": q("open", ">", json!(true))}))
            .send()
            .await
            .assert_error(400, "parameter_invalid");
        app.post("/conversations/search")
            .version(v)
            .json(&json!({"query": q("conversation_rating.score", "=", json!(5))}))
            .send()
            .await
            .assert_error(400, "parameter_invalid");
    }
    // Teammates are the admins who wrote a part, as rendered.
    for id in &ours {
        let res = app.get(&format!("/conversations/{id}")).send().await;
        for t in res.body["teammates"]["teammates"].as_array().unwrap() {
            let by = found(
                &app,
                ApiVersion::V2_14,
                &ours,
                json!({"field": "teammate_ids", "operator": "=", "value": t["id"]}),
            )
            .await;
            assert!(by.contains(id), "{id} by teammate {}", t["id"]);
        }
    }
}
