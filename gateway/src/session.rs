//! One WebSocket chat session.
//!
//! Tasks per connection:
//! - the **reader** (this function) reads frames, enforces the idle timeout
//!   and frame size, parses client messages and spawns agent runs;
//! - the **writer** drains a bounded queue of outgoing frames into the socket;
//! - one task per in-flight **run**, pushing events into the queue with
//!   `try_send`. A full queue means the client does not read fast enough: the
//!   connection is closed with 1013 instead of buffering without bound.

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite;
use tracing::{debug, info};

use crate::agent::{drive, AgentInput, RunEvents};
use crate::protocol::{encode_error, parse_client_message};
use crate::server::AppState;
use crate::shutdown::TrackerGuard;

/// WebSocket close codes used by the gateway.
pub mod codes {
    pub const NORMAL: u16 = 1000;
    pub const GOING_AWAY: u16 = 1001;
    pub const PROTOCOL_ERROR: u16 = 1002;
    pub const INVALID_PAYLOAD: u16 = 1007;
    pub const MESSAGE_TOO_BIG: u16 = 1009;
    pub const TRY_AGAIN_LATER: u16 = 1013;
}

/// Frames written per flush when the queue has a backlog.
const MAX_BATCH: usize = 64;

/// Why and how the gateway closes a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseReason {
    pub code: u16,
    pub reason: &'static str,
    /// Deliver already-queued events before the close frame (graceful
    /// shutdown) instead of closing at once.
    pub drain: bool,
}

pub const IDLE_TIMEOUT: CloseReason = CloseReason {
    code: codes::GOING_AWAY,
    reason: "idle timeout",
    drain: false,
};
pub const SHUTTING_DOWN: CloseReason = CloseReason {
    code: codes::GOING_AWAY,
    reason: "server shutting down",
    drain: true,
};
pub const TOO_BIG: CloseReason = CloseReason {
    code: codes::MESSAGE_TOO_BIG,
    reason: "message too big",
    drain: false,
};
pub const PROTOCOL_VIOLATION: CloseReason = CloseReason {
    code: codes::PROTOCOL_ERROR,
    reason: "protocol error",
    drain: false,
};
pub const INVALID_UTF8: CloseReason = CloseReason {
    code: codes::INVALID_PAYLOAD,
    reason: "text frame is not valid UTF-8",
    drain: false,
};
pub const QUEUE_FULL: CloseReason = CloseReason {
    code: codes::TRY_AGAIN_LATER,
    reason: "outgoing queue full: client too slow",
    drain: false,
};

/// First close reason wins; reader and writer both watch it.
#[derive(Clone)]
pub(crate) struct Closer {
    tx: Arc<watch::Sender<Option<CloseReason>>>,
}

impl Closer {
    fn new() -> Self {
        let (tx, _rx) = watch::channel(None);
        Closer { tx: Arc::new(tx) }
    }

    /// Request a close; returns false if one was already requested.
    pub(crate) fn close(&self, reason: CloseReason) -> bool {
        self.tx.send_if_modified(|cur| {
            if cur.is_none() {
                *cur = Some(reason);
                true
            } else {
                false
            }
        })
    }

    fn get(&self) -> Option<CloseReason> {
        *self.tx.borrow()
    }

    fn subscribe(&self) -> watch::Receiver<Option<CloseReason>> {
        self.tx.subscribe()
    }
}

/// Why an event could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendError {
    /// The queue was full; the connection is being closed with 1013.
    QueueFull,
    /// The connection is gone.
    Closed,
}

/// The sending side of a connection's bounded outgoing queue.
#[derive(Clone)]
pub struct Outbox {
    tx: mpsc::Sender<Message>,
    closer: Closer,
}

impl Outbox {
    pub(crate) fn send_text(&self, text: String) -> Result<(), SendError> {
        if self.closer.get().is_some() {
            return Err(SendError::Closed);
        }
        match self.tx.try_send(Message::Text(text.into())) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.closer.close(QUEUE_FULL);
                Err(SendError::QueueFull)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(SendError::Closed),
        }
    }
}

type WsSink = SplitSink<WebSocket, Message>;
type WsStream = SplitStream<WebSocket>;

fn is_urgent(r: &Option<CloseReason>) -> bool {
    matches!(r, Some(r) if !r.drain)
}

/// Drain the queue into the socket; send the close frame at the end.
async fn writer_loop(
    mut sink: WsSink,
    mut rx: mpsc::Receiver<Message>,
    closer: Closer,
    close_timeout: Duration,
) {
    let mut urgent = closer.subscribe();
    loop {
        let first = tokio::select! {
            biased;
            _ = urgent.wait_for(is_urgent) => break,
            m = rx.recv() => m,
        };
        // `None`: every sender is gone (session over, runs finished).
        let Some(first) = first else { break };
        let write = async {
            sink.feed(first).await?;
            for _ in 0..MAX_BATCH {
                match rx.try_recv() {
                    Ok(m) => sink.feed(m).await?,
                    Err(_) => break,
                }
            }
            sink.flush().await
        };
        let result = tokio::select! {
            biased;
            _ = urgent.wait_for(is_urgent) => break,
            r = write => r,
        };
        if result.is_err() {
            // The socket is broken; nothing more can be written.
            return;
        }
    }
    drop(rx);
    match closer.get() {
        Some(reason) => {
            let frame = CloseFrame {
                code: reason.code,
                reason: reason.reason.into(),
            };
            let _ =
                tokio::time::timeout(close_timeout, sink.send(Message::Close(Some(frame)))).await;
        }
        None => {
            // Completes a close handshake the peer started.
            let _ = tokio::time::timeout(close_timeout, sink.close()).await;
        }
    }
}

/// The close a read error calls for (RFC 6455 7.4.1): 1009 for a message
/// over the limit, 1007 for a text frame that is not UTF-8, 1002 for a
/// protocol violation; `None` when the peer is simply gone.
fn close_for(err: axum::Error) -> Option<CloseReason> {
    use tungstenite::error::ProtocolError;
    match err
        .into_inner()
        .downcast::<tungstenite::Error>()
        .map(|e| *e)
    {
        Ok(tungstenite::Error::Capacity(_)) => Some(TOO_BIG),
        Ok(tungstenite::Error::Utf8(_)) => Some(INVALID_UTF8),
        Ok(tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)) => None,
        Ok(tungstenite::Error::Protocol(_)) => Some(PROTOCOL_VIOLATION),
        _ => None,
    }
}

/// The error event for a message that arrives while the gateway shuts down.
fn refused_in_shutdown(text: &str) -> String {
    let id = parse_client_message(text).ok().map(|m| m.id);
    encode_error(
        "shutting_down",
        "the gateway is shutting down; this message was not run",
        id.as_ref(),
    )
}

/// Read (and discard) until the peer answers our close frame or goes away.
async fn linger(stream: &mut WsStream, limit: Duration) {
    let _ = tokio::time::timeout(limit, async {
        while let Some(Ok(msg)) = stream.next().await {
            if matches!(msg, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The peer closed or the socket failed.
    Peer,
    /// We requested a close (idle, too big, queue full).
    Closing,
    /// Graceful server shutdown.
    Shutdown,
}

/// Serve one authenticated chat connection until it ends.
pub(crate) async fn run_session(
    socket: WebSocket,
    state: Arc<AppState>,
    user_id: String,
    conn_id: u64,
    guard: TrackerGuard,
) {
    let cfg = &state.config;
    let (sink, mut stream) = socket.split();
    let (tx, rx) = mpsc::channel(cfg.queue_capacity);
    let closer = Closer::new();
    let outbox = Outbox {
        tx,
        closer: closer.clone(),
    };
    let writer = tokio::spawn(writer_loop(sink, rx, closer.clone(), cfg.close_timeout));
    let writer_abort = writer.abort_handle();
    info!(conn_id, user_id = %user_id, "chat session opened");

    let mut close_rx = closer.subscribe();
    let mut runs: JoinSet<()> = JoinSet::new();
    let mut run_counter: u64 = 0;
    let idle = tokio::time::sleep(cfg.idle_timeout);
    tokio::pin!(idle);
    let shutdown = state.shutdown.clone();
    let shutdown_signal = shutdown.triggered();
    tokio::pin!(shutdown_signal);

    let end = loop {
        tokio::select! {
            biased;
            _ = &mut shutdown_signal => break End::Shutdown,
            _ = close_rx.wait_for(Option::is_some) => break End::Closing,
            Some(_) = runs.join_next(), if !runs.is_empty() => {}
            () = &mut idle => {
                if runs.is_empty() {
                    closer.close(IDLE_TIMEOUT);
                    break End::Closing;
                }
                // A run is still producing events; the client is waiting.
                idle.as_mut().reset(Instant::now() + cfg.idle_timeout);
            }
            frame = stream.next() => {
                idle.as_mut().reset(Instant::now() + cfg.idle_timeout);
                let text = match frame {
                    None => break End::Peer,
                    Some(Err(err)) => match close_for(err) {
                        Some(reason) => {
                            debug!(conn_id, code = reason.code, "closing on a bad frame");
                            closer.close(reason);
                            break End::Closing;
                        }
                        None => break End::Peer,
                    },
                    Some(Ok(Message::Close(_))) => break End::Peer,
                    // tungstenite answers pings itself.
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Binary(b))) => {
                        if b.len() > cfg.max_message_bytes {
                            closer.close(TOO_BIG);
                            break End::Closing;
                        }
                        let _ = outbox.send_text(encode_error(
                            "unsupported_frame",
                            "binary frames are not supported; send JSON text",
                            None,
                        ));
                        continue;
                    }
                    Some(Ok(Message::Text(t))) => t,
                };
                if text.len() > cfg.max_message_bytes {
                    closer.close(TOO_BIG);
                    break End::Closing;
                }
                match parse_client_message(text.as_str()) {
                    Err(e) => {
                        debug!(conn_id, code = e.code, "rejected client message");
                        let _ = outbox.send_text(encode_error(e.code, &e.message, None));
                    }
                    Ok(msg) if runs.len() >= cfg.max_runs_per_connection => {
                        let _ = outbox.send_text(encode_error(
                            "too_many_runs",
                            "too many runs in flight on this connection; wait for one to complete",
                            Some(&msg.id),
                        ));
                    }
                    Ok(msg) => {
                        run_counter += 1;
                        let run_id = format!("{conn_id}-{run_counter}");
                        let input = AgentInput {
                            user_id: user_id.clone(),
                            message_id: msg.id,
                            text: msg.text,
                        };
                        let events = RunEvents::new(outbox.clone(), run_id);
                        runs.spawn(drive(state.agent.clone(), input, events));
                    }
                }
            }
        }
    };

    match end {
        End::Shutdown => {
            // Stop taking messages; let in-flight runs finish up to the grace
            // period. A message that arrives meanwhile is answered with an
            // `error` event, not dropped in silence.
            let mut reading = true;
            let _ = tokio::time::timeout(cfg.shutdown_grace, async {
                loop {
                    tokio::select! {
                        done = runs.join_next() => if done.is_none() { break },
                        frame = stream.next(), if reading => match frame {
                            Some(Ok(Message::Text(t))) => {
                                let _ = outbox.send_text(refused_in_shutdown(t.as_str()));
                            }
                            Some(Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_))) => {}
                            _ => reading = false,
                        },
                    }
                }
            })
            .await;
            // Messages already received when the runs ended, too.
            while reading {
                match stream.next().now_or_never() {
                    Some(Some(Ok(Message::Text(t)))) => {
                        let _ = outbox.send_text(refused_in_shutdown(t.as_str()));
                    }
                    Some(Some(Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_)))) => {}
                    _ => reading = false,
                }
            }
            runs.shutdown().await;
            closer.close(SHUTTING_DOWN);
        }
        End::Closing | End::Peer => runs.shutdown().await,
    }
    // Our sender goes away; the runs' senders went with their tasks.
    drop(outbox);
    let wait_writer = cfg.close_timeout + Duration::from_secs(1);
    if end != End::Peer {
        // Answer the peer's close reply so the handshake completes cleanly.
        let (_, _) = tokio::join!(
            linger(&mut stream, cfg.close_timeout),
            tokio::time::timeout(wait_writer, writer)
        );
    } else {
        let _ = tokio::time::timeout(wait_writer, writer).await;
    }
    // A writer stuck on a dead peer past its deadline is cancelled.
    writer_abort.abort();
    let reason = closer.get();
    info!(
        conn_id,
        user_id = %user_id,
        close_code = reason.map(|r| r.code).unwrap_or(codes::NORMAL),
        close_reason = reason.map(|r| r.reason).unwrap_or("peer closed"),
        runs = run_counter,
        "chat session closed"
    );
    drop(guard);
}
