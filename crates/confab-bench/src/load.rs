//! A closed-loop HTTP/1.1 load generator: N keep-alive connections, one task each, every task
//! sending its next request as soon as the previous answer is read.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Builds the JSON body of the `n`th request of a run (`n` counts from the shared counter of
/// [`Body::Varying`], so every request of every phase gets a distinct one).
pub type BodyFn = dyn Fn(u64) -> Bytes + Send + Sync;

/// The body every request carries.
#[derive(Clone)]
pub enum Body {
    /// No body (GET).
    Empty,
    /// A JSON body built per request from a number drawn from `counter`.
    Varying {
        counter: Arc<AtomicU64>,
        build: Arc<BodyFn>,
    },
}

impl Body {
    fn next(&self) -> (Bytes, bool) {
        match self {
            Self::Empty => (Bytes::new(), false),
            Self::Varying { counter, build } => {
                (build(counter.fetch_add(1, Ordering::Relaxed)), true)
            }
        }
    }
}

/// What every answer must be, besides a 200.
#[derive(Clone)]
pub enum Expect {
    /// Exactly these bytes.
    Exact(Bytes),
    /// A body containing this text (for answers that differ per request, such as new ids).
    Contains(&'static str),
    /// Any body.
    Any,
}

impl Expect {
    /// Whether an answer with this body is what was expected.
    pub fn accepts(&self, body: &[u8]) -> bool {
        match self {
            Self::Exact(expected) => expected.as_ref() == body,
            Self::Contains(needle) => body
                .windows(needle.len())
                .any(|window| window == needle.as_bytes()),
            Self::Any => true,
        }
    }
}

/// What to request, and what every answer must be.
pub struct Target {
    pub addr: SocketAddr,
    pub method: Method,
    pub path: Uri,
    pub authorization: HeaderValue,
    pub body: Body,
    pub expected: Expect,
}

/// One answer, as [`fetch`] returns it.
pub struct Answer {
    pub status: StatusCode,
    pub content_type: Option<HeaderValue>,
    pub body: Bytes,
}

/// What one load phase measured.
pub struct Outcome {
    /// Requests completed inside the measured window.
    pub requests: u64,
    /// Length of the measured window.
    pub window: Duration,
    /// Latency of every request completed inside the window, in nanoseconds, sorted.
    pub latencies_ns: Vec<u64>,
    /// Answers (warm-up included) that were not a 200 with the expected body.
    pub unexpected: u64,
    /// The first of those, described.
    pub first_unexpected: Option<String>,
    /// Share of the machine's CPU time stolen by the hypervisor during the phase, if known.
    pub steal: Option<f64>,
}

impl Outcome {
    pub fn requests_per_second(&self) -> f64 {
        self.requests as f64 / self.window.as_secs_f64()
    }

    /// The latency below which a fraction `q` of the requests fall (nearest rank).
    pub fn percentile(&self, q: f64) -> Duration {
        Duration::from_nanos(nearest_rank(&self.latencies_ns, q))
    }
}

/// The nearest-rank percentile of sorted `values`; 0 for none.
pub fn nearest_rank(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let n = sorted.len();
    // Nearest rank: the smallest value with at least q·n values at or below it.
    let rank = (q * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

async fn connect(addr: SocketAddr) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr)
        .await
        .with_context(|| format!("cannot connect to {addr}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .context("HTTP/1.1 handshake failed")?;
    tokio::spawn(async move {
        // The load task notices a broken connection on its next request.
        let _ = connection.await;
    });
    Ok(sender)
}

fn request(target: &Target, host: &HeaderValue) -> anyhow::Result<Request<Full<Bytes>>> {
    let (body, json) = target.body.next();
    let mut builder = Request::builder()
        .method(target.method.clone())
        .uri(target.path.clone())
        .header(HOST, host.clone())
        .header(AUTHORIZATION, target.authorization.clone());
    if json {
        builder = builder.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    Ok(builder.body(Full::new(body))?)
}

fn host_header(addr: SocketAddr) -> anyhow::Result<HeaderValue> {
    Ok(HeaderValue::from_str(&addr.to_string())?)
}

/// One authorised `POST` of a JSON body on a connection of its own; its JSON answer, which
/// must have status 200.
pub async fn post_json(
    addr: SocketAddr,
    path: &'static str,
    payload: Bytes,
) -> anyhow::Result<serde_json::Value> {
    let build: Arc<BodyFn> = Arc::new(move |_| payload.clone());
    let target = Target {
        addr,
        method: Method::POST,
        path: Uri::from_static(path),
        authorization: crate::authorization(crate::servers::TOKEN)?,
        body: Body::Varying {
            counter: Arc::new(AtomicU64::new(0)),
            build,
        },
        expected: Expect::Any,
    };
    let answer = fetch(&target).await?;
    if answer.status != StatusCode::OK {
        bail!(
            "POST {path} answered {}: {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    Ok(serde_json::from_slice(&answer.body)?)
}

/// One request on a new connection, for reading the bodies the baseline must copy (and for
/// setting up data through the API).
pub async fn fetch(target: &Target) -> anyhow::Result<Answer> {
    let mut sender = connect(target.addr).await?;
    let response = sender
        .send_request(request(target, &host_header(target.addr)?)?)
        .await?;
    let status = response.status();
    let content_type = response.headers().get(CONTENT_TYPE).cloned();
    let body = response.into_body().collect().await?.to_bytes();
    Ok(Answer {
        status,
        content_type,
        body,
    })
}

#[derive(Default)]
struct TaskResult {
    latencies_ns: Vec<u64>,
    unexpected: u64,
    first_unexpected: Option<String>,
}

/// Runs `connections` closed loops against `target`: a warm-up whose answers are checked but
/// not measured, then `duration` measured. Connections are opened before the clock starts.
pub async fn run(
    target: Arc<Target>,
    connections: usize,
    warmup: Duration,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let mut senders = Vec::with_capacity(connections);
    for _ in 0..connections {
        senders.push(connect(target.addr).await?);
    }
    let host = host_header(target.addr)?;
    let measure_from = Instant::now() + warmup;
    let measure_until = measure_from + duration;
    let tasks: Vec<_> = senders
        .into_iter()
        .map(|sender| {
            let target = target.clone();
            let host = host.clone();
            tokio::spawn(
                async move { drive(sender, &target, &host, measure_from, measure_until).await },
            )
        })
        .collect();
    let mut latencies_ns = Vec::new();
    let mut unexpected = 0;
    let mut first_unexpected = None;
    for task in tasks {
        let result = task.await.context("load task panicked")??;
        latencies_ns.extend_from_slice(&result.latencies_ns);
        unexpected += result.unexpected;
        first_unexpected = first_unexpected.or(result.first_unexpected);
    }
    latencies_ns.sort_unstable();
    Ok(Outcome {
        requests: latencies_ns.len() as u64,
        window: duration,
        latencies_ns,
        unexpected,
        first_unexpected,
        steal: None,
    })
}

async fn drive(
    mut sender: SendRequest<Full<Bytes>>,
    target: &Target,
    host: &HeaderValue,
    measure_from: Instant,
    measure_until: Instant,
) -> anyhow::Result<TaskResult> {
    let mut result = TaskResult {
        latencies_ns: Vec::with_capacity(1 << 16),
        ..TaskResult::default()
    };
    loop {
        let sent = Instant::now();
        if sent >= measure_until {
            break;
        }
        let request = request(target, host)?;
        sender.ready().await.context("connection closed")?;
        let response = sender
            .send_request(request)
            .await
            .context("request failed")?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .context("reading the body failed")?
            .to_bytes();
        let done = Instant::now();
        if status != StatusCode::OK || !target.expected.accepts(&body) {
            result.unexpected += 1;
            if result.first_unexpected.is_none() {
                result.first_unexpected = Some(format!(
                    "{status} with a {}-byte body: {}",
                    body.len(),
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                ));
            }
        }
        if done >= measure_from && done < measure_until {
            let ns = u64::try_from((done - sent).as_nanos()).unwrap_or(u64::MAX);
            result.latencies_ns.push(ns);
        }
    }
    Ok(result)
}

/// Sends `target` one request at a time on one connection, for at least `duration` and at
/// least `min_samples` requests (for slow requests, such as unindexed searches). Every
/// request is measured; there is no warm-up.
pub async fn sample(
    target: &Target,
    min_samples: usize,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    let mut sender = connect(target.addr).await?;
    let host = host_header(target.addr)?;
    let mut result = TaskResult::default();
    let started = Instant::now();
    while result.latencies_ns.len() < min_samples || started.elapsed() < duration {
        let request = request(target, &host)?;
        let sent = Instant::now();
        sender.ready().await.context("connection closed")?;
        let response = sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        let ns = u64::try_from(sent.elapsed().as_nanos()).unwrap_or(u64::MAX);
        result.latencies_ns.push(ns);
        if status != StatusCode::OK || !target.expected.accepts(&body) {
            result.unexpected += 1;
            result.first_unexpected.get_or_insert_with(|| {
                format!(
                    "{status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                )
            });
        }
    }
    let window = started.elapsed();
    let mut latencies_ns = result.latencies_ns;
    latencies_ns.sort_unstable();
    Ok(Outcome {
        requests: latencies_ns.len() as u64,
        window,
        latencies_ns,
        unexpected: result.unexpected,
        first_unexpected: result.first_unexpected,
        steal: None,
    })
}

/// Fails unless `outcome` saw only expected answers.
pub fn check(outcome: &Outcome, what: &str) -> anyhow::Result<()> {
    if outcome.unexpected > 0 {
        bail!(
            "{what}: {} unexpected answers (non-200 or a different body); first: {}",
            outcome.unexpected,
            outcome.first_unexpected.as_deref().unwrap_or("?")
        );
    }
    if outcome.requests == 0 {
        bail!("{what}: no request completed in the measured window");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::nearest_rank;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(nearest_rank(&v, 0.5), 50);
        assert_eq!(nearest_rank(&v, 0.9), 90);
        assert_eq!(nearest_rank(&v, 0.99), 99);
        assert_eq!(nearest_rank(&v, 1.0), 100);
        assert_eq!(nearest_rank(&[7], 0.5), 7);
        assert_eq!(nearest_rank(&[], 0.5), 0);
    }
}
