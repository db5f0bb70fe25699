//! The contact or company a sub-resource (its tags, notes, subscriptions) hangs off, or the
//! 404 Intercom answers for it, and the other `not_found` answers those sub-resources share.

use confab_domain::record::Record;
use confab_domain::tables::{COMPANIES, CONTACTS};
use confab_domain::ErrorCode;
use confab_store::{Conn, Scope};

use crate::error::{ApiError, ApiResult};

/// `not_found` "User Not Found": an unknown contact.
pub fn user_not_found() -> ApiError {
    ApiError::with_message(ErrorCode::NotFound, "User Not Found")
}

/// `not_found` "Resource Not Found": an unknown tag, note, admin or subscription type.
pub fn resource_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

/// The contact with this id, or `not_found` "User Not Found".
pub async fn contact_or_404<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&CONTACTS, id)
        .await?
        .ok_or_else(user_not_found)
}

/// The company with this (Intercom) id, or `company_not_found`.
pub async fn company_or_404<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&COMPANIES, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::CompanyNotFound))
}
