//! `confab-bench`: throughput and latency of Confab's endpoints under concurrent load —
//! `GET /admins/{id}`, `GET /me`, `POST /contacts`, `GET /contacts/{id}` and
//! `GET /contacts?per_page=50` — each against a bare axum baseline measured in the same run.
//!
//! ```text
//! cargo run --release -p confab-bench -- [--duration 10] [--connections 32] [--rounds 3]
//!                                        [--phases admins,contacts] [--database-url postgres://…]
//! ```
//!
//! Both servers and the load generator run in this one process and share the machine's
//! cores; see `docs/benchmarks.md`. The exit status is non-zero only on errors (a server
//! answering anything but the expected 200), never on a missed target.

mod contacts;
mod conversations;
mod declare;
mod load;
mod machine;
mod phases;
mod report;
mod search;
mod servers;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use bytes::Bytes;
use clap::Parser;
use hyper::header::HeaderValue;
use hyper::{Method, StatusCode, Uri};
use tokio::runtime::Runtime;

use crate::load::{Body, Expect, Target};
use crate::phases::{Endpoint, PhaseSet, LIST_PER_PAGE};
use crate::report::{ms, percent, Facts, Measured, Threads};
use crate::servers::{Canned, CannedRoute, Database, TOKEN};

#[derive(Debug, Parser)]
#[command(
    name = "confab-bench",
    about = "Load-test Confab's admin and contact endpoints against a bare axum baseline"
)]
struct Args {
    #[command(subcommand)]
    mode: Option<Mode>,
    /// Seconds measured per phase (after the warm-up).
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Seconds of warm-up per phase (answers checked, not measured).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Concurrent keep-alive connections (one closed-loop task each).
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Rounds of the phases; the report shows each phase's median round by requests/s.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// The endpoints to measure, comma-separated (default: all of them).
    #[arg(long, value_enum, value_delimiter = ',')]
    phases: Vec<PhaseSet>,
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

#[derive(Debug, clap::Subcommand)]
enum Mode {
    /// Search benchmark (issue 5) on a database seeded with `confab seed bench`.
    Search(search::SearchArgs),
}

fn runtime(name: &str, threads: usize) -> anyhow::Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .thread_name(name)
        .enable_all()
        .build()
        .with_context(|| format!("cannot start the {name} runtime"))
}

/// The allocator `confab` itself uses (decision 0034), so the servers measured run as served.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    if let Some(Mode::Search(search_args)) = &args.mode {
        print!("{}", search::run(search_args, &server_rt, &client_rt)?);
        return Ok(());
    }

    let database = server_rt.block_on(Database::create(args.database_url.as_deref()))?;
    let result = bench(&args, &server_rt, &client_rt, &database, threads);
    let cleanup = server_rt.block_on(database.cleanup());
    let report = result?;
    cleanup?;
    print!("{report}");
    Ok(())
}

fn authorization(token: &str) -> anyhow::Result<HeaderValue> {
    Ok(HeaderValue::from_str(&format!("Bearer {token}"))?)
}

/// How one endpoint is requested from Confab, and what the baseline answers for it.
struct Plan {
    endpoint: Endpoint,
    path: String,
    token: &'static str,
    body: Body,
    canned: Canned,
    expected: Expect,
}

/// Confab's real answer to one request, which must be a 200.
fn fetch_canned(
    client_rt: &Runtime,
    addr: std::net::SocketAddr,
    (method, path): (Method, &str),
    token: &str,
    body: Body,
) -> anyhow::Result<Canned> {
    let target = Target {
        addr,
        method: method.clone(),
        path: Uri::try_from(path)?,
        authorization: authorization(token)?,
        body,
        expected: Expect::Any,
    };
    let answer = client_rt.block_on(load::fetch(&target))?;
    if answer.status != StatusCode::OK {
        bail!(
            "Confab answered {method} {path} with {}: {}",
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

/// The plans of the selected endpoints, with the bodies the baseline copies fetched from
/// Confab. `tagged_contact` is the contact `GET /contacts/{id}` reads.
fn plans(
    endpoints: &[Endpoint],
    client_rt: &Runtime,
    confab: std::net::SocketAddr,
    tagged_contact: &str,
    talk: &conversations::Prepared,
) -> anyhow::Result<Vec<Plan>> {
    let get = |path: &str| fetch_canned(client_rt, confab, (Method::GET, path), TOKEN, Body::Empty);
    let me = get("/me")?;
    let create_counter = Arc::new(AtomicU64::new(0));
    let reply_counter = Arc::new(AtomicU64::new(0));
    let mut plans = Vec::new();
    for &endpoint in endpoints {
        let (path, token, body) = match endpoint {
            Endpoint::Admin => (
                format!("/admins/{}", admin_id(&me.body)?),
                TOKEN,
                Body::Empty,
            ),
            Endpoint::Me => ("/me".to_owned(), TOKEN, Body::Empty),
            Endpoint::ContactCreate => (
                "/contacts".to_owned(),
                contacts::CREATE_TOKEN,
                contacts::create_body(create_counter.clone()),
            ),
            Endpoint::ContactRead => (format!("/contacts/{tagged_contact}"), TOKEN, Body::Empty),
            Endpoint::ContactList => (
                format!("/contacts?per_page={LIST_PER_PAGE}"),
                TOKEN,
                Body::Empty,
            ),
            Endpoint::ConversationReply => (
                "/conversations/last/reply".to_owned(),
                conversations::REPLY_TOKEN,
                conversations::reply_body(reply_counter.clone(), talk.reply_contacts.clone()),
            ),
            Endpoint::ConversationRead => (
                format!("/conversations/{}", talk.long_conversation),
                TOKEN,
                Body::Empty,
            ),
        };
        let canned = fetch_canned(
            client_rt,
            confab,
            (endpoint.method(), &path),
            token,
            body.clone(),
        )?;
        // New contacts and replies change ids and times: check the type, not the bytes.
        let expected = match endpoint {
            Endpoint::ContactCreate => Expect::Contains(r#""type":"contact""#),
            Endpoint::ConversationReply => Expect::Contains(r#""type":"conversation""#),
            _ => Expect::Exact(canned.body.clone()),
        };
        if !expected.accepts(&canned.body) {
            bail!(
                "Confab's {} answer is not what it should be: {}",
                endpoint.label(),
                String::from_utf8_lossy(&canned.body)
            );
        }
        plans.push(Plan {
            endpoint,
            path,
            token,
            body,
            canned,
            expected,
        });
    }
    Ok(plans)
}

/// The data the phases read and write, made through the store before the load starts.
async fn prepare(
    store: &confab_store::Store,
    workspace: &confab_domain::models::Workspace,
) -> anyhow::Result<(contacts::Prepared, conversations::Prepared)> {
    let prepared = contacts::prepare(store, workspace).await?;
    let owner = store
        .write(&workspace.id)
        .await?
        .admins()
        .await?
        .first()
        .map_or(1, |a| a.id);
    let talk = conversations::prepare(store, workspace, owner).await?;
    Ok((prepared, talk))
}

/// Says on stderr what the run will measure.
fn announce(plans: &[Plan], args: &Args) {
    for plan in plans {
        eprintln!(
            "{}: {} {} bytes",
            plan.endpoint.label(),
            plan.path,
            plan.canned.body.len()
        );
    }
    eprintln!(
        "{} round(s) of {} phases, {} s warm-up + {} s each",
        args.rounds,
        plans.len() * 2,
        args.warmup,
        args.duration
    );
}

fn bench(
    args: &Args,
    server_rt: &Runtime,
    client_rt: &Runtime,
    database: &Database,
    threads: Threads,
) -> anyhow::Result<String> {
    let endpoints = phases::selected(&args.phases);
    let load_before = machine::load_average();
    let (confab, store, workspace) = server_rt.block_on(servers::start_confab(&database.url))?;
    let (prepared, talk) = server_rt.block_on(prepare(&store, &workspace))?;
    let plans = plans(
        &endpoints,
        client_rt,
        confab.addr,
        &prepared.tagged_contact,
        &talk,
    )?;
    let routes = plans
        .iter()
        .map(|p| CannedRoute {
            method: p.endpoint.method(),
            pattern: p.endpoint.pattern(),
            canned: p.canned.clone(),
        })
        .collect();
    let baseline = server_rt.block_on(servers::start_baseline(routes))?;
    announce(&plans, args);

    let mut measured: Vec<Measured> = plans
        .iter()
        .map(|p| Measured {
            endpoint: p.endpoint,
            baseline: Vec::new(),
            confab: Vec::new(),
        })
        .collect();
    for round in 1..=args.rounds {
        for (plan, results) in plans.iter().zip(measured.iter_mut()) {
            for (server, addr) in [
                ("baseline (bare axum)", baseline.addr),
                ("Confab", confab.addr),
            ] {
                let target = Arc::new(Target {
                    addr,
                    method: plan.endpoint.method(),
                    path: Uri::try_from(plan.path.as_str())?,
                    authorization: authorization(plan.token)?,
                    body: plan.body.clone(),
                    expected: plan.expected.clone(),
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
                let what = format!("round {round}: {} on {server}", plan.endpoint.label());
                load::check(&outcome, &what)?;
                eprintln!(
                    "{what}: {:.0} req/s, p50 {}, p99 {}, CPU steal {}",
                    outcome.requests_per_second(),
                    ms(outcome.percentile(0.5)),
                    ms(outcome.percentile(0.99)),
                    percent(outcome.steal),
                );
                if addr == baseline.addr {
                    results.baseline.push(outcome);
                } else {
                    results.confab.push(outcome);
                }
            }
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
        load_before,
        connections: args.connections,
        warmup: args.warmup,
        duration: args.duration,
        rounds: args.rounds,
        threads,
        bodies: plans
            .iter()
            .map(|p| (p.endpoint, p.canned.body.len()))
            .collect(),
    };
    report::write(&facts, &measured)
}
