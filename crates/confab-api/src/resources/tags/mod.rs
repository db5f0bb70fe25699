//! Tags: `GET /tags`, `POST /tags` (five forms, in [`write`]), `GET /tags/{id}`,
//! `DELETE /tags/{id}`, and a contact's tags (`GET`/`POST /contacts/{id}/tags`,
//! `DELETE /contacts/{id}/tags/{tag_id}`). Tag names are case-insensitive. Tagging
//! conversations and tickets reuses [`tag_or_404`], [`render_tag`] and [`applied_meta`].

mod render;
mod write;

pub use render::{applied_meta, render_tag, render_tag_basic};

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::Router;
use confab_domain::record::relation::CONTACT_TAG;
use confab_domain::record::{id_of, Record, Side};
use confab_domain::tables::TAGS;
use confab_domain::ErrorCode;
use confab_store::links::Link;
use confab_store::{Conn, Scope, WriteScope};
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::resources::contacts::find_contact;
use crate::resources::subjects::{id_in_body, resource_not_found};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tags", get(list).post(write::create_or_apply))
        .route("/tags/{id}", get(retrieve).delete(remove))
        .route("/contacts/{id}/tags", get(contact_tags).post(tag_contact))
        .route("/contacts/{id}/tags/{tag_id}", delete(untag_contact))
}

/// The tag with this id, or `not_found` "Resource Not Found".
pub async fn tag_or_404<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&TAGS, id)
        .await?
        .ok_or_else(resource_not_found)
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<axum::Json<Value>> {
    let tags = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .records(&TAGS, &[])
        .await?;
    let data: Vec<Value> = tags
        .iter()
        .map(|t| render_tag(t, None, ctx.version))
        .collect();
    Ok(axum::Json(json!({ "type": "list", "data": data })))
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let tag = tag_or_404(&mut scope, &id).await?;
    Ok(axum::Json(render_tag_basic(&tag, None, ctx.version)))
}

/// Deletes a tag and every tagging of it, unless a segment's definition uses it.
async fn remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let tag = tag_or_404(&mut scope, &id).await?;
    let segments = scope.segments_using_tag(id_of(&tag)).await?;
    if !segments.is_empty() {
        return Err(ApiError::with_message(
            ErrorCode::TagHasDependentObjects,
            format!(
                "Unable to delete Tag with dependent objects. Segments: {}.",
                segments.join(", ")
            ),
        ));
    }
    scope.delete_record(&TAGS, id_of(&tag)).await?;
    scope.commit().await?;
    Ok(StatusCode::OK)
}

/// A contact's tags, oldest tagging first, each with who applied it and when.
async fn contact_tags(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let contact_id = id_of(&contact).to_owned();
    let links = scope
        .links_of(CONTACT_TAG, Side::Left, std::slice::from_ref(&contact_id))
        .await?
        .remove(&contact_id)
        .unwrap_or_default();
    let ids: Vec<String> = links.iter().map(|l| l.right_id.clone()).collect();
    let tags: HashMap<String, Record> = scope
        .records_by_ids(&TAGS, &ids)
        .await?
        .into_iter()
        .map(|t| (id_of(&t).to_owned(), t))
        .collect();
    let data: Vec<Value> = links
        .iter()
        .filter_map(|l| {
            let tag = tags.get(&l.right_id)?;
            Some(render_tag(tag, Some(l), ctx.version))
        })
        .collect();
    Ok(axum::Json(json!({ "type": "list", "data": data })))
}

/// Applies `tag` to the record `owner_id` (the left side of `relation`) as `admin_id`;
/// applying it again changes nothing. Answers the link, for `applied_at`/`applied_by`.
pub async fn apply_tag(
    scope: &mut WriteScope,
    relation: &str,
    owner_id: &str,
    tag: &Record,
    admin_id: i64,
    now: i64,
) -> ApiResult<Option<Link>> {
    let tag_id = id_of(tag);
    if scope.link(relation, owner_id, tag_id).await?.is_none() {
        scope
            .put_link(relation, owner_id, tag_id, &applied_meta(admin_id), now)
            .await?;
    }
    Ok(scope.link(relation, owner_id, tag_id).await?)
}

/// Removes `tag` from the record `owner_id`; answers the link it had, if any.
pub async fn remove_tag(
    scope: &mut WriteScope,
    relation: &str,
    owner_id: &str,
    tag: &Record,
) -> ApiResult<Option<Link>> {
    let link = scope.link(relation, owner_id, id_of(tag)).await?;
    scope.remove_link(relation, owner_id, id_of(tag)).await?;
    Ok(link)
}

/// Tags a contact; tagging it again with the same tag changes nothing.
async fn tag_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let tag_id = id_in_body(&body, "id")?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let tag = tag_or_404(&mut scope, &tag_id).await?;
    let link = apply_tag(
        &mut scope,
        CONTACT_TAG,
        id_of(&contact),
        &tag,
        ctx.principal.admin_id,
        now,
    )
    .await?;
    scope.commit().await?;
    Ok(axum::Json(render_tag(&tag, link.as_ref(), ctx.version)))
}

/// Removes a tag from a contact and answers the tag (also when the contact did not have it).
async fn untag_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tag_id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let tag = tag_or_404(&mut scope, &tag_id).await?;
    let link = remove_tag(&mut scope, CONTACT_TAG, id_of(&contact), &tag).await?;
    scope.commit().await?;
    Ok(axum::Json(render_tag(&tag, link.as_ref(), ctx.version)))
}
