//! `GET /messages/status` (Unstable): WhatsApp delivery statuses, derived from the messages'
//! conversations (decision 0022).

use axum::extract::State;
use confab_domain::models::conversation::{part_type, AuthorKind};
use confab_domain::record::relation::CONVERSATION_CONTACT;
use confab_domain::record::{id_of, int_of, text_of, Side};
use confab_domain::tables::{CONVERSATIONS, CONVERSATION_PARTS};
use confab_domain::ErrorCode;
use confab_store::records::{Filter, Order};
use serde::Deserialize;
use serde_json::{json, Value};

use super::Channel;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::gate::Ctx;
use crate::paging::{cursor_request, PageSize};
use crate::state::AppState;

/// `GET /messages/status`: 50 events by default, at most 100.
const STATUS_PAGE: PageSize = PageSize {
    default: 50,
    max: 100,
};

#[derive(Debug, Deserialize)]
pub(super) struct StatusParams {
    ruleset_id: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
}

/// `GET /messages/status` (Unstable): the delivery status of the WhatsApp messages of a
/// ruleset — in Confab, of the message whose id is the `ruleset_id`. Confab hands nothing to
/// WhatsApp, so a message is `sent`, and `read` once its contact has replied.
pub(super) async fn status(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<StatusParams>,
) -> ApiResult<axum::Json<Value>> {
    let ruleset_id = params
        .ruleset_id
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| {
            ApiError::with_message(ErrorCode::ParameterNotFound, "ruleset_id is required")
                .field("ruleset_id")
        })?;
    let request = cursor_request(
        params.per_page.as_deref(),
        params.starting_after.as_deref(),
        STATUS_PAGE,
    )?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let page = scope
        .record_page(
            &CONVERSATIONS,
            &[
                Filter::Eq("source_id", json!(ruleset_id)),
                Filter::Eq("source_type", json!(Channel::WhatsApp.source_type())),
            ],
            Order::OldestFirst,
            &request,
        )
        .await?;
    let ids: Vec<String> = page.items.iter().map(|c| id_of(c).to_owned()).collect();
    let recipients = scope
        .links_of(CONVERSATION_CONTACT, Side::Left, &ids)
        .await?;
    let replies = scope
        .records(
            &CONVERSATION_PARTS,
            &[
                Filter::In("conversation_id", ids.iter().map(|id| json!(id)).collect()),
                Filter::Eq("part_type", json!(part_type::COMMENT)),
            ],
        )
        .await?;
    let first_reply = |conversation: &str| {
        replies
            .iter()
            .filter(|p| text_of(p, "conversation_id") == Some(conversation))
            .filter(|p| {
                AuthorKind::of(text_of(p, "author_type").unwrap_or_default()) == AuthorKind::Contact
            })
            .find_map(|p| int_of(p, "created_at"))
    };
    let mut events = Vec::new();
    for conversation in &page.items {
        let id = id_of(conversation);
        let message_id = text_of(conversation, "source_id").unwrap_or_default();
        let created_at = int_of(conversation, "created_at").unwrap_or_default();
        let replied = first_reply(id);
        for link in recipients.get(id).map(Vec::as_slice).unwrap_or_default() {
            events.push(json!({
                "id": format!("{message_id}-{}", link.right_id),
                "conversation_id": id,
                "user_id": link.right_id,
                "status": if replied.is_some() { "read" } else { "sent" },
                "type": "broadcast_outbound",
                "created_at": created_at,
                "updated_at": replied.unwrap_or(created_at),
                "whatsapp_message_id": format!("wamid.{message_id}"),
                "template_name": text_of(conversation, "message_template").unwrap_or_default(),
            }));
        }
    }
    let next = page
        .next
        .as_ref()
        .map(|cursor| json!({"starting_after": cursor.encode()}));
    Ok(axum::Json(json!({
        "type": "list",
        "ruleset_id": ruleset_id,
        "pages": {
            "type": "pages",
            "per_page": page.per_page,
            "total_pages": page.total_pages(),
            "next": next,
        },
        "total_count": page.total_count,
        "events": events,
    })))
}
