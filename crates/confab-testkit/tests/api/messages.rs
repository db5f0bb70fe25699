use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

const ALL: [ApiVersion; 4] = [
    ApiVersion::V2_11,
    ApiVersion::V2_13,
    ApiVersion::V2_14,
    ApiVersion::Unstable,
];

async fn contact(app: &TestApp, body: Value) -> String {
    let res = app.post("/contacts").json(&body).send().await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

async fn send(app: &TestApp, version: ApiVersion, body: Value) -> Value {
    let res = app
        .post("/messages")
        .json(&body)
        .version(version)
        .send()
        .await;
    res.assert_status(200);
    res.body.clone()
}

async fn send_error(
    app: &TestApp,
    version: ApiVersion,
    body: Value,
    status: u16,
    code: &str,
) -> Value {
    let res = app
        .post("/messages")
        .json(&body)
        .version(version)
        .send()
        .await;
    res.assert_error(status, code);
    res.body["errors"][0].clone()
}

fn in_app(to: &str) -> Value {
    json!({
        "message_type": "in_app", "body": "<p>Hi there</p>",
        "from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": to},
    })
}

async fn contact_reply(app: &TestApp, version: ApiVersion, contact: &str, body: &str) -> Value {
    let res = app
        .post("/conversations/last/reply")
        .json(&json!({
            "type": "user", "intercom_user_id": contact,
            "message_type": "comment", "body": body,
        }))
        .version(version)
        .send()
        .await;
    res.assert_status(200);
    res.body.clone()
}

async fn set_clock(app: &TestApp, at: i64) {
    app.post("/_confab/clock")
        .json(&json!({"freeze_at": at}))
        .send()
        .await
        .assert_status(200);
}

async fn listed(app: &TestApp, version: ApiVersion) -> u64 {
    let res = app.get("/conversations").version(version).send().await;
    res.assert_status(200);
    res.body["total_count"].as_u64().unwrap()
}

#[tokio::test]
async fn an_in_app_message_becomes_a_conversation_when_the_contact_replies() {
    for version in ALL {
        let app = TestApp::new().await;
        let c = contact(&app, json!({"email": "m@x.com", "name": "Mia"})).await;
        set_clock(&app, 1_800_000_000).await;
        let message = send(&app, version, in_app(&c)).await;
        assert_eq!(message["type"], "admin_message");
        assert_eq!(message["message_type"], "inapp");
        assert_eq!(message["body"], "<p>Hi there</p>");
        assert_eq!(message["created_at"], 1_800_000_000);
        assert_eq!(message["owner"]["id"], "1");
        let id = message["conversation_id"].as_str().unwrap().to_owned();

        // Until the contact answers there is no conversation to see.
        app.get(&format!("/conversations/{id}"))
            .version(version)
            .send()
            .await
            .assert_error(404, "not_found");
        assert_eq!(listed(&app, version).await, 0, "{version}");
        let search = app
            .post("/conversations/search")
            .json(&json!({"query": {"field": "state", "operator": "=", "value": "open"}}))
            .version(version)
            .send()
            .await;
        assert_eq!(search.body["total_count"], 0);
        app.post(&format!("/conversations/{id}/reply"))
            .json(
                &json!({"type": "admin", "admin_id": "1", "message_type": "comment", "body": "x"}),
            )
            .version(version)
            .send()
            .await
            .assert_error(404, "not_found");
        app.post("/conversations/last/reply")
            .json(
                &json!({"type": "admin", "admin_id": "1", "message_type": "comment", "body": "x"}),
            )
            .version(version)
            .send()
            .await
            .assert_error(404, "not_found");

        set_clock(&app, 1_800_000_090).await;
        let conv = contact_reply(&app, version, &c, "Hello back").await;
        assert_eq!(conv["id"], id);
        assert_eq!(
            conv["source"]["id"], message["id"],
            "the message is the source"
        );
        assert_eq!(conv["source"]["type"], "conversation");
        assert_eq!(conv["source"]["delivered_as"], "admin_initiated");
        assert_eq!(conv["source"]["author"]["type"], "admin");
        assert_eq!(conv["source"]["author"]["id"], "1");
        assert_eq!(conv["source"]["body"], "<p>Hi there</p>");
        assert_eq!(conv["created_at"], 1_800_000_000);
        assert_eq!(conv["admin_assignee_id"], 1, "the sender owns the reply");
        assert_eq!(conv["waiting_since"], 1_800_000_090);
        assert_eq!(conv["first_contact_reply"]["created_at"], 1_800_000_090);
        assert_eq!(conv["contacts"]["contacts"][0]["id"], c);
        let parts = &conv["conversation_parts"];
        assert_eq!(parts["total_count"], 1);
        assert_eq!(parts["conversation_parts"][0]["author"]["id"], c);

        let fetched = app
            .get(&format!("/conversations/{id}"))
            .version(version)
            .send()
            .await;
        fetched.assert_status(200);
        assert_eq!(fetched.body["state"], "open");
        assert_eq!(listed(&app, version).await, 1);
    }
}

#[tokio::test]
async fn create_conversation_without_contact_reply_opens_it_at_once() {
    for version in ALL {
        let app = TestApp::new().await;
        let c = contact(&app, json!({"email": "o@x.com"})).await;
        set_clock(&app, 1_800_000_000).await;
        let mut body = in_app(&c);
        body["create_conversation_without_contact_reply"] = json!(true);
        let message = send(&app, version, body).await;
        let id = message["conversation_id"].as_str().unwrap();
        let res = app
            .get(&format!("/conversations/{id}"))
            .version(version)
            .send()
            .await;
        res.assert_status(200);
        let conv = &res.body;
        assert_eq!(conv["state"], "open");
        assert_eq!(conv["source"]["id"], message["id"]);
        assert_eq!(conv["source"]["delivered_as"], "admin_initiated");
        assert_eq!(conv["source"]["author"]["id"], "1");
        assert_eq!(
            conv["waiting_since"],
            Value::Null,
            "nobody waits on the admin"
        );
        assert_eq!(conv["contacts"]["contacts"][0]["id"], c);
        assert!(conv.get("first_contact_reply").is_none_or(Value::is_null));
        assert_eq!(listed(&app, version).await, 1);
        // The contact saw the message: it is when they were last contacted.
        let contact = app
            .get(&format!("/contacts/{c}"))
            .version(version)
            .send()
            .await;
        assert_eq!(contact.body["last_contacted_at"], 1_800_000_000);
    }
}

#[tokio::test]
async fn an_email_message_has_its_subject_and_reaches_the_contact_by_external_id_or_email() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "e@x.com", "external_id": "ext-9"})).await;
    for (version, to) in [
        (
            ApiVersion::V2_11,
            json!({"type": "user", "user_id": "ext-9"}),
        ),
        (
            ApiVersion::V2_14,
            json!({"type": "user", "email": "e@x.com"}),
        ),
    ] {
        let message = send(
            &app,
            version,
            json!({
                "message_type": "email", "subject": "Your invoice", "body": "Attached",
                "template": "personal", "from": {"type": "admin", "id": "1"}, "to": to,
                "create_conversation_without_contact_reply": true,
            }),
        )
        .await;
        assert_eq!(message["message_type"], "email");
        assert_eq!(message["subject"], "Your invoice");
        let id = message["conversation_id"].as_str().unwrap();
        let conv = app
            .get(&format!("/conversations/{id}"))
            .version(version)
            .send()
            .await;
        assert_eq!(conv.body["source"]["type"], "email");
        assert_eq!(conv.body["source"]["subject"], "Your invoice");
        assert_eq!(conv.body["contacts"]["contacts"][0]["id"], c);
    }
}

#[tokio::test]
async fn bad_messages_get_the_documented_errors_and_write_nothing() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "b@x.com"})).await;
    for version in ALL {
        let mut no_body = in_app(&c);
        no_body["body"] = Value::Null;
        let e = send_error(&app, version, no_body, 400, "parameter_invalid").await;
        assert_eq!(e["message"], "Body is required");

        let email = json!({
            "message_type": "email", "body": "hey", "template": "plain",
            "from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": c},
        });
        let e = send_error(&app, version, email.clone(), 422, "parameter_not_found").await;
        assert_eq!(e["message"], "No subject supplied for email message");
        let mut no_email_body = email.clone();
        no_email_body["subject"] = json!("s");
        no_email_body["body"] = json!("  ");
        let e = send_error(&app, version, no_email_body, 400, "parameter_invalid").await;
        assert_eq!(e["message"], "Body is required");
        let mut bad_template = email.clone();
        bad_template["subject"] = json!("s");
        bad_template["template"] = json!("fancy");
        send_error(&app, version, bad_template, 400, "parameter_invalid").await;

        let mut unknown_admin = in_app(&c);
        unknown_admin["from"]["id"] = json!(999);
        send_error(&app, version, unknown_admin, 404, "admin_not_found").await;
        let unknown_contact = in_app("5f0000000000000000000000");
        let e = send_error(&app, version, unknown_contact, 404, "not_found").await;
        assert_eq!(e["message"], "User Not Found");
        let mut no_to = in_app(&c);
        no_to.as_object_mut().unwrap().remove("to");
        send_error(&app, version, no_to, 400, "parameter_not_found").await;
        let mut no_from = in_app(&c);
        no_from.as_object_mut().unwrap().remove("from");
        send_error(&app, version, no_from, 400, "parameter_not_found").await;
        let mut bad_type = in_app(&c);
        bad_type["message_type"] = json!("pigeon");
        send_error(&app, version, bad_type, 400, "parameter_invalid").await;
        let mut bad_flag = in_app(&c);
        bad_flag["create_conversation_without_contact_reply"] = json!("yes");
        send_error(&app, version, bad_flag, 400, "parameter_invalid").await;
    }
    for version in [ApiVersion::V2_13, ApiVersion::V2_14, ApiVersion::Unstable] {
        // Only an admin sends messages after 2.11.
        let mut from_user = in_app(&c);
        from_user["from"] = json!({"type": "user", "id": c});
        send_error(&app, version, from_user, 400, "parameter_invalid").await;
    }
    for version in [ApiVersion::V2_11, ApiVersion::V2_13] {
        let mut many = in_app(&c);
        many["to"] = json!([{"type": "user", "id": c}]);
        send_error(&app, version, many, 400, "parameter_invalid").await;
    }
    // SMS and WhatsApp are Unstable's.
    let mut sms = in_app(&c);
    sms["message_type"] = json!("sms");
    send_error(&app, ApiVersion::V2_14, sms, 400, "parameter_invalid").await;

    let contact = app.get(&format!("/contacts/{c}")).send().await;
    assert_eq!(contact.body["last_contacted_at"], Value::Null);
    let mut scope_check = in_app(&c);
    scope_check["create_conversation_without_contact_reply"] = json!(true);
    send(&app, ApiVersion::V2_14, scope_check).await;
    assert_eq!(
        listed(&app, ApiVersion::V2_14).await,
        1,
        "only the good message"
    );
}

#[tokio::test]
async fn an_email_goes_to_several_recipients_with_cc_and_bcc_from_2_14() {
    for version in [ApiVersion::V2_14, ApiVersion::Unstable] {
        let app = TestApp::new().await;
        let a = contact(&app, json!({"email": "a@x.com"})).await;
        let b = contact(&app, json!({"email": "b@x.com", "role": "lead"})).await;
        let c = contact(&app, json!({"email": "c@x.com"})).await;
        let d = contact(&app, json!({"email": "d@x.com"})).await;
        set_clock(&app, 1_800_000_000).await;
        let message = send(
            &app,
            version,
            json!({
                "message_type": "email", "subject": "Team update", "body": "News",
                "template": "plain", "from": {"type": "admin", "id": 1},
                "to": [{"type": "user", "id": a}, {"type": "lead", "id": b}],
                "cc": {"type": "user", "id": c}, "bcc": [{"type": "user", "id": d}],
                "create_conversation_without_contact_reply": true,
            }),
        )
        .await;
        let id = message["conversation_id"].as_str().unwrap();
        let conv = app
            .get(&format!("/conversations/{id}"))
            .version(version)
            .send()
            .await;
        let mut ids: Vec<&str> = conv.body["contacts"]["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        ids.sort_unstable();
        let mut expected = vec![a.as_str(), b.as_str(), c.as_str()];
        expected.sort_unstable();
        assert_eq!(ids, expected, "a blind copy is no participant");
        let blind = app
            .get(&format!("/contacts/{d}"))
            .version(version)
            .send()
            .await;
        assert_eq!(blind.body["last_contacted_at"], 1_800_000_000);

        // Several recipients, cc and bcc are for email only.
        let mut group_chat = in_app(&a);
        group_chat["to"] = json!([{"type": "user", "id": a}, {"type": "user", "id": c}]);
        send_error(&app, version, group_chat, 400, "parameter_invalid").await;
        let mut cc_chat = in_app(&a);
        cc_chat["cc"] = json!({"type": "user", "id": c});
        send_error(&app, version, cc_chat, 400, "parameter_invalid").await;
    }
}

#[tokio::test]
async fn in_2_11_a_contact_may_write_through_messages() {
    let app = TestApp::new().await;
    let c = contact(&app, json!({"email": "u@x.com"})).await;
    let message = send(
        &app,
        ApiVersion::V2_11,
        json!({"from": {"type": "user", "id": c}, "body": "I need help"}),
    )
    .await;
    assert_eq!(message["type"], "user_message");
    let id = message["conversation_id"].as_str().unwrap();
    let conv = app
        .get(&format!("/conversations/{id}"))
        .version(ApiVersion::V2_11)
        .send()
        .await;
    conv.assert_status(200);
    assert_eq!(conv.body["source"]["delivered_as"], "customer_initiated");
    assert_eq!(conv.body["source"]["author"]["id"], c);
}

#[tokio::test]
async fn unstable_sends_sms_and_whatsapp_and_reports_whatsapp_status() {
    let app = TestApp::new().await;
    let v = ApiVersion::Unstable;
    let phone = contact(&app, json!({"email": "p@x.com", "phone": "+15550100"})).await;
    let no_phone = contact(&app, json!({"email": "n@x.com"})).await;
    let sms = |to: &str, body: &str| {
        json!({
            "message_type": "sms", "body": body,
            "from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": to},
        })
    };
    let message = send(&app, v, sms(&phone, "Your code is 1234")).await;
    assert_eq!(message["message_type"], "sms");
    let e = send_error(
        &app,
        v,
        sms(&phone, "see https://x.com/a.png"),
        400,
        "parameter_invalid",
    )
    .await;
    assert_eq!(e["message"], "Invalid SMS message body");
    send_error(&app, v, sms(&no_phone, "hello"), 400, "parameter_invalid").await;

    set_clock(&app, 1_800_000_000).await;
    let whatsapp = json!({
        "message_type": "whatsapp", "template": "order_update",
        "components": [{"type": "BODY", "parameters": [{"type": "text", "text": "42"}]}],
        "from": {"type": "admin", "id": 1}, "to": {"type": "user", "id": phone},
    });
    let message = send(&app, v, whatsapp.clone()).await;
    assert_eq!(message["message_type"], "whatsapp");
    let mut no_components = whatsapp.clone();
    no_components.as_object_mut().unwrap().remove("components");
    send_error(&app, v, no_components, 400, "parameter_not_found").await;

    let ruleset = message["id"].as_str().unwrap();
    let status = app
        .get(&format!("/messages/status?ruleset_id={ruleset}"))
        .version(v)
        .send()
        .await;
    status.assert_status(200);
    assert_eq!(status.body["ruleset_id"], ruleset);
    assert_eq!(status.body["total_count"], 1);
    assert_eq!(status.body["pages"]["next"], Value::Null);
    let event = &status.body["events"][0];
    assert_eq!(event["status"], "sent");
    assert_eq!(event["user_id"], phone);
    assert_eq!(event["template_name"], "order_update");
    assert_eq!(event["conversation_id"], message["conversation_id"]);
    assert_eq!(event["created_at"], 1_800_000_000);

    set_clock(&app, 1_800_000_050).await;
    contact_reply(&app, v, &phone, "Thanks").await;
    let status = app
        .get(&format!("/messages/status?ruleset_id={ruleset}"))
        .version(v)
        .send()
        .await;
    assert_eq!(status.body["events"][0]["status"], "read");
    assert_eq!(status.body["events"][0]["updated_at"], 1_800_000_050);

    let unknown = app
        .get("/messages/status?ruleset_id=404")
        .version(v)
        .send()
        .await;
    unknown.assert_status(200);
    assert_eq!(unknown.body["total_count"], 0);
    app.get("/messages/status")
        .version(v)
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    app.get(&format!("/messages/status?ruleset_id={ruleset}"))
        .version(ApiVersion::V2_14)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
}

#[tokio::test]
async fn only_its_contact_can_reply_by_the_id_the_message_gave() {
    let app = TestApp::new().await;
    let v = ApiVersion::V2_11;
    let c = contact(&app, json!({"email": "r1@x.com"})).await;
    let other = contact(&app, json!({"email": "r2@x.com"})).await;
    let mut body = in_app(&c);
    body["subject"] = json!("Quick question");
    let message = send(&app, v, body).await;
    assert_eq!(message["subject"], "Quick question");
    let id = message["conversation_id"].as_str().unwrap();
    let by = |who: &str| json!({"type": "user", "intercom_user_id": who, "message_type": "comment", "body": "hi"});
    app.post(&format!("/conversations/{id}/reply"))
        .json(&by(&other))
        .version(v)
        .send()
        .await
        .assert_error(404, "not_found");
    let res = app
        .post(&format!("/conversations/{id}/reply"))
        .json(&by(&c))
        .version(v)
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["id"], id);
    assert_eq!(res.body["source"]["subject"], "Quick question");
    assert_eq!(listed(&app, v).await, 1);
}
