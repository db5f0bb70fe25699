//! OpenAPI 3.0 schemas turned into JSON Schema (draft 4) validators, compiled once each.
//!
//! OpenAPI 3.0's schema dialect is draft 4 with a few changes: `nullable: true` widens a
//! type to admit `null`, references point into `#/components/schemas`, and annotation-only
//! keywords (`example`, `discriminator`, `x-*`, …) sit beside the real ones. [`convert`]
//! rewrites one into the other; [`validator`] compiles a converted response schema together
//! with all of its version's components (as `definitions`) and caches the result.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use confab_domain::ApiVersion;
use jsonschema::{Draft, Validator};
use parking_lot::Mutex;
use serde_json::{json, Map, Value};

use super::spec;

/// Keywords OpenAPI adds for documentation or code generation. They do not constrain
/// instances (or, like `format`, constrain them wrongly: Intercom labels UNIX-seconds
/// integers `date-time`), so they are dropped rather than passed to the validator.
const DROPPED: [&str; 9] = [
    "example",
    "discriminator",
    "xml",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
    "format",
    "nullable",
];

/// Keywords whose value is a map from names to schemas.
const SCHEMA_MAPS: [&str; 3] = ["properties", "patternProperties", "definitions"];

/// Keywords whose value is one schema (or, for `items`, possibly a list of schemas).
const SCHEMA_VALUES: [&str; 3] = ["items", "additionalProperties", "not"];

/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// One OpenAPI schema as JSON Schema draft 4.
pub(crate) fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let key = key.as_str();
        if DROPPED.contains(&key) || key.starts_with("x-") {
            continue;
        }
        let converted = if key == "$ref" {
            rewrite_ref(value)
        } else if SCHEMA_MAPS.contains(&key) {
            match value {
                Value::Object(members) => Value::Object(
                    members
                        .iter()
                        .map(|(name, schema)| (name.clone(), convert(schema)))
                        .collect(),
                ),
                other => other.clone(),
            }
        } else if SCHEMA_VALUES.contains(&key) || SCHEMA_LISTS.contains(&key) {
            match value {
                Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
                other => convert(other),
            }
        } else if key == "required" && value.as_array().is_some_and(Vec::is_empty) {
            // Draft 4's meta-schema rejects an empty `required`; it means nothing anyway.
            continue;
        } else {
            // `enum`, `type`, `description`, … are values, not schemas: copied untouched.
            value.clone()
        };
        out.insert(key.to_owned(), converted);
    }
    if map.get("nullable").and_then(Value::as_bool) == Some(true) {
        make_nullable(out)
    } else {
        Value::Object(out)
    }
}

/// `nullable: true`: a plain typed schema gains `"null"` in its `type` (and its `enum`);
/// anything built from references or combinators is wrapped so that `null` is an alternative
/// rather than something each branch must accept.
fn make_nullable(mut schema: Map<String, Value>) -> Value {
    let composite = ["$ref", "allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.contains_key(*k));
    let simple_type = schema
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match simple_type {
        Some(ty) if !composite => {
            schema.insert("type".into(), json!([ty, "null"]));
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                if !values.contains(&Value::Null) {
                    values.push(Value::Null);
                }
            }
            Value::Object(schema)
        }
        _ => json!({ "anyOf": [{ "type": "null" }, Value::Object(schema)] }),
    }
}

/// `#/components/schemas/X` → `#/definitions/X`, where [`validator`] puts the components.
fn rewrite_ref(reference: &Value) -> Value {
    match reference.as_str() {
        Some(r) => match r.strip_prefix("#/components/schemas/") {
            Some(name) => Value::String(format!("#/definitions/{name}")),
            None => panic!("unsupported $ref {r} in a response schema"),
        },
        None => reference.clone(),
    }
}

/// Every version's `components/schemas`, converted once.
static DEFINITIONS: LazyLock<HashMap<ApiVersion, Value>> = LazyLock::new(|| {
    ApiVersion::ALL
        .iter()
        .map(|&version| {
            let schemas = spec::spec(version)
                .document
                .pointer("/components/schemas")
                .cloned()
                .unwrap_or_else(|| json!({}));
            let mut definitions = match schemas {
                Value::Object(map) => map
                    .iter()
                    .map(|(name, schema)| (name.clone(), convert(schema)))
                    .collect(),
                _ => serde_json::Map::new(),
            };
            for borrowed in super::exceptions::BORROWED_DEFINITIONS
                .iter()
                .filter(|b| b.version == version)
            {
                let pointer = format!("/components/schemas/{}", borrowed.name);
                if let Some(schema) = spec::spec(borrowed.from).document.pointer(&pointer) {
                    definitions.insert(borrowed.name.to_owned(), convert(schema));
                }
            }
            (version, Value::Object(definitions))
        })
        .collect()
});

/// Compiled validators by a key naming the schema (version, operation, status).
static VALIDATORS: LazyLock<Mutex<HashMap<String, Arc<Validator>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// The validator for the OpenAPI `schema` of `version`, compiled on first use under `key`.
pub(crate) fn validator(version: ApiVersion, key: &str, schema: &Value) -> Arc<Validator> {
    if let Some(found) = VALIDATORS.lock().get(key) {
        return Arc::clone(found);
    }
    // Compiled outside the lock: another thread may compile the same schema meanwhile, which
    // costs a little time but never a wrong answer.
    let compiled = Arc::new(compile(version, key, schema));
    Arc::clone(VALIDATORS.lock().entry(key.to_owned()).or_insert(compiled))
}

fn compile(version: ApiVersion, key: &str, schema: &Value) -> Validator {
    let definitions = DEFINITIONS.get(&version).cloned().unwrap_or_default();
    // `allOf` rather than merging: a root that is itself a `$ref` would otherwise hide its
    // sibling `definitions` under draft 4's "`$ref` overrides siblings" rule.
    let root = json!({ "allOf": [convert(schema)], "definitions": definitions });
    jsonschema::options()
        .with_draft(Draft::Draft4)
        .should_validate_formats(false)
        .build(&root)
        .unwrap_or_else(|e| panic!("the {version} schema for {key} does not compile: {e}"))
}

/// Every way `instance` violates `validator`: (instance JSON pointer, message).
pub(crate) fn violations(validator: &Validator, instance: &Value) -> Vec<(String, String)> {
    validator
        .iter_errors(instance)
        .map(|error| (error.instance_path.to_string(), error.to_string()))
        .collect()
}
