//! What admins and contacts do to a conversation: reply (`/reply`) and manage it (`/parts`:
//! close, snooze, open, assign). Each appends one part and moves the conversation's state,
//! assignees and `waiting_since` as Intercom's inbox does.

use axum::extract::State;
use confab_domain::models::conversation::{part_type, state};
use confab_domain::record::relation::CONVERSATION_CONTACT;
use confab_domain::record::{id_of, int_of, text_of, Record, Side};
use confab_domain::tables::{CONTACTS, CONVERSATIONS, CONVERSATION_PARTS};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::WriteScope;
use serde_json::{json, Map, Value};

use super::{commit_rendering, find_conversation, View};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::input::required_str;
use crate::render::Rendered;
use crate::resources::subjects::id_in_body;
use crate::state::AppState;

/// A part about to be written.
pub(crate) struct NewPart<'a> {
    pub(crate) part_type: &'a str,
    pub(crate) body: Option<String>,
    pub(crate) author_type: &'a str,
    pub(crate) author_id: String,
    /// To whom the part assigns the conversation: a kind and an id (none for `nobody_admin`).
    pub(crate) assigned: Option<(&'a str, Option<String>)>,
    /// For tickets: the state category the part moves the ticket from, and to.
    pub(crate) ticket_state: Option<(&'a str, &'a str)>,
    /// `part_attachment`s (see [`super::attachments`]).
    pub(crate) attachments: Vec<Value>,
    /// What the part records beyond its body (a ticket attribute update's data).
    pub(crate) metadata: Value,
}

/// The admin `admin_id` names, or 404 `admin_not_found`.
pub(crate) async fn admin_author(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
) -> ApiResult<i64> {
    let raw = id_in_body(body, "admin_id")?;
    let id = confab_domain::ids::parse_numeric(&raw)
        .ok_or_else(|| ApiError::new(ErrorCode::AdminNotFound))?;
    scope
        .admin(id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::AdminNotFound))?;
    Ok(id)
}

/// The contact a contact reply names by `intercom_user_id`, `user_id` or `email`.
pub(crate) async fn contact_author(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
) -> ApiResult<Record> {
    let (column, value) = if let Some(id) = body.get("intercom_user_id").and_then(Value::as_str) {
        ("id", id)
    } else if let Some(id) = body.get("user_id").and_then(Value::as_str) {
        ("external_id", id)
    } else if let Some(email) = body.get("email").and_then(Value::as_str) {
        ("email", email)
    } else {
        return Err(ApiError::with_message(
            ErrorCode::ParameterNotFound,
            "intercom_user_id, user_id or email is required",
        ));
    };
    scope
        .record_where(
            &CONTACTS,
            &[
                Filter::Eq(column, json!(value)),
                Filter::NotEq("role", json!("visitor")),
            ],
        )
        .await?
        .ok_or_else(crate::resources::contacts::contact_not_found)
}

/// Appends the part and stamps the conversation (or ticket) with `changes` and
/// `updated_at`; answers the stored part.
pub(crate) async fn write_part(
    scope: &mut WriteScope,
    conversation_id: &str,
    part: NewPart<'_>,
    mut changes: Record,
    now: i64,
) -> ApiResult<Record> {
    let (assigned_type, assigned_id) = match part.assigned {
        Some((kind, id)) => (json!(kind), json!(id)),
        None => (Value::Null, Value::Null),
    };
    let record = json!({
        "conversation_id": conversation_id, "part_type": part.part_type, "body": part.body,
        "author_type": part.author_type, "author_id": part.author_id,
        "assigned_type": assigned_type, "assigned_id": assigned_id,
        "attachments": part.attachments, "redacted": false, "metadata": part.metadata,
        "created_at": now, "updated_at": now, "notified_at": now,
        "ticket_state": part.ticket_state.map(|(_, to)| to),
        "previous_ticket_state": part.ticket_state.map(|(from, _)| from),
    });
    let Value::Object(record) = record else {
        return Err(ApiError::new(ErrorCode::ServerError));
    };
    let stored = scope
        .insert_record(&CONVERSATION_PARTS, &record, now)
        .await?;
    changes.insert("updated_at".into(), json!(now));
    scope
        .update_record(&CONVERSATIONS, conversation_id, &changes)
        .await?;
    Ok(stored)
}

/// Appends the part, stamps the conversation with `changes` and `updated_at`, and answers the
/// conversation with its parts.
pub(super) async fn append(
    mut scope: WriteScope,
    ctx: &Ctx,
    conversation: &Record,
    part: NewPart<'_>,
    changes: Record,
) -> ApiResult<axum::Json<Rendered>> {
    let id = id_of(conversation).to_owned();
    write_part(&mut scope, &id, part, changes, ctx.now()).await?;
    let stored = find_conversation(&mut scope, &id).await?;
    let view = View {
        version: ctx.version,
        with_parts: true,
        plaintext: false,
    };
    let rendered = commit_rendering(scope, &stored, view).await?;
    Ok(axum::Json(rendered))
}

/// Which rows an endpoint reaches: conversation endpoints every thread (a conversation
/// converted to a ticket stays reachable as a conversation), ticket endpoints only tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Thread {
    Conversation,
    Ticket,
}

/// The thread a reply addresses: by id, or (conversations only) `last` — the contact's latest
/// conversation for a contact reply, the workspace's latest for an admin's. A contact also
/// reaches the admin messages sent to them that nobody sees yet: their reply is what opens
/// them.
async fn addressed(
    scope: &mut WriteScope,
    id: &str,
    contact: Option<&Record>,
    thread: Thread,
) -> ApiResult<Record> {
    if thread == Thread::Ticket {
        return crate::resources::tickets::find_ticket(scope, id)
            .await
            .map_err(|_| super::conversation_not_found());
    }
    let mut filters = match contact {
        Some(contact) => vec![Filter::HasLink {
            relation: CONVERSATION_CONTACT,
            right_id: id_of(contact).to_owned(),
        }],
        None => vec![super::shown()],
    };
    if id != "last" {
        if contact.is_none() {
            return find_conversation(scope, id).await;
        }
        filters.push(Filter::Eq("id", json!(id)));
        let theirs = scope.record_where(&CONVERSATIONS, &filters).await?;
        return match theirs {
            Some(conversation) => Ok(conversation),
            None => find_conversation(scope, id).await,
        };
    }
    // `last` is a conversation, never a ticket.
    let latest = match contact {
        Some(contact) => latest_of_contact(scope, id_of(contact)).await?,
        None => {
            filters.push(Filter::Eq("ticket_type_id", Value::Null));
            scope.newest_record_where(&CONVERSATIONS, &filters).await?
        }
    };
    latest.ok_or_else(super::conversation_not_found)
}

/// The newest conversation (not ticket) the contact takes part in. Read from the contact's
/// links and picked here: given `id IN (…) AND ticket_type_id IS NULL ORDER BY seq DESC`,
/// SQLite without statistics walks every conversation of the workspace newest first.
async fn latest_of_contact(scope: &mut WriteScope, contact_id: &str) -> ApiResult<Option<Record>> {
    let ids: Vec<String> = scope
        .links_of(CONVERSATION_CONTACT, Side::Right, &[contact_id.to_owned()])
        .await?
        .into_values()
        .flatten()
        .map(|link| link.left_id)
        .collect();
    Ok(scope
        .records_by_ids(&CONVERSATIONS, &ids)
        .await?
        .into_iter()
        .filter(|c| c.get("ticket_type_id").is_none_or(Value::is_null))
        .max_by_key(|c| int_of(c, "seq").unwrap_or_default()))
}

fn reply_body(body: &Map<String, Value>) -> ApiResult<String> {
    Ok(required_str(body, "body")?.to_owned())
}

/// What a reply writes: the thread it addresses, its part, and how the thread changes.
pub(crate) struct Reply<'a> {
    pub(crate) thread: Record,
    pub(crate) part: NewPart<'a>,
    pub(crate) changes: Record,
    pub(crate) by_contact: bool,
}

/// Reads a reply (`type` admin with a comment, note or quick reply; a contact's comment) and
/// works out what it does; a contact's reply makes them a participant at once.
pub(crate) async fn prepare_reply<'a>(
    scope: &mut WriteScope,
    ctx: &Ctx,
    id: &str,
    body: &'a Map<String, Value>,
    thread: Thread,
) -> ApiResult<Reply<'a>> {
    let kind = required_str(body, "type")?;
    let message_type = required_str(body, "message_type")?;
    let attachments = super::attachments::attachments_of(body)?;
    if kind == "admin" {
        let allowed = match message_type {
            part_type::COMMENT | part_type::NOTE => true,
            part_type::QUICK_REPLY => ctx.version >= ApiVersion::V2_14 || thread == Thread::Ticket,
            _ => false,
        };
        if !allowed {
            return Err(ApiError::invalid(
                "message_type",
                "message_type is not valid",
            ));
        }
        let author = admin_author(scope, body).await?;
        let text = reply_body(body)?;
        let conversation = addressed(scope, id, None, thread).await?;
        let mut changes = Record::new();
        if message_type != part_type::NOTE {
            // An admin's reply answers whoever was waiting.
            changes.insert("waiting_since".into(), Value::Null);
        }
        let part = NewPart {
            part_type: message_type,
            body: Some(text),
            author_type: "admin",
            author_id: author.to_string(),
            assigned: None,
            ticket_state: None,
            attachments: attachments.clone(),
            metadata: Value::Null,
        };
        return Ok(Reply {
            thread: conversation,
            part,
            changes,
            by_contact: false,
        });
    }
    if !matches!(kind, "user" | "lead" | "contact") {
        return Err(ApiError::invalid("type", "type must be admin or user"));
    }
    if message_type != part_type::COMMENT {
        return Err(ApiError::invalid(
            "message_type",
            "a contact can only comment",
        ));
    }
    let contact = contact_author(scope, body).await?;
    let text = reply_body(body)?;
    let conversation = addressed(scope, id, Some(&contact), thread).await?;
    let now = ctx.now();
    let mut changes = Record::new();
    if super::awaiting_reply(&conversation) {
        // The contact answers an admin's message: from now on it is a conversation.
        changes.insert("awaiting_reply".into(), json!(false));
    }
    // A contact writing reopens a closed or snoozed conversation and is now waiting.
    if text_of(&conversation, "state") != Some(state::OPEN) {
        changes.insert("state".into(), json!(state::OPEN));
        changes.insert("snoozed_until".into(), Value::Null);
    }
    if conversation.get("waiting_since").is_none_or(Value::is_null) {
        changes.insert("waiting_since".into(), json!(now));
    }
    scope
        .put_link(
            CONVERSATION_CONTACT,
            id_of(&conversation),
            id_of(&contact),
            &Value::Null,
            now,
        )
        .await?;
    let part = NewPart {
        part_type: part_type::COMMENT,
        body: Some(text),
        author_type: if text_of(&contact, "role") == Some("lead") {
            "lead"
        } else {
            "user"
        },
        author_id: id_of(&contact).to_owned(),
        assigned: None,
        ticket_state: None,
        attachments,
        metadata: Value::Null,
    };
    Ok(Reply {
        thread: conversation,
        part,
        changes,
        by_contact: true,
    })
}

/// `POST /conversations/{id}/reply`.
pub(super) async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let reply = prepare_reply(&mut scope, &ctx, &id, &body, Thread::Conversation).await?;
    append(scope, &ctx, &reply.thread, reply.part, reply.changes).await
}

/// The id an assignment names: an admin's or a team's, or `0` for nobody.
async fn assignee(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
    kind: &str,
) -> ApiResult<Option<i64>> {
    let raw = match body.get("assignee_id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterNotFound,
                "assignee_id is required",
            )
            .field("assignee_id"))
        }
    };
    if raw == "0" {
        return Ok(None);
    }
    let (exists, missing) = match (kind, confab_domain::ids::parse_numeric(&raw)) {
        ("admin", Some(id)) => (scope.admin(id).await?.is_some(), ErrorCode::AdminNotFound),
        ("team", Some(id)) => (scope.team(id).await?.is_some(), ErrorCode::TeamNotFound),
        ("team", None) => (false, ErrorCode::TeamNotFound),
        _ => (false, ErrorCode::AdminNotFound),
    };
    if !exists {
        return Err(ApiError::new(missing));
    }
    Ok(raw.parse().ok())
}

/// `POST /conversations/{id}/parts`: close, snooze, open or assign.
pub(super) async fn manage(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let message_type = required_str(&body, "message_type")?.to_owned();
    let author = admin_author(&mut scope, &body).await?;
    let conversation = find_conversation(&mut scope, &id).await?;
    let text = body.get("body").and_then(Value::as_str).map(str::to_owned);
    let mut changes = Record::new();
    let mut assigned = None;
    let kind = match message_type.as_str() {
        "close" => {
            changes.insert("state".into(), json!(state::CLOSED));
            changes.insert("snoozed_until".into(), Value::Null);
            part_type::CLOSE
        }
        "open" => {
            changes.insert("state".into(), json!(state::OPEN));
            changes.insert("snoozed_until".into(), Value::Null);
            part_type::OPEN
        }
        "snoozed" => {
            let until = body
                .get("snoozed_until")
                .and_then(Value::as_i64)
                .ok_or_else(|| {
                    ApiError::with_message(
                        ErrorCode::ParameterNotFound,
                        "snoozed_until is required to snooze",
                    )
                    .field("snoozed_until")
                })?;
            if until <= ctx.now() {
                return Err(ApiError::invalid(
                    "snoozed_until",
                    "snoozed_until must be in the future",
                ));
            }
            changes.insert("state".into(), json!(state::SNOOZED));
            changes.insert("snoozed_until".into(), json!(until));
            part_type::SNOOZED
        }
        "assignment" => {
            let kind = required_str(&body, "type")?;
            let column = match kind {
                "admin" => "admin_assignee_id",
                "team" => "team_assignee_id",
                _ => return Err(ApiError::invalid("type", "type must be admin or team")),
            };
            let who = assignee(&mut scope, &body, kind).await?;
            changes.insert(column.into(), json!(who));
            assigned = Some((
                if kind == "team" { "team" } else { "admin" },
                Some(who.map_or_else(|| "0".to_owned(), |id| id.to_string())),
            ));
            part_type::ASSIGNMENT
        }
        _ => {
            return Err(ApiError::invalid(
                "message_type",
                "message_type must be close, snoozed, open or assignment",
            ))
        }
    };
    let part = NewPart {
        part_type: kind,
        body: text,
        author_type: "admin",
        author_id: author.to_string(),
        assigned,
        ticket_state: None,
        attachments: Vec::new(),
        metadata: Value::Null,
    };
    append(scope, &ctx, &conversation, part, changes).await
}
