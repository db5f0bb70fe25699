//! The control plane under `/_confab`: what Intercom does not have but a self-hoster and a test
//! suite need. Health needs no token; everything else acts on the token's workspace.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use confab_domain::clock::WorkspaceClock;
use confab_domain::ErrorCode;
use serde::Deserialize;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::gate::{self, Ctx};
use crate::resources::{custom_objects, visitors};
use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    let authenticated = Router::new()
        .route("/clock", get(clock).post(set_clock))
        .route("/visitors", post(visitors::create_visitor))
        .route(
            "/custom_object_types",
            get(custom_objects::list_types).post(custom_objects::create_type),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gate::authenticate,
        ));
    Router::new()
        .route("/health", get(health))
        .merge(authenticated)
}

/// `GET /_confab/health`: 200 when the store answers, 503 when it does not.
async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => axum::Json(json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

fn render_clock(clock: WorkspaceClock) -> axum::Json<serde_json::Value> {
    axum::Json(json!({
        "type": "clock",
        "now": clock.now(),
        "frozen": clock.frozen_at.is_some(),
        "offset_seconds": clock.offset,
    }))
}

/// `GET /_confab/clock`: the workspace's current time.
async fn clock(ctx: Ctx) -> axum::Json<serde_json::Value> {
    render_clock(ctx.workspace().clock)
}

// A misspelt field (say `advance` for `advance_seconds`) would otherwise be a 200 that moves
// nothing, and a test waiting for time to pass would fail far from its cause.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockRequest {
    /// Stop the clock at this UNIX time.
    freeze_at: Option<i64>,
    /// Move the clock forward (or back, if negative) by this many seconds.
    advance_seconds: Option<i64>,
    /// Return to the wall clock.
    #[serde(default)]
    reset: bool,
}

/// `POST /_confab/clock`: freeze, advance or reset the workspace's clock.
async fn set_clock(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<ClockRequest>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let mut clock = if body.reset {
        WorkspaceClock::default()
    } else {
        ctx.workspace().clock
    };
    if let Some(at) = body.freeze_at {
        clock = WorkspaceClock {
            offset: 0,
            frozen_at: Some(at),
        };
    }
    if let Some(seconds) = body.advance_seconds {
        clock = clock.advanced(seconds);
    }
    if !state.store.set_clock(&ctx.workspace().id, clock).await? {
        return Err(ApiError::new(ErrorCode::NotFound));
    }
    // Moving the clock is how tests make time pass: what was due by then happens now.
    crate::resources::conversations::snooze::wake_due(
        &state.store,
        &ctx.workspace().id,
        clock.now(),
    )
    .await?;
    state.auth_cache.clear();
    Ok(render_clock(clock))
}
