//! A tag as each version shows it: `tag` (with `applied_at`/`applied_by` when a tagging
//! operation returns it) and `tag_basic`, which `POST /tags` and `GET /tags/{id}` answer
//! until 2.14 (Unstable answers `tag` there too).

use confab_domain::record::{id_of, text_of, Record};
use confab_domain::ApiVersion;
use confab_store::links::Link;
use serde_json::{json, Map, Value};

use crate::render::{before, versioned, Change};

/// Who applied a tag and when, as stored on the link (`meta` `{admin_id}`, the link's time).
pub fn applied_meta(admin_id: i64) -> Value {
    json!({ "admin_id": admin_id })
}

const TAG_CHANGES: &[Change] = &[Change {
    // The stable specs declare both fields nullable (2.11 also requires them); Unstable
    // makes them non-nullable, so there they are simply absent outside tagging operations.
    versions: before(ApiVersion::Unstable),
    apply: |tag| {
        for key in ["applied_at", "applied_by"] {
            tag.entry(key).or_insert(Value::Null);
        }
    },
}];

fn canonical(tag: &Record, applied: Option<&Link>) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("type".into(), json!("tag"));
    map.insert("id".into(), json!(id_of(tag)));
    map.insert(
        "name".into(),
        json!(text_of(tag, "name").unwrap_or_default()),
    );
    if let Some(link) = applied {
        map.insert("applied_at".into(), json!(link.created_at));
        let by = link
            .meta
            .get("admin_id")
            .and_then(Value::as_i64)
            .map(|id| id.to_string());
        map.insert("applied_by".into(), json!({ "type": "admin", "id": by }));
    }
    map
}

/// The `tag` schema; `applied` is the contact's (or company's) link when the tag is returned
/// by a tagging operation or a contact's tag list.
pub fn render_tag(tag: &Record, applied: Option<&Link>, version: ApiVersion) -> Value {
    versioned(Value::Object(canonical(tag, applied)), version, TAG_CHANGES)
}

/// What `POST /tags` and `GET /tags/{id}` answer: `tag_basic` until 2.14, `tag` in Unstable.
pub fn render_tag_basic(tag: &Record, applied: Option<&Link>, version: ApiVersion) -> Value {
    if version == ApiVersion::Unstable {
        render_tag(tag, applied, version)
    } else {
        Value::Object(canonical(tag, None))
    }
}
