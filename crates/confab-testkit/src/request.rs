//! Requests as a client sends them, and responses as a client reads them.

use axum::body::Body;
use confab_api::error::Unrouted;
use confab_domain::ApiVersion;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::{conformance, TestApp};

/// A request being built; [`RequestBuilder::send`] runs it.
pub struct RequestBuilder<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    version: Option<String>,
    token: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Option<Vec<u8>>,
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(app: &'a TestApp, method: Method, path: &str) -> Self {
        Self {
            app,
            method,
            path: path.to_owned(),
            version: None,
            token: Some(app.token.clone()),
            headers: Vec::new(),
            body: None,
        }
    }

    /// Sends `Intercom-Version: v`.
    #[must_use]
    pub fn version(mut self, v: ApiVersion) -> Self {
        self.version = Some(v.as_str().to_owned());
        self
    }

    /// Sends `Intercom-Version` with any value, valid or not.
    #[must_use]
    pub fn version_header(mut self, raw: &str) -> Self {
        self.version = Some(raw.to_owned());
        self
    }

    /// Authenticates as `token` instead of the default workspace's.
    #[must_use]
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    /// Sends no `Authorization` header.
    #[must_use]
    pub fn no_auth(mut self) -> Self {
        self.token = None;
        self
    }

    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        ));
        self
    }

    /// A JSON body with `Content-Type: application/json`.
    #[must_use]
    pub fn json(self, body: &Value) -> Self {
        self.raw_body(body.to_string().into_bytes(), Some("application/json"))
    }

    /// Any body, with any content type or none.
    #[must_use]
    pub fn raw_body(mut self, body: Vec<u8>, content_type: Option<&str>) -> Self {
        if let Some(ct) = content_type {
            self = self.header("content-type", ct);
        }
        self.body = Some(body);
        self
    }

    /// Runs the request through the router and checks the response against the spec.
    pub async fn send(self) -> TestResponse {
        let mut request = http::Request::builder()
            .method(self.method.clone())
            .uri(&self.path);
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(version) = &self.version {
            request = request.header("intercom-version", version);
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let request = request
            .body(Body::from(self.body.unwrap_or_default()))
            .expect("build request");
        let response = self
            .app
            .router()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let unrouted = response.extensions().get::<Unrouted>().is_some();
        let status = response.status();
        let headers = response.headers().clone();
        let raw = response
            .into_body()
            .collect()
            .await
            .expect("read body")
            .to_bytes()
            .to_vec();
        let body = if raw.is_empty() {
            Value::Null
        } else {
            let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
            assert!(
                content_type.is_some_and(|t| t.starts_with("application/json")),
                "{} {} answered JSON as {content_type:?}",
                self.method,
                self.path
            );
            serde_json::from_slice(&raw).unwrap_or_else(|e| {
                panic!(
                    "{} {} answered a body that is not JSON ({e}): {}",
                    self.method,
                    self.path,
                    String::from_utf8_lossy(&raw)
                )
            })
        };
        let version = match &self.version {
            None => self
                .app
                .workspace
                .default_version
                .unwrap_or(self.app.config.default_version),
            Some(raw) => ApiVersion::from_header(raw).unwrap_or(ApiVersion::DEFAULT),
        };
        let path = self.path.split('?').next().unwrap_or_default().to_owned();
        if !unrouted {
            conformance::assert_conforms(version, &self.method, &path, status, &body);
        }
        TestResponse {
            status,
            headers,
            body,
            unrouted,
        }
    }
}

/// A response: status, headers, parsed JSON body (`Null` when empty).
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    /// No route matched the request.
    pub unrouted: bool,
}

impl TestResponse {
    /// The first error's code, for error responses.
    pub fn error_code(&self) -> Option<&str> {
        self.body["errors"][0]["code"].as_str()
    }

    /// The first error's message, for error responses; empty when there is none.
    pub fn error_message(&self) -> &str {
        self.body["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn assert_status(&self, expected: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "unexpected status; body: {}",
            self.body
        );
        self
    }

    /// Asserts an `error.list` with this status and code, and a request id matching the
    /// header.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) -> &Self {
        self.assert_status(status);
        assert_eq!(self.body["type"], "error.list", "body: {}", self.body);
        assert_eq!(self.error_code(), Some(code), "body: {}", self.body);
        assert_eq!(
            self.body["request_id"].as_str(),
            self.header("x-request-id"),
            "the error's request_id must be the X-Request-Id header"
        );
        self
    }
}
