//! Coverage: every operation of every spec version is routed or listed as unimplemented, the
//! unimplemented list holds nothing routed or stale, and the conformance oracle really
//! rejects what the spec forbids.

use std::collections::HashSet;
use std::sync::Arc;

use confab_api::coverage::UNIMPLEMENTED;
use confab_domain::ApiVersion;
use confab_testkit::conformance::{self, exceptions::EXCEPTIONS};
use confab_testkit::TestApp;
use http::{Method, StatusCode};
use serde_json::json;

/// A concrete path for a template: every `{param}` becomes `1`, a value every kind of id
/// parameter parses.
fn concrete(template: &str) -> String {
    template
        .split('/')
        .map(|s| if s.starts_with('{') { "1" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

/// What a probe learnt: whether a route served it, or the panic (a conformance violation)
/// that sending it raised.
async fn probe(
    app: &Arc<TestApp>,
    version: ApiVersion,
    method: &Method,
    path: &str,
) -> Result<bool, String> {
    let (app, method, path) = (Arc::clone(app), method.clone(), path.to_owned());
    // Spawned so that a conformance panic is caught and reported with the others.
    let task = tokio::spawn(async move {
        let mut request = app.request(method.clone(), &path).version(version);
        if method == Method::POST || method == Method::PUT {
            request = request.json(&json!({}));
        }
        !request.send().await.unrouted
    });
    task.await.map_err(|e| match e.try_into_panic() {
        Ok(panic) => panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a panic without a message".to_owned()),
        Err(e) => e.to_string(),
    })
}

fn is_listed_unimplemented(method: &str, normalised: &str) -> bool {
    UNIMPLEMENTED
        .iter()
        .any(|(m, p, _)| *m == method && *p == normalised)
}

#[tokio::test]
async fn every_operation_of_every_version_is_routed_or_listed_unimplemented() {
    let app = Arc::new(TestApp::with_demo().await);
    let mut failures = Vec::new();
    for version in ApiVersion::ALL {
        for (method, template) in conformance::operations(version) {
            let normalised = conformance::normalise(&template);
            match probe(&app, version, &method, &concrete(&template)).await {
                Ok(true) => {}
                Ok(false) if is_listed_unimplemented(method.as_str(), &normalised) => {}
                Ok(false) => failures.push(format!(
                    "{version} {method} {template}: not routed and not in \
                     confab_api::coverage::UNIMPLEMENTED"
                )),
                Err(panic) => failures.push(format!("{version} {method} {template}: {panic}")),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} operation(s) fail coverage:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[tokio::test]
async fn nothing_listed_unimplemented_is_routed() {
    let app = Arc::new(TestApp::new().await);
    let mut failures = Vec::new();
    let mut seen = HashSet::new();
    for (method, path, _) in UNIMPLEMENTED {
        if !seen.insert((method, path)) {
            failures.push(format!("{method} {path} is listed twice"));
        }
        let mut in_some_version = false;
        for version in ApiVersion::ALL {
            let templates: Vec<String> = conformance::operations(version)
                .into_iter()
                .filter(|(m, t)| m.as_str() == *method && conformance::normalise(t) == *path)
                .map(|(_, t)| t)
                .collect();
            for template in templates {
                in_some_version = true;
                let method = Method::from_bytes(method.as_bytes()).unwrap();
                match probe(&app, version, &method, &concrete(&template)).await {
                    Ok(false) => {}
                    Ok(true) => failures.push(format!(
                        "{version} {method} {template} is routed: remove it from UNIMPLEMENTED"
                    )),
                    Err(panic) => failures.push(format!("{version} {method} {template}: {panic}")),
                }
            }
        }
        if !in_some_version {
            failures.push(format!(
                "{method} {path} is in no spec version: a stale UNIMPLEMENTED row"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_conformance_exception_names_an_operation_of_its_versions() {
    for exception in EXCEPTIONS {
        let versions: Vec<ApiVersion> = ApiVersion::ALL
            .into_iter()
            .filter(|v| exception.versions.contains(*v))
            .collect();
        assert!(!versions.is_empty(), "{exception:?} applies to no version");
        assert!(
            !exception.reason.trim().is_empty(),
            "{exception:?} gives no reason"
        );
        for version in versions {
            assert!(
                conformance::has_operation(version, exception.method, exception.path),
                "{exception:?}: {version} has no {} {}",
                exception.method,
                exception.path
            );
        }
    }
}

#[test]
fn the_oracle_rejects_an_admin_of_the_wrong_shape() {
    let outcome = std::panic::catch_unwind(|| {
        conformance::assert_conforms(
            ApiVersion::V2_11,
            &Method::GET,
            "/admins/1",
            StatusCode::OK,
            &json!({ "type": "admin", "id": 1 }),
        );
    });
    let panic = outcome.expect_err("an integer id and missing required fields must fail");
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("/id"), "{message}");
    assert!(message.contains("GET /admins/{admin_id}"), "{message}");
}

#[test]
fn the_oracle_accepts_a_well_formed_401_error_list() {
    conformance::assert_conforms(
        ApiVersion::V2_14,
        &Method::GET,
        "/admins/1",
        StatusCode::UNAUTHORIZED,
        &json!({
            "type": "error.list",
            "request_id": "6b3c1b1e-4f4a-4c53-9a53-1f0a3c8b2d11",
            "errors": [{ "code": "unauthorized", "message": "Access Token Invalid" }],
        }),
    );
}

#[test]
fn the_oracle_rejects_an_error_without_a_request_id() {
    let body = json!({ "type": "error.list", "errors": [{ "code": "not_found" }] });
    let outcome = conformance::check(
        ApiVersion::V2_13,
        &Method::GET,
        "/teams/1",
        StatusCode::NOT_FOUND,
        &body,
    );
    assert!(outcome.unwrap_err().contains("request_id"));
}

#[test]
fn the_oracle_rejects_a_success_for_an_operation_the_version_lacks() {
    let outcome = conformance::check(
        ApiVersion::V2_11,
        &Method::GET,
        "/away_status_reasons",
        StatusCode::OK,
        &json!({ "type": "list", "data": [] }),
    );
    assert!(outcome.unwrap_err().contains("no operation"));
}

#[test]
fn the_oracle_prefers_a_literal_segment_over_a_parameter() {
    let report = conformance::check(
        ApiVersion::V2_13,
        &Method::GET,
        "/admins/activity_logs",
        StatusCode::OK,
        &json!({ "type": "activity_log.list", "activity_logs": "not a list" }),
    )
    .unwrap_err();
    assert!(
        report.contains("GET /admins/activity_logs (request path"),
        "{report}"
    );
    assert!(report.contains("/activity_logs"), "{report}");
}

#[test]
fn the_oracle_lets_nullable_fields_be_null_and_nothing_else() {
    let check = |avatar: serde_json::Value| {
        conformance::check(
            ApiVersion::V2_13,
            &Method::GET,
            "/admins/7",
            StatusCode::OK,
            &json!({ "type": "admin", "id": "7", "avatar": avatar }),
        )
    };
    check(json!(null)).unwrap();
    check(json!("https://example.com/a.png")).unwrap();
    assert!(check(json!(7)).unwrap_err().contains("/avatar"));
}
