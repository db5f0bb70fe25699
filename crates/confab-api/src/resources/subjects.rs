//! The company a sub-resource (its tags, notes) hangs off, or the 404 Intercom answers for
//! it, and the `not_found` answer tags, notes and subscription types share. Contacts are
//! found with [`crate::resources::contacts::find_contact`].

use confab_domain::record::Record;
use confab_domain::tables::COMPANIES;
use confab_domain::ErrorCode;
use confab_store::{Conn, Scope};

use crate::error::{ApiError, ApiResult};

/// `not_found` "Resource Not Found": an unknown tag, note, admin or subscription type.
pub fn resource_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

/// The company with this (Intercom) id, or `company_not_found`.
pub async fn company_or_404<C: Conn>(scope: &mut Scope<C>, id: &str) -> ApiResult<Record> {
    scope
        .record(&COMPANIES, id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::CompanyNotFound))
}
