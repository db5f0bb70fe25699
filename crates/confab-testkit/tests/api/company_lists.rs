//! Company lists, the scroll, and contact ↔ company attachments.

use confab_domain::record::relation::{COMPANY_TAG, CONTACT_COMPANY};
use confab_domain::tables::{COMPANIES, TAGS};
use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

use crate::companies::{attach, create_company, create_contact};

/// `n` companies with a contact each (ids oldest first), plus one with none.
async fn companies_with_contacts(app: &TestApp, n: usize) -> Vec<String> {
    let contact = create_contact(app, "member@example.com").await;
    let mut ids = Vec::new();
    for i in 0..n {
        let company = create_company(app, json!({"company_id": format!("c{i}")})).await;
        let id = company["id"].as_str().unwrap().to_owned();
        attach(app, &contact, &id).await;
        ids.push(id);
    }
    create_company(app, json!({"company_id": "lonely"})).await;
    ids
}

/// Every id `path` lists, page by page (`page=1,2,…`) until an empty page.
async fn walk_pages(app: &TestApp, post: bool, path: &str, per_page: u32) -> Vec<String> {
    let mut seen = Vec::new();
    for page in 1..=20 {
        let url = format!("{path}?per_page={per_page}&page={page}");
        let res = if post {
            app.post(&url).send().await
        } else {
            app.get(&url).send().await
        };
        res.assert_status(200);
        let data = res.body["data"].as_array().unwrap().clone();
        let has_next = res.body["pages"].get("next").is_some();
        if data.is_empty() {
            assert!(!has_next);
            return seen;
        }
        seen.extend(data.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        assert_eq!(res.body["pages"]["per_page"], per_page);
        if !has_next {
            return seen;
        }
    }
    panic!("{path} never stopped");
}

#[tokio::test]
async fn lists_visit_every_company_with_a_contact_exactly_once_and_stop() {
    let app = TestApp::new().await;
    let mut ids = companies_with_contacts(&app, 5).await;
    ids.sort();
    for per_page in [1, 2, 15] {
        for (post, path) in [(true, "/companies/list"), (false, "/companies")] {
            let mut seen = walk_pages(&app, post, path, per_page).await;
            seen.sort();
            assert_eq!(seen, ids, "{path} per_page={per_page}");
        }
    }
    let first = app.post("/companies/list").send().await;
    assert_eq!(
        first.body["total_count"], 5,
        "the company without users is left out"
    );
    assert_eq!(first.body["pages"]["per_page"], 15);
}

#[tokio::test]
async fn companies_list_sorts_by_last_request_at() {
    let app = TestApp::new().await;
    let ids = companies_with_contacts(&app, 3).await;
    {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        for (id, at) in ids.iter().zip([300, 100, 200]) {
            let values = json!({ "last_request_at": at });
            scope
                .update_record(&COMPANIES, id, values.as_object().unwrap())
                .await
                .unwrap();
        }
        scope.commit().await.unwrap();
    }
    let order = |res: &Value| -> Vec<i64> {
        res["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["last_request_at"].as_i64().unwrap())
            .collect()
    };
    let desc = app.post("/companies/list").send().await;
    assert_eq!(order(&desc.body), vec![300, 200, 100]);
    let asc = app.post("/companies/list?order=asc").send().await;
    assert_eq!(order(&asc.body), vec![100, 200, 300]);
    app.post("/companies/list?order=sideways")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn a_scroll_walks_every_company_and_ends_with_an_empty_page() {
    let app = TestApp::new().await;
    let contact = create_contact(&app, "s@example.com").await;
    let mut ids = Vec::new();
    {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        for i in 0..130 {
            let values = json!({"company_id": format!("s{i}"), "created_at": 1, "updated_at": 1});
            let stored = scope
                .insert_record(&COMPANIES, values.as_object().unwrap(), 1)
                .await
                .unwrap();
            let id = stored["id"].as_str().unwrap().to_owned();
            scope
                .put_link(CONTACT_COMPANY, &contact, &id, &Value::Null, 1)
                .await
                .unwrap();
            ids.push(id);
        }
        scope.commit().await.unwrap();
    }
    let first = app.get("/companies/scroll").send().await;
    first.assert_status(200);
    assert_eq!(first.body["data"].as_array().unwrap().len(), 100);
    assert_eq!(first.body["total_count"], Value::Null);
    let param = first.body["scroll_param"].as_str().unwrap().to_owned();
    let mut seen: Vec<String> = Vec::new();
    let mut body = first.body;
    for _ in 0..5 {
        let data = body["data"].as_array().unwrap();
        if data.is_empty() {
            break;
        }
        seen.extend(data.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        let next = app
            .get(&format!("/companies/scroll?scroll_param={param}"))
            .send()
            .await;
        next.assert_status(200);
        body = next.body;
    }
    assert_eq!(seen, ids);
    assert!(
        body.get("scroll_param").is_none(),
        "the last page ends the scroll"
    );
    app.get(&format!("/companies/scroll?scroll_param={param}"))
        .send()
        .await
        .assert_error(404, "not_found");
    // The scroll is closed, so a new one may start.
    app.get("/companies/scroll").send().await.assert_status(200);
}

#[tokio::test]
async fn one_scroll_at_a_time_and_an_idle_scroll_expires_after_a_minute() {
    let app = TestApp::new().await;
    companies_with_contacts(&app, 2).await;
    app.post("/_confab/clock")
        .json(&json!({"freeze_at": 1_800_000_000}))
        .send()
        .await
        .assert_status(200);
    let first = app
        .get("/companies/scroll")
        .version(ApiVersion::V2_11)
        .send()
        .await;
    first.assert_status(200);
    assert!(
        first.body.get("pages").is_none(),
        "2.11 leaves the null pages out"
    );
    let param = first.body["scroll_param"].as_str().unwrap().to_owned();
    let second = app.get("/companies/scroll").send().await;
    second.assert_error(400, "scroll_exists");

    app.post("/_confab/clock")
        .json(&json!({"advance_seconds": 59}))
        .send()
        .await;
    app.get("/companies/scroll")
        .send()
        .await
        .assert_error(400, "scroll_exists");
    app.post("/_confab/clock")
        .json(&json!({"advance_seconds": 1}))
        .send()
        .await;
    app.get(&format!("/companies/scroll?scroll_param={param}"))
        .send()
        .await
        .assert_error(404, "not_found");
    let fresh = app
        .get("/companies/scroll")
        .version(ApiVersion::V2_14)
        .send()
        .await;
    fresh.assert_status(200);
    assert_eq!(fresh.body["pages"], Value::Null);
    assert_ne!(fresh.body["scroll_param"], json!(param));
}

#[tokio::test]
async fn attaching_and_detaching_a_contact_returns_the_company() {
    let app = TestApp::new().await;
    let company = create_company(&app, json!({"company_id": "a", "name": "A"})).await;
    let id = company["id"].as_str().unwrap();
    let contact = create_contact(&app, "a@example.com").await;
    for version in ApiVersion::ALL {
        let attached = app
            .post(&format!("/contacts/{contact}/companies"))
            .version(version)
            .json(&json!({ "id": id }))
            .send()
            .await;
        attached.assert_status(200);
        assert_eq!(
            (&attached.body["id"], &attached.body["user_count"]),
            (&json!(id), &json!(1))
        );
    }
    let listed = app
        .get(&format!("/contacts/{contact}/companies"))
        .version(ApiVersion::V2_11)
        .send()
        .await;
    assert_eq!(listed.body["companies"][0]["id"], id);
    assert_eq!(listed.body["total_count"], 1);
    assert_eq!(listed.body["pages"]["total_pages"], 1);
    let members = app.get(&format!("/companies/{id}/contacts")).send().await;
    assert_eq!(members.body["data"][0]["id"], contact.as_str());
    assert_eq!(members.body["total_count"], 1);

    let detached = app
        .delete(&format!("/contacts/{contact}/companies/{id}"))
        .send()
        .await;
    detached.assert_status(200);
    assert_eq!(detached.body["user_count"], 0);
    let listed = app
        .get(&format!("/contacts/{contact}/companies"))
        .send()
        .await;
    assert_eq!(listed.body["companies"], json!([]));
}

#[tokio::test]
async fn attach_errors_name_what_is_missing_and_change_nothing() {
    let app = TestApp::new().await;
    let company = create_company(&app, json!({"company_id": "e"})).await;
    let id = company["id"].as_str().unwrap();
    let contact = create_contact(&app, "e@example.com").await;
    let res = app
        .post(&format!("/contacts/{contact}/companies"))
        .json(&json!({}))
        .send()
        .await;
    res.assert_error(400, "parameter_not_found");
    assert_eq!(res.body["errors"][0]["message"], "company not specified");
    let res = app
        .post("/contacts/000000000000000000000000/companies")
        .json(&json!({ "id": id }))
        .send()
        .await;
    res.assert_error(404, "not_found");
    assert_eq!(res.body["errors"][0]["message"], "User Not Found");
    app.post(&format!("/contacts/{contact}/companies"))
        .json(&json!({ "id": "nope" }))
        .send()
        .await
        .assert_error(404, "company_not_found");
    app.delete(&format!("/contacts/{contact}/companies/nope"))
        .send()
        .await
        .assert_error(404, "company_not_found");
    app.get("/contacts/nope/companies")
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/companies/nope/contacts")
        .send()
        .await
        .assert_error(404, "company_not_found");
    let fetched = app.get(&format!("/companies/{id}")).send().await;
    assert_eq!(fetched.body["user_count"], 0);
}

#[tokio::test]
async fn a_contact_can_belong_to_at_most_a_thousand_companies() {
    let app = TestApp::new().await;
    let contact = create_contact(&app, "busy@example.com").await;
    {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        for i in 0..1000 {
            scope
                .put_link(
                    CONTACT_COMPANY,
                    &contact,
                    &format!("fake{i}"),
                    &Value::Null,
                    1,
                )
                .await
                .unwrap();
        }
        scope.commit().await.unwrap();
    }
    let company = create_company(&app, json!({"company_id": "one-too-many"})).await;
    let id = company["id"].as_str().unwrap();
    for version in [ApiVersion::V2_11, ApiVersion::V2_13, ApiVersion::V2_14] {
        let res = app
            .post(&format!("/contacts/{contact}/companies"))
            .version(version)
            .json(&json!({ "id": id }))
            .send()
            .await;
        res.assert_error(400, "contact_company_limit_exceeded");
    }
    let fetched = app.get(&format!("/companies/{id}")).send().await;
    assert_eq!(fetched.body["user_count"], 0);
}

#[tokio::test]
async fn the_companies_list_filters_by_tag_and_refuses_unknown_tags() {
    let app = TestApp::new().await;
    let ids = companies_with_contacts(&app, 2).await;
    let tag_id = {
        let mut scope = app.store.write(&app.workspace.id).await.unwrap();
        let tag = json!({"name": "Beta", "name_key": "beta", "created_at": 1});
        let tag = scope
            .insert_record(&TAGS, tag.as_object().unwrap(), 1)
            .await
            .unwrap();
        let tag_id = tag["id"].as_str().unwrap().to_owned();
        scope
            .put_link(COMPANY_TAG, &ids[1], &tag_id, &Value::Null, 1)
            .await
            .unwrap();
        scope.commit().await.unwrap();
        tag_id
    };
    let tagged = app.get(&format!("/companies?tag_id={tag_id}")).send().await;
    tagged.assert_status(200);
    assert_eq!(tagged.body["total_count"], 1);
    assert_eq!(tagged.body["data"][0]["id"], ids[1].as_str());
    assert_eq!(tagged.body["data"][0]["tags"]["tags"][0]["name"], "Beta");
    app.get("/companies?tag_id=999999")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_contacts_companies_page_with_a_next_link_until_the_last_page() {
    let app = TestApp::new().await;
    let contact = create_contact(&app, "many@example.com").await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let company = create_company(&app, json!({"company_id": format!("m{i}")})).await;
        let id = company["id"].as_str().unwrap().to_owned();
        attach(&app, &contact, &id).await;
        ids.push(id);
    }
    let mut seen = Vec::new();
    let mut url = format!("/contacts/{contact}/companies?per_page=2");
    for _ in 0..3 {
        let res = app.get(&url).version(ApiVersion::V2_11).send().await;
        res.assert_status(200);
        assert_eq!(res.body["total_count"], 3);
        assert_eq!(res.body["pages"]["total_pages"], 2);
        seen.extend(
            res.body["companies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        match res.body["pages"].get("next").and_then(Value::as_str) {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, ids);
}
