//! Visitors: `GET /visitors?user_id=`, `PUT /visitors`, `POST /visitors/convert`, and the
//! control plane's `POST /_confab/visitors` that creates them. A visitor is a row of `contacts`
//! with role `visitor` and a UUID `user_id`; contact lists and lookups leave them out.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use confab_domain::models::DataModel;
use confab_domain::record::relation::CONTACT_TAG;
use confab_domain::record::{flag_of, id_of, int_of, text_of, Record, Side};
use confab_domain::tables::{CONTACTS, TAGS};
use confab_domain::ErrorCode;
use confab_store::records::Filter;
use confab_store::{Conn, Scope};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::custom_attributes::merge_checked;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};
use crate::gate::Ctx;
use crate::input::{field, is_email, object_field, record_from_body, required_str, Field, TEXT};
use crate::render::Rendered;
use crate::resources::contacts::{check_unique, fold_into, render_contact};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/visitors", get(retrieve).put(update))
        .route("/visitors/convert", post(convert))
}

fn visitor_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "Visitor Not Found")
}

/// The visitor whose `column` is `value`.
async fn find_visitor<C: Conn>(
    scope: &mut Scope<C>,
    column: &'static str,
    value: &str,
) -> ApiResult<Record> {
    scope
        .record_where(
            &CONTACTS,
            &[
                Filter::Eq(column, json!(value)),
                Filter::Eq("role", json!("visitor")),
            ],
        )
        .await?
        .ok_or_else(visitor_not_found)
}

/// The visitor a body names by `id`, `user_id` or (when `by_email`) `email`.
async fn named_visitor<C: Conn>(
    scope: &mut Scope<C>,
    body: &Map<String, Value>,
    by_email: bool,
) -> ApiResult<Record> {
    let keys: &[(&str, &'static str)] = if by_email {
        &[("id", "id"), ("user_id", "user_id"), ("email", "email")]
    } else {
        &[("id", "id"), ("user_id", "user_id")]
    };
    for (key, column) in keys {
        if body.get(*key).is_some_and(|v| !v.is_null()) {
            return find_visitor(scope, column, required_str(body, key)?).await;
        }
    }
    Err(ApiError::with_message(
        ErrorCode::ParameterNotFound,
        if by_email {
            "One of id, user_id or email is required"
        } else {
            "One of id or user_id is required"
        },
    )
    .field("id"))
}

/// A visitor as every version shows it (including the schema's misspelled `las_request_at`
/// beside the `last_request_at` Intercom sends).
pub async fn render_visitor<C: Conn>(scope: &mut Scope<C>, visitor: &Record) -> ApiResult<Value> {
    let id = id_of(visitor).to_owned();
    let links = scope
        .links_of(CONTACT_TAG, Side::Left, std::slice::from_ref(&id))
        .await?;
    let tag_ids: Vec<String> = links
        .get(&id)
        .map(|l| l.iter().map(|l| l.right_id.clone()).collect())
        .unwrap_or_default();
    let tags: Vec<Value> = scope
        .records_by_ids(&TAGS, &tag_ids)
        .await?
        .iter()
        .map(|t| json!({"type": "tag", "id": id_of(t), "name": text_of(t, "name")}))
        .collect();
    let mut location = Map::new();
    location.insert("type".into(), json!("location_data"));
    for (key, column) in [
        ("city_name", "location_city"),
        ("region_name", "location_region"),
        ("country_name", "location_country"),
        ("country_code", "location_country_code"),
        ("continent_code", "location_continent_code"),
    ] {
        if let Some(value) = text_of(visitor, column) {
            location.insert(key.into(), json!(value));
        }
    }
    let text = |column: &str| text_of(visitor, column).map_or(Value::Null, Value::from);
    let last_seen = int_of(visitor, "last_seen_at");
    let mut out = json!({
        "type": "visitor",
        "id": id,
        "user_id": text("user_id"),
        "anonymous": text_of(visitor, "email").is_none(),
        "email": text_of(visitor, "email").unwrap_or_default(),
        "phone": text("phone"),
        "name": text("name"),
        "pseudonym": text("pseudonym"),
        "avatar": {"type": "avatar", "image_url": text("avatar")},
        "app_id": scope.workspace().as_str(),
        // Always empty: nothing attaches a company to a visitor and segments hold users or
        // leads (docs/decisions/0026).
        "companies": {"type": "company.list", "companies": []},
        "location_data": location,
        "last_request_at": last_seen,
        "created_at": int_of(visitor, "created_at"),
        "remote_created_at": int_of(visitor, "created_at"),
        "signed_up_at": int_of(visitor, "signed_up_at").or(int_of(visitor, "created_at")),
        "updated_at": int_of(visitor, "updated_at"),
        "session_count": 0,
        "social_profiles": {"type": "social_profile.list", "social_profiles": []},
        "owner_id": int_of(visitor, "owner_id").map(|o| o.to_string()),
        "unsubscribed_from_emails": flag_of(visitor, "unsubscribed_from_emails"),
        "marked_email_as_spam": flag_of(visitor, "marked_email_as_spam"),
        "has_hard_bounced": flag_of(visitor, "has_hard_bounced"),
        "tags": {"type": "tag.list", "tags": tags},
        "segments": {"type": "segment.list", "segments": []},
        "custom_attributes": visitor.get("custom_attributes").filter(|v| v.is_object())
            .cloned().unwrap_or_else(|| json!({})),
        "referrer": null,
        "utm_campaign": null,
        "utm_content": null,
        "utm_medium": null,
        "utm_source": null,
        "utm_term": null,
        "do_not_track": null,
    });
    if let (Some(at), Some(obj)) = (last_seen, out.as_object_mut()) {
        obj.insert("las_request_at".into(), json!(at));
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
struct RetrieveQuery {
    user_id: Option<String>,
}

/// `GET /visitors?user_id=`.
async fn retrieve(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<RetrieveQuery>,
) -> ApiResult<axum::Json<Value>> {
    let user_id = query
        .user_id
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::with_message(ErrorCode::ParameterNotFound, "user_id is required")
                .field("user_id")
        })?;
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let visitor = find_visitor(&mut scope, "user_id", user_id).await?;
    Ok(axum::Json(render_visitor(&mut scope, &visitor).await?))
}

const WRITABLE: &[Field] = &[field("name", TEXT)];

/// `PUT /visitors`: the visitor named by `id` or `user_id` gets a new `name` and/or
/// `custom_attributes` (checked against the contact data attributes).
async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let mut changes = record_from_body(&body, WRITABLE)?;
    let attributes = object_field(&body, "custom_attributes")?;
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let visitor = named_visitor(&mut scope, &body, false).await?;
    if let Some(values) = attributes {
        let merged = merge_checked(
            &mut scope,
            DataModel::Contact,
            visitor.get("custom_attributes"),
            values,
        )
        .await?;
        changes.insert("custom_attributes".into(), merged);
    }
    changes.insert("updated_at".into(), json!(ctx.now()));
    scope
        .update_record(&CONTACTS, id_of(&visitor), &changes)
        .await?;
    let stored = find_visitor(&mut scope, "id", id_of(&visitor)).await?;
    let rendered = render_visitor(&mut scope, &stored).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// The user or lead `POST /visitors/convert` names in `user`, if it exists.
async fn existing_contact<C: Conn>(
    scope: &mut Scope<C>,
    user: &Map<String, Value>,
) -> ApiResult<Option<Record>> {
    let not_visitor = Filter::NotEq("role", json!("visitor"));
    for (key, column) in [("id", "id"), ("user_id", "external_id"), ("email", "email")] {
        if user.get(key).is_some_and(|v| !v.is_null()) {
            let value = required_str(user, key)?;
            return Ok(scope
                .record_where(&CONTACTS, &[Filter::Eq(column, json!(value)), not_visitor])
                .await?);
        }
    }
    Err(ApiError::with_message(
        ErrorCode::ParameterNotFound,
        "user needs one of id, user_id or email",
    )
    .field("user"))
}

/// `POST /visitors/convert`: merges the visitor into the user named in `user` when it exists,
/// otherwise turns the visitor into a contact of role `type` with `user.user_id` as its
/// `external_id`. Answers the contact.
async fn convert(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let role = required_str(&body, "type")?;
    if !matches!(role, "user" | "lead") {
        return Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "type must be lead or user",
        )
        .field("type"));
    }
    let required_object = |name: &str| {
        object_field(&body, name)?.ok_or_else(|| {
            ApiError::with_message(ErrorCode::ParameterNotFound, format!("{name} is required"))
                .field(name)
        })
    };
    let (user, visitor_ref) = (required_object("user")?, required_object("visitor")?);
    let email = match user.get("email") {
        None | Some(Value::Null) => None,
        Some(Value::String(e)) if is_email(e.trim()) => Some(e.trim().to_owned()),
        Some(_) => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "user.email is not a valid email address",
            )
            .field("user.email"))
        }
    };
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let visitor = named_visitor(&mut scope, visitor_ref, true).await?;
    let contact_id = match existing_contact(&mut scope, user).await? {
        Some(contact) => {
            fold_into(&mut scope, &visitor, &contact, now).await?;
            id_of(&contact).to_owned()
        }
        None => {
            let mut changes = Record::new();
            changes.insert("role".into(), json!(role));
            if let Some(external_id) = user.get("user_id").filter(|v| !v.is_null()) {
                changes.insert("external_id".into(), external_id.clone());
            }
            if let Some(email) = email {
                let domain = email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
                changes.insert("email".into(), json!(email));
                changes.insert("email_domain".into(), json!(domain));
            }
            changes.insert("updated_at".into(), json!(now));
            if role == "user" {
                changes.insert("signed_up_at".into(), json!(now));
            }
            let mut next = visitor.clone();
            next.extend(changes.clone());
            check_unique(&mut scope, &next, Some(id_of(&visitor))).await?;
            scope
                .update_record(&CONTACTS, id_of(&visitor), &changes)
                .await?;
            id_of(&visitor).to_owned()
        }
    };
    let stored = crate::resources::contacts::find_contact(&mut scope, &contact_id).await?;
    let rendered = render_contact(&mut scope, &stored, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// `POST /_confab/visitors`: creates a visitor, as the Messenger would for an anonymous
/// browser. Takes `user_id` (a new UUID when absent), `name`, `email`, `pseudonym` and
/// `custom_attributes`; answers the visitor.
pub async fn create_visitor(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let mut values = record_from_body(
        &body,
        &[
            field("user_id", TEXT),
            field("name", TEXT),
            field("pseudonym", TEXT),
            field("email", crate::input::Kind::Email),
        ],
    )?;
    if values.get("user_id").is_none_or(Value::is_null) {
        values.insert("user_id".into(), json!(uuid::Uuid::new_v4().to_string()));
    }
    let attributes = object_field(&body, "custom_attributes")?;
    let now = ctx.now();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    if let Some(values_in) = attributes {
        let merged = merge_checked(&mut scope, DataModel::Contact, None, values_in).await?;
        values.insert("custom_attributes".into(), merged);
    }
    values.insert("role".into(), json!("visitor"));
    values.insert("created_at".into(), json!(now));
    values.insert("updated_at".into(), json!(now));
    values.insert("last_seen_at".into(), json!(now));
    let stored = scope.insert_record(&CONTACTS, &values, now).await?;
    let rendered = render_visitor(&mut scope, &stored).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}
