//! `POST /conversations/redact`: a part's body, or a contact's opening message, is replaced
//! for good — no copy is kept, so nothing (lists, search) can show it again.

use axum::extract::State;
use confab_domain::models::conversation::AuthorKind;
use confab_domain::record::{text_of, Record};
use confab_domain::tables::{CONVERSATIONS, CONVERSATION_PARTS};
use confab_domain::ErrorCode;
use confab_store::records::Filter;
use serde_json::{json, Map, Value};

use super::{commit_rendering, View};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::gate::Ctx;
use crate::input::required_str;
use crate::render::Rendered;
use crate::state::AppState;

fn not_found() -> ApiError {
    ApiError::new(ErrorCode::ConversationPartOrMessageNotFound)
}

fn not_redactable() -> ApiError {
    ApiError::new(ErrorCode::ConversationPartNotRedactable)
}

/// A string or numeric id from the body.
fn id_field(body: &Map<String, Value>, name: &str) -> ApiResult<String> {
    match body.get(name) {
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Ok(required_str(body, name)?.to_owned()),
    }
}

pub(super) async fn redact(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let kind = required_str(&body, "type")?.to_owned();
    let conversation_id = id_field(&body, "conversation_id")?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let conversation = scope
        .record(&CONVERSATIONS, &conversation_id)
        .await?
        .filter(|c| !super::awaiting_reply(c))
        .ok_or_else(not_found)?;
    let mut change = Record::new();
    match kind.as_str() {
        "conversation_part" => {
            let part_id = id_field(&body, "conversation_part_id")?;
            let part = scope
                .record_where(
                    &CONVERSATION_PARTS,
                    &[
                        Filter::Eq("id", json!(part_id)),
                        Filter::Eq("conversation_id", json!(conversation_id)),
                    ],
                )
                .await?
                .ok_or_else(not_found)?;
            if text_of(&part, "body").is_none_or(str::is_empty) {
                return Err(not_redactable());
            }
            change.insert("body".into(), json!(""));
            change.insert("redacted".into(), json!(true));
            change.insert("updated_at".into(), json!(now));
            scope
                .update_record(&CONVERSATION_PARTS, &part_id, &change)
                .await?;
        }
        "source" => {
            let source_id = id_field(&body, "source_id")?;
            if text_of(&conversation, "source_id") != Some(source_id.as_str()) {
                return Err(not_found());
            }
            let author = text_of(&conversation, "author_type").unwrap_or_default();
            if AuthorKind::of(author) != AuthorKind::Contact {
                return Err(not_redactable());
            }
            change.insert("body".into(), json!(""));
            change.insert("source_redacted".into(), json!(true));
            scope
                .update_record(&CONVERSATIONS, &conversation_id, &change)
                .await?;
        }
        _ => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "type must be conversation_part or source",
            )
            .field("type"))
        }
    }
    let stored = super::find_conversation(&mut scope, &conversation_id).await?;
    let view = View {
        version: ctx.version,
        with_parts: true,
        plaintext: false,
    };
    let rendered = commit_rendering(scope, &stored, view).await?;
    Ok(axum::Json(rendered))
}
