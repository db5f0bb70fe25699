//! A company as each version renders it, with `user_count` and `tags` read for a whole page
//! in a fixed number of queries.

use std::collections::HashMap;

use confab_domain::record::relation::{COMPANY_TAG, CONTACT_COMPANY};
use confab_domain::record::{id_of, int_of, text_of, Record, Side};
use confab_domain::tables::TAGS;
use confab_domain::ApiVersion;
use confab_store::{Conn, Scope};
use serde_json::{json, Map, Value};

use crate::error::ApiResult;
use crate::gate::Ctx;
use crate::render::{before, versioned, Change};
use crate::resources::notes::newest_company_notes;
use crate::resources::segments::membership::{memberships, Held};
use crate::resources::segments::render as render_segment;

/// Fields the canonical company leaves out while unset, as Intercom does, but which 2.11 lists
/// as required: it shows `""` for the text ones and `0` for the numbers. See
/// docs/decisions/0010-company-rendering.md.
const TEXT_REQUIRED_IN_2_11: [&str; 3] = ["name", "website", "industry"];
const NUMBERS_REQUIRED_IN_2_11: [&str; 3] = ["size", "remote_created_at", "last_request_at"];

const COMPANY_CHANGES: &[Change] = &[Change {
    versions: before(ApiVersion::V2_13),
    apply: |company| {
        for name in TEXT_REQUIRED_IN_2_11 {
            company.entry(name).or_insert_with(|| json!(""));
        }
        for name in NUMBERS_REQUIRED_IN_2_11 {
            company.entry(name).or_insert_with(|| json!(0));
        }
    },
}];

/// A stable id for a plan, which Confab stores by name only: FNV-1a of the name, in digits
/// like Intercom's plan ids, so companies on the same plan show the same id.
fn plan_id(name: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash.to_string()
}

/// What a company's rendering needs besides its own record.
pub struct Related<'a> {
    pub app_id: &'a str,
    pub user_count: u64,
    /// `{type: "tag", id, name}` of each tag, oldest link first.
    pub tags: Vec<Value>,
    /// The segments of companies it is in, rendered, oldest first.
    pub segments: Vec<Value>,
    /// Its newest notes, rendered, in the versions that embed them (Unstable).
    pub notes: Option<Vec<Value>>,
}

/// The canonical (newest) company.
fn canonical(record: &Record, related: Related<'_>) -> Value {
    let mut company = Map::new();
    company.insert("type".into(), json!("company"));
    company.insert("id".into(), json!(id_of(record)));
    company.insert("company_id".into(), json!(text_of(record, "company_id")));
    company.insert("app_id".into(), json!(related.app_id));
    for text in ["name", "website", "industry"] {
        if let Some(value) = text_of(record, text) {
            company.insert(text.into(), json!(value));
        }
    }
    for time in [
        "remote_created_at",
        "created_at",
        "updated_at",
        "last_request_at",
        "size",
    ] {
        if let Some(value) = int_of(record, time) {
            company.insert(time.into(), json!(value));
        }
    }
    company.insert(
        "monthly_spend".into(),
        json!(int_of(record, "monthly_spend").unwrap_or(0)),
    );
    company.insert(
        "session_count".into(),
        json!(int_of(record, "session_count").unwrap_or(0)),
    );
    company.insert("user_count".into(), json!(related.user_count));
    company.insert(
        "tags".into(),
        json!({ "type": "tag.list", "tags": related.tags }),
    );
    company.insert(
        "segments".into(),
        json!({ "type": "segment.list", "segments": related.segments }),
    );
    if let Some(notes) = related.notes {
        company.insert(
            "notes".into(),
            json!({ "type": "note.list", "notes": notes }),
        );
    }
    company.insert(
        "plan".into(),
        match text_of(record, "plan") {
            Some(plan) => json!({ "type": "plan", "id": plan_id(plan), "name": plan }),
            None => json!({}),
        },
    );
    company.insert(
        "custom_attributes".into(),
        match record.get("custom_attributes") {
            Some(Value::Object(attributes)) => Value::Object(attributes.clone()),
            _ => json!({}),
        },
    );
    Value::Object(company)
}

/// One company as `version` renders it.
pub fn render_company(record: &Record, related: Related<'_>, version: ApiVersion) -> Value {
    versioned(canonical(record, related), version, COMPANY_CHANGES)
}

/// Renders a page of companies: user counts in one query, tag links in one, tag names in one,
/// one per segment of companies for their memberships, and in Unstable two for their notes.
pub async fn render_companies<C: Conn>(
    scope: &mut Scope<C>,
    records: &[Record],
    ctx: &Ctx,
) -> ApiResult<Vec<Value>> {
    let ids: Vec<String> = records.iter().map(|r| id_of(r).to_owned()).collect();
    let user_counts = scope
        .link_counts(CONTACT_COMPANY, Side::Right, &ids)
        .await?;
    let tag_links = scope.links_of(COMPANY_TAG, Side::Left, &ids).await?;
    let mut tag_ids: Vec<String> = tag_links
        .values()
        .flatten()
        .map(|link| link.right_id.clone())
        .collect();
    tag_ids.sort();
    tag_ids.dedup();
    let tags: HashMap<String, Value> = scope
        .records_by_ids(&TAGS, &tag_ids)
        .await?
        .iter()
        .map(|tag| {
            let id = id_of(tag).to_owned();
            let rendered = json!({ "type": "tag", "id": id, "name": text_of(tag, "name") });
            (id, rendered)
        })
        .collect();
    let segments = memberships(scope, Held::Companies, &ids, ctx).await?;
    let mut notes = if ctx.version == ApiVersion::Unstable {
        Some(newest_company_notes(scope, &ids, ctx.version).await?)
    } else {
        None
    };
    let app_id = ctx.workspace().id.as_str();
    Ok(records
        .iter()
        .map(|record| {
            let id = id_of(record);
            let related = Related {
                app_id,
                user_count: user_counts.get(id).copied().unwrap_or(0),
                tags: tag_links
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter_map(|link| tags.get(&link.right_id).cloned())
                    .collect(),
                segments: segments
                    .iter()
                    .filter(|(_, holds)| holds.contains(id))
                    .map(|(segment, _)| render_segment(segment, None, ctx.version))
                    .collect(),
                notes: notes
                    .as_mut()
                    .map(|by_company| by_company.remove(id).unwrap_or_default()),
            };
            render_company(record, related, ctx.version)
        })
        .collect())
}

/// Renders one company.
pub async fn render_one<C: Conn>(
    scope: &mut Scope<C>,
    record: &Record,
    ctx: &Ctx,
) -> ApiResult<Value> {
    let mut rendered = render_companies(scope, std::slice::from_ref(record), ctx).await?;
    Ok(rendered.pop().unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(value: Value) -> Record {
        value.as_object().cloned().unwrap_or_default()
    }

    fn related() -> Related<'static> {
        Related {
            app_id: "abcd1234",
            user_count: 2,
            tags: vec![json!({"type": "tag", "id": "7", "name": "vip"})],
            segments: Vec::new(),
            notes: None,
        }
    }

    #[test]
    fn unset_fields_are_left_out_except_in_2_11_which_requires_them() {
        let bare = record(json!({
            "id": "c1", "company_id": "acme", "created_at": 5, "updated_at": 6,
            "monthly_spend": 0, "session_count": 0, "custom_attributes": {},
        }));
        let latest = render_company(&bare, related(), ApiVersion::V2_14);
        assert!(latest.get("website").is_none());
        assert_eq!(latest["plan"], json!({}));
        assert_eq!(latest["user_count"], 2);
        assert_eq!(latest["tags"]["tags"][0]["name"], "vip");
        let old = render_company(&bare, related(), ApiVersion::V2_11);
        assert_eq!(old["website"], "");
        assert_eq!(old["last_request_at"], 0);
        assert_eq!(old["created_at"], 5);
    }

    #[test]
    fn a_plan_renders_as_an_object_with_a_stable_id() {
        let pro = record(json!({"id": "c1", "company_id": "a", "plan": "Pro"}));
        let rendered = render_company(&pro, related(), ApiVersion::V2_13);
        assert_eq!(rendered["plan"]["type"], "plan");
        assert_eq!(rendered["plan"]["name"], "Pro");
        assert_eq!(rendered["plan"]["id"], json!(plan_id("Pro")));
        assert_ne!(plan_id("Pro"), plan_id("Starter"));
    }
}
