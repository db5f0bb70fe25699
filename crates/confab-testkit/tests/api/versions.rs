use confab_domain::ApiVersion;
use confab_testkit::TestApp;

#[tokio::test]
async fn without_a_version_header_the_default_2_14_applies() {
    let app = TestApp::new().await;
    let admin = app.get("/admins/1").send().await;
    admin.assert_status(200);
    assert!(admin.body.get("away_status_reason_id").is_some());
    let reasons = app.get("/away_status_reasons").send().await;
    reasons.assert_status(200);
    assert_eq!(reasons.body["type"], "list");
}

#[tokio::test]
async fn a_workspace_default_version_applies_to_requests_without_a_header() {
    let mut app = TestApp::new().await;
    app.store
        .set_default_version(&app.workspace.id, Some(ApiVersion::V2_11))
        .await
        .unwrap();
    app.workspace.default_version = Some(ApiVersion::V2_11);
    let admin = app.get("/admins/1").send().await;
    assert!(
        admin.body.get("away_status_reason_id").is_none(),
        "{}",
        admin.body
    );
    app.get("/away_status_reasons")
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
}

#[tokio::test]
async fn an_unknown_version_is_intercom_version_invalid() {
    let app = TestApp::new().await;
    for bad in ["3.0", "2.15", "latest", "@Unstable"] {
        app.get("/me")
            .version_header(bad)
            .send()
            .await
            .assert_error(400, "intercom_version_invalid");
    }
}

#[tokio::test]
async fn older_enum_versions_are_served_as_2_11() {
    let app = TestApp::new().await;
    let res = app.get("/admins/1").version_header("2.10").send().await;
    res.assert_status(200);
    assert!(res.body.get("away_status_reason_id").is_none());
}

#[tokio::test]
async fn preview_is_served_as_unstable() {
    let app = TestApp::with_demo().await;
    let team = app.get("/teams/1").version_header("Preview").send().await;
    assert!(
        team.body.get("distribution_method").is_none(),
        "{}",
        team.body
    );
    let res = app
        .get("/away_status_reasons")
        .version_header("Preview")
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["data"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn operations_a_version_lacks_answer_intercom_version_invalid() {
    let app = TestApp::new().await;
    for v in [ApiVersion::V2_11, ApiVersion::V2_13] {
        app.get("/away_status_reasons")
            .version(v)
            .send()
            .await
            .assert_error(400, "intercom_version_invalid");
    }
}

#[tokio::test]
async fn every_route_answers_in_every_version() {
    let app = TestApp::with_demo().await;
    for v in ApiVersion::ALL {
        for path in [
            "/me",
            "/admins",
            "/admins?display_avatar=true",
            "/admins/1",
            "/admins/activity_logs?created_at_after=0",
            "/teams",
            "/teams/1",
        ] {
            app.get(path).version(v).send().await.assert_status(200);
        }
    }
}
