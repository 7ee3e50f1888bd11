//! Logs are captured in memory and checked: the token never appears in any
//! log line (query, header or subprotocol transport, accepted or rejected),
//! and the access log shows the path with `token=***`.

mod common;

use common::*;
use scope_gateway::auth::unix_now;
use scope_gateway::client::{self, ConnectOptions};
use std::io;
use std::sync::{Arc, Mutex, OnceLock};
use tokio_tungstenite::tungstenite::http::{header, HeaderValue};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = CaptureWriter;
    fn make_writer(&'a self) -> Self::Writer {
        CaptureWriter(self.0.clone())
    }
}

fn capture() -> &'static Capture {
    static CAPTURE: OnceLock<Capture> = OnceLock::new();
    CAPTURE.get_or_init(|| {
        let cap = Capture::default();
        tracing_subscriber::fmt()
            .with_writer(cap.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::TRACE)
            .init();
        cap
    })
}

fn logs() -> String {
    String::from_utf8_lossy(&capture().0.lock().expect("log buffer")).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_never_logged_and_query_redacted() {
    capture();
    let server = start(config()).await;
    let addr = server.local_addr();

    let good = token("alice");
    let expired = signer().mint_until("alice", unix_now() - 1).unwrap();
    let garbage = "not-a-real-token-but-still-secret-XYZZY";

    // Accepted via the query, with a chat run.
    let mut ws = chat(addr, "alice").await;
    send(&mut ws, user_message(1, "hello")).await;
    expect_run(&mut ws, 1).await;
    drop(ws);

    // Rejected via the query (expired, garbage, user mismatch).
    for pairs in [
        vec![("token", expired.as_str())],
        vec![("token", garbage)],
        vec![("token", good.as_str()), ("user_id", "bob")],
    ] {
        let url = ws_url(addr, "/ws/chat", &pairs);
        let (status, _) = ws_reject(addr, &url, &ConnectOptions::default()).await;
        assert_eq!(status, 401);
    }
    // Malformed query with a token in it.
    let bad = origin_form("/ws/chat", &[("token", &good)]) + "&x=%zz";
    assert_eq!(http_get(addr, &bad, &[]).await.status, 400);
    // Header and subprotocol transports.
    let url = ws_url(addr, "/ws/chat", &[]);
    for (name, value) in [
        (header::AUTHORIZATION, format!("Bearer {good}")),
        (header::SEC_WEBSOCKET_PROTOCOL, format!("bearer, {good}")),
        (header::AUTHORIZATION, format!("Bearer {expired}")),
    ] {
        let opts = ConnectOptions {
            headers: vec![(name, HeaderValue::from_str(&value).unwrap())],
            ..Default::default()
        };
        let _ = client::connect(addr, &url, &opts).await;
    }
    // The scope echo with a token.
    let echo = origin_form("/ws/health", &[("a", "1"), ("token", &good)]);
    assert_eq!(http_get(addr, &echo, &[]).await.status, 200);

    server.shutdown();
    server.wait().await.unwrap();

    let text = logs();
    assert!(text.contains("path=/ws/chat"), "{text}");
    assert!(text.contains("chat session opened"), "{text}");
    assert!(text.contains("authentication failed"), "{text}");
    assert!(text.contains("reason=\"token_expired\""), "{text}");
    assert!(text.contains("status=101"), "{text}");
    assert!(text.contains("token=***"), "{text}");
    assert!(text.contains("query=a=1&token=***"), "{text}");
    for secret in [good.as_str(), expired.as_str(), garbage] {
        assert!(
            !text.contains(secret),
            "a token leaked into the logs:\n{text}"
        );
        // Nor its payload or signature half alone.
        for part in secret.split('.') {
            assert!(
                part.len() < 8 || !text.contains(part),
                "token part leaked:\n{text}"
            );
        }
    }
    assert!(!text.contains(SECRET), "the signing secret leaked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_bearing_keys_are_redacted_whatever_their_case() {
    capture();
    let mut cfg = config();
    cfg.secret_keys = scope_gateway::scope::Redactor::with_keys(["Tenant-Key"]);
    let server = start(cfg).await;
    let addr = server.local_addr();
    let secrets = [
        ("TOKEN", "leak-upper-token-Q1"),
        ("Access_Token", "leak-access-Q2"),
        ("api_key", "leak-api-key-Q3"),
        ("password", "leak-password-Q4"),
        ("code", "leak-oauth-code-Q5"),
        ("X-Amz-Signature", "leak-signature-Q6"),
        ("client_secret", "leak-client-secret-Q7"),
        ("Auth", "leak-auth-Q8"),
        ("tenant_key", "leak-configured-Q9"),
    ];
    let mut pairs: Vec<(&str, &str)> = secrets.to_vec();
    pairs.push(("page", "2"));
    let echo = http_get(addr, &origin_form("/ws/health", &pairs), &[]).await;
    assert_eq!(echo.status, 200);
    server.shutdown();
    server.wait().await.unwrap();

    let body = echo.json();
    for (key, value) in secrets {
        assert_eq!(body["query"][key], "***", "{key} in {body}");
        assert!(!echo.body.contains(value), "{key} echoed: {}", echo.body);
    }
    assert_eq!(body["query"]["page"], "2");
    let text = logs();
    assert!(text.contains("TOKEN=***"), "{text}");
    assert!(text.contains("page=2"), "{text}");
    for (key, value) in secrets {
        assert!(!text.contains(value), "{key} leaked into the logs:\n{text}");
    }
}
