use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn create(app: &TestApp, body: Value) -> String {
    let res = app.post("/contacts").json(&body).send().await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

fn by_name<'a>(segments: &'a Value, name: &str) -> &'a Value {
    segments
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no segment {name}"))
}

#[tokio::test]
async fn a_fresh_workspace_has_intercoms_default_segments() {
    let app = TestApp::new().await;
    let res = app.get("/segments").send().await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "segment.list");
    let names: Vec<&str> = res.body["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["All Users", "All Leads", "Active", "New", "Slipping Away"]
    );
    assert!(
        res.body["segments"][0].get("count").is_none(),
        "count only on request"
    );
    assert_eq!(res.body["segments"][1]["person_type"], "contact");
}

#[tokio::test]
async fn counts_and_membership_follow_the_data() {
    let app = TestApp::new().await;
    let now = confab_domain::clock::system_now();
    let active = create(
        &app,
        json!({"email": "a@x.com", "last_seen_at": now - 3_600}),
    )
    .await;
    let slipping = create(
        &app,
        json!({"email": "s@x.com", "last_seen_at": now - 40 * 86_400}),
    )
    .await;
    let lead = create(&app, json!({"role": "lead"})).await;
    for v in ApiVersion::ALL {
        let res = app
            .get("/segments?include_count=true")
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        let segments = &res.body["segments"];
        assert_eq!(by_name(segments, "All Users")["count"], 2, "{v}");
        assert_eq!(by_name(segments, "All Leads")["count"], 1, "{v}");
        assert_eq!(by_name(segments, "Active")["count"], 1, "{v}");
        assert_eq!(by_name(segments, "Slipping Away")["count"], 1, "{v}");
    }
    let names = |body: &Value| -> Vec<String> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let res = app
        .get(&format!("/contacts/{active}/segments"))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(names(&res.body), ["All Users", "Active"]);
    let res = app
        .get(&format!("/contacts/{slipping}/segments"))
        .send()
        .await;
    assert_eq!(names(&res.body), ["All Users", "Slipping Away"]);
    let res = app.get(&format!("/contacts/{lead}/segments")).send().await;
    assert_eq!(names(&res.body), ["All Leads"]);
    // Archiving takes a contact out of every segment.
    app.post(&format!("/contacts/{active}/archive"))
        .send()
        .await;
    let res = app.get("/segments?include_count=true").send().await;
    assert_eq!(by_name(&res.body["segments"], "Active")["count"], 0);
}

#[tokio::test]
async fn a_segment_is_retrieved_with_its_count_and_unknown_ids_are_not_found() {
    let app = TestApp::new().await;
    create(&app, json!({"email": "one@x.com"})).await;
    let list = app.get("/segments").send().await;
    let id = by_name(&list.body["segments"], "All Users")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 24);
    let res = app.get(&format!("/segments/{id}")).send().await;
    res.assert_status(200);
    assert_eq!(res.body["name"], "All Users");
    assert_eq!(res.body["count"], 1);
    app.get("/segments/ffffffffffffffffffffffff")
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/segments?include_count=maybe")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.get("/contacts/ffffffffffffffffffffffff/segments")
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/companies/ffffffffffffffffffffffff/segments")
        .send()
        .await
        .assert_error(404, "company_not_found");
}

#[tokio::test]
async fn the_demo_data_has_contacts_and_a_segment_defined_by_a_tag() {
    let app = TestApp::with_demo().await;
    let list = app.get("/contacts").send().await;
    assert_eq!(list.body["total_count"], 3);
    let jane = app
        .get("/contacts/find_by_external_id/user-1001")
        .send()
        .await;
    jane.assert_status(200);
    assert_eq!(jane.body["name"], "Jane Customer");
    assert_eq!(jane.body["tags"]["total_count"], 1);
    assert_eq!(jane.body["companies"]["total_count"], 1);
    let res = app.get("/segments?include_count=true").send().await;
    let vip = by_name(&res.body["segments"], "VIP users");
    assert_eq!(vip["count"], 1);
    assert_eq!(by_name(&res.body["segments"], "All Leads")["count"], 1);
    let mine = app
        .get(&format!(
            "/contacts/{}/segments",
            jane.body["id"].as_str().unwrap()
        ))
        .send()
        .await;
    let names: Vec<&str> = mine.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["All Users", "Active", "New", "VIP users"]);
    let acme = app.get("/companies?company_id=acme").send().await;
    acme.assert_status(200);
    let theirs = &acme.body["segments"]["segments"];
    assert_eq!(theirs[0]["name"], "Pro plan companies");
    let listed = app
        .get(&format!(
            "/companies?segment_id={}",
            theirs[0]["id"].as_str().unwrap()
        ))
        .send()
        .await;
    assert_eq!(listed.body["total_count"], 1);
    assert_eq!(listed.body["data"][0]["company_id"], "acme");
}
