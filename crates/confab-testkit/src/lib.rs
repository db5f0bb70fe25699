//! Test support for Confab.
//!
//! [`TestApp`] is the whole server on a fresh database (SQLite in a temporary directory, or a
//! fresh PostgreSQL schema when `CONFAB_TEST_DATABASE_URL` is set), driven in-process through
//! the router the way a client drives it over HTTP. Every response it returns has been checked
//! against the OpenAPI description of the version the request asked for ([`conformance`]).

#![expect(
    clippy::expect_used,
    reason = "test support: a broken fixture must fail the test loudly, with its message"
)]

pub mod conformance;
pub mod database;
mod request;

pub use request::{RequestBuilder, TestResponse};

use axum::Router;
use confab_api::{ApiConfig, AppState};
use confab_domain::models::Workspace;
use confab_store::bootstrap;
use confab_store::tenancy::NewWorkspace;
use confab_store::Store;

use crate::database::TestDatabase;

/// The server on a fresh database, with one workspace and its token.
pub struct TestApp {
    router: Router,
    pub store: Store,
    pub config: ApiConfig,
    pub workspace: Workspace,
    pub token: String,
    _database: TestDatabase,
}

/// The ids of the objects a list response holds under `list` (`data`, `conversations`, …), in
/// the order it lists them.
pub fn ids_in(body: &serde_json::Value, list: &str) -> Vec<String> {
    body[list]
        .as_array()
        .expect("a list of objects")
        .iter()
        .map(|object| object["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// A fixed, known token for the default workspace of every test app.
pub const TEST_TOKEN: &str = "test-token-of-the-default-workspace";

impl TestApp {
    /// A fresh server with rate limits off and default settings otherwise.
    pub async fn new() -> Self {
        Self::with_config(ApiConfig {
            rate_limit: None,
            ..ApiConfig::default()
        })
        .await
    }

    /// A fresh server with this configuration.
    pub async fn with_config(config: ApiConfig) -> Self {
        let database = TestDatabase::create().await;
        Self::build(config, database, confab_store::DEFAULT_READ_TIME_LIMIT).await
    }

    /// A fresh server (rate limits off) on SQLite, whatever `CONFAB_TEST_DATABASE_URL` says,
    /// whose database reads stop after `limit`: SQLite stops a read at a step count, so a
    /// limit of zero stops long reads only, which PostgreSQL's milliseconds cannot promise.
    pub async fn sqlite_with_read_time_limit(limit: std::time::Duration) -> Self {
        let config = ApiConfig {
            rate_limit: None,
            ..ApiConfig::default()
        };
        Self::build(config, TestDatabase::sqlite(), limit).await
    }

    async fn build(
        config: ApiConfig,
        database: TestDatabase,
        read_time_limit: std::time::Duration,
    ) -> Self {
        let store = Store::connect_with(database.url(), read_time_limit)
            .await
            .expect("connect to the test database");
        store.migrate().await.expect("migrate the test database");
        let boot = bootstrap::ensure_default_workspace(&store, Some(TEST_TOKEN), now())
            .await
            .expect("bootstrap the default workspace");
        let router = confab_api::app(AppState::new(store.clone(), config.clone()));
        Self {
            router,
            store,
            config,
            workspace: boot.workspace,
            token: TEST_TOKEN.to_owned(),
            _database: database,
        }
    }

    /// A fresh server with the demo dataset.
    pub async fn with_demo() -> Self {
        let app = Self::new().await;
        bootstrap::seed_demo(&app.store, &app.workspace, now())
            .await
            .expect("seed the demo data");
        app
    }

    /// Another workspace on the same store, with a token of its own.
    pub async fn other_workspace(&self, name: &str) -> (Workspace, String) {
        let workspace = self
            .store
            .create_workspace(
                &NewWorkspace {
                    name: name.to_owned(),
                    owner_email: format!("owner@{}.example.com", name.to_lowercase()),
                    ..NewWorkspace::default()
                },
                now(),
            )
            .await
            .expect("create a second workspace");
        let (_, token) = self
            .store
            .create_token(&workspace.id, "test", now())
            .await
            .expect("create a token");
        (workspace, token)
    }

    /// Declares a custom data attribute of contacts through the API (`POST /data_attributes`),
    /// which also builds its search index.
    pub async fn declare_contact_attribute(&self, name: &str, data_type: &str) {
        self.post("/data_attributes")
            .json(&serde_json::json!({"name": name, "model": "contact", "data_type": data_type}))
            .send()
            .await
            .assert_status(200);
    }

    /// The router, to send requests the builder cannot express.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.request(http::Method::GET, path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder<'_> {
        self.request(http::Method::POST, path)
    }

    pub fn put(&self, path: &str) -> RequestBuilder<'_> {
        self.request(http::Method::PUT, path)
    }

    pub fn delete(&self, path: &str) -> RequestBuilder<'_> {
        self.request(http::Method::DELETE, path)
    }

    pub fn request(&self, method: http::Method, path: &str) -> RequestBuilder<'_> {
        RequestBuilder::new(self, method, path)
    }
}

fn now() -> i64 {
    confab_domain::clock::system_now()
}
