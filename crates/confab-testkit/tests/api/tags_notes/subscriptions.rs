use confab_domain::record::relation::CONTACT_SUBSCRIPTION;
use confab_domain::ApiVersion;
use confab_store::tags::seed_demo_tags_notes_subscriptions;
use confab_testkit::TestApp;
use serde_json::{json, Value};

use super::{contact, create_tag, tag_contact};

/// A test app with the demo subscription types: "1" Product updates (opt-in), "2"
/// Newsletter (opt-out).
async fn app_with_types() -> TestApp {
    let app = TestApp::new().await;
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    seed_demo_tags_notes_subscriptions(&mut scope, 1_700_000_000)
        .await
        .unwrap();
    seed_demo_tags_notes_subscriptions(&mut scope, 1_700_000_000)
        .await
        .unwrap();
    scope.commit().await.unwrap();
    app
}

/// Attaches subscription type `id` to `contact` with `consent_type`.
async fn subscribe(app: &TestApp, contact: &str, id: &str, consent_type: &str) {
    app.post(&format!("/contacts/{contact}/subscriptions"))
        .json(&json!({"id": id, "consent_type": consent_type}))
        .send()
        .await
        .assert_status(200);
}

async fn consent(app: &TestApp, contact: &str, type_id: &str) -> Option<Value> {
    let mut scope = app.store.read(&app.workspace.id).await.unwrap();
    let link = scope
        .link(CONTACT_SUBSCRIPTION, contact, type_id)
        .await
        .unwrap();
    link.map(|l| l.meta["consent_type"].clone())
}

#[tokio::test]
async fn subscription_types_are_listed_with_their_translations() {
    let app = app_with_types().await;
    for v in ApiVersion::ALL {
        let res = app.get("/subscription_types").version(v).send().await;
        res.assert_status(200);
        assert_eq!(res.body["type"], "list");
        let data = res.body["data"].as_array().unwrap();
        assert_eq!(
            data.len(),
            2,
            "the seed is applied once however often it runs"
        );
        let product = json!({"name": "Product updates", "description": "News about features we ship", "locale": "en"});
        assert_eq!(
            data[0],
            json!({
                "type": "subscription", "id": "1", "state": "live", "consent_type": "opt_in",
                "default_translation": product, "translations": [product], "content_types": ["email"],
            })
        );
        assert_eq!(data[1]["consent_type"], "opt_out");
        assert_eq!(data[1]["default_translation"]["name"], "Newsletter");
    }
}

#[tokio::test]
async fn attaching_opts_in_to_opt_in_types_and_out_of_opt_out_types() {
    let app = app_with_types().await;
    let ann = contact(&app, "ann@example.com").await;
    let res = app
        .post(&format!("/contacts/{ann}/subscriptions"))
        .json(&json!({"id": "1", "consent_type": "opt_in"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["id"], "1");
    assert_eq!(res.body["default_translation"]["name"], "Product updates");
    assert_eq!(consent(&app, &ann, "1").await, Some(json!("opt_in")));
    let res = app
        .post(&format!("/contacts/{ann}/subscriptions"))
        .json(&json!({"id": 2, "consent_type": "opt_out"}))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(consent(&app, &ann, "2").await, Some(json!("opt_out")));
}

#[tokio::test]
async fn a_contacts_subscriptions_list_only_what_it_configured() {
    let app = app_with_types().await;
    let ann = contact(&app, "ann@example.com").await;
    let empty = app
        .get(&format!("/contacts/{ann}/subscriptions"))
        .send()
        .await;
    empty.assert_status(200);
    assert_eq!(empty.body, json!({"type": "list", "data": []}));
    subscribe(&app, &ann, "2", "opt_out").await;
    let list = app
        .get(&format!("/contacts/{ann}/subscriptions"))
        .send()
        .await;
    let ids: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["2"]);
}

#[tokio::test]
async fn detaching_answers_the_type_and_forgets_the_preference() {
    let app = app_with_types().await;
    let ann = contact(&app, "ann@example.com").await;
    subscribe(&app, &ann, "1", "opt_in").await;
    let res = app
        .delete(&format!("/contacts/{ann}/subscriptions/1"))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "subscription");
    assert_eq!(res.body["id"], "1");
    assert_eq!(consent(&app, &ann, "1").await, None);
    let list = app
        .get(&format!("/contacts/{ann}/subscriptions"))
        .send()
        .await;
    assert_eq!(list.body["data"], json!([]));
}

#[tokio::test]
async fn subscription_errors_are_intercoms_and_write_nothing() {
    let app = app_with_types().await;
    let ann = contact(&app, "ann@example.com").await;
    let path = format!("/contacts/{ann}/subscriptions");
    for (body, status, code, field) in [
        (
            json!({"consent_type": "opt_in"}),
            400,
            "parameter_not_found",
            "id",
        ),
        (
            json!({"id": "1"}),
            400,
            "parameter_not_found",
            "consent_type",
        ),
        (
            json!({"id": "1", "consent_type": "maybe"}),
            400,
            "parameter_invalid",
            "consent_type",
        ),
    ] {
        let res = app.post(&path).json(&body).send().await;
        res.assert_error(status, code);
        assert_eq!(res.body["errors"][0]["field"], field, "{body}");
    }
    let unknown_type = app
        .post(&path)
        .json(&json!({"id": "99", "consent_type": "opt_in"}))
        .send()
        .await;
    unknown_type.assert_error(404, "not_found");
    assert_eq!(
        unknown_type.body["errors"][0]["message"],
        "Resource Not Found"
    );
    let unknown_contact = app
        .post("/contacts/000000000000000000000000/subscriptions")
        .json(&json!({"id": "1", "consent_type": "opt_in"}))
        .send()
        .await;
    unknown_contact.assert_error(404, "not_found");
    assert_eq!(
        unknown_contact.body["errors"][0]["message"],
        "User Not Found"
    );
    app.delete(&format!("/contacts/{ann}/subscriptions/99"))
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/contacts/000000000000000000000000/subscriptions")
        .send()
        .await
        .assert_error(404, "not_found");
    assert_eq!(consent(&app, &ann, "1").await, None);
}

/// A contact's links are read by its id, whatever their relation, and the relations asked
/// for are picked out (decision 0050): its subscriptions never show as tags or companies.
#[tokio::test]
async fn a_contacts_links_are_read_by_relation_whatever_else_it_links_to() {
    use confab_domain::record::relation::{CONTACT_COMPANY, CONTACT_TAG};
    use confab_domain::record::Side;
    let app = app_with_types().await;
    let ann = contact(&app, "ann@example.com").await;
    subscribe(&app, &ann, "2", "opt_out").await;
    let tag_id = create_tag(&app, "vip").await;
    tag_contact(&app, &ann, &tag_id).await;

    let shown = app.get(&format!("/contacts/{ann}")).send().await;
    shown.assert_status(200);
    let tags: Vec<&str> = shown.body["tags"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(tags, [tag_id.as_str()]);
    assert_eq!(shown.body["companies"]["data"], json!([]));

    let mut scope = app.store.read(&app.workspace.id).await.unwrap();
    let ids = [ann.clone()];
    let held = scope
        .held_ids(&[CONTACT_TAG, CONTACT_COMPANY], &ids)
        .await
        .unwrap();
    assert_eq!(held.keys().collect::<Vec<_>>(), [CONTACT_TAG]);
    assert_eq!(held[CONTACT_TAG][&ann], [tag_id.as_str()]);
    let links = scope
        .links_of_each(&[CONTACT_SUBSCRIPTION], Side::Left, &ids)
        .await
        .unwrap();
    assert_eq!(links.keys().collect::<Vec<_>>(), [CONTACT_SUBSCRIPTION]);
    assert_eq!(links[CONTACT_SUBSCRIPTION][&ann][0].right_id, "2");
}
