//! Configuration, layered: built-in defaults → `confab.toml` → `CONFAB_*` environment variables
//! → command-line flags. Every key is documented in [`EXAMPLE`], which `confab config example`
//! prints and a test proves equal to the defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use confab_api::rate_limit::RateLimitConfig;
use confab_api::ApiConfig;
use confab_domain::ApiVersion;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// The documented default configuration file.
pub const EXAMPLE: &str = r#"# confab.toml: Confab's configuration. Every key is optional; shown are the defaults.
# Each key can also be set as an environment variable, CONFAB_<KEY> (nested keys joined
# with a double underscore: CONFAB_RATE_LIMIT__ENABLED=false), and most as a flag of
# `confab serve`. Flags win over the environment, which wins over this file.

# Address and port the API listens on.
listen = "127.0.0.1:4747"

# Directory for the embedded SQLite database (created on first run).
data_dir = "./confab-data"

# Database to use instead: "sqlite:///path/file.db" or "postgres://user@host/db".
# Empty means the SQLite file confab.db inside data_dir.
database_url = ""

# Access token of the default workspace. Empty: a token is generated on first start
# and printed once. Tokens are stored hashed.
token = ""

# Intercom-Version for requests that send none (2.11, 2.13, 2.14 or Unstable).
default_version = "2.14"

# Add the demo dataset (docs/demo-data.md) to the default workspace at start.
demo = false

# Serve the control plane under /_confab (health, clock). Health is served regardless.
control_plane = true

# Largest request body accepted, in bytes.
max_body_bytes = 2097152

# How long a token lookup is reused, in milliseconds. A token revoked by another
# process stops working within this time. 0 disables the cache.
auth_cache_ttl_ms = 2000

# How long one database read may run, in milliseconds. A search that takes longer is
# stopped and answered with a 400 bad_request, so one request cannot hold the database.
read_time_limit_ms = 5000

# Log format: "text" or "json". Verbosity comes from RUST_LOG (default "info").
log_format = "text"

[rate_limit]
# Intercom's limits: calls per minute, enforced in 10-second windows.
enabled = true
per_token_per_minute = 10000
per_workspace_per_minute = 25000
"#;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSection {
    pub enabled: bool,
    pub per_token_per_minute: u32,
    pub per_workspace_per_minute: u32,
}

impl Default for RateLimitSection {
    fn default() -> Self {
        let limits = RateLimitConfig::default();
        Self {
            enabled: true,
            per_token_per_minute: limits.per_token_per_minute,
            per_workspace_per_minute: limits.per_workspace_per_minute,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub listen: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub token: String,
    pub default_version: String,
    pub demo: bool,
    pub control_plane: bool,
    pub max_body_bytes: usize,
    pub auth_cache_ttl_ms: u64,
    pub read_time_limit_ms: u64,
    pub log_format: String,
    pub rate_limit: RateLimitSection,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:4747".into(),
            data_dir: "./confab-data".into(),
            database_url: String::new(),
            token: String::new(),
            default_version: ApiVersion::DEFAULT.as_str().into(),
            demo: false,
            control_plane: true,
            max_body_bytes: 2 * 1024 * 1024,
            auth_cache_ttl_ms: 2000,
            read_time_limit_ms: u64::try_from(confab_store::DEFAULT_READ_TIME_LIMIT.as_millis())
                .unwrap_or(u64::MAX),
            log_format: "text".into(),
            rate_limit: RateLimitSection::default(),
        }
    }
}

/// Values given as flags; `None` leaves the lower layers' value.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demo: Option<bool>,
}

impl Config {
    /// Loads the layers. `file` is `--config`; without it `./confab.toml` is read if present.
    pub fn load(file: Option<&Path>, flags: &FlagOverrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.exists() {
                    bail!("config file {} does not exist", path.display());
                }
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("confab.toml")),
        }
        let config: Config = figment
            .merge(
                Env::prefixed("CONFAB_")
                    .split("__")
                    .ignore(&["config", "test_database_url"]),
            )
            .merge(Serialized::defaults(flags))
            .extract()
            .context("invalid configuration")?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        self.listen_addr()?;
        self.version()?;
        if !matches!(self.log_format.as_str(), "text" | "json") {
            bail!("log_format must be \"text\" or \"json\"");
        }
        Ok(())
    }

    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen
            .parse()
            .with_context(|| format!("listen address {:?} is not host:port", self.listen))
    }

    pub fn version(&self) -> anyhow::Result<ApiVersion> {
        ApiVersion::from_header(&self.default_version).with_context(|| {
            format!(
                "default_version {:?} is not a version",
                self.default_version
            )
        })
    }

    /// The database URL: the configured one, or the SQLite file in the data directory
    /// (creating the directory).
    pub fn database_url(&self) -> anyhow::Result<String> {
        if !self.database_url.is_empty() {
            return Ok(self.database_url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("cannot create data directory {}", self.data_dir.display()))?;
        let file = self.data_dir.join("confab.db");
        Ok(format!("sqlite://{}?mode=rwc", file.display()))
    }

    pub fn token(&self) -> Option<&str> {
        Some(self.token.trim()).filter(|t| !t.is_empty())
    }

    pub fn api_config(&self) -> anyhow::Result<ApiConfig> {
        Ok(ApiConfig {
            default_version: self.version()?,
            rate_limit: self.rate_limit.enabled.then_some(RateLimitConfig {
                per_token_per_minute: self.rate_limit.per_token_per_minute,
                per_workspace_per_minute: self.rate_limit.per_workspace_per_minute,
            }),
            control_plane: self.control_plane,
            max_body_bytes: self.max_body_bytes,
            auth_cache_ttl: Duration::from_millis(self.auth_cache_ttl_ms),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_is_exactly_the_defaults() {
        let parsed: Config = Figment::from(Toml::string(EXAMPLE)).extract().unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn flags_win_over_the_file() {
        let flags = FlagOverrides {
            listen: Some("127.0.0.1:9999".into()),
            ..FlagOverrides::default()
        };
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string("listen = \"127.0.0.1:1\"\ndemo = true"))
            .merge(Serialized::defaults(&flags))
            .extract()
            .unwrap();
        assert_eq!(config.listen, "127.0.0.1:9999");
        assert!(config.demo);
    }
}
