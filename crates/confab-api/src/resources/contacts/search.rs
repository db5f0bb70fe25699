//! `POST /contacts/search`: the contacts' searchable fields, where each lives, and the handler
//! that runs a query through the one search engine (`confab_domain::search` checks and
//! lowers it, `confab_store::search` compiles and pages it).

use axum::extract::State;
use confab_domain::models::{DataModel, DataType};
use confab_domain::paging::{Cursor, CursorRequest, Page};
use confab_domain::record::relation::CONTACT_TAG;
use confab_domain::search::{self, FieldTable, FieldType, SearchField};
use confab_domain::tables::CONTACTS;
use confab_store::search::{BaseFilter, Order, SearchSchema, Target};
use confab_store::{Conn, Scope};
use serde_json::{json, Value};

use super::render_contacts;
use crate::custom_attributes::custom_attributes_of;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::gate::Ctx;
use crate::paging::cursor_pages;
use crate::state::AppState;

/// (public field, type, column) of every searchable contact field but the custom attributes
/// and `tag_id`. `andoid_sdk_version` is spelled as the descriptions spell it.
const COLUMNS: &[(&str, FieldType, &str)] = &[
    ("id", FieldType::Id, "id"),
    ("role", FieldType::String, "role"),
    ("name", FieldType::String, "name"),
    ("avatar", FieldType::String, "avatar"),
    ("owner_id", FieldType::Integer, "owner_id"),
    ("email", FieldType::String, "email"),
    ("email_domain", FieldType::String, "email_domain"),
    ("phone", FieldType::String, "phone"),
    ("formatted_phone", FieldType::String, "formatted_phone"),
    ("external_id", FieldType::String, "external_id"),
    ("created_at", FieldType::Date, "created_at"),
    ("signed_up_at", FieldType::Date, "signed_up_at"),
    ("updated_at", FieldType::Date, "updated_at"),
    ("last_seen_at", FieldType::Date, "last_seen_at"),
    ("last_contacted_at", FieldType::Date, "last_contacted_at"),
    ("last_replied_at", FieldType::Date, "last_replied_at"),
    (
        "last_email_opened_at",
        FieldType::Date,
        "last_email_opened_at",
    ),
    (
        "last_email_clicked_at",
        FieldType::Date,
        "last_email_clicked_at",
    ),
    ("language_override", FieldType::String, "language_override"),
    ("browser", FieldType::String, "browser"),
    ("browser_language", FieldType::String, "browser_language"),
    ("os", FieldType::String, "os"),
    ("location.country", FieldType::String, "location_country"),
    ("location.region", FieldType::String, "location_region"),
    ("location.city", FieldType::String, "location_city"),
    (
        "unsubscribed_from_emails",
        FieldType::Boolean,
        "unsubscribed_from_emails",
    ),
    (
        "marked_email_as_spam",
        FieldType::Boolean,
        "marked_email_as_spam",
    ),
    ("has_hard_bounced", FieldType::Boolean, "has_hard_bounced"),
    ("ios_last_seen_at", FieldType::Date, "ios_last_seen_at"),
    ("ios_app_version", FieldType::String, "ios_app_version"),
    ("ios_device", FieldType::String, "ios_device"),
    ("ios_app_device", FieldType::String, "ios_device"),
    ("ios_os_version", FieldType::String, "ios_os_version"),
    ("ios_app_name", FieldType::String, "ios_app_name"),
    ("ios_sdk_version", FieldType::String, "ios_sdk_version"),
    (
        "android_last_seen_at",
        FieldType::Date,
        "android_last_seen_at",
    ),
    (
        "android_app_version",
        FieldType::String,
        "android_app_version",
    ),
    ("android_device", FieldType::String, "android_device"),
    ("android_app_name", FieldType::String, "android_app_name"),
    (
        "andoid_sdk_version",
        FieldType::String,
        "android_sdk_version",
    ),
];

const fn fields() -> [SearchField; COLUMNS.len() + 1] {
    let mut out = [SearchField::new("tag_id", FieldType::TagLike); COLUMNS.len() + 1];
    let mut i = 0;
    while i < COLUMNS.len() {
        out[i + 1] = SearchField::new(COLUMNS[i].0, COLUMNS[i].1);
        i += 1;
    }
    out
}

const fn targets() -> [(&'static str, Target); COLUMNS.len() + 2] {
    let mut out = [(
        "tag_id",
        Target::Link {
            relation: CONTACT_TAG,
        },
    ); COLUMNS.len() + 2];
    out[1] = (
        "custom_attributes",
        Target::CustomAttribute("custom_attributes"),
    );
    let mut i = 0;
    while i < COLUMNS.len() {
        out[i + 2] = (COLUMNS[i].0, Target::Column(COLUMNS[i].2));
        i += 1;
    }
    out
}

const FIELDS: [SearchField; COLUMNS.len() + 1] = fields();
const TARGETS: [(&str, Target); COLUMNS.len() + 2] = targets();

/// Where contact search looks.
pub const SCHEMA: SearchSchema = SearchSchema {
    table: CONTACTS.name,
    id_column: "id",
    seq_column: "seq",
    fields: &TARGETS,
    sortable: &[("created_at", "created_at"), ("updated_at", "updated_at")],
    default_order: Order {
        column: "created_at",
        descending: true,
    },
};

/// Search pages: 50 by default (spec-analysis §4.3), 150 at most.
const DEFAULT_PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 150;

fn field_type(data_type: DataType) -> FieldType {
    match data_type {
        DataType::String | DataType::Options => FieldType::String,
        DataType::Integer => FieldType::Integer,
        DataType::Float => FieldType::Float,
        DataType::Boolean => FieldType::Boolean,
        DataType::Date | DataType::Datetime => FieldType::Date,
    }
}

/// One page of the ids of the contacts (users and leads, not archived) that match `query`
/// and every `extra` condition — the one path for search, segment membership and counts.
pub async fn matching_ids<C: Conn>(
    scope: &mut Scope<C>,
    query: &search::Query,
    extra: Vec<BaseFilter>,
    page: &CursorRequest,
    order: Order,
    time_zone: &str,
) -> ApiResult<Page<String>> {
    let attributes: Vec<(String, FieldType)> = custom_attributes_of(scope, DataModel::Contact)
        .await?
        .into_iter()
        .filter(|a| !a.archived)
        .map(|a| (a.name, field_type(a.data_type)))
        .collect();
    let lowered = lower(query, &attributes, time_zone)?;
    let mut base = vec![
        BaseFilter::TextNe("role", "visitor".into()),
        BaseFilter::IntEq("archived", 0),
    ];
    base.extend(extra);
    Ok(scope
        .search_ids(&SCHEMA, &lowered, &BaseFilter::All(base), page, order)
        .await?)
}

/// Checks the query against the contact fields and the workspace's attributes, and lowers
/// it (dates to ranges in the workspace's time zone).
fn lower(
    query: &search::Query,
    attributes: &[(String, FieldType)],
    time_zone: &str,
) -> ApiResult<search::Lowered> {
    let lookup = |name: &str| attributes.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
    let table = FieldTable::new(&FIELDS).with_custom("custom_attributes", &lookup);
    let zone = search::time_zone(time_zone)?;
    Ok(search::lower(query, &table, &zone)?)
}

pub(super) async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Value>,
) -> ApiResult<axum::Json<Value>> {
    let request = search::parse_request(&body, ctx.version)?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let order = SCHEMA.order(request.sort.as_ref())?;
    let page_request = CursorRequest {
        per_page: request
            .per_page
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE),
        after: request
            .starting_after
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(Cursor::decode)
            .transpose()
            .map_err(ApiError::from)?,
    };
    let timezone = ctx.workspace().timezone.clone();
    let page = matching_ids(
        &mut scope,
        &request.query,
        Vec::new(),
        &page_request,
        order,
        &timezone,
    )
    .await?;
    let records = scope.records_by_ids(&CONTACTS, &page.items).await?;
    let data = render_contacts(&mut scope, &records, ctx.version).await?;
    Ok(axum::Json(json!({
        "type": "list",
        "data": data,
        "total_count": page.total_count,
        "pages": cursor_pages(&page),
    })))
}
