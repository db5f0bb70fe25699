//! Data events: `POST /events` (202, duplicates ignored), `GET /events` (a contact's events or
//! their per-name summary) and `POST /events/summaries` (recorded counts).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use confab_domain::record::{id_of, int_of, text_of, Record};
use confab_domain::tables::{CONTACTS, DATA_EVENTS, DATA_EVENT_SUMMARIES};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::{Filter, Order};
use confab_store::{Conn, Scope};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::event_input::{event_summaries, metadata_of, OrderedMap};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::gate::Ctx;
use crate::input::{field, record_from_body, required_str, Kind};
use crate::paging::{cursor_request, PageSize};
use crate::render::{versioned, Change};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", post(create).get(list))
        .route("/events/summaries", post(summarise))
}

/// 2.11 documents `per_page` defaulting to 15.
const EVENT_PAGE: PageSize = PageSize {
    default: 15,
    max: 150,
};

/// Only events less than this old (by the workspace clock) are listed one by one; summaries
/// still count older ones ("you can only 'list' events that are less than 90 days old").
const LISTING_WINDOW: i64 = 90 * 86_400;

fn user_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "User Not Found")
}

/// How a request names the contact whose events these are.
enum ContactRef<'a> {
    /// Intercom's id: any user or lead.
    Id(&'a str),
    /// The user's `external_id`.
    UserId(&'a str),
    /// A user's email.
    Email(&'a str),
}

/// The user or lead named; visitors have no events here.
async fn find_contact<C: Conn>(scope: &mut Scope<C>, by: ContactRef<'_>) -> ApiResult<Record> {
    let not_visitor = Filter::NotEq("role", json!("visitor"));
    let filters = match by {
        ContactRef::Id(id) => vec![Filter::Eq("id", json!(id)), not_visitor],
        ContactRef::UserId(id) => vec![Filter::Eq("external_id", json!(id)), not_visitor],
        ContactRef::Email(email) => vec![
            Filter::Eq("email", json!(email)),
            Filter::Eq("role", json!("user")),
        ],
    };
    scope
        .record_where(&CONTACTS, &filters)
        .await?
        .ok_or_else(user_not_found)
}

fn nonempty<'a>(map: &'a Map<String, Value>, name: &str) -> ApiResult<Option<&'a str>> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s)),
        Some(_) => Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            format!("{name} must be a non-empty string"),
        )
        .field(name)),
    }
}

/// The contact a body or query names by `id` (or `intercom_user_id`), `user_id` or `email`.
fn contact_ref<'a>(map: &'a Map<String, Value>, id_key: &str) -> ApiResult<ContactRef<'a>> {
    if let Some(id) = nonempty(map, id_key)? {
        return Ok(ContactRef::Id(id));
    }
    if let Some(id) = nonempty(map, "user_id")? {
        return Ok(ContactRef::UserId(id));
    }
    if let Some(email) = nonempty(map, "email")? {
        return Ok(ContactRef::Email(email));
    }
    Err(ApiError::with_message(
        ErrorCode::ParameterNotFound,
        format!("One of {id_key}, user_id or email is required"),
    )
    .field(id_key))
}

#[derive(Debug, Deserialize)]
struct EventBody {
    #[serde(default)]
    metadata: Option<OrderedMap>,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

/// `POST /events`: 202 with no body, whether the event is new or a duplicate.
async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<EventBody>,
) -> ApiResult<Response> {
    let event_name = required_str(&body.rest, "event_name")?;
    let created_at = record_from_body(&body.rest, &[field("created_at", Kind::Timestamp)])?
        .get("created_at")
        .and_then(Value::as_i64)
        .ok_or_else(|| {
            ApiError::with_message(ErrorCode::ParameterNotFound, "created_at is required")
                .field("created_at")
        })?;
    let by = contact_ref(&body.rest, "id")?;
    let metadata = metadata_of(body.metadata.as_ref())?;
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, by).await?;
    scope
        .insert_event(
            id_of(&contact),
            event_name,
            created_at,
            &metadata,
            ctx.now(),
        )
        .await?;
    scope.commit().await?;
    Ok(StatusCode::ACCEPTED.into_response())
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    summary: Option<String>,
    per_page: Option<String>,
    starting_after: Option<String>,
    #[serde(flatten)]
    ids: Map<String, Value>,
}

const CHANGES: &[Change] = &[Change {
    // 2.11 requires the contact's ids as strings, and every item to read as a summary.
    versions: &[ApiVersion::V2_11],
    apply: |summary| {
        for key in ["email", "user_id", "intercom_user_id"] {
            summary.entry(key).or_insert_with(|| Value::from(""));
        }
        if let Some(Value::Array(events)) = summary.get_mut("events") {
            for event in events.iter_mut().filter_map(Value::as_object_mut) {
                if event.contains_key("name") {
                    continue;
                }
                let at = event.get("created_at").and_then(Value::as_i64).unwrap_or(0);
                let name = event.get("event_name").cloned().unwrap_or(Value::Null);
                event.insert("name".into(), name);
                event.insert("first".into(), json!(iso8601(at)));
                event.insert("last".into(), json!(iso8601(at)));
                event.insert("count".into(), json!(1));
            }
        }
    },
}];

/// `GET /events?type=user&(intercom_user_id|user_id|email)=…[&summary=true]`.
async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<ListQuery>,
) -> ApiResult<axum::Json<Value>> {
    match query.kind.as_deref() {
        Some("user") => {}
        None | Some("") => {
            return Err(
                ApiError::with_message(ErrorCode::ParameterNotFound, "type is required")
                    .field("type"),
            )
        }
        Some(_) => {
            return Err(
                ApiError::with_message(ErrorCode::ParameterInvalid, "type must be user")
                    .field("type"),
            )
        }
    }
    let summary = match query.summary.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "summary must be true or false",
            )
            .field("summary"))
        }
    };
    let by = contact_ref(&query.ids, "intercom_user_id")?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, by).await?;
    let contact_id = id_of(&contact).to_owned();
    let mut out = Map::new();
    out.insert("type".into(), json!("event.summary"));
    for (key, column) in [("email", "email"), ("user_id", "external_id")] {
        if let Some(value) = text_of(&contact, column) {
            out.insert(key.into(), json!(value));
        }
    }
    out.insert("intercom_user_id".into(), json!(contact_id));
    if summary {
        out.insert("events".into(), summaries(&mut scope, &contact_id).await?);
    } else {
        let request = cursor_request(
            query.per_page.as_deref(),
            query.starting_after.as_deref(),
            EVENT_PAGE,
        )?;
        let page = scope
            .record_page(
                &DATA_EVENTS,
                &[
                    Filter::Eq("contact_id", json!(contact_id)),
                    Filter::Greater("created_at", ctx.now() - LISTING_WINDOW),
                ],
                Order::NewestFirst,
                &request,
            )
            .await?;
        let events: Vec<Value> = page
            .items
            .iter()
            .map(|e| render_event(e, &contact))
            .collect();
        out.insert("events".into(), Value::Array(events));
        let mut pages = Map::new();
        if let Some(next) = &page.next {
            pages.insert(
                "next".into(),
                json!(format!(
                    "/events?type=user&intercom_user_id={contact_id}&per_page={}&starting_after={}",
                    page.per_page,
                    next.encode()
                )),
            );
        }
        out.insert("pages".into(), Value::Object(pages));
    }
    Ok(axum::Json(versioned(
        Value::Object(out),
        ctx.version,
        CHANGES,
    )))
}

fn render_event(event: &Record, contact: &Record) -> Value {
    let mut out = json!({
        "type": "event",
        "id": id_of(event),
        "event_name": text_of(event, "event_name"),
        "created_at": int_of(event, "created_at"),
        "intercom_user_id": id_of(contact),
        "metadata": event.get("metadata").filter(|m| !m.is_null()).cloned().unwrap_or(json!({})),
    });
    if let Some(obj) = out.as_object_mut() {
        for (key, column) in [("user_id", "external_id"), ("email", "email")] {
            if let Some(value) = text_of(contact, column) {
                obj.insert(key.into(), json!(value));
            }
        }
    }
    out
}

/// The per-name summary: individual events plus recorded summaries, most recent first.
async fn summaries<C: Conn>(scope: &mut Scope<C>, contact_id: &str) -> ApiResult<Value> {
    let mut rows: Vec<(String, i64, i64, i64)> = scope
        .event_counts(contact_id)
        .await?
        .into_iter()
        .map(|c| (c.event_name, c.count, c.first, c.last))
        .collect();
    let recorded = scope
        .records(
            &DATA_EVENT_SUMMARIES,
            &[Filter::Eq("contact_id", json!(contact_id))],
        )
        .await?;
    for r in &recorded {
        let name = text_of(r, "event_name").unwrap_or_default().to_owned();
        let count = int_of(r, "count").unwrap_or(0);
        let first = int_of(r, "first_at");
        let last = int_of(r, "last_at");
        match rows.iter_mut().find(|row| row.0 == name) {
            Some(row) => {
                row.1 += count;
                row.2 = first.map_or(row.2, |f| f.min(row.2));
                row.3 = last.map_or(row.3, |l| l.max(row.3));
            }
            None => {
                let first = first.or(last).unwrap_or(0);
                rows.push((name, count, first, last.unwrap_or(first)));
            }
        }
    }
    rows.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.0.cmp(&b.0)));
    Ok(Value::Array(
        rows.into_iter()
            .map(|(name, count, first, last)| {
                json!({ "name": name, "first": iso8601(first), "last": iso8601(last), "count": count })
            })
            .collect(),
    ))
}

/// `POST /events/summaries`: records, for the user, a count and first/last times per event
/// name; recording a name again replaces its earlier summary. 200 with no body.
async fn summarise(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<Response> {
    let user_id = required_str(&body, "user_id")?;
    let items = event_summaries(body.get("event_summaries"))?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, ContactRef::UserId(user_id)).await?;
    let contact_id = id_of(&contact).to_owned();
    for item in items {
        let filters = [
            Filter::Eq("contact_id", json!(contact_id)),
            Filter::Eq("event_name", json!(item.event_name)),
        ];
        let mut values = Record::new();
        values.insert("count".into(), json!(item.count));
        // A summary without times counts as happening now.
        let first = item.first.or(item.last).unwrap_or(now);
        values.insert("first_at".into(), json!(first));
        values.insert("last_at".into(), json!(item.last.unwrap_or(first.max(now))));
        values.insert("updated_at".into(), json!(now));
        match scope.record_where(&DATA_EVENT_SUMMARIES, &filters).await? {
            Some(existing) => {
                scope
                    .update_record(&DATA_EVENT_SUMMARIES, id_of(&existing), &values)
                    .await?;
            }
            None => {
                values.insert("contact_id".into(), json!(contact_id));
                values.insert("event_name".into(), json!(item.event_name));
                scope
                    .insert_record(&DATA_EVENT_SUMMARIES, &values, now)
                    .await?;
            }
        }
    }
    scope.commit().await?;
    Ok(StatusCode::OK.into_response())
}

/// UNIX seconds as Intercom writes summary times: `2014-01-16T23:12:21.000+00:00`.
pub fn iso8601(at: i64) -> String {
    let days = at.div_euclid(86_400);
    let secs = at.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000+00:00",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_render_as_utc_iso_8601() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000+00:00");
        assert_eq!(iso8601(1_389_913_941), "2014-01-16T23:12:21.000+00:00");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00.000+00:00");
    }
}
