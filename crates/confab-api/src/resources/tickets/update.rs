//! Changing tickets: `PUT /tickets/{id}` (state, assignment, open, snooze, attributes,
//! sharing, company) and `POST /tickets/{id}/reply`. Each change that Intercom records in the
//! ticket's history appends a part: `ticket_state_updated`, `assignment`, `close`, `open`,
//! `snoozed`.

use axum::extract::State;
use confab_domain::models::conversation::{part_type, state};
use confab_domain::models::ticket::{category, state_category};
use confab_domain::record::{id_of, int_of, text_of, Record};
use confab_domain::tables::{COMPANIES, CONVERSATIONS, TICKET_STATES};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::WriteScope;
use serde_json::{json, Map, Value};

use super::attributes::{merge_ticket_attributes, updated_attribute_data};
use super::types::{attributes_of_type, usable_states};
use super::{find_ticket, render_ticket_one};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::input::object_field;
use crate::resources::conversations::{prepare_reply, write_part, NewPart, Thread};
use crate::state::AppState;

/// A numeric id given as a string or a number.
fn id_value(value: &Value) -> Option<i64> {
    match value {
        Value::String(s) => confab_domain::ids::parse_numeric(s),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// The admin acting (`admin_id`, which must exist) and the assignee asked for, as each
/// version spells them: `assignment {admin_id, assignee_id}` before 2.14, top-level fields
/// from 2.14. The assignee is an admin or a team; `0` unassigns.
struct Assignment {
    admin: Option<i64>,
    assignee: Option<String>,
}

fn assignment_of(body: &Map<String, Value>, version: ApiVersion) -> ApiResult<Assignment> {
    let holder = if version >= ApiVersion::V2_14 {
        Some(body)
    } else {
        object_field(body, "assignment")?
    };
    let Some(holder) = holder else {
        return Ok(Assignment {
            admin: None,
            assignee: None,
        });
    };
    let admin = match holder.get("admin_id").filter(|v| !v.is_null()) {
        None => None,
        Some(raw) => Some(id_value(raw).ok_or_else(|| ApiError::new(ErrorCode::AssigneeNotFound))?),
    };
    let assignee = match holder.get("assignee_id").filter(|v| !v.is_null()) {
        None => None,
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => {
            return Err(ApiError::invalid(
                "assignee_id",
                "assignee_id must be a string",
            ))
        }
    };
    Ok(Assignment { admin, assignee })
}

/// The state `body` moves the ticket to: `ticket_state_id` (2.13+) or the 2.11 `state`
/// category, either one the ticket type can use.
async fn target_state(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
    version: ApiVersion,
) -> ApiResult<Option<Record>> {
    let usable = usable_states(scope).await?;
    if version == ApiVersion::V2_11 {
        let Some(raw) = body.get("state").filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        let wanted = raw
            .as_str()
            .filter(|s| state_category::ALL[1..].contains(s))
            .ok_or_else(|| {
                ApiError::invalid(
                    "state",
                    "state must be in_progress, waiting_on_customer or resolved",
                )
            })?;
        return Ok(usable
            .into_iter()
            .find(|s| text_of(s, "category") == Some(wanted)));
    }
    let Some(raw) = body.get("ticket_state_id").filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let id = id_value(raw).ok_or_else(|| ApiError::new(ErrorCode::TicketStateIdInvalid))?;
    usable
        .into_iter()
        .find(|s| id_of(s) == id.to_string())
        .map(Some)
        .ok_or_else(|| ApiError::new(ErrorCode::TicketStateIdInvalid))
}

async fn state_category_of(scope: &mut WriteScope, ticket: &Record) -> ApiResult<String> {
    let Some(id) = int_of(ticket, "ticket_state_id") else {
        return Ok(state_category::SUBMITTED.to_owned());
    };
    Ok(scope
        .record(&TICKET_STATES, &id.to_string())
        .await?
        .and_then(|s| text_of(&s, "category").map(str::to_owned))
        .unwrap_or_else(|| state_category::SUBMITTED.to_owned()))
}

/// A part by `author` on the ticket, with no body.
fn event<'a>(part_type: &'a str, author: i64) -> NewPart<'a> {
    NewPart {
        part_type,
        body: None,
        author_type: "admin",
        author_id: author.to_string(),
        assigned: None,
        ticket_state: None,
        attachments: Vec::new(),
        metadata: Value::Null,
    }
}

/// The plain field changes of an update (attributes, sharing, company), and the
/// `updated_attribute_data` of each attribute whose value changed.
async fn field_changes(
    scope: &mut WriteScope,
    version: ApiVersion,
    body: &Map<String, Value>,
    ticket: &Record,
) -> ApiResult<(Record, Vec<Value>)> {
    let mut changes = Record::new();
    let mut updated = Vec::new();

    if let Some(given) = object_field(body, "ticket_attributes")? {
        let type_id = int_of(ticket, "ticket_type_id")
            .unwrap_or_default()
            .to_string();
        let attributes = attributes_of_type(scope, &type_id).await?;
        let merged =
            merge_ticket_attributes(&attributes, ticket.get("ticket_attributes"), given, false)?;
        if let Some(title) = merged.get("_default_title_").and_then(Value::as_str) {
            changes.insert("title".into(), json!(title));
        }
        let before = ticket.get("ticket_attributes");
        for (name, value) in &merged {
            let was = before.and_then(|b| b.get(name)).unwrap_or(&Value::Null);
            if was == value {
                continue;
            }
            if let Some(attribute) = attributes
                .iter()
                .find(|a| text_of(a, "name") == Some(name.as_str()))
            {
                updated.push(json!({
                    "updated_attribute_data": updated_attribute_data(attribute, value),
                }));
            }
        }
        changes.insert("ticket_attributes".into(), Value::Object(merged));
    }
    if let Some(shared) = body.get("is_shared").filter(|v| !v.is_null()) {
        let shared = shared
            .as_bool()
            .ok_or_else(|| ApiError::invalid("is_shared", "is_shared must be a boolean"))?;
        changes.insert("is_shared".into(), json!(shared));
    }
    if version >= ApiVersion::V2_13 && body.contains_key("company_id") {
        let company = match body.get("company_id") {
            Some(Value::String(raw)) => Some(
                scope
                    .record(&COMPANIES, raw)
                    .await?
                    .ok_or_else(|| ApiError::new(ErrorCode::CompanyNotFound))?,
            ),
            Some(Value::Null) | None => None,
            Some(_) => {
                return Err(ApiError::invalid(
                    "company_id",
                    "company_id must be a string",
                ))
            }
        };
        changes.insert("company_id".into(), json!(company.as_ref().map(id_of)));
    }
    Ok((changes, updated))
}

/// Assigns the ticket to the admin or team `assignee` names (`0`: nobody).
async fn assign(
    scope: &mut WriteScope,
    id: &str,
    assignee: &str,
    author: i64,
    now: i64,
) -> ApiResult<()> {
    let (column, kind) = if assignee == "0" {
        ("admin_assignee_id", "admin")
    } else {
        let number = confab_domain::ids::parse_numeric(assignee)
            .ok_or_else(|| ApiError::new(ErrorCode::AssigneeNotFound))?;
        if scope.admin(number).await?.is_some() {
            ("admin_assignee_id", "admin")
        } else if scope.team(number).await?.is_some() {
            ("team_assignee_id", "team")
        } else {
            return Err(ApiError::new(ErrorCode::AssigneeNotFound));
        }
    };
    let mut change = Record::new();
    change.insert(
        column.into(),
        json!(assignee.parse::<i64>().ok().filter(|n| *n != 0)),
    );
    let mut part = event(part_type::ASSIGNMENT, author);
    part.assigned = Some((kind, Some(assignee.to_owned())));
    write_part(scope, id, part, change, now).await?;
    Ok(())
}

/// `PUT /tickets/{id}`.
pub(super) async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let now = ctx.now();
    let assignment = assignment_of(&body, ctx.version)?;
    let mut scope = app.store.write(&ctx.workspace().id).await?;
    let ticket = find_ticket(&mut scope, &id).await?;
    let author = match assignment.admin {
        Some(admin) => {
            scope
                .admin(admin)
                .await?
                .ok_or_else(|| ApiError::new(ErrorCode::AssigneeNotFound))?;
            admin
        }
        None => ctx.principal.admin_id,
    };
    let (mut changes, updated_attributes) =
        field_changes(&mut scope, ctx.version, &body, &ticket).await?;
    if !changes.is_empty() {
        changes.insert("updated_at".into(), json!(now));
        scope.update_record(&CONVERSATIONS, &id, &changes).await?;
    }
    for metadata in updated_attributes {
        let mut part = event("ticket_attribute_updated_by_admin", author);
        part.metadata = metadata;
        write_part(&mut scope, &id, part, Record::new(), now).await?;
    }

    let mut current_state = text_of(&ticket, "state").unwrap_or(state::OPEN).to_owned();
    if let Some(target) = target_state(&mut scope, &body, ctx.version).await? {
        let from = state_category_of(&mut scope, &ticket).await?;
        let to = text_of(&target, "category").unwrap_or_default().to_owned();
        let mut change = Record::new();
        change.insert(
            "ticket_state_id".into(),
            json!(id_of(&target).parse::<i64>().ok()),
        );
        // Resolving a ticket closes it; moving it out of resolved opens it again.
        if to == state_category::RESOLVED {
            change.insert("state".into(), json!(state::CLOSED));
            change.insert("snoozed_until".into(), Value::Null);
            current_state = state::CLOSED.to_owned();
        } else if current_state == state::CLOSED {
            change.insert("state".into(), json!(state::OPEN));
            current_state = state::OPEN.to_owned();
        }
        let mut part = event("ticket_state_updated", author);
        part.ticket_state = Some((&from, &to));
        write_part(&mut scope, &id, part, change, now).await?;
    }
    if let Some(assignee) = &assignment.assignee {
        assign(&mut scope, &id, assignee, author, now).await?;
    }
    if let Some(open) = body.get("open").filter(|v| !v.is_null()) {
        let open = open
            .as_bool()
            .ok_or_else(|| ApiError::invalid("open", "open must be a boolean"))?;
        let wanted = if open { state::OPEN } else { state::CLOSED };
        if current_state != wanted {
            let mut change = Record::new();
            change.insert("state".into(), json!(wanted));
            // Closing also unsnoozes.
            change.insert("snoozed_until".into(), Value::Null);
            let kind = if open {
                part_type::OPEN
            } else {
                part_type::CLOSE
            };
            write_part(&mut scope, &id, event(kind, author), change, now).await?;
        }
    }
    if let Some(until) = body.get("snoozed_until").filter(|v| !v.is_null()) {
        let until = until.as_i64().filter(|t| *t > now).ok_or_else(|| {
            ApiError::invalid(
                "snoozed_until",
                "snoozed_until must be a UNIX timestamp in the future",
            )
        })?;
        let mut change = Record::new();
        change.insert("state".into(), json!(state::SNOOZED));
        change.insert("snoozed_until".into(), json!(until));
        write_part(
            &mut scope,
            &id,
            event(part_type::SNOOZED, author),
            change,
            now,
        )
        .await?;
    }
    let stored = find_ticket(&mut scope, &id).await?;
    let rendered = render_ticket_one(&mut scope, &stored, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// `POST /tickets/{id}/reply`: a contact or admin comment, an admin note or quick reply.
/// Contacts cannot write on back-office tickets or trackers.
pub(super) async fn reply(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let now = ctx.now();
    let mut scope = app.store.write(&ctx.workspace().id).await?;
    let reply = prepare_reply(&mut scope, &ctx, &id, &body, Thread::Ticket).await?;
    if reply.by_contact {
        let type_id = int_of(&reply.thread, "ticket_type_id").unwrap_or_default();
        let ticket_type = scope
            .record(&confab_domain::tables::TICKET_TYPES, &type_id.to_string())
            .await?;
        if ticket_type.as_ref().and_then(|t| text_of(t, "category")) != Some(category::CUSTOMER) {
            return Err(ApiError::with_message(
                ErrorCode::ParameterMismatch,
                "User replies are not allowed on Backoffice tickets",
            ));
        }
    }
    let ticket_id = id_of(&reply.thread).to_owned();
    let part = write_part(&mut scope, &ticket_id, reply.part, reply.changes, now).await?;
    let loaded =
        crate::resources::conversations::load(&mut scope, std::slice::from_ref(&reply.thread))
            .await?;
    let state = state_category_of(&mut scope, &reply.thread).await?;
    // The part just written is among the ticket's parts that `load` read back.
    let part = loaded
        .parts
        .get(&ticket_id)
        .and_then(|parts| parts.iter().rfind(|p| p.id == id_of(&part)))
        .ok_or_else(|| ApiError::new(ErrorCode::ServerError))?;
    let mut rendered = super::render::render_part(&loaded, part, None, &state, ctx.version);
    if let Some(obj) = rendered.as_object_mut() {
        // A reply is a `ticket_reply`: the part without the state fields.
        obj.remove("ticket_state");
        obj.remove("assigned_to");
        obj.remove("external_id");
    }
    scope.commit().await?;
    Ok(axum::Json(rendered))
}
