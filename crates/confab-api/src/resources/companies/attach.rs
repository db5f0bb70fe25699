//! Contacts and their companies: attach (`POST /contacts/{id}/companies`), detach
//! (`DELETE /contacts/{id}/companies/{company_id}`), list a contact's companies
//! (`GET /contacts/{id}/companies`) and a company's contacts (`GET /companies/{id}/contacts`).
//! Contacts are found and rendered by the contacts module.

use axum::extract::State;
use axum::routing::{delete, get};
use axum::Router;
use confab_domain::paging::Page;
use confab_domain::record::relation::CONTACT_COMPANY;
use confab_domain::record::{id_of, Side};
use confab_domain::tables::{COMPANIES, CONTACTS};
use confab_domain::ErrorCode;
use confab_store::records::{Filter, Order};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{company_or_404, render_companies, render_one};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::Ctx;
use crate::paging::{cursor_request, list_body, page_number_request, ListBody, PageSize};
use crate::render::Rendered;
use crate::resources::contacts::{find_contact, render_contacts};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/contacts/{id}/companies",
            get(list_for_contact).post(attach),
        )
        .route("/contacts/{id}/companies/{company_id}", delete(detach))
        .route("/companies/{id}/contacts", get(list_contacts))
}

/// The most companies one contact can belong to.
const MAX_COMPANIES_PER_CONTACT: u64 = 1_000;

/// A contact's companies page by page number, 50 to a page.
const CONTACT_COMPANIES_PAGE: PageSize = PageSize {
    default: 50,
    max: 150,
};

/// A company's contacts page by cursor, 50 to a page.
const COMPANY_CONTACTS_PAGE: PageSize = PageSize {
    default: 50,
    max: 150,
};

/// `POST /contacts/{id}/companies` with `{"id": <company id>}`: returns the company.
async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let company_id = match body.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
        Some(Value::Number(id)) => id.to_string(),
        _ => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterNotFound,
                "company not specified",
            )
            .field("id"))
        }
    };
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    find_contact(&mut scope, &contact_id).await?;
    let company = company_or_404(&mut scope, &company_id).await?;
    let already = scope
        .link(CONTACT_COMPANY, &contact_id, &company_id)
        .await?
        .is_some();
    if !already {
        let count = scope
            .count_links(CONTACT_COMPANY, Side::Left, &contact_id)
            .await?;
        if count >= MAX_COMPANIES_PER_CONTACT {
            return Err(ApiError::new(ErrorCode::ContactCompanyLimitExceeded));
        }
        scope
            .put_link(CONTACT_COMPANY, &contact_id, &company_id, &Value::Null, now)
            .await?;
    }
    let rendered = render_one(&mut scope, &company, &ctx).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// `DELETE /contacts/{id}/companies/{company_id}`: returns the company, now without the
/// contact. Detaching a company the contact does not have changes nothing.
async fn detach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((contact_id, company_id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    find_contact(&mut scope, &contact_id).await?;
    let company = company_or_404(&mut scope, &company_id).await?;
    scope
        .remove_link(CONTACT_COMPANY, &contact_id, &company_id)
        .await?;
    let rendered = render_one(&mut scope, &company, &ctx).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

#[derive(Debug, Deserialize)]
struct PageParams {
    page: Option<String>,
    per_page: Option<String>,
}

/// `GET /contacts/{id}/companies`: `contact_attached_companies`, whose `pages` is a
/// `pages_link` (a `next` URL, absent on the last page).
async fn list_for_contact(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(contact_id): Path<String>,
    Query(params): Query<PageParams>,
) -> ApiResult<axum::Json<Value>> {
    let request = page_number_request(
        params.page.as_deref(),
        params.per_page.as_deref(),
        CONTACT_COMPANIES_PAGE,
    )?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &contact_id).await?;
    let filters = [Filter::LinkedFrom {
        relation: CONTACT_COMPANY,
        left_id: id_of(&contact).to_owned(),
    }];
    let page = scope
        .record_offset_page(&COMPANIES, &filters, Order::OldestFirst, request)
        .await?;
    let companies = render_companies(&mut scope, &page.items, &ctx).await?;
    Ok(axum::Json(json!({
        "type": "list",
        "companies": companies,
        "total_count": page.total_count,
        "pages": pages_link(&page, &format!("/contacts/{contact_id}/companies")),
    })))
}

/// The `pages_link` object: `next` is the URL of the next page, absent on the last.
fn pages_link<T>(page: &Page<T>, path: &str) -> Value {
    let mut pages = json!({
        "type": "pages",
        "page": page.page,
        "per_page": page.per_page,
        "total_pages": page.total_pages(),
    });
    if let (Some(next), Some(obj)) = (&page.next, pages.as_object_mut()) {
        obj.insert(
            "next".into(),
            json!(format!(
                "{path}?page={}&per_page={}",
                next.page, page.per_page
            )),
        );
    }
    pages
}

#[derive(Debug, Deserialize)]
struct CursorParams {
    per_page: Option<String>,
    starting_after: Option<String>,
}

/// `GET /companies/{id}/contacts`: `company_attached_contacts`, paged by cursor.
async fn list_contacts(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(company_id): Path<String>,
    Query(params): Query<CursorParams>,
) -> ApiResult<ListBody<Vec<Rendered>>> {
    let request = cursor_request(
        params.per_page.as_deref(),
        params.starting_after.as_deref(),
        COMPANY_CONTACTS_PAGE,
    )?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    company_or_404(&mut scope, &company_id).await?;
    let filters = [Filter::HasLink {
        relation: CONTACT_COMPANY,
        right_id: company_id,
    }];
    let page = scope
        .record_page(&CONTACTS, &filters, Order::OldestFirst, &request)
        .await?;
    let contacts = render_contacts(&mut scope, &page.items, ctx.version).await?;
    Ok(list_body(contacts, &page))
}
