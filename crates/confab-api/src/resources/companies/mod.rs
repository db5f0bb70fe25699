//! Companies: create-or-update by `company_id`, retrieve (by id, `company_id` or name), list
//! (`GET /companies`, `POST /companies/list`), scroll, update, delete, and the contact ↔
//! company attachments.

mod attach;
pub mod render;
mod scroll;
pub mod search;

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::models::data_attribute::DataModel;
use confab_domain::paging::Page;
use confab_domain::record::{id_of, Record};
use confab_domain::search::Lowered;
use confab_domain::tables::{COMPANIES, SEGMENTS, TAGS};
use confab_domain::ErrorCode;
use confab_store::companies::{CompanyFilter, SortOrder};
use confab_store::records::Filter;
use confab_store::{Conn, Scope, WriteScope};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::custom_attributes::merge_checked;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::Ctx;
use crate::input::{field, object_field, record_from_body, required_str, Field, Kind, TEXT};
use crate::paging::{cursor_pages, page_number_request, PageSize};
use crate::resources::segments::membership::{self, Held};
use crate::search::Calendar;
use crate::state::AppState;

pub use render::{render_companies, render_one};
use search::COMPANIES_SEARCH;

/// The companies routes, with the contact ↔ company attachments.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/companies", get(retrieve_or_list).post(create_or_update))
        .route("/companies/list", post(list_all))
        .route("/companies/scroll", get(scroll::scroll))
        .route(
            "/companies/{id}",
            get(retrieve).put(update).delete(delete_company),
        )
        .merge(attach::routes())
}

/// The writable fields of a company besides `company_id` (set once), `monthly_spend`
/// (truncated) and `custom_attributes` (checked against the data attributes).
const FIELDS: &[Field] = &[
    field("name", TEXT),
    field("plan", TEXT),
    field("size", Kind::Int),
    // "not validated. Accepts any string."
    field("website", Kind::Text(2048)),
    field("industry", TEXT),
    field("remote_created_at", Kind::Timestamp),
];

/// The largest `monthly_spend` Intercom stores: 2**31 - 1.
const MAX_MONTHLY_SPEND: i64 = 2_147_483_647;

/// Companies lists page by page number, 15 to a page unless asked otherwise.
const LIST_PAGE: PageSize = PageSize {
    default: 15,
    max: 60,
};

pub(crate) fn company_not_found() -> ApiError {
    ApiError::new(ErrorCode::CompanyNotFound)
}

/// `monthly_spend` as Intercom stores it: a number truncated to an integer, from 0 to 2**31-1.
fn monthly_spend(body: &Map<String, Value>) -> ApiResult<Option<Value>> {
    let invalid = || {
        ApiError::with_message(
            ErrorCode::ParameterInvalid,
            format!("monthly_spend must be a number between 0 and {MAX_MONTHLY_SPEND}"),
        )
        .field("monthly_spend")
    };
    let spend = match body.get("monthly_spend") {
        None => return Ok(None),
        Some(Value::Null) => 0,
        Some(value) => match (value.as_i64(), value.as_f64()) {
            (Some(whole), _) => whole,
            (None, Some(float)) if float.is_finite() => {
                let truncated = float.trunc();
                if !(0.0..=MAX_MONTHLY_SPEND as f64).contains(&truncated) {
                    return Err(invalid());
                }
                truncated as i64
            }
            _ => return Err(invalid()),
        },
    };
    if !(0..=MAX_MONTHLY_SPEND).contains(&spend) {
        return Err(invalid());
    }
    Ok(Some(json!(spend)))
}

/// The column values a create-or-update or update body writes, checked in full before
/// anything is stored.
async fn values_from_body(
    scope: &mut WriteScope,
    body: &Map<String, Value>,
    current: Option<&Record>,
    now: i64,
) -> ApiResult<Record> {
    let mut values = record_from_body(body, FIELDS)?;
    if let Some(spend) = monthly_spend(body)? {
        values.insert("monthly_spend".into(), spend);
    }
    if let Some(custom) = object_field(body, "custom_attributes")? {
        let merged = merge_checked(
            scope,
            DataModel::Company,
            current.and_then(|c| c.get("custom_attributes")),
            custom,
        )
        .await?;
        values.insert("custom_attributes".into(), merged);
    }
    values.insert("updated_at".into(), json!(now));
    Ok(values)
}

/// `POST /companies`: updates the company with the body's `company_id`, or creates it.
async fn create_or_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let company_id = required_str(&body, "company_id")?;
    if company_id.chars().count() > 255 {
        return Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "company_id must be at most 255 characters",
        )
        .field("company_id"));
    }
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let existing = scope
        .record_where(&COMPANIES, &[Filter::Eq("company_id", json!(company_id))])
        .await?;
    let mut values = values_from_body(&mut scope, &body, existing.as_ref(), now).await?;
    let stored = match existing {
        Some(company) => {
            scope
                .update_record(&COMPANIES, id_of(&company), &values)
                .await?;
            scope
                .record(&COMPANIES, id_of(&company))
                .await?
                .ok_or_else(company_not_found)?
        }
        None => {
            values.insert("company_id".into(), json!(company_id));
            values.insert("created_at".into(), json!(now));
            // Intercom shows the creation time when the client gives none.
            if values.get("remote_created_at").is_none_or(Value::is_null) {
                values.insert("remote_created_at".into(), json!(now));
            }
            values
                .entry("custom_attributes")
                .or_insert_with(|| json!({}));
            scope.insert_record(&COMPANIES, &values, now).await?
        }
    };
    let rendered = render_one(&mut scope, &stored, &ctx).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// The company with this Intercom id, or `company_not_found`.
pub(crate) async fn company_or_404<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&COMPANIES, id)
        .await?
        .ok_or_else(company_not_found)
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let company = company_or_404(&mut scope, &id).await?;
    Ok(axum::Json(render_one(&mut scope, &company, &ctx).await?))
}

/// `PUT /companies/{id}`: the same writable fields as create-or-update; `company_id` cannot
/// change and is ignored.
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let company = company_or_404(&mut scope, &id).await?;
    let values = values_from_body(&mut scope, &body, Some(&company), now).await?;
    scope.update_record(&COMPANIES, &id, &values).await?;
    let stored = company_or_404(&mut scope, &id).await?;
    let rendered = render_one(&mut scope, &stored, &ctx).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// `DELETE /companies/{id}`: detaches its contacts and tags and removes it.
async fn delete_company(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    // Found before anything is written, so a 404 leaves no write to roll back.
    company_or_404(&mut scope, &id).await?;
    scope.delete_record(&COMPANIES, &id).await?;
    scope.commit().await?;
    Ok(axum::Json(
        json!({ "id": id, "object": "company", "deleted": true }),
    ))
}

#[derive(Debug, Deserialize)]
struct RetrieveParams {
    name: Option<String>,
    company_id: Option<String>,
    tag_id: Option<String>,
    segment_id: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

/// `GET /companies`: one company by `company_id` or `name`; otherwise a page of companies,
/// optionally those with a tag or in a segment.
async fn retrieve_or_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<RetrieveParams>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let single = match (&params.company_id, &params.name) {
        (Some(company_id), _) => Some(Filter::Eq("company_id", json!(company_id))),
        (None, Some(name)) => Some(Filter::Eq("name", json!(name))),
        (None, None) => None,
    };
    if let Some(filter) = single {
        let company = scope
            .record_where(&COMPANIES, &[filter])
            .await?
            .ok_or_else(company_not_found)?;
        return Ok(axum::Json(render_one(&mut scope, &company, &ctx).await?));
    }
    let request = page_number_request(
        params.page.as_deref(),
        params.per_page.as_deref(),
        LIST_PAGE,
    )?;
    let mut filter = CompanyFilter {
        tag_id: None,
        with_contacts: true,
        matching: None,
    };
    if let Some(tag_id) = params.tag_id.filter(|t| !t.is_empty()) {
        if scope.record(&TAGS, &tag_id).await?.is_none() {
            return Err(ApiError::with_message(ErrorCode::NotFound, "Tag Not Found"));
        }
        filter.tag_id = Some(tag_id);
    }
    let definition = match params.segment_id.filter(|s| !s.is_empty()) {
        Some(segment_id) => Some(segment_definition(&mut scope, &segment_id, &ctx).await?),
        None => None,
    };
    if let Some(definition) = &definition {
        filter.matching = Some((&COMPANIES_SEARCH.schema, definition));
    }
    let page = scope
        .company_list_page(&filter, SortOrder::Descending, request)
        .await?;
    Ok(axum::Json(list_body(&mut scope, &page, &ctx).await?))
}

/// Which companies the segment holds, as a query over the companies: a segment of people
/// holds none (docs/decisions/0025).
async fn segment_definition<C: Conn>(
    scope: &mut Scope<C>,
    segment_id: &str,
    ctx: &Ctx,
) -> ApiResult<Lowered> {
    let segment = scope
        .record(&SEGMENTS, segment_id)
        .await?
        .ok_or_else(|| ApiError::with_message(ErrorCode::NotFound, "Segment Not Found"))?;
    if Held::of(&segment) != Held::Companies {
        return Ok(Lowered::nothing());
    }
    membership::definition(scope, &segment, Calendar::of(ctx), 0).await
}

#[derive(Debug, Deserialize)]
struct ListParams {
    page: Option<String>,
    per_page: Option<String>,
    order: Option<String>,
}

/// `POST /companies/list`: companies with at least one contact, by `last_request_at`.
async fn list_all(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<Value>> {
    let order = match params.order.as_deref() {
        None | Some("desc") => SortOrder::Descending,
        Some("asc") => SortOrder::Ascending,
        Some(_) => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "order must be asc or desc",
            )
            .field("order"))
        }
    };
    let request = page_number_request(
        params.page.as_deref(),
        params.per_page.as_deref(),
        LIST_PAGE,
    )?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let filter = CompanyFilter {
        tag_id: None,
        with_contacts: true,
        matching: None,
    };
    let page = scope.company_list_page(&filter, order, request).await?;
    Ok(axum::Json(list_body(&mut scope, &page, &ctx).await?))
}

/// The `company_list` body of a page.
async fn list_body<C: Conn>(
    scope: &mut Scope<C>,
    page: &Page<Record>,
    ctx: &Ctx,
) -> ApiResult<Value> {
    let data = render_companies(scope, &page.items, ctx).await?;
    Ok(json!({
        "type": "list",
        "data": data,
        "pages": cursor_pages(page),
        "total_count": page.total_count,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn monthly_spend_is_truncated_and_bounded() {
        let spend = |v: Value| monthly_spend(&body(json!({ "monthly_spend": v })));
        assert_eq!(spend(json!(155.98)).unwrap(), Some(json!(155)));
        assert_eq!(
            spend(json!(2_147_483_647)).unwrap(),
            Some(json!(2_147_483_647))
        );
        assert_eq!(
            spend(json!(2_147_483_647.9)).unwrap(),
            Some(json!(2_147_483_647))
        );
        for bad in [
            json!(2_147_483_648_i64),
            json!(-1),
            json!("10"),
            json!(1e300),
        ] {
            assert!(spend(bad.clone()).is_err(), "{bad}");
        }
        assert_eq!(monthly_spend(&body(json!({}))).unwrap(), None);
    }
}
