//! `confab-bench search --declare-probe`: contact writes while a data attribute is declared.
//! Declaring an attribute builds its search index over every contact (decisions 0033, 0044);
//! this shows whether writes wait for that build. It writes to the database: the contacts it
//! creates and one attribute, named after the time it ran.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::json;

use crate::load;
use crate::report::ms;

/// Writing goes on this long before the declaration and after it.
const AROUND: Duration = Duration::from_secs(2);

/// One client creates contacts one after another; after [`AROUND`], another declares a
/// string attribute. Reports the declaration's time, the creates that finished during it and
/// the longest create.
pub async fn probe(addr: SocketAddr) -> anyhow::Result<String> {
    let run = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let stop = Arc::new(AtomicBool::new(false));
    let writing = Arc::clone(&stop);
    let writer = tokio::spawn(async move {
        let mut finished: Vec<(Instant, Duration)> = Vec::new();
        while !writing.load(Ordering::Relaxed) {
            let email = format!("declare-probe-{run}-{}@probe.test", finished.len());
            let started = Instant::now();
            load::post_json(
                addr,
                "/contacts",
                Bytes::from(json!({ "email": email }).to_string()),
            )
            .await?;
            finished.push((Instant::now(), started.elapsed()));
        }
        anyhow::Ok(finished)
    });
    tokio::time::sleep(AROUND).await;
    let declared = Instant::now();
    let attribute =
        json!({"name": format!("probe_{run}"), "model": "contact", "data_type": "string"});
    let outcome =
        load::post_json(addr, "/data_attributes", Bytes::from(attribute.to_string())).await;
    let took = declared.elapsed();
    tokio::time::sleep(AROUND).await;
    stop.store(true, Ordering::Relaxed);
    let finished = writer.await??;
    outcome?;
    let during = finished
        .iter()
        .filter(|(at, _)| *at >= declared && at.duration_since(declared) <= took)
        .count();
    let longest = finished
        .iter()
        .map(|(_, latency)| *latency)
        .max()
        .unwrap_or_default();
    let mut out = String::new();
    writeln!(
        out,
        "Declaring a string attribute took {}; {during} contact creates finished during it, \
         {} in all; the longest create took {}.",
        ms(took),
        finished.len(),
        ms(longest)
    )?;
    Ok(out)
}
