//! Segments: `GET /segments` (`include_count`; `type=company` for segments of companies),
//! `GET /segments/{id}`, `GET /contacts/{id}/segments`, `GET /companies/{id}/segments`.
//! Membership and counts are computed by running each segment's stored query through the
//! search engine (`membership`), never stored.

pub mod membership;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use confab_domain::record::{id_of, text_of, Record};
use confab_domain::tables::SEGMENTS;
use confab_domain::{ApiVersion, ErrorCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::gate::Ctx;
use crate::resources::contacts::find_contact;
use crate::state::AppState;
use membership::{members, memberships, segments_of, Held};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/segments", get(list))
        .route("/segments/{id}", get(retrieve))
        .route("/contacts/{id}/segments", get(contact_segments))
        .route("/companies/{id}/segments", get(company_segments))
}

/// Renders a segment; `count` only when asked for. The spec's `person_type` knows only
/// people (`user`, `contact`): a segment of companies leaves it out, except in 2.11, which
/// requires it and gets `user`, the people companies are made of (docs/decisions/0025).
pub fn render(segment: &Record, count: Option<u64>, version: ApiVersion) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!("segment"));
    out.insert("id".into(), json!(id_of(segment)));
    for key in ["name", "created_at", "updated_at"] {
        out.insert(key.into(), segment.get(key).cloned().unwrap_or(Value::Null));
    }
    let person_type = match Held::of(segment) {
        Held::Contacts => text_of(segment, "person_type"),
        Held::Companies if version == ApiVersion::V2_11 => Some("user"),
        Held::Companies => None,
    };
    if let Some(person_type) = person_type {
        out.insert("person_type".into(), json!(person_type));
    }
    if let Some(count) = count {
        out.insert("count".into(), json!(count));
    }
    Value::Object(out)
}

#[derive(Debug, Deserialize)]
struct ListParams {
    include_count: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// `GET /segments`: the segments of people, or with `type=company` those of companies.
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
    let held = match params.kind.as_deref() {
        Some("company") => Held::Companies,
        _ => Held::Contacts,
    };
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let mut segments = Vec::new();
    for segment in segments_of(&mut scope, held).await? {
        let count = if include_count {
            Some(
                members(&mut scope, &segment, None, 1, &ctx)
                    .await?
                    .total_count,
            )
        } else {
            None
        };
        segments.push(render(&segment, count, ctx.version));
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
    let count = members(&mut scope, &segment, None, 1, &ctx)
        .await?
        .total_count;
    Ok(axum::Json(render(&segment, Some(count), ctx.version)))
}

/// The segments of `held` records that hold the one with `id`, rendered.
async fn holding<C: confab_store::Conn>(
    scope: &mut confab_store::Scope<C>,
    held: Held,
    id: String,
    ctx: &Ctx,
) -> ApiResult<Vec<Value>> {
    Ok(memberships(scope, held, &[id], ctx)
        .await?
        .into_iter()
        .filter(|(_, holds)| !holds.is_empty())
        .map(|(segment, _)| render(&segment, None, ctx.version))
        .collect())
}

async fn contact_segments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    find_contact(&mut scope, &id).await?;
    let data = holding(&mut scope, Held::Contacts, id, &ctx).await?;
    Ok(axum::Json(json!({ "type": "list", "data": data })))
}

/// The segments of companies this company matches (docs/decisions/0025).
async fn company_segments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    crate::resources::companies::company_or_404(&mut scope, &id).await?;
    let data = holding(&mut scope, Held::Companies, id, &ctx).await?;
    Ok(axum::Json(json!({
        "type": "list",
        "data": data,
        "total_count": data.len(),
    })))
}
