use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn contact(app: &TestApp, body: Value) -> String {
    let res = app.post("/contacts").json(&body).send().await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

async fn ticket_type(app: &TestApp, name: &str, category: &str) -> String {
    let res = app
        .post("/ticket_types")
        .json(&json!({"name": name, "category": category, "description": "d"}))
        .send()
        .await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

async fn ticket(app: &TestApp, v: ApiVersion, body: Value) -> Value {
    let res = app.post("/tickets").version(v).json(&body).send().await;
    res.assert_status(200);
    res.body
}

async fn admin_id(app: &TestApp) -> String {
    let me = app.get("/me").send().await;
    me.body["id"].as_str().unwrap().to_owned()
}

async fn set_clock(app: &TestApp, at: i64) {
    app.post("/_confab/clock")
        .json(&json!({"freeze_at": at}))
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_ticket_type_starts_with_the_two_default_attributes_and_every_state() {
    let app = TestApp::new().await;
    for v in ApiVersion::ALL {
        let name = format!("Bug {v}");
        let res = app
            .post("/ticket_types")
            .version(v)
            .json(&json!({"name": name, "description": "Something broke"}))
            .send()
            .await;
        res.assert_status(200);
        let created = &res.body;
        assert_eq!(created["category"], "Customer", "{v}");
        assert_eq!(created["icon"], "\u{1f39f}\u{fe0f}", "{v}");
        let names: Vec<&str> = created["ticket_type_attributes"]["ticket_type_attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["_default_title_", "_default_description_"], "{v}");
        if v == ApiVersion::V2_11 {
            assert!(created.get("ticket_states").is_none());
        } else {
            let categories: Vec<&str> = created["ticket_states"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["category"].as_str().unwrap())
                .collect();
            assert_eq!(
                categories,
                [
                    "submitted",
                    "in_progress",
                    "waiting_on_customer",
                    "resolved"
                ]
            );
        }
        let id = created["id"].as_str().unwrap();
        let fetched = app
            .get(&format!("/ticket_types/{id}"))
            .version(v)
            .send()
            .await;
        fetched.assert_status(200);
        assert_eq!(fetched.body["name"], name.as_str());
    }
    let list = app
        .get("/ticket_types")
        .version(ApiVersion::V2_11)
        .send()
        .await;
    assert_eq!(list.body["type"], "ticket_type_attributes.list");
    assert_eq!(list.body["ticket_types"].as_array().unwrap().len(), 4);
    let list = app
        .get("/ticket_types")
        .version(ApiVersion::V2_14)
        .send()
        .await;
    assert_eq!(list.body["type"], "list");
    assert_eq!(list.body["data"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn ticket_types_are_updated_and_their_names_are_unique() {
    let app = TestApp::new().await;
    let id = ticket_type(&app, "Refund", "Customer").await;
    app.post("/ticket_types")
        .json(&json!({"name": "refund"}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.post("/ticket_types")
        .json(&json!({"name": "X", "category": "Sideways"}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    let res = app
        .put(&format!("/ticket_types/{id}"))
        .json(&json!({"name": "Refunds", "category": "Back-office", "archived": true}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        (
            &res.body["name"],
            &res.body["category"],
            &res.body["archived"]
        ),
        (&json!("Refunds"), &json!("Back-office"), &json!(true))
    );
    app.get("/ticket_types/999999")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn ticket_type_attributes_are_checked_by_data_type() {
    let app = TestApp::new().await;
    let id = ticket_type(&app, "Order", "Customer").await;
    let path = format!("/ticket_types/{id}/attributes");
    let res = app
        .post(&path)
        .json(
            &json!({"name": "Tier", "description": "Plan tier", "data_type": "list",
                      "list_items": "Gold, Silver", "required_to_create": true}),
        )
        .send()
        .await;
    res.assert_status(200);
    let tier = res.body.clone();
    assert_eq!(tier["order"], 2);
    assert_eq!(tier["default"], false);
    assert_eq!(tier["ticket_type_id"], id.parse::<i64>().unwrap());
    let labels: Vec<&str> = tier["input_options"]["list_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Gold", "Silver"]);
    for (bad, why) in [
        (
            json!({"name": "L", "description": "d", "data_type": "list"}),
            "list without items",
        ),
        (
            json!({"name": "M", "description": "d", "data_type": "integer", "multiline": true}),
            "multiline integer",
        ),
        (
            json!({"name": "F", "description": "d", "data_type": "string", "allow_multiple_values": true}),
            "multiple strings",
        ),
        (
            json!({"name": "T", "description": "d", "data_type": "colour"}),
            "unknown type",
        ),
        (
            json!({"name": "tier", "description": "d", "data_type": "string"}),
            "taken name",
        ),
        (
            json!({"name": "D", "data_type": "string"}),
            "no description",
        ),
    ] {
        let res = app.post(&path).json(&bad).send().await;
        assert_eq!(res.status, 400, "{why}: {}", res.body);
    }
    let tier_id = tier["id"].as_str().unwrap();
    let res = app
        .put(&format!("{path}/{tier_id}"))
        .json(&json!({"archived": true, "list_items": "Gold, Silver, Bronze"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["archived"], true);
    assert_eq!(
        res.body["input_options"]["list_items"][0]["id"],
        tier["input_options"]["list_items"][0]["id"]
    );
    assert_eq!(
        res.body["input_options"]["list_items"][2]["label"],
        "Bronze"
    );
    let fetched = app.get(&format!("/ticket_types/{id}")).send().await;
    let attributes = fetched.body["ticket_type_attributes"]["ticket_type_attributes"]
        .as_array()
        .unwrap();
    assert_eq!(attributes.len(), 3);
}

#[tokio::test]
async fn ticket_states_are_listed_from_2_13_with_the_types_using_them() {
    let app = TestApp::new().await;
    ticket_type(&app, "Bug", "Tracker").await;
    let res = app
        .get("/ticket_states")
        .version(ApiVersion::V2_13)
        .send()
        .await;
    res.assert_status(200);
    let states = res.body["data"].as_array().unwrap();
    assert_eq!(states.len(), 4);
    assert_eq!(states[0]["internal_label"], "Submitted");
    assert_eq!(states[0]["ticket_types"]["data"][0]["name"], "Bug");
    app.get("/ticket_states")
        .version(ApiVersion::V2_11)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
}

#[tokio::test]
async fn a_ticket_has_an_inbox_number_its_attributes_and_a_state_shaped_per_version() {
    let app = TestApp::new().await;
    let type_id = ticket_type(&app, "Question", "Customer").await;
    let c = contact(&app, json!({"external_id": "u1", "email": "u1@x.com"})).await;
    // A conversation first, so ticket ids and Inbox numbers differ.
    app.post("/conversations")
        .json(&json!({"from": {"type": "user", "id": c}, "body": "Hi"}))
        .send()
        .await
        .assert_status(200);
    let mut numbers = Vec::new();
    for v in ApiVersion::ALL {
        let t = ticket(
            &app,
            v,
            json!({"ticket_type_id": type_id, "contacts": [{"id": c}],
                   "ticket_attributes": {"_default_title_": "Help", "_default_description_": "Please"}}),
        )
        .await;
        assert_eq!(t["type"], "ticket");
        assert_eq!(t["category"], "Customer");
        assert_eq!(t["ticket_attributes"]["_default_title_"], "Help");
        assert_eq!(t["contacts"]["contacts"][0]["id"], c.as_str());
        assert_eq!(t["open"], true);
        assert_ne!(t["ticket_id"], t["id"]);
        numbers.push(t["ticket_id"].as_str().unwrap().parse::<i64>().unwrap());
        if v == ApiVersion::V2_11 {
            assert_eq!(t["ticket_state"], "submitted");
            assert_eq!(t["ticket_state_internal_label"], "Submitted");
        } else {
            assert_eq!(t["ticket_state"]["category"], "submitted");
            assert_eq!(t["ticket_state"]["type"], "ticket_state");
        }
        let id = t["id"].as_str().unwrap();
        let fetched = app.get(&format!("/tickets/{id}")).version(v).send().await;
        fetched.assert_status(200);
        assert_eq!(fetched.body["ticket_id"], t["ticket_id"]);
    }
    assert_eq!(numbers, [1, 2, 3, 4]);
    // Tickets are not conversations in lists.
    let list = app.get("/conversations").send().await;
    assert_eq!(list.body["total_count"], 1);
}

#[tokio::test]
async fn creating_a_ticket_checks_every_input_and_writes_nothing_when_one_is_wrong() {
    let app = TestApp::new().await;
    let type_id = ticket_type(&app, "Order", "Customer").await;
    app.post(&format!("/ticket_types/{type_id}/attributes"))
        .json(&json!({"name": "seats", "description": "d", "data_type": "integer", "required_to_create": true}))
        .send()
        .await
        .assert_status(200);
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    let cases = [
        (json!({"contacts": [{"id": c}]}), 400, "parameter_not_found"),
        (
            json!({"ticket_type_id": type_id}),
            400,
            "parameter_not_found",
        ),
        (
            json!({"ticket_type_id": "999999", "contacts": [{"id": c}], "ticket_attributes": {"seats": 1}}),
            404,
            "not_found",
        ),
        (
            json!({"ticket_type_id": type_id, "contacts": [{"id": "nope"}], "ticket_attributes": {"seats": 1}}),
            404,
            "not_found",
        ),
        (
            json!({"ticket_type_id": type_id, "contacts": [{"id": c}, {"email": "b@x.com"}], "ticket_attributes": {"seats": 1}}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"ticket_type_id": type_id, "contacts": [{"id": c}]}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"ticket_type_id": type_id, "contacts": [{"id": c}], "ticket_attributes": {"seats": "many"}}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"ticket_type_id": type_id, "contacts": [{"id": c}], "ticket_attributes": {"seats": 1, "colour": "red"}}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"ticket_type_id": type_id, "contacts": [{"email": "new@x.com"}], "ticket_attributes": {"seats": 1}, "company_id": "nope"}),
            404,
            "company_not_found",
        ),
    ];
    for (body, status, code) in cases {
        app.post("/tickets")
            .json(&body)
            .send()
            .await
            .assert_error(status, code);
    }
    // The failed request with a new email created no lead.
    let leads = app
        .post("/contacts/search")
        .json(&json!({"query": {"field": "email", "operator": "=", "value": "new@x.com"}}))
        .send()
        .await;
    assert_eq!(leads.body["total_count"], 0);
    let t = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": type_id, "contacts": [{"email": "new@x.com"}], "ticket_attributes": {"seats": 2}}),
    )
    .await;
    assert_eq!(t["ticket_id"], "1", "failed attempts take no number");
    let lead_id = t["contacts"]["contacts"][0]["id"].as_str().unwrap();
    let lead = app.get(&format!("/contacts/{lead_id}")).send().await;
    assert_eq!(lead.body["role"], "lead");
    assert_eq!(lead.body["email"], "new@x.com");
}

#[tokio::test]
async fn tickets_move_through_their_states_and_each_move_is_a_part() {
    let app = TestApp::new().await;
    set_clock(&app, 1_700_000_000).await;
    let type_id = ticket_type(&app, "Question", "Customer").await;
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    let admin = admin_id(&app).await;
    let t = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": type_id, "contacts": [{"id": c}]}),
    )
    .await;
    let id = t["id"].as_str().unwrap();
    let states = app
        .get("/ticket_states")
        .version(ApiVersion::V2_14)
        .send()
        .await;
    let state_id = |category: &str| {
        states.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["category"] == category)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let res = app
        .put(&format!("/tickets/{id}"))
        .version(ApiVersion::V2_14)
        .json(&json!({"ticket_state_id": state_id("in_progress"), "admin_id": admin.parse::<i64>().unwrap(),
                      "assignee_id": admin}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["ticket_state"]["category"], "in_progress");
    assert_eq!(res.body["admin_assignee_id"], admin.as_str());
    let parts = res.body["ticket_parts"]["ticket_parts"].as_array().unwrap();
    assert_eq!(parts[0]["part_type"], "ticket_state_updated");
    assert_eq!(parts[0]["previous_ticket_state"], "submitted");
    assert_eq!(parts[0]["ticket_state"], "in_progress");
    assert_eq!(parts[1]["part_type"], "assignment");
    assert_eq!(
        parts[1]["ticket_state"], "in_progress",
        "the state carries forward"
    );
    let res = app
        .put(&format!("/tickets/{id}"))
        .version(ApiVersion::V2_14)
        .json(&json!({"ticket_state_id": state_id("resolved")}))
        .send()
        .await;
    assert_eq!(res.body["open"], false, "resolving closes");
    let res = app
        .put(&format!("/tickets/{id}"))
        .version(ApiVersion::V2_11)
        .json(&json!({"state": "waiting_on_customer", "open": true}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["ticket_state"], "waiting_on_customer");
    assert_eq!(res.body["open"], true);
    let res = app
        .put(&format!("/tickets/{id}"))
        .json(&json!({"snoozed_until": 1_700_000_600}))
        .send()
        .await;
    assert_eq!(res.body["snoozed_until"], 1_700_000_600);
    set_clock(&app, 1_700_001_000).await;
    let woke = app.get(&format!("/tickets/{id}")).send().await;
    assert_eq!(woke.body["open"], true);
    assert!(woke.body.get("snoozed_until").is_none());
    let res = app
        .put(&format!("/tickets/{id}"))
        .json(&json!({"open": false}))
        .send()
        .await;
    assert_eq!(res.body["open"], false);
    let last = res.body["ticket_parts"]["ticket_parts"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert_eq!(last["part_type"], "close");
    assert_eq!(last["author"]["type"], "admin");
}

#[tokio::test]
async fn ticket_updates_reject_unknown_states_and_assignees() {
    let app = TestApp::new().await;
    let type_id = ticket_type(&app, "Question", "Customer").await;
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    let t = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": type_id, "contacts": [{"id": c}]}),
    )
    .await;
    let id = t["id"].as_str().unwrap();
    let path = format!("/tickets/{id}");
    app.put(&path)
        .version(ApiVersion::V2_14)
        .json(&json!({"ticket_state_id": "999999"}))
        .send()
        .await
        .assert_error(400, "ticket_state_id_invalid");
    app.put(&path)
        .version(ApiVersion::V2_14)
        .json(&json!({"admin_id": 999_999, "assignee_id": "0"}))
        .send()
        .await
        .assert_error(404, "assignee_not_found");
    app.put(&path)
        .version(ApiVersion::V2_13)
        .json(&json!({"assignment": {"assignee_id": "999999"}}))
        .send()
        .await
        .assert_error(404, "assignee_not_found");
    app.put(&path)
        .version(ApiVersion::V2_11)
        .json(&json!({"state": "submitted"}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.put("/tickets/999999")
        .json(&json!({"open": false}))
        .send()
        .await
        .assert_error(404, "ticket_not_found");
    let after = app.get(&path).send().await;
    assert_eq!(
        after.body["ticket_parts"]["total_count"], 0,
        "nothing was written"
    );
}

#[tokio::test]
async fn replies_are_ticket_parts_and_contacts_cannot_write_on_back_office_tickets() {
    let app = TestApp::new().await;
    let customer_type = ticket_type(&app, "Question", "Customer").await;
    let back_office = ticket_type(&app, "Chargeback", "Back-office").await;
    let c = contact(&app, json!({"email": "a@x.com", "name": "Ann"})).await;
    let admin = admin_id(&app).await;
    let t = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": customer_type, "contacts": [{"id": c}]}),
    )
    .await;
    let id = t["id"].as_str().unwrap();
    for v in ApiVersion::ALL {
        let res = app
            .post(&format!("/tickets/{id}/reply"))
            .version(v)
            .json(&json!({"type": "admin", "message_type": "note", "admin_id": admin, "body": "<p>Checking</p>"}))
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(res.body["type"], "ticket_part");
        assert_eq!(res.body["part_type"], "note");
        assert_eq!(res.body["author"]["id"], admin.as_str());
    }
    let res = app
        .post(&format!("/tickets/{id}/reply"))
        .json(&json!({"type": "user", "message_type": "comment", "intercom_user_id": c, "body": "Thanks"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["author"]["type"], "user");
    assert_eq!(res.body["author"]["name"], "Ann");
    let internal = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": back_office, "contacts": [{"id": c}]}),
    )
    .await;
    let internal_id = internal["id"].as_str().unwrap();
    app.post(&format!("/tickets/{internal_id}/reply"))
        .json(&json!({"type": "user", "message_type": "comment", "intercom_user_id": c, "body": "Hi"}))
        .send()
        .await
        .assert_error(400, "parameter_mismatch");
    app.post("/tickets/999999/reply")
        .json(&json!({"type": "admin", "message_type": "note", "admin_id": admin, "body": "x"}))
        .send()
        .await
        .assert_error(404, "not_found");
    let fetched = app.get(&format!("/tickets/{id}")).send().await;
    assert_eq!(fetched.body["ticket_parts"]["total_count"], 5);
}

#[tokio::test]
async fn tickets_link_to_conversations_as_intercom_allows_and_show_it_from_both_ends() {
    let app = TestApp::new().await;
    let tracker = ticket_type(&app, "Outage", "Tracker").await;
    let customer_type = ticket_type(&app, "Question", "Customer").await;
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    let conv = app
        .post("/conversations")
        .json(&json!({"from": {"type": "user", "id": c}, "body": "Down?"}))
        .send()
        .await;
    let conversation_id = conv.body["conversation_id"].as_str().unwrap().to_owned();
    app.post("/tickets")
        .version(ApiVersion::V2_14)
        .json(&json!({"ticket_type_id": customer_type, "contacts": [{"id": c}], "conversation_to_link_id": conversation_id}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    let t = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": tracker, "contacts": [{"id": c}], "conversation_to_link_id": conversation_id}),
    )
    .await;
    assert_eq!(t["category"], "Tracker");
    assert_eq!(
        t["linked_objects"]["data"],
        json!([{"type": "conversation", "id": conversation_id, "category": null}])
    );
    let conversation = app
        .get(&format!("/conversations/{conversation_id}"))
        .send()
        .await;
    assert_eq!(
        conversation.body["linked_objects"]["data"],
        json!([{"type": "ticket", "id": t["id"], "category": "Tracker"}])
    );
    let id = t["id"].as_str().unwrap();
    app.delete(&format!("/tickets/{id}"))
        .version(ApiVersion::V2_13)
        .send()
        .await
        .assert_status(200);
    let conversation = app
        .get(&format!("/conversations/{conversation_id}"))
        .send()
        .await;
    assert_eq!(conversation.body["linked_objects"]["total_count"], 0);
    app.get(&format!("/tickets/{id}"))
        .send()
        .await
        .assert_error(404, "ticket_not_found");
}

#[tokio::test]
async fn a_converted_conversation_is_a_ticket_with_the_same_id_and_history() {
    let app = TestApp::new().await;
    let customer_type = ticket_type(&app, "Question", "Customer").await;
    let tracker = ticket_type(&app, "Outage", "Tracker").await;
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    let admin = admin_id(&app).await;
    let conv = app
        .post("/conversations")
        .json(&json!({"from": {"type": "user", "id": c}, "body": "Help"}))
        .send()
        .await;
    let id = conv.body["conversation_id"].as_str().unwrap().to_owned();
    app.post(&format!("/conversations/{id}/reply"))
        .json(&json!({"type": "admin", "message_type": "comment", "admin_id": admin, "body": "On it"}))
        .send()
        .await
        .assert_status(200);
    app.post(&format!("/conversations/{id}/convert"))
        .json(&json!({"ticket_type_id": tracker}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    for v in ApiVersion::ALL {
        let res = app
            .post(&format!("/conversations/{id}/convert"))
            .version(v)
            .json(&json!({"ticket_type_id": customer_type, "attributes": {"_default_title_": "Help"}}))
            .send()
            .await;
        if v == ApiVersion::V2_11 {
            res.assert_status(200);
            assert_eq!(res.body["id"], id.as_str());
            assert_eq!(res.body["ticket_attributes"]["_default_title_"], "Help");
            let parts = res.body["ticket_parts"]["ticket_parts"].as_array().unwrap();
            assert_eq!(parts.len(), 1);
            assert_eq!(parts[0]["body"], "On it");
        } else {
            res.assert_error(400, "parameter_invalid");
        }
    }
    assert_eq!(
        app.get("/conversations").send().await.body["total_count"],
        0
    );
    let fetched = app.get(&format!("/tickets/{id}")).send().await;
    fetched.assert_status(200);
    assert_eq!(fetched.body["contacts"]["contacts"][0]["id"], c.as_str());
}

#[tokio::test]
async fn tickets_are_tagged_and_untagged_by_an_admin() {
    let app = TestApp::new().await;
    let type_id = ticket_type(&app, "Question", "Customer").await;
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    let admin = admin_id(&app).await;
    let t = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": type_id, "contacts": [{"id": c}]}),
    )
    .await;
    let id = t["id"].as_str().unwrap();
    let tag = app.post("/tags").json(&json!({"name": "vip"})).send().await;
    let tag_id = tag.body["id"].as_str().unwrap();
    let res = app
        .post(&format!("/tickets/{id}/tags"))
        .json(&json!({"id": tag_id, "admin_id": admin}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["name"], "vip");
    app.post(&format!("/tickets/{id}/tags"))
        .json(&json!({"id": "999999", "admin_id": admin}))
        .send()
        .await
        .assert_error(404, "not_found");
    app.delete(&format!("/tickets/{id}/tags/{tag_id}"))
        .json(&json!({"admin_id": admin}))
        .send()
        .await
        .assert_status(200);
    app.post("/tickets/999999/tags")
        .json(&json!({"id": tag_id, "admin_id": admin}))
        .send()
        .await
        .assert_error(404, "ticket_not_found");
}

#[tokio::test]
async fn an_enqueued_ticket_is_created_by_its_job() {
    let app = TestApp::new().await;
    let type_id = ticket_type(&app, "Question", "Customer").await;
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    app.post(&format!("/ticket_types/{type_id}/attributes"))
        .json(&json!({"name": "seats", "description": "d", "data_type": "integer", "required_to_create": true}))
        .send()
        .await
        .assert_status(200);
    let bad = app
        .post("/tickets/enqueue")
        .version(ApiVersion::V2_14)
        .json(&json!({"ticket_type_id": type_id, "contacts": [{"id": c}]}))
        .send()
        .await;
    bad.assert_error(400, "parameter_invalid");
    assert_eq!(
        bad.body["errors"][0]["message"],
        "Missing required ticket attributes"
    );
    let res = app
        .post("/tickets/enqueue")
        .version(ApiVersion::V2_14)
        .json(&json!({"ticket_type_id": type_id, "contacts": [{"id": c}], "ticket_attributes": {"seats": 3}}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "job");
    assert_eq!(res.body["resource_type"], "ticket");
    let job_id = res.body["id"].as_str().unwrap().to_owned();
    let mut job = Value::Null;
    for _ in 0..200 {
        job = app
            .get(&format!("/jobs/status/{job_id}"))
            .version(ApiVersion::V2_14)
            .send()
            .await
            .body;
        if job["status"] != "pending" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(job["status"], "success", "{job}");
    let ticket_id = job["resource_id"].as_str().unwrap();
    let t = app.get(&format!("/tickets/{ticket_id}")).send().await;
    t.assert_status(200);
    assert_eq!(t.body["ticket_attributes"]["seats"], 3);
    app.get("/jobs/status/999999")
        .version(ApiVersion::V2_14)
        .send()
        .await
        .assert_error(404, "job_not_found");
    app.post("/tickets/enqueue")
        .version(ApiVersion::V2_13)
        .json(&json!({}))
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
}

#[tokio::test]
async fn the_demo_inbox_has_ticket_types_conversations_with_history_and_tickets() {
    let app = TestApp::with_demo().await;
    let types = app
        .get("/ticket_types")
        .version(ApiVersion::V2_14)
        .send()
        .await;
    let categories: Vec<&str> = types.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["category"].as_str().unwrap())
        .collect();
    assert_eq!(categories, ["Customer", "Back-office", "Tracker"]);
    let list = app.get("/conversations").send().await;
    assert_eq!(list.body["total_count"], 3);
    let states: Vec<&str> = list.body["conversations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["snoozed", "open", "closed"]);
    let closed = &list.body["conversations"][2];
    let id = closed["id"].as_str().unwrap();
    let full = app.get(&format!("/conversations/{id}")).send().await;
    assert_eq!(full.body["conversation_parts"]["total_count"], 4);
    assert_eq!(full.body["statistics"]["count_assignments"], 1);
    let tracker = &full.body["linked_objects"]["data"][0];
    assert_eq!(tracker["category"], "Tracker");
    let ticket = app
        .get(&format!("/tickets/{}", tracker["id"].as_str().unwrap()))
        .version(ApiVersion::V2_14)
        .send()
        .await;
    ticket.assert_status(200);
    assert_eq!(
        ticket.body["ticket_attributes"]["_default_title_"],
        "Login outage"
    );
}

#[tokio::test]
async fn an_attribute_update_is_a_part_that_2_14_shows_with_the_value() {
    let app = TestApp::new().await;
    let type_id = ticket_type(&app, "Order", "Customer").await;
    let tier = app
        .post(&format!("/ticket_types/{type_id}/attributes"))
        .json(&json!({"name": "Tier", "description": "d", "data_type": "list", "list_items": "Gold,Silver"}))
        .send()
        .await;
    let tier_id = tier.body["id"].as_str().unwrap().to_owned();
    let silver_id = tier.body["input_options"]["list_items"][1]["id"].clone();
    let c = contact(&app, json!({"email": "a@x.com"})).await;
    let t = ticket(
        &app,
        ApiVersion::V2_14,
        json!({"ticket_type_id": type_id, "contacts": [{"id": c}],
        "ticket_attributes": {"Tier": "Gold"}}),
    )
    .await;
    let id = t["id"].as_str().unwrap();
    let res = app
        .put(&format!("/tickets/{id}"))
        .version(ApiVersion::V2_14)
        .json(&json!({"ticket_attributes": {"Tier": "Silver", "_default_title_": "Upgrade"}}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["ticket_attributes"]["Tier"], "Silver");
    let parts = res.body["ticket_parts"]["ticket_parts"].as_array().unwrap();
    assert_eq!(parts.len(), 2, "one part per changed attribute");
    let tier_part = parts
        .iter()
        .find(|p| p["updated_attribute_data"]["attribute"]["label"] == "Tier")
        .unwrap();
    assert_eq!(tier_part["part_type"], "ticket_attribute_updated_by_admin");
    assert_eq!(
        tier_part["updated_attribute_data"]["attribute"]["id"],
        tier_id.as_str()
    );
    assert_eq!(
        tier_part["updated_attribute_data"]["value"]["label"],
        "Silver"
    );
    assert_eq!(
        tier_part["updated_attribute_data"]["value"]["id"],
        silver_id
    );
    let again = app
        .put(&format!("/tickets/{id}"))
        .version(ApiVersion::V2_11)
        .json(&json!({"ticket_attributes": {"Tier": "Silver"}}))
        .send()
        .await;
    let parts = again.body["ticket_parts"]["ticket_parts"]
        .as_array()
        .unwrap();
    assert_eq!(parts.len(), 2, "an unchanged value writes no part");
    assert!(
        parts[0].get("updated_attribute_data").is_none(),
        "2.11 does not show it"
    );
}
