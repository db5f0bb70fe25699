//! Notes: `POST`/`GET /contacts/{id}/notes`, `GET /notes/{id}`, and (Unstable)
//! `GET /companies/{id}/notes`. A note's `author` is the full admin; lists are newest first.

use std::collections::HashMap;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use confab_domain::models::Admin;
use confab_domain::record::{id_of, int_of, text_of, Record};
use confab_domain::tables::NOTES;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::{Filter, Order};
use confab_store::{Conn, Scope};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::embed::EMBEDDED_MAX;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::{since, Ctx};
use crate::input::required_str;
use crate::paging::{cursor_pages, list_request, PageSize};
use crate::resources::admins::render_admin;
use crate::resources::companies::company_or_404;
use crate::resources::contacts::find_contact;
use crate::resources::subjects::resource_not_found;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/contacts/{id}/notes", get(contact_notes).post(create))
        .route("/notes/{id}", get(retrieve))
        .route(
            "/companies/{id}/notes",
            since(ApiVersion::Unstable, get(company_notes)),
        )
}

/// Note lists page 50 to a page by default, as Intercom's answers show.
const NOTE_PAGE: PageSize = PageSize {
    default: 50,
    max: 150,
};

/// A note as every version renders it: `{type: "note", id, created_at, contact | company,
/// author, body}`, where `author` is the full admin (absent if the admin no longer exists).
pub fn render_note(note: &Record, author: Option<&Admin>, version: ApiVersion) -> Value {
    let subject_type = text_of(note, "subject_type").unwrap_or("contact");
    let subject = json!({ "type": subject_type, "id": text_of(note, "subject_id") });
    let mut map = Map::new();
    map.insert("type".into(), json!("note"));
    map.insert("id".into(), json!(id_of(note)));
    map.insert("created_at".into(), json!(int_of(note, "created_at")));
    map.insert(subject_type.to_owned(), subject);
    if let Some(admin) = author {
        map.insert("author".into(), render_admin(admin, version));
    }
    map.insert(
        "body".into(),
        json!(text_of(note, "body").unwrap_or_default()),
    );
    Value::Object(map)
}

/// Intercom stores note bodies as HTML: plain text is answered wrapped in a paragraph.
fn html_body(body: &str) -> String {
    if body.trim_start().starts_with('<') {
        body.to_owned()
    } else {
        format!("<p>{body}</p>")
    }
}

/// The notes rendered with their authors, loading the workspace's admins once.
async fn render_notes<C: Conn>(
    scope: &mut Scope<C>,
    notes: &[Record],
    version: ApiVersion,
) -> ApiResult<Vec<Value>> {
    let admins: HashMap<i64, Admin> = scope
        .admins()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(notes
        .iter()
        .map(|n| {
            let author = int_of(n, "admin_id").and_then(|id| admins.get(&id));
            render_note(n, author, version)
        })
        .collect())
}

/// The newest notes of each of these companies (at most [`EMBEDDED_MAX`] each, newest
/// first), rendered, by company id: Unstable's `company.notes` embed. Two queries for a page.
pub async fn newest_company_notes<C: Conn>(
    scope: &mut Scope<C>,
    company_ids: &[String],
    version: ApiVersion,
) -> ApiResult<HashMap<String, Vec<Value>>> {
    let mut by_company: HashMap<String, Vec<Value>> = HashMap::new();
    if company_ids.is_empty() {
        return Ok(by_company);
    }
    let limit = i64::try_from(EMBEDDED_MAX).unwrap_or(i64::MAX);
    let subject = [Filter::Eq("subject_type", Value::from("company"))];
    let notes = scope
        .newest_per_group(&NOTES, &subject, "subject_id", company_ids, limit)
        .await?;
    let rendered = render_notes(scope, &notes, version).await?;
    for (note, value) in notes.iter().zip(rendered) {
        let company = text_of(note, "subject_id").unwrap_or_default().to_owned();
        by_company.entry(company).or_default().push(value);
    }
    Ok(by_company)
}

#[derive(Debug, Deserialize)]
struct ListParams {
    page: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
}

/// One page of the notes on a subject, newest first, as a `note_list`.
async fn note_list<C: Conn>(
    scope: &mut Scope<C>,
    subject: (&str, &str),
    params: &ListParams,
    version: ApiVersion,
) -> ApiResult<Value> {
    let request = list_request(
        params.page.as_deref(),
        params.per_page.as_deref(),
        params.starting_after.as_deref(),
        NOTE_PAGE,
    )?;
    let filters = [
        Filter::Eq("subject_type", Value::from(subject.0)),
        Filter::Eq("subject_id", Value::from(subject.1)),
    ];
    let page = scope
        .record_list_page(&NOTES, &filters, Order::NewestFirst, &request)
        .await?;
    let data = render_notes(scope, &page.items, version).await?;
    Ok(json!({
        "type": "list",
        "data": data,
        "total_count": page.total_count,
        "pages": cursor_pages(&page),
    }))
}

async fn contact_notes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let subject = ("contact", id_of(&contact));
    Ok(axum::Json(
        note_list(&mut scope, subject, &params, ctx.version).await?,
    ))
}

async fn company_notes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let company = company_or_404(&mut scope, &id).await?;
    let subject = ("company", id_of(&company));
    Ok(axum::Json(
        note_list(&mut scope, subject, &params, ctx.version).await?,
    ))
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let note = scope
        .record(&NOTES, &id)
        .await?
        .ok_or_else(resource_not_found)?;
    let author = match int_of(&note, "admin_id") {
        Some(admin_id) => scope.admin(admin_id).await?,
        None => None,
    };
    Ok(axum::Json(render_note(&note, author.as_ref(), ctx.version)))
}

/// The admin a note is written as: `admin_id` (a digit string or a number) or the caller.
fn author_id(body: &Map<String, Value>, caller: i64) -> ApiResult<Option<i64>> {
    match body.get("admin_id") {
        None | Some(Value::Null) => Ok(Some(caller)),
        Some(Value::Number(n)) => Ok(n.as_i64()),
        Some(Value::String(s)) => Ok(confab_domain::ids::parse_numeric(s.trim())),
        Some(_) => Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "admin_id must be a string",
        )
        .field("admin_id")),
    }
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let text = required_str(&body, "body")?;
    let admin_id = author_id(&body, ctx.principal.admin_id)?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let author = match admin_id {
        Some(admin_id) => scope.admin(admin_id).await?,
        None => None,
    }
    .ok_or_else(resource_not_found)?;
    let values = json!({
        "subject_type": "contact",
        "subject_id": id_of(&contact),
        "admin_id": author.id,
        "body": html_body(text),
        "created_at": now,
    });
    let values = values.as_object().cloned().unwrap_or_default();
    let note = scope.insert_record(&NOTES, &values, now).await?;
    scope.commit().await?;
    Ok(axum::Json(render_note(&note, Some(&author), ctx.version)))
}
