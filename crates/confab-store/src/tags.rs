//! What tags, notes and subscription types need beyond the generic record calls: finding a
//! tag by its case-insensitive name or creating it on first use, the segments whose
//! definitions use a tag, and the demo data of the three.

use confab_domain::record::{text_of, Record};
use confab_domain::tables::{SEGMENTS, SUBSCRIPTION_TYPES, TAGS};
use serde_json::{json, Value};

use crate::records::Filter;
use crate::scope::{Conn, Scope, WriteTx};
use crate::StoreError;

/// The key a tag name is unique by: names are case-insensitive.
pub fn tag_name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Whether a segment's stored search query filters on the tag with this id (a `tag_id`
/// condition anywhere in the query tree, with the id as its value or among its values).
pub fn query_uses_tag(query: &Value, tag_id: &str) -> bool {
    fn is_id(value: &Value, tag_id: &str) -> bool {
        match value {
            Value::String(s) => s == tag_id,
            Value::Number(n) => n.to_string() == tag_id,
            Value::Array(items) => items.iter().any(|v| is_id(v, tag_id)),
            _ => false,
        }
    }
    match query {
        Value::Object(map) => {
            let field = map.get("field").and_then(Value::as_str);
            if matches!(field, Some("tag_id" | "tags.id"))
                && map.get("value").is_some_and(|v| is_id(v, tag_id))
            {
                return true;
            }
            map.values().any(|v| query_uses_tag(v, tag_id))
        }
        Value::Array(items) => items.iter().any(|v| query_uses_tag(v, tag_id)),
        _ => false,
    }
}

impl<C: Conn> Scope<C> {
    /// The tag with this name, whatever its case.
    pub async fn tag_named(&mut self, name: &str) -> Result<Option<Record>, StoreError> {
        self.record_where(
            &TAGS,
            &[Filter::Eq("name_key", Value::from(tag_name_key(name)))],
        )
        .await
    }

    /// The names of the segments whose definitions use this tag, oldest first.
    pub async fn segments_using_tag(&mut self, tag_id: &str) -> Result<Vec<String>, StoreError> {
        let segments = self.records(&SEGMENTS, &[]).await?;
        Ok(segments
            .iter()
            .filter(|s| s.get("query").is_some_and(|q| query_uses_tag(q, tag_id)))
            .map(|s| text_of(s, "name").unwrap_or_default().to_owned())
            .collect())
    }
}

impl Scope<WriteTx> {
    /// The tag with this name, created (by `admin_id`, now) if the workspace has none yet.
    /// Returns the tag and whether it is new.
    pub async fn tag_for_name(
        &mut self,
        name: &str,
        admin_id: Option<i64>,
        now: i64,
    ) -> Result<(Record, bool), StoreError> {
        if let Some(tag) = self.tag_named(name).await? {
            return Ok((tag, false));
        }
        let values = json!({
            "name": name.trim(),
            "name_key": tag_name_key(name),
            "created_at": now,
            "admin_id": admin_id,
        });
        let values = values.as_object().cloned().unwrap_or_default();
        Ok((self.insert_record(&TAGS, &values, now).await?, true))
    }
}

/// The demo tags.
pub const DEMO_TAGS: [&str; 2] = ["VIP", "Beta"];

/// Adds the demo tags ("VIP", "Beta") and subscription types (an opt-in "Product updates"
/// by email, an opt-out "Newsletter"). Applying it twice changes nothing.
pub async fn seed_demo_tags_notes_subscriptions(
    scope: &mut Scope<WriteTx>,
    now: i64,
) -> Result<(), StoreError> {
    for name in DEMO_TAGS {
        scope.tag_for_name(name, None, now).await?;
    }
    let existing = scope.records(&SUBSCRIPTION_TYPES, &[]).await?;
    for (name, description, consent_type) in [
        ("Product updates", "News about features we ship", "opt_in"),
        ("Newsletter", "Our monthly newsletter", "opt_out"),
    ] {
        if existing.iter().any(|s| text_of(s, "name") == Some(name)) {
            continue;
        }
        let values = json!({
            "state": "live",
            "consent_type": consent_type,
            "content_types": ["email"],
            "name": name,
            "description": description,
            "locale": "en",
            "translations": [],
            "created_at": now,
        });
        let values = values.as_object().cloned().unwrap_or_default();
        scope
            .insert_record(&SUBSCRIPTION_TYPES, &values, now)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_keyed_case_insensitively() {
        assert_eq!(tag_name_key(" VIP "), "vip");
        assert_eq!(tag_name_key("Vip"), tag_name_key("vIP"));
    }

    #[test]
    fn a_query_uses_a_tag_when_a_tag_id_condition_names_it() {
        let query = json!({"operator": "AND", "value": [
            {"field": "role", "operator": "=", "value": "user"},
            {"field": "tag_id", "operator": "IN", "value": ["7", "9"]},
        ]});
        assert!(query_uses_tag(&query, "9"));
        assert!(!query_uses_tag(&query, "8"));
        assert!(query_uses_tag(
            &json!({"field": "tag_id", "operator": "=", "value": 8}),
            "8"
        ));
        assert!(!query_uses_tag(
            &json!({"field": "name", "operator": "=", "value": "8"}),
            "8"
        ));
    }
}
