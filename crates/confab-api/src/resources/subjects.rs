//! What the sub-resources of contacts and companies (tags, notes, subscriptions) share: the
//! `not_found` answer and reading the id a body names. Contacts are found with
//! [`crate::resources::contacts::find_contact`], companies with
//! [`crate::resources::companies::company_or_404`].

use confab_domain::ErrorCode;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// `not_found` "Resource Not Found": an unknown tag, note, admin or subscription type.
pub fn resource_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

/// The id a body names under `field`: a string, or a number as some clients send. Missing is
/// `parameter_not_found`, anything else `parameter_invalid`.
pub fn id_in_body(body: &Map<String, Value>, field: &str) -> ApiResult<String> {
    match body.get(field) {
        None | Some(Value::Null) => Err(ApiError::with_message(
            ErrorCode::ParameterNotFound,
            format!("{field} is required"),
        )
        .field(field)),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(Value::Number(n)) if n.is_u64() => Ok(n.to_string()),
        Some(_) => Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            format!("{field} must be a string"),
        )
        .field(field)),
    }
}
