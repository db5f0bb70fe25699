//! Companies: create-or-update, retrieve, update, delete, rendering per version.

use confab_domain::record::relation::COMPANY_TAG;
use confab_domain::tables::{DATA_ATTRIBUTES, TAGS};
use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

pub async fn create_company(app: &TestApp, body: Value) -> Value {
    let res = app.post("/companies").json(&body).send().await;
    res.assert_status(200);
    res.body
}

pub async fn create_contact(app: &TestApp, email: &str) -> String {
    let res = app
        .post("/contacts")
        .json(&json!({ "email": email }))
        .send()
        .await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

pub async fn attach(app: &TestApp, contact: &str, company: &str) -> Value {
    let res = app
        .post(&format!("/contacts/{contact}/companies"))
        .json(&json!({ "id": company }))
        .send()
        .await;
    res.assert_status(200);
    res.body
}

fn object(value: Value) -> serde_json::Map<String, Value> {
    value.as_object().cloned().unwrap()
}

#[tokio::test]
async fn upserting_by_company_id_creates_then_updates_the_same_company() {
    let app = TestApp::new().await;
    let created = create_company(
        &app,
        json!({"company_id": "acme", "name": "Acme", "plan": "Pro", "size": 10,
               "website": "not a url at all", "industry": "Tools", "remote_created_at": 1_600_000_000}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(id.len(), 24);
    assert_eq!(created["company_id"], "acme");
    assert_eq!(created["app_id"], app.workspace.id.as_str());
    assert_eq!(created["website"], "not a url at all");
    assert_eq!(created["plan"]["name"], "Pro");
    assert_eq!(created["plan"]["type"], "plan");
    assert_eq!(created["remote_created_at"], 1_600_000_000);
    assert_eq!(created["user_count"], 0);

    let updated = create_company(&app, json!({"company_id": "acme", "name": "Acme Inc"})).await;
    assert_eq!(updated["id"], id);
    assert_eq!(updated["name"], "Acme Inc");
    assert_eq!(updated["size"], 10, "fields the update leaves out are kept");
    let fetched = app.get(&format!("/companies/{id}")).send().await;
    assert_eq!(fetched.body["name"], "Acme Inc");
}

#[tokio::test]
async fn company_id_is_required_to_create_and_cannot_change_afterwards() {
    let app = TestApp::new().await;
    app.post("/companies")
        .json(&json!({"name": "Nameless"}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    let created = create_company(&app, json!({"company_id": "one"})).await;
    let id = created["id"].as_str().unwrap();
    let res = app
        .put(&format!("/companies/{id}"))
        .version(ApiVersion::V2_14)
        .json(&json!({"company_id": "two", "name": "Renamed"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["company_id"], "one");
    assert_eq!(res.body["name"], "Renamed");
    app.get("/companies?company_id=two")
        .send()
        .await
        .assert_error(404, "company_not_found");
}

#[tokio::test]
async fn monthly_spend_is_truncated_and_above_the_bound_writes_nothing() {
    let app = TestApp::new().await;
    let created = create_company(&app, json!({"company_id": "a", "monthly_spend": 155.98})).await;
    assert_eq!(created["monthly_spend"], 155);
    let top = create_company(
        &app,
        json!({"company_id": "a", "monthly_spend": 2_147_483_647}),
    )
    .await;
    assert_eq!(top["monthly_spend"], 2_147_483_647);
    for bad in [json!(2_147_483_648_i64), json!(-5), json!("100")] {
        let res = app
            .post("/companies")
            .json(&json!({"company_id": "b", "monthly_spend": bad}))
            .send()
            .await;
        res.assert_error(400, "parameter_invalid");
        assert_eq!(res.body["errors"][0]["field"], "monthly_spend");
    }
    app.get("/companies?company_id=b")
        .send()
        .await
        .assert_error(404, "company_not_found");
}

#[tokio::test]
async fn custom_attributes_are_checked_against_the_company_data_attributes() {
    let app = TestApp::new().await;
    {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        let attribute = json!({"model": "company", "name": "tier", "label": "Tier",
            "data_type": "string", "created_at": 1, "updated_at": 1});
        scope
            .insert_record(&DATA_ATTRIBUTES, &object(attribute), 1)
            .await
            .unwrap();
        let seats = json!({"model": "company", "name": "seats", "label": "Seats",
            "data_type": "integer", "created_at": 1, "updated_at": 1});
        scope
            .insert_record(&DATA_ATTRIBUTES, &object(seats), 1)
            .await
            .unwrap();
        scope.commit().await.unwrap();
    }
    let created = create_company(
        &app,
        json!({"company_id": "c", "custom_attributes": {"tier": "gold", "seats": 12}}),
    )
    .await;
    assert_eq!(
        created["custom_attributes"],
        json!({"tier": "gold", "seats": 12})
    );
    let res = app
        .post("/companies")
        .json(&json!({"company_id": "c", "name": "X", "custom_attributes": {"unknown": "1"}}))
        .send()
        .await;
    res.assert_error(400, "parameter_invalid");
    let kept = app.get("/companies?company_id=c").send().await;
    assert!(
        kept.body.get("name").is_none(),
        "a failed update writes nothing"
    );
    assert_eq!(
        kept.body["custom_attributes"],
        json!({"tier": "gold", "seats": 12})
    );
    app.post("/companies")
        .json(&json!({"company_id": "c", "custom_attributes": {"seats": "many"}}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn a_company_is_found_by_id_company_id_or_name_and_unknown_ones_are_company_not_found() {
    let app = TestApp::new().await;
    let created = create_company(&app, json!({"company_id": "x1", "name": "Xylo"})).await;
    let id = created["id"].as_str().unwrap();
    for path in [
        format!("/companies/{id}"),
        "/companies?company_id=x1".to_owned(),
        "/companies?name=Xylo".to_owned(),
    ] {
        let res = app.get(&path).send().await;
        res.assert_status(200);
        assert_eq!(res.body["id"], id, "{path}");
    }
    for path in [
        "/companies/nope",
        "/companies?company_id=nope",
        "/companies?name=Nope",
    ] {
        let res = app.get(path).send().await;
        res.assert_error(404, "company_not_found");
        assert_eq!(res.body["errors"][0]["message"], "Company Not Found");
    }
    app.put("/companies/nope")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .assert_error(404, "company_not_found");
    app.delete("/companies/nope")
        .send()
        .await
        .assert_error(404, "company_not_found");
    app.get("/companies?segment_id=nope")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn each_version_renders_its_own_company_shape() {
    let app = TestApp::new().await;
    let created = create_company(&app, json!({"company_id": "v"})).await;
    let id = created["id"].as_str().unwrap();
    for version in ApiVersion::ALL {
        let res = app
            .get(&format!("/companies/{id}"))
            .version(version)
            .send()
            .await;
        res.assert_status(200);
        let c = &res.body;
        assert_eq!(c["type"], "company");
        assert_eq!(c["plan"], json!({}));
        assert_eq!(
            c["segments"],
            json!({"type": "segment.list", "segments": []})
        );
        if version == ApiVersion::Unstable {
            assert_eq!(c["notes"], json!({"type": "note.list", "notes": []}));
        } else {
            assert!(c.get("notes").is_none(), "{version}");
        }
        if version == ApiVersion::V2_11 {
            // 2.11 lists these as required, so they show even when unset.
            assert_eq!((&c["website"], &c["size"]), (&json!(""), &json!(0)));
            assert_eq!(c["last_request_at"], 0);
        } else {
            assert!(c.get("website").is_none(), "{version}");
            assert!(c.get("last_request_at").is_none(), "{version}");
        }
    }
}

#[tokio::test]
async fn a_company_shows_its_tags_by_name() {
    let app = TestApp::new().await;
    let created = create_company(&app, json!({"company_id": "t"})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    let tag_id = {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        let tag = scope
            .insert_record(
                &TAGS,
                &object(json!({"name": "VIP", "name_key": "vip", "created_at": 1})),
                1,
            )
            .await
            .unwrap();
        let tag_id = tag["id"].as_str().unwrap().to_owned();
        scope
            .put_link(COMPANY_TAG, &id, &tag_id, &Value::Null, 1)
            .await
            .unwrap();
        scope.commit().await.unwrap();
        tag_id
    };
    for version in ApiVersion::ALL {
        let res = app
            .get(&format!("/companies/{id}"))
            .version(version)
            .send()
            .await;
        assert_eq!(
            res.body["tags"],
            json!({"type": "tag.list", "tags": [{"type": "tag", "id": tag_id, "name": "VIP"}]})
        );
    }
}

#[tokio::test]
async fn deleting_a_company_detaches_its_contacts_and_removes_it() {
    let app = TestApp::new().await;
    let company = create_company(&app, json!({"company_id": "d"})).await;
    let id = company["id"].as_str().unwrap();
    let contact = create_contact(&app, "d@example.com").await;
    let attached = attach(&app, &contact, id).await;
    assert_eq!(attached["user_count"], 1);

    let res = app.delete(&format!("/companies/{id}")).send().await;
    res.assert_status(200);
    assert_eq!(
        res.body,
        json!({"id": id, "object": "company", "deleted": true})
    );
    app.get(&format!("/companies/{id}"))
        .send()
        .await
        .assert_error(404, "company_not_found");
    let companies = app
        .get(&format!("/contacts/{contact}/companies"))
        .send()
        .await;
    assert_eq!(companies.body["total_count"], 0);
    let contact_body = app.get(&format!("/contacts/{contact}")).send().await;
    assert_eq!(contact_body.body["companies"]["total_count"], 0);
}

#[tokio::test]
async fn every_version_finds_a_company_by_company_id_and_updates_it_without_a_body() {
    let app = TestApp::new().await;
    let created = create_company(&app, json!({"company_id": "q", "name": "Q"})).await;
    let id = created["id"].as_str().unwrap();
    for version in ApiVersion::ALL {
        let found = app
            .get("/companies?company_id=q")
            .version(version)
            .send()
            .await;
        found.assert_status(200);
        assert_eq!(
            (&found.body["type"], &found.body["id"]),
            (&json!("company"), &json!(id))
        );
        let updated = app
            .put(&format!("/companies/{id}"))
            .version(version)
            .send()
            .await;
        updated.assert_status(200);
        assert_eq!(updated.body["name"], "Q");
    }
}

#[tokio::test]
async fn the_demo_companies_are_seeded_once() {
    let app = TestApp::new().await;
    for _ in 0..2 {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        confab_store::companies::seed_demo_companies(&mut scope, 1_700_000_000)
            .await
            .unwrap();
        scope.commit().await.unwrap();
    }
    let acme = app.get("/companies?company_id=acme").send().await;
    acme.assert_status(200);
    assert_eq!(acme.body["name"], "Acme Corp");
    assert_eq!(acme.body["plan"]["name"], "Pro");
    let count = {
        let mut scope = app.store.read(&app.workspace.id).await.unwrap();
        scope
            .count_records(&confab_domain::tables::COMPANIES, &[])
            .await
            .unwrap()
    };
    assert_eq!(count, 3);
}
