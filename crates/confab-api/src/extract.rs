//! Request extractors whose rejections are Intercom `error.list`s: [`Json`] for bodies,
//! [`Query`] for query strings, [`Path`] for path parameters.
//!
//! Each also refuses the NUL character, which PostgreSQL cannot store or compare in text, so
//! that no value carrying one reaches either store (decision 0039).

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use bytes::Bytes;
use confab_domain::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON request body. An empty body reads as `{}`, so missing required fields are reported
/// by name; a body that is not JSON, a wrong JSON type or an explicit non-JSON content type
/// are each a 4xx with the offending field named where there is one.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

fn is_json_content_type(value: &str) -> bool {
    let mime = value.split(';').next().unwrap_or("").trim();
    mime.eq_ignore_ascii_case("application/json")
        || (mime.starts_with("application/") && mime.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes =
            Bytes::from_request(request, state)
                .await
                .map_err(|rejection: BytesRejection| {
                    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::new(ErrorCode::RequestTooLarge)
                    } else {
                        ApiError::with_message(
                            ErrorCode::BadRequest,
                            "The request body could not be read",
                        )
                    }
                })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return parse(b"{}").map(Json);
        }
        if let Some(ct) = content_type.filter(|ct| !is_json_content_type(ct)) {
            return Err(ApiError::with_message(
                ErrorCode::UnsupportedMediaType,
                format!("Content-Type {ct} is not supported; send application/json"),
            ));
        }
        parse(&bytes).map(Json)
    }
}

/// Whether JSON text holds the escape `\u0000` (a raw NUL byte is already a syntax error):
/// a `\u0000` preceded by an even run of backslashes, so `"\\u0000"` (a backslash, then the
/// text `u0000`) is not one.
fn escapes_nul(json: &[u8]) -> bool {
    json.windows(6).enumerate().any(|(at, window)| {
        window == b"\\u0000"
            && json[..at].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 0
    })
}

/// Whether a raw path or query string decodes to a NUL character somewhere.
fn encodes_nul(raw: &str) -> bool {
    raw.contains("%00")
}

fn nul_refused() -> ApiError {
    ApiError::with_message(
        ErrorCode::ParameterInvalid,
        "Values cannot contain the NUL character (\\u0000)",
    )
}

/// Parses `bytes` as a `T`, naming the field at fault in any error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if escapes_nul(bytes) {
        return Err(nul_refused());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    if value.is_ok() && deserializer.end().is_err() {
        return Err(ApiError::with_message(
            ErrorCode::BadRequest,
            "The request body is not valid JSON",
        ));
    }
    value.map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::with_message(
                ErrorCode::BadRequest,
                "The request body is not valid JSON",
            );
        }
        let message = inner.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'))
        {
            let field = if path == "." || path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            return ApiError::with_message(
                ErrorCode::ParameterNotFound,
                format!("{field} is required"),
            )
            .field(field);
        }
        let field = if path == "." { String::new() } else { path };
        let err = ApiError::with_message(
            ErrorCode::ParameterInvalid,
            if field.is_empty() {
                message
            } else {
                format!("{field}: {message}")
            },
        );
        if field.is_empty() {
            err
        } else {
            err.field(field)
        }
    })
}

/// A query string.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(encodes_nul) {
            return Err(nul_refused());
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Query(v))
            .map_err(|rejection: QueryRejection| {
                ApiError::with_message(ErrorCode::ParameterInvalid, rejection.body_text())
            })
    }
}

/// Path parameters.
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // No stored id or name holds a NUL, so such a path names nothing.
        if encodes_nul(parts.uri.path()) {
            return Err(ApiError::new(ErrorCode::NotFound));
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Path(v))
            .map_err(|rejection: PathRejection| {
                ApiError::with_message(ErrorCode::NotFound, rejection.body_text())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Away {
        #[expect(dead_code, reason = "only parsed")]
        away_mode_enabled: bool,
    }

    fn code_and_field(bytes: &[u8]) -> (ErrorCode, Option<String>) {
        let err = parse::<Away>(bytes).expect_err("must fail");
        (err.0.code, err.0.field)
    }

    #[test]
    fn a_missing_field_is_named() {
        assert_eq!(
            code_and_field(b"{}"),
            (
                ErrorCode::ParameterNotFound,
                Some("away_mode_enabled".into())
            )
        );
    }

    #[test]
    fn a_wrong_type_is_parameter_invalid_with_the_field() {
        assert_eq!(
            code_and_field(br#"{"away_mode_enabled": "yes"}"#),
            (
                ErrorCode::ParameterInvalid,
                Some("away_mode_enabled".into())
            )
        );
    }

    #[test]
    fn malformed_json_and_trailing_garbage_are_bad_requests() {
        assert_eq!(code_and_field(b"{").0, ErrorCode::BadRequest);
        assert_eq!(
            code_and_field(br#"{"away_mode_enabled": true} x"#).0,
            ErrorCode::BadRequest
        );
        assert_eq!(code_and_field(b"[1]").0, ErrorCode::ParameterInvalid);
    }

    #[test]
    fn only_a_real_nul_escape_is_refused() {
        assert!(escapes_nul(br#"{"a": "x\u0000"}"#));
        assert!(escapes_nul(br#"{"a\u0000": 1}"#));
        assert!(escapes_nul(br#"{"a": "\\\u0000"}"#));
        assert!(!escapes_nul(br#"{"a": "\\u0000"}"#));
        assert!(!escapes_nul(br#"{"a": "u0000 \u0001"}"#));
        assert_eq!(
            code_and_field(br#"{"away_mode_enabled": true, "x": "\u0000"}"#).0,
            ErrorCode::ParameterInvalid
        );
    }
}
