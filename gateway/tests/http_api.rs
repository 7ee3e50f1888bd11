//! HTTP-level behaviour: health, scope echo, malformed queries and every
//! authentication failure (rejected before any upgrade).

mod common;

use common::*;
use futures_util::StreamExt;
use scope_gateway::auth::unix_now;
use scope_gateway::client::{self, ConnectOptions};
use scope_gateway::TokenSigner;
use serde_json::json;
use tokio_tungstenite::tungstenite::http::{header, HeaderValue};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn health_reports_status_version_uptime_connections() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let r = http_get(addr, "/health", &[]).await;
    assert_eq!(r.status, 200);
    let j = r.json();
    assert_eq!(j["status"], "ok");
    assert_eq!(j["version"], env!("CARGO_PKG_VERSION"));
    assert!(j["uptime_s"].is_u64());
    assert_eq!(j["connections"], 0);

    let _ws = chat(addr, "alice").await;
    let j = http_get(addr, "/health", &[]).await.json();
    assert_eq!(j["connections"], 1);

    let r = http_get(addr, "/nope", &[]).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"], "not_found");
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn scope_echo_over_http_decodes_encoded_plus_repeated_valueless() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let target = "/ws/health?name=J%C3%BCrgen+M%C3%BCller&tag=a&tag=b%20c&flag&empty=&q=a%26b%3Dc&plus=%2B&token=secret.value";
    let r = http_get(addr, target, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert_eq!(j["path"], "/ws/health");
    assert_eq!(j["transport"], "http");
    assert_eq!(
        j["query"],
        json!({
            "name": "Jürgen Müller",
            "tag": ["a", "b c"],
            "flag": "",
            "empty": "",
            "q": "a&b=c",
            "plus": "+",
            "token": "***",
        })
    );
    assert_eq!(
        j["pairs"],
        json!([
            ["name", "Jürgen Müller"],
            ["tag", "a"],
            ["tag", "b c"],
            ["flag", ""],
            ["empty", ""],
            ["q", "a&b=c"],
            ["plus", "+"],
            ["token", "***"]
        ])
    );
    assert!(!r.body.contains("secret.value"));
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn scope_echo_over_websocket() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let url = ws_url(
        addr,
        "/ws/health",
        &[
            ("city", "São Paulo"),
            ("k", "1"),
            ("k", "2"),
            ("sym", "a+b&c=d"),
        ],
    );
    let (mut ws, _) = client::connect(addr, &url, &ConnectOptions::default())
        .await
        .unwrap();
    let msg = tokio::time::timeout(STEP, ws.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Message::Text(text) = msg else {
        panic!("expected text, got {msg:?}")
    };
    let j: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
    assert_eq!(j["transport"], "websocket");
    assert_eq!(j["path"], "/ws/health");
    assert_eq!(
        j["query"],
        json!({"city": "São Paulo", "k": ["1", "2"], "sym": "a+b&c=d"})
    );
    assert_eq!(expect_close(&mut ws, STEP).await.map(|c| c.0), Some(1000));

    // valueless keys over WebSocket too (sent verbatim)
    let url = client::target("ws", addr, "/ws/health", &[]) + "?flag&x=%7E";
    let (mut ws, _) = client::connect(addr, &url, &ConnectOptions::default())
        .await
        .unwrap();
    let Message::Text(text) = ws.next().await.unwrap().unwrap() else {
        panic!()
    };
    let j: serde_json::Value = serde_json::from_str(text.as_str()).unwrap();
    assert_eq!(j["query"], json!({"flag": "", "x": "~"}));
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn malformed_queries_get_400() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let t = token("alice");
    let mut dup = client::target("ws", addr, "/ws/chat", &[("token", &t), ("token", &t)]);
    let cases: Vec<(String, &str)> = vec![
        ("/ws/health?a=%zz".into(), "bad_percent_encoding"),
        ("/ws/health?a=%4".into(), "bad_percent_encoding"),
        ("/ws/health?a=%FF".into(), "invalid_utf8"),
        ("/ws/chat?token=abc%2".into(), "bad_percent_encoding"),
        ("/ws/health?token=a&token=b".into(), "duplicate_key"),
        ("/ws/chat?user_id=a&user_id=b".into(), "duplicate_key"),
    ];
    for (i, (target, code)) in cases.iter().enumerate() {
        let r = http_get(addr, target, &[]).await;
        assert_eq!(r.status, 400, "case {i}: {}", r.body);
        assert_eq!(r.json()["error"], *code, "case {i}");
    }
    // The token twice on a real WebSocket handshake: 400, no upgrade.
    let (status, body) = ws_reject(addr, &dup, &ConnectOptions::default()).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "duplicate_key");
    // Conflicting tokens in query and header: 400.
    dup = ws_url(addr, "/ws/chat", &[("token", &t)]);
    let other = token("bob");
    let opts = ConnectOptions {
        headers: vec![(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {other}")).unwrap(),
        )],
        ..Default::default()
    };
    let (status, body) = ws_reject(addr, &dup, &opts).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "conflicting_credentials");
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn every_auth_failure_is_401_json_without_upgrade() {
    let server = start(config()).await;
    let addr = server.local_addr();
    let good = token("alice");
    let expired = signer().mint_until("alice", unix_now() - 5).unwrap();
    let foreign = TokenSigner::new("some-other-secret-0123456789")
        .mint("alice", 60)
        .unwrap();
    let (payload, _) = good.split_once('.').unwrap();
    let tampered = {
        let mut s = payload.to_owned();
        s.push('.');
        s.push_str("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        s
    };
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![], "missing_token"),
        (vec![("user_id", "alice")], "missing_token"),
        (vec![("token", "not-a-token")], "malformed_token"),
        (vec![("token", "")], "malformed_token"),
        (vec![("token", &foreign)], "bad_signature"),
        (vec![("token", &tampered)], "bad_signature"),
        (vec![("token", &expired)], "token_expired"),
        (
            vec![("token", &good), ("user_id", "mallory")],
            "user_mismatch",
        ),
    ];
    for (pairs, code) in &cases {
        let url = ws_url(addr, "/ws/chat", pairs);
        let (status, body) = ws_reject(addr, &url, &ConnectOptions::default()).await;
        assert_eq!(status, 401, "{pairs:?}");
        assert_eq!(body["error"], *code, "{pairs:?}");
        assert!(body["message"].is_string());
    }
    // Same failures through the Authorization header.
    for (bad, code) in [(&expired, "token_expired"), (&foreign, "bad_signature")] {
        let url = ws_url(addr, "/ws/chat", &[]);
        let opts = ConnectOptions {
            headers: vec![(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {bad}")).unwrap(),
            )],
            ..Default::default()
        };
        let (status, body) = ws_reject(addr, &url, &opts).await;
        assert_eq!(status, 401);
        assert_eq!(body["error"], code);
    }
    // And through the subprotocol.
    let url = ws_url(addr, "/ws/chat", &[]);
    let opts = ConnectOptions {
        headers: vec![(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_str(&format!("bearer, {expired}")).unwrap(),
        )],
        ..Default::default()
    };
    let (status, body) = ws_reject(addr, &url, &opts).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "token_expired");

    // Plain GET with a valid token: authenticated but not an upgrade.
    let r = http_get(addr, &origin_form("/ws/chat", &[("token", &good)]), &[]).await;
    assert_eq!(r.status, 426, "{}", r.body);
    // The 401 carries a WWW-Authenticate challenge.
    let r = http_get(addr, "/ws/chat", &[]).await;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    assert_eq!(server.connections(), 0);
    server.shutdown();
    server.wait().await.unwrap();
}

#[tokio::test]
async fn slow_request_head_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut cfg = config();
    cfg.header_read_timeout = std::time::Duration::from_millis(300);
    let server = start(cfg).await;
    let addr = server.local_addr();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    // Start a request head and never finish it.
    s.write_all(b"GET /health HTTP/1.1\r\nHost: gateway\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(STEP, s.read_to_end(&mut buf))
        .await
        .expect("the gateway closes the connection");
    // Closed (possibly after a 408), never answered as a normal request.
    let text = String::from_utf8_lossy(&buf);
    assert!(
        read.is_err() || buf.is_empty() || text.starts_with("HTTP/1.1 408"),
        "{text}"
    );
    // Complete requests are unaffected.
    assert_eq!(http_get(addr, "/health", &[]).await.status, 200);
    server.shutdown();
    server.wait().await.unwrap();
}
