//! What every handler can reach: the store, the configuration, the rate limiter.

use std::sync::Arc;
use std::time::Duration;

use confab_domain::ApiVersion;
use confab_store::Store;

use crate::gate::AuthCache;
use crate::rate_limit::{RateLimitConfig, RateLimiter};

/// Settings of the HTTP layer (the CLI's configuration file documents each).
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Version for requests without `Intercom-Version` in workspaces that set none.
    pub default_version: ApiVersion,
    /// `None` switches rate limiting off.
    pub rate_limit: Option<RateLimitConfig>,
    /// Serve `/_confab/…` (health, clock). Health stays useful in production; the rest is
    /// for tests and can be switched off.
    pub control_plane: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a token's lookup is reused before the store is asked again. A token revoked
    /// from another process stops working within this time.
    pub auth_cache_ttl: Duration,
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            default_version: ApiVersion::DEFAULT,
            rate_limit: Some(RateLimitConfig::default()),
            control_plane: true,
            max_body_bytes: 2 * 1024 * 1024,
            auth_cache_ttl: Duration::from_secs(2),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ApiConfig>,
    pub limiter: Arc<RateLimiter>,
    pub auth_cache: Arc<AuthCache>,
}

impl AppState {
    pub fn new(store: Store, config: ApiConfig) -> Self {
        let limiter = Arc::new(RateLimiter::new(config.rate_limit.clone()));
        let auth_cache = Arc::new(AuthCache::new(config.auth_cache_ttl));
        Self {
            store,
            config: Arc::new(config),
            limiter,
            auth_cache,
        }
    }
}
