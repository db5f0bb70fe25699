//! `confab serve`: bootstrap the store, serve until SIGTERM or ctrl-c, then drain.

use std::net::SocketAddr;

use anyhow::Context;
use confab_api::{app, AppState};
use confab_domain::clock::system_now;
use confab_store::bootstrap;
use confab_store::search::WhenLarge;
use tracing_subscriber::EnvFilter;

use crate::config::Config;

pub fn init_tracing(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub async fn run(config: Config) -> anyhow::Result<()> {
    let store = crate::open_store(&config).await?;
    let boot = bootstrap::ensure_default_workspace(&store, config.token(), system_now()).await?;
    if let Some(token) = &boot.generated_token {
        println!(
            "Created workspace {} ({}).",
            boot.workspace.id, boot.workspace.name
        );
        println!("Its access token is shown only this once; keep it:");
        println!("{token}");
    }
    if config.demo && bootstrap::seed_demo(&store, &boot.workspace, system_now()).await? {
        tracing::info!(workspace = %boot.workspace.id, "demo data added");
    }
    let shutdown = shutdown_signal();
    let addr = config.listen_addr()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!(
        "Confab listening on http://{local} (workspace {})",
        boot.workspace.id
    );
    tracing::info!(%local, backend = ?store.backend(), "listening");
    let state = AppState::new(store.clone(), config.api_config()?);
    let ticker = tokio::spawn(wake_snoozed_conversations(store.clone()));
    let statistics = tokio::spawn(keep_statistics(store.clone()));
    let indexing = store.clone();
    tokio::spawn(async move {
        if let Err(err) =
            confab_api::search::index_declared_attributes(&indexing, WhenLarge::Skip).await
        {
            tracing::warn!(error = ?err, "indexing declared attributes failed");
        }
    });
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("server failed")?;
    ticker.abort();
    statistics.abort();
    store.close().await;
    tracing::info!("shut down");
    Ok(())
}

/// Reopens snoozed conversations whose time has come, every few seconds, in every workspace
/// by its own clock, and runs queued jobs. Any process serving the store may do it: waking is
/// idempotent, and a job is claimed inside its transaction.
async fn wake_snoozed_conversations(store: confab_store::Store) {
    let period = std::time::Duration::from_secs(5);
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        interval.tick().await;
        match confab_api::resources::conversations::snooze::wake_all(&store).await {
            Ok(0) => {}
            Ok(woken) => tracing::info!(woken, "snoozed conversations reopened"),
            Err(err) => tracing::warn!(error = %err, "waking snoozed conversations failed"),
        }
        // Jobs run as soon as they are queued; this picks up any a restart interrupted.
        match confab_api::resources::tickets::jobs::run_all(&store).await {
            Ok(0) => {}
            Ok(ran) => tracing::info!(ran, "queued jobs ran"),
            Err(err) => tracing::warn!(error = %err, "running queued jobs failed"),
        }
    }
}

/// Refreshes the query planner's statistics as the data grows (`Store::optimize`), so
/// search keeps choosing each filter's own index (docs/benchmarks.md, "Search").
async fn keep_statistics(store: confab_store::Store) {
    let period = std::time::Duration::from_secs(3600);
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        interval.tick().await;
        if let Err(err) = store.optimize().await {
            tracing::warn!(error = %err, "refreshing planner statistics failed");
        }
    }
}

/// Resolves on ctrl-c or SIGTERM. The handlers are registered when this is called, not when
/// the future is first polled, so a signal sent right after the server says it is listening
/// is never lost (it would otherwise kill the process before the drain).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |registered: std::io::Result<tokio::signal::unix::Signal>| async move {
                match registered {
                    Ok(mut signal) => {
                        signal.recv().await;
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "cannot listen for a shutdown signal");
                        std::future::pending::<()>().await;
                    }
                }
            };
            let (interrupt, terminate) = signals;
            tokio::select! {
                () = wait(interrupt) => {},
                () = wait(terminate) => {},
            }
        }
        #[cfg(not(unix))]
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }
}
