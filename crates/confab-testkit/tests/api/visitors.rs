use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn visitor(app: &TestApp, body: Value) -> Value {
    let res = app.post("/_confab/visitors").json(&body).send().await;
    res.assert_status(200);
    res.body
}

#[tokio::test]
async fn a_visitor_is_retrieved_by_user_id_in_every_version() {
    let app = TestApp::new().await;
    let created = visitor(&app, json!({"name": "Curious"})).await;
    let user_id = created["user_id"].as_str().unwrap().to_owned();
    assert_eq!(user_id.len(), 36, "a UUID");
    for v in ApiVersion::ALL {
        let res = app
            .get(&format!("/visitors?user_id={user_id}"))
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(res.body["type"], "visitor");
        assert_eq!(res.body["id"], created["id"]);
        assert_eq!(res.body["name"], "Curious");
        assert_eq!(res.body["anonymous"], true);
        assert_eq!(res.body["app_id"], app.workspace.id.as_str());
        assert!(res.body["las_request_at"].is_i64());
    }
    let missing = app.get("/visitors?user_id=nobody").send().await;
    missing.assert_error(404, "not_found");
    assert_eq!(missing.body["errors"][0]["message"], "Visitor Not Found");
    app.get("/visitors")
        .send()
        .await
        .assert_error(400, "parameter_not_found");
}

#[tokio::test]
async fn visitors_are_not_contacts() {
    let app = TestApp::new().await;
    let created = visitor(&app, json!({"email": "v@example.com"})).await;
    app.get(&format!("/contacts/{}", created["id"].as_str().unwrap()))
        .send()
        .await
        .assert_error(404, "not_found");
    let list = app.get("/contacts").send().await;
    assert_eq!(list.body["total_count"], 0);
}

#[tokio::test]
async fn a_visitor_is_updated_by_id_or_user_id_with_checked_custom_attributes() {
    let app = TestApp::new().await;
    app.declare_contact_attribute("plan", "string").await;
    let created = visitor(&app, json!({})).await;
    let res = app
        .put("/visitors")
        .json(
            &json!({"user_id": created["user_id"], "name": "Gareth Bale",
                      "custom_attributes": {"plan": "pro"}}),
        )
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["name"], "Gareth Bale");
    assert_eq!(res.body["custom_attributes"], json!({"plan": "pro"}));
    let res = app
        .put("/visitors")
        .json(&json!({"id": created["id"], "name": "Ann"}))
        .send()
        .await;
    assert_eq!(res.body["name"], "Ann");
    assert_eq!(res.body["custom_attributes"], json!({"plan": "pro"}));
    let bad = app
        .put("/visitors")
        .json(&json!({"id": created["id"], "name": "Bob", "custom_attributes": {"nope": "x"}}))
        .send()
        .await;
    bad.assert_error(400, "parameter_invalid");
    let after = app
        .get(&format!(
            "/visitors?user_id={}",
            created["user_id"].as_str().unwrap()
        ))
        .send()
        .await;
    assert_eq!(after.body["name"], "Ann", "a refused update writes nothing");
    app.put("/visitors")
        .json(&json!({"user_id": "nobody", "name": "x"}))
        .send()
        .await
        .assert_error(404, "not_found");
    app.put("/visitors")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
}

#[tokio::test]
async fn converting_a_visitor_without_a_user_makes_it_a_user_with_the_external_id() {
    let app = TestApp::new().await;
    let created = visitor(&app, json!({"name": "Curious"})).await;
    for v in [ApiVersion::V2_11, ApiVersion::Unstable] {
        // Only the first conversion finds the visitor; the second shows it is gone.
        let res = app
            .post("/visitors/convert")
            .version(v)
            .json(&json!({"type": "user",
                          "user": {"user_id": "u-42", "email": "foo@bar.com"},
                          "visitor": {"user_id": created["user_id"]}}))
            .send()
            .await;
        if v == ApiVersion::V2_11 {
            res.assert_status(200);
            assert_eq!(res.body["type"], "contact");
            assert_eq!(res.body["id"], created["id"]);
            assert_eq!(res.body["role"], "user");
            assert_eq!(res.body["external_id"], "u-42");
            assert_eq!(res.body["email"], "foo@bar.com");
            assert_eq!(res.body["name"], "Curious");
        } else {
            res.assert_error(404, "not_found");
        }
    }
    let found = app.get("/contacts/find_by_external_id/u-42").send().await;
    assert_eq!(found.body["id"], created["id"]);
}

#[tokio::test]
async fn converting_into_an_existing_user_merges_the_visitor_and_deletes_it() {
    let app = TestApp::new().await;
    let user = app
        .post("/contacts")
        .json(&json!({"role": "user", "external_id": "u-1", "email": "ann@example.com"}))
        .send()
        .await;
    let user_id = user.body["id"].as_str().unwrap().to_owned();
    let created = visitor(&app, json!({"name": "Curious"})).await;
    let res = app
        .post("/visitors/convert")
        .json(&json!({"type": "user", "user": {"id": user_id},
                      "visitor": {"id": created["id"]}}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["id"], user_id.as_str());
    assert_eq!(
        res.body["name"], "Curious",
        "the user takes details it lacked"
    );
    assert_eq!(res.body["email"], "ann@example.com");
    app.get(&format!(
        "/visitors?user_id={}",
        created["user_id"].as_str().unwrap()
    ))
    .send()
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_convert_request_is_checked_before_anything_changes() {
    let app = TestApp::new().await;
    let created = visitor(&app, json!({})).await;
    let visitor_ref = json!({"user_id": created["user_id"]});
    for (body, status, code) in [
        (
            json!({"user": {"user_id": "u"}, "visitor": visitor_ref}),
            400,
            "parameter_not_found",
        ),
        (
            json!({"type": "admin", "user": {"user_id": "u"}, "visitor": visitor_ref}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"type": "lead", "visitor": visitor_ref}),
            400,
            "parameter_not_found",
        ),
        (
            json!({"type": "lead", "user": {"user_id": "u"}}),
            400,
            "parameter_not_found",
        ),
        (
            json!({"type": "lead", "user": {"email": "nope"}, "visitor": visitor_ref}),
            400,
            "parameter_invalid",
        ),
        (
            json!({"type": "lead", "user": {"user_id": "u"}, "visitor": {"email": "x@y.z"}}),
            404,
            "not_found",
        ),
    ] {
        app.post("/visitors/convert")
            .json(&body)
            .send()
            .await
            .assert_error(status, code);
    }
    let still = app
        .get(&format!(
            "/visitors?user_id={}",
            created["user_id"].as_str().unwrap()
        ))
        .send()
        .await;
    still.assert_status(200);
    let lead = app
        .post("/visitors/convert")
        .json(&json!({"type": "lead", "user": {"user_id": "l-1"}, "visitor": visitor_ref}))
        .send()
        .await;
    lead.assert_status(200);
    assert_eq!(lead.body["role"], "lead");
}

#[tokio::test]
async fn a_visitor_cannot_become_a_second_user_with_the_same_email() {
    let app = TestApp::new().await;
    app.post("/contacts")
        .json(&json!({"role": "user", "external_id": "u-1", "email": "ann@example.com"}))
        .send()
        .await
        .assert_status(200);
    let created = visitor(&app, json!({})).await;
    app.post("/visitors/convert")
        .json(
            &json!({"type": "user", "user": {"user_id": "u-2", "email": "ann@example.com"},
                      "visitor": {"id": created["id"]}}),
        )
        .send()
        .await
        .assert_error(409, "conflict");
    app.get(&format!(
        "/visitors?user_id={}",
        created["user_id"].as_str().unwrap()
    ))
    .send()
    .await
    .assert_status(200);
}

#[tokio::test]
async fn a_visitor_is_in_no_company_and_no_segment() {
    let app = TestApp::new().await;
    let created = visitor(&app, json!({"name": "Anon"})).await;
    let id = created["id"].as_str().unwrap();
    let company = app
        .post("/companies")
        .json(&json!({"company_id": "acme"}))
        .send()
        .await;
    company.assert_status(200);
    // Nothing attaches a company to a visitor: it is not a contact.
    app.post(&format!("/contacts/{id}/companies"))
        .json(&json!({ "id": company.body["id"] }))
        .send()
        .await
        .assert_error(404, "not_found");
    // A segment holds users or leads; even one matching every name leaves visitors out.
    app.post("/contacts")
        .json(&json!({"email": "named@x.com", "name": "Named"}))
        .send()
        .await
        .assert_status(200);
    crate::company_segments::stored_segment(
        &app,
        "Everyone named",
        "user",
        json!({"field": "name", "operator": "!=", "value": null}),
    )
    .await;
    let segments = app.get("/segments?include_count=true").send().await;
    let everyone = segments.body["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Everyone named")
        .unwrap();
    assert_eq!(
        everyone["count"], 1,
        "the named user, not the named visitor"
    );
    let user_id = created["user_id"].as_str().unwrap();
    for v in ApiVersion::ALL {
        let res = app
            .get(&format!("/visitors?user_id={user_id}"))
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(
            res.body["companies"],
            json!({"type": "company.list", "companies": []})
        );
        assert_eq!(
            res.body["segments"],
            json!({"type": "segment.list", "segments": []})
        );
    }
}
