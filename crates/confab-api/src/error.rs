//! The `error.list` envelope, built in one place.
//!
//! Handlers and extractors fail with [`ApiError`]; its response carries the errors as an
//! extension and no body yet. [`finalize`], wrapped around everything, writes the body with the
//! request id, and also turns any other bodiless or non-JSON error response (a framework
//! rejection we did not map) into an `error.list`, so a client never sees plain text.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use confab_domain::{DomainError, ErrorCode};
use confab_store::StoreError;
use serde_json::json;

use crate::gate::RequestId;

/// A failed request, as the client will see it.
#[derive(Debug, Clone)]
pub struct ApiError(pub DomainError);

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self(DomainError::new(code))
    }

    pub fn with_message(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(DomainError::with_message(code, message))
    }

    /// `parameter_invalid` naming the field at fault.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::with_message(ErrorCode::ParameterInvalid, message).field(field)
    }

    #[must_use]
    pub fn field(self, field: impl Into<String>) -> Self {
        Self(self.0.field(field))
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        Self(err)
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Client(e) => Self(e),
            StoreError::Busy => {
                tracing::warn!("no database connection was free in time");
                Self::new(ErrorCode::ServiceUnavailable)
            }
            // The query asks more of the database than one request may: the client must
            // narrow it. A 400, not a 5xx, so that the SDKs do not send it again
            // (decision 0047).
            StoreError::TimeLimit => Self::with_message(
                ErrorCode::BadRequest,
                "The query took longer than this server's time limit for a read and was \
                 stopped; narrow it (fewer filters, or fields with an exact value) and try again",
            ),
            other => {
                tracing::error!(error = %other, "store failure");
                Self::new(ErrorCode::ServerError)
            }
        }
    }
}

/// Marks a response as an error whose body [`finalize`] still has to write.
#[derive(Debug, Clone)]
struct PendingErrors(Vec<DomainError>);

/// Marks the response of a request no route matched, for the conformance harness.
#[derive(Debug, Clone, Copy)]
pub struct Unrouted;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = status.into_response();
        response
            .extensions_mut()
            .insert(PendingErrors(vec![self.0]));
        response
    }
}

/// The JSON body for `errors`, with the request id.
pub fn error_body(request_id: &str, errors: &[DomainError]) -> serde_json::Value {
    let errors: Vec<_> = errors
        .iter()
        .map(|e| {
            let mut item = json!({ "code": e.code.as_str(), "message": e.message });
            if let (Some(field), Some(obj)) = (&e.field, item.as_object_mut()) {
                obj.insert("field".into(), json!(field));
            }
            item
        })
        .collect();
    json!({ "type": "error.list", "request_id": request_id, "errors": errors })
}

/// The code Intercom would use for a bare status, for responses no handler shaped.
fn code_for_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        405 => ErrorCode::MethodNotAllowed,
        413 => ErrorCode::RequestTooLarge,
        415 => ErrorCode::UnsupportedMediaType,
        429 => ErrorCode::RateLimitExceeded,
        400..=499 => ErrorCode::BadRequest,
        503 => ErrorCode::ServiceUnavailable,
        _ => ErrorCode::ServerError,
    }
}

/// Writes every error response's `error.list` body.
pub async fn finalize(request: Request, next: Next) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let mut response = next.run(request).await;
    let status = response.status();
    let pending = response.extensions_mut().remove::<PendingErrors>();
    let errors = match pending {
        Some(PendingErrors(errors)) => errors,
        None if status.is_client_error() || status.is_server_error() => {
            let is_json = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
            if is_json {
                return response;
            }
            vec![DomainError::new(code_for_status(status))]
        }
        None => return response,
    };
    let body = error_body(&request_id, &errors).to_string();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// The answer to a request no route matches.
pub async fn unrouted() -> Response {
    let mut response = ApiError::new(ErrorCode::NotFound).into_response();
    response.extensions_mut().insert(Unrouted);
    response
}

/// The answer to a known path with a method it does not have: that operation is not routed
/// either (`POST /tickets/search` before it is served, beside `GET /tickets/{id}`).
pub async fn method_not_allowed() -> Response {
    let mut response = ApiError::new(ErrorCode::MethodNotAllowed).into_response();
    response.extensions_mut().insert(Unrouted);
    response
}

/// The answer when a handler panicked: logged, and a 500 `error.list`, never a dropped
/// connection.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(panic = detail, "handler panicked");
    ApiError::new(ErrorCode::ServerError).into_response()
}
