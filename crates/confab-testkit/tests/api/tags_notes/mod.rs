//! Tags, notes and subscription types, and the fixtures they share.

mod embeds;
mod notes;
mod subscriptions;
mod tagging;
mod tags;

use confab_domain::record::{id_of, Record, Side, Table};
use confab_domain::tables::{COMPANIES, SEGMENTS};
use confab_testkit::TestApp;
use serde_json::{json, Value};

/// A new contact, made through the API like a client would.
pub async fn contact(app: &TestApp, email: &str) -> String {
    let res = app
        .post("/contacts")
        .json(&json!({ "email": email, "role": "user" }))
        .send()
        .await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

/// Stores a record straight through the store, for resources another branch serves.
pub async fn insert(app: &TestApp, table: &Table, values: Value) -> String {
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    let values: Record = values.as_object().cloned().unwrap();
    let record = scope
        .insert_record(table, &values, 1_700_000_000)
        .await
        .unwrap();
    scope.commit().await.unwrap();
    id_of(&record).to_owned()
}

/// A company, stored directly (companies are served by another branch).
pub async fn company(app: &TestApp, company_id: &str) -> String {
    insert(
        app,
        &COMPANIES,
        json!({ "company_id": company_id, "name": company_id, "created_at": 1, "updated_at": 1 }),
    )
    .await
}

/// A segment whose definition filters contacts on a tag.
pub async fn segment_on_tag(app: &TestApp, name: &str, tag_id: &str) -> String {
    insert(
        app,
        &SEGMENTS,
        json!({
            "name": name,
            "person_type": "user",
            "query": {"operator": "AND", "value": [{"field": "tag_id", "operator": "=", "value": tag_id}]},
            "created_at": 1,
            "updated_at": 1,
        }),
    )
    .await
}

/// How many records a table holds in the test workspace.
pub async fn count(app: &TestApp, table: &Table) -> u64 {
    let mut scope = app.store.read(&app.workspace.id).await.unwrap();
    scope.count_records(table, &[]).await.unwrap()
}

/// A tag made with `POST /tags`; its id.
pub async fn create_tag(app: &TestApp, name: &str) -> String {
    let res = app
        .post("/tags")
        .json(&json!({ "name": name }))
        .send()
        .await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

/// Tags `contact` with `tag_id` through `POST /contacts/{id}/tags`.
pub async fn tag_contact(app: &TestApp, contact: &str, tag_id: &str) {
    app.post(&format!("/contacts/{contact}/tags"))
        .json(&json!({ "id": tag_id }))
        .send()
        .await
        .assert_status(200);
}

/// How many links of `relation` hold this tag.
pub async fn links(app: &TestApp, relation: &str, tag_id: &str) -> u64 {
    let mut scope = app.store.read(&app.workspace.id).await.unwrap();
    scope
        .count_links(relation, Side::Right, tag_id)
        .await
        .unwrap()
}
