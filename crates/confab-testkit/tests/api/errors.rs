use confab_api::rate_limit::RateLimitConfig;
use confab_api::ApiConfig;
use confab_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn an_unknown_route_is_a_404_error_list() {
    let app = TestApp::new().await;
    let res = app.get("/definitely/not/here").send().await;
    assert!(res.unrouted);
    res.assert_error(404, "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_a_405_error_list() {
    let app = TestApp::new().await;
    app.delete("/admins")
        .send()
        .await
        .assert_error(405, "method_not_allowed");
}

#[tokio::test]
async fn every_response_carries_a_request_id_header() {
    let app = TestApp::new().await;
    let ok = app.get("/me").send().await;
    let failed = app.get("/admins/abc").send().await;
    let (a, b) = (
        ok.header("x-request-id").unwrap(),
        failed.header("x-request-id").unwrap(),
    );
    assert_eq!(a.len(), 36);
    assert_ne!(a, b);
}

#[tokio::test]
async fn malformed_json_is_a_400_bad_request() {
    let app = TestApp::new().await;
    app.put("/admins/1/away")
        .raw_body(
            b"{\"away_mode_enabled\": tru".to_vec(),
            Some("application/json"),
        )
        .send()
        .await
        .assert_error(400, "bad_request");
}

#[tokio::test]
async fn a_wrong_json_type_is_parameter_invalid_naming_the_field() {
    let app = TestApp::new().await;
    let res = app
        .put("/admins/1/away")
        .json(&json!({"away_mode_enabled": "yes", "away_mode_reassign": false}))
        .send()
        .await;
    res.assert_error(400, "parameter_invalid");
    assert_eq!(res.body["errors"][0]["field"], "away_mode_enabled");
}

#[tokio::test]
async fn a_missing_required_field_is_parameter_not_found() {
    let app = TestApp::new().await;
    let res = app
        .put("/admins/1/away")
        .json(&json!({"away_mode_enabled": true}))
        .send()
        .await;
    res.assert_error(400, "parameter_not_found");
    assert_eq!(res.body["errors"][0]["field"], "away_mode_reassign");
    let empty = app.put("/admins/1/away").send().await;
    empty.assert_error(400, "parameter_not_found");
}

#[tokio::test]
async fn a_non_json_content_type_is_a_415() {
    let app = TestApp::new().await;
    app.put("/admins/1/away")
        .raw_body(
            b"away_mode_enabled=true".to_vec(),
            Some("application/x-www-form-urlencoded"),
        )
        .send()
        .await
        .assert_error(415, "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = TestApp::with_config(ApiConfig {
        rate_limit: None,
        max_body_bytes: 1024,
        ..ApiConfig::default()
    })
    .await;
    let padding = "x".repeat(4096);
    app.put("/admins/1/away")
        .json(&json!({"away_mode_enabled": true, "away_mode_reassign": true, "pad": padding}))
        .send()
        .await
        .assert_error(413, "request_too_large");
}

#[tokio::test]
async fn ids_that_cannot_exist_are_not_found_not_server_errors() {
    let app = TestApp::new().await;
    // A NUL character names nothing anywhere: decision 0039.
    for id in ["%00", "a%00b"] {
        for resource in ["admins", "teams", "contacts", "conversations", "tickets"] {
            app.get(&format!("/{resource}/{id}"))
                .send()
                .await
                .assert_error(404, "not_found");
        }
    }
    for id in ["abc", "-1", "99999999999999999999", "1.5"] {
        app.get(&format!("/admins/{id}"))
            .send()
            .await
            .assert_error(404, "admin_not_found");
        app.get(&format!("/teams/{id}"))
            .send()
            .await
            .assert_error(404, "team_not_found");
    }
}

#[tokio::test]
async fn every_response_carries_the_rate_limit_headers() {
    let app = TestApp::with_config(ApiConfig::default()).await;
    for res in [
        app.get("/me").send().await,
        app.get("/admins/x").send().await,
    ] {
        assert_eq!(res.header("x-ratelimit-limit"), Some("1667"));
        let remaining: u32 = res
            .header("x-ratelimit-remaining")
            .unwrap()
            .parse()
            .unwrap();
        assert!(remaining < 1667);
        let reset: i64 = res.header("x-ratelimit-reset").unwrap().parse().unwrap();
        assert!(reset >= confab_domain::clock::system_now());
    }
}

#[tokio::test]
async fn past_the_rate_limit_requests_get_429() {
    // 6 per minute is 1 per 10-second window; of three calls made within a second, at least
    // two share a window, so at least one is refused.
    let app = TestApp::with_config(ApiConfig {
        rate_limit: Some(RateLimitConfig {
            per_token_per_minute: 6,
            per_workspace_per_minute: 1_000,
        }),
        ..ApiConfig::default()
    })
    .await;
    let mut refused = Vec::new();
    for _ in 0..3 {
        let res = app.get("/me").send().await;
        if res.status == 429 {
            refused.push(res);
        }
    }
    let res = refused
        .first()
        .expect("one of three calls in a window of one is refused");
    res.assert_error(429, "rate_limit_exceeded");
    assert_eq!(res.header("x-ratelimit-remaining"), Some("0"));
    assert_eq!(res.header("x-ratelimit-limit"), Some("1"));
}

#[tokio::test]
async fn a_nul_character_anywhere_is_refused_on_every_backend() {
    let app = TestApp::new().await;
    app.post("/contacts")
        .json(&json!({"role": "user", "email": "a\u{0}b@example.com"}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    let listed = app.get("/contacts").send().await;
    assert_eq!(listed.body["total_count"], 0, "nothing was written");
    app.post("/contacts/search")
        .json(&json!({"query": {"field": "email", "operator": "=", "value": "\u{0}"}}))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.get("/contacts/a%00b")
        .send()
        .await
        .assert_error(404, "not_found");
    app.get("/companies?name=a%00b")
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    // A backslash followed by the text `u0000` is an ordinary string.
    let created = app
        .post("/contacts")
        .json(&json!({"role": "user", "email": "x@example.com", "name": "\\u0000"}))
        .send()
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["name"], "\\u0000");
}
