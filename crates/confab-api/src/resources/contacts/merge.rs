//! `POST /contacts/merge`: a lead folds into a user. The user gains the lead's tags,
//! companies, subscriptions, custom-object links, notes and events, and the custom attributes
//! and details it did not have; the lead is then gone (404, out of lists and search).

use axum::extract::State;
use confab_domain::record::relation::{
    CONTACT_COMPANY, CONTACT_CUSTOM_OBJECT, CONTACT_SUBSCRIPTION, CONTACT_TAG, CONVERSATION_CONTACT,
};
use confab_domain::record::{id_of, text_of, Record, Side};
use confab_domain::tables::CONTACTS;
use confab_domain::ErrorCode;
use confab_store::{Scope, WriteTx};
use serde_json::{Map, Value};

use super::{find_contact, remove_contact, render_contact};
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::gate::Ctx;
use crate::input::required_str;
use crate::render::Rendered;
use crate::state::AppState;

/// Details a user takes over from the lead when it has none of its own.
const FILLED_FROM_LEAD: &[&str] = &[
    "name",
    "phone",
    "email",
    "email_domain",
    "avatar",
    "owner_id",
    "last_seen_at",
    "location_country",
    "location_region",
    "location_city",
    "location_country_code",
    "location_continent_code",
];

fn wrong_role(field: &str, role: &str) -> ApiError {
    ApiError::with_message(
        ErrorCode::ParameterInvalid,
        format!("{field} must be a {role}"),
    )
    .field(field)
}

pub(super) async fn merge(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Map<String, Value>>,
) -> ApiResult<axum::Json<Rendered>> {
    let from_id = required_str(&body, "from")?.to_owned();
    let into_id = required_str(&body, "into")?.to_owned();
    let mut scope = state.store.write(&ctx.workspace().id).await?;
    let lead = find_contact(&mut scope, &from_id).await?;
    let user = find_contact(&mut scope, &into_id).await?;
    if text_of(&lead, "role") != Some("lead") {
        return Err(wrong_role("from", "lead"));
    }
    if text_of(&user, "role") != Some("user") {
        return Err(wrong_role("into", "user"));
    }
    fold_into(&mut scope, &lead, &user, ctx.now()).await?;
    let merged = find_contact(&mut scope, &into_id).await?;
    let rendered = render_contact(&mut scope, &merged, ctx.version).await?;
    scope.commit().await?;
    Ok(axum::Json(rendered))
}

/// Folds contact `from` into contact `into`: `into` gains `from`'s tags, companies,
/// subscriptions, custom-object links, notes, events and event summaries, and the custom
/// attributes and details it lacks; `from` is then deleted. Also used by visitor conversion.
pub(crate) async fn fold_into(
    scope: &mut Scope<WriteTx>,
    from: &Record,
    into: &Record,
    now: i64,
) -> ApiResult<()> {
    let (from_id, into_id) = (id_of(from), id_of(into));
    for relation in [
        CONTACT_TAG,
        CONTACT_COMPANY,
        CONTACT_SUBSCRIPTION,
        CONTACT_CUSTOM_OBJECT,
    ] {
        scope
            .move_links(relation, Side::Left, from_id, into_id)
            .await?;
    }
    // The lead's conversations become the user's.
    scope
        .move_links(CONVERSATION_CONTACT, Side::Right, from_id, into_id)
        .await?;
    scope.move_contact_activity(from_id, into_id).await?;
    scope.move_event_summaries(from_id, into_id).await?;
    let mut changes = Record::new();
    for column in FILLED_FROM_LEAD {
        let lead_value = from.get(*column).filter(|v| !v.is_null());
        if let (Some(value), true) = (lead_value, into.get(*column).is_none_or(Value::is_null)) {
            changes.insert((*column).into(), value.clone());
        }
    }
    let mut attributes = from
        .get("custom_attributes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if let Some(own) = into.get("custom_attributes").and_then(Value::as_object) {
        attributes.extend(own.clone());
    }
    changes.insert("custom_attributes".into(), Value::Object(attributes));
    changes.insert("updated_at".into(), Value::from(now));
    // The lead goes first so the user can take over its email without a clash.
    remove_contact(scope, from_id).await?;
    scope.update_record(&CONTACTS, into_id, &changes).await?;
    Ok(())
}
