//! The chat protocol over real WebSockets: event order, token transports,
//! error events, size limit, ping/pong, idle timeout, slow readers and 500
//! concurrent clients.

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use scope_gateway::agent::BoxFuture;
use scope_gateway::client::{self, ConnectOptions};
use scope_gateway::protocol::RUN_SEQUENCE;
use scope_gateway::{Agent, AgentError, AgentInput, AgentOutput, RunEvents};
use std::sync::Arc;
use std::time::Duration;
use tokio_tungstenite::tungstenite::http::{header, HeaderValue};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn happy_path_streams_events_in_order() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let mut ws = chat(addr, "alice").await;
    send(&mut ws, user_message(1, "hello big world")).await;
    let events = expect_run(&mut ws, 1).await;
    assert_eq!(events[0].data["user_id"], "alice");
    assert_eq!(events[0].data["agent"], "demo");
    assert_eq!(events[2].data["tool"], "word_count");
    assert_eq!(events[3].data["result"]["words"], 3);
    assert_eq!(events[3].data["result"]["chars"], 15);
    assert_eq!(
        events[4].data["reply"],
        "Your message has 3 words and 15 characters."
    );
    // A second run on the same socket gets a new run_id.
    send(&mut ws, user_message(2, "again")).await;
    let second = expect_run(&mut ws, 2).await;
    assert_ne!(second[0].run_id, events[0].run_id);
    ws.close(None).await.unwrap();
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn token_via_authorization_header_and_subprotocol() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let t = token("bob");

    let url = ws_url(addr, "/ws/chat", &[("user_id", "bob")]);
    let opts = ConnectOptions {
        headers: vec![(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {t}")).unwrap(),
        )],
        ..Default::default()
    };
    let (mut ws, _) = client::connect(addr, &url, &opts).await.unwrap();
    send(&mut ws, user_message(1, "via header")).await;
    let ev = expect_run(&mut ws, 1).await;
    assert_eq!(ev[0].data["user_id"], "bob");

    // Browser style: Sec-WebSocket-Protocol: bearer, <token>; server selects `bearer`.
    let url = ws_url(addr, "/ws/chat", &[]);
    let opts = ConnectOptions {
        headers: vec![(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_str(&format!("bearer, {t}")).unwrap(),
        )],
        ..Default::default()
    };
    let (mut ws, resp) = client::connect(addr, &url, &opts).await.unwrap();
    assert_eq!(
        resp.headers()
            .get(header::SEC_WEBSOCKET_PROTOCOL)
            .and_then(|v| v.to_str().ok()),
        Some("bearer")
    );
    send(&mut ws, user_message(2, "via subprotocol")).await;
    let ev = expect_run(&mut ws, 2).await;
    assert_eq!(ev[0].data["user_id"], "bob");
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn bad_json_then_valid_message_on_same_socket() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let mut ws = chat(addr, "carol").await;

    send(&mut ws, Message::text("{not json")).await;
    let e = next_event(&mut ws).await;
    assert_eq!(e.kind, "error");
    assert_eq!(e.data["code"], "invalid_json");
    assert_eq!(e.run_id, None);

    send(&mut ws, Message::text(r#"{"type":"launch_missiles"}"#)).await;
    let e = next_event(&mut ws).await;
    assert_eq!(e.kind, "error");
    assert_eq!(e.data["code"], "unknown_type");

    send(&mut ws, Message::text(r#"{"type":"user_message","id":3}"#)).await;
    let e = next_event(&mut ws).await;
    assert_eq!(e.data["code"], "invalid_message");

    send(&mut ws, Message::binary(vec![1u8, 2, 3])).await;
    let e = next_event(&mut ws).await;
    assert_eq!(e.data["code"], "unsupported_frame");

    send(&mut ws, user_message(4, "still here")).await;
    expect_run(&mut ws, 4).await;
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn oversize_frame_closes_1009() {
    let mut cfg = config();
    cfg.max_message_bytes = 1024;
    let server = start(cfg).await;
    let addr = server.local_addr();

    // At the limit: accepted.
    let mut ws = chat(addr, "dave").await;
    let text = "x".repeat(900);
    send(&mut ws, user_message(1, &text)).await;
    expect_run(&mut ws, 1).await;

    // Over the limit: close 1009.
    let big = "y".repeat(8 * 1024);
    send(&mut ws, user_message(2, &big)).await;
    let (code, reason) = expect_close(&mut ws, STEP).await.expect("close frame");
    assert_eq!(code, 1009, "{reason}");

    // Far over the limit (256 KiB against 1 KiB): refused from the frame
    // header, still a 1009 close frame.
    let mut ws = chat(addr, "dave").await;
    let huge = "h".repeat(256 * 1024);
    send(&mut ws, user_message(3, &huge)).await;
    let (code, _) = expect_close(&mut ws, STEP).await.expect("close frame");
    assert_eq!(code, 1009);
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let mut ws = chat(addr, "erin").await;
    send(&mut ws, Message::Ping(b"are you there".to_vec().into())).await;
    let msg = tokio::time::timeout(STEP, ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(msg, Message::Pong(b"are you there".to_vec().into()));
    // The session still works after the ping.
    send(&mut ws, user_message(1, "after ping")).await;
    expect_run(&mut ws, 1).await;
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn idle_connection_closes_1001() {
    let mut cfg = config();
    cfg.idle_timeout = Duration::from_millis(400);
    let server = start(cfg).await;
    let addr = server.local_addr();
    let mut ws = chat(addr, "frank").await;
    let (code, reason) = expect_close(&mut ws, STEP).await.expect("close frame");
    assert_eq!(code, 1001);
    assert_eq!(reason, "idle timeout");
    // The server released the slot.
    let deadline = tokio::time::Instant::now() + STEP;
    while server.connections() != 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "session not released"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn slow_reader_is_closed_1013() {
    let mut cfg = config();
    cfg.queue_capacity = 4;
    cfg.max_runs_per_connection = 10_000;
    cfg.tcp_send_buffer = Some(4096);
    // The close frame waits behind a full socket until the client reads again.
    cfg.close_timeout = Duration::from_secs(15);
    let server = start(cfg).await;
    let addr = server.local_addr();
    let t = token("grace");
    let url = ws_url(addr, "/ws/chat", &[("token", &t)]);
    let opts = ConnectOptions {
        recv_buffer: Some(4096),
        ..Default::default()
    };
    let (mut ws, _) = client::connect(addr, &url, &opts).await.unwrap();

    // Ask for ~2,000 events of ~1 KiB each and read none of them.
    let text = "z".repeat(1000);
    for i in 0..400u64 {
        if tokio::time::timeout(STEP, ws.feed(user_message(i, &text)))
            .await
            .map(|r| r.is_err())
            .unwrap_or(true)
        {
            break; // the server may already have closed
        }
    }
    let _ = tokio::time::timeout(STEP, ws.flush()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Now read: some events, then the close frame with 1013.
    let (code, reason) = expect_close(&mut ws, Duration::from_secs(30))
        .await
        .expect("close frame");
    assert_eq!(code, 1013, "{reason}");
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_concurrent_clients_get_complete_ordered_streams() {
    const N: usize = 500;
    let server = start(config()).await;
    let addr = server.local_addr();

    // Connect all first so all 500 sessions are open at the same time.
    let mut connects = tokio::task::JoinSet::new();
    for i in 0..N {
        connects.spawn(async move { (i, chat(addr, &format!("user{i}")).await) });
    }
    let mut sockets = Vec::with_capacity(N);
    while let Some(r) = connects.join_next().await {
        sockets.push(r.expect("connect task"));
    }
    assert_eq!(sockets.len(), N);
    assert_eq!(server.connections(), N);

    let mut runs = tokio::task::JoinSet::new();
    for (i, mut ws) in sockets {
        runs.spawn(async move {
            send(
                &mut ws,
                user_message(i as u64, &format!("message from client {i}")),
            )
            .await;
            let events = expect_run(&mut ws, i as u64).await;
            let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
            assert_eq!(kinds, RUN_SEQUENCE);
            assert_eq!(events[0].data["user_id"], format!("user{i}"));
            let _ = ws.close(None).await;
        });
    }
    let mut done = 0;
    while let Some(r) = runs.join_next().await {
        r.expect("client task");
        done += 1;
    }
    assert_eq!(done, N);
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn connection_limit_answers_503() {
    let mut cfg = config();
    cfg.max_connections = 2;
    let server = start(cfg).await;
    let addr = server.local_addr();
    let _a = chat(addr, "a").await;
    let _b = chat(addr, "b").await;
    let t = token("c");
    let url = ws_url(addr, "/ws/chat", &[("token", &t)]);
    let (status, body) = ws_reject(addr, &url, &ConnectOptions::default()).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"], "too_many_connections");
    drop(_a);
    // The slot frees once the server notices the close.
    let deadline = tokio::time::Instant::now() + STEP;
    loop {
        if let Ok((mut ws, _)) = client::connect(addr, &url, &ConnectOptions::default()).await {
            send(&mut ws, user_message(1, "third")).await;
            expect_run(&mut ws, 1).await;
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "slot never freed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.shutdown();
    server.wait().await.unwrap();
}

struct Flaky;

impl Agent for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }

    fn run<'a>(
        &'a self,
        input: &'a AgentInput,
        events: &'a mut RunEvents,
    ) -> BoxFuture<'a, Result<AgentOutput, AgentError>> {
        Box::pin(async move {
            events.emit("agent_thinking", serde_json::json!({"thought": "hmm"}))?;
            match input.text.as_str() {
                "fail" => Err(AgentError::Failed("tool crashed".into())),
                "panic" => panic!("agent bug"),
                _ => Ok(AgentOutput {
                    reply: "fine".into(),
                }),
            }
        })
    }
}

#[tokio::test]
async fn custom_agent_failures_become_error_events() {
    let server = scope_gateway::start_with_agent(config(), Arc::new(Flaky))
        .await
        .expect("server starts");
    let addr = server.local_addr();
    let mut ws = chat(addr, "henry").await;
    for (id, text) in [(1u64, "fail"), (2, "panic")] {
        send(&mut ws, user_message(id, text)).await;
        let started = next_event(&mut ws).await;
        assert_eq!(started.kind, "agent_started");
        assert_eq!(started.data["agent"], "flaky");
        assert_eq!(next_event(&mut ws).await.kind, "agent_thinking");
        let err = next_event(&mut ws).await;
        assert_eq!(err.kind, "error");
        assert_eq!(err.data["code"], "agent_failed");
        assert_eq!(err.run_id, started.run_id);
        assert_eq!(err.seq, 3);
    }
    // The connection survives both.
    send(&mut ws, user_message(3, "ok")).await;
    assert_eq!(next_event(&mut ws).await.kind, "agent_started");
    assert_eq!(next_event(&mut ws).await.kind, "agent_thinking");
    let done = next_event(&mut ws).await;
    assert_eq!(done.kind, "agent_completed");
    assert_eq!(done.data["reply"], "fine");
    server.shutdown();
    server.wait().await.unwrap();
}
