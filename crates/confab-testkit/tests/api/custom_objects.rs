use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn with_order_type() -> TestApp {
    let app = TestApp::new().await;
    let res = app
        .post("/_confab/custom_object_types")
        .json(&json!({"identifier": "Order", "name": "Order"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["identifier"], "Order");
    app
}

async fn upsert(app: &TestApp, body: Value) -> confab_testkit::TestResponse {
    app.post("/custom_object_instances/Order")
        .version(ApiVersion::V2_14)
        .json(&body)
        .send()
        .await
}

#[tokio::test]
async fn types_are_defined_and_listed_through_the_control_plane() {
    let app = with_order_type().await;
    app.post("/_confab/custom_object_types")
        .json(&json!({"identifier": "Order"}))
        .send()
        .await
        .assert_error(409, "conflict");
    app.post("/_confab/custom_object_types")
        .json(&json!({"identifier": "bad id!"}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    let listed = app.get("/_confab/custom_object_types").send().await;
    listed.assert_status(200);
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn upserting_the_same_external_id_updates_the_same_instance() {
    let app = with_order_type().await;
    let created = upsert(
        &app,
        json!({"external_id": "123", "external_created_at": 1_392_036_272,
               "custom_attributes": {"order_number": "ORDER-12345", "total": 99.99}}),
    )
    .await;
    created.assert_status(200);
    assert_eq!(created.body["type"], "Order");
    assert_eq!(created.body["external_id"], "123");
    assert_eq!(created.body["external_created_at"], 1_392_036_272);
    assert_eq!(created.body["external_updated_at"], Value::Null);
    assert_eq!(
        created.body["custom_attributes"],
        json!({"order_number": "ORDER-12345", "total": "99.99"})
    );
    let updated = upsert(
        &app,
        json!({"external_id": "123", "external_updated_at": 1_392_036_999,
               "custom_attributes": {"total": "120", "order_number": null}}),
    )
    .await;
    updated.assert_status(200);
    assert_eq!(updated.body["id"], created.body["id"]);
    assert_eq!(updated.body["external_created_at"], 1_392_036_272);
    assert_eq!(updated.body["external_updated_at"], 1_392_036_999);
    assert_eq!(updated.body["custom_attributes"], json!({"total": "120"}));
    let other = upsert(&app, json!({"external_id": "124"})).await;
    assert_ne!(other.body["id"], created.body["id"]);
}

#[tokio::test]
async fn instances_are_found_and_deleted_by_id_or_external_id() {
    let app = with_order_type().await;
    let id = upsert(&app, json!({"external_id": "A1"})).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for v in [ApiVersion::V2_13, ApiVersion::V2_14, ApiVersion::Unstable] {
        let by_external = app
            .get("/custom_object_instances/Order?external_id=A1")
            .version(v)
            .send()
            .await;
        by_external.assert_status(200);
        assert_eq!(by_external.body["id"], id.as_str());
        let by_id = app
            .get(&format!("/custom_object_instances/Order/{id}"))
            .version(v)
            .send()
            .await;
        assert_eq!(by_id.body["external_id"], "A1");
    }
    let deleted = app
        .delete("/custom_object_instances/Order?external_id=A1")
        .send()
        .await;
    deleted.assert_status(200);
    assert_eq!(
        deleted.body,
        json!({"id": id, "object": "Order", "deleted": true})
    );
    app.get(&format!("/custom_object_instances/Order/{id}"))
        .send()
        .await
        .assert_error(404, "not_found");
    let second = upsert(&app, json!({"external_id": "A2"})).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.delete(&format!("/custom_object_instances/Order/{second}"))
        .send()
        .await
        .assert_status(200);
    app.delete(&format!("/custom_object_instances/Order/{second}"))
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/custom_object_instances/Order")
        .send()
        .await
        .assert_error(400, "parameter_not_found");
}

#[tokio::test]
async fn an_unknown_type_is_not_found_and_2_11_has_no_custom_objects() {
    let app = with_order_type().await;
    let res = upsert(&app, json!({"external_id": "1"})).await;
    res.assert_status(200);
    let missing = app
        .post("/custom_object_instances/Invoice")
        .json(&json!({"external_id": "1"}))
        .send()
        .await;
    missing.assert_error(404, "not_found");
    assert_eq!(
        missing.body["errors"][0]["message"],
        "Custom object type `Invoice` not found"
    );
    app.get("/custom_object_instances/Invoice/1")
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/custom_object_instances/Order?external_id=1")
        .version(ApiVersion::V2_11)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
    let bad = upsert(
        &app,
        json!({"external_id": "2", "custom_attributes": {"x": [1]}}),
    )
    .await;
    bad.assert_error(400, "parameter_invalid");
    app.get("/custom_object_instances/Order?external_id=2")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn deleting_an_instance_removes_its_contact_links() {
    use confab_domain::record::relation::CONTACT_CUSTOM_OBJECT;
    let app = with_order_type().await;
    let id = upsert(&app, json!({"external_id": "L1"})).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contact = app
        .post("/contacts")
        .json(&json!({"email": "ann@example.com"}))
        .send()
        .await;
    let contact_id = contact.body["id"].as_str().unwrap().to_owned();
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    scope
        .put_link(CONTACT_CUSTOM_OBJECT, &contact_id, &id, &Value::Null, 1)
        .await
        .unwrap();
    scope.commit().await.unwrap();
    app.delete(&format!("/custom_object_instances/Order/{id}"))
        .send()
        .await
        .assert_status(200);
    let mut scope = app.store.read(&app.workspace.id).await.unwrap();
    let left = scope
        .count_links(
            CONTACT_CUSTOM_OBJECT,
            confab_domain::record::Side::Left,
            &contact_id,
        )
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_contact_update_can_associate_instances_through_custom_attributes() {
    use confab_api::resources::custom_objects::{instance_ids_of, Associations};
    use confab_domain::record::relation::CONTACT_CUSTOM_OBJECT;
    let app = with_order_type().await;
    let first = upsert(&app, json!({"external_id": "o-1"})).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = upsert(&app, json!({"external_id": "o-2"})).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contact = app
        .post("/contacts")
        .json(&json!({"email": "ann@example.com"}))
        .send()
        .await;
    let contact_id = contact.body["id"].as_str().unwrap().to_owned();
    // The wire form of the 2.13+ update_contact_request example: {"order": ["21"]}.
    let mut attributes = json!({"order": [first, second], "plan": "pro"})
        .as_object()
        .unwrap()
        .clone();
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    let taken = Associations::take(&mut scope, &mut attributes)
        .await
        .unwrap();
    assert_eq!(attributes, *json!({"plan": "pro"}).as_object().unwrap());
    taken
        .apply(&mut scope, CONTACT_CUSTOM_OBJECT, &contact_id, 1)
        .await
        .unwrap();
    let mut only_second = json!({"Order": [second]}).as_object().unwrap().clone();
    let taken = Associations::take(&mut scope, &mut only_second)
        .await
        .unwrap();
    taken
        .apply(&mut scope, CONTACT_CUSTOM_OBJECT, &contact_id, 2)
        .await
        .unwrap();
    assert_eq!(
        instance_ids_of(&mut scope, &contact_id).await.unwrap(),
        vec![second.clone()]
    );
    let mut unknown = json!({"order": ["999"]}).as_object().unwrap().clone();
    let err = Associations::take(&mut scope, &mut unknown)
        .await
        .unwrap_err();
    assert_eq!(err.0.code.as_str(), "not_found");
    scope.commit().await.unwrap();
}

#[tokio::test]
async fn the_demo_seed_defines_order_and_is_safe_to_apply_twice() {
    use confab_store::dataplane::{seed_demo_dataplane, DEMO_VISITOR_USER_ID};
    let app = TestApp::new().await;
    for _ in 0..2 {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        seed_demo_dataplane(&mut scope, 1_700_000_000)
            .await
            .unwrap();
        scope.commit().await.unwrap();
    }
    upsert(&app, json!({"external_id": "demo-1"}))
        .await
        .assert_status(200);
    let types = app.get("/_confab/custom_object_types").send().await;
    assert_eq!(types.body["data"].as_array().unwrap().len(), 1);
    let attributes = app
        .get("/data_attributes?include_archived=true")
        .send()
        .await;
    let custom: Vec<&str> = attributes.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["custom"] == true)
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(custom, vec!["plan", "employee_band"]);
    app.get(&format!("/visitors?user_id={DEMO_VISITOR_USER_ID}"))
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_contact_update_associates_custom_object_instances_by_type() {
    let app = TestApp::new().await;
    app.post("/_confab/custom_object_types")
        .json(&json!({"identifier": "Order", "name": "Order"}))
        .send()
        .await
        .assert_status(200);
    let order = app
        .post("/custom_object_instances/Order")
        .json(&json!({"external_id": "o-1", "custom_attributes": {"total": "12"}}))
        .send()
        .await;
    order.assert_status(200);
    let order_id = order.body["id"].as_str().unwrap().to_owned();
    let contact = app
        .post("/contacts")
        .json(&json!({"email": "buyer@x.com"}))
        .send()
        .await;
    let contact_id = contact.body["id"].as_str().unwrap().to_owned();
    let res = app
        .put(&format!("/contacts/{contact_id}"))
        .json(&json!({"custom_attributes": {"order": [order_id]}}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(
        res.body["custom_attributes"],
        json!({}),
        "associations are not attributes"
    );
    app.put(&format!("/contacts/{contact_id}"))
        .json(&json!({"custom_attributes": {"order": ["999999"]}}))
        .send()
        .await
        .assert_error(404, "not_found");
    // 2.11 has no custom objects: the key is an unknown custom attribute there.
    app.put(&format!("/contacts/{contact_id}"))
        .version(ApiVersion::V2_11)
        .json(&json!({"custom_attributes": {"order": [order_id]}}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    let deleted = app
        .delete(&format!("/custom_object_instances/Order/{order_id}"))
        .send()
        .await;
    deleted.assert_status(200);
}
