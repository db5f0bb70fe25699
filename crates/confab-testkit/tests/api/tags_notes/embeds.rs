//! What a contact shows of its tags and notes, and what its deletion leaves behind.

use confab_testkit::TestApp;
use serde_json::json;

use super::{contact, tag_contact};

#[tokio::test]
async fn a_contact_embeds_its_tags_until_the_tag_is_deleted() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let tag = app
        .post("/tags")
        .json(&json!({"name": "VIP"}))
        .send()
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    tag_contact(&app, &ann, &tag).await;
    let shown = app.get(&format!("/contacts/{ann}")).send().await;
    assert_eq!(shown.body["tags"]["total_count"], 1);
    assert_eq!(
        shown.body["tags"]["data"][0],
        json!({"type": "tag", "id": tag, "url": format!("/tags/{tag}")})
    );
    app.delete(&format!("/tags/{tag}"))
        .send()
        .await
        .assert_status(200);
    let after = app.get(&format!("/contacts/{ann}")).send().await;
    assert_eq!(after.body["tags"]["total_count"], 0);
    assert_eq!(after.body["tags"]["data"], json!([]));
}

#[tokio::test]
async fn a_contact_embeds_its_notes_and_takes_them_along_when_deleted() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let note = app
        .post(&format!("/contacts/{ann}/notes"))
        .json(&json!({"body": "Met at the conference"}))
        .send()
        .await;
    note.assert_status(200);
    let note_id = note.body["id"].as_str().unwrap().to_owned();
    let shown = app.get(&format!("/contacts/{ann}")).send().await;
    assert_eq!(shown.body["notes"]["total_count"], 1);
    assert_eq!(shown.body["notes"]["data"][0]["id"], note_id.as_str());
    app.delete(&format!("/contacts/{ann}"))
        .send()
        .await
        .assert_status(200);
    app.get(&format!("/notes/{note_id}"))
        .send()
        .await
        .assert_error(404, "not_found");
    app.get(&format!("/contacts/{ann}/notes"))
        .send()
        .await
        .assert_error(404, "not_found");
}
