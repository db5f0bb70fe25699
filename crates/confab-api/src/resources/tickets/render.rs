//! Tickets and ticket parts as each version shows them: the state as a string with its labels
//! in 2.11 and as an object later; assignees as strings; each part with the ticket state it
//! left the ticket in.

use std::collections::HashMap;

use confab_domain::models::conversation::Part;
use confab_domain::models::ticket::state_category;
use confab_domain::record::{flag_of, id_of, int_of, text_of, Record};
use confab_domain::tables::{TICKET_STATES, TICKET_TYPES};
use confab_domain::ApiVersion;
use confab_store::{Conn, Scope};
use serde_json::{json, Value};

use super::types::{render_state, TypeContext};
use crate::error::ApiResult;
use crate::resources::conversations::{author, contact_refs, load, shown_body, Loaded, View};

/// A ticket shows at most this many parts: the newest.
const MAX_PARTS: usize = 500;

fn part_author(loaded: &Loaded, part: &Part, version: ApiVersion) -> Value {
    let mut full = author(loaded, part.author_type(), part.author_id(), version);
    // A ticket part's author is an admin, bot, team or user: leads write as users.
    let kind = match full["type"].as_str() {
        Some(kind @ ("admin" | "bot" | "team")) => kind.to_owned(),
        _ => "user".to_owned(),
    };
    json!({
        "type": kind,
        "id": full["id"].take(),
        "name": full["name"].take(),
        "email": full["email"].take(),
    })
}

/// One ticket part; `state` is the ticket's state category after it.
pub fn render_part(
    loaded: &Loaded,
    part: &Part,
    previous: Option<&str>,
    state: &str,
    version: ApiVersion,
) -> Value {
    let assigned_to = match (part.assigned_type.as_deref(), part.assigned_id.as_deref()) {
        (Some(kind), Some(id)) => json!({"type": kind, "id": id}),
        _ => Value::Null,
    };
    let view = View {
        version,
        with_parts: false,
        plaintext: false,
    };
    let mut out = json!({
        "type": "ticket_part",
        "id": part.id,
        "part_type": part.part_type,
        "body": shown_body(part.body.as_deref(), view),
        "ticket_state": state,
        "created_at": part.created_at,
        "updated_at": part.updated_at,
        "assigned_to": assigned_to,
        "author": part_author(loaded, part, version),
        "attachments": part.attachments.as_ref().filter(|v| v.is_array()).cloned().unwrap_or_else(|| json!([])),
        "external_id": part.external_id,
        "redacted": part.redacted.unwrap_or(false),
    });
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    if let Some(previous) = previous {
        obj.insert("previous_ticket_state".into(), json!(previous));
    }
    // 2.14 shows what an attribute update changed.
    if let Some(data) = part
        .metadata
        .as_ref()
        .and_then(|m| m.get("updated_attribute_data"))
        .filter(|_| version >= ApiVersion::V2_14)
    {
        obj.insert("updated_attribute_data".into(), data.clone());
    }
    out
}

/// The parts of a ticket, each with the state it left the ticket in: parts that did not
/// move the state carry the state before them forward.
fn render_parts(loaded: &Loaded, id: &str, version: ApiVersion) -> Value {
    let empty = Vec::new();
    let parts = loaded.parts.get(id).unwrap_or(&empty);
    let mut state = state_category::SUBMITTED.to_owned();
    let mut rendered = Vec::with_capacity(parts.len());
    for part in parts {
        let previous = part.previous_ticket_state.as_deref();
        if let Some(moved_to) = part.ticket_state.as_deref() {
            state = moved_to.to_owned();
        }
        rendered.push(render_part(loaded, part, previous, &state, version));
    }
    let shown = rendered.split_off(rendered.len().saturating_sub(MAX_PARTS));
    json!({"type": "ticket_part.list", "ticket_parts": shown, "total_count": parts.len()})
}

/// Renders tickets (conversation rows with a ticket type) for `version`.
pub async fn render_tickets<C: Conn>(
    scope: &mut Scope<C>,
    records: &[Record],
    version: ApiVersion,
) -> ApiResult<Vec<Value>> {
    let loaded = load(scope, records).await?;
    let mut type_ids: Vec<String> = records
        .iter()
        .filter_map(|r| int_of(r, "ticket_type_id").map(|t| t.to_string()))
        .collect();
    type_ids.sort_unstable();
    type_ids.dedup();
    let types = scope.records_by_ids(&TICKET_TYPES, &type_ids).await?;
    let context = TypeContext::load(scope, &types, version).await?;
    let types: HashMap<String, Record> = types
        .into_iter()
        .map(|t| (id_of(&t).to_owned(), t))
        .collect();
    let states: HashMap<String, Record> = scope
        .records(&TICKET_STATES, &[])
        .await?
        .into_iter()
        .map(|s| (id_of(&s).to_owned(), s))
        .collect();
    Ok(records
        .iter()
        .map(|record| {
            let ticket_type =
                int_of(record, "ticket_type_id").and_then(|t| types.get(&t.to_string()));
            let state = int_of(record, "ticket_state_id").and_then(|s| states.get(&s.to_string()));
            render_ticket(record, &loaded, &context, ticket_type, state, version)
        })
        .collect())
}

fn id_string(record: &Record, column: &str) -> Value {
    json!(int_of(record, column).map_or_else(|| "0".to_owned(), |id| id.to_string()))
}

fn render_ticket(
    record: &Record,
    loaded: &Loaded,
    context: &TypeContext,
    ticket_type: Option<&Record>,
    state: Option<&Record>,
    version: ApiVersion,
) -> Value {
    let id = id_of(record);
    let category = ticket_type.and_then(|t| t.get("category").cloned());
    let mut out = json!({
        "type": "ticket",
        "id": id,
        "ticket_id": int_of(record, "ticket_number").unwrap_or_default().to_string(),
        "category": category,
        "ticket_attributes": record.get("ticket_attributes").filter(|v| v.is_object()).cloned().unwrap_or_else(|| json!({})),
        "ticket_type": ticket_type.map(|t| context.render(t, true)),
        "contacts": contact_refs(loaded, id),
        "admin_assignee_id": id_string(record, "admin_assignee_id"),
        "team_assignee_id": id_string(record, "team_assignee_id"),
        "created_at": record.get("created_at"),
        "updated_at": record.get("updated_at"),
        "open": text_of(record, "state") != Some("closed"),
        "snoozed_until": record.get("snoozed_until"),
        "linked_objects": loaded.linked.render(id),
        "ticket_parts": render_parts(loaded, id, version),
        "is_shared": flag_of(record, "is_shared"),
    });
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    if record.get("snoozed_until").is_none_or(Value::is_null) {
        obj.remove("snoozed_until");
    }
    match (version, state) {
        (ApiVersion::V2_11, Some(state)) => {
            obj.insert(
                "ticket_state".into(),
                state.get("category").cloned().unwrap_or_default(),
            );
            obj.insert(
                "ticket_state_internal_label".into(),
                state.get("internal_label").cloned().unwrap_or_default(),
            );
            obj.insert(
                "ticket_state_external_label".into(),
                state.get("external_label").cloned().unwrap_or_default(),
            );
        }
        (_, Some(state)) => {
            obj.insert("ticket_state".into(), render_state(state));
        }
        (_, None) => {}
    }
    out
}

/// Renders one ticket.
pub async fn render_ticket_one<C: Conn>(
    scope: &mut Scope<C>,
    record: &Record,
    version: ApiVersion,
) -> ApiResult<Value> {
    Ok(render_tickets(scope, std::slice::from_ref(record), version)
        .await?
        .pop()
        .unwrap_or(Value::Null))
}
