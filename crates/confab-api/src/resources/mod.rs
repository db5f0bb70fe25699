//! The Intercom API's resources, one module each, merged into one router here.

pub mod admins;
pub mod away_status_reasons;
pub mod companies;
pub mod contacts;
pub mod notes;
pub mod segments;
pub mod subjects;
pub mod subscription_types;
pub mod tags;
pub mod teams;

use axum::Router;

use crate::error::ApiError;
use crate::state::AppState;

/// Every routed operation of the Intercom API.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(admins::routes())
        .merge(teams::routes())
        .merge(away_status_reasons::routes())
        .merge(companies::routes())
        .merge(contacts::routes())
        .merge(tags::routes())
        .merge(notes::routes())
        .merge(subscription_types::routes())
        .merge(segments::routes())
}

/// Parses a digit-string id from a path; anything else is the resource's not-found error, as
/// Intercom answers for ids it cannot know.
pub fn numeric_id(raw: &str, not_found: impl FnOnce() -> ApiError) -> Result<i64, ApiError> {
    confab_domain::ids::parse_numeric(raw).ok_or_else(not_found)
}
