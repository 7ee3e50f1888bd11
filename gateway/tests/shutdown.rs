//! Graceful shutdown: stop accepting, let in-flight runs finish up to the
//! grace deadline, close every client with 1001. Also end-to-end through the
//! real binary and SIGTERM.

mod common;

use common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_inflight_runs_then_closes_1001() {
    let mut cfg = config();
    cfg.demo_tool_delay = Duration::from_millis(800);
    cfg.shutdown_grace = Duration::from_secs(15);
    let server = start(cfg).await;
    let addr = server.local_addr();

    let mut busy = chat(addr, "busy").await;
    let mut idle_a = chat(addr, "idle-a").await;
    let mut idle_b = chat(addr, "idle-b").await;
    send(&mut busy, user_message(1, "a slow question")).await;
    // Wait until the run is inside its tool call.
    for kind in ["agent_started", "agent_thinking", "tool_executing"] {
        assert_eq!(next_event(&mut busy).await.kind, kind);
    }

    server.shutdown();

    for ws in [&mut idle_a, &mut idle_b] {
        let (code, reason) = expect_close(ws, STEP).await.expect("close frame");
        assert_eq!((code, reason.as_str()), (1001, "server shutting down"));
    }
    // The in-flight run completes before its connection is closed.
    assert_eq!(next_event(&mut busy).await.kind, "tool_completed");
    assert_eq!(next_event(&mut busy).await.kind, "agent_completed");
    let (code, _) = expect_close(&mut busy, STEP).await.expect("close frame");
    assert_eq!(code, 1001);

    tokio::time::timeout(Duration::from_secs(30), server.wait())
        .await
        .expect("server stops in time")
        .expect("clean exit");
    // No longer accepting.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_past_the_grace_deadline_are_cut_off() {
    let mut cfg = config();
    cfg.demo_tool_delay = Duration::from_secs(60);
    cfg.shutdown_grace = Duration::from_millis(300);
    let server = start(cfg).await;
    let addr = server.local_addr();
    let mut ws = chat(addr, "stuck").await;
    send(&mut ws, user_message(1, "never finishes")).await;
    for kind in ["agent_started", "agent_thinking", "tool_executing"] {
        assert_eq!(next_event(&mut ws).await.kind, kind);
    }
    let t0 = std::time::Instant::now();
    server.shutdown();
    let (code, _) = expect_close(&mut ws, STEP).await.expect("close frame");
    assert_eq!(code, 1001);
    tokio::time::timeout(Duration::from_secs(30), server.wait())
        .await
        .expect("server stops in time")
        .expect("clean exit");
    assert!(t0.elapsed() < Duration::from_secs(20));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_exits_cleanly_on_sigterm_closing_clients_1001() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scope-gateway"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--shutdown-grace-secs",
            "5",
        ])
        .env("SCOPE_GATEWAY_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn gateway");
    let stdout = child.stdout.take().expect("stdout");
    // The ready line carries the bound address.
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(STEP, line)
        .await
        .expect("ready line in time")
        .expect("join")
        .expect("read");
    assert!(line.starts_with("scope-gateway ready on http://"), "{line}");
    let addr: std::net::SocketAddr = line
        .trim_start_matches("scope-gateway ready on http://")
        .split_whitespace()
        .next()
        .and_then(|a| a.parse().ok())
        .expect("address in ready line");

    let mut ws = chat(addr, "sig").await;
    send(&mut ws, user_message(1, "hi")).await;
    expect_run(&mut ws, 1).await;

    let pid = child.id() as libc::pid_t;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let close = expect_close(&mut ws, STEP).await;
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert!(status.success(), "{status:?}");
    assert_eq!(close.map(|c| c.0), Some(1001));
}
