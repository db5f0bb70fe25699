//! Messages: `POST /messages` — an admin writes to contacts in-app or by email (and, in
//! Unstable, by SMS or WhatsApp) — and `GET /messages/status` (Unstable: WhatsApp delivery).
//!
//! A message is stored as the conversation it opens, assigned to its sender, with the
//! message as its source. That conversation stays hidden (`awaiting_reply`) until the contact
//! replies, unless the message asks for it at once (decision 0022).

mod input;
mod status;

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::models::conversation::state;
use confab_domain::record::relation::CONVERSATION_CONTACT;
use confab_domain::record::{id_of, text_of, Record};
use confab_domain::tables::{CONTACTS, CONVERSATIONS};
use confab_domain::{ApiVersion, ErrorCode};
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::gate::{since, Ctx};
use crate::input::{field, object_field, record_from_body, Kind};
use crate::state::AppState;
use input::{audience, content, sender, Channel};

pub fn routes() -> Router<AppState> {
    Router::new().route("/messages", post(create)).route(
        "/messages/status",
        since(ApiVersion::Unstable, get(status::status)),
    )
}

/// `POST /messages`.
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let from = object_field(&body, "from")?.ok_or_else(|| {
        ApiError::with_message(ErrorCode::ParameterNotFound, "from is required").field("from")
    })?;
    let from_contact = matches!(
        from.get("type").and_then(Value::as_str),
        Some("user" | "lead" | "contact")
    );
    if from_contact && ctx.version == ApiVersion::V2_11 {
        // 2.11 still lets a contact write through /messages: that starts a conversation.
        return crate::resources::conversations::create(State(state), ctx, Json(body)).await;
    }
    let channel = Channel::parse(body.get("message_type"), ctx.version)?;
    let options = record_from_body(
        &body,
        &[
            field("created_at", Kind::Timestamp),
            field("create_conversation_without_contact_reply", Kind::Bool),
        ],
    )?;
    let now = ctx.now();
    let created_at = options
        .get("created_at")
        .and_then(Value::as_i64)
        .unwrap_or(now);
    let open_now = options
        .get("create_conversation_without_contact_reply")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let admin = sender(&mut scope, from).await?;
    let content = content(&body, channel)?;
    let audience = audience(&mut scope, &body, channel, ctx.version).await?;

    let message_id = confab_domain::ids::message_id();
    let record = json!({
        "state": state::OPEN, "read": false, "priority": "not_priority",
        "waiting_since": Value::Null, "created_at": created_at, "updated_at": created_at,
        "source_id": message_id, "source_type": channel.source_type(),
        "delivered_as": "admin_initiated",
        "subject": content.subject, "body": content.body,
        "author_type": "admin", "author_id": admin.id.to_string(),
        "admin_assignee_id": admin.id,
        "custom_attributes": {},
        "awaiting_reply": !open_now,
        "message_template": content.template,
    });
    let Value::Object(record) = record else {
        return Err(ApiError::new(ErrorCode::ServerError));
    };
    let stored = scope.insert_record(&CONVERSATIONS, &record, now).await?;
    let conversation_id = id_of(&stored).to_owned();
    for contact in &audience.participants {
        scope
            .put_link(
                CONVERSATION_CONTACT,
                &conversation_id,
                id_of(contact),
                &Value::Null,
                now,
            )
            .await?;
    }
    let mut contacted = Record::new();
    contacted.insert("last_contacted_at".into(), json!(created_at));
    for contact in audience.participants.iter().chain(&audience.blind) {
        scope
            .update_record(&CONTACTS, id_of(contact), &contacted)
            .await?;
    }
    scope.commit().await?;
    Ok(axum::Json(json!({
        "type": "admin_message",
        "id": message_id,
        "created_at": created_at,
        "subject": text_of(&stored, "subject").unwrap_or_default(),
        "body": text_of(&stored, "body").unwrap_or_default(),
        "message_type": channel.message_type(),
        "conversation_id": conversation_id,
        "owner": {
            "type": "admin", "id": admin.id.to_string(), "name": admin.name,
            "email": admin.email, "away_mode_enabled": admin.away_mode_enabled,
            "away_mode_reassign": admin.away_mode_reassign,
        },
    })))
}
