//! Tagging companies and contacts, through `POST /tags` and `/contacts/{id}/tags`.

use confab_domain::record::relation::{COMPANY_TAG, CONTACT_TAG};
use confab_domain::tables::TAGS;
use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::json;

use super::{company, contact, count, create_tag, links};

#[tokio::test]
async fn tagging_companies_creates_the_tag_and_untagging_removes_the_links() {
    let app = TestApp::new().await;
    let acme = company(&app, "acme").await;
    company(&app, "globex").await;
    let res = app
        .post("/tags")
        .version(ApiVersion::Unstable)
        .json(
            &json!({"name": "Key account", "companies": [{"id": acme}, {"company_id": "globex"}]}),
        )
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["name"], "Key account");
    assert_eq!(res.body["applied_by"], json!({"type": "admin", "id": "1"}));
    let tag = res.body["id"].as_str().unwrap().to_owned();
    assert_eq!(links(&app, COMPANY_TAG, &tag).await, 2);

    let res = app
        .post("/tags")
        .json(
            &json!({"name": "key ACCOUNT", "companies": [{"company_id": "globex", "untag": true}]}),
        )
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["id"], tag.as_str());
    assert_eq!(links(&app, COMPANY_TAG, &tag).await, 1);
}

#[tokio::test]
async fn an_unknown_company_fails_the_whole_tagging_and_writes_nothing() {
    let app = TestApp::new().await;
    let acme = company(&app, "acme").await;
    let res = app
        .post("/tags")
        .json(&json!({"name": "New", "companies": [{"id": acme}, {"id": "nope"}]}))
        .send()
        .await;
    res.assert_error(404, "company_not_found");
    assert_eq!(res.body["errors"][0]["message"], "Company Not Found");
    assert_eq!(
        count(&app, &TAGS).await,
        0,
        "the tag was not created either"
    );
}

#[tokio::test]
async fn untagging_with_a_tag_that_does_not_exist_is_not_found() {
    let app = TestApp::new().await;
    let acme = company(&app, "acme").await;
    app.post("/tags")
        .json(&json!({"name": "Ghost", "companies": [{"id": acme, "untag": true}]}))
        .send()
        .await
        .assert_error(404, "not_found");
    assert_eq!(count(&app, &TAGS).await, 0);
}

#[tokio::test]
async fn tagging_users_through_post_tags_tags_each_contact() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let bob = contact(&app, "bob@example.com").await;
    let res = app
        .post("/tags")
        .json(&json!({"name": "Beta", "users": [{"id": ann}, {"id": bob}]}))
        .send()
        .await;
    res.assert_status(200);
    let tag = res.body["id"].as_str().unwrap().to_owned();
    assert_eq!(links(&app, CONTACT_TAG, &tag).await, 2);
    let tags = app.get(&format!("/contacts/{bob}/tags")).send().await;
    assert_eq!(tags.body["data"][0]["name"], "Beta");

    let missing = app
        .post("/tags")
        .json(&json!({"name": "Other", "users": [{"id": ann}, {"id": "000000000000000000000000"}]}))
        .send()
        .await;
    missing.assert_error(404, "not_found");
    assert_eq!(missing.body["errors"][0]["message"], "User Not Found");
    assert_eq!(
        count(&app, &TAGS).await,
        1,
        "nothing of the failed request stays"
    );
    assert_eq!(links(&app, CONTACT_TAG, &tag).await, 2);
}

#[tokio::test]
async fn tagging_a_contact_twice_keeps_one_tag_applied_once() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let tag = create_tag(&app, "VIP").await;
    let first = app
        .post(&format!("/contacts/{ann}/tags"))
        .version(ApiVersion::V2_11)
        .json(&json!({"id": tag}))
        .send()
        .await;
    first.assert_status(200);
    assert_eq!(first.body["id"], tag.as_str());
    assert_eq!(
        first.body["applied_by"],
        json!({"type": "admin", "id": "1"})
    );
    assert!(first.body["applied_at"].as_i64().unwrap() > 0);
    let again = app
        .post(&format!("/contacts/{ann}/tags"))
        .version(ApiVersion::V2_11)
        .json(&json!({"id": tag}))
        .send()
        .await;
    assert_eq!(again.body, first.body);
    for v in ApiVersion::ALL {
        let list = app
            .get(&format!("/contacts/{ann}/tags"))
            .version(v)
            .send()
            .await;
        list.assert_status(200);
        assert_eq!(list.body["data"], json!([first.body]), "{v}");
    }
}

#[tokio::test]
async fn untagging_a_contact_answers_the_tag_and_leaves_no_link() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let vip = create_tag(&app, "VIP").await;
    let beta = create_tag(&app, "Beta").await;
    for tag in [&vip, &beta] {
        app.post(&format!("/contacts/{ann}/tags"))
            .json(&json!({"id": tag}))
            .send()
            .await
            .assert_status(200);
    }
    let res = app
        .delete(&format!("/contacts/{ann}/tags/{vip}"))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["name"], "VIP");
    let list = app.get(&format!("/contacts/{ann}/tags")).send().await;
    let names: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Beta"]);
}

#[tokio::test]
async fn contact_tagging_answers_intercoms_errors() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let tag = create_tag(&app, "VIP").await;
    let unknown_contact = app
        .post("/contacts/000000000000000000000000/tags")
        .json(&json!({"id": tag}))
        .send()
        .await;
    unknown_contact.assert_error(404, "not_found");
    assert_eq!(
        unknown_contact.body["errors"][0]["message"],
        "User Not Found"
    );
    let unknown_tag = app
        .post(&format!("/contacts/{ann}/tags"))
        .json(&json!({"id": "999"}))
        .send()
        .await;
    unknown_tag.assert_error(404, "not_found");
    assert_eq!(
        unknown_tag.body["errors"][0]["message"],
        "Resource Not Found"
    );
    app.post(&format!("/contacts/{ann}/tags"))
        .json(&json!({}))
        .send()
        .await
        .assert_error(400, "parameter_not_found");
    app.delete(&format!("/contacts/{ann}/tags/999"))
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/contacts/000000000000000000000000/tags")
        .send()
        .await
        .assert_error(404, "not_found");
    assert_eq!(links(&app, CONTACT_TAG, &tag).await, 0);
}
