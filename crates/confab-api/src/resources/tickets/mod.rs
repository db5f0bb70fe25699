//! Tickets: create (at once, or queued as a job), retrieve, update (state, assignment, open,
//! snooze, attributes), delete, reply, tag; converting a conversation; ticket types, their
//! attributes and the ticket states. A ticket is a conversation row with a ticket type
//! (decision 0021), so it shares parts, contacts, tags, snoozing and statistics.

mod attributes;
mod create;
pub mod jobs;
mod render;
mod search;
mod types;
mod update;

pub use render::{render_ticket_one, render_tickets};

use axum::extract::State;
use axum::routing::{get, post, put};
use axum::Router;
use confab_domain::record::{int_of, Record};
use confab_domain::tables::CONVERSATIONS;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::{Conn, Scope};
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::{since, Ctx};
use crate::resources::conversations::tags::{tag_thread, untag_thread};
use crate::resources::conversations::{remove_thread, Thread};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tickets", post(create::create))
        .route(
            "/tickets/enqueue",
            since(ApiVersion::V2_14, post(create::enqueue)),
        )
        .route(
            "/tickets/{id}",
            get(retrieve)
                .put(update::update)
                .merge(since(ApiVersion::V2_13, axum::routing::delete(delete))),
        )
        .route("/tickets/search", post(search::search))
        .route("/tickets/{id}/reply", post(update::reply))
        .route("/tickets/{id}/tags", post(tag))
        .route("/tickets/{id}/tags/{tag_id}", axum::routing::delete(untag))
        .route("/conversations/{id}/convert", post(create::convert))
        .route(
            "/jobs/status/{id}",
            since(ApiVersion::V2_14, get(jobs::status)),
        )
        .route("/ticket_types", get(types::list).post(types::create))
        .route(
            "/ticket_types/{id}",
            get(types::retrieve).put(types::update),
        )
        .route(
            "/ticket_types/{id}/attributes",
            post(types::create_attribute),
        )
        .route(
            "/ticket_types/{type_id}/attributes/{id}",
            put(types::update_attribute),
        )
        .route(
            "/ticket_states",
            since(ApiVersion::V2_13, get(types::list_states)),
        )
}

pub fn ticket_not_found() -> ApiError {
    ApiError::new(ErrorCode::TicketNotFound)
}

/// The ticket with this id (a conversation row with a ticket type), or `ticket_not_found`.
pub async fn find_ticket<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&CONVERSATIONS, id)
        .await?
        .filter(|r| int_of(r, "ticket_type_id").is_some())
        .ok_or_else(ticket_not_found)
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let ticket = find_ticket(&mut scope, &id).await?;
    Ok(axum::Json(
        render_ticket_one(&mut scope, &ticket, ctx.version).await?,
    ))
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    find_ticket(&mut scope, &id).await?;
    remove_thread(&mut scope, &id).await?;
    scope.commit().await?;
    Ok(axum::Json(
        json!({"id": id, "object": "ticket", "deleted": true}),
    ))
}

async fn tag(
    state: State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    tag_thread(state, ctx, id, body, Thread::Ticket).await
}

async fn untag(
    state: State<AppState>,
    ctx: Ctx,
    Path((id, tag_id)): Path<(String, String)>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    untag_thread(state, ctx, (id, tag_id), body, Thread::Ticket).await
}
