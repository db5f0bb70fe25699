//! `confab-bench`: throughput and latency of `GET /admins/{id}` and `GET /me` under concurrent
//! load, against a bare axum baseline measured in the same run.
//!
//! ```text
//! cargo run --release -p confab-bench -- [--duration 10] [--connections 32] [--rounds 3]
//!                                        [--database-url postgres://…]
//! ```
//!
//! Both servers and the load generator run in this one process and share the machine's
//! cores; see `docs/benchmarks.md`. The exit status is non-zero only on errors (a server
//! answering anything but the expected 200), never on a missed target.

mod load;
mod machine;
mod servers;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use bytes::Bytes;
use clap::Parser;
use hyper::header::HeaderValue;
use hyper::{StatusCode, Uri};
use tokio::runtime::Runtime;

use crate::load::{Outcome, Target};
use crate::servers::{Canned, Database, TOKEN};

/// The share of the baseline's requests/s Confab should reach on `GET /admins/{id}`.
const TARGET_RATIO: f64 = 0.5;

#[derive(Debug, Parser)]
#[command(
    name = "confab-bench",
    about = "Load-test GET /admins/{id} and GET /me against a bare axum baseline"
)]
struct Args {
    /// Seconds measured per phase (after the warm-up).
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of warm-up per phase (answers checked, not measured).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Concurrent keep-alive connections (one closed-loop task each).
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Rounds of the four phases; the report shows each phase's median round by requests/s.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Worker threads of the servers' runtime (default: the number of cores).
    #[arg(long)]
    server_threads: Option<usize>,
    /// Worker threads of the load generator's runtime (default: the number of cores).
    #[arg(long)]
    client_threads: Option<usize>,
    /// Database for Confab: postgres://… gets a fresh schema (dropped afterwards); default
    /// a SQLite file in a temporary directory.
    #[arg(long)]
    database_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    Admin,
    Me,
}

impl Endpoint {
    fn label(self) -> &'static str {
        match self {
            Self::Admin => "GET /admins/{id}",
            Self::Me => "GET /me",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    Baseline,
    Confab,
}

impl Server {
    fn label(self) -> &'static str {
        match self {
            Self::Baseline => "baseline (bare axum)",
            Self::Confab => "Confab",
        }
    }
}

/// The phases of one round, in order.
const PHASES: [(Endpoint, Server); 4] = [
    (Endpoint::Admin, Server::Baseline),
    (Endpoint::Admin, Server::Confab),
    (Endpoint::Me, Server::Baseline),
    (Endpoint::Me, Server::Confab),
];

fn runtime(name: &str, threads: usize) -> anyhow::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name(name)
        .enable_all()
        .build()
        .with_context(|| format!("cannot start the {name} runtime"))
}

/// How the machine's cores are shared.
struct Threads {
    cores: usize,
    server: usize,
    client: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.duration == 0 || args.connections == 0 || args.rounds == 0 {
        bail!("--duration, --connections and --rounds must be at least 1");
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = Threads {
        cores,
        server: args.server_threads.unwrap_or(cores).max(1),
        client: args.client_threads.unwrap_or(cores).max(1),
    };
    let server_rt = runtime("server", threads.server)?;
    let client_rt = runtime("load", threads.client)?;

    let database = server_rt.block_on(Database::create(args.database_url.as_deref()))?;
    let result = bench(&args, &server_rt, &client_rt, &database, &threads);
    let cleanup = server_rt.block_on(database.cleanup());
    let report = result?;
    cleanup?;
    print!("{report}");
    Ok(())
}

fn authorization() -> anyhow::Result<HeaderValue> {
    Ok(HeaderValue::from_str(&format!("Bearer {TOKEN}"))?)
}

/// Confab's real answer to `path`, which must be a 200.
fn fetch_canned(
    client_rt: &Runtime,
    addr: std::net::SocketAddr,
    path: &str,
) -> anyhow::Result<Canned> {
    let target = Target {
        addr,
        path: Uri::try_from(path)?,
        authorization: authorization()?,
        expected: None,
    };
    let answer = client_rt.block_on(load::fetch(&target))?;
    if answer.status != StatusCode::OK {
        bail!(
            "Confab answered GET {path} with {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    Ok(Canned {
        body: answer.body,
        content_type: answer
            .content_type
            .unwrap_or(HeaderValue::from_static("application/json")),
    })
}

/// The admin id in a `GET /me` body.
fn admin_id(me: &Bytes) -> anyhow::Result<String> {
    let value: serde_json::Value = serde_json::from_slice(me).context("GET /me is not JSON")?;
    value
        .get("id")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
        .context("GET /me has no string id")
}

fn bench(
    args: &Args,
    server_rt: &Runtime,
    client_rt: &Runtime,
    database: &Database,
    threads: &Threads,
) -> anyhow::Result<String> {
    let load_before = machine::load_average();
    let (confab, store) = server_rt.block_on(servers::start_confab(&database.url))?;
    let me = fetch_canned(client_rt, confab.addr, "/me")?;
    let admin_path = format!("/admins/{}", admin_id(&me.body)?);
    let admin = fetch_canned(client_rt, confab.addr, &admin_path)?;
    let baseline = server_rt.block_on(servers::start_baseline(admin.clone(), me.clone()))?;
    eprintln!(
        "bodies: {admin_path} {} bytes, /me {} bytes; {} round(s) of 4 phases, {} s warm-up + {} s each",
        admin.body.len(),
        me.body.len(),
        args.rounds,
        args.warmup,
        args.duration
    );

    let mut outcomes: Vec<Vec<Outcome>> = PHASES.iter().map(|_| Vec::new()).collect();
    for round in 1..=args.rounds {
        for (i, (endpoint, server)) in PHASES.iter().enumerate() {
            let (canned, path) = match endpoint {
                Endpoint::Admin => (&admin, admin_path.as_str()),
                Endpoint::Me => (&me, "/me"),
            };
            let addr = match server {
                Server::Baseline => baseline.addr,
                Server::Confab => confab.addr,
            };
            let target = Arc::new(Target {
                addr,
                path: Uri::try_from(path)?,
                authorization: authorization()?,
                expected: Some(canned.body.clone()),
            });
            let before = machine::CpuTimes::now();
            let mut outcome = client_rt.block_on(load::run(
                target,
                args.connections,
                Duration::from_secs(args.warmup),
                Duration::from_secs(args.duration),
            ))?;
            outcome.steal = before
                .zip(machine::CpuTimes::now())
                .and_then(|(before, after)| after.steal_since(before));
            let what = format!("round {round}: {} on {}", endpoint.label(), server.label());
            load::check(&outcome, &what)?;
            eprintln!(
                "{what}: {:.0} req/s, p50 {}, p99 {}, CPU steal {}",
                outcome.requests_per_second(),
                ms(outcome.percentile(0.5)),
                ms(outcome.percentile(0.99)),
                percent(outcome.steal),
            );
            outcomes[i].push(outcome);
        }
    }

    server_rt.block_on(async {
        baseline.stop().await?;
        confab.stop().await?;
        store.close().await;
        anyhow::Ok(())
    })?;

    let facts = Facts {
        backend: database.label.clone(),
        admin_bytes: admin.body.len(),
        me_bytes: me.body.len(),
        load_before,
    };
    let mut out = String::new();
    write_facts(&mut out, args, threads, &facts)?;
    write_summary(&mut out, &outcomes)?;
    write_rounds(&mut out, &outcomes)?;
    Ok(out)
}

struct Facts {
    backend: String,
    admin_bytes: usize,
    me_bytes: usize,
    load_before: String,
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "?".into(), |s| format!("{:.0}%", s * 100.0))
}

/// The round with the median requests/s (the lower middle for an even count).
fn median(rounds: &[Outcome]) -> anyhow::Result<&Outcome> {
    let mut sorted: Vec<&Outcome> = rounds.iter().collect();
    sorted.sort_by(|a, b| a.requests_per_second().total_cmp(&b.requests_per_second()));
    sorted
        .get((sorted.len().saturating_sub(1)) / 2)
        .copied()
        .context("no rounds measured")
}

fn phase(endpoint: Endpoint, server: Server) -> anyhow::Result<usize> {
    PHASES
        .iter()
        .position(|p| *p == (endpoint, server))
        .context("unknown phase")
}

fn write_facts(
    out: &mut String,
    args: &Args,
    threads: &Threads,
    facts: &Facts,
) -> anyhow::Result<()> {
    writeln!(out, "## Confab benchmark")?;
    writeln!(out)?;
    writeln!(out, "- cores (nproc): {}", threads.cores)?;
    writeln!(out, "- CPU: {}", machine::cpu_model())?;
    writeln!(out, "- kernel: {}", machine::kernel())?;
    writeln!(out, "- load average before the run: {}", facts.load_before)?;
    writeln!(out, "- backend: {}", facts.backend)?;
    writeln!(
        out,
        "- build: {}",
        if cfg!(debug_assertions) {
            "DEBUG (numbers are meaningless; use --release)"
        } else {
            "release"
        }
    )?;
    writeln!(
        out,
        "- load: {} keep-alive HTTP/1.1 connections, closed loop, {} s warm-up + {} s measured \
         per phase, {} round(s); the table shows each phase's median round by req/s",
        args.connections, args.warmup, args.duration, args.rounds
    )?;
    writeln!(
        out,
        "- threads: servers {} + load generator {} tokio workers in one process, sharing the \
         {} core(s) (plus sqlx's SQLite connection threads)",
        threads.server, threads.client, threads.cores
    )?;
    writeln!(
        out,
        "- bodies: GET /admins/{{id}} {} bytes, GET /me {} bytes (the baseline serves Confab's \
         bytes)",
        facts.admin_bytes, facts.me_bytes
    )?;
    writeln!(
        out,
        "- Confab: rate limiting off, auth cache at its default"
    )?;
    Ok(())
}

fn write_summary(out: &mut String, outcomes: &[Vec<Outcome>]) -> anyhow::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "| endpoint | server | req/s | p50 | p90 | p99 | ratio vs baseline |"
    )?;
    writeln!(out, "|---|---|--:|--:|--:|--:|--:|")?;
    let mut admin_ratio = 0.0;
    for endpoint in [Endpoint::Admin, Endpoint::Me] {
        let base = median(&outcomes[phase(endpoint, Server::Baseline)?])?;
        let confab = median(&outcomes[phase(endpoint, Server::Confab)?])?;
        let ratio = confab.requests_per_second() / base.requests_per_second();
        if endpoint == Endpoint::Admin {
            admin_ratio = ratio;
        }
        for (server, m, ratio) in [
            (Server::Baseline, base, 1.0),
            (Server::Confab, confab, ratio),
        ] {
            writeln!(
                out,
                "| {} | {} | {:.0} | {} | {} | {} | {:.0}% |",
                endpoint.label(),
                server.label(),
                m.requests_per_second(),
                ms(m.percentile(0.5)),
                ms(m.percentile(0.9)),
                ms(m.percentile(0.99)),
                ratio * 100.0
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "Target (Confab >= {:.0}% of the baseline's req/s on GET /admins/{{id}}): {:.0}%, {}.",
        TARGET_RATIO * 100.0,
        admin_ratio * 100.0,
        if admin_ratio >= TARGET_RATIO {
            "met"
        } else {
            "NOT met"
        }
    )?;
    Ok(())
}

/// Every round's req/s, with Confab's ratio to the baseline phase run just before it and the
/// CPU time the hypervisor stole during each phase (a noisy neighbour shows up there).
fn write_rounds(out: &mut String, outcomes: &[Vec<Outcome>]) -> anyhow::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "| round | /admins/{{id}} baseline | /admins/{{id}} Confab | ratio | /me baseline | /me Confab | ratio | CPU steal per phase |"
    )?;
    writeln!(out, "|--:|--:|--:|--:|--:|--:|--:|--:|")?;
    let rounds = outcomes.iter().map(Vec::len).min().unwrap_or(0);
    for round in 0..rounds {
        let mut cells = vec![(round + 1).to_string()];
        let mut steals = Vec::new();
        for endpoint in [Endpoint::Admin, Endpoint::Me] {
            let pick = |server| -> anyhow::Result<&Outcome> {
                outcomes[phase(endpoint, server)?]
                    .get(round)
                    .context("missing round")
            };
            let (base, confab) = (pick(Server::Baseline)?, pick(Server::Confab)?);
            cells.push(format!("{:.0}", base.requests_per_second()));
            cells.push(format!("{:.0}", confab.requests_per_second()));
            cells.push(format!(
                "{:.0}%",
                100.0 * confab.requests_per_second() / base.requests_per_second()
            ));
            steals.push(percent(base.steal));
            steals.push(percent(confab.steal));
        }
        cells.push(steals.join(" / "));
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}
