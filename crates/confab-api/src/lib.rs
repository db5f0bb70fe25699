//! Confab's HTTP layer.
//!
//! [`app`] builds the whole router. Cross-cutting machinery lives in one module each and every
//! resource uses it: [`error`] (the `error.list` envelope), [`gate`] (auth, version, rate
//! limits, request ids), [`extract`] (request parsing with Intercom-shaped rejections),
//! [`render`] (one canonical model rendered per version), [`paging`] (`pages` objects and
//! cursors). Resource modules under [`resources`] hold only what is particular to them.

pub mod coverage;
pub mod custom_attributes;
pub mod embed;
pub mod error;
pub mod extract;
pub mod gate;
pub mod input;
pub mod paging;
pub mod rate_limit;
pub mod render;
pub mod resources;
pub mod search;
pub mod state;

mod control;

pub use gate::Ctx;
pub use state::{ApiConfig, AppState};

use axum::http::HeaderName;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

/// The response header carrying the request id, as Intercom sends it.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The whole server: the Intercom API, the control plane, and the layers every response goes
/// through.
pub fn app(state: AppState) -> Router {
    let api = resources::routes()
        .fallback(error::unrouted)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            gate::authenticate,
        ));
    let mut router = api;
    if state.config.control_plane {
        router = router.nest("/_confab", control::routes(&state));
    }
    router
        .layer(
            ServiceBuilder::new()
                .layer(axum::middleware::from_fn(gate::request_id))
                .layer(axum::middleware::from_fn(error::finalize))
                .layer(CatchPanicLayer::custom(error::panic_response))
                .layer(axum::extract::DefaultBodyLimit::max(
                    state.config.max_body_bytes,
                )),
        )
        .with_state(state)
}
