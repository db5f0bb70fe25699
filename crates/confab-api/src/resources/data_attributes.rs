//! Data attributes: `GET /data_attributes`, `POST /data_attributes`,
//! `PUT /data_attributes/{id}`. The rules live in `confab_domain::models::data_attribute`;
//! this module reads requests, stores custom attributes and renders them per version.

use axum::extract::State;
use axum::routing::{get, put};
use axum::Router;
use confab_domain::models::data_attribute::{
    built_in, check_name_available, creatable_model, normalize_type, parse_options,
    validate_new_name, DataAttribute, DataModel, DataType,
};
use confab_domain::record::Record;
use confab_domain::tables::{DATA_ATTRIBUTES, SEGMENTS};
use confab_domain::{ApiVersion, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::custom_attributes::{custom_attributes_of, data_attribute_from_record};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::Ctx;
use crate::input::{field, record_from_body, required_str, Field, Kind};
use crate::render::{versioned, Change};
use crate::resources::numeric_id;
use crate::resources::segments::membership::Held;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/data_attributes", get(list).post(create))
        .route("/data_attributes/{id}", put(update))
}

const CHANGES: &[Change] = &[Change {
    // 2.11 requires `description` on every attribute.
    versions: &[ApiVersion::V2_11],
    apply: |attribute| {
        attribute
            .entry("description")
            .or_insert_with(|| Value::from(""));
    },
}];

/// One attribute, built-in or custom, as `version` shows it.
pub fn render_data_attribute(attribute: &DataAttribute, version: ApiVersion) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!("data_attribute"));
    if let Some(id) = attribute.id {
        out.insert("id".into(), json!(id));
    }
    out.insert("model".into(), json!(attribute.model.as_str()));
    out.insert("name".into(), json!(attribute.name));
    out.insert("full_name".into(), json!(attribute.full_name));
    out.insert("label".into(), json!(attribute.label));
    if let Some(description) = &attribute.description {
        out.insert("description".into(), json!(description));
    }
    out.insert("data_type".into(), json!(attribute.data_type.rendered()));
    if !attribute.options.is_empty() {
        out.insert("options".into(), json!(attribute.options));
    }
    out.insert("api_writable".into(), json!(attribute.api_writable));
    out.insert("ui_writable".into(), json!(attribute.ui_writable));
    out.insert(
        "messenger_writable".into(),
        json!(attribute.messenger_writable),
    );
    out.insert("custom".into(), json!(attribute.custom));
    out.insert("archived".into(), json!(attribute.archived));
    if let Some(admin_id) = &attribute.admin_id {
        out.insert("admin_id".into(), json!(admin_id));
    }
    if let Some(created_at) = attribute.created_at {
        out.insert("created_at".into(), json!(created_at));
    }
    if let Some(updated_at) = attribute.updated_at {
        out.insert("updated_at".into(), json!(updated_at));
    }
    versioned(Value::Object(out), version, CHANGES)
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    model: Option<String>,
    include_archived: Option<String>,
}

fn invalid_query(name: &str, what: &str) -> ApiError {
    ApiError::with_message(
        ErrorCode::ParameterInvalid,
        format!("{name} must be {what}"),
    )
    .field(name)
}

/// `GET /data_attributes`: each model's built-in attributes, then its custom ones oldest
/// first; every model (contact, company, conversation) when none is named.
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> ApiResult<axum::Json<Value>> {
    let models = match query.model.as_deref().filter(|m| !m.is_empty()) {
        None => DataModel::ALL.to_vec(),
        Some(raw) => vec![DataModel::parse(raw)
            .ok_or_else(|| invalid_query("model", "one of contact, company or conversation"))?],
    };
    let include_archived = match query.include_archived.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => return Err(invalid_query("include_archived", "true or false")),
    };
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let mut data = Vec::new();
    for model in models {
        let custom = custom_attributes_of(&mut scope, model).await?;
        data.extend(
            built_in(model)
                .iter()
                .chain(custom.iter().filter(|a| include_archived || !a.archived))
                .map(|a| render_data_attribute(a, ctx.version)),
        );
    }
    Ok(axum::Json(json!({ "type": "list", "data": data })))
}

/// What create and update take besides the attribute's identity.
const FIELDS: &[Field] = &[
    field("description", Kind::Text(1_000)),
    field("messenger_writable", Kind::Bool),
    field("archived", Kind::Bool),
];

/// `POST /data_attributes`.
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let name = required_str(&body, "name")?;
    let model = creatable_model(required_str(&body, "model")?)?;
    let data_type = required_str(&body, "data_type")?;
    validate_new_name(name)?;
    let (data_type, options) = normalize_type(data_type, body.get("options"), ctx.version)?;
    let mut values = record_from_body(&body, &FIELDS[..2])?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let mut existing = custom_attributes_of(&mut scope, DataModel::Contact).await?;
    existing.extend(custom_attributes_of(&mut scope, DataModel::Company).await?);
    check_name_available(name, model, &existing)?;
    values.insert("model".into(), json!(model.as_str()));
    values.insert("name".into(), json!(name));
    values.insert("label".into(), json!(name));
    values.insert("data_type".into(), json!(data_type.as_str()));
    if !options.is_empty() {
        values.insert("options".into(), json!(options));
    }
    values.insert("archived".into(), json!(false));
    values.insert("admin_id".into(), json!(ctx.principal.admin_id));
    values.insert("created_at".into(), json!(now));
    values.insert("updated_at".into(), json!(now));
    let stored = scope.insert_record(&DATA_ATTRIBUTES, &values, now).await?;
    scope.commit().await?;
    crate::search::index_attribute(&state.store, model, name, data_type).await;
    rendered(&stored, ctx.version)
}

fn rendered(record: &Record, version: ApiVersion) -> ApiResult<axum::Json<Value>> {
    let attribute =
        data_attribute_from_record(record).ok_or_else(|| ApiError::new(ErrorCode::ServerError))?;
    Ok(axum::Json(render_data_attribute(&attribute, version)))
}

fn attribute_not_found() -> ApiError {
    ApiError::with_message(
        ErrorCode::FieldNotFound,
        "There is no data attribute with this id to update",
    )
}

/// `PUT /data_attributes/{id}`: archive or unarchive, describe, change a list's options, allow
/// the Messenger to write. The name, model and type never change.
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let id = numeric_id(&id, attribute_not_found)?.to_string();
    let mut values = record_from_body(&body, FIELDS)?;
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let current = scope
        .record(&DATA_ATTRIBUTES, &id)
        .await?
        .and_then(|r| data_attribute_from_record(&r))
        .ok_or_else(attribute_not_found)?;
    if let Some(options) = body.get("options").filter(|o| !o.is_null()) {
        if !options.is_array() {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "options must be an array",
            )
            .field("options"));
        }
        if current.data_type != DataType::Options {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "only a list attribute has options",
            )
            .field("options"));
        }
        values.insert("options".into(), json!(parse_options(options)?));
    }
    if values.get("archived") == Some(&Value::Bool(true)) && !current.archived {
        let segments = scope.records(&SEGMENTS, &[]).await?;
        if segments.iter().any(|s| {
            Held::of(s).searchable().model == current.model
                && s.get("query")
                    .is_some_and(|q| mentions(q, &current.full_name))
        }) {
            return Err(ApiError::with_message(
                ErrorCode::DataInvalid,
                "A segment filters on this data attribute, so it cannot be archived",
            ));
        }
    }
    values.insert("updated_at".into(), json!(ctx.now()));
    scope.update_record(&DATA_ATTRIBUTES, &id, &values).await?;
    let stored = scope
        .record(&DATA_ATTRIBUTES, &id)
        .await?
        .ok_or_else(attribute_not_found)?;
    scope.commit().await?;
    rendered(&stored, ctx.version)
}

/// Whether a search query (a tree of `{field, operator, value}` and `{operator, value: [..]}`
/// nodes) filters on `full_name`.
fn mentions(query: &Value, full_name: &str) -> bool {
    match query {
        Value::Object(node) => {
            node.get("field").and_then(Value::as_str) == Some(full_name)
                || node.values().any(|v| mentions(v, full_name))
        }
        Value::Array(items) => items.iter().any(|v| mentions(v, full_name)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_mentions_a_field_at_any_depth() {
        let query = json!({"operator": "AND", "value": [
            {"field": "role", "operator": "=", "value": "user"},
            {"operator": "OR", "value": [
                {"field": "custom_attributes.plan", "operator": "=", "value": "pro"}
            ]}
        ]});
        assert!(mentions(&query, "custom_attributes.plan"));
        assert!(!mentions(&query, "custom_attributes.seats"));
    }
}
