//! Custom object types, defined per workspace through the control plane:
//! `POST /_confab/custom_object_types` and `GET /_confab/custom_object_types`.

use axum::extract::State;
use confab_domain::record::{id_of, int_of, text_of, Record};
use confab_domain::tables::CUSTOM_OBJECT_TYPES;
use confab_domain::ErrorCode;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::gate::Ctx;
use crate::input::required_str;
use crate::state::AppState;

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
