//! The Intercom API's resources, one module each, merged into one router here.

pub mod admins;
pub mod away_status_reasons;
pub mod companies;
pub mod contacts;
pub mod conversations;
pub mod custom_objects;
pub mod data_attributes;
pub mod data_events;
mod event_input;
pub mod messages;
pub mod notes;
pub mod segments;
pub mod subjects;
pub mod subscription_types;
pub mod tags;
pub mod teams;
pub mod tickets;
pub mod visitors;

use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

/// Every routed operation of the Intercom API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(admins::routes())
        .merge(teams::routes())
        .merge(away_status_reasons::routes())
        .merge(data_attributes::routes())
        .merge(data_events::routes())
        .merge(custom_objects::routes())
        .merge(visitors::routes())
        .merge(companies::routes())
        .merge(contacts::routes())
        .merge(conversations::routes())
        .merge(messages::routes())
        .merge(tags::routes())
        .merge(notes::routes())
        .merge(subscription_types::routes())
        .merge(segments::routes())
        .merge(tickets::routes())
}

/// Parses a digit-string id from a path; anything else is the resource's not-found error, as
/// Intercom answers for ids it cannot know.
pub fn numeric_id(raw: &str, not_found: impl FnOnce() -> ApiError) -> Result<i64, ApiError> {
    confab_domain::ids::parse_numeric(raw).ok_or_else(not_found)
}
