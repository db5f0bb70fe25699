use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn create(app: &TestApp, body: Value) -> Value {
    let res = app.post("/contacts").json(&body).send().await;
    res.assert_status(200);
    res.body
}

#[tokio::test]
async fn a_created_contact_can_be_fetched_with_what_was_sent() {
    let app = TestApp::new().await;
    let created = create(
        &app,
        json!({"role": "user", "external_id": "u-1", "email": "Ann@Example.com", "name": "Ann",
               "phone": "+15550100", "signed_up_at": 1_700_000_000, "owner_id": 1,
               "unsubscribed_from_emails": true}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(id.len(), 24);
    let res = app.get(&format!("/contacts/{id}")).send().await;
    res.assert_status(200);
    let c = &res.body;
    assert_eq!(c["type"], "contact");
    assert_eq!(c["workspace_id"], app.workspace.id.as_str());
    assert_eq!(
        (
            &c["role"],
            &c["external_id"],
            &c["email"],
            &c["email_domain"]
        ),
        (
            &json!("user"),
            &json!("u-1"),
            &json!("Ann@Example.com"),
            &json!("example.com")
        )
    );
    assert_eq!((&c["name"], &c["owner_id"]), (&json!("Ann"), &json!(1)));
    assert_eq!(c["signed_up_at"], 1_700_000_000);
    assert_eq!(c["unsubscribed_from_emails"], true);
    assert_eq!(c["tags"]["total_count"], 0);
    assert_eq!(c["tags"]["url"], format!("/contacts/{id}/tags"));
    assert_eq!(c["custom_attributes"], json!({}));
}

#[tokio::test]
async fn a_contact_needs_an_email_external_id_or_role() {
    let app = TestApp::new().await;
    app.post("/contacts")
        .json(&json!({"name": "Nobody"}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    let lead = create(&app, json!({"role": "lead"})).await;
    assert_eq!(lead["role"], "lead");
    let user = create(&app, json!({"email": "only@example.com"})).await;
    assert_eq!(user["role"], "user", "role defaults to user");
    assert_eq!(
        app.get("/contacts").send().await.body["total_count"],
        2,
        "the failed create wrote nothing"
    );
}

#[tokio::test]
async fn bad_fields_are_named_and_write_nothing() {
    let app = TestApp::new().await;
    for (body, field) in [
        (json!({"email": "not an email"}), "email"),
        (json!({"role": "admin"}), "role"),
        (json!({"role": "user", "name": 42}), "name"),
        (
            json!({"role": "user", "signed_up_at": "yesterday"}),
            "signed_up_at",
        ),
        (json!({"role": "user", "owner_id": 999}), "owner_id"),
        (
            json!({"role": "user", "custom_attributes": {"nope": 1}}),
            "custom_attributes.nope",
        ),
    ] {
        let res = app.post("/contacts").json(&body).send().await;
        res.assert_error(400, "parameter_invalid");
        assert_eq!(res.body["errors"][0]["field"], field, "{body}");
    }
    assert_eq!(app.get("/contacts").send().await.body["total_count"], 0);
}

#[tokio::test]
async fn external_ids_and_user_emails_are_unique_but_leads_may_share_an_email() {
    let app = TestApp::new().await;
    let first = create(&app, json!({"external_id": "x1", "email": "a@example.com"})).await;
    let clash = app
        .post("/contacts")
        .json(&json!({"external_id": "x1"}))
        .send()
        .await;
    clash.assert_error(409, "conflict");
    let message = clash.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.ends_with(first["id"].as_str().unwrap()),
        "{message}"
    );
    app.post("/contacts")
        .json(&json!({"email": "a@example.com"}))
        .send()
        .await
        .assert_error(409, "conflict");
    create(&app, json!({"role": "lead", "email": "a@example.com"})).await;
    create(&app, json!({"role": "lead", "email": "a@example.com"})).await;
    let second = create(&app, json!({"external_id": "x2"})).await;
    app.put(&format!("/contacts/{}", second["id"].as_str().unwrap()))
        .json(&json!({"external_id": "x1"}))
        .send()
        .await
        .assert_error(409, "conflict");
}

#[tokio::test]
async fn an_update_changes_only_what_it_sends_and_merges_custom_attributes() {
    let app = TestApp::new().await;
    for (name, data_type) in [("plan", "string"), ("seats", "integer")] {
        app.declare_contact_attribute(name, data_type).await;
    }
    let created = app
        .post("/contacts")
        .json(&json!({"email": "b@example.com", "name": "Bea"}))
        .send()
        .await
        .body;
    let id = created["id"].as_str().unwrap().to_owned();
    app.put(&format!("/contacts/{id}"))
        .json(&json!({"custom_attributes": {"plan": "pro", "seats": 3}}))
        .send()
        .await
        .assert_status(200);
    let res = app
        .put(&format!("/contacts/{id}"))
        .json(&json!({"custom_attributes": {"seats": 5}, "phone": "+1"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        res.body["custom_attributes"],
        json!({"plan": "pro", "seats": 5})
    );
    let created = res.body;
    assert_eq!(created["name"], "Bea", "untouched fields stay");
    assert_eq!(created["phone"], "+1");
    let res = app
        .put(&format!("/contacts/{id}"))
        .json(&json!({"name": null}))
        .send()
        .await;
    assert_eq!(res.body["name"], Value::Null, "null clears a field");
    app.put("/contacts/000000000000000000000000")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn deleting_a_contact_answers_the_reference_and_it_is_gone() {
    let app = TestApp::new().await;
    let c = create(&app, json!({"external_id": "gone"})).await;
    let id = c["id"].as_str().unwrap();
    for v in ApiVersion::ALL {
        let other = create(&app, json!({"role": "lead"})).await;
        let res = app
            .delete(&format!("/contacts/{}", other["id"].as_str().unwrap()))
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(res.body["deleted"], true);
    }
    let res = app.delete(&format!("/contacts/{id}")).send().await;
    assert_eq!(
        res.body,
        json!({"type": "contact", "id": id, "external_id": "gone", "deleted": true})
    );
    app.get(&format!("/contacts/{id}"))
        .send()
        .await
        .assert_error(404, "not_found");
    app.delete(&format!("/contacts/{id}"))
        .send()
        .await
        .assert_error(404, "not_found");
    // The external id is free again.
    create(&app, json!({"external_id": "gone"})).await;
}

#[tokio::test]
async fn the_contact_list_pages_every_contact_exactly_once_and_stops() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let c = create(&app, json!({"external_id": format!("p{i}")})).await;
        ids.push(c["id"].as_str().unwrap().to_owned());
    }
    let first = app.get("/contacts").send().await;
    assert_eq!(first.body["total_count"], 7);
    assert_eq!(
        first.body["pages"]["per_page"], 10,
        "Intercom's real default"
    );
    let mut seen = Vec::new();
    let mut url = "/contacts?per_page=3".to_owned();
    let mut pages = 0;
    loop {
        let res = app.get(&url).send().await;
        res.assert_status(200);
        pages += 1;
        for c in res.body["data"].as_array().unwrap() {
            seen.push(c["id"].as_str().unwrap().to_owned());
        }
        if pages == 1 {
            // A contact created while paging is visited once, at the end.
            let late = create(&app, json!({"external_id": "late"})).await;
            ids.push(late["id"].as_str().unwrap().to_owned());
        }
        match res.body["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => url = format!("/contacts?per_page=3&starting_after={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    assert_eq!(pages, 3);
    app.get("/contacts?starting_after=garbage")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn archived_contacts_leave_the_list_until_unarchived() {
    let app = TestApp::new().await;
    let c = create(&app, json!({"external_id": "arch"})).await;
    let id = c["id"].as_str().unwrap();
    let res = app.post(&format!("/contacts/{id}/archive")).send().await;
    assert_eq!(
        res.body,
        json!({"type": "contact", "id": id, "external_id": "arch", "archived": true})
    );
    assert_eq!(app.get("/contacts").send().await.body["total_count"], 0);
    app.get(&format!("/contacts/{id}"))
        .send()
        .await
        .assert_status(200);
    let res = app.post(&format!("/contacts/{id}/unarchive")).send().await;
    assert_eq!(res.body["archived"], false);
    assert_eq!(app.get("/contacts").send().await.body["total_count"], 1);
    app.post("/contacts/ffffffffffffffffffffffff/archive")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn blocking_exists_from_2_13() {
    let app = TestApp::new().await;
    let c = create(&app, json!({"role": "lead"})).await;
    let path = format!("/contacts/{}/block", c["id"].as_str().unwrap());
    app.post(&path)
        .version(ApiVersion::V2_11)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
    let res = app.post(&path).version(ApiVersion::V2_14).send().await;
    res.assert_status(200);
    assert_eq!(res.body["blocked"], true);
}

#[tokio::test]
async fn find_by_external_id_finds_users_only() {
    let app = TestApp::new().await;
    let user = create(&app, json!({"external_id": "ext-1"})).await;
    create(&app, json!({"role": "lead", "external_id": "lead-ext"})).await;
    let res = app.get("/contacts/find_by_external_id/ext-1").send().await;
    res.assert_status(200);
    assert_eq!(res.body["id"], user["id"]);
    app.get("/contacts/find_by_external_id/lead-ext")
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/contacts/find_by_external_id/ext-1")
        .version(ApiVersion::V2_11)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
}

#[tokio::test]
async fn formatted_phone_is_shown_in_2_11_and_unstable_only() {
    let app = TestApp::new().await;
    let c = create(&app, json!({"role": "user", "phone": "+1 555"})).await;
    for v in ApiVersion::ALL {
        let res = app
            .get(&format!("/contacts/{}", c["id"].as_str().unwrap()))
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        let shown = res
            .body
            .as_object()
            .unwrap()
            .contains_key("formatted_phone");
        assert_eq!(
            shown,
            matches!(v, ApiVersion::V2_11 | ApiVersion::Unstable),
            "{v}"
        );
    }
}

#[tokio::test]
async fn merging_a_lead_into_a_user_keeps_the_user_and_removes_the_lead() {
    let app = TestApp::new().await;
    let lead = create(
        &app,
        json!({"role": "lead", "name": "Lee", "email": "lee@example.com"}),
    )
    .await;
    let user = create(&app, json!({"external_id": "merge-user"})).await;
    let (lead_id, user_id) = (lead["id"].as_str().unwrap(), user["id"].as_str().unwrap());
    app.post("/contacts/merge")
        .json(&json!({"from": user_id, "into": lead_id}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.post("/contacts/merge")
        .json(&json!({"from": lead_id}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    let res = app
        .post("/contacts/merge")
        .json(&json!({"from": lead_id, "into": user_id}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["id"], user_id);
    assert_eq!(res.body["name"], "Lee", "the user takes details it lacked");
    assert_eq!(res.body["email"], "lee@example.com");
    app.get(&format!("/contacts/{lead_id}"))
        .send()
        .await
        .assert_error(404, "not_found");
    let list = app.get("/contacts").send().await;
    assert_eq!(list.body["total_count"], 1);
}

#[tokio::test]
async fn a_token_never_sees_another_workspaces_contacts() {
    let app = TestApp::new().await;
    let c = create(&app, json!({"external_id": "mine"})).await;
    let (_, other_token) = app.other_workspace("Other").await;
    app.get(&format!("/contacts/{}", c["id"].as_str().unwrap()))
        .token(&other_token)
        .send()
        .await
        .assert_error(404, "not_found");
    let list = app.get("/contacts").token(&other_token).send().await;
    assert_eq!(list.body["total_count"], 0);
    // The same external id is free in the other workspace.
    app.post("/contacts")
        .token(&other_token)
        .json(&json!({"external_id": "mine"}))
        .send()
        .await
        .assert_status(200);
}

async fn tag(app: &TestApp, contact: &str, name: &str) -> String {
    let tag = app.post("/tags").json(&json!({"name": name})).send().await;
    tag.assert_status(200);
    let tag_id = tag.body["id"].as_str().unwrap().to_owned();
    app.post(&format!("/contacts/{contact}/tags"))
        .json(&json!({"id": tag_id}))
        .send()
        .await
        .assert_status(200);
    tag_id
}

#[tokio::test]
async fn merging_moves_the_leads_tags_and_notes_to_the_user() {
    let app = TestApp::new().await;
    let lead = create(&app, json!({"role": "lead"})).await;
    let user = create(&app, json!({"external_id": "keeper"})).await;
    let (lead, user) = (lead["id"].as_str().unwrap(), user["id"].as_str().unwrap());
    let shared = tag(&app, lead, "Shared").await;
    tag(&app, user, "Shared").await;
    let own = tag(&app, lead, "LeadOnly").await;
    app.post(&format!("/contacts/{lead}/notes"))
        .json(&json!({"body": "met at the fair"}))
        .send()
        .await
        .assert_status(200);
    let merged = app
        .post("/contacts/merge")
        .json(&json!({"from": lead, "into": user}))
        .send()
        .await;
    merged.assert_status(200);
    let mut tag_ids: Vec<&str> = merged.body["tags"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    tag_ids.sort_unstable();
    let mut expected = vec![shared.as_str(), own.as_str()];
    expected.sort_unstable();
    assert_eq!(tag_ids, expected, "tags move once each");
    assert_eq!(merged.body["notes"]["total_count"], 1);
    let notes = app.get(&format!("/contacts/{user}/notes")).send().await;
    assert_eq!(notes.body["data"][0]["contact"]["id"], user);
}

#[tokio::test]
async fn deleting_a_contact_leaves_no_dangling_tag_links_or_notes() {
    let app = TestApp::new().await;
    let c = create(&app, json!({"role": "lead"})).await;
    let id = c["id"].as_str().unwrap();
    let tag_id = tag(&app, id, "Temp").await;
    let note = app
        .post(&format!("/contacts/{id}/notes"))
        .json(&json!({"body": "bye"}))
        .send()
        .await;
    let note_id = note.body["id"].as_str().unwrap().to_owned();
    app.delete(&format!("/contacts/{id}"))
        .send()
        .await
        .assert_status(200);
    app.get(&format!("/notes/{note_id}"))
        .send()
        .await
        .assert_error(404, "not_found");
    // The tag has no taggings left, so it can be deleted without touching anything else.
    app.delete(&format!("/tags/{tag_id}"))
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_contact_embeds_at_most_ten_tags_and_counts_them_all() {
    let app = TestApp::new().await;
    let c = create(&app, json!({"role": "user", "email": "many@tags.com"})).await;
    let id = c["id"].as_str().unwrap();
    for i in 0..12 {
        tag(&app, id, &format!("T{i}")).await;
    }
    let res = app.get(&format!("/contacts/{id}")).send().await;
    let tags = &res.body["tags"];
    assert_eq!(tags["data"].as_array().unwrap().len(), 10);
    assert_eq!(tags["total_count"], 12);
    assert_eq!(tags["has_more"], true);
    assert_eq!(
        tags["data"][0]["url"],
        format!("/tags/{}", tags["data"][0]["id"].as_str().unwrap())
    );
    let all = app.get(&format!("/contacts/{id}/tags")).send().await;
    assert_eq!(all.body["data"].as_array().unwrap().len(), 12);
}
