//! Shared helpers for the integration tests: in-process servers on
//! 127.0.0.1:0, a raw HTTP/1.1 client and a tokio-tungstenite client.
#![allow(dead_code)]

use futures_util::{SinkExt, StreamExt};
use scope_gateway::client::{self, ClientSocket, ConnectOptions};
use scope_gateway::config::{Config, Secret};
use scope_gateway::protocol::Event;
use scope_gateway::{RunningServer, TokenSigner};
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;

pub const SECRET: &str = "integration-test-secret-0123456789";

/// Generous timeout for a single step on a loaded 2-core machine.
pub const STEP: Duration = Duration::from_secs(20);

pub fn config() -> Config {
    let _ = scope_gateway::sys::raise_fd_limit(65_536);
    Config {
        bind: "127.0.0.1:0".parse().expect("literal address"),
        secret: Some(Secret::new(SECRET)),
        // Clients in tests often stop reading; do not linger long for their close reply.
        close_timeout: Duration::from_secs(2),
        ..Config::default()
    }
}

pub async fn start(cfg: Config) -> RunningServer {
    scope_gateway::start(cfg).await.expect("server starts")
}

pub fn signer() -> TokenSigner {
    TokenSigner::new(SECRET)
}

pub fn token(user: &str) -> String {
    signer().mint(user, 3600).expect("valid user id")
}

pub fn ws_url(addr: SocketAddr, path: &str, pairs: &[(&str, &str)]) -> String {
    client::target("ws", addr, path, pairs)
}

/// An origin-form request target `path?query` with the pairs form-encoded.
pub fn origin_form(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = path.to_owned();
    if !pairs.is_empty() {
        out.push('?');
        out.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish(),
        );
    }
    out
}

/// Connect to `/ws/chat` with `?token=`.
pub async fn chat(addr: SocketAddr, user: &str) -> ClientSocket {
    let t = token(user);
    let url = ws_url(addr, "/ws/chat", &[("token", &t)]);
    let (ws, _) = tokio::time::timeout(
        STEP,
        client::connect(addr, &url, &ConnectOptions::default()),
    )
    .await
    .expect("handshake in time")
    .expect("handshake succeeds");
    ws
}

pub fn user_message(id: u64, text: &str) -> Message {
    Message::text(serde_json::json!({"type": "user_message", "id": id, "text": text}).to_string())
}

/// Next text frame as an event (skips pings/pongs).
pub async fn next_event(ws: &mut ClientSocket) -> Event {
    loop {
        let msg = tokio::time::timeout(STEP, ws.next())
            .await
            .expect("event in time")
            .expect("stream open")
            .expect("no socket error");
        match msg {
            Message::Text(t) => return serde_json::from_str(t.as_str()).expect("event JSON"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("expected an event, got {other:?}"),
        }
    }
}

/// Read the five events of one run and check order, run_id and seq.
pub async fn expect_run(ws: &mut ClientSocket, message_id: u64) -> Vec<Event> {
    let mut events = Vec::with_capacity(5);
    for (i, kind) in scope_gateway::protocol::RUN_SEQUENCE.iter().enumerate() {
        let ev = next_event(ws).await;
        assert_eq!(ev.kind, *kind, "event {i} of the run: {ev:?}");
        assert_eq!(ev.seq, i as u64 + 1, "seq of {ev:?}");
        if let Some(first) = events.first() {
            let first: &Event = first;
            assert_eq!(ev.run_id, first.run_id, "run_id stable within a run");
            assert!(ev.ts >= first.ts);
        } else {
            assert!(ev.run_id.is_some());
            assert_eq!(ev.data["message_id"], Value::from(message_id));
        }
        events.push(ev);
    }
    events
}

/// Read until a close frame; return its code and reason (None if the stream
/// ended without one). Keeps polling afterwards so the client's close reply
/// is flushed and the handshake completes.
pub async fn expect_close(ws: &mut ClientSocket, limit: Duration) -> Option<(u16, String)> {
    let fut = async {
        while let Some(msg) = ws.next().await {
            match msg {
                Ok(Message::Close(Some(frame))) => {
                    return Some((u16::from(frame.code), frame.reason.to_string()))
                }
                Ok(Message::Close(None)) => {
                    return Some((u16::from(CloseCode::Status), String::new()))
                }
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
        None
    };
    let got = tokio::time::timeout(limit, fut)
        .await
        .expect("close in time");
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(_)) = ws.next().await {}
    })
    .await;
    got
}

pub async fn send(ws: &mut ClientSocket, msg: Message) {
    tokio::time::timeout(STEP, ws.send(msg))
        .await
        .expect("send in time")
        .expect("send ok");
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl HttpResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("JSON body")
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// A plain HTTP/1.1 GET with `Connection: close`. `target` is sent verbatim
/// (so tests can send malformed queries).
pub async fn http_get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> HttpResponse {
    let fut = async {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        let mut req = String::new();
        req.push_str("GET ");
        req.push_str(target);
        req.push_str(" HTTP/1.1\r\nHost: ");
        req.push_str(&addr.to_string());
        req.push_str("\r\nConnection: close\r\n");
        for (k, v) in headers {
            req.push_str(k);
            req.push_str(": ");
            req.push_str(v);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        s.write_all(req.as_bytes()).await.expect("write");
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).await.expect("read");
        let text = String::from_utf8(buf).expect("utf8 response");
        let (head, body) = text.split_once("\r\n\r\n").expect("head/body");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("status code");
        HttpResponse {
            status,
            head: head.to_owned(),
            body: body.to_owned(),
        }
    };
    tokio::time::timeout(STEP, fut)
        .await
        .expect("HTTP response in time")
}

/// The status and JSON body of a rejected WebSocket handshake.
pub async fn ws_reject(addr: SocketAddr, url: &str, opts: &ConnectOptions) -> (u16, Value) {
    let res = tokio::time::timeout(STEP, client::connect(addr, url, opts))
        .await
        .expect("handshake in time");
    match res {
        Ok(_) => panic!("handshake unexpectedly succeeded"),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            let status = resp.status().as_u16();
            let body = resp.body().clone().unwrap_or_default();
            let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
            (status, json)
        }
        Err(e) => panic!("unexpected handshake error {e}"),
    }
}
