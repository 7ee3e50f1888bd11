//! Load generator for a running scope-gateway.
//!
//! `loadgen --connections N --messages M` opens N authenticated WebSocket
//! connections (bounded handshake concurrency), waits until all are open,
//! then has each send M `user_message`s one after another (the next after
//! the previous run's `agent_completed`), checking that every run streams
//! its five events in order. It prints handshakes/s, events/s, p50/p99
//! event latency (from sending the message to receiving each event) and the
//! gateway's peak RSS (from `/health`, or `/proc/<pid>` with `--gateway-pid`).
//!
//! Loopback only by design: the target defaults to 127.0.0.1:8000 and the
//! whole run is bounded by `--timeout-secs`.

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use scope_gateway::client::{self, ClientSocket, ConnectOptions};
use scope_gateway::config::DEV_SECRET;
use scope_gateway::protocol::RUN_SEQUENCE;
use scope_gateway::{sys, TokenSigner};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

#[derive(Parser, Debug, Clone)]
#[command(name = "loadgen", about = "Load generator for scope-gateway")]
struct Args {
    /// Gateway address (loopback).
    #[arg(long, default_value = "127.0.0.1:8000")]
    addr: SocketAddr,
    /// Concurrent WebSocket connections.
    #[arg(long, short = 'c', default_value_t = 1000)]
    connections: usize,
    /// Messages per connection (each yields five events).
    #[arg(long, short = 'm', default_value_t = 20)]
    messages: usize,
    /// Handshakes in flight at once.
    #[arg(long, default_value_t = 256)]
    connect_concurrency: usize,
    /// Bytes of text per message.
    #[arg(long, default_value_t = 64)]
    text_bytes: usize,
    /// Open-loop pacing: each connection sends one message every this many ms
    /// (connections staggered evenly). 0 = closed loop: send the next message
    /// as soon as the previous run completes (measures peak throughput).
    /// With pacing, latency is measured from the scheduled send time, so a
    /// gateway that falls behind is not hidden (no coordinated omission).
    #[arg(long, default_value_t = 0)]
    interval_ms: u64,
    /// tungstenite read buffer per client connection, bytes.
    #[arg(long, default_value_t = 4096)]
    ws_read_buffer: usize,
    /// Token secret (must match the gateway's).
    #[arg(long, env = "SCOPE_GATEWAY_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Read the gateway's peak RSS from /proc/<pid>/status instead of /health.
    #[arg(long)]
    gateway_pid: Option<u32>,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 300)]
    timeout_secs: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Deserialize)]
struct EventHead<'a> {
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(borrow)]
    run_id: Option<&'a str>,
    seq: u64,
}

#[derive(Default)]
struct ConnResult {
    latencies_us: Vec<u32>,
    events: u64,
    runs: u64,
    error: Option<String>,
    /// When the last event was received (before the close handshake).
    last_event: Option<Instant>,
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    f64::from(sorted[rank.min(sorted.len() - 1)]) / 1000.0
}

async fn handshake(
    addr: SocketAddr,
    token: &str,
    ws_read_buffer: usize,
) -> Result<(ClientSocket, u32), String> {
    let url = client::target("ws", addr, "/ws/chat", &[("token", token)]);
    let opts = ConnectOptions {
        ws_read_buffer: Some(ws_read_buffer),
        ..Default::default()
    };
    let t0 = Instant::now();
    let (ws, _) = client::connect(addr, &url, &opts)
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    Ok((ws, t0.elapsed().as_micros() as u32))
}

/// Send-time schedule of one connection.
#[derive(Clone, Copy)]
struct Pace {
    start: Instant,
    offset: Duration,
    interval: Duration,
}

async fn drive(mut ws: ClientSocket, messages: usize, text: Arc<str>, pace: Pace) -> ConnResult {
    let mut res = ConnResult {
        latencies_us: Vec::with_capacity(messages * RUN_SEQUENCE.len()),
        ..Default::default()
    };
    for m in 0..messages {
        let body = json!({"type": "user_message", "id": m, "text": &*text}).to_string();
        let sent = if pace.interval.is_zero() {
            Instant::now()
        } else {
            let due = pace.start + pace.offset + pace.interval * m as u32;
            tokio::time::sleep_until(due.into()).await;
            due
        };
        if let Err(e) = ws.send(Message::text(body)).await {
            res.error = Some(format!("send: {e}"));
            return res;
        }
        let mut run_id: Option<String> = None;
        let mut idx = 0usize;
        while idx < RUN_SEQUENCE.len() {
            let msg = match ws.next().await {
                Some(Ok(msg)) => msg,
                Some(Err(e)) => {
                    res.error = Some(format!("read: {e}"));
                    return res;
                }
                None => {
                    res.error = Some("connection closed by gateway".into());
                    return res;
                }
            };
            let text = match &msg {
                Message::Text(t) => t.as_str(),
                Message::Close(frame) => {
                    res.error = Some(format!("closed by gateway: {frame:?}"));
                    return res;
                }
                _ => continue,
            };
            let elapsed = sent.elapsed().as_micros() as u32;
            let head: EventHead = match serde_json::from_str(text) {
                Ok(h) => h,
                Err(e) => {
                    res.error = Some(format!("bad event JSON: {e}"));
                    return res;
                }
            };
            let ok_order = head.kind == RUN_SEQUENCE[idx] && head.seq == idx as u64 + 1;
            let ok_run = match (&run_id, head.run_id) {
                (None, Some(r)) => {
                    run_id = Some(r.to_owned());
                    true
                }
                (Some(a), Some(b)) => a == b,
                _ => false,
            };
            if !ok_order || !ok_run {
                res.error = Some(format!("out of order: {text}"));
                return res;
            }
            res.latencies_us.push(elapsed);
            res.last_event = Some(Instant::now());
            res.events += 1;
            idx += 1;
        }
        res.runs += 1;
    }
    // Close cleanly and let the close handshake finish (bounded).
    let _ = ws.close(None).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    res
}

async fn fetch_health(addr: SocketAddr) -> Option<serde_json::Value> {
    let fut = async {
        let mut s = TcpStream::connect(addr).await.ok()?;
        s.write_all(b"GET /health HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n")
            .await
            .ok()?;
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.ok()?;
        let text = String::from_utf8(buf).ok()?;
        let (_, body) = text.split_once("\r\n\r\n")?;
        serde_json::from_str(body).ok()
    };
    tokio::time::timeout(Duration::from_secs(10), fut)
        .await
        .ok()
        .flatten()
}

async fn run(args: Args) -> ExitCode {
    let nofile = sys::raise_fd_limit(1 << 20).unwrap_or(0);
    if (nofile as usize) < args.connections + 64 {
        eprintln!(
            "warning: open-file limit {nofile} is below {} connections; run `ulimit -n 65536` first",
            args.connections
        );
    }
    let signer = TokenSigner::new(args.secret.as_deref().unwrap_or(DEV_SECRET));
    let deadline = Duration::from_secs(args.timeout_secs);
    let text: Arc<str> = "lorem ipsum dolor sit amet "
        .repeat(args.text_bytes / 27 + 1)
        .chars()
        .take(args.text_bytes)
        .collect::<String>()
        .into();

    if fetch_health(args.addr).await.is_none() {
        eprintln!("error: no gateway answering /health at {}", args.addr);
        return ExitCode::from(2);
    }

    // Phase 1: open every connection.
    let sem = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let mut connects = JoinSet::new();
    let t_connect = Instant::now();
    for i in 0..args.connections {
        let token = match signer.mint(&format!("load-{i}"), 3600) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let sem = sem.clone();
        let addr = args.addr;
        let ws_read_buffer = args.ws_read_buffer;
        connects.spawn(async move {
            let _permit = sem.acquire_owned().await.ok();
            handshake(addr, &token, ws_read_buffer).await
        });
    }
    let mut sockets = Vec::with_capacity(args.connections);
    let mut handshake_us = Vec::with_capacity(args.connections);
    let mut errors: Vec<String> = Vec::new();
    let collected = tokio::time::timeout(deadline, async {
        while let Some(r) = connects.join_next().await {
            match r {
                Ok(Ok((ws, us))) => {
                    sockets.push(ws);
                    handshake_us.push(us);
                }
                Ok(Err(e)) => errors.push(e),
                Err(e) => errors.push(format!("task: {e}")),
            }
        }
    })
    .await;
    if collected.is_err() {
        errors.push("timed out while connecting".into());
    }
    let connect_secs = t_connect.elapsed().as_secs_f64();
    let connected = sockets.len();
    let open_on_gateway = fetch_health(args.addr)
        .await
        .and_then(|h| h["connections"].as_u64());

    // Phase 2: all connections send their messages at once.
    let mut drives = JoinSet::new();
    let t_msgs = Instant::now();
    let interval = Duration::from_millis(args.interval_ms);
    let n = connected.max(1) as u32;
    for (i, ws) in sockets.into_iter().enumerate() {
        let pace = Pace {
            start: t_msgs,
            offset: interval * i as u32 / n,
            interval,
        };
        drives.spawn(drive(ws, args.messages, text.clone(), pace));
    }
    let mut latencies: Vec<u32> = Vec::with_capacity(connected * args.messages * 5);
    let mut events = 0u64;
    let mut runs = 0u64;
    let mut last_event: Option<Instant> = None;
    let finished = tokio::time::timeout(deadline, async {
        while let Some(r) = drives.join_next().await {
            match r {
                Ok(c) => {
                    latencies.extend_from_slice(&c.latencies_us);
                    events += c.events;
                    runs += c.runs;
                    last_event = last_event.max(c.last_event);
                    if let Some(e) = c.error {
                        errors.push(e);
                    }
                }
                Err(e) => errors.push(format!("task: {e}")),
            }
        }
    })
    .await;
    if finished.is_err() {
        errors.push("timed out while sending messages".into());
    }
    // From the start of the phase to the last event received (closes excluded).
    let msg_secs = last_event
        .map(|t| t.duration_since(t_msgs).as_secs_f64())
        .unwrap_or(0.0);
    latencies.sort_unstable();
    handshake_us.sort_unstable();

    let health = fetch_health(args.addr).await;
    let gateway_peak_rss_kb = match args.gateway_pid {
        Some(pid) => sys::peak_rss_kb_of(pid),
        None => health.as_ref().and_then(|h| h["peak_rss_kb"].as_u64()),
    };
    let summary = json!({
        "connections_requested": args.connections,
        "connections_opened": connected,
        "connections_seen_by_gateway": open_on_gateway,
        "messages_per_connection": args.messages,
        "mode": if args.interval_ms == 0 { "closed-loop".to_owned() } else { format!("paced: 1 message / {} ms / connection", args.interval_ms) },
        "offered_events_per_s": if args.interval_ms == 0 { None } else { Some(round1(connected as f64 * 5.0 * 1000.0 / args.interval_ms as f64)) },
        "errors": errors.len(),
        "handshake_phase_s": round3(connect_secs),
        "handshakes_per_s": round1(connected as f64 / connect_secs.max(1e-9)),
        "handshake_p50_ms": round3(percentile(&handshake_us, 50.0)),
        "handshake_p99_ms": round3(percentile(&handshake_us, 99.0)),
        "message_phase_s": round3(msg_secs),
        "runs": runs,
        "events": events,
        "events_per_s": round1(events as f64 / f64::max(msg_secs, 1e-9)),
        "event_latency_p50_ms": round3(percentile(&latencies, 50.0)),
        "event_latency_p99_ms": round3(percentile(&latencies, 99.0)),
        "event_latency_max_ms": round3(latencies.last().map(|v| f64::from(*v) / 1000.0).unwrap_or(0.0)),
        "gateway_peak_rss_kb": gateway_peak_rss_kb,
        "loadgen_peak_rss_kb": sys::peak_rss_kb(),
    });
    if args.json {
        println!("{summary}");
    } else {
        print_human(&summary);
    }
    for e in errors.iter().take(10) {
        eprintln!("error: {e}");
    }
    if errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn print_human(s: &serde_json::Value) {
    println!(
        "mode             {} (offered {} events/s)",
        s["mode"], s["offered_events_per_s"]
    );
    println!(
        "connections      {} opened / {} requested (gateway saw {}), {} errors",
        s["connections_opened"],
        s["connections_requested"],
        s["connections_seen_by_gateway"],
        s["errors"]
    );
    println!(
        "handshakes       {} /s  ({} s; p50 {} ms, p99 {} ms)",
        s["handshakes_per_s"], s["handshake_phase_s"], s["handshake_p50_ms"], s["handshake_p99_ms"]
    );
    println!(
        "events           {} /s  ({} events, {} runs in {} s)",
        s["events_per_s"], s["events"], s["runs"], s["message_phase_s"]
    );
    println!(
        "event latency    p50 {} ms, p99 {} ms, max {} ms",
        s["event_latency_p50_ms"], s["event_latency_p99_ms"], s["event_latency_max_ms"]
    );
    println!(
        "peak RSS         gateway {} KiB, loadgen {} KiB",
        s["gateway_peak_rss_kb"], s["loadgen_peak_rss_kb"]
    );
}

fn main() -> ExitCode {
    let args = Args::parse();
    sys::block_on(run(args))
}
