//! Teams: `GET /teams`, `GET /teams/{id}`.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use confab_domain::models::Team;
use confab_domain::{ApiVersion, ErrorCode};
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::gate::Ctx;
use crate::render::{versioned, Change};
use crate::resources::numeric_id;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/teams", get(list))
        .route("/teams/{id}", get(retrieve))
}

const TEAM_CHANGES: &[Change] = &[Change {
    // Only 2.14 shows how a team distributes its work.
    versions: &[ApiVersion::V2_11, ApiVersion::V2_13, ApiVersion::Unstable],
    apply: |team| {
        team.remove("assignment_limit");
        team.remove("distribution_method");
    },
}];

pub fn render_team(team: &Team, version: ApiVersion) -> Value {
    let mut canonical = json!({
        "type": "team",
        "id": team.id.to_string(),
        "name": team.name,
        "admin_ids": team.admin_ids,
        "distribution_method": team.distribution_method,
    });
    // "only present when the team's distribution type is load balanced"
    if let (Some(limit), Some(obj)) = (team.assignment_limit, canonical.as_object_mut()) {
        obj.insert("assignment_limit".into(), json!(limit));
    }
    versioned(canonical, version, TEAM_CHANGES)
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<axum::Json<Value>> {
    let teams = state.store.read(&ctx.workspace().id).await?.teams().await?;
    let teams: Vec<Value> = teams.iter().map(|t| render_team(t, ctx.version)).collect();
    Ok(axum::Json(json!({ "type": "team.list", "teams": teams })))
}

fn team_not_found() -> ApiError {
    ApiError::new(ErrorCode::TeamNotFound)
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let id = numeric_id(&id, team_not_found)?;
    let team = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .team(id)
        .await?
        .ok_or_else(team_not_found)?;
    Ok(axum::Json(render_team(&team, ctx.version)))
}
