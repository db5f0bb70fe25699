//! `GET /conversations/{id}/handling_events` (Unstable): when teammates' handling of the
//! conversation paused and resumed, computed from its parts on every request (decision 0024).

use std::collections::HashMap;

use axum::extract::State;
use confab_domain::models::conversation::handling::{handling_events, Step};
use confab_domain::models::conversation::AuthorKind;
use confab_domain::record::{int_of, text_of};
use confab_domain::tables::CONVERSATION_PARTS;
use confab_store::records::Filter;
use serde_json::{json, Value};

use super::find_conversation;
use crate::error::ApiResult;
use crate::extract::Path;
use crate::gate::Ctx;
use crate::resources::data_events::iso8601;
use crate::state::AppState;

pub(super) async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let conversation = find_conversation(&mut scope, &id).await?;
    let parts = scope
        .records(
            &CONVERSATION_PARTS,
            &[Filter::Eq("conversation_id", json!(id))],
        )
        .await?;
    let steps: Vec<Step<'_>> = parts
        .iter()
        .map(|p| Step {
            part_type: text_of(p, "part_type").unwrap_or_default(),
            author: AuthorKind::of(text_of(p, "author_type").unwrap_or_default()),
            assigned: text_of(p, "assigned_type").map(|kind| (kind, text_of(p, "assigned_id"))),
            at: int_of(p, "created_at").unwrap_or_default(),
        })
        .collect();
    // An admin's message is the sender's from the start (decision 0022).
    let sender = (text_of(&conversation, "delivered_as") == Some("admin_initiated"))
        .then(|| text_of(&conversation, "author_id"))
        .flatten();
    let opened_at = int_of(&conversation, "created_at").unwrap_or_default();
    let events = handling_events(opened_at, sender, &steps);
    let admins: HashMap<String, _> = scope
        .admins()
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a))
        .collect();
    let rendered: Vec<Value> = events
        .iter()
        .map(|event| {
            let (name, email) = admins
                .get(&event.admin_id)
                .map(|a| (a.name.clone(), json!(a.email)))
                .unwrap_or_default();
            let mut out = json!({
                "teammate": {
                    "type": "admin",
                    "id": event.admin_id.parse::<i64>().unwrap_or_default(),
                    "name": name,
                    "email": email,
                },
                "type": event.kind.as_str(),
                "timestamp": iso8601(event.at),
            });
            if let (Some(reason), Some(obj)) = (event.reason, out.as_object_mut()) {
                obj.insert("reason".into(), json!(reason));
            }
            out
        })
        .collect();
    Ok(axum::Json(json!({ "handling_events": rendered })))
}
