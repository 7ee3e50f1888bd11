//! Router, handlers, access log and the server lifecycle.

use axum::extract::ws::{
    rejection::WebSocketUpgradeRejection, CloseFrame, Message, WebSocketUpgrade,
};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use futures_util::StreamExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;
use tower_service::Service as _;
use tracing::{debug, info, warn};

use crate::agent::{Agent, DemoAgent};
use crate::auth::{authenticate, extract_token, TokenSigner, BEARER_PROTOCOL};
use crate::config::Config;
use crate::scope::{redact_query, QueryParams, Redactor};
use crate::session::{codes, run_session};
use crate::shutdown::{Shutdown, Tracker};
use crate::sys;

/// Shared state of one running gateway.
pub struct AppState {
    pub(crate) config: Config,
    pub(crate) signer: TokenSigner,
    pub(crate) agent: Arc<dyn Agent>,
    pub(crate) shutdown: Shutdown,
    pub(crate) tracker: Tracker,
    started: Instant,
    next_conn_id: AtomicU64,
}

impl AppState {
    pub fn new(config: Config, agent: Arc<dyn Agent>) -> Self {
        AppState {
            signer: config.signer(),
            config,
            agent,
            shutdown: Shutdown::new(),
            tracker: Tracker::default(),
            started: Instant::now(),
            next_conn_id: AtomicU64::new(1),
        }
    }
}

/// A JSON error body: `{"error": code, "message": text}`.
pub fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": code, "message": message }))).into_response()
}

fn unauthorized(code: &str, message: &str) -> Response {
    let mut resp = json_error(StatusCode::UNAUTHORIZED, code, message);
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"scope-gateway\""),
    );
    resp
}

/// The gateway's routes, with the access log.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/ws/chat", get(ws_chat))
        .route("/ws/health", get(ws_health))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), access_log))
        .with_state(state)
}

async fn not_found() -> Response {
    json_error(StatusCode::NOT_FOUND, "not_found", "no such route")
}

/// Access log: method, path, a redacted query (`token=***`), status, time.
/// Never the full URI, never headers.
async fn access_log(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = redact_query(req.uri().query(), &state.config.secret_keys);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    let start = Instant::now();
    let resp = next.run(req).await;
    info!(
        target: "scope_gateway::access",
        method = %method,
        path = %path,
        query = %query,
        status = resp.status().as_u16(),
        elapsed_us = start.elapsed().as_micros() as u64,
        peer = ?peer,
        "request"
    );
    resp
}

async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let status = if state.shutdown.is_triggered() {
        "shutting_down"
    } else {
        "ok"
    };
    Json(json!({
        "status": status,
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_s": state.started.elapsed().as_secs(),
        "connections": state.tracker.count(),
        "peak_rss_kb": sys::peak_rss_kb(),
    }))
}

fn bad_query(err: &crate::scope::QueryError) -> Response {
    json_error(StatusCode::BAD_REQUEST, err.code(), &err.to_string())
}

fn upgrade_required() -> Response {
    let mut resp = json_error(
        StatusCode::UPGRADE_REQUIRED,
        "upgrade_required",
        "this endpoint speaks WebSocket",
    );
    resp.headers_mut()
        .insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    resp
}

/// `GET /ws/chat`: authenticate before the upgrade, then run a session.
async fn ws_chat(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let query = match QueryParams::parse(uri.query()) {
        Ok(q) => q,
        Err(e) => return bad_query(&e),
    };
    let token = match extract_token(&query, &headers) {
        Ok(t) => t,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, e.code(), &e.to_string()),
    };
    let claims = match authenticate(
        &state.signer,
        token.as_ref().map(|(t, _)| t.as_str()),
        &query,
    ) {
        Ok(c) => c,
        Err(e) => {
            warn!(
                path = uri.path(),
                reason = e.code(),
                "authentication failed"
            );
            return unauthorized(e.code(), &e.to_string());
        }
    };
    let Ok(ws) = ws else {
        return upgrade_required();
    };
    if state.shutdown.is_triggered() {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the gateway is shutting down",
        );
    }
    let cfg = &state.config;
    let Some(guard) = state.tracker.try_acquire(cfg.max_connections) else {
        return json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too_many_connections",
            "connection limit reached; retry later",
        );
    };
    let conn_id = state.next_conn_id.fetch_add(1, Ordering::Relaxed);
    let source = token.map(|(_, s)| s.as_str()).unwrap_or("none");
    info!(conn_id, user_id = %claims.user_id, token_source = source, "chat upgrade accepted");
    let user_id = claims.user_id;
    let state2 = state.clone();
    ws.protocols([BEARER_PROTOCOL])
        .read_buffer_size(cfg.ws_read_buffer_bytes)
        .write_buffer_size(cfg.ws_write_buffer_bytes)
        .max_message_size(cfg.max_message_bytes)
        .max_frame_size(cfg.max_message_bytes)
        .on_upgrade(move |socket| run_session(socket, state2, user_id, conn_id, guard))
}

/// The request scope as JSON: what the incident's health endpoint failed to
/// produce. Credentials are redacted.
pub fn scope_json(uri: &Uri, query: &QueryParams, transport: &str, secrets: &Redactor) -> Value {
    json!({
        "type": "scope",
        "transport": transport,
        "path": uri.path(),
        "query": query.to_json_map(secrets),
        "pairs": query.to_json_pairs(secrets),
    })
}

/// `GET /ws/health`: the connection's scope, over WebSocket or plain HTTP.
async fn ws_health(
    State(state): State<Arc<AppState>>,
    uri: Uri,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let query = match QueryParams::parse(uri.query()) {
        Ok(q) => q,
        Err(e) => return bad_query(&e),
    };
    let Ok(ws) = ws else {
        return Json(scope_json(&uri, &query, "http", &state.config.secret_keys)).into_response();
    };
    let body = scope_json(&uri, &query, "websocket", &state.config.secret_keys).to_string();
    let close_timeout = state.config.close_timeout;
    ws.max_message_size(state.config.max_message_bytes)
        .read_buffer_size(state.config.ws_read_buffer_bytes)
        .on_upgrade(move |mut socket| async move {
            let _ = socket.send(Message::Text(body.into())).await;
            let frame = CloseFrame {
                code: codes::NORMAL,
                reason: "scope sent".into(),
            };
            let _ = socket.send(Message::Close(Some(frame))).await;
            // Wait for the peer's close reply, bounded.
            let _ = tokio::time::timeout(close_timeout, async {
                while let Some(Ok(_)) = socket.next().await {}
            })
            .await;
        })
}

fn bind(cfg: &Config) -> io::Result<TcpListener> {
    let socket = if cfg.bind.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    if let Some(size) = cfg.tcp_send_buffer {
        // Inherited by accepted sockets.
        socket.set_send_buffer_size(size)?;
    }
    socket.bind(cfg.bind)?;
    socket.listen(cfg.backlog)
}

/// Accept errors that concern one connection only.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// Serve one HTTP/1.1 connection (and its upgrade) until it ends or the
/// gateway shuts down.
async fn serve_connection(tcp: TcpStream, peer: SocketAddr, app: Router, state: Arc<AppState>) {
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(peer));
        let mut app = app.clone();
        app.call(req)
    });
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.config.header_read_timeout);
    let conn = builder
        .serve_connection(TokioIo::new(tcp), service)
        .with_upgrades();
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                debug!(error = %e, "connection ended with an error");
            }
        }
        () = state.shutdown.triggered() => {
            // Finish the request in flight, then close keep-alive connections.
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(state.config.close_timeout, conn).await;
        }
    }
}

/// Accept loop, then the graceful drain.
async fn serve(listener: TcpListener, app: Router, state: Arc<AppState>) -> io::Result<()> {
    // HTTP connections until they finish or upgrade (sessions are tracked apart).
    let http = Tracker::default();
    loop {
        let accepted = tokio::select! {
            biased;
            () = state.shutdown.triggered() => break,
            r = listener.accept() => r,
        };
        let (tcp, peer) = match accepted {
            Ok(x) => x,
            Err(e) if is_connection_error(&e) => continue,
            Err(e) => {
                // e.g. EMFILE: back off instead of spinning.
                warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Events are small frames; Nagle would add latency.
        let _ = tcp.set_nodelay(true);
        let Some(guard) = http.try_acquire(usize::MAX) else {
            continue;
        };
        let (app, state) = (app.clone(), state.clone());
        tokio::spawn(async move {
            serve_connection(tcp, peer, app, state).await;
            drop(guard);
        });
    }
    // No longer accepting.
    drop(listener);
    let cfg = &state.config;
    info!(
        open_sessions = state.tracker.count(),
        "listener closed; draining"
    );
    let _ = http
        .wait_idle(cfg.close_timeout + Duration::from_secs(1))
        .await;
    // Sessions finish their runs and close with 1001.
    let limit = cfg.shutdown_grace + cfg.close_timeout * 2 + Duration::from_secs(1);
    if !state.tracker.wait_idle(limit).await {
        warn!(
            open_sessions = state.tracker.count(),
            "shutdown deadline passed with sessions still open"
        );
    }
    info!("shutdown complete");
    Ok(())
}

/// A gateway started by [`start`].
pub struct RunningServer {
    addr: SocketAddr,
    state: Arc<AppState>,
    task: JoinHandle<io::Result<()>>,
}

impl RunningServer {
    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that triggers graceful shutdown.
    pub fn shutdown_handle(&self) -> Shutdown {
        self.state.shutdown.clone()
    }

    /// Start graceful shutdown.
    pub fn shutdown(&self) {
        self.state.shutdown.trigger();
    }

    /// Live WebSocket chat sessions.
    pub fn connections(&self) -> usize {
        self.state.tracker.count()
    }

    /// Wait until the server has stopped (after shutdown).
    pub async fn wait(self) -> io::Result<()> {
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(io::Error::other(e)),
        }
    }
}

/// Bind and serve with the demo agent.
pub async fn start(config: Config) -> io::Result<RunningServer> {
    let agent = Arc::new(DemoAgent::new(config.demo_tool_delay));
    start_with_agent(config, agent).await
}

/// Bind `config.bind` and serve in a background task.
pub async fn start_with_agent(config: Config, agent: Arc<dyn Agent>) -> io::Result<RunningServer> {
    config
        .validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let listener = bind(&config)?;
    let addr = listener.local_addr()?;
    let state = Arc::new(AppState::new(config, agent));
    let app = router(state.clone());
    let task = tokio::spawn(serve(listener, app, state.clone()));
    Ok(RunningServer { addr, state, task })
}
