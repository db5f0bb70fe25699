//! The two servers under load: Confab on a fresh store, and a bare axum baseline that answers
//! the same routes with constant bodies copied byte for byte from Confab's answers.

use std::net::SocketAddr;

use anyhow::{bail, Context};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;
use bytes::Bytes;
use confab_api::{ApiConfig, AppState};
use confab_domain::clock::system_now;
use confab_domain::models::Workspace;
use confab_store::{bootstrap, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The access token the benchmark's workspace accepts.
pub const TOKEN: &str = "confab-bench-token";

/// A fresh database for one run: a SQLite file in a temporary directory, or a fresh schema in
/// a PostgreSQL database (dropped at the end).
pub struct Database {
    pub url: String,
    /// What the report calls the backend.
    pub label: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl Database {
    pub async fn create(base: Option<&str>) -> anyhow::Result<Self> {
        match base {
            None => Self::sqlite(),
            Some(url) if url.starts_with("sqlite:") => Ok(Self {
                url: url.to_owned(),
                label: "SQLite (given URL)".into(),
                _dir: None,
                postgres: None,
            }),
            Some(url) if url.starts_with("postgres:") || url.starts_with("postgresql:") => {
                Self::postgres(url).await
            }
            Some(_) => bail!("--database-url must start with sqlite: or postgres:"),
        }
    }

    fn sqlite() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
        let url = format!("sqlite://{}/confab.db?mode=rwc", dir.path().display());
        Ok(Self {
            url,
            label: "SQLite (file in a temporary directory, WAL)".into(),
            _dir: Some(dir),
            postgres: None,
        })
    }

    async fn postgres(base: &str) -> anyhow::Result<Self> {
        let schema = confab_store::create_scratch_schema(base, "confab_bench_")
            .await
            .context("cannot create the benchmark schema")?;
        Ok(Self {
            url: schema.url,
            label: format!("PostgreSQL (fresh schema {})", schema.name),
            _dir: None,
            postgres: Some((base.to_owned(), schema.name)),
        })
    }

    /// Drops the PostgreSQL schema, if one was made; the SQLite directory goes with the value.
    pub async fn cleanup(&self) -> anyhow::Result<()> {
        if let Some((base, schema)) = &self.postgres {
            confab_store::drop_scratch_schema(base, schema)
                .await
                .context("cannot drop the benchmark schema")?;
        }
        Ok(())
    }
}

/// A server spawned on the current runtime, serving until [`Running::stop`].
pub struct Running {
    pub addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    pub async fn stop(self) -> anyhow::Result<()> {
        // The server may already have stopped; the join below reports why.
        let _ = self.stop.send(());
        self.task.await.context("server task panicked")??;
        Ok(())
    }
}

/// Serves `router` on 127.0.0.1 (any port) the way `confab serve` does: `axum::serve` with the
/// client's address available to handlers.
async fn spawn(router: Router) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot listen on 127.0.0.1")?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Running { addr, stop, task })
}

/// Confab on `url`: migrated, with the default workspace, the demo data (so the owner is in
/// a team and `team_ids` is not empty) and [`TOKEN`]. Rate limiting is off; everything else
/// (the auth cache included) is at its default.
pub async fn start_confab(url: &str) -> anyhow::Result<(Running, Store, Workspace)> {
    let store = Store::connect(url)
        .await
        .context("cannot open the benchmark database")?;
    store.migrate().await.context("migration failed")?;
    let boot = bootstrap::ensure_default_workspace(&store, Some(TOKEN), system_now()).await?;
    bootstrap::seed_demo(&store, &boot.workspace, system_now()).await?;
    let config = ApiConfig {
        rate_limit: None,
        ..ApiConfig::default()
    };
    let state = AppState::new(store.clone(), config);
    let running = spawn(confab_api::app(state)).await?;
    Ok((running, store, boot.workspace))
}

/// Confab on an existing database (the search benchmark's seeded one): migrated, with
/// [`TOKEN`] added to the default workspace and any missing attribute search index built
/// (as `confab serve` does at start, but before the load); nothing else is written.
pub async fn start_confab_on_existing(url: &str) -> anyhow::Result<(Running, Store, Workspace)> {
    let store = Store::connect(url)
        .await
        .context("cannot open the seeded database")?;
    store.migrate().await.context("migration failed")?;
    let boot = bootstrap::ensure_default_workspace(&store, Some(TOKEN), system_now()).await?;
    // As `confab migrate` does: a large seeded table gets its value columns (decision 0053).
    confab_api::search::index_declared_attributes(&store, confab_store::search::WhenLarge::Rewrite)
        .await
        .map_err(|e| anyhow::anyhow!("indexing declared attributes: {e:?}"))?;
    let config = ApiConfig {
        rate_limit: None,
        ..ApiConfig::default()
    };
    let running = spawn(confab_api::app(AppState::new(store.clone(), config))).await?;
    Ok((running, store, boot.workspace))
}

/// A body to answer with, and its content type.
#[derive(Clone)]
pub struct Canned {
    pub body: Bytes,
    pub content_type: HeaderValue,
}

/// One route of the baseline: a method and path answered with a constant body.
pub struct CannedRoute {
    pub method: Method,
    /// The route pattern, as Confab's router spells it (`/contacts/{id}`).
    pub pattern: &'static str,
    pub canned: Canned,
}

fn canned_handler(method: &Method, canned: Canned) -> anyhow::Result<MethodRouter> {
    let filter = MethodFilter::try_from(method.clone())
        .map_err(|e| anyhow::anyhow!("no method filter for {method}: {e}"))?;
    // The request body is read (and dropped) as Confab's handlers read theirs.
    Ok(on(filter, move |_body: Bytes| {
        let canned = canned.clone();
        async move { ([(CONTENT_TYPE, canned.content_type)], canned.body) }
    }))
}

/// The baseline: bare axum handlers on the same routes, answering constant bodies.
pub async fn start_baseline(routes: Vec<CannedRoute>) -> anyhow::Result<Running> {
    let mut router = Router::new();
    for route in routes {
        router = router.route(route.pattern, canned_handler(&route.method, route.canned)?);
    }
    spawn(router).await
}
