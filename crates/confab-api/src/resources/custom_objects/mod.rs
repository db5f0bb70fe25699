//! Custom object instances (2.13+): upsert by `external_id`, get and delete by id or by
//! `external_id`, and their association with contacts. The types are defined per workspace
//! through the control plane (`/_confab/custom_object_types`) and the demo seed.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::record::{id_of, int_of, text_of, Record};
use confab_domain::tables::{CUSTOM_OBJECT_INSTANCES, CUSTOM_OBJECT_TYPES};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::{Conn, Scope, WriteScope};
use serde::Deserialize;
use serde_json::{json, Map, Value};

mod associations;
mod types;

pub use associations::{instance_ids_of, Associations};
pub use types::{create_type, list_types};

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
