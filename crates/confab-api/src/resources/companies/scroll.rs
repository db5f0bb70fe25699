//! `GET /companies/scroll`: one open scroll per workspace, walking every company with a
//! contact in insertion order, 100 at a time. A scroll left unused for a minute (by the
//! workspace clock) expires; the empty page at the end closes it. See docs/decisions/0011.

use axum::extract::State;
use confab_domain::record::{id_of, int_of, Record};
use confab_domain::tables::COMPANY_SCROLLS;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::companies::CompanyFilter;
use confab_store::WriteScope;
use serde::Deserialize;
use serde_json::{json, Value};

use super::render_companies;
use crate::error::{ApiError, ApiResult};
use crate::extract::Query;
use crate::gate::Ctx;
use crate::render::{before, versioned, Change};
use crate::state::AppState;

/// Companies per scroll page, as Intercom serves them.
const SCROLL_PAGE: i64 = 100;

/// Seconds a scroll may sit unused before it expires.
const SCROLL_IDLE_SECONDS: i64 = 60;

const SCROLL_CHANGES: &[Change] = &[Change {
    // 2.11's cursor_pages is not nullable; Intercom's `pages: null` is left out there.
    versions: before(ApiVersion::V2_13),
    apply: |body| {
        body.remove("pages");
    },
}];

#[derive(Debug, Deserialize)]
pub(super) struct ScrollParams {
    scroll_param: Option<String>,
}

fn scroll_not_found() -> ApiError {
    ApiError::with_message(
        ErrorCode::NotFound,
        "Scroll parameter not found or expired; start a new scroll",
    )
    .field("scroll_param")
}

/// The workspace's scroll row, if any, and whether it is still open (used within the last
/// minute).
async fn current_scroll(scope: &mut WriteScope, now: i64) -> ApiResult<Option<(Record, bool)>> {
    let scroll = scope.record_where(&COMPANY_SCROLLS, &[]).await?;
    Ok(scroll.map(|scroll| {
        let idle = now - int_of(&scroll, "last_used_at").unwrap_or(0);
        (scroll, idle < SCROLL_IDLE_SECONDS)
    }))
}

pub(super) async fn scroll(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ScrollParams>,
) -> ApiResult<axum::Json<Value>> {
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    // Decide before writing anything, so a refused request leaves no write to roll back.
    let current = current_scroll(&mut scope, now).await?;
    let scroll = match (
        params.scroll_param.as_deref().filter(|p| !p.is_empty()),
        current,
    ) {
        (None, Some((_, true))) => return Err(ApiError::new(ErrorCode::ScrollExists)),
        (None, expired) => {
            if let Some((old, _)) = expired {
                scope.delete_record(&COMPANY_SCROLLS, id_of(&old)).await?;
            }
            let values = json!({ "position": 0, "last_used_at": now, "created_at": now });
            let values = values.as_object().cloned().unwrap_or_default();
            // Two scrolls started at once: the unique index lets one through.
            scope
                .insert_record(&COMPANY_SCROLLS, &values, now)
                .await
                .map_err(|err| match ApiError::from(err) {
                    conflict if conflict.0.code == ErrorCode::Conflict => {
                        ApiError::new(ErrorCode::ScrollExists)
                    }
                    other => other,
                })?
        }
        (Some(param), Some((scroll, true))) if id_of(&scroll) == param => scroll,
        (Some(_), _) => return Err(scroll_not_found()),
    };
    let scroll_id = id_of(&scroll).to_owned();
    let filter = CompanyFilter {
        tag_id: None,
        with_contacts: true,
        matching: None,
    };
    let position = int_of(&scroll, "position").unwrap_or(0);
    let companies = scope
        .companies_after(&filter, position, SCROLL_PAGE)
        .await?;
    let mut body = json!({
        "type": "list",
        "data": render_companies(&mut scope, &companies, &ctx).await?,
        "pages": null,
        "total_count": null,
    });
    match companies.last() {
        Some(last) => {
            let moved = json!({
                "position": int_of(last, "seq").unwrap_or(position),
                "last_used_at": now,
            });
            let moved = moved.as_object().cloned().unwrap_or_default();
            scope
                .update_record(&COMPANY_SCROLLS, &scroll_id, &moved)
                .await?;
            if let Some(obj) = body.as_object_mut() {
                obj.insert("scroll_param".into(), json!(scroll_id));
            }
        }
        // The end: an empty page without a scroll_param (so the SDKs' scroll pagers stop),
        // and the scroll closes.
        None => {
            scope.delete_record(&COMPANY_SCROLLS, &scroll_id).await?;
        }
    }
    scope.commit().await?;
    Ok(axum::Json(versioned(body, ctx.version, SCROLL_CHANGES)))
}
