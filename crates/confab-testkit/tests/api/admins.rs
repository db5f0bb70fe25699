use confab_domain::ApiVersion;
use confab_testkit::TestApp;

#[tokio::test]
async fn me_returns_the_owner_admin_with_the_app() {
    let app = TestApp::new().await;
    let res = app.get("/me").send().await;
    res.assert_status(200);
    assert_eq!(res.body["type"], "admin");
    assert_eq!(res.body["email"], "owner@example.com");
    assert_eq!(res.body["app"]["id_code"], app.workspace.id.as_str());
    assert_eq!(res.body["app"]["type"], "app");
    assert_eq!(res.body["avatar"]["type"], "avatar");
}

#[tokio::test]
async fn admin_avatar_is_an_object_in_2_11_and_a_url_later() {
    let app = TestApp::new().await;
    let old = app.get("/admins/1").version(ApiVersion::V2_11).send().await;
    old.assert_status(200);
    assert!(old.body["avatar"].is_null() || old.body["avatar"].is_object());
    assert!(old.body.get("away_status_reason_id").is_none());
    let new = app.get("/admins/1").version(ApiVersion::V2_14).send().await;
    assert!(new.body.get("away_status_reason_id").is_some());
}

fn away(enabled: bool) -> serde_json::Value {
    serde_json::json!({"away_mode_enabled": enabled, "away_mode_reassign": true})
}

#[tokio::test]
async fn the_admin_list_shows_avatars_only_when_asked() {
    let app = TestApp::with_demo().await;
    let plain = app.get("/admins").send().await;
    assert_eq!(plain.body["type"], "admin.list");
    assert_eq!(plain.body["admins"].as_array().unwrap().len(), 2);
    assert!(plain.body["admins"][0].get("avatar").is_none());
    let with = app.get("/admins?display_avatar=true").send().await;
    assert!(with.body["admins"][0].get("avatar").is_some());
    app.get("/admins?display_avatar=maybe")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn setting_an_admin_away_is_stored_and_logged() {
    let app = TestApp::with_demo().await;
    let res = app
        .put("/admins/2/away")
        .json(&serde_json::json!({
            "away_mode_enabled": true, "away_mode_reassign": false, "away_status_reason_id": 3
        }))
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["away_mode_enabled"], true);
    assert_eq!(res.body["away_status_reason_id"], 3);

    let fetched = app.get("/admins/2").send().await;
    assert_eq!(fetched.body["away_mode_enabled"], true);
    assert_eq!(fetched.body["away_mode_reassign"], false);

    let logs = app
        .get("/admins/activity_logs?created_at_after=0")
        .send()
        .await;
    let entry = &logs.body["activity_logs"][0];
    assert_eq!(entry["activity_type"], "admin_away_mode_change");
    assert_eq!(entry["performed_by"]["id"], "1");
    assert_eq!(entry["metadata"]["away_mode"], true);
    assert_eq!(entry["metadata"]["away_status_reason"], "📅 In a meeting");

    let back = app.put("/admins/2/away").json(&away(false)).send().await;
    assert_eq!(back.body["away_mode_enabled"], false);
    assert!(back.body["away_status_reason_id"].is_null());
}

#[tokio::test]
async fn a_deleted_away_reason_is_refused_and_nothing_is_written() {
    let app = TestApp::with_demo().await;
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    assert!(scope.delete_away_status_reason(1, 0).await.unwrap());
    scope.commit().await.unwrap();

    let res = app
        .put("/admins/2/away")
        .json(&serde_json::json!({
            "away_mode_enabled": true, "away_mode_reassign": true, "away_status_reason_id": 1
        }))
        .send()
        .await;
    res.assert_error(400, "parameter_invalid");
    assert_eq!(
        res.body["errors"][0]["message"],
        "Away status reason is deleted"
    );

    assert_eq!(
        app.get("/admins/2").send().await.body["away_mode_enabled"],
        false
    );
    let logs = app
        .get("/admins/activity_logs?created_at_after=0")
        .send()
        .await;
    let types: Vec<_> = logs.body["activity_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["activity_type"].clone())
        .collect();
    assert!(
        !types.contains(&"admin_away_mode_change".into()),
        "{types:?}"
    );

    let reasons = app.get("/away_status_reasons").send().await;
    assert_eq!(
        reasons.body["data"][0]["deleted"], true,
        "deleted reasons stay listed"
    );
}

#[tokio::test]
async fn an_unknown_away_reason_is_parameter_invalid() {
    let app = TestApp::new().await;
    app.put("/admins/1/away")
        .json(&serde_json::json!({
            "away_mode_enabled": true, "away_mode_reassign": true, "away_status_reason_id": 999
        }))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn a_workspace_that_requires_reasons_refuses_away_without_one_from_2_14() {
    let app = TestApp::new().await;
    app.store
        .set_away_reason_required(&app.workspace.id, true)
        .await
        .unwrap();
    app.put("/admins/1/away")
        .json(&away(true))
        .send()
        .await
        .assert_error(400, "away_status_reason_mandatory");
    // 2.13 has no away reasons, so it cannot require one.
    app.put("/admins/1/away")
        .version(ApiVersion::V2_13)
        .json(&away(true))
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn setting_an_unknown_admin_away_is_admin_not_found() {
    let app = TestApp::new().await;
    let res = app.put("/admins/77/away").json(&away(true)).send().await;
    res.assert_error(404, "admin_not_found");
    assert_eq!(
        res.body["errors"][0]["message"],
        "Admin for admin_id not found"
    );
}

#[tokio::test]
async fn activity_logs_require_created_at_after() {
    let app = TestApp::new().await;
    let res = app.get("/admins/activity_logs").send().await;
    res.assert_error(400, "parameter_not_found");
    assert_eq!(res.body["errors"][0]["field"], "created_at_after");
    app.get("/admins/activity_logs?created_at_after=yesterday")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}

#[tokio::test]
async fn activity_logs_page_newest_first_and_every_entry_once_despite_new_writes() {
    let app = TestApp::new().await;
    for i in 0..5 {
        app.put("/admins/1/away")
            .json(&away(i % 2 == 0))
            .send()
            .await
            .assert_status(200);
    }
    let mut seen = Vec::new();
    let mut url = "/admins/activity_logs?created_at_after=0&per_page=2".to_owned();
    let mut pages = 0;
    loop {
        let res = app.get(&url).send().await;
        res.assert_status(200);
        pages += 1;
        if pages == 1 {
            assert_eq!(res.body["pages"]["total_pages"], 3);
        }
        for log in res.body["activity_logs"].as_array().unwrap() {
            seen.push(log["id"].as_str().unwrap().to_owned());
        }
        if pages == 1 {
            // A write between pages lands before the cursor and must not shift the walk.
            app.put("/admins/1/away")
                .json(&away(true))
                .send()
                .await
                .assert_status(200);
        }
        match res.body["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => {
                url = format!(
                    "/admins/activity_logs?created_at_after=0&per_page=2&starting_after={cursor}"
                );
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (5, 5));
}

#[tokio::test]
async fn activity_logs_are_filtered_by_the_workspace_clock_window() {
    let app = TestApp::new().await;
    let freeze = |at: i64| serde_json::json!({ "freeze_at": at });
    app.post("/_confab/clock")
        .json(&freeze(1_000_000))
        .send()
        .await
        .assert_status(200);
    app.put("/admins/1/away")
        .json(&away(true))
        .send()
        .await
        .assert_status(200);
    app.post("/_confab/clock")
        .json(&freeze(2_000_000))
        .send()
        .await
        .assert_status(200);
    app.put("/admins/1/away")
        .json(&away(false))
        .send()
        .await
        .assert_status(200);

    let window = app
        .get("/admins/activity_logs?created_at_after=1500000&created_at_before=2500000")
        .send()
        .await;
    let logs = window.body["activity_logs"].as_array().unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0]["created_at"], 2_000_000);
    assert_eq!(logs[0]["metadata"]["away_mode"], false);
}

#[tokio::test]
async fn a_garbage_cursor_is_parameter_invalid() {
    let app = TestApp::new().await;
    for bad in ["zzz", "eyJwIjoxfQ", "%7B%7D"] {
        app.get(&format!(
            "/admins/activity_logs?created_at_after=0&starting_after={bad}"
        ))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    }
    app.get("/admins/activity_logs?created_at_after=0&per_page=0")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
}
