//! The conformance oracle: checks a response body against the OpenAPI description of the
//! version the request asked for.
//!
//! [`crate::RequestBuilder::send`] calls [`assert_conforms`] for every routed response, so
//! every test of the suite doubles as a conformance test. Error responses (status ≥ 400) must
//! be the version's `error` schema with a request id; anything else must be an operation of
//! that version, answered with a status it declares, in the shape it declares. Deviations the
//! project has reviewed and accepted live in [`exceptions`] and nowhere else.

pub mod exceptions;
mod schema;
mod spec;

pub use spec::normalise;

use confab_domain::ApiVersion;
use http::{Method, StatusCode};
use serde_json::{json, Value};

/// Confab's own control plane: not part of the Intercom API, so its successes have no spec.
const CONTROL_PLANE: &str = "/_confab/";

/// How much of an offending body a failure message shows.
const BODY_EXCERPT_CHARS: usize = 2_000;

/// Panics, naming every violation, if `body` does not match the spec's response schema for
/// `method path` answered with `status` in `version`.
#[track_caller]
pub fn assert_conforms(
    version: ApiVersion,
    method: &Method,
    path: &str,
    status: StatusCode,
    body: &Value,
) {
    if let Err(report) = check(version, method, path, status, body) {
        panic!("{report}");
    }
}

/// What [`assert_conforms`] checks, as a result: `Err` holds the readable report.
pub fn check(
    version: ApiVersion,
    method: &Method,
    path: &str,
    status: StatusCode,
    body: &Value,
) -> Result<(), String> {
    let method_name = method.as_str();
    if *method == Method::HEAD {
        // A HEAD response carries no body to check.
        return Ok(());
    }
    let operation = spec::find(version, method_name, path);
    let context = Context {
        version,
        method: method_name,
        path,
        template: operation.map(|op| op.template.as_str()),
        status,
        body,
    };
    if status.is_client_error() || status.is_server_error() {
        return check_error(&context);
    }
    if path.starts_with(CONTROL_PLANE) {
        return Ok(());
    }
    let Some(operation) = operation else {
        return Err(context.report(&format!(
            "{version} has no operation {method_name} {path}, yet the server answered it \
             with a success"
        )));
    };
    let code = status.as_str();
    let declared = match operation.responses.get(code) {
        Some(declared) => Some((code, declared)),
        None => operation
            .responses
            .get("default")
            .map(|declared| ("default", declared)),
    };
    let Some((declared_as, schema)) = declared else {
        let known: Vec<&str> = operation.responses.keys().map(String::as_str).collect();
        return Err(context.report(&format!(
            "the spec declares no {code} for this operation (it declares {})",
            known.join(", ")
        )));
    };
    let Some(schema) = schema else {
        // Declared without a JSON body: nothing to compare.
        return Ok(());
    };
    let key = format!(
        "{version} {method_name} {} {declared_as}",
        operation.template
    );
    context.validate(&key, schema, Vec::new())
}

/// Every error body is the version's `error` schema, with the parts Intercom always sends.
fn check_error(context: &Context<'_>) -> Result<(), String> {
    let body = context.body;
    let mut extra = Vec::new();
    if body["request_id"].as_str().is_none_or(str::is_empty) {
        extra.push((
            "/request_id".to_owned(),
            "an error must carry a non-empty string request_id".to_owned(),
        ));
    }
    if body["type"] != "error.list" {
        extra.push((
            "/type".to_owned(),
            "an error's type must be \"error.list\"".to_owned(),
        ));
    }
    if body["errors"].as_array().is_none_or(Vec::is_empty) {
        extra.push((
            "/errors".to_owned(),
            "an error must list at least one error".to_owned(),
        ));
    }
    let schema = json!({ "$ref": "#/components/schemas/error" });
    context.validate(&format!("{} error", context.version), &schema, extra)
}

/// One response under examination.
struct Context<'a> {
    version: ApiVersion,
    method: &'a str,
    path: &'a str,
    /// The spec's template for the path, when the version has the operation.
    template: Option<&'a str>,
    status: StatusCode,
    body: &'a Value,
}

impl Context<'_> {
    /// Validates the body against `schema`; `found` holds violations already seen.
    fn validate(
        &self,
        key: &str,
        schema: &Value,
        mut found: Vec<(String, String)>,
    ) -> Result<(), String> {
        let validator = schema::validator(self.version, key, schema);
        found.extend(schema::violations(&validator, self.body));
        let normalised = normalise(self.template.unwrap_or(self.path));
        found.retain(|(at, _)| {
            exceptions::waiver(
                self.version,
                self.method,
                &normalised,
                self.status.as_u16(),
                at,
            )
            .is_none()
        });
        if found.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = found
            .iter()
            .map(|(at, message)| {
                let at = if at.is_empty() { "(body)" } else { at.as_str() };
                format!("  - at {at}: {message}")
            })
            .collect();
        Err(self.report(&format!(
            "{} violation(s) of the schema ({key}):\n{}",
            found.len(),
            listed.join("\n")
        )))
    }

    /// The failure message: where, what, and the body.
    fn report(&self, what: &str) -> String {
        let operation = match self.template {
            Some(template) => format!("{} {template} (request path {})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        };
        format!(
            "response does not conform to the Intercom API {} description\n\
             operation: {operation}\nstatus: {}\n{what}\nbody: {}",
            self.version,
            self.status,
            excerpt(self.body)
        )
    }
}

/// The body as compact JSON, cut to [`BODY_EXCERPT_CHARS`] characters.
fn excerpt(body: &Value) -> String {
    let text = body.to_string();
    match text.char_indices().nth(BODY_EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
        None => text,
    }
}

/// Every operation of `version`'s spec: (method, path template as written in that version).
pub fn operations(version: ApiVersion) -> Vec<(Method, String)> {
    spec::spec(version)
        .operations
        .iter()
        .filter_map(|op| {
            Method::from_bytes(op.method.as_bytes())
                .ok()
                .map(|method| (method, op.template.clone()))
        })
        .collect()
}

/// Whether `version`'s spec has the operation `method` on the normalised `path`.
pub fn has_operation(version: ApiVersion, method: &str, path: &str) -> bool {
    spec::spec(version)
        .operations
        .iter()
        .any(|op| op.method == method && normalise(&op.template) == path)
}
