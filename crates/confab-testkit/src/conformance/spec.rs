//! The four OpenAPI descriptions, loaded once per process and indexed by operation.
//!
//! Each version's document is parsed into a `serde_json::Value` and reduced to a list of
//! operations: (METHOD, path template) and, per declared status, the `application/json`
//! response schema as the spec writes it (OpenAPI 3.0, not yet JSON Schema; see `schema`).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use confab_domain::ApiVersion;
use serde_json::{Map, Value};

/// Where the spec files live unless `CONFAB_SPEC_DIR` says otherwise: `../shared/spec`
/// relative to the project root.
const DEFAULT_SPEC_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec");

/// The HTTP methods an OpenAPI path item may hold; its other keys (`parameters`,
/// `summary`, …) are not operations.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One version's description: the whole document (for `components`) and its operations.
pub(crate) struct Spec {
    pub(crate) document: Value,
    pub(crate) operations: Vec<Operation>,
}

/// One (method, path) of a spec and what it may answer.
pub(crate) struct Operation {
    /// Upper case, as on the wire.
    pub(crate) method: String,
    /// As written in this version, e.g. `/admins/{admin_id}/away`.
    pub(crate) template: String,
    /// Status code (`"200"`, `"404"`, `"default"`) → the `application/json` schema, or
    /// `None` when the status is declared without a JSON body.
    pub(crate) responses: BTreeMap<String, Option<Value>>,
}

impl Operation {
    /// How many segments of the template are literal; the more, the more specific.
    fn literal_segments(&self) -> usize {
        segments(&self.template)
            .filter(|s| !is_parameter(s))
            .count()
    }

    /// Whether a concrete path fits the template segment by segment.
    fn matches(&self, path: &str) -> bool {
        let mut concrete = segments(path);
        let mut template = segments(&self.template);
        loop {
            match (concrete.next(), template.next()) {
                (None, None) => return true,
                (Some(c), Some(t)) if is_parameter(t) && !c.is_empty() => {}
                (Some(c), Some(t)) if c == t => {}
                _ => return false,
            }
        }
    }
}

/// Every version's spec, parsed on first use. A missing or broken spec file fails loudly:
/// without it no response can be checked.
static SPECS: LazyLock<BTreeMap<ApiVersion, Spec>> = LazyLock::new(|| {
    let dir = std::env::var_os("CONFAB_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(DEFAULT_SPEC_DIR));
    // The files are large and YAML parsing is slow in debug builds: one thread each.
    std::thread::scope(|scope| {
        let handles: Vec<_> = ApiVersion::ALL
            .iter()
            .map(|&version| {
                let path = dir.join(format!("{}.yaml", version.as_str()));
                (version, scope.spawn(move || load(&path)))
            })
            .collect();
        handles
            .into_iter()
            .map(|(version, handle)| match handle.join() {
                Ok(spec) => (version, spec),
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
});

/// The spec of `version`.
pub(crate) fn spec(version: ApiVersion) -> &'static Spec {
    match SPECS.get(&version) {
        Some(spec) => spec,
        None => panic!("no spec loaded for {version}"),
    }
}

fn load(path: &std::path::Path) -> Spec {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read the OpenAPI description {} ({e}); set CONFAB_SPEC_DIR to the directory \
             holding 2.11.yaml, 2.13.yaml, 2.14.yaml and Unstable.yaml",
            path.display()
        )
    });
    let yaml: serde_yaml::Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
    let document = to_json(yaml);
    let operations = index(&document);
    assert!(
        !operations.is_empty(),
        "{} describes no operations",
        path.display()
    );
    Spec {
        document,
        operations,
    }
}

/// YAML to JSON, writing every map key as a string (YAML allows `200:` as an integer key;
/// OpenAPI means the string).
fn to_json(yaml: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, to_json(v))
                })
                .collect::<Map<_, _>>(),
        ),
        Y::Tagged(tagged) => to_json(tagged.value),
    }
}

/// The operations of a document, with `components/responses` references resolved.
fn index(document: &Value) -> Vec<Operation> {
    let Some(paths) = document["paths"].as_object() else {
        return Vec::new();
    };
    let mut operations = Vec::new();
    for (template, item) in paths {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let responses = operation["responses"]
                .as_object()
                .map(|responses| {
                    responses
                        .iter()
                        .map(|(status, response)| {
                            let response = resolve_response(document, response);
                            let schema = response
                                .pointer("/content/application~1json/schema")
                                .cloned();
                            (status.clone(), schema)
                        })
                        .collect()
                })
                .unwrap_or_default();
            operations.push(Operation {
                method: method.to_ascii_uppercase(),
                template: template.clone(),
                responses,
            });
        }
    }
    operations
}

/// A response object, following a `$ref: '#/components/responses/X'` if it is one.
fn resolve_response<'a>(document: &'a Value, response: &'a Value) -> &'a Value {
    match response.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').unwrap_or(reference);
            document
                .pointer(pointer)
                .unwrap_or_else(|| panic!("the spec references {reference}, which it lacks"))
        }
        None => response,
    }
}

/// The operation of `version` that serves `method path`, the most specific one when several
/// templates fit (`/admins/activity_logs` before `/admins/{id}`).
pub(crate) fn find(version: ApiVersion, method: &str, path: &str) -> Option<&'static Operation> {
    spec(version)
        .operations
        .iter()
        .filter(|op| op.method == method && op.matches(path))
        .max_by_key(|op| op.literal_segments())
}

/// A path with every `{param}` written `{}`, so that `/admins/{admin_id}` (2.11, 2.14) and
/// `/admins/{id}` (2.13, Unstable) compare equal.
pub fn normalise(template: &str) -> String {
    template
        .split('/')
        .map(|s| if is_parameter(s) { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.strip_prefix('/').unwrap_or(path).split('/')
}

fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}
