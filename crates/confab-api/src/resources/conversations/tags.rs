//! Tagging a conversation or ticket (`POST /conversations/{id}/tags` `{id, admin_id}`) and
//! untagging it (`DELETE /conversations/{id}/tags/{tag_id}`, whose JSON body names the
//! `admin_id`), through the tag code contacts use. Tickets are tagged the same way.

use axum::extract::State;
use confab_domain::record::id_of;
use confab_domain::record::relation::CONVERSATION_TAG;
use serde_json::{Map, Value};

use super::actions::admin_author;
use super::{find_thread, Thread};
use crate::error::ApiResult;
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::resources::subjects::id_in_body;
use crate::resources::tags::{apply_tag, remove_tag, render_tag, tag_or_404};
use crate::state::AppState;

pub(super) async fn tag(
    state: State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    tag_thread(state, ctx, id, body, Thread::Conversation).await
}

pub(super) async fn untag(
    state: State<AppState>,
    ctx: Ctx,
    Path((id, tag_id)): Path<(String, String)>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    untag_thread(state, ctx, (id, tag_id), body, Thread::Conversation).await
}

pub(crate) async fn tag_thread(
    State(state): State<AppState>,
    ctx: Ctx,
    id: String,
    body: Map<String, Value>,
    thread: Thread,
) -> ApiResult<axum::Json<Value>> {
    let tag_id = id_in_body(&body, "id")?;
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let admin = admin_author(&mut scope, &body).await?;
    let conversation = find_thread(&mut scope, &id, thread).await?;
    let tag = tag_or_404(&mut scope, &tag_id).await?;
    let link = apply_tag(
        &mut scope,
        CONVERSATION_TAG,
        id_of(&conversation),
        &tag,
        admin,
        ctx.now(),
    )
    .await?;
    scope.commit().await?;
    Ok(axum::Json(render_tag(&tag, link.as_ref(), ctx.version)))
}

pub(crate) async fn untag_thread(
    State(state): State<AppState>,
    ctx: Ctx,
    (id, tag_id): (String, String),
    body: Map<String, Value>,
    thread: Thread,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    admin_author(&mut scope, &body).await?;
    let conversation = find_thread(&mut scope, &id, thread).await?;
    let tag = tag_or_404(&mut scope, &tag_id).await?;
    let link = remove_tag(&mut scope, CONVERSATION_TAG, id_of(&conversation), &tag).await?;
    scope.commit().await?;
    Ok(axum::Json(render_tag(&tag, link.as_ref(), ctx.version)))
}
