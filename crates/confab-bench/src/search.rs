//! `confab-bench search`: the queries of issue 5's performance section through
//! `POST /contacts/search`, on a database seeded with `confab seed bench --contacts N`, and
//! a cursor walk of a 10,000-row result at `per_page: 150`.
//!
//! Each query is sent by one client, one request at a time, for `--duration` seconds and at
//! least `--min-samples` times (the first answer is fetched once before, unmeasured); the
//! report gives queries/s and p50/p99 latency. The seeded values the queries
//! use (emails, `external_id`s `ext-{n:07}`, tag names `bench-tag-NN`, `cohort`) are those
//! `crates/confab/src/seed_bench.rs` documents.

use std::fmt::Write as _;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use confab_domain::tables::{CONTACTS, TAGS};
use confab_store::records::Filter;
use hyper::{Method, Uri};
use serde_json::{json, Value};
use tokio::runtime::Runtime;

use crate::load::{self, Body, BodyFn, Expect, Target};
use crate::report::ms;
use crate::servers::{self, TOKEN};

/// 2025-07-01 and 2023-07-02: the seeded `created_at` span 2023-01-01 to 2025-12-31.
const RECENT: i64 = 1_751_328_000;
const EARLY: i64 = 1_688_256_000;

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The seeded database (`confab seed bench`): sqlite://… or postgres://….
    #[arg(long)]
    pub database_url: String,
    /// Seconds measured per query (at least; see `--min-samples`).
    #[arg(long, default_value_t = 5)]
    pub duration: u64,
    /// Requests measured per query at least, however long they take.
    #[arg(long, default_value_t = 5)]
    pub min_samples: usize,
    /// Skip the cursor walk.
    #[arg(long)]
    pub no_walk: bool,
    /// How many times the cursor walk runs; the report gives the median and every run.
    #[arg(long, default_value_t = 5)]
    pub walks: usize,
    /// Also create contacts while a data attribute is declared, and report how long they
    /// waited (writes the contacts and the attribute to the database).
    #[arg(long)]
    pub declare_probe: bool,
}

fn filter(field: &str, operator: &str, value: Value) -> Value {
    json!({"field": field, "operator": operator, "value": value})
}

fn body(query: &Value) -> Bytes {
    Bytes::from(json!({ "query": query }).to_string())
}

/// The seeded values the queries need, read from the store.
struct Values {
    contacts: u64,
    emails: Vec<String>,
    tag_id: String,
}

async fn values(
    store: &confab_store::Store,
    ws: &confab_domain::models::Workspace,
) -> anyhow::Result<Values> {
    let mut scope = store.read(&ws.id).await?;
    let contacts = scope.count_records(&CONTACTS, &[]).await?;
    if contacts < 10_000 {
        bail!("the database has {contacts} contacts; seed it with `confab seed bench --contacts N` (N >= 10,000)");
    }
    let mut emails = Vec::new();
    for k in 0..100u64 {
        let n = (k * 7_919 + 13) % contacts;
        let n = n - n % 10; // users (every 10th + 9 is a lead)
        let found = scope
            .record_where(
                &CONTACTS,
                &[Filter::Eq(
                    "external_id",
                    Value::from(format!("ext-{n:07}")),
                )],
            )
            .await?
            .and_then(|r| r.get("email").and_then(Value::as_str).map(str::to_owned));
        emails.extend(found);
    }
    if emails.is_empty() {
        bail!("no seeded contacts found (external_id ext-NNNNNNN)");
    }
    let tag = scope
        .record_where(
            &TAGS,
            &[Filter::Eq("name_key", Value::from("bench-tag-03"))],
        )
        .await?
        .context("no tag bench-tag-03")?;
    let tag_id = confab_domain::record::id_of(&tag).to_owned();
    Ok(Values {
        contacts,
        emails,
        tag_id,
    })
}

/// The measured queries: a label and the bodies it cycles through.
fn queries(v: &Values) -> Vec<(&'static str, Vec<Bytes>)> {
    let emails = v
        .emails
        .iter()
        .map(|e| body(&filter("email", "=", json!(e))))
        .collect();
    let in_lists = (0..20u64)
        .map(|k| {
            let ids: Vec<String> = (0..50u64)
                .map(|j| {
                    let n = ((k * 50 + j) * 104_729) % v.contacts;
                    format!("ext-{:07}", n - n % 10)
                })
                .collect();
            body(&filter("external_id", "IN", json!(ids)))
        })
        .collect();
    let nested = json!({"operator": "AND", "value": [
        filter("custom_attributes.plan", "=", json!("pro")),
        {"operator": "OR", "value": [
            filter("created_at", ">", json!(RECENT)),
            filter("last_seen_at", "<", json!(EARLY)),
        ]},
    ]});
    vec![
        ("email = E", emails),
        ("external_id IN (50 values)", in_lists),
        (
            "plan = pro AND (created_at > D OR last_seen_at < D2)",
            vec![body(&nested)],
        ),
        (
            "name ~ \"smi\"",
            vec![body(&filter("name", "~", json!("smi")))],
        ),
        (
            "tag_id = T",
            vec![body(&filter("tag_id", "=", json!(v.tag_id)))],
        ),
    ]
}

/// Walks every page of `cohort = 0` at `per_page: 150`; returns (rows, total_count, time).
async fn walk(addr: std::net::SocketAddr) -> anyhow::Result<(u64, u64, Duration)> {
    let query = filter("custom_attributes.cohort", "=", json!(0));
    let started = Instant::now();
    let mut rows = 0;
    let mut total: u64;
    let mut after: Option<String> = None;
    loop {
        let mut pagination = json!({"per_page": 150});
        if let (Some(cursor), Some(p)) = (&after, pagination.as_object_mut()) {
            p.insert("starting_after".into(), json!(cursor));
        }
        let page = load::post_json(
            addr,
            "/contacts/search",
            Bytes::from(json!({"query": query, "pagination": pagination}).to_string()),
        )
        .await?;
        rows += page
            .get("data")
            .and_then(Value::as_array)
            .map_or(0, Vec::len) as u64;
        total = page.get("total_count").and_then(Value::as_u64).unwrap_or(0);
        after = page
            .pointer("/pages/next/starting_after")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if after.is_none() {
            break;
        }
    }
    Ok((rows, total, started.elapsed()))
}

/// Runs the search benchmark and returns its Markdown report.
pub fn run(args: &SearchArgs, server_rt: &Runtime, client_rt: &Runtime) -> anyhow::Result<String> {
    let (confab, store, ws) =
        server_rt.block_on(servers::start_confab_on_existing(&args.database_url))?;
    let v = server_rt.block_on(values(&store, &ws))?;
    let mut out = String::new();
    writeln!(out, "## Confab search benchmark")?;
    writeln!(out)?;
    writeln!(
        out,
        "- contacts: {}; one client, one request at a time, >= {} s and >= {} requests per query",
        v.contacts, args.duration, args.min_samples
    )?;
    writeln!(out)?;
    writeln!(out, "| query | total_count | queries/s | p50 | p90 | p99 |")?;
    writeln!(out, "|---|--:|--:|--:|--:|--:|")?;
    for (label, bodies) in queries(&v) {
        let first = client_rt.block_on(load::post_json(
            confab.addr,
            "/contacts/search",
            bodies[0].clone(),
        ))?;
        let total = first
            .get("total_count")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let bodies = Arc::new(bodies);
        let build: Arc<BodyFn> = Arc::new(move |n| {
            let i = usize::try_from(n).unwrap_or(0) % bodies.len();
            bodies[i].clone()
        });
        let target = Target {
            addr: confab.addr,
            method: Method::POST,
            path: Uri::from_static("/contacts/search"),
            authorization: crate::authorization(TOKEN)?,
            body: Body::Varying {
                counter: Arc::new(AtomicU64::new(0)),
                build,
            },
            expected: Expect::Contains(r#""type":"list""#),
        };
        let outcome = client_rt.block_on(load::sample(
            &target,
            args.min_samples,
            Duration::from_secs(args.duration),
        ))?;
        load::check(&outcome, label)?;
        eprintln!(
            "{label}: {:.1} q/s, p50 {}",
            outcome.requests_per_second(),
            ms(outcome.percentile(0.5))
        );
        writeln!(
            out,
            "| `{label}` | {total} | {:.1} | {} | {} | {} |",
            outcome.requests_per_second(),
            ms(outcome.percentile(0.5)),
            ms(outcome.percentile(0.9)),
            ms(outcome.percentile(0.99))
        )?;
    }
    if !args.no_walk {
        let mut rates = Vec::new();
        for _ in 0..args.walks.max(1) {
            let (rows, total, took) = client_rt.block_on(walk(confab.addr))?;
            if rows != total {
                bail!("the walk visited {rows} rows of {total}");
            }
            rates.push(rows as f64 / took.as_secs_f64());
        }
        let runs = rates
            .iter()
            .map(|r| format!("{r:.0}"))
            .collect::<Vec<_>>()
            .join(", ");
        rates.sort_by(f64::total_cmp);
        writeln!(out)?;
        writeln!(
            out,
            "Cursor walk of `custom_attributes.cohort = 0` (10,000 rows) at per_page 150, \
             median of {} walks: {:.0} rows/s (runs: {runs}).",
            rates.len(),
            rates[rates.len() / 2]
        )?;
    }
    if args.declare_probe {
        writeln!(out)?;
        out.push_str(&client_rt.block_on(crate::declare::probe(confab.addr))?);
    }
    server_rt.block_on(async {
        confab.stop().await?;
        store.close().await;
        anyhow::Ok(())
    })?;
    Ok(out)
}
