//! `POST /tickets/search`: every documented field by type and operator, ticket attributes by
//! id, paging to the end, and the query errors — in every version.

use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

const T0: i64 = 1_700_000_000;

async fn post(app: &TestApp, path: &str, v: ApiVersion, body: Value) -> Value {
    let res = app.post(path).version(v).json(&body).send().await;
    res.assert_status(200);
    res.body
}

async fn set_clock(app: &TestApp, at: i64) {
    app.post("/_confab/clock")
        .json(&json!({"freeze_at": at}))
        .send()
        .await
        .assert_status(200);
}

fn id(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

async fn attribute(app: &TestApp, type_id: &str, name: &str, data_type: &str) -> String {
    id(&post(
        app,
        &format!("/ticket_types/{type_id}/attributes"),
        ApiVersion::V2_14,
        json!({"name": name, "description": name, "data_type": data_type}),
    )
    .await)
}

async fn new_type(app: &TestApp, name: &str, category: &str) -> String {
    id(&post(
        app,
        "/ticket_types",
        ApiVersion::V2_14,
        json!({"name": name, "category": category, "description": "d"}),
    )
    .await)
}

/// A ticket created at `at`.
async fn ticket(app: &TestApp, at: i64, type_id: &str, contact: &str, attributes: Value) -> String {
    set_clock(app, at).await;
    id(&post(
        app,
        "/tickets",
        ApiVersion::V2_14,
        json!({"ticket_type_id": type_id, "contacts": [{"id": contact}],
               "ticket_attributes": attributes}),
    )
    .await)
}

/// Four tickets of three types (and one plain conversation, never found), each with a
/// known state, assignee, contact, attributes and creation time.
struct World {
    app: TestApp,
    admin: String,
    ann: String,
    bug_type: String,
    seats: String,
    task_seats: String,
    urgent: String,
    score: String,
    due: String,
    title: String,
    /// Bug (Customer) by Ann, created at T0: seats 3, urgent, score 1.5, due T0 + 1 day;
    /// an admin replied.
    t1: String,
    /// Bug by Bob, created at T0 + 100: seats 10; in progress, assigned to the admin.
    t2: String,
    /// Back-office task by Ann, created at T0 + 200, whose own `seats` is 3; snoozed.
    t3: String,
    /// Tracker by Bob, created at T0 + 300; closed.
    t4: String,
}

async fn world() -> World {
    let app = TestApp::new().await;
    let v = ApiVersion::V2_14;
    set_clock(&app, T0).await;
    let admin = id(&app.get("/me").send().await.body);
    let ann = id(&post(&app, "/contacts", v, json!({"email": "ann@x.com"})).await);
    let bob = id(&post(&app, "/contacts", v, json!({"email": "bob@x.com"})).await);
    let bug_type = new_type(&app, "Bug", "Customer").await;
    let task_type = new_type(&app, "Chore", "Back-office").await;
    let tracker_type = new_type(&app, "Incident", "Tracker").await;
    let seats = attribute(&app, &bug_type, "seats", "integer").await;
    let urgent = attribute(&app, &bug_type, "urgent", "boolean").await;
    let score = attribute(&app, &bug_type, "score", "decimal").await;
    let due = attribute(&app, &bug_type, "due", "datetime").await;
    let task_seats = attribute(&app, &task_type, "seats", "integer").await;
    let bug = app.get(&format!("/ticket_types/{bug_type}")).send().await;
    let title = bug.body["ticket_type_attributes"]["ticket_type_attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "_default_title_")
        .map(id)
        .unwrap();

    let t1 = ticket(
        &app,
        T0,
        &bug_type,
        &ann,
        json!({"_default_title_": "Login broken", "_default_description_": "The button fails",
               "seats": 3, "urgent": true, "score": 1.5, "due": T0 + 86_400}),
    )
    .await;
    let t2 = ticket(
        &app,
        T0 + 100,
        &bug_type,
        &bob,
        json!({"_default_title_": "Billing question", "_default_description_": "Invoice wrong",
               "seats": 10, "urgent": false}),
    )
    .await;
    let t3 = ticket(
        &app,
        T0 + 200,
        &task_type,
        &ann,
        json!({"_default_title_": "Refund", "seats": 3}),
    )
    .await;
    let t4 = ticket(
        &app,
        T0 + 300,
        &tracker_type,
        &bob,
        json!({"_default_title_": "Outage"}),
    )
    .await;
    // A conversation is never a ticket.
    post(
        &app,
        "/conversations",
        v,
        json!({"from": {"type": "user", "id": ann}, "body": "Login broken"}),
    )
    .await;

    act(&app, &admin, [&t1, &t2, &t3, &t4]).await;
    World {
        app,
        admin,
        ann,
        bug_type,
        seats,
        task_seats,
        urgent,
        score,
        due,
        title,
        t1,
        t2,
        t3,
        t4,
    }
}

/// What happens to the tickets after they are created: an admin replies to t1, moves t2 in
/// progress and assigns it, snoozes t3 and closes t4.
async fn act(app: &TestApp, admin: &str, [t1, t2, t3, t4]: [&str; 4]) {
    let v = ApiVersion::V2_14;
    set_clock(app, T0 + 400).await;
    post(
        app,
        &format!("/tickets/{t1}/reply"),
        v,
        json!({"type": "admin", "message_type": "comment", "admin_id": admin, "body": "On it"}),
    )
    .await;
    let states = app.get("/ticket_states").version(v).send().await;
    let in_progress = states.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["category"] == "in_progress")
        .map(id)
        .unwrap();
    let res = app
        .put(&format!("/tickets/{t2}"))
        .version(v)
        .json(
            &json!({"ticket_state_id": in_progress, "admin_id": admin.parse::<i64>().unwrap(),
                      "assignee_id": admin}),
        )
        .send()
        .await;
    res.assert_status(200);
    app.put(&format!("/tickets/{t3}"))
        .version(v)
        .json(&json!({"snoozed_until": T0 + 5_000}))
        .send()
        .await
        .assert_status(200);
    app.put(&format!("/tickets/{t4}"))
        .version(v)
        .json(&json!({"open": false}))
        .send()
        .await
        .assert_status(200);
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    ids.sort();
    ids
}

/// The ids of the tickets `query` finds, sorted, checking the list's shape and count.
async fn found(app: &TestApp, v: ApiVersion, query: Value) -> Vec<String> {
    let res = app
        .post("/tickets/search")
        .version(v)
        .json(&json!({"query": query}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "ticket.list", "{v}");
    let tickets = res.body["tickets"].as_array().unwrap();
    assert!(tickets.iter().all(|t| t["type"] == "ticket"));
    assert_eq!(res.body["total_count"], tickets.len(), "{v}: {query}");
    let mut ids: Vec<String> = tickets.iter().map(id).collect();
    ids.sort();
    ids
}

fn q(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "operator": op, "value": value})
}

/// Queries on the documented fields, with the tickets each finds.
fn field_cases(w: &World) -> Vec<(Value, Vec<String>)> {
    let (t1, t2, t3, t4) = (&w.t1, &w.t2, &w.t3, &w.t4);
    let all = sorted(&[t1, t2, t3, t4]);
    vec![
        // Ids: exact.
        (q("id", "=", json!(t1)), sorted(&[t1])),
        (q("id", "IN", json!([t1, t3])), sorted(&[t1, t3])),
        (q("id", "NIN", json!([t1, t3])), sorted(&[t2, t4])),
        (q("id", "!=", json!(t4)), sorted(&[t1, t2, t3])),
        // Times to the second.
        (q("created_at", ">", json!(T0 + 100)), sorted(&[t3, t4])),
        (
            q("created_at", "<", json!((T0 + 100).to_string())),
            sorted(&[t1]),
        ),
        (q("created_at", "=", json!(T0 + 200)), sorted(&[t3])),
        (
            q("updated_at", ">", json!(T0 + 300)),
            sorted(&[t1, t2, t3, t4]),
        ),
        // Text, without case.
        (q("title", "~", json!("BILL")), sorted(&[t2])),
        (q("title", "^", json!("log")), sorted(&[t1])),
        (q("title", "$", json!("Question")), sorted(&[t2])),
        (q("title", "!~", json!("o")), sorted(&[t3])),
        (q("title", "=", json!("refund")), sorted(&[t3])),
        (
            q("title", "IN", json!(["Outage", "Refund"])),
            sorted(&[t3, t4]),
        ),
        (q("description", "=", json!("invoice WRONG")), sorted(&[t2])),
        (
            q("description", "!=", json!("Invoice wrong")),
            sorted(&[t1, t3, t4]),
        ),
        (q("description", "=", Value::Null), sorted(&[t3, t4])),
        // Category by its search name.
        (q("category", "=", json!("request")), sorted(&[t1, t2])),
        (
            q("category", "IN", json!(["task", "tracker"])),
            sorted(&[t3, t4]),
        ),
        (q("category", "!=", json!("request")), sorted(&[t3, t4])),
        (q("category", "=", json!("Customer")), vec![]),
        (
            q("ticket_type_id", "=", json!(w.bug_type)),
            sorted(&[t1, t2]),
        ),
        (
            q("ticket_type_id", "NIN", json!([w.bug_type])),
            sorted(&[t3, t4]),
        ),
        // Memberships.
        (q("contact_ids", "=", json!(w.ann)), sorted(&[t1, t3])),
        (q("contact_ids", "!=", json!(w.ann)), sorted(&[t2, t4])),
        // The admin replied to t1, moved and assigned t2, snoozed t3, closed t4.
        (q("teammate_ids", "=", json!(w.admin)), all.clone()),
        (q("teammate_ids", "!=", json!(w.admin)), vec![]),
        (q("teammate_ids", "=", Value::Null), vec![]),
        // Assignees are strings; "0" is unassigned, as a ticket shows it.
        (q("admin_assignee_id", "=", json!(w.admin)), sorted(&[t2])),
        (
            q(
                "admin_assignee_id",
                "=",
                json!(w.admin.parse::<i64>().unwrap()),
            ),
            sorted(&[t2]),
        ),
        (
            q("admin_assignee_id", "=", json!("0")),
            sorted(&[t1, t3, t4]),
        ),
        (q("team_assignee_id", "=", json!("0")), all.clone()),
        // Open and state.
        (q("open", "=", json!(false)), sorted(&[t4])),
        (q("open", "=", json!("true")), sorted(&[t1, t2, t3])),
        (q("open", "!=", json!(true)), sorted(&[t4])),
        (q("state", "=", json!("in_progress")), sorted(&[t2])),
        (
            q("state", "IN", json!(["submitted"])),
            sorted(&[t1, t3, t4]),
        ),
        (q("state", "^", json!("IN_")), sorted(&[t2])),
        (q("snoozed_until", ">", json!(T0)), sorted(&[t3])),
        (q("snoozed_until", "=", Value::Null), sorted(&[t1, t2, t4])),
    ]
}

/// Queries on ticket attributes and groups, with the tickets each finds.
fn attribute_cases(w: &World) -> Vec<(Value, Vec<String>)> {
    let (t1, t2, t3, t4) = (&w.t1, &w.t2, &w.t3, &w.t4);
    let attr = |id: &str| format!("ticket_attribute.{id}");
    vec![
        // Attributes by id, typed by the attribute, on tickets of its own type only:
        // t3's own `seats` is 3 too, but it is another attribute.
        (q(&attr(&w.seats), "=", json!(3)), sorted(&[t1])),
        (q(&attr(&w.seats), ">", json!("5")), sorted(&[t2])),
        (q(&attr(&w.seats), "!=", json!(3)), sorted(&[t2, t3, t4])),
        (q(&attr(&w.seats), "IN", json!([3, 10])), sorted(&[t1, t2])),
        (q(&attr(&w.seats), "=", Value::Null), sorted(&[t3, t4])),
        (q(&attr(&w.task_seats), "=", json!(3)), sorted(&[t3])),
        (q(&attr(&w.urgent), "=", json!(true)), sorted(&[t1])),
        (
            q(&attr(&w.urgent), "!=", json!(true)),
            sorted(&[t2, t3, t4]),
        ),
        (q(&attr(&w.score), ">", json!(1.2)), sorted(&[t1])),
        (q(&attr(&w.score), "<", json!(1)), vec![]),
        (q(&attr(&w.due), "<", json!(T0 + 100_000)), sorted(&[t1])),
        (q(&attr(&w.title), "~", json!("LOGIN")), sorted(&[t1])),
        // Groups.
        (
            json!({"operator": "AND", "value": [
                q("category", "=", json!("request")),
                {"operator": "OR", "value": [
                    q(&attr(&w.seats), ">", json!(5)),
                    q(&attr(&w.urgent), "=", json!(true)),
                ]},
            ]}),
            sorted(&[t1, t2]),
        ),
        (
            json!({"operator": "OR", "value": [
                q("open", "=", json!(false)),
                q("state", "=", json!("in_progress")),
            ]}),
            sorted(&[t2, t4]),
        ),
    ]
}

#[tokio::test]
async fn every_ticket_field_is_searchable_by_its_operators_in_every_version() {
    let w = world().await;
    let (t1, t2, t4) = (&w.t1, &w.t2, &w.t4);
    for v in ApiVersion::ALL {
        let cases = field_cases(&w).into_iter().chain(attribute_cases(&w));
        for (query, expected) in cases {
            assert_eq!(
                found(&w.app, v, query.clone()).await,
                expected,
                "{v}: {query}"
            );
        }
        // `<=`/`>=` on times: every version but Unstable, whose enum dropped them.
        let at_most = q("created_at", "<=", json!(T0 + 100));
        if v == ApiVersion::Unstable {
            w.app
                .post("/tickets/search")
                .version(v)
                .json(&json!({"query": at_most}))
                .send()
                .await
                .assert_error(400, "parameter_invalid");
        } else {
            assert_eq!(found(&w.app, v, at_most).await, sorted(&[t1, t2]), "{v}");
            let at_least = q("created_at", ">=", json!(T0 + 300));
            assert_eq!(found(&w.app, v, at_least).await, sorted(&[t4]), "{v}");
        }
    }
}

#[tokio::test]
async fn bad_ticket_queries_are_named_errors_in_every_version() {
    let w = world().await;
    let seats = format!("ticket_attribute.{}", w.seats);
    for v in ApiVersion::ALL {
        let bad = [
            (
                json!({"field": "priority", "operator": "=", "value": "x"}),
                "priority",
            ),
            (
                json!({"field": "source.body", "operator": "=", "value": "x"}),
                "source.body",
            ),
            (
                json!({"field": "ticket_attribute.999999", "operator": "=", "value": 1}),
                "ticket_attribute.999999",
            ),
            (
                json!({"field": "ticket_attribute.", "operator": "=", "value": 1}),
                "ticket_attribute.",
            ),
            (
                json!({"field": "title", "operator": ">", "value": "a"}),
                "title",
            ),
            (
                json!({"field": "open", "operator": "~", "value": "t"}),
                "open",
            ),
            (
                json!({"field": "category", "operator": "<", "value": "task"}),
                "category",
            ),
            (
                json!({"field": "open", "operator": "=", "value": "maybe"}),
                "open",
            ),
            (
                json!({"field": "created_at", "operator": ">", "value": "yesterday"}),
                "created_at",
            ),
            (
                json!({"field": seats, "operator": "=", "value": "many"}),
                seats.as_str(),
            ),
            (
                json!({"field": seats, "operator": "~", "value": "3"}),
                seats.as_str(),
            ),
            (
                json!({"field": "ticket_attribute.1' OR '1'='1", "operator": "=", "value": 1}),
                "ticket_attribute.1' OR '1'='1",
            ),
            // Shape faults are the query's.
            (
                json!({"field": "id", "operator": "IN", "value": "1"}),
                "query",
            ),
        ];
        for (query, field) in bad {
            let res = w
                .app
                .post("/tickets/search")
                .version(v)
                .json(&json!({"query": query}))
                .send()
                .await;
            res.assert_error(400, "parameter_invalid");
            assert_eq!(res.body["errors"][0]["field"], field, "{v}: {query}");
        }
        let too_deep = json!({"operator": "AND", "value": [
            {"operator": "OR", "value": [
                {"operator": "AND", "value": [{"field": "id", "operator": "=", "value": "1"}]}
            ]}
        ]});
        w.app
            .post("/tickets/search")
            .version(v)
            .json(&json!({"query": too_deep}))
            .send()
            .await
            .assert_error(400, "parameter_invalid");
        w.app
            .post("/tickets/search")
            .version(v)
            .json(&json!({"pagination": {"per_page": 5}}))
            .send()
            .await
            .assert_error(400, "parameter_not_found");
    }
}

#[tokio::test]
async fn ticket_search_pages_to_the_end_in_every_version() {
    let app = TestApp::new().await;
    let v = ApiVersion::V2_14;
    set_clock(&app, T0).await;
    let contact = id(&post(&app, "/contacts", v, json!({"email": "p@x.com"})).await);
    let type_id = id(&post(
        &app,
        "/ticket_types",
        v,
        json!({"name": "Paged", "description": "d"}),
    )
    .await);
    let mut created = Vec::new();
    for i in 0..23 {
        // Some share a second, so the order's tie-break is walked too.
        set_clock(&app, T0 + i / 3).await;
        created.push(id(&post(
            &app,
            "/tickets",
            v,
            json!({"ticket_type_id": type_id, "contacts": [{"id": contact}],
                   "ticket_attributes": {"_default_title_": format!("Paged {i}")}}),
        )
        .await));
    }
    created.sort();
    let query = json!({"field": "title", "operator": "^", "value": "paged"});
    for v in ApiVersion::ALL {
        let first = post(&app, "/tickets/search", v, json!({"query": query})).await;
        assert_eq!(
            first["tickets"].as_array().unwrap().len(),
            20,
            "{v}: 20 by default"
        );
        assert_eq!(first["pages"]["per_page"], 20);
        assert_eq!(first["total_count"], 23);

        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut previous_updated = i64::MAX;
        for _ in 0..10 {
            let mut pagination = json!({"per_page": 5});
            if let Some(c) = &cursor {
                pagination["starting_after"] = json!(c);
            }
            let body = post(
                &app,
                "/tickets/search",
                v,
                json!({"query": query, "pagination": pagination}),
            )
            .await;
            assert_eq!(body["total_count"], 23, "{v}");
            for t in body["tickets"].as_array().unwrap() {
                let updated = t["updated_at"].as_i64().unwrap();
                assert!(
                    updated <= previous_updated,
                    "{v}: most recently updated first"
                );
                previous_updated = updated;
                seen.push(id(t));
            }
            match body["pages"]["next"]["starting_after"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        let count = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), count, "{v}: no ticket twice");
        assert_eq!(seen, created, "{v}: every ticket once");
    }
}
