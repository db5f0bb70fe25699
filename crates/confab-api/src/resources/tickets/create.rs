//! Making tickets: `POST /tickets`, `POST /tickets/enqueue` (2.14+: checked now, created by
//! a job) and `POST /conversations/{id}/convert` (the conversation becomes a ticket, keeping
//! its id, parts and contacts).

use axum::extract::State;
use confab_domain::models::ticket::{category, link_allowed, state_category, LinkTarget};
use confab_domain::record::relation::{CONVERSATION_CONTACT, CONVERSATION_LINK};
use confab_domain::record::{id_of, int_of, text_of, Record};
use confab_domain::tables::{COMPANIES, CONVERSATIONS, TICKET_TYPES};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::WriteScope;
use serde_json::{json, Map, Value};

use super::attributes::merge_ticket_attributes;
use super::types::{attributes_of_type, find_ticket_type, usable_states};
use super::{jobs, render_ticket_one};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::input::object_field;
use crate::resources::conversations::find_conversation;
use crate::resources::conversations::participants::customer;
use crate::resources::subjects::id_in_body;
use crate::state::AppState;

/// The ticket type a request names; archived types take no new tickets.
async fn ticket_type_for_new(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
) -> ApiResult<Record> {
    let id = id_in_body(body, "ticket_type_id")?;
    let ticket_type = find_ticket_type(scope, &id).await?;
    if confab_domain::record::flag_of(&ticket_type, "archived") {
        return Err(ApiError::invalid(
            "ticket_type_id",
            "Ticket type is archived",
        ));
    }
    Ok(ticket_type)
}

/// `given` checked against the type's attributes, with every required one present.
async fn checked_attributes(
    scope: &mut WriteScope,
    ticket_type: &Record,
    given: Option<&Map<String, Value>>,
) -> ApiResult<Map<String, Value>> {
    let attributes = attributes_of_type(scope, id_of(ticket_type)).await?;
    merge_ticket_attributes(&attributes, None, &given.cloned().unwrap_or_default(), true)
}

/// The id of the state a new ticket starts in: the first `submitted` one.
async fn first_state(scope: &mut WriteScope) -> ApiResult<i64> {
    let states = usable_states(scope).await?;
    states
        .iter()
        .find(|s| text_of(s, "category") == Some(state_category::SUBMITTED))
        .or_else(|| states.first())
        .and_then(|s| id_of(s).parse().ok())
        .ok_or_else(|| {
            ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "The workspace has no ticket states",
            )
        })
}

/// The one contact of `contacts`, by `id`, `external_id` or `email` (an unknown email
/// becomes a new lead).
async fn ticket_contact(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
    now: i64,
) -> ApiResult<Record> {
    let contacts = match body.get("contacts") {
        Some(Value::Array(contacts)) => contacts,
        None | Some(Value::Null) => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterNotFound,
                "contacts is required",
            )
            .field("contacts"))
        }
        Some(_) => return Err(ApiError::invalid("contacts", "contacts must be a list")),
    };
    let [Value::Object(named)] = contacts.as_slice() else {
        return Err(ApiError::invalid(
            "contacts",
            "contacts must hold exactly one contact",
        ));
    };
    let mut lookup = Map::new();
    for (given, as_reply) in [
        ("id", "intercom_user_id"),
        ("external_id", "user_id"),
        ("email", "email"),
    ] {
        if let Some(value) = named.get(given).filter(|v| !v.is_null()) {
            if !value.is_string() {
                return Err(ApiError::invalid(
                    "contacts",
                    "a contact's id, external_id and email are strings",
                ));
            }
            lookup.insert(as_reply.into(), value.clone());
            break;
        }
    }
    if lookup.is_empty() {
        return Err(ApiError::invalid(
            "contacts",
            "a contact needs an id, external_id or email",
        ));
    }
    customer(scope, &lookup, now).await
}

/// The company `company_id` names: the id set on the company in 2.11, Intercom's id later.
async fn ticket_company(
    scope: &mut WriteScope,
    version: ApiVersion,
    raw: &str,
) -> ApiResult<String> {
    let company = if version == ApiVersion::V2_11 {
        scope
            .record_where(&COMPANIES, &[Filter::Eq("company_id", json!(raw))])
            .await?
    } else {
        scope.record(&COMPANIES, raw).await?
    };
    company
        .map(|c| id_of(&c).to_owned())
        .ok_or_else(|| ApiError::new(ErrorCode::CompanyNotFound))
}

/// `assignment` (2.14+): the admin and team a new ticket goes to.
async fn assignment(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
) -> ApiResult<(Option<i64>, Option<i64>)> {
    let Some(assignment) = object_field(body, "assignment")? else {
        return Ok((None, None));
    };
    let mut chosen = (None, None);
    for (key, is_team) in [("admin_assignee_id", false), ("team_assignee_id", true)] {
        let Some(raw) = assignment.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let raw = raw
            .as_str()
            .map(str::to_owned)
            .or_else(|| raw.as_i64().map(|n| n.to_string()));
        let id = raw
            .as_deref()
            .and_then(confab_domain::ids::parse_numeric)
            .ok_or_else(|| ApiError::new(ErrorCode::AssigneeNotFound))?;
        if id == 0 {
            continue;
        }
        let exists = if is_team {
            scope.team(id).await?.is_some()
        } else {
            scope.admin(id).await?.is_some()
        };
        if !exists {
            return Err(ApiError::new(ErrorCode::AssigneeNotFound));
        }
        if is_team {
            chosen.1 = Some(id);
        } else {
            chosen.0 = Some(id);
        }
    }
    Ok(chosen)
}

/// The category of the ticket type of a ticket row, if it is one.
async fn category_of(scope: &mut WriteScope, row: &Record) -> ApiResult<Option<String>> {
    let Some(type_id) = int_of(row, "ticket_type_id") else {
        return Ok(None);
    };
    Ok(scope
        .record(&TICKET_TYPES, &type_id.to_string())
        .await?
        .and_then(|t| text_of(&t, "category").map(str::to_owned)))
}

/// The conversation or ticket `conversation_to_link_id` names (2.14+), if the link is allowed.
async fn link_target(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
    new_category: &str,
) -> ApiResult<Option<String>> {
    if body
        .get("conversation_to_link_id")
        .is_none_or(Value::is_null)
    {
        return Ok(None);
    }
    let id = id_in_body(body, "conversation_to_link_id")?;
    let row = find_conversation(scope, &id).await?;
    let target_category = category_of(scope, &row).await?;
    let target = match &target_category {
        None => LinkTarget::Conversation,
        Some(category) => {
            LinkTarget::Ticket(category, confab_domain::record::flag_of(&row, "is_shared"))
        }
    };
    if !link_allowed(new_category, target) {
        return Err(ApiError::invalid(
            "conversation_to_link_id",
            "This ticket cannot be linked to that conversation or ticket",
        ));
    }
    Ok(Some(id))
}

/// Reads a ticket creation and writes the ticket; answers the stored row. Every check runs
/// before the first write that could not be undone by dropping `scope`.
pub(super) async fn create_ticket(
    scope: &mut WriteScope,
    version: ApiVersion,
    now: i64,
    body: &Map<String, Value>,
) -> ApiResult<Record> {
    let ticket_type = ticket_type_for_new(scope, body).await?;
    if body.get("contacts").is_none_or(Value::is_null) {
        return Err(
            ApiError::with_message(ErrorCode::ParameterNotFound, "contacts is required")
                .field("contacts"),
        );
    }
    let type_category = text_of(&ticket_type, "category")
        .unwrap_or(category::CUSTOMER)
        .to_owned();
    let attributes = checked_attributes(
        scope,
        &ticket_type,
        object_field(body, "ticket_attributes")?,
    )
    .await?;
    let created_at = match body.get("created_at") {
        None | Some(Value::Null) => now,
        Some(value) => value.as_i64().filter(|t| *t >= 0).ok_or_else(|| {
            ApiError::invalid("created_at", "created_at must be a UNIX timestamp")
        })?,
    };
    let company_id = match body.get("company_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(raw)) => Some(ticket_company(scope, version, raw).await?),
        Some(_) => {
            return Err(ApiError::invalid(
                "company_id",
                "company_id must be a string",
            ))
        }
    };
    let (link, (admin, team)) = if version >= ApiVersion::V2_14 {
        (
            link_target(scope, body, &type_category).await?,
            assignment(scope, body).await?,
        )
    } else {
        (None, (None, None))
    };
    let contact = ticket_contact(scope, body, now).await?;
    let state_id = first_state(scope).await?;
    let number = scope.next_in_sequence("ticket_number").await?;
    let text = |key: &str| {
        attributes
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let row = json!({
        "state": "open", "read": false, "priority": "not_priority",
        "admin_assignee_id": admin, "team_assignee_id": team,
        "created_at": created_at, "updated_at": now,
        "source_id": confab_domain::ids::message_id(), "source_type": "ticket",
        "delivered_as": "customer_initiated",
        "title": text("_default_title_"), "subject": text("_default_title_"),
        "body": text("_default_description_"),
        "author_type": if text_of(&contact, "role") == Some("lead") { "lead" } else { "user" },
        "author_id": id_of(&contact),
        "custom_attributes": {}, "company_id": company_id,
        "ticket_type_id": id_of(&ticket_type).parse::<i64>().ok(),
        "ticket_number": number, "ticket_state_id": state_id,
        "ticket_attributes": attributes, "is_shared": false,
    });
    let Value::Object(row) = row else {
        return Err(ApiError::new(ErrorCode::ServerError));
    };
    let stored = scope.insert_record(&CONVERSATIONS, &row, now).await?;
    scope
        .put_link(
            CONVERSATION_CONTACT,
            id_of(&stored),
            id_of(&contact),
            &Value::Null,
            now,
        )
        .await?;
    if let Some(other) = link {
        scope
            .put_link(CONVERSATION_LINK, id_of(&stored), &other, &Value::Null, now)
            .await?;
    }
    Ok(stored)
}

/// `POST /tickets`.
pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let stored = create_ticket(&mut scope, ctx.version, ctx.now(), &body).await?;
    let rendered = render_ticket_one(&mut scope, &stored, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// `POST /tickets/enqueue` (2.14+): the request is checked by creating the ticket in a
/// transaction that is then rolled back, so whatever would fail fails now; the job that
/// creates it for real is stored, and run at once in the background.
pub(super) async fn enqueue(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    {
        let mut trial = state.store.write(&ctx.workspace().id).await?;
        create_ticket(&mut trial, ctx.version, ctx.now(), &body).await?;
        trial.rollback().await?;
    }
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let job = jobs::enqueue_ticket(&mut scope, ctx.version, ctx.now(), body).await?;
    scope.commit().await?;
    jobs::run_soon(state.store.clone());
    Ok(axum::Json(jobs::render_job(&job)))
}

/// `POST /conversations/{id}/convert`: the conversation becomes a ticket of a customer
/// ticket type, keeping its id, parts and contacts.
pub(super) async fn convert(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let ticket_type = ticket_type_for_new(&mut scope, &body).await?;
    if text_of(&ticket_type, "category") != Some(category::CUSTOMER) {
        return Err(ApiError::invalid(
            "ticket_type_id",
            "Ticket type is not a customer ticket type",
        ));
    }
    let conversation = find_conversation(&mut scope, &id).await?;
    if int_of(&conversation, "ticket_type_id").is_some() {
        return Err(ApiError::invalid(
            "id",
            "The conversation is already a ticket",
        ));
    }
    let attributes =
        checked_attributes(&mut scope, &ticket_type, object_field(&body, "attributes")?).await?;
    let state_id = first_state(&mut scope).await?;
    let number = scope.next_in_sequence("ticket_number").await?;
    let mut change = Record::new();
    change.insert(
        "ticket_type_id".into(),
        json!(id_of(&ticket_type).parse::<i64>().ok()),
    );
    change.insert("ticket_number".into(), json!(number));
    change.insert("ticket_state_id".into(), json!(state_id));
    change.insert("ticket_attributes".into(), Value::Object(attributes));
    change.insert("updated_at".into(), json!(now));
    scope.update_record(&CONVERSATIONS, &id, &change).await?;
    let stored = find_conversation(&mut scope, &id).await?;
    let rendered = render_ticket_one(&mut scope, &stored, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}
