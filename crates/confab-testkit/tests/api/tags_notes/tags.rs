//! Tags themselves: create, names, rename, list, delete.

use confab_domain::record::relation::{COMPANY_TAG, CONTACT_TAG};
use confab_domain::tables::TAGS;
use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::json;

use super::{company, contact, count, create_tag, links, segment_on_tag, tag_contact};

#[tokio::test]
async fn creating_a_tag_answers_tag_basic_until_2_14_and_tag_in_unstable() {
    let app = TestApp::new().await;
    for v in ApiVersion::ALL {
        let res = app
            .post("/tags")
            .version(v)
            .json(&json!({"name": "VIP"}))
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(res.body["type"], "tag");
        assert_eq!(res.body["name"], "VIP");
        assert_eq!(res.body["id"], "1", "{v}: one tag, created once");
        let mut keys: Vec<&str> = res
            .body
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "name", "type"], "{v}");
        let found = app.get("/tags/1").version(v).send().await;
        assert_eq!(found.body, res.body, "{v}");
    }
}

#[tokio::test]
async fn tag_names_are_case_insensitive() {
    let app = TestApp::new().await;
    let vip = create_tag(&app, "VIP").await;
    assert_eq!(create_tag(&app, "vip").await, vip);
    assert_eq!(create_tag(&app, " Vip ").await, vip);
    let list = app.get("/tags").send().await;
    list.assert_status(200);
    assert_eq!(list.body["type"], "list");
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        list.body["data"][0]["name"], "VIP",
        "the first spelling is kept"
    );
}

#[tokio::test]
async fn the_tag_list_shows_null_applied_fields_in_stable_versions_only() {
    let app = TestApp::new().await;
    create_tag(&app, "VIP").await;
    let stable = app.get("/tags").version(ApiVersion::V2_11).send().await;
    assert_eq!(
        stable.body["data"][0],
        json!({"type": "tag", "id": "1", "name": "VIP", "applied_at": null, "applied_by": null})
    );
    let unstable = app.get("/tags").version(ApiVersion::Unstable).send().await;
    assert_eq!(
        unstable.body["data"][0],
        json!({"type": "tag", "id": "1", "name": "VIP"})
    );
}

#[tokio::test]
async fn renaming_a_tag_keeps_its_id_and_taggings() {
    let app = TestApp::new().await;
    let id = create_tag(&app, "Beta").await;
    let res = app
        .post("/tags")
        .json(&json!({"id": id, "name": "Beta testers"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["id"], id.as_str());
    assert_eq!(res.body["name"], "Beta testers");
    assert_eq!(
        app.get(&format!("/tags/{id}")).send().await.body["name"],
        "Beta testers"
    );
    // The old name is free again; the new one finds the renamed tag.
    assert_ne!(create_tag(&app, "beta").await, id);
    assert_eq!(create_tag(&app, "BETA TESTERS").await, id);
}

#[tokio::test]
async fn renaming_fails_for_an_unknown_tag_or_a_name_another_tag_has() {
    let app = TestApp::new().await;
    let a = create_tag(&app, "A").await;
    create_tag(&app, "B").await;
    app.post("/tags")
        .json(&json!({"id": "999", "name": "C"}))
        .send()
        .await
        .assert_error(404, "not_found");
    let res = app
        .post("/tags")
        .json(&json!({"id": a, "name": "b"}))
        .send()
        .await;
    res.assert_error(400, "parameter_invalid");
    assert_eq!(
        app.get(&format!("/tags/{a}")).send().await.body["name"],
        "A"
    );
}

#[tokio::test]
async fn unreadable_tag_bodies_are_invalid_tag_parameters() {
    let app = TestApp::new().await;
    for body in [
        json!({}),
        json!({"name": 3}),
        json!({"name": ""}),
        json!({"name": "x", "companies": "acme"}),
        json!({"name": "x", "companies": [{}]}),
        json!({"name": "x", "companies": [{"id": "c", "untag": "yes"}]}),
        json!({"name": "x", "users": [7]}),
        json!({"name": "x", "id": {"a": 1}}),
    ] {
        let res = app.post("/tags").json(&body).send().await;
        res.assert_error(400, "parameter_invalid");
        assert_eq!(
            res.body["errors"][0]["message"], "invalid tag parameters",
            "{body}"
        );
    }
    assert_eq!(count(&app, &TAGS).await, 0);
}

#[tokio::test]
async fn deleting_a_tag_removes_it_from_contacts_and_companies() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let acme = company(&app, "acme").await;
    let res = app
        .post("/tags")
        .json(&json!({"name": "VIP", "companies": [{"id": acme}]}))
        .send()
        .await;
    let tag = res.body["id"].as_str().unwrap().to_owned();
    tag_contact(&app, &ann, &tag).await;
    let deleted = app.delete(&format!("/tags/{tag}")).send().await;
    deleted.assert_status(200);
    assert!(deleted.body.is_null(), "no body: {}", deleted.body);
    app.get(&format!("/tags/{tag}"))
        .send()
        .await
        .assert_error(404, "not_found");
    assert_eq!(links(&app, CONTACT_TAG, &tag).await, 0);
    assert_eq!(links(&app, COMPANY_TAG, &tag).await, 0);
    let list = app.get(&format!("/contacts/{ann}/tags")).send().await;
    assert_eq!(list.body["data"], json!([]));
    app.delete(&format!("/tags/{tag}"))
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn a_tag_a_segment_uses_cannot_be_deleted() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let tag = create_tag(&app, "VIP").await;
    tag_contact(&app, &ann, &tag).await;
    segment_on_tag(&app, "VIPs", &tag).await;
    let res = app.delete(&format!("/tags/{tag}")).send().await;
    res.assert_error(400, "tag_has_dependent_objects");
    assert_eq!(
        res.body["errors"][0]["message"],
        "Unable to delete Tag with dependent objects. Segments: VIPs."
    );
    app.get(&format!("/tags/{tag}"))
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        links(&app, CONTACT_TAG, &tag).await,
        1,
        "the tagging stays too"
    );
}

#[tokio::test]
async fn ids_are_never_reused_after_the_newest_tag_is_deleted() {
    let app = TestApp::new().await;
    let first: i64 = create_tag(&app, "first").await.parse().unwrap();
    let newest = create_tag(&app, "newest").await;
    app.delete(&format!("/tags/{newest}"))
        .send()
        .await
        .assert_status(200);
    let next = create_tag(&app, "next").await;
    assert_ne!(next, newest, "a deleted tag's id is not handed out again");
    assert!(next.parse::<i64>().unwrap() > first);
    let fetched = app.get(&format!("/tags/{next}")).send().await;
    fetched.assert_status(200);
    assert_eq!(fetched.body["name"], "next");
    let again = create_tag(&app, "again").await;
    assert_eq!(
        again.parse::<i64>().unwrap(),
        next.parse::<i64>().unwrap() + 1
    );
}
