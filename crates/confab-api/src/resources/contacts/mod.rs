//! Contacts: create, retrieve, update, delete, list, find by external id, archive, unarchive,
//! block, merge. Sub-resources (tags, notes, companies, subscriptions, segments) live with the
//! resource they list.

mod merge;
mod render;
pub mod search;
mod write;

pub(crate) use merge::fold_into;
pub use render::{render_contact, render_contacts};
pub(crate) use write::check_unique;

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::record::relation::CONTACT_CUSTOM_OBJECT;
use confab_domain::record::{flag_of, id_of, Record};
use confab_domain::tables::{CONTACTS, DATA_EVENTS, DATA_EVENT_SUMMARIES, NOTES};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::{Filter, Order};
use confab_store::{Conn, Scope, WriteScope};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::gate::{since, Ctx};
use crate::paging::{list_body, list_request, ListBody, PageSize};
use crate::render::Rendered;
use crate::resources::custom_objects::Associations;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/contacts", get(list).post(create))
        .route("/contacts/merge", post(merge::merge))
        .route("/contacts/search", post(search::search))
        .route(
            "/contacts/find_by_external_id/{external_id}",
            since(ApiVersion::V2_13, get(find_by_external_id)),
        )
        .route("/contacts/{id}", get(retrieve).put(update).delete(delete))
        .route("/contacts/{id}/archive", post(archive))
        .route("/contacts/{id}/unarchive", post(unarchive))
        .route(
            "/contacts/{id}/block",
            since(ApiVersion::V2_13, post(block)),
        )
}

/// `GET /contacts` pages: Intercom serves 10 by default (the descriptions say 50;
/// docs/decisions/0016-contact-list-page-size.md) and at most 150.
const LIST_PAGE: PageSize = PageSize {
    default: 10,
    max: 150,
};

/// The error for a contact id that names no contact (visitors are not contacts).
pub fn contact_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "User Not Found")
}

/// The contact (user or lead) with this id, or `not_found` "User Not Found".
pub async fn find_contact<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    let record = scope
        .record_where(
            &CONTACTS,
            &[
                Filter::Eq("id", Value::from(id)),
                Filter::NotEq("role", Value::from("visitor")),
            ],
        )
        .await?;
    record.ok_or_else(contact_not_found)
}

/// The filters of the default contact list: users and leads that are not archived.
pub fn listed_contacts() -> Vec<Filter> {
    vec![
        Filter::NotEq("role", Value::from("visitor")),
        Filter::Eq("archived", Value::from(false)),
    ]
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    write::check_identifying(&body)?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let mut record = write::changes(&mut scope, &body, None, ctx.version, now).await?;
    record.entry("role").or_insert_with(|| Value::from("user"));
    record.insert("created_at".into(), Value::from(now));
    write::check_unique(&mut scope, &record, None).await?;
    let stored = scope.insert_record(&CONTACTS, &record, now).await?;
    // Rendered after the commit: the writer is the one thing every create waits for.
    scope.commit().await?;
    Ok(axum::Json(render::render_new_contact(
        &stored,
        ctx.workspace().id.as_str(),
        ctx.version,
    )?))
}

async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Rendered>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let record = find_contact(&mut scope, &id).await?;
    Ok(axum::Json(
        render_contact(&mut scope, &record, ctx.version).await?,
    ))
}

async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(mut body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let current = find_contact(&mut scope, &id).await?;
    // From 2.13 an update also associates custom object instances, named in
    // `custom_attributes` by their type.
    let associations = match body.get_mut("custom_attributes") {
        Some(Value::Object(attributes)) if ctx.version >= ApiVersion::V2_13 => {
            Some(Associations::take(&mut scope, attributes).await?)
        }
        _ => None,
    };
    let changes = write::changes(&mut scope, &body, Some(&current), ctx.version, now).await?;
    let mut next = current.clone();
    next.extend(changes.clone());
    write::check_unique(&mut scope, &next, Some(&id)).await?;
    scope.update_record(&CONTACTS, &id, &changes).await?;
    if let Some(associations) = associations {
        associations
            .apply(&mut scope, CONTACT_CUSTOM_OBJECT, &id, now)
            .await?;
    }
    let stored = find_contact(&mut scope, &id).await?;
    let rendered = render_contact(&mut scope, &stored, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let record = find_contact(&mut scope, &id).await?;
    remove_contact(&mut scope, &id).await?;
    scope.commit().await?;
    Ok(axum::Json(render::contact_reference(
        &record, "deleted", true,
    )))
}

/// Deletes a contact with everything that hangs off it: links, notes, events.
pub async fn remove_contact(scope: &mut Scope<confab_store::WriteTx>, id: &str) -> ApiResult<()> {
    for (table, column) in [
        (&NOTES, "subject_id"),
        (&DATA_EVENTS, "contact_id"),
        (&DATA_EVENT_SUMMARIES, "contact_id"),
    ] {
        let mut filters = vec![Filter::Eq(column, Value::from(id))];
        if table.name == NOTES.name {
            filters.push(Filter::Eq("subject_type", Value::from("contact")));
        }
        for record in scope.records(table, &filters).await? {
            scope.delete_record(table, id_of(&record)).await?;
        }
    }
    scope.delete_record(&CONTACTS, id).await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
struct ListParams {
    page: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(params): Query<ListParams>,
) -> ApiResult<ListBody<Vec<Rendered>>> {
    let request = list_request(
        params.page.as_deref(),
        params.per_page.as_deref(),
        params.starting_after.as_deref(),
        LIST_PAGE,
    )?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let page = scope
        .record_list_page(&CONTACTS, &listed_contacts(), Order::OldestFirst, &request)
        .await?;
    let data = render_contacts(&mut scope, &page.items, ctx.version).await?;
    Ok(list_body(data, &page))
}

async fn find_by_external_id(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(external_id): Path<String>,
) -> ApiResult<axum::Json<Rendered>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    // Only users are found this way, as the description says.
    let record = scope
        .record_where(
            &CONTACTS,
            &[
                Filter::Eq("external_id", Value::from(external_id)),
                Filter::Eq("role", Value::from("user")),
            ],
        )
        .await?
        .ok_or_else(contact_not_found)?;
    Ok(axum::Json(
        render_contact(&mut scope, &record, ctx.version).await?,
    ))
}

/// Sets one flag column of a contact in `scope`; answers the contact as it was found.
async fn set_flag(
    scope: &mut WriteScope,
    ctx: &Ctx,
    id: &str,
    column: &'static str,
    value: bool,
) -> ApiResult<Record> {
    let record = find_contact(scope, id).await?;
    if flag_of(&record, column) != value {
        let mut change = Record::new();
        change.insert(column.into(), Value::from(value));
        change.insert("updated_at".into(), Value::from(ctx.now()));
        scope.update_record(&CONTACTS, id, &change).await?;
    }
    Ok(record)
}

/// Archive and unarchive: the flag, and the small `{type, id, external_id, archived}`.
async fn set_archived(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    value: bool,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let record = set_flag(&mut scope, ctx, id, "archived", value).await?;
    scope.commit().await?;
    Ok(axum::Json(render::contact_reference(
        &record, "archived", value,
    )))
}

async fn archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    set_archived(&state, &ctx, &id, true).await
}

async fn unarchive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    set_archived(&state, &ctx, &id, false).await
}

async fn block(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let record = set_flag(&mut scope, &ctx, &id, "blocked", true).await?;
    // Blocking a contact archives (closes) its conversations, as the description says.
    crate::resources::conversations::close_conversations_of(&mut scope, &id, ctx.now()).await?;
    scope.commit().await?;
    Ok(axum::Json(render::contact_reference(
        &record, "blocked", true,
    )))
}
