//! Conversations: create (contact-initiated), list, retrieve, update, delete, reply, and
//! manage (close, snooze, open, assign). Every action appends a part; the state, assignees
//! and `waiting_since` change with it, and statistics are computed from the parts.

mod actions;
mod assignment_rules;
mod attachments;
mod handling;
mod linked;
pub(crate) mod participants;
mod redact;
mod render;
pub(crate) mod search;
pub mod snooze;
pub(crate) mod tags;

pub(crate) use actions::{prepare_reply, write_part, NewPart, Thread};
pub(crate) use render::{author, commit_rendering, contact_refs, load, shown_body, Loaded};
pub use render::{
    plaintext, render_conversation, render_conversation_page, render_conversations, View,
};

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::models::conversation::state;
use confab_domain::models::DataModel;
use confab_domain::record::relation::{CONVERSATION_CONTACT, CONVERSATION_CUSTOM_OBJECT};
use confab_domain::record::{flag_of, id_of, text_of, Record};
use confab_domain::tables::{CONTACTS, CONVERSATIONS, CONVERSATION_PARTS};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::{Filter, Order};
use confab_store::{Conn, Scope};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::custom_attributes::merge_checked;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::{since, until, Ctx};
use crate::input::{field, object_field, record_from_body, required_str, Kind, TEXT};
use crate::paging::{cursor_request, ListBody, PageSize};
use crate::render::Rendered;
use crate::resources::custom_objects::Associations;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/conversations", get(list).post(create))
        .route(
            "/conversations/{id}",
            get(retrieve)
                .put(update)
                .merge(since(ApiVersion::V2_13, axum::routing::delete(delete))),
        )
        .route("/conversations/redact", post(redact::redact))
        .route("/conversations/search", post(search::search))
        .route("/conversations/{id}/reply", post(actions::reply))
        .route("/conversations/{id}/parts", post(actions::manage))
        .route("/conversations/{id}/customers", post(participants::attach))
        .route(
            "/conversations/{id}/customers/{contact_id}",
            axum::routing::delete(participants::detach),
        )
        .route(
            "/conversations/{id}/run_assignment_rules",
            until(ApiVersion::V2_11, post(assignment_rules::run)),
        )
        .route(
            "/conversations/{id}/handling_events",
            since(ApiVersion::Unstable, get(handling::list)),
        )
        .route("/conversations/{id}/tags", post(tags::tag))
        .route(
            "/conversations/{id}/tags/{tag_id}",
            axum::routing::delete(tags::untag),
        )
}

/// `GET /conversations`: 20 by default, at most 150.
const LIST_PAGE: PageSize = PageSize {
    default: 20,
    max: 150,
};

pub fn conversation_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "Resource Not Found")
}

/// The conversation or ticket `thread` addresses.
pub(crate) async fn find_thread<C: Conn>(
    scope: &mut Scope<C>,
    id: &str,
    thread: Thread,
) -> ApiResult<Record> {
    match thread {
        Thread::Conversation => find_conversation(scope, id).await,
        Thread::Ticket => crate::resources::tickets::find_ticket(scope, id).await,
    }
}

/// What conversation lists show: no tickets (they are listed and searched as tickets) and
/// no unanswered messages.
pub(crate) fn listed() -> Vec<Filter> {
    vec![Filter::Eq("ticket_type_id", Value::Null), shown()]
}

/// Whether this is an admin's message its contact has not answered: such a conversation
/// is not shown to anyone yet (decision 0022).
pub fn awaiting_reply(record: &Record) -> bool {
    flag_of(record, "awaiting_reply")
}

/// The filter that keeps unanswered messages out of lists.
pub fn shown() -> Filter {
    Filter::Eq("awaiting_reply", Value::from(false))
}

/// The conversation with this id, or `not_found` (also for a message not yet answered).
pub async fn find_conversation<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&CONVERSATIONS, id)
        .await?
        .filter(|c| !awaiting_reply(c))
        .ok_or_else(conversation_not_found)
}

#[derive(Debug, Deserialize)]
struct RetrieveParams {
    display_as: Option<String>,
}

fn view(ctx: &Ctx, with_parts: bool, display_as: Option<&str>) -> View {
    View {
        version: ctx.version,
        with_parts,
        plaintext: display_as == Some("plaintext"),
    }
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<RetrieveParams>,
) -> ApiResult<axum::Json<Rendered>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let record = find_conversation(&mut scope, &id).await?;
    let view = view(&ctx, true, params.display_as.as_deref());
    Ok(axum::Json(
        render_conversation(&mut scope, &record, view).await?,
    ))
}

#[derive(Debug, Deserialize)]
struct ListParams {
    per_page: Option<String>,
    starting_after: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> ApiResult<ListBody<Vec<Rendered>>> {
    let request = cursor_request(
        params.per_page.as_deref(),
        params.starting_after.as_deref(),
        LIST_PAGE,
    )?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let page = scope
        .record_page(&CONVERSATIONS, &listed(), Order::NewestFirst, &request)
        .await?;
    // List items carry no parts before Unstable.
    let view = view(&ctx, ctx.version == ApiVersion::Unstable, None);
    render_conversation_page(&mut scope, &page, view).await
}

/// `POST /conversations`: a contact starts a conversation; the answer is the message.
pub(crate) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let from = object_field(&body, "from")?.ok_or_else(|| {
        ApiError::with_message(ErrorCode::ParameterNotFound, "from is required").field("from")
    })?;
    let from_type = required_str(from, "type").map_err(|e| e.field("from.type"))?;
    if !matches!(from_type, "user" | "lead" | "contact") {
        return Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "from.type must be user, lead or contact",
        )
        .field("from.type"));
    }
    let contact_id = required_str(from, "id")
        .map_err(|e| e.field("from.id"))?
        .to_owned();
    let text = required_str(&body, "body")?.to_owned();
    let fields = record_from_body(
        &body,
        &[field("subject", TEXT), field("created_at", Kind::Timestamp)],
    )?;
    let now = ctx.now();
    let created_at = fields
        .get("created_at")
        .and_then(Value::as_i64)
        .unwrap_or(now);
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = scope
        .record(&CONTACTS, &contact_id)
        .await?
        .ok_or_else(crate::resources::contacts::contact_not_found)?;
    let mut role = text_of(&contact, "role").unwrap_or("user").to_owned();
    if role == "visitor" {
        // A visitor who writes in becomes a lead.
        let mut change = Record::new();
        change.insert("role".into(), json!("lead"));
        change.insert("updated_at".into(), json!(now));
        scope.update_record(&CONTACTS, &contact_id, &change).await?;
        role = "lead".into();
    }
    let source_id = confab_domain::ids::message_id();
    let record = json!({
        "state": state::OPEN, "read": false, "priority": "not_priority",
        "waiting_since": created_at, "created_at": created_at, "updated_at": created_at,
        "source_id": source_id, "source_type": "conversation",
        "delivered_as": "customer_initiated",
        "subject": fields.get("subject").cloned().unwrap_or(Value::Null),
        "body": text, "author_type": role, "author_id": contact_id,
        "custom_attributes": {},
    });
    let Value::Object(record) = record else {
        return Err(ApiError::new(ErrorCode::ServerError));
    };
    let stored = scope.insert_record(&CONVERSATIONS, &record, now).await?;
    scope
        .put_link(
            CONVERSATION_CONTACT,
            id_of(&stored),
            &contact_id,
            &Value::Null,
            now,
        )
        .await?;
    scope.commit().await?;
    Ok(axum::Json(json!({
        "type": "user_message",
        "id": source_id,
        "created_at": created_at,
        "subject": text_of(&stored, "subject").unwrap_or_default(),
        "body": text_of(&stored, "body").unwrap_or_default(),
        "message_type": "inapp",
        "conversation_id": id_of(&stored),
    })))
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(mut body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let current = find_conversation(&mut scope, &id).await?;
    // From 2.13, as for contacts, `custom_attributes` may also associate custom object
    // instances, named by their type.
    let associations = match body.get_mut("custom_attributes") {
        Some(Value::Object(attributes)) if ctx.version >= ApiVersion::V2_13 => {
            Some(Associations::take(&mut scope, attributes).await?)
        }
        _ => None,
    };
    let mut changes = record_from_body(&body, &[field("read", Kind::Bool)])?;
    if ctx.version >= ApiVersion::V2_13 {
        changes.extend(record_from_body(&body, &[field("title", TEXT)])?);
    }
    if ctx.version >= ApiVersion::V2_14 {
        changes.extend(record_from_body(&body, &[field("company_id", TEXT)])?);
    }
    if let Some(values) = object_field(&body, "custom_attributes")? {
        let merged = merge_checked(
            &mut scope,
            DataModel::Conversation,
            current.get("custom_attributes"),
            values,
        )
        .await?;
        changes.insert("custom_attributes".into(), merged);
    }
    changes.insert("updated_at".into(), json!(now));
    scope.update_record(&CONVERSATIONS, &id, &changes).await?;
    if let Some(associations) = associations {
        associations
            .apply(&mut scope, CONVERSATION_CUSTOM_OBJECT, &id, now)
            .await?;
    }
    let stored = find_conversation(&mut scope, &id).await?;
    let rendered = commit_rendering(scope, &stored, view(&ctx, true, None)).await?;
    Ok(axum::Json(rendered))
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    find_conversation(&mut scope, &id).await?;
    remove_thread(&mut scope, &id).await?;
    scope.commit().await?;
    Ok(axum::Json(
        json!({"id": id, "object": "conversation", "deleted": true}),
    ))
}

/// Deletes a conversation or ticket with its parts (its links go with the row).
pub(crate) async fn remove_thread(scope: &mut confab_store::WriteScope, id: &str) -> ApiResult<()> {
    for part in scope
        .records(
            &CONVERSATION_PARTS,
            &[Filter::Eq("conversation_id", json!(id))],
        )
        .await?
    {
        scope
            .delete_record(&CONVERSATION_PARTS, id_of(&part))
            .await?;
    }
    scope.delete_record(&CONVERSATIONS, id).await?;
    Ok(())
}

/// The system (not an admin or contact) acts on a conversation: appends a part of
/// `part_type` by the bot and applies `change` (plus `updated_at`). Snooze wake-ups and the
/// closing of a blocked contact's conversations go through here.
pub(crate) async fn system_action(
    scope: &mut confab_store::WriteScope,
    conversation_id: &str,
    part_type: &str,
    mut change: Map<String, Value>,
    now: i64,
) -> Result<(), confab_store::StoreError> {
    let part = json!({
        "conversation_id": conversation_id, "part_type": part_type, "body": Value::Null,
        "author_type": "bot", "author_id": "0", "attachments": [], "redacted": false,
        "created_at": now, "updated_at": now, "notified_at": now,
    });
    if let Value::Object(part) = part {
        scope.insert_record(&CONVERSATION_PARTS, &part, now).await?;
    }
    change.insert("updated_at".into(), json!(now));
    scope
        .update_record(&CONVERSATIONS, conversation_id, &change)
        .await?;
    Ok(())
}

/// Closes every open or snoozed conversation of a contact, each with a `close` part by the
/// system (a blocked contact's conversations are archived).
pub async fn close_conversations_of(
    scope: &mut confab_store::WriteScope,
    contact_id: &str,
    now: i64,
) -> ApiResult<usize> {
    let theirs = scope
        .records(
            &CONVERSATIONS,
            &[
                Filter::HasLink {
                    relation: CONVERSATION_CONTACT,
                    right_id: contact_id.to_owned(),
                },
                Filter::NotEq("state", json!(state::CLOSED)),
                shown(),
            ],
        )
        .await?;
    for conversation in &theirs {
        let mut change = Map::new();
        change.insert("state".into(), json!(state::CLOSED));
        change.insert("snoozed_until".into(), Value::Null);
        system_action(scope, id_of(conversation), "close", change, now).await?;
    }
    Ok(theirs.len())
}
