use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn contact(app: &TestApp, body: Value) -> String {
    let res = app.post("/contacts").json(&body).send().await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

/// A contact writes in; answers the new conversation's id.
async fn start(app: &TestApp, contact_id: &str, body: &str) -> String {
    let res = app
        .post("/conversations")
        .json(&json!({"from": {"type": "user", "id": contact_id}, "body": body}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "user_message");
    assert_eq!(res.body["message_type"], "inapp");
    res.body["conversation_id"].as_str().unwrap().to_owned()
}

async fn part(app: &TestApp, id: &str, body: Value) -> Value {
    let res = app
        .post(&format!("/conversations/{id}/parts"))
        .json(&body)
        .send()
        .await;
    res.assert_status(200);
    res.body
}

async fn reply(app: &TestApp, id: &str, body: Value) -> Value {
    let res = app
        .post(&format!("/conversations/{id}/reply"))
        .json(&body)
        .send()
        .await;
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

#[tokio::test]
async fn a_contact_started_conversation_can_be_fetched_at_once_with_its_source() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "w@x.com", "name": "Wendy"})).await;
    let id = start(&app, &c, "<p>Help &amp; thanks</p>").await;
    let res = app.get(&format!("/conversations/{id}")).send().await;
    res.assert_status(200);
    let conv = &res.body;
    assert_eq!(
        (&conv["state"], &conv["open"]),
        (&json!("open"), &json!(true))
    );
    assert_eq!(conv["source"]["body"], "<p>Help &amp; thanks</p>");
    assert_eq!(conv["source"]["author"]["id"], c);
    assert_eq!(conv["source"]["author"]["name"], "Wendy");
    assert_eq!(conv["source"]["delivered_as"], "customer_initiated");
    assert_eq!(conv["contacts"]["contacts"][0]["id"], c);
    assert_eq!(conv["waiting_since"], conv["created_at"]);
    assert_eq!(conv["conversation_parts"]["total_count"], 0);
    let plain = app
        .get(&format!("/conversations/{id}?display_as=plaintext"))
        .send()
        .await;
    assert_eq!(plain.body["source"]["body"], "Help & thanks");
}

#[tokio::test]
async fn the_support_desk_flow_moves_state_assignees_and_statistics() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "flow@x.com"})).await;
    set_clock(&app, 1_800_000_000).await;
    let id = start(&app, &c, "my order is late").await;

    set_clock(&app, 1_800_000_060).await;
    let conv = reply(
        &app,
        &id,
        json!({"type": "admin", "admin_id": "1", "message_type": "comment", "body": "Looking"}),
    )
    .await;
    assert_eq!(
        conv["waiting_since"],
        Value::Null,
        "an admin reply answers the contact"
    );
    assert_eq!(conv["statistics"]["time_to_admin_reply"], 60);
    assert_eq!(
        conv["teammates"]["teammates"],
        json!([{"type": "admin", "id": "1"}])
    );

    set_clock(&app, 1_800_000_100).await;
    let conv = part(
        &app,
        &id,
        json!({"message_type": "assignment", "type": "team", "admin_id": "1", "assignee_id": "1"}),
    )
    .await;
    assert_eq!(conv["team_assignee_id"], 1);
    assert_eq!(conv["statistics"]["count_assignments"], 1);
    let parts = &conv["conversation_parts"]["conversation_parts"];
    assert_eq!(parts[1]["part_type"], "assignment");
    assert_eq!(parts[1]["assigned_to"], json!({"type": "team", "id": "1"}));

    let conv = part(
        &app,
        &id,
        json!({"message_type": "assignment", "type": "admin", "admin_id": "1", "assignee_id": "2"}),
    )
    .await;
    assert_eq!(
        (&conv["admin_assignee_id"], &conv["team_assignee_id"]),
        (&json!(2), &json!(1))
    );
    let conv = part(
        &app,
        &id,
        json!({"message_type": "assignment", "type": "admin", "admin_id": "1", "assignee_id": "0"}),
    )
    .await;
    assert_eq!(conv["admin_assignee_id"], Value::Null, "0 unassigns");

    let conv = part(
        &app,
        &id,
        json!({"message_type": "snoozed", "admin_id": "1", "snoozed_until": 1_800_003_600}),
    )
    .await;
    assert_eq!(
        (&conv["state"], &conv["snoozed_until"]),
        (&json!("snoozed"), &json!(1_800_003_600))
    );

    set_clock(&app, 1_800_000_200).await;
    let conv = part(&app, &id, json!({"message_type": "close", "admin_id": "2"})).await;
    assert_eq!(
        (&conv["state"], &conv["open"]),
        (&json!("closed"), &json!(false))
    );
    assert_eq!(conv["snoozed_until"], Value::Null);
    assert_eq!(conv["statistics"]["time_to_first_close"], 200);
    assert_eq!(conv["statistics"]["last_closed_by_id"], "2");

    set_clock(&app, 1_800_000_300).await;
    let conv = reply(
        &app,
        &id,
        json!({"type": "user", "intercom_user_id": c, "message_type": "comment", "body": "still late"}),
    )
    .await;
    assert_eq!(
        conv["state"], "open",
        "a contact's reply reopens the conversation"
    );
    assert_eq!(conv["waiting_since"], 1_800_000_300);
    assert_eq!(conv["statistics"]["last_contact_reply_at"], 1_800_000_300);

    let conv = part(&app, &id, json!({"message_type": "close", "admin_id": "1"})).await;
    let conv2 = part(&app, &id, json!({"message_type": "open", "admin_id": "1"})).await;
    assert_eq!(conv["state"], "closed");
    assert_eq!(conv2["statistics"]["count_reopens"], 1);
    assert_eq!(conv2["statistics"]["count_conversation_parts"], 9);
    assert_eq!(conv2["conversation_parts"]["total_count"], 9);
}

#[tokio::test]
async fn notes_do_not_answer_the_contact() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "n@x.com"})).await;
    let id = start(&app, &c, "hi").await;
    let conv = reply(
        &app,
        &id,
        json!({"type": "admin", "admin_id": 1, "message_type": "note", "body": "internal"}),
    )
    .await;
    assert_ne!(conv["waiting_since"], Value::Null);
    assert_eq!(
        conv["conversation_parts"]["conversation_parts"][0]["part_type"],
        "note"
    );
    assert!(conv["statistics"].get("first_admin_reply_at").is_none());
}

#[tokio::test]
async fn replying_to_last_finds_the_contacts_latest_conversation() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"external_id": "last-1"})).await;
    start(&app, &c, "first").await;
    let second = start(&app, &c, "second").await;
    let conv = reply(
        &app,
        "last",
        json!({"type": "user", "user_id": "last-1", "message_type": "comment", "body": "me again"}),
    )
    .await;
    assert_eq!(conv["id"], second);
}

#[tokio::test]
async fn bad_actions_get_the_documented_errors_and_write_nothing() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "e@x.com"})).await;
    let id = start(&app, &c, "hello").await;
    let path = format!("/conversations/{id}/parts");
    for (body, status, code) in [
        (
            json!({"message_type": "snoozed", "admin_id": "1"}),
            400,
            "parameter_not_found",
        ),
        (json!({"message_type": "close"}), 400, "parameter_not_found"),
        (
            json!({"message_type": "close", "admin_id": "99"}),
            404,
            "admin_not_found",
        ),
        (
            json!({"message_type": "assignment", "type": "team", "admin_id": "1", "assignee_id": "77"}),
            404,
            "team_not_found",
        ),
        (
            json!({"message_type": "dance", "admin_id": "1"}),
            400,
            "parameter_invalid",
        ),
    ] {
        app.post(&path)
            .json(&body)
            .send()
            .await
            .assert_error(status, code);
    }
    let reply_path = format!("/conversations/{id}/reply");
    app.post(&reply_path)
        .json(&json!({"type": "admin", "admin_id": "1", "message_type": "comment"}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    app.post(&reply_path)
        .json(&json!({"type": "user", "email": "nobody@x.com", "message_type": "comment", "body": "x"}))
        .send()
        .await
        .assert_error(404, "not_found");
    app.post("/conversations/424242/reply")
        .json(&json!({"type": "admin", "admin_id": "1", "message_type": "comment", "body": "x"}))
        .send()
        .await
        .assert_error(404, "not_found");
    app.post("/conversations")
        .json(&json!({"from": {"type": "user", "id": "000000000000000000000000"}, "body": "x"}))
        .send()
        .await
        .assert_error(404, "not_found");
    let conv = app.get(&format!("/conversations/{id}")).send().await;
    assert_eq!(
        conv.body["conversation_parts"]["total_count"], 0,
        "nothing was written"
    );
}

#[tokio::test]
async fn every_version_sees_its_own_shape() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "v@x.com"})).await;
    let id = start(&app, &c, "versions").await;
    part(
        &app,
        &id,
        json!({"message_type": "assignment", "type": "team", "admin_id": "1", "assignee_id": "1"}),
    )
    .await;
    for v in ApiVersion::ALL {
        let one = app
            .get(&format!("/conversations/{id}"))
            .version(v)
            .send()
            .await;
        one.assert_status(200);
        let team = &one.body["team_assignee_id"];
        assert_eq!(team.is_string(), v == ApiVersion::Unstable, "{v}: {team}");
        assert_eq!(
            one.body.get("topics").is_some(),
            v == ApiVersion::V2_11,
            "{v}"
        );
        assert_eq!(
            one.body.get("custom_attributes").is_some(),
            v != ApiVersion::V2_13,
            "{v}"
        );
        let list = app.get("/conversations").version(v).send().await;
        list.assert_status(200);
        assert_eq!(list.body["type"], "conversation.list");
        let item = &list.body["conversations"][0];
        assert_eq!(
            item.get("conversation_parts").is_some(),
            v == ApiVersion::Unstable,
            "{v}"
        );
    }
    app.delete(&format!("/conversations/{id}"))
        .version(ApiVersion::V2_11)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
    let res = app.delete(&format!("/conversations/{id}")).send().await;
    assert_eq!(
        res.body,
        json!({"id": id, "object": "conversation", "deleted": true})
    );
    app.get(&format!("/conversations/{id}"))
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn the_conversation_list_pages_newest_first_and_stops() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "p@x.com"})).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(start(&app, &c, &format!("m{i}")).await);
    }
    ids.reverse();
    let mut seen = Vec::new();
    let mut url = "/conversations?per_page=2".to_owned();
    loop {
        let res = app.get(&url).send().await;
        assert_eq!(res.body["total_count"], 5);
        seen.extend(
            res.body["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match res.body["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => url = format!("/conversations?per_page=2&starting_after={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn an_update_marks_read_and_sets_the_title() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "u@x.com"})).await;
    let id = start(&app, &c, "hi").await;
    let res = app
        .put(&format!("/conversations/{id}"))
        .json(&json!({"read": true, "title": "Late order"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        (&res.body["read"], &res.body["title"]),
        (&json!(true), &json!("Late order"))
    );
    app.put(&format!("/conversations/{id}"))
        .json(&json!({"custom_attributes": {"undeclared": "x"}}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn redacting_replaces_a_part_or_the_source_for_good() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "r@x.com"})).await;
    let id = start(&app, &c, "my card is 4111").await;
    let conv = reply(
        &app,
        &id,
        json!({"type": "admin", "admin_id": "1", "message_type": "comment", "body": "secret"}),
    )
    .await;
    let part_id = conv["conversation_parts"]["conversation_parts"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let source_id = conv["source"]["id"].as_str().unwrap().to_owned();
    let res = app
        .post("/conversations/redact")
        .json(&json!({"type": "conversation_part", "conversation_id": id, "conversation_part_id": part_id}))
        .send()
        .await;
    res.assert_status(200);
    let redacted = &res.body["conversation_parts"]["conversation_parts"][0];
    assert_eq!(
        (&redacted["body"], &redacted["redacted"]),
        (&json!(""), &json!(true))
    );
    let res = app
        .post("/conversations/redact")
        .json(&json!({"type": "source", "conversation_id": id, "source_id": source_id}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        (&res.body["source"]["body"], &res.body["source"]["redacted"]),
        (&json!(""), &json!(true))
    );
    // Nothing can find the old text again.
    let found = app
        .post("/conversations/search")
        .json(&json!({"query": {"field": "source.body", "operator": "~", "value": "4111"}}))
        .send()
        .await;
    assert_eq!(found.body["total_count"], 0);
    app.post("/conversations/redact")
        .json(&json!({"type": "conversation_part", "conversation_id": id, "conversation_part_id": "999"}))
        .send()
        .await
        .assert_error(404, "conversation_part_or_message_not_found");
}

#[tokio::test]
async fn conversation_search_finds_by_state_assignee_contact_and_body() {
    let app = TestApp::with_demo().await;
    let ann = contact(&app, json!({"email": "ann@s.com"})).await;
    let bob = contact(&app, json!({"email": "bob@s.com"})).await;
    let a1 = start(&app, &ann, "refund please").await;
    let a2 = start(&app, &ann, "thanks").await;
    let b1 = start(&app, &bob, "refund again").await;
    part(&app, &a2, json!({"message_type": "close", "admin_id": "1"})).await;
    part(
        &app,
        &b1,
        json!({"message_type": "assignment", "type": "admin", "admin_id": "1", "assignee_id": "2"}),
    )
    .await;
    let ids = |body: &Value| -> Vec<String> {
        let mut ids = confab_testkit::ids_in(body, "conversations");
        ids.sort();
        ids
    };
    // Only this test's conversations, not the demo inbox's.
    let ours = json!({"field": "source.author.id", "operator": "IN", "value": [ann, bob]});
    let search = |query: Value| {
        let app = &app;
        let ours = ours.clone();
        async move {
            let res = app
                .post("/conversations/search")
                .json(&json!({"query": {"operator": "AND", "value": [ours, query]}}))
                .send()
                .await;
            res.assert_status(200);
            assert_eq!(res.body["type"], "conversation.list");
            res.body
        }
    };
    let mut open = vec![a1.clone(), b1.clone()];
    open.sort();
    assert_eq!(
        ids(&search(json!({"field": "state", "operator": "=", "value": "open"})).await),
        open
    );
    assert_eq!(
        ids(&search(json!({"field": "admin_assignee_id", "operator": "=", "value": 2})).await),
        vec![b1.clone()]
    );
    let mut anns = vec![a1.clone(), a2.clone()];
    anns.sort();
    assert_eq!(
        ids(&search(json!({"field": "contact_ids", "operator": "=", "value": ann})).await),
        anns
    );
    let mut refunds = vec![a1.clone(), b1.clone()];
    refunds.sort();
    assert_eq!(
        ids(&search(json!({"field": "source.body", "operator": "~", "value": "refund"})).await),
        refunds
    );
    app.post("/conversations/search")
        .json(&json!({"query": {"field": "statistics.median_time_to_reply", "operator": "=", "value": 1}}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn tagging_a_conversation_records_who_and_when_and_untagging_needs_an_admin() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "t@x.com"})).await;
    let id = start(&app, &c, "tag me").await;
    let tag = app
        .post("/tags")
        .json(&json!({"name": "Urgent"}))
        .send()
        .await;
    let tag_id = tag.body["id"].as_str().unwrap().to_owned();
    let res = app
        .post(&format!("/conversations/{id}/tags"))
        .json(&json!({"id": tag_id, "admin_id": "2"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["applied_by"], json!({"type": "admin", "id": "2"}));
    let conv = app.get(&format!("/conversations/{id}")).send().await;
    assert_eq!(conv.body["tags"]["tags"][0]["id"], tag_id);
    assert_eq!(conv.body["tags"]["tags"][0]["applied_by"]["id"], "2");
    let found = app
        .post("/conversations/search")
        .json(&json!({"query": {"field": "tag_ids", "operator": "=", "value": tag_id}}))
        .send()
        .await;
    assert_eq!(found.body["total_count"], 1);
    app.delete(&format!("/conversations/{id}/tags/{tag_id}"))
        .json(&json!({}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    app.delete(&format!("/conversations/{id}/tags/{tag_id}"))
        .json(&json!({"admin_id": "1"}))
        .send()
        .await
        .assert_status(200);
    let conv = app.get(&format!("/conversations/{id}")).send().await;
    assert_eq!(conv.body["tags"]["tags"], json!([]));
}

#[tokio::test]
async fn a_snoozed_conversation_reopens_when_the_clock_passes_its_time() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "zz@x.com"})).await;
    set_clock(&app, 1_800_000_000).await;
    let id = start(&app, &c, "later please").await;
    part(
        &app,
        &id,
        json!({"message_type": "snoozed", "admin_id": "1", "snoozed_until": 1_800_003_600}),
    )
    .await;
    set_clock(&app, 1_800_003_599).await;
    let conv = app.get(&format!("/conversations/{id}")).send().await;
    assert_eq!(conv.body["state"], "snoozed", "not yet");
    app.post("/_confab/clock")
        .json(&json!({"advance_seconds": 1}))
        .send()
        .await
        .assert_status(200);
    let conv = app.get(&format!("/conversations/{id}")).send().await;
    assert_eq!(
        (&conv.body["state"], &conv.body["snoozed_until"]),
        (&json!("open"), &Value::Null)
    );
    let parts = conv.body["conversation_parts"]["conversation_parts"]
        .as_array()
        .unwrap();
    assert_eq!(parts.last().unwrap()["part_type"], "timer_unsnooze");
}

#[tokio::test]
async fn a_misspelt_clock_field_is_refused_and_moves_nothing() {
    let app = TestApp::new().await;
    set_clock(&app, 1_800_000_000).await;
    let res = app
        .post("/_confab/clock")
        .json(&json!({"advance": 120}))
        .send()
        .await;
    res.assert_error(400, "parameter_invalid");
    let message = res.error_message();
    assert!(message.contains("advance_seconds"), "{message}");
    let clock = app.get("/_confab/clock").send().await;
    assert_eq!(clock.body["now"], 1_800_000_000);
}

#[tokio::test]
async fn participants_join_by_email_as_new_leads_and_the_last_one_cannot_leave() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "first@x.com"})).await;
    let id = start(&app, &c, "group chat").await;
    let res = app
        .post(&format!("/conversations/{id}/customers"))
        .json(&json!({"admin_id": "1", "customer": {"email": "newcomer@x.com"}}))
        .send()
        .await;
    res.assert_status(200);
    let contacts = res.body["contacts"]["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2);
    let newcomer = contacts.iter().find(|x| x["id"] != c.as_str()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lead = app.get(&format!("/contacts/{newcomer}")).send().await;
    assert_eq!(
        (&lead.body["role"], &lead.body["email"]),
        (&json!("lead"), &json!("newcomer@x.com"))
    );
    let parts = &res.body["conversation_parts"]["conversation_parts"];
    assert_eq!(parts[0]["part_type"], "participant_added");

    let res = app
        .delete(&format!("/conversations/{id}/customers/{c}"))
        .json(&json!({"admin_id": "1"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        res.body["contacts"]["contacts"].as_array().unwrap().len(),
        1
    );
    app.delete(&format!("/conversations/{id}/customers/{newcomer}"))
        .json(&json!({"admin_id": "1"}))
        .send()
        .await
        .assert_error(422, "parameter_invalid");
    app.post(&format!("/conversations/{id}/customers"))
        .json(
            &json!({"admin_id": "1", "customer": {"intercom_user_id": "000000000000000000000000"}}),
        )
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn blocking_a_contact_closes_its_conversations() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "spam@x.com"})).await;
    let other = contact(&app, json!({"email": "fine@x.com"})).await;
    let spam = start(&app, &c, "buy now").await;
    let fine = start(&app, &other, "hello").await;
    app.post(&format!("/contacts/{c}/block"))
        .send()
        .await
        .assert_status(200);
    let conv = app.get(&format!("/conversations/{spam}")).send().await;
    assert_eq!(conv.body["state"], "closed");
    let parts = &conv.body["conversation_parts"]["conversation_parts"];
    assert_eq!(parts[0]["part_type"], "close");
    let untouched = app.get(&format!("/conversations/{fine}")).send().await;
    assert_eq!(untouched.body["state"], "open");
}

#[tokio::test]
async fn replies_carry_their_attachments_into_the_part() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "att@x.com"})).await;
    let id = start(&app, &c, "see screenshot").await;
    for v in ApiVersion::ALL {
        let conv = app
            .post(&format!("/conversations/{id}/reply"))
            .version(v)
            .json(&json!({
                "type": "admin", "message_type": "comment", "admin_id": "1", "body": "Here",
                "attachment_urls": ["https://cdn.example/files/guide.pdf"],
                "attachment_files": [{"name": "log.txt", "content_type": "text/plain", "data": "aGVsbG8="}],
            }))
            .send()
            .await;
        conv.assert_status(200);
        let parts = conv.body["conversation_parts"]["conversation_parts"]
            .as_array()
            .unwrap();
        let attachments = &parts.last().unwrap()["attachments"];
        assert_eq!(
            attachments[0]["url"], "https://cdn.example/files/guide.pdf",
            "{v}"
        );
        assert_eq!(attachments[0]["content_type"], "application/pdf");
        assert_eq!(attachments[1]["name"], "log.txt");
        assert_eq!(attachments[1]["filesize"], 5);
        assert_eq!(attachments[1]["url"], "data:text/plain;base64,aGVsbG8=");
    }
    let res = app
        .post(&format!("/conversations/{id}/reply"))
        .json(
            &json!({"type": "user", "message_type": "comment", "intercom_user_id": c,
                      "body": "x", "attachment_urls": ["javascript:alert(1)"]}),
        )
        .send()
        .await;
    res.assert_error(400, "parameter_invalid");
    let after = app.get(&format!("/conversations/{id}")).send().await;
    assert_eq!(
        after.body["conversation_parts"]["total_count"],
        ApiVersion::ALL.len(),
        "the refused reply wrote nothing"
    );
}

#[tokio::test]
async fn an_update_associates_custom_object_instances_and_shows_them_as_attributes() {
    let app = TestApp::with_demo().await;
    let c = contact(&app, json!({"email": "co@x.com"})).await;
    let id = start(&app, &c, "where is my order?").await;
    let order = app
        .post("/custom_object_instances/Order")
        .version(ApiVersion::V2_14)
        .json(&json!({"external_id": "o-77", "custom_attributes": {"total": "12"}}))
        .send()
        .await;
    order.assert_status(200);
    let order_id = order.body["id"].as_str().unwrap().to_owned();
    for v in [ApiVersion::V2_14, ApiVersion::Unstable] {
        let res = app
            .put(&format!("/conversations/{id}"))
            .version(v)
            .json(&json!({"custom_attributes": {"order": [order_id]}}))
            .send()
            .await;
        res.assert_status(200);
        let orders = &res.body["custom_attributes"]["order"];
        assert_eq!(orders["type"], "order.list", "{v}");
        assert_eq!(orders["instances"][0]["id"], order_id.as_str());
        assert_eq!(orders["instances"][0]["external_id"], "o-77");
    }
    app.put(&format!("/conversations/{id}"))
        .version(ApiVersion::V2_14)
        .json(&json!({"custom_attributes": {"order": ["999999"]}}))
        .send()
        .await
        .assert_error(404, "not_found");
    let cleared = app
        .put(&format!("/conversations/{id}"))
        .version(ApiVersion::V2_14)
        .json(&json!({"custom_attributes": {"order": []}}))
        .send()
        .await;
    assert_eq!(cleared.body["custom_attributes"], json!({}));
    // Deleting the instance leaves nothing dangling on the conversation.
    app.put(&format!("/conversations/{id}"))
        .version(ApiVersion::V2_14)
        .json(&json!({"custom_attributes": {"order": [order_id]}}))
        .send()
        .await
        .assert_status(200);
    app.delete(&format!("/custom_object_instances/Order/{order_id}"))
        .version(ApiVersion::V2_14)
        .send()
        .await
        .assert_status(200);
    let after = app
        .get(&format!("/conversations/{id}"))
        .version(ApiVersion::V2_14)
        .send()
        .await;
    assert_eq!(after.body["custom_attributes"], json!({}));
}
