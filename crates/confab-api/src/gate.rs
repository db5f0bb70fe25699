//! What every request passes before a handler: a request id, then (for the API) the token,
//! the rate limits and the version. Handlers receive the outcome as [`Ctx`], so a handler that
//! forgets authentication cannot be written: without [`authenticate`] there is no `Ctx`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use confab_domain::clock::Timestamp;
use confab_domain::models::Workspace;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::tenancy::Principal;
use parking_lot::Mutex;
use tracing::Instrument;

use crate::error::ApiError;
use crate::rate_limit::Decision;
use crate::state::AppState;
use crate::REQUEST_ID_HEADER;

/// The id of the current request, echoed in `X-Request-Id` and in every `error.list`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Gives every request an id and every response the `X-Request-Id` header.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path(),
    );
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    tracing::debug!(
        parent: &span,
        status = response.status().as_u16(),
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "served"
    );
    response
}

/// The authenticated caller of an API request, and how to answer it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub principal: Arc<Principal>,
    pub version: ApiVersion,
    /// The client's address, when the server knows it (activity logs record it).
    pub ip: Option<String>,
}

impl Ctx {
    pub fn workspace(&self) -> &Workspace {
        &self.principal.workspace
    }

    /// "Now" in the caller's workspace: the one clock.
    pub fn now(&self) -> Timestamp {
        self.principal.workspace.clock.now()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))
    }
}

/// The bearer token of a request: `Authorization: Bearer T`, or `Basic base64(T:)` as older
/// clients send it.
fn token_of(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return (!rest.is_empty()).then(|| rest.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = String::from_utf8(STANDARD.decode(rest).ok()?).ok()?;
        let (user, _password) = decoded.split_once(':').unwrap_or((&decoded, ""));
        return (!user.is_empty()).then(|| user.to_owned());
    }
    None
}

/// Caches token lookups for a short time, so the hot path does not query the store for the
/// principal on every request.
pub struct AuthCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Arc<Principal>, Instant)>>,
}

impl AuthCache {
    const MAX_ENTRIES: usize = 10_000;

    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, token: &str) -> Option<Arc<Principal>> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock();
        let (principal, at) = entries.get(token)?;
        (at.elapsed() < self.ttl).then(|| principal.clone())
    }

    fn put(&self, token: String, principal: Arc<Principal>) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock();
        if entries.len() >= Self::MAX_ENTRIES {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if entries.len() >= Self::MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(token, (principal, Instant::now()));
    }

    /// Forgets everything; called after the control plane changes a workspace.
    pub fn clear(&self) {
        self.entries.lock().clear();
    }
}

async fn principal_for(state: &AppState, token: &str) -> Result<Arc<Principal>, ApiError> {
    if let Some(principal) = state.auth_cache.get(token) {
        return Ok(principal);
    }
    let principal = state
        .store
        .authenticate(token)
        .await?
        .map(Arc::new)
        .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized))?;
    state.auth_cache.put(token.to_owned(), principal.clone());
    Ok(principal)
}

fn version_of(
    headers: &HeaderMap,
    workspace: &Workspace,
    state: &AppState,
) -> Result<ApiVersion, ApiError> {
    match headers.get("intercom-version") {
        None => Ok(workspace
            .default_version
            .unwrap_or(state.config.default_version)),
        Some(value) => value
            .to_str()
            .ok()
            .and_then(ApiVersion::from_header)
            .ok_or_else(|| {
                ApiError::with_message(
                    ErrorCode::IntercomVersionInvalid,
                    "The requested Intercom-Version is not valid",
                )
            }),
    }
}

fn with_rate_headers(mut response: Response, decision: Option<&Decision>) -> Response {
    if let Some(d) = decision {
        let headers = response.headers_mut();
        for (name, value) in [
            ("x-ratelimit-limit", d.limit.to_string()),
            ("x-ratelimit-remaining", d.remaining.to_string()),
            ("x-ratelimit-reset", d.reset.to_string()),
        ] {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
    response
}

/// Authenticates an API request, applies the rate limits and resolves the version.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = token_of(request.headers());
    let principal = match &token {
        Some(token) => principal_for(&state, token).await,
        None => Err(ApiError::new(ErrorCode::Unauthorized)),
    };
    let principal = match principal {
        Ok(p) => p,
        Err(err) => {
            let decision = state.limiter.check_anonymous();
            return with_rate_headers(err.into_response(), decision.as_ref());
        }
    };
    let decision = state
        .limiter
        .check(principal.token_id, principal.workspace.id.as_str());
    if let Some(d) = decision.as_ref().filter(|d| !d.allowed) {
        let err = ApiError::with_message(
            ErrorCode::RateLimitExceeded,
            format!("Exceeded rate limit of {} in 10 seconds", d.limit),
        );
        return with_rate_headers(err.into_response(), Some(d));
    }
    let version = match version_of(request.headers(), &principal.workspace, &state) {
        Ok(v) => v,
        Err(err) => return with_rate_headers(err.into_response(), decision.as_ref()),
    };
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    request.extensions_mut().insert(Ctx {
        principal,
        version,
        ip,
    });
    let response = next.run(request).await;
    with_rate_headers(response, decision.as_ref())
}

/// Makes an operation answer 400 `intercom_version_invalid` in versions before `first`, as
/// Intercom answers for operations a version does not have.
pub fn since(first: ApiVersion, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    available_in(route, move |version| version >= first)
}

/// Makes an operation answer 400 `intercom_version_invalid` in versions after `last` (an
/// operation later versions removed).
pub fn until(last: ApiVersion, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    available_in(route, move |version| version <= last)
}

fn available_in(
    route: MethodRouter<AppState>,
    has: impl Fn(ApiVersion) -> bool + Clone + Send + Sync + 'static,
) -> MethodRouter<AppState> {
    route.route_layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let has = has.clone();
            async move {
                let available = request
                    .extensions()
                    .get::<Ctx>()
                    .is_some_and(|ctx| has(ctx.version));
                if available {
                    next.run(request).await
                } else {
                    ApiError::new(ErrorCode::IntercomVersionInvalid).into_response()
                }
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        h
    }

    #[test]
    fn bearer_and_basic_tokens_are_read() {
        assert_eq!(token_of(&headers("Bearer abc")).as_deref(), Some("abc"));
        assert_eq!(token_of(&headers("bearer  abc ")).as_deref(), Some("abc"));
        let basic = format!("Basic {}", STANDARD.encode("abc:"));
        assert_eq!(token_of(&headers(&basic)).as_deref(), Some("abc"));
    }

    #[test]
    fn malformed_authorization_yields_no_token() {
        for bad in ["Bearer", "Bearer ", "Token abc", "Basic !!!", "abc"] {
            assert_eq!(token_of(&headers(bad)), None, "{bad}");
        }
    }
}
