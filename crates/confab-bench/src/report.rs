//! The Markdown report: the facts of the run, each endpoint's median round against the
//! baseline with the targets, and every round.

use std::fmt::Write as _;
use std::time::Duration;

use anyhow::Context;

use crate::load::Outcome;
use crate::machine;
use crate::phases::{Endpoint, LIST_PER_PAGE};

/// The share of the baseline's requests/s Confab should reach on `GET /admins/{id}`.
const TARGET_ADMIN_RATIO: f64 = 0.5;
/// Contact creates/s Confab should reach on SQLite (issue 3).
const TARGET_CREATES: f64 = 5_000.0;
/// Contact reads/s Confab should reach on SQLite (issue 3).
const TARGET_READS: f64 = 15_000.0;
/// Issue 4's targets on SQLite: conversation replies/s and 100-part retrievals/s.
const TARGET_REPLIES: f64 = 3_000.0;
const TARGET_RETRIEVALS: f64 = 5_000.0;

/// How the machine's cores are shared.
pub struct Threads {
    pub cores: usize,
    pub server: usize,
    pub client: usize,
}

/// What the run was, for the report's header.
pub struct Facts {
    pub backend: String,
    pub load_before: String,
    pub connections: usize,
    pub warmup: u64,
    pub duration: u64,
    pub rounds: usize,
    pub threads: Threads,
    /// Each endpoint's body size in bytes (Confab's answer, which the baseline serves).
    pub bodies: Vec<(Endpoint, usize)>,
}

/// One endpoint's rounds on both servers.
pub struct Measured {
    pub endpoint: Endpoint,
    pub baseline: Vec<Outcome>,
    pub confab: Vec<Outcome>,
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn percent(share: Option<f64>) -> String {
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

/// The whole report.
pub fn write(facts: &Facts, measured: &[Measured]) -> anyhow::Result<String> {
    let mut out = String::new();
    write_facts(&mut out, facts)?;
    write_summary(&mut out, measured)?;
    write_rounds(&mut out, measured)?;
    Ok(out)
}

fn write_facts(out: &mut String, facts: &Facts) -> anyhow::Result<()> {
    writeln!(out, "## Confab benchmark")?;
    writeln!(out)?;
    writeln!(out, "- cores (nproc): {}", facts.threads.cores)?;
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
        facts.connections, facts.warmup, facts.duration, facts.rounds
    )?;
    writeln!(
        out,
        "- threads: servers {} + load generator {} tokio workers in one process, sharing the \
         {} core(s) (plus sqlx's SQLite connection threads)",
        facts.threads.server, facts.threads.client, facts.threads.cores
    )?;
    let bodies: Vec<String> = facts
        .bodies
        .iter()
        .map(|(endpoint, bytes)| format!("{} {bytes} bytes", endpoint.label()))
        .collect();
    writeln!(
        out,
        "- bodies: {} (the baseline serves Confab's bytes)",
        bodies.join(", ")
    )?;
    writeln!(
        out,
        "- Confab: rate limiting off, auth cache at its default"
    )?;
    Ok(())
}

/// The target line for `endpoint`, if it has one.
fn target(endpoint: Endpoint, confab: f64, ratio: f64) -> Option<String> {
    let verdict = |met: bool| if met { "met" } else { "NOT met" };
    match endpoint {
        Endpoint::Admin => Some(format!(
            "Target {}: Confab >= {:.0}% of the baseline's req/s: {:.0}%, {}.",
            endpoint.label(),
            TARGET_ADMIN_RATIO * 100.0,
            ratio * 100.0,
            verdict(ratio >= TARGET_ADMIN_RATIO)
        )),
        Endpoint::ContactCreate => Some(format!(
            "Target {} (SQLite): >= {TARGET_CREATES:.0} creates/s: {confab:.0}/s, {}.",
            endpoint.label(),
            verdict(confab >= TARGET_CREATES)
        )),
        Endpoint::ContactRead => Some(format!(
            "Target {} (SQLite): >= {TARGET_READS:.0} reads/s: {confab:.0}/s, {}.",
            endpoint.label(),
            verdict(confab >= TARGET_READS)
        )),
        Endpoint::ContactList => Some(format!(
            "{}: {confab:.0} pages/s = {:.0} contacts rendered/s.",
            endpoint.label(),
            confab * LIST_PER_PAGE as f64
        )),
        Endpoint::ConversationReply => Some(format!(
            "Target {} (SQLite): >= {TARGET_REPLIES:.0} replies/s: {confab:.0}/s, {}.",
            endpoint.label(),
            verdict(confab >= TARGET_REPLIES)
        )),
        Endpoint::ConversationRead => Some(format!(
            "Target {} (SQLite): >= {TARGET_RETRIEVALS:.0} retrievals/s: {confab:.0}/s, {}.",
            endpoint.label(),
            verdict(confab >= TARGET_RETRIEVALS)
        )),
        Endpoint::Me => None,
    }
}

fn write_summary(out: &mut String, measured: &[Measured]) -> anyhow::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "| endpoint | server | req/s | p50 | p90 | p99 | ratio vs baseline |"
    )?;
    writeln!(out, "|---|---|--:|--:|--:|--:|--:|")?;
    let mut targets = Vec::new();
    for m in measured {
        let base = median(&m.baseline)?;
        let confab = median(&m.confab)?;
        let ratio = confab.requests_per_second() / base.requests_per_second();
        targets.extend(target(m.endpoint, confab.requests_per_second(), ratio));
        for (server, o, ratio) in [
            ("baseline (bare axum)", base, 1.0),
            ("Confab", confab, ratio),
        ] {
            writeln!(
                out,
                "| {} | {server} | {:.0} | {} | {} | {} | {:.0}% |",
                m.endpoint.label(),
                o.requests_per_second(),
                ms(o.percentile(0.5)),
                ms(o.percentile(0.9)),
                ms(o.percentile(0.99)),
                ratio * 100.0
            )?;
        }
    }
    writeln!(out)?;
    for line in targets {
        writeln!(out, "- {line}")?;
    }
    Ok(())
}

/// Every round's req/s, with Confab's ratio to the baseline phase run just before it and the
/// CPU time the hypervisor stole during each phase (a noisy neighbour shows up there).
fn write_rounds(out: &mut String, measured: &[Measured]) -> anyhow::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "| round | endpoint | baseline req/s | Confab req/s | ratio | CPU steal (baseline / Confab) |"
    )?;
    writeln!(out, "|--:|---|--:|--:|--:|--:|")?;
    let rounds = measured
        .iter()
        .map(|m| m.baseline.len().min(m.confab.len()))
        .min()
        .unwrap_or(0);
    for round in 0..rounds {
        for m in measured {
            let (base, confab) = (&m.baseline[round], &m.confab[round]);
            writeln!(
                out,
                "| {} | {} | {:.0} | {:.0} | {:.0}% | {} / {} |",
                round + 1,
                m.endpoint.label(),
                base.requests_per_second(),
                confab.requests_per_second(),
                100.0 * confab.requests_per_second() / base.requests_per_second(),
                percent(base.steal),
                percent(confab.steal)
            )?;
        }
    }
    Ok(())
}
