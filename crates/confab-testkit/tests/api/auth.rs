use confab_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_request_without_a_token_gets_intercoms_401_body() {
    let app = TestApp::new().await;
    let res = app.get("/me").no_auth().send().await;
    res.assert_error(401, "unauthorized");
    assert_eq!(res.body["errors"][0]["message"], "Access Token Invalid");
}

#[tokio::test]
async fn a_wrong_token_gets_401_even_on_unknown_routes() {
    let app = TestApp::new().await;
    app.get("/me")
        .token("nope")
        .send()
        .await
        .assert_error(401, "unauthorized");
    app.get("/no/such/route")
        .token("nope")
        .send()
        .await
        .assert_error(401, "unauthorized");
}

#[tokio::test]
async fn basic_auth_with_the_token_as_user_name_is_accepted() {
    use base64::Engine;
    let app = TestApp::new().await;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{}:", app.token));
    let res = app
        .get("/me")
        .no_auth()
        .header("authorization", &format!("Basic {basic}"))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["email"], "owner@example.com");
}

#[tokio::test]
async fn a_revoked_token_is_refused() {
    let app = TestApp::new().await;
    let (info, token) = app
        .store
        .create_token(&app.workspace.id, "short-lived", 0)
        .await
        .unwrap();
    assert!(app.store.revoke_token(info.id, 0).await.unwrap());
    app.get("/me")
        .token(&token)
        .send()
        .await
        .assert_error(401, "unauthorized");
}

#[tokio::test]
async fn tokens_are_listed_by_hint_never_by_value() {
    let app = TestApp::new().await;
    let (_, token) = app
        .store
        .create_token(&app.workspace.id, "listed", 0)
        .await
        .unwrap();
    let tokens = app.store.tokens(&app.workspace.id).await.unwrap();
    let listed = tokens.iter().find(|t| t.name == "listed").unwrap();
    assert_eq!(listed.hint, token[token.len() - 4..]);
    assert!(!format!("{tokens:?}").contains(&token));
}

#[tokio::test]
async fn a_token_of_one_workspace_never_sees_another_workspaces_admins() {
    let app = TestApp::with_demo().await;
    let (other, other_token) = app.other_workspace("Globex").await;
    let other_me = app.get("/me").token(&other_token).send().await;
    other_me.assert_status(200);
    assert_eq!(other_me.body["app"]["id_code"], other.id.as_str());
    let other_admin_id = other_me.body["id"].as_str().unwrap().to_owned();

    app.get(&format!("/admins/{other_admin_id}"))
        .send()
        .await
        .assert_error(404, "admin_not_found");
    app.put(&format!("/admins/{other_admin_id}/away"))
        .json(&json!({"away_mode_enabled": true, "away_mode_reassign": false}))
        .send()
        .await
        .assert_error(404, "admin_not_found");

    let mine = app.get("/admins").send().await;
    let emails: Vec<&str> = mine.body["admins"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert!(!emails.contains(&"owner@globex.example.com"), "{emails:?}");

    let theirs = app.get("/teams").token(&other_token).send().await;
    assert_eq!(
        theirs.body["teams"],
        json!([]),
        "the demo team is not theirs"
    );
    let logs = app
        .get("/admins/activity_logs?created_at_after=0")
        .token(&other_token)
        .send()
        .await;
    assert_eq!(logs.body["activity_logs"], json!([]));
}
