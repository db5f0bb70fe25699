//! Messages: `POST /messages` — an admin writes to contacts in-app or by email (and, in
//! Unstable, by SMS or WhatsApp) — and `GET /messages/status` (Unstable: WhatsApp delivery).
//!
//! A message is stored as the conversation it opens, assigned to its sender, with the
//! message as its source. That conversation stays hidden (`awaiting_reply`) until the contact
//! replies, unless the message asks for it at once (decision 0022).

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::models::conversation::{part_type, state, AuthorKind};
use confab_domain::models::Admin;
use confab_domain::record::relation::CONVERSATION_CONTACT;
use confab_domain::record::{id_of, int_of, text_of, Record, Side};
use confab_domain::tables::{CONTACTS, CONVERSATIONS, CONVERSATION_PARTS};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::{Filter, Order};
use confab_store::WriteScope;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::gate::{since, Ctx};
use crate::input::{field, object_field, record_from_body, required_str, Kind};
use crate::paging::{cursor_request, PageSize};
use crate::resources::contacts::contact_not_found;
use crate::resources::subjects::id_in_body;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", post(create))
        .route("/messages/status", since(ApiVersion::Unstable, get(status)))
}

/// How a message reaches its contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    InApp,
    Email,
    Sms,
    WhatsApp,
}

impl Channel {
    /// `message_type`; absent means in-app, as Intercom defaults it.
    fn parse(raw: Option<&Value>, version: ApiVersion) -> ApiResult<Self> {
        let channel = match raw {
            None | Some(Value::Null) => Some(Self::InApp),
            // `inapp` is the name the answer uses; `conversation` is in Intercom's examples.
            Some(Value::String(s)) => match s.as_str() {
                "in_app" | "inapp" | "conversation" => Some(Self::InApp),
                "email" => Some(Self::Email),
                "sms" if version == ApiVersion::Unstable => Some(Self::Sms),
                "whatsapp" if version == ApiVersion::Unstable => Some(Self::WhatsApp),
                _ => None,
            },
            Some(_) => None,
        };
        channel.ok_or_else(|| {
            let allowed = if version == ApiVersion::Unstable {
                "in_app, email, sms or whatsapp"
            } else {
                "in_app or email"
            };
            invalid("message_type", &format!("message_type must be {allowed}"))
        })
    }

    /// The message's `message_type`.
    fn message_type(self) -> &'static str {
        match self {
            Self::InApp => "inapp",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::WhatsApp => "whatsapp",
        }
    }

    /// The `source.type` of the conversation it opens.
    fn source_type(self) -> &'static str {
        match self {
            Self::InApp => "conversation",
            Self::Email => "email",
            Self::Sms => "sms",
            Self::WhatsApp => "whatsapp",
        }
    }

    fn by_phone(self) -> bool {
        matches!(self, Self::Sms | Self::WhatsApp)
    }
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::with_message(ErrorCode::ParameterInvalid, message).field(field)
}

/// What the message says, by channel.
struct Content {
    subject: Option<String>,
    body: String,
    /// Email: `plain` or `personal`; WhatsApp: the template's name.
    template: Option<String>,
}

fn non_blank<'a>(body: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn content(body: &Map<String, Value>, channel: Channel) -> ApiResult<Content> {
    if channel == Channel::WhatsApp {
        let template = required_str(body, "template")?.to_owned();
        match body.get("components") {
            Some(Value::Array(_)) => {}
            None | Some(Value::Null) => {
                return Err(ApiError::with_message(
                    ErrorCode::ParameterNotFound,
                    "components is required",
                )
                .field("components"))
            }
            Some(_) => return Err(invalid("components", "components must be an array")),
        }
        return Ok(Content {
            subject: None,
            body: String::new(),
            template: Some(template),
        });
    }
    let text = non_blank(body, "body")
        .ok_or_else(|| invalid("body", "Body is required"))?
        .to_owned();
    match channel {
        Channel::Email => {
            let subject = non_blank(body, "subject").ok_or_else(|| {
                ApiError::with_message(
                    ErrorCode::ParameterMissingUnprocessable,
                    "No subject supplied for email message",
                )
                .field("subject")
            })?;
            let template = match body.get("template") {
                None | Some(Value::Null) => "plain",
                Some(Value::String(t)) if t == "plain" || t == "personal" => t.as_str(),
                Some(_) => return Err(invalid("template", "template must be plain or personal")),
            };
            Ok(Content {
                subject: Some(subject.to_owned()),
                body: text,
                template: Some(template.to_owned()),
            })
        }
        Channel::Sms if !is_sms_text(&text) => Err(invalid("body", "Invalid SMS message body")),
        _ => Ok(Content {
            subject: None,
            body: text,
            template: None,
        }),
    }
}

/// An SMS carries plain text only: no markup, no links.
fn is_sms_text(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    !text.contains('<') && !lower.contains("http://") && !lower.contains("https://")
}

/// The sender: `from` must be an admin of the workspace.
async fn sender(scope: &mut WriteScope, from: &Map<String, Value>) -> ApiResult<Admin> {
    let kind = required_str(from, "type").map_err(|e| e.field("from.type"))?;
    if kind != "admin" {
        return Err(invalid("from.type", "from.type must be admin"));
    }
    let raw = id_in_body(from, "id").map_err(|e| e.field("from.id"))?;
    let missing = || ApiError::new(ErrorCode::AdminNotFound);
    let id = confab_domain::ids::parse_numeric(&raw).ok_or_else(missing)?;
    scope.admin(id).await?.ok_or_else(missing)
}

/// The recipients under `name`: one, or (from 2.14) a list.
fn recipients<'a>(
    body: &'a Map<String, Value>,
    name: &str,
    version: ApiVersion,
) -> ApiResult<Vec<&'a Map<String, Value>>> {
    let many = version >= ApiVersion::V2_14;
    let shape = if many {
        "a recipient or a list of recipients"
    } else {
        "a recipient object"
    };
    let wrong = || invalid(name, &format!("{name} must be {shape}"));
    match body.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(one)) => Ok(vec![one]),
        Some(Value::Array(list)) if many && !list.is_empty() => list
            .iter()
            .map(|r| r.as_object().ok_or_else(wrong))
            .collect(),
        Some(_) => Err(wrong()),
    }
}

/// The contact a recipient names by `id`, `user_id` or `email`.
async fn recipient(
    scope: &mut WriteScope,
    who: &Map<String, Value>,
    list: &str,
) -> ApiResult<Record> {
    match who.get("type").and_then(Value::as_str) {
        Some("user" | "lead" | "contact") => {}
        _ => {
            return Err(invalid(
                &format!("{list}.type"),
                &format!("{list}.type must be user or lead"),
            ))
        }
    }
    let (column, value) = if let Some(id) = non_blank(who, "id") {
        ("id", id)
    } else if let Some(id) = non_blank(who, "user_id") {
        ("external_id", id)
    } else if let Some(email) = non_blank(who, "email") {
        ("email", email)
    } else {
        return Err(ApiError::with_message(
            ErrorCode::ParameterNotFound,
            format!("{list}.id is required"),
        )
        .field(format!("{list}.id")));
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
        .ok_or_else(contact_not_found)
}

/// Who receives a message: its participants (`to`, then `cc`) and the blind copies.
struct Audience {
    participants: Vec<Record>,
    blind: Vec<Record>,
}

async fn audience(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
    channel: Channel,
    version: ApiVersion,
) -> ApiResult<Audience> {
    let to = recipients(body, "to", version)?;
    if to.is_empty() {
        return Err(
            ApiError::with_message(ErrorCode::ParameterNotFound, "to is required").field("to"),
        );
    }
    let (cc, bcc) = if version >= ApiVersion::V2_14 {
        (
            recipients(body, "cc", version)?,
            recipients(body, "bcc", version)?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    if channel != Channel::Email && (to.len() > 1 || !cc.is_empty() || !bcc.is_empty()) {
        return Err(invalid(
            "to",
            "only an email message can have several recipients, cc or bcc",
        ));
    }
    let mut seen = Vec::new();
    let mut audience = Audience {
        participants: Vec::new(),
        blind: Vec::new(),
    };
    for (list, people) in [("to", to), ("cc", cc), ("bcc", bcc)] {
        for who in people {
            let contact = recipient(scope, who, list).await?;
            if channel.by_phone() && non_blank(&contact, "phone").is_none() {
                return Err(invalid(
                    &format!("{list}.id"),
                    "the recipient has no phone number",
                ));
            }
            let id = id_of(&contact).to_owned();
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if list == "bcc" {
                audience.blind.push(contact);
            } else {
                audience.participants.push(contact);
            }
        }
    }
    Ok(audience)
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

/// `GET /messages/status`: 50 events by default, at most 100.
const STATUS_PAGE: PageSize = PageSize {
    default: 50,
    max: 100,
};

#[derive(Debug, Deserialize)]
struct StatusParams {
    ruleset_id: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
}

/// `GET /messages/status` (Unstable): the delivery status of the WhatsApp messages of a
/// ruleset — in Confab, of the message whose id is the `ruleset_id`. Confab hands nothing to
/// WhatsApp, so a message is `sent`, and `read` once its contact has replied.
async fn status(
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
