//! A read that runs past the store's time limit is stopped and answered with a 400
//! (decision 0047); reads that finish within it answer as always.

use std::time::Duration;

use confab_store::Backend;
use confab_testkit::TestApp;
use serde_json::{json, Value};

fn contains(field: &str, value: String) -> Value {
    json!({"field": field, "operator": "~", "value": value})
}

#[tokio::test]
async fn a_search_past_the_read_time_limit_is_a_bad_request_and_a_lookup_still_answers() {
    // Every read is due at once: SQLite stops a statement at its first look at the clock,
    // after a few thousand steps, so only reads longer than that are stopped. PostgreSQL's
    // limit is in whole milliseconds and is tested in the store suite.
    let app = TestApp::sqlite_with_read_time_limit(Duration::ZERO).await;
    assert_eq!(app.store.backend(), Backend::Sqlite);
    let mut first = String::new();
    for n in 0..300 {
        let res = app
            .post("/contacts")
            .json(
                &json!({"email": format!("person{n}@example.com"), "name": format!("Person {n}")}),
            )
            .send()
            .await;
        res.assert_status(200);
        if n == 0 {
            first = res.body["id"].as_str().unwrap_or_default().to_owned();
        }
    }

    // Fifteen groups of fifteen patterns: every contact is tested against each group.
    let groups: Vec<Value> = (0..15)
        .map(|g| {
            let all: Vec<Value> = (0..15)
                .map(|f| contains("email", format!("absent-{g}-{f}")))
                .collect();
            json!({"operator": "AND", "value": all})
        })
        .collect();
    let res = app
        .post("/contacts/search")
        .json(&json!({"query": {"operator": "OR", "value": groups}}))
        .send()
        .await;
    res.assert_error(400, "bad_request");
    let message = res.error_message();
    assert!(message.contains("time limit"), "{message}");

    app.get(&format!("/contacts/{first}"))
        .send()
        .await
        .assert_status(200);
}
