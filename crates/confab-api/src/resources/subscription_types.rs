//! Subscription types and a contact's subscriptions: `GET /subscription_types`,
//! `GET`/`POST /contacts/{id}/subscriptions`, `DELETE /contacts/{id}/subscriptions/{subscription_id}`.
//!
//! A contact's subscription is a `contact_subscription` link whose `meta` holds its effect as
//! a `consent_type`: attaching an opt-in type opts the contact in (`opt_in`), attaching an
//! opt-out type opts them out (`opt_out`). Only types the contact has explicitly configured are listed.

use std::collections::HashMap;

use axum::extract::State;
use axum::routing::{delete, get};
use axum::Router;
use confab_domain::record::relation::CONTACT_SUBSCRIPTION;
use confab_domain::record::{id_of, text_of, Record, Side};
use confab_domain::tables::SUBSCRIPTION_TYPES;
use confab_domain::ErrorCode;
use confab_store::{Conn, Scope};
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::gate::Ctx;
use crate::input::required_str;
use crate::resources::contacts::find_contact;
use crate::resources::subjects::{id_in_body, resource_not_found};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/subscription_types", get(list))
        .route(
            "/contacts/{id}/subscriptions",
            get(contact_subscriptions).post(attach),
        )
        .route(
            "/contacts/{id}/subscriptions/{subscription_id}",
            delete(detach),
        )
}

/// A subscription type: `{type: "subscription", id, state, consent_type, default_translation,
/// translations, content_types}`. `translations` lists the default one first, then the
/// stored others.
pub fn render_subscription_type(record: &Record) -> Value {
    let default = json!({
        "name": text_of(record, "name").unwrap_or_default(),
        "description": text_of(record, "description").unwrap_or_default(),
        "locale": text_of(record, "locale").unwrap_or("en"),
    });
    let mut translations = vec![default.clone()];
    if let Some(Value::Array(others)) = record.get("translations") {
        translations.extend(others.iter().cloned());
    }
    json!({
        "type": "subscription",
        "id": id_of(record),
        "state": text_of(record, "state").unwrap_or("live"),
        "consent_type": text_of(record, "consent_type").unwrap_or("opt_in"),
        "default_translation": default,
        "translations": translations,
        "content_types": record.get("content_types").cloned().unwrap_or_else(|| json!([])),
    })
}

fn render_list(types: &[Record]) -> Value {
    let data: Vec<Value> = types.iter().map(render_subscription_type).collect();
    json!({ "type": "list", "data": data })
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> ApiResult<axum::Json<Value>> {
    let types = state
        .store
        .read(&ctx.workspace().id)
        .await?
        .records(&SUBSCRIPTION_TYPES, &[])
        .await?;
    Ok(axum::Json(render_list(&types)))
}

async fn type_or_404<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&SUBSCRIPTION_TYPES, id)
        .await?
        .ok_or_else(resource_not_found)
}

/// The subscription types the contact has configured, in the order they were configured.
async fn contact_subscriptions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let contact_id = id_of(&contact).to_owned();
    let ids: Vec<String> = scope
        .links_of(
            CONTACT_SUBSCRIPTION,
            Side::Left,
            std::slice::from_ref(&contact_id),
        )
        .await?
        .remove(&contact_id)
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.right_id)
        .collect();
    let mut by_id: HashMap<String, Record> = scope
        .records_by_ids(&SUBSCRIPTION_TYPES, &ids)
        .await?
        .into_iter()
        .map(|r| (id_of(&r).to_owned(), r))
        .collect();
    let types: Vec<Record> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    Ok(axum::Json(render_list(&types)))
}

/// Checks the body's `consent_type`: required, `opt_in` or `opt_out`.
fn consent_type(body: &Map<String, Value>) -> ApiResult<()> {
    match required_str(body, "consent_type")? {
        "opt_in" | "opt_out" => Ok(()),
        _ => Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "consent_type must be opt_in or opt_out",
        )
        .field("consent_type")),
    }
}

async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Value>> {
    let type_id = id_in_body(&body, "id")?;
    consent_type(&body)?;
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let subscription = type_or_404(&mut scope, &type_id).await?;
    // The effect follows the type, whatever the body says: an opt-in type opts the contact
    // in, an opt-out type opts them out (docs/decisions/0013).
    let meta = json!({ "consent_type": text_of(&subscription, "consent_type") });
    scope
        .put_link(
            CONTACT_SUBSCRIPTION,
            id_of(&contact),
            id_of(&subscription),
            &meta,
            ctx.now(),
        )
        .await?;
    scope.commit().await?;
    Ok(axum::Json(render_subscription_type(&subscription)))
}

/// Removes the contact's preference for a subscription type and answers the type.
async fn detach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, subscription_id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Value>> {
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let contact = find_contact(&mut scope, &id).await?;
    let subscription = type_or_404(&mut scope, &subscription_id).await?;
    scope
        .remove_link(CONTACT_SUBSCRIPTION, id_of(&contact), id_of(&subscription))
        .await?;
    scope.commit().await?;
    Ok(axum::Json(render_subscription_type(&subscription)))
}
