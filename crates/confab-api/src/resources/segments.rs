//! Segments: `GET /segments` (`include_count`), `GET /segments/{id}`,
//! `GET /contacts/{id}/segments`, `GET /companies/{id}/segments`. Membership and counts are
//! computed by running each segment's stored query through contact search, never stored.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use confab_domain::models::segment::{member_role, resolve_relative};
use confab_domain::paging::CursorRequest;
use confab_domain::record::relation::CONTACT_COMPANY;
use confab_domain::record::{id_of, text_of, Record, Side};
use confab_domain::search;
use confab_domain::tables::SEGMENTS;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::search::BaseFilter;
use confab_store::{Conn, Scope};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::gate::Ctx;
use crate::resources::contacts::find_contact;
use crate::resources::contacts::search::{matching_ids, CONTACTS_SEARCH};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/segments", get(list))
        .route("/segments/{id}", get(retrieve))
        .route("/contacts/{id}/segments", get(contact_segments))
        .route("/companies/{id}/segments", get(company_segments))
}

/// Renders a segment; `count` only when asked for.
fn render(segment: &Record, count: Option<u64>) -> Value {
    let mut rendered = json!({
        "type": "segment",
        "id": id_of(segment),
        "name": segment.get("name"),
        "created_at": segment.get("created_at"),
        "updated_at": segment.get("updated_at"),
        "person_type": segment.get("person_type"),
    });
    if let (Some(count), Some(obj)) = (count, rendered.as_object_mut()) {
        obj.insert("count".into(), json!(count));
    }
    rendered
}

/// The contacts a segment holds, as one page of ids (with the total count), restricted to
/// the contacts with the given ids when `only` is set.
async fn members<C: Conn>(
    scope: &mut Scope<C>,
    segment: &Record,
    only: &[String],
    per_page: u32,
    ctx: &Ctx,
) -> ApiResult<confab_domain::paging::Page<String>> {
    let stored = segment.get("query").cloned().unwrap_or(Value::Null);
    let query = search::parse(&resolve_relative(&stored, ctx.now()), ApiVersion::V2_14)?;
    let role = member_role(text_of(segment, "person_type").unwrap_or_default());
    let mut extra = vec![BaseFilter::TextEq("role", role.into())];
    if !only.is_empty() {
        extra.push(BaseFilter::TextIn("id", only.to_vec()));
    }
    let page = CursorRequest {
        per_page,
        after: None,
    };
    matching_ids(
        scope,
        &query,
        extra,
        &page,
        CONTACTS_SEARCH.schema.default_order,
        &ctx.workspace().timezone,
    )
    .await
}

/// The segments that hold at least one of `contact_ids`, oldest first.
async fn segments_holding<C: Conn>(
    scope: &mut Scope<C>,
    contact_ids: &[String],
    ctx: &Ctx,
) -> ApiResult<Vec<Value>> {
    let mut held = Vec::new();
    if contact_ids.is_empty() {
        return Ok(held);
    }
    for segment in scope.records(&SEGMENTS, &[]).await? {
        if members(scope, &segment, contact_ids, 1, ctx)
            .await?
            .total_count
            > 0
        {
            held.push(render(&segment, None));
        }
    }
    Ok(held)
}

#[derive(Debug, Deserialize)]
struct ListParams {
    include_count: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<Value>> {
    let include_count = match params.include_count.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "include_count must be true or false",
            )
            .field("include_count"))
        }
    };
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let mut segments = Vec::new();
    for segment in scope.records(&SEGMENTS, &[]).await? {
        let count = if include_count {
            Some(
                members(&mut scope, &segment, &[], 1, &ctx)
                    .await?
                    .total_count,
            )
        } else {
            None
        };
        segments.push(render(&segment, count));
    }
    Ok(axum::Json(
        json!({ "type": "segment.list", "segments": segments, "pages": {} }),
    ))
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let segment = scope
        .record(&SEGMENTS, &id)
        .await?
        .ok_or_else(|| ApiError::with_message(ErrorCode::NotFound, "Resource Not Found"))?;
    let count = members(&mut scope, &segment, &[], 1, &ctx)
        .await?
        .total_count;
    Ok(axum::Json(render(&segment, Some(count))))
}

async fn contact_segments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    find_contact(&mut scope, &id).await?;
    let data = segments_holding(&mut scope, &[id], &ctx).await?;
    Ok(axum::Json(json!({ "type": "list", "data": data })))
}

/// A company is in the segments that hold any of its contacts (docs/decisions).
async fn company_segments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    crate::resources::companies::company_or_404(&mut scope, &id).await?;
    let contacts: Vec<String> = scope
        .links_of(CONTACT_COMPANY, Side::Right, std::slice::from_ref(&id))
        .await?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|link| link.left_id)
        .collect();
    let data = segments_holding(&mut scope, &contacts, &ctx).await?;
    Ok(axum::Json(json!({
        "type": "list",
        "data": data,
        "total_count": data.len(),
    })))
}
