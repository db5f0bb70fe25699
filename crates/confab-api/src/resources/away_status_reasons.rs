//! Away status reasons: `GET /away_status_reasons` (2.14 and later).

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use confab_domain::models::AwayStatusReason;
use confab_domain::ApiVersion;
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::gate::{since, Ctx};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/away_status_reasons", since(ApiVersion::V2_14, get(list)))
}

fn render_reason(reason: &AwayStatusReason) -> Value {
    json!({
        "type": "away_status_reason",
        "id": reason.id.to_string(),
        "label": reason.label,
        "emoji": reason.emoji,
        "order": reason.order,
        "deleted": reason.deleted,
        "created_at": reason.created_at,
        "updated_at": reason.updated_at,
    })
}

/// Every reason, deleted ones included, in a `list` envelope. The Unstable description shows a
/// bare array, but Intercom answers the envelope in every version (intercom/Intercom-OpenAPI
/// #569; a reviewed exception of the conformance oracle).
async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<axum::Json<Value>> {
    let reasons = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .away_status_reasons()
        .await?;
    let data: Vec<Value> = reasons.iter().map(render_reason).collect();
    Ok(axum::Json(json!({ "type": "list", "data": data })))
}
