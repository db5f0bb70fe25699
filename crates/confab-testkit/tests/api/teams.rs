use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_demo_team_lists_both_admins() {
    let app = TestApp::with_demo().await;
    let res = app.get("/teams").send().await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "team.list");
    let teams = res.body["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0]["name"], "Support");
    assert_eq!(teams[0]["admin_ids"], json!([1, 2]));
}

#[tokio::test]
async fn a_team_is_retrieved_by_id_and_unknown_ids_are_team_not_found() {
    let app = TestApp::with_demo().await;
    let res = app.get("/teams/1").send().await;
    res.assert_status(200);
    assert_eq!(res.body["id"], "1");
    app.get("/teams/42")
        .send()
        .await
        .assert_error(404, "team_not_found");
}

#[tokio::test]
async fn admins_show_the_teams_they_belong_to() {
    let app = TestApp::with_demo().await;
    let res = app.get("/admins/2").send().await;
    assert_eq!(res.body["team_ids"], json!([1]));
}

#[tokio::test]
async fn only_2_14_shows_how_a_team_distributes_work() {
    let app = TestApp::with_demo().await;
    for v in ApiVersion::ALL {
        let res = app.get("/teams/1").version(v).send().await;
        let shown = res.body.get("distribution_method").is_some();
        assert_eq!(shown, v == ApiVersion::V2_14, "{v}: {}", res.body);
    }
}
