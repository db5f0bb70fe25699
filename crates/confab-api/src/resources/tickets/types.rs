//! Ticket types (`/ticket_types`), their attributes (`/ticket_types/{id}/attributes`) and the
//! workspace's ticket states (`GET /ticket_states`, 2.13+). Every type is created with the two
//! default attributes, and can use every state of the workspace that is not archived.

use std::collections::HashMap;

use axum::extract::State;
use confab_domain::models::ticket::{category, DATA_TYPES};
use confab_domain::record::{flag_of, id_of, int_of, text_of, Record};
use confab_domain::tables::{TICKET_STATES, TICKET_TYPES, TICKET_TYPE_ATTRIBUTES};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::{Conn, Scope, WriteScope};
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::input::{field, record_from_body, required_str, Kind, TEXT};
use crate::state::AppState;

pub fn ticket_type_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "Ticket type not found")
}

/// The ticket type with this id, or 404.
pub async fn find_ticket_type<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&TICKET_TYPES, id)
        .await?
        .ok_or_else(ticket_type_not_found)
}

/// The attributes of these ticket types, oldest (lowest `order`) first.
pub async fn attributes_of<C: Conn>(
    scope: &mut Scope<C>,
    type_ids: &[String],
) -> ApiResult<HashMap<String, Vec<Record>>> {
    let numeric: Vec<Value> = type_ids
        .iter()
        .filter_map(|id| id.parse::<i64>().ok())
        .map(Value::from)
        .collect();
    let mut by_type: HashMap<String, Vec<Record>> = HashMap::new();
    for attribute in scope
        .records(
            &TICKET_TYPE_ATTRIBUTES,
            &[Filter::In("ticket_type_id", numeric)],
        )
        .await?
    {
        let owner = int_of(&attribute, "ticket_type_id").unwrap_or_default();
        by_type
            .entry(owner.to_string())
            .or_default()
            .push(attribute);
    }
    Ok(by_type)
}

/// The attributes of one ticket type.
pub async fn attributes_of_type<C: Conn>(
    scope: &mut Scope<C>,
    type_id: &str,
) -> ApiResult<Vec<Record>> {
    let type_id = type_id.to_owned();
    Ok(attributes_of(scope, std::slice::from_ref(&type_id))
        .await?
        .remove(&type_id)
        .unwrap_or_default())
}

/// The workspace's ticket states that are not archived: the states every type can use.
pub async fn usable_states<C: Conn>(scope: &mut Scope<C>) -> ApiResult<Vec<Record>> {
    Ok(scope
        .records(&TICKET_STATES, &[Filter::Eq("archived", json!(false))])
        .await?)
}

/// A ticket state as a ticket or ticket type shows it (2.13+).
pub fn render_state(state: &Record) -> Value {
    json!({
        "type": "ticket_state",
        "id": id_of(state),
        "category": state.get("category"),
        "internal_label": state.get("internal_label"),
        "external_label": state.get("external_label"),
    })
}

fn render_attribute(attribute: &Record, workspace: &str) -> Value {
    json!({
        "type": "ticket_type_attribute",
        "id": id_of(attribute),
        "workspace_id": workspace,
        "name": attribute.get("name"),
        "description": text_of(attribute, "description").unwrap_or_default(),
        "data_type": attribute.get("data_type"),
        "input_options": attribute.get("input_options").filter(|v| v.is_object()).cloned().unwrap_or_else(|| json!({})),
        "order": attribute.get("position"),
        "required_to_create": flag_of(attribute, "required_to_create"),
        "required_to_create_for_contacts": flag_of(attribute, "required_to_create_for_contacts"),
        "visible_on_create": flag_of(attribute, "visible_on_create"),
        "visible_to_contacts": flag_of(attribute, "visible_to_contacts"),
        "default": flag_of(attribute, "is_default"),
        "ticket_type_id": attribute.get("ticket_type_id"),
        "archived": flag_of(attribute, "archived"),
        "created_at": attribute.get("created_at"),
        "updated_at": attribute.get("updated_at"),
    })
}

/// What rendering ticket types needs besides the types: their attributes, and the states
/// (which 2.11 does not show).
pub struct TypeContext {
    attributes: HashMap<String, Vec<Record>>,
    states: Option<Vec<Record>>,
    workspace: String,
}

impl TypeContext {
    pub async fn load<C: Conn>(
        scope: &mut Scope<C>,
        types: &[Record],
        version: ApiVersion,
    ) -> ApiResult<Self> {
        let ids: Vec<String> = types.iter().map(|t| id_of(t).to_owned()).collect();
        let attributes = attributes_of(scope, &ids).await?;
        let states = if version >= ApiVersion::V2_13 {
            Some(usable_states(scope).await?)
        } else {
            None
        };
        Ok(Self {
            attributes,
            states,
            workspace: scope.workspace().as_str().to_owned(),
        })
    }

    /// One ticket type; `with_states` is false where the type is itself inside a state.
    pub fn render(&self, ticket_type: &Record, with_states: bool) -> Value {
        let id = id_of(ticket_type);
        let attributes: Vec<Value> = self
            .attributes
            .get(id)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|a| render_attribute(a, &self.workspace))
            .collect();
        let mut out = json!({
            "type": "ticket_type",
            "id": id,
            "category": ticket_type.get("category"),
            "name": ticket_type.get("name"),
            "description": text_of(ticket_type, "description").unwrap_or_default(),
            "icon": ticket_type.get("icon"),
            "workspace_id": self.workspace,
            "ticket_type_attributes": {
                "type": "ticket_type_attributes.list",
                "ticket_type_attributes": attributes,
            },
            "archived": flag_of(ticket_type, "archived"),
            "created_at": ticket_type.get("created_at"),
            "updated_at": ticket_type.get("updated_at"),
        });
        if let (Some(states), true, Some(obj)) = (&self.states, with_states, out.as_object_mut()) {
            obj.insert(
                "ticket_states".into(),
                json!({"type": "list", "data": states.iter().map(render_state).collect::<Vec<_>>()}),
            );
        }
        out
    }
}

async fn render_one<C: Conn>(
    scope: &mut Scope<C>,
    ticket_type: &Record,
    version: ApiVersion,
) -> ApiResult<Value> {
    let context = TypeContext::load(scope, std::slice::from_ref(ticket_type), version).await?;
    Ok(context.render(ticket_type, true))
}

pub(super) async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let types = scope.records(&TICKET_TYPES, &[]).await?;
    let context = TypeContext::load(&mut scope, &types, ctx.version).await?;
    let rendered: Vec<Value> = types.iter().map(|t| context.render(t, true)).collect();
    Ok(axum::Json(if ctx.version == ApiVersion::V2_11 {
        json!({"type": "ticket_type_attributes.list", "ticket_types": rendered})
    } else {
        json!({"type": "list", "data": rendered})
    }))
}

pub(super) async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let ticket_type = find_ticket_type(&mut scope, &id).await?;
    Ok(axum::Json(
        render_one(&mut scope, &ticket_type, ctx.version).await?,
    ))
}

fn checked_category(body: &Map<String, Value>) -> ApiResult<Option<&'static str>> {
    match body.get("category") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(given)) => category::ALL
            .into_iter()
            .find(|c| c == given)
            .map(Some)
            .ok_or_else(|| {
                ApiError::invalid(
                    "category",
                    "category must be Customer, Back-office or Tracker",
                )
            }),
        Some(_) => Err(ApiError::invalid("category", "category must be a string")),
    }
}

/// 400 if another ticket type of the workspace already has this name.
async fn check_name_free(
    scope: &mut WriteScope,
    name: &str,
    own_id: Option<&str>,
) -> ApiResult<()> {
    let taken = scope
        .record_where(
            &TICKET_TYPES,
            &[Filter::Eq("name_key", json!(name.trim().to_lowercase()))],
        )
        .await?;
    match taken {
        Some(other) if Some(id_of(&other)) != own_id => Err(ApiError::invalid(
            "name",
            format!("A ticket type with the name {name} already exists"),
        )),
        _ => Ok(()),
    }
}

const TYPE_FIELDS: &[crate::input::Field] = &[
    field("name", TEXT),
    field("description", Kind::Text(65_535)),
    field("icon", Kind::Text(32)),
    field("is_internal", Kind::Bool),
];

pub(super) async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let name = required_str(&body, "name")?.trim().to_owned();
    let mut record = record_from_body(&body, TYPE_FIELDS)?;
    let now = ctx.now();
    record.insert("name".into(), json!(name));
    record.insert("name_key".into(), json!(name.to_lowercase()));
    record.insert(
        "category".into(),
        json!(checked_category(&body)?.unwrap_or(category::CUSTOMER)),
    );
    if record.get("icon").is_none_or(Value::is_null) {
        record.insert("icon".into(), json!("\u{1f39f}\u{fe0f}"));
    }
    record.insert("archived".into(), json!(false));
    record.insert("created_at".into(), json!(now));
    record.insert("updated_at".into(), json!(now));
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    check_name_free(&mut scope, &name, None).await?;
    let stored = scope.insert_ticket_type(&record, now).await?;
    let rendered = render_one(&mut scope, &stored, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

pub(super) async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let mut changes = record_from_body(&body, TYPE_FIELDS)?;
    changes.extend(record_from_body(&body, &[field("archived", Kind::Bool)])?);
    if let Some(category) = checked_category(&body)? {
        changes.insert("category".into(), json!(category));
    }
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    find_ticket_type(&mut scope, &id).await?;
    if let Some(name) = changes.get("name").and_then(Value::as_str).map(str::trim) {
        if name.is_empty() {
            return Err(ApiError::invalid("name", "name must not be blank"));
        }
        let name = name.to_owned();
        check_name_free(&mut scope, &name, Some(&id)).await?;
        changes.insert("name_key".into(), json!(name.to_lowercase()));
        changes.insert("name".into(), json!(name));
    }
    changes.retain(|_, v| !v.is_null());
    changes.insert("updated_at".into(), json!(ctx.now()));
    scope.update_record(&TICKET_TYPES, &id, &changes).await?;
    let stored = find_ticket_type(&mut scope, &id).await?;
    let rendered = render_one(&mut scope, &stored, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

const ATTRIBUTE_FLAGS: &[crate::input::Field] = &[
    field("required_to_create", Kind::Bool),
    field("required_to_create_for_contacts", Kind::Bool),
    field("visible_on_create", Kind::Bool),
    field("visible_to_contacts", Kind::Bool),
];

/// `list_items` ("a,b,c") as list options, keeping the ids of items whose label stays.
fn list_options(raw: &str, current: Option<&Value>) -> ApiResult<Value> {
    let existing: Vec<(String, String)> = current
        .and_then(|o| o.get("list_items"))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| {
                    Some((
                        i.get("id")?.as_str()?.to_owned(),
                        i.get("label")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let labels: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if labels.is_empty() {
        return Err(ApiError::invalid(
            "list_items",
            "list_items must name at least one item",
        ));
    }
    let mut next = existing
        .iter()
        .filter_map(|(id, _)| id.parse::<i64>().ok())
        .max()
        .unwrap_or(0);
    let items: Vec<Value> = labels
        .into_iter()
        .map(|label| {
            let id = match existing.iter().find(|(_, l)| l == label) {
                Some((id, _)) => id.clone(),
                None => {
                    next += 1;
                    next.to_string()
                }
            };
            json!({"id": id, "label": label, "archived": false})
        })
        .collect();
    Ok(json!({"list_items": items}))
}

/// The `input_options` for an attribute of `data_type` from the body's `multiline`,
/// `list_items` and `allow_multiple_values`, each of which only one data type takes.
fn input_options(
    data_type: &str,
    body: &Map<String, Value>,
    current: Option<&Value>,
) -> ApiResult<Value> {
    let mut options = current
        .filter(|v| v.is_object())
        .cloned()
        .unwrap_or_else(|| json!({}));
    let flag = |name: &str| -> ApiResult<Option<bool>> {
        match body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(name, format!("{name} must be a boolean"))),
        }
    };
    if let Some(multiline) = flag("multiline")? {
        if data_type != "string" {
            return Err(ApiError::invalid(
                "multiline",
                "multiline is only for string attributes",
            ));
        }
        options["multiline"] = json!(multiline);
    }
    if let Some(multiple) = flag("allow_multiple_values")? {
        if data_type != "files" {
            return Err(ApiError::invalid(
                "allow_multiple_values",
                "allow_multiple_values is only for files attributes",
            ));
        }
        options["allow_multiple_values"] = json!(multiple);
    }
    match body.get("list_items") {
        None | Some(Value::Null) if data_type == "list" && current.is_none() => Err(
            ApiError::invalid("list_items", "list_items is required for list attributes"),
        ),
        None | Some(Value::Null) => Ok(options),
        Some(Value::String(raw)) if data_type == "list" => {
            let list = list_options(raw, current)?;
            options["list_items"] = list["list_items"].clone();
            Ok(options)
        }
        Some(Value::String(_)) => Err(ApiError::invalid(
            "list_items",
            "list_items is only for list attributes",
        )),
        Some(_) => Err(ApiError::invalid(
            "list_items",
            "list_items must be a comma-separated string",
        )),
    }
}

/// 400 if the type already has an attribute of this name.
async fn check_attribute_name_free(
    scope: &mut WriteScope,
    type_id: i64,
    name: &str,
    own_id: Option<&str>,
) -> ApiResult<()> {
    let siblings = scope
        .records(
            &TICKET_TYPE_ATTRIBUTES,
            &[Filter::Eq("ticket_type_id", json!(type_id))],
        )
        .await?;
    let clash = siblings.iter().any(|a| {
        Some(id_of(a)) != own_id && text_of(a, "name").is_some_and(|n| n.eq_ignore_ascii_case(name))
    });
    if clash {
        return Err(ApiError::invalid(
            "name",
            format!("An attribute with the name {name} already exists on this ticket type"),
        ));
    }
    Ok(())
}

pub(super) async fn create_attribute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(type_id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let name = required_str(&body, "name")?.trim().to_owned();
    let description = required_str(&body, "description")?.to_owned();
    let data_type = required_str(&body, "data_type")?;
    if !DATA_TYPES.contains(&data_type) {
        return Err(ApiError::invalid(
            "data_type",
            "data_type must be string, list, integer, decimal, boolean, datetime or files",
        ));
    }
    let options = input_options(data_type, &body, None)?;
    let mut record = record_from_body(&body, ATTRIBUTE_FLAGS)?;
    record.retain(|_, v| !v.is_null());
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let ticket_type = find_ticket_type(&mut scope, &type_id).await?;
    let numeric_type: i64 = id_of(&ticket_type).parse().unwrap_or_default();
    check_attribute_name_free(&mut scope, numeric_type, &name, None).await?;
    let position = scope
        .count_records(
            &TICKET_TYPE_ATTRIBUTES,
            &[Filter::Eq("ticket_type_id", json!(numeric_type))],
        )
        .await?;
    for (flag, default) in [
        ("required_to_create", false),
        ("required_to_create_for_contacts", false),
        ("visible_on_create", true),
        ("visible_to_contacts", true),
    ] {
        record.entry(flag).or_insert(json!(default));
    }
    record.extend([
        ("ticket_type_id".into(), json!(numeric_type)),
        ("name".into(), json!(name)),
        ("description".into(), json!(description)),
        ("data_type".into(), json!(data_type)),
        ("input_options".into(), options),
        ("position".into(), json!(position)),
        ("is_default".into(), json!(false)),
        ("archived".into(), json!(false)),
        ("created_at".into(), json!(now)),
        ("updated_at".into(), json!(now)),
    ]);
    let stored = scope
        .insert_record(&TICKET_TYPE_ATTRIBUTES, &record, now)
        .await?;
    scope.commit().await?;
    Ok(axum::Json(render_attribute(
        &stored,
        ctx.workspace().id.as_str(),
    )))
}

pub(super) async fn update_attribute(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((type_id, id)): Path<(String, String)>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let mut changes = record_from_body(&body, ATTRIBUTE_FLAGS)?;
    changes.extend(record_from_body(
        &body,
        &[
            field("name", TEXT),
            field("description", Kind::Text(65_535)),
            field("archived", Kind::Bool),
        ],
    )?);
    changes.retain(|_, v| !v.is_null());
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let ticket_type = find_ticket_type(&mut scope, &type_id).await?;
    let numeric_type: i64 = id_of(&ticket_type).parse().unwrap_or_default();
    let attribute = scope
        .record(&TICKET_TYPE_ATTRIBUTES, &id)
        .await?
        .filter(|a| int_of(a, "ticket_type_id") == Some(numeric_type))
        .ok_or_else(|| {
            ApiError::with_message(ErrorCode::NotFound, "Ticket type attribute not found")
        })?;
    if flag_of(&attribute, "is_default")
        && (changes.contains_key("name") || changes.get("archived") == Some(&json!(true)))
    {
        return Err(ApiError::invalid(
            "name",
            "The default attributes of a ticket type cannot be renamed or archived",
        ));
    }
    if let Some(name) = changes.get("name").and_then(Value::as_str) {
        let name = name.trim().to_owned();
        if name.is_empty() {
            return Err(ApiError::invalid("name", "name must not be blank"));
        }
        check_attribute_name_free(&mut scope, numeric_type, &name, Some(&id)).await?;
        changes.insert("name".into(), json!(name));
    }
    let data_type = text_of(&attribute, "data_type")
        .unwrap_or_default()
        .to_owned();
    changes.insert(
        "input_options".into(),
        input_options(&data_type, &body, attribute.get("input_options"))?,
    );
    changes.insert("updated_at".into(), json!(ctx.now()));
    scope
        .update_record(&TICKET_TYPE_ATTRIBUTES, &id, &changes)
        .await?;
    let stored = scope
        .record(&TICKET_TYPE_ATTRIBUTES, &id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::ServerError))?;
    scope.commit().await?;
    Ok(axum::Json(render_attribute(
        &stored,
        ctx.workspace().id.as_str(),
    )))
}

/// `GET /ticket_states` (2.13+): every state, archived ones too, with the types using it.
pub(super) async fn list_states(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let states = scope.records(&TICKET_STATES, &[]).await?;
    let types = scope
        .records(&TICKET_TYPES, &[Filter::Eq("archived", json!(false))])
        .await?;
    let context = TypeContext::load(&mut scope, &types, ApiVersion::V2_11).await?;
    let rendered_types: Vec<Value> = types.iter().map(|t| context.render(t, false)).collect();
    let data: Vec<Value> = states
        .iter()
        .map(|s| {
            let archived = flag_of(s, "archived");
            let mut out = render_state(s);
            out["archived"] = json!(archived);
            out["ticket_types"] = json!({
                "type": "list",
                "data": if archived { Vec::new() } else { rendered_types.clone() },
            });
            out
        })
        .collect();
    Ok(axum::Json(json!({"type": "list", "data": data})))
}
