//! Hostile clients and unlucky timing: bad frames are closed with the code
//! RFC 6455 gives them (1002, 1007), messages that arrive during shutdown
//! get an `error` event, and secrets are redacted in logs and echoes
//! whatever their key's case. Loopback only.

mod common;

use common::*;
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A raw WebSocket connection to `/ws/chat`, past the handshake.
async fn raw_chat(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let target = origin_form("/ws/chat", &[("token", &token("raw"))]);
    let req = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).await.expect("handshake response");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    s
}

/// A client frame: `first` is FIN/RSV/opcode; masked unless told.
fn frame(first: u8, payload: &[u8], masked: bool) -> Vec<u8> {
    assert!(payload.len() < 126);
    let mut f = vec![first, payload.len() as u8 | if masked { 0x80 } else { 0 }];
    if masked {
        let key = [0x37, 0xfa, 0x21, 0x3d];
        f.extend(key);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    } else {
        f.extend(payload);
    }
    f
}

/// Read server frames until a close frame; its code.
async fn close_code(s: &mut TcpStream) -> Option<u16> {
    let read = async {
        loop {
            let mut h = [0u8; 2];
            s.read_exact(&mut h).await.ok()?;
            let mut len = u64::from(h[1] & 0x7f);
            if len == 126 {
                let mut b = [0u8; 2];
                s.read_exact(&mut b).await.ok()?;
                len = u64::from(u16::from_be_bytes(b));
            } else if len == 127 {
                let mut b = [0u8; 8];
                s.read_exact(&mut b).await.ok()?;
                len = u64::from_be_bytes(b);
            }
            let mut payload = vec![0u8; len as usize];
            s.read_exact(&mut payload).await.ok()?;
            if h[0] & 0x0f == 0x8 {
                // 1005: a close frame without a status code.
                return Some(match payload[..] {
                    [a, b, ..] => u16::from_be_bytes([a, b]),
                    _ => 1005,
                });
            }
        }
    };
    tokio::time::timeout(STEP, read)
        .await
        .expect("close in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_frames_close_with_1002_or_1007() {
    let server = start(config()).await;
    let addr = server.local_addr();
    for (what, bytes, code) in [
        (
            "non-UTF-8 text",
            frame(0x81, &[0x68, 0xff, 0xfe], true),
            1007,
        ),
        ("unmasked client frame", frame(0x81, b"hi", false), 1002),
        ("reserved bits set", frame(0xc1, b"hi", true), 1002),
        ("unknown opcode", frame(0x83, b"hi", true), 1002),
    ] {
        let mut s = raw_chat(addr).await;
        s.write_all(&bytes).await.expect("write frame");
        assert_eq!(close_code(&mut s).await, Some(code), "{what}");
    }
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_during_shutdown_get_an_error_event() {
    let mut cfg = config();
    cfg.demo_tool_delay = Duration::from_millis(1500);
    cfg.shutdown_grace = Duration::from_secs(15);
    let server = start(cfg).await;
    let addr = server.local_addr();
    let mut ws = chat(addr, "busy").await;
    send(&mut ws, user_message(1, "a slow question")).await;
    for kind in ["agent_started", "agent_thinking", "tool_executing"] {
        assert_eq!(next_event(&mut ws).await.kind, kind);
    }
    server.shutdown();
    // Give the session time to see the shutdown before the message.
    tokio::time::sleep(Duration::from_millis(200)).await;
    send(&mut ws, user_message(2, "one more")).await;
    let mut kinds = Vec::new();
    let mut refused = None;
    for _ in 0..3 {
        let ev = next_event(&mut ws).await;
        if ev.kind == "error" {
            refused = Some(ev.data.clone());
        }
        kinds.push(ev.kind);
    }
    let refused = refused.unwrap_or_else(|| panic!("no error event: {kinds:?}"));
    assert_eq!(refused["code"], "shutting_down");
    assert_eq!(refused["message_id"], Value::from(2));
    assert!(kinds.contains(&"agent_completed".to_string()), "{kinds:?}");
    let (code, _) = expect_close(&mut ws, STEP).await.expect("close frame");
    assert_eq!(code, 1001);
    server.wait().await.unwrap();
}
