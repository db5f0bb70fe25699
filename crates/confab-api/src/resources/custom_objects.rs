//! Custom object instances (2.13+): upsert by `external_id`, get and delete by id or by
//! `external_id`, and their association with contacts. The types are defined per workspace
//! through the control plane (`/_confab/custom_object_types`) and the demo seed.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::record::relation::CONTACT_CUSTOM_OBJECT;
use confab_domain::record::{id_of, int_of, text_of, Record, Side};
use confab_domain::tables::{CUSTOM_OBJECT_INSTANCES, CUSTOM_OBJECT_TYPES};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::{Conn, Scope, WriteScope};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::{since, Ctx};
use crate::input::{field, record_from_body, required_str, Kind};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/custom_object_instances/{identifier}",
            since(ApiVersion::V2_13, post(upsert).get(find).delete(remove)),
        )
        .route(
            "/custom_object_instances/{identifier}/{id}",
            since(ApiVersion::V2_13, get(retrieve).delete(remove_by_id)),
        )
}

fn type_not_found(identifier: &str) -> ApiError {
    ApiError::with_message(
        ErrorCode::NotFound,
        format!("Custom object type `{identifier}` not found"),
    )
}

fn instance_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "Custom object instance not found")
}

/// The workspace's custom object type with this identifier.
async fn object_type<C: Conn>(scope: &mut Scope<C>, identifier: &str) -> ApiResult<Record> {
    scope
        .record_where(
            &CUSTOM_OBJECT_TYPES,
            &[Filter::Eq("identifier", json!(identifier))],
        )
        .await?
        .ok_or_else(|| type_not_found(identifier))
}

/// An instance as every version shows it.
pub fn render_instance(instance: &Record) -> Value {
    json!({
        "id": id_of(instance),
        "type": text_of(instance, "type_identifier"),
        "external_id": text_of(instance, "external_id"),
        "external_created_at": int_of(instance, "external_created_at"),
        "external_updated_at": int_of(instance, "external_updated_at"),
        "created_at": int_of(instance, "created_at"),
        "updated_at": int_of(instance, "updated_at"),
        "custom_attributes": instance.get("custom_attributes").cloned().unwrap_or(json!({})),
    })
}

/// Merges `values` over `current`: strings are kept, numbers and booleans stored as their
/// text (the schema's values are strings), `null` removes a key, anything else is refused.
fn merged_attributes(current: Option<&Value>, values: &Map<String, Value>) -> ApiResult<Value> {
    let mut merged = current
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, value) in values {
        let text = match value {
            Value::Null => {
                merged.remove(key);
                continue;
            }
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Object(_) => {
                return Err(ApiError::with_message(
                    ErrorCode::ParameterInvalid,
                    "custom attribute values must be strings, numbers or booleans",
                )
                .field(format!("custom_attributes.{key}")))
            }
        };
        merged.insert(key.clone(), Value::String(text));
    }
    Ok(Value::Object(merged))
}

/// `POST /custom_object_instances/{identifier}`: creates the instance with this
/// `external_id`, or updates it.
async fn upsert(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(identifier): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let external_id = required_str(&body, "external_id")?;
    let mut values = record_from_body(
        &body,
        &[
            field("external_created_at", Kind::Timestamp),
            field("external_updated_at", Kind::Timestamp),
        ],
    )?;
    let attributes = crate::input::object_field(&body, "custom_attributes")?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    object_type(&mut scope, &identifier).await?;
    let existing = scope
        .record_where(
            &CUSTOM_OBJECT_INSTANCES,
            &[
                Filter::Eq("type_identifier", json!(identifier)),
                Filter::Eq("external_id", json!(external_id)),
            ],
        )
        .await?;
    let empty = Map::new();
    values.insert(
        "custom_attributes".into(),
        merged_attributes(
            existing.as_ref().and_then(|e| e.get("custom_attributes")),
            attributes.unwrap_or(&empty),
        )?,
    );
    values.insert("updated_at".into(), json!(now));
    let id = match existing {
        Some(existing) => {
            let id = id_of(&existing).to_owned();
            scope
                .update_record(&CUSTOM_OBJECT_INSTANCES, &id, &values)
                .await?;
            id
        }
        None => {
            values.insert("type_identifier".into(), json!(identifier));
            values.insert("external_id".into(), json!(external_id));
            values.insert("created_at".into(), json!(now));
            let stored = scope
                .insert_record(&CUSTOM_OBJECT_INSTANCES, &values, now)
                .await?;
            id_of(&stored).to_owned()
        }
    };
    let stored = scope
        .record(&CUSTOM_OBJECT_INSTANCES, &id)
        .await?
        .ok_or_else(instance_not_found)?;
    scope.commit().await?;
    Ok(axum::Json(render_instance(&stored)))
}

#[derive(Debug, Deserialize)]
struct ExternalIdQuery {
    external_id: Option<String>,
}

fn external_id_of(query: &ExternalIdQuery) -> ApiResult<&str> {
    query
        .external_id
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::with_message(ErrorCode::ParameterNotFound, "external_id is required")
                .field("external_id")
        })
}

/// The instance of type `identifier` whose id — or, failing that, `external_id` — is `key`.
async fn instance<C: Conn>(
    scope: &mut Scope<C>,
    identifier: &str,
    key: &str,
    by_id: bool,
) -> ApiResult<Record> {
    object_type(scope, identifier).await?;
    let of_type = Filter::Eq("type_identifier", json!(identifier));
    if by_id {
        let found = scope
            .record_where(
                &CUSTOM_OBJECT_INSTANCES,
                &[of_type.clone(), Filter::Eq("id", json!(key))],
            )
            .await?;
        if let Some(found) = found {
            return Ok(found);
        }
    }
    scope
        .record_where(
            &CUSTOM_OBJECT_INSTANCES,
            &[of_type, Filter::Eq("external_id", json!(key))],
        )
        .await?
        .ok_or_else(instance_not_found)
}

async fn find(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(identifier): Path<String>,
    Query(query): Query<ExternalIdQuery>,
) -> ApiResult<axum::Json<Value>> {
    let external_id = external_id_of(&query)?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let found = instance(&mut scope, &identifier, external_id, false).await?;
    Ok(axum::Json(render_instance(&found)))
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((identifier, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let found = instance(&mut scope, &identifier, &id, true).await?;
    Ok(axum::Json(render_instance(&found)))
}

async fn delete_found(
    mut scope: WriteScope,
    identifier: &str,
    found: &Record,
) -> ApiResult<axum::Json<Value>> {
    scope
        .delete_record(&CUSTOM_OBJECT_INSTANCES, id_of(found))
        .await?;
    scope.commit().await?;
    Ok(axum::Json(
        json!({ "id": id_of(found), "object": identifier, "deleted": true }),
    ))
}

async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(identifier): Path<String>,
    Query(query): Query<ExternalIdQuery>,
) -> ApiResult<axum::Json<Value>> {
    let external_id = external_id_of(&query)?;
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let found = instance(&mut scope, &identifier, external_id, false).await?;
    delete_found(scope, &identifier, &found).await
}

async fn remove_by_id(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((identifier, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let found = instance(&mut scope, &identifier, &id, true).await?;
    delete_found(scope, &identifier, &found).await
}

/// Custom object associations carried by a contact update's `custom_attributes`: each key
/// naming a custom object type (matched without regard to case, e.g. `order` for `Order`) with
/// an array of that type's instance ids, e.g. `{"order": ["21"]}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Associations(Vec<(String, Vec<String>)>);

impl Associations {
    /// Takes the association keys out of `custom_attributes` (so the rest can go through
    /// `merge_checked`), checking each names a type and each id an instance of it. An unknown
    /// instance is 404 `not_found`; a non-string id is 400 `parameter_invalid`.
    pub async fn take<C: Conn>(
        scope: &mut Scope<C>,
        custom_attributes: &mut Map<String, Value>,
    ) -> ApiResult<Self> {
        let types = scope.records(&CUSTOM_OBJECT_TYPES, &[]).await?;
        let mut taken = Vec::new();
        let keys: Vec<String> = custom_attributes.keys().cloned().collect();
        for key in keys {
            let Some(object_type) = types
                .iter()
                .find(|t| text_of(t, "identifier").is_some_and(|i| i.eq_ignore_ascii_case(&key)))
            else {
                continue;
            };
            let Some(Value::Array(ids)) = custom_attributes.get(&key) else {
                continue;
            };
            let identifier = text_of(object_type, "identifier").unwrap_or_default();
            let mut wanted = Vec::with_capacity(ids.len());
            for id in ids {
                let id = id.as_str().ok_or_else(|| {
                    ApiError::with_message(
                        ErrorCode::ParameterInvalid,
                        "custom object instance ids must be strings",
                    )
                    .field(format!("custom_attributes.{key}"))
                })?;
                instance(scope, identifier, id, true).await?;
                wanted.push(id.to_owned());
            }
            custom_attributes.remove(&key);
            taken.push((identifier.to_owned(), wanted));
        }
        Ok(Self(taken))
    }

    /// Whether the update carried no association.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Makes the contact's instances of each named type exactly the ids given (an empty array
    /// removes them all); instances of other types are left alone.
    pub async fn apply(&self, scope: &mut WriteScope, contact_id: &str, now: i64) -> ApiResult<()> {
        for (identifier, ids) in &self.0 {
            let current = scope
                .records(
                    &CUSTOM_OBJECT_INSTANCES,
                    &[
                        Filter::Eq("type_identifier", json!(identifier)),
                        Filter::LinkedFrom {
                            relation: CONTACT_CUSTOM_OBJECT,
                            left_id: contact_id.to_owned(),
                        },
                    ],
                )
                .await?;
            for old in &current {
                if !ids.iter().any(|id| id == id_of(old)) {
                    scope
                        .remove_link(CONTACT_CUSTOM_OBJECT, contact_id, id_of(old))
                        .await?;
                }
            }
            for id in ids {
                scope
                    .put_link(CONTACT_CUSTOM_OBJECT, contact_id, id, &Value::Null, now)
                    .await?;
            }
        }
        Ok(())
    }
}

/// The ids of the custom object instances linked to a contact, oldest link first.
pub async fn instance_ids_of<C: Conn>(
    scope: &mut Scope<C>,
    contact_id: &str,
) -> ApiResult<Vec<String>> {
    let links = scope
        .links_of(CONTACT_CUSTOM_OBJECT, Side::Left, &[contact_id.to_owned()])
        .await?;
    Ok(links
        .get(contact_id)
        .map(|l| l.iter().map(|l| l.right_id.clone()).collect())
        .unwrap_or_default())
}

/// `POST /_confab/custom_object_types` `{identifier, name}`: defines a type; 409 if the
/// identifier is taken.
pub async fn create_type(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let identifier = required_str(&body, "identifier")?;
    if identifier.len() > 190
        || !identifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "identifier may only use ASCII letters, digits, '_' and '-'",
        )
        .field("identifier"));
    }
    let name = match body.get("name") {
        None | Some(Value::Null) => identifier,
        Some(_) => required_str(&body, "name")?,
    };
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let mut values = Record::new();
    values.insert("identifier".into(), json!(identifier));
    values.insert("name".into(), json!(name));
    values.insert("created_at".into(), json!(now));
    let stored = scope
        .insert_record(&CUSTOM_OBJECT_TYPES, &values, now)
        .await?;
    scope.commit().await?;
    Ok(axum::Json(render_type(&stored)))
}

/// `GET /_confab/custom_object_types`: every type of the workspace, oldest first.
pub async fn list_types(State(state): State<AppState>, ctx: Ctx) -> ApiResult<axum::Json<Value>> {
    let types = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .records(&CUSTOM_OBJECT_TYPES, &[])
        .await?;
    let data: Vec<Value> = types.iter().map(render_type).collect();
    Ok(axum::Json(json!({ "type": "list", "data": data })))
}

fn render_type(record: &Record) -> Value {
    json!({
        "type": "custom_object_type",
        "id": id_of(record),
        "identifier": text_of(record, "identifier"),
        "name": text_of(record, "name"),
        "created_at": int_of(record, "created_at"),
    })
}
