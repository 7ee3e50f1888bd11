//! The agent abstraction and the deterministic demo agent.
//!
//! The gateway owns the run framing: it emits `agent_started` before calling
//! [`Agent::run`] and `agent_completed` with the returned reply, so every
//! successful run is bracketed the same way whatever the agent does. The
//! agent emits its intermediate events (`agent_thinking`, `tool_executing`,
//! `tool_completed`, ...) through [`RunEvents`].

use futures_util::FutureExt;
use serde_json::{json, Value};
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::protocol::{
    encode_event, AGENT_COMPLETED, AGENT_STARTED, AGENT_THINKING, ERROR, TOOL_COMPLETED,
    TOOL_EXECUTING,
};
use crate::session::{Outbox, SendError};

/// A boxed, sendable future (object-safe async in traits).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the agent is asked to do.
#[derive(Debug, Clone)]
pub struct AgentInput {
    /// The authenticated user (from the token, never from the query).
    pub user_id: String,
    /// The client's `id` for the message.
    pub message_id: Value,
    pub text: String,
}

/// The agent's final answer.
#[derive(Debug, Clone)]
pub struct AgentOutput {
    pub reply: String,
}

/// Why a run ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentError {
    /// The connection is gone or was closed for back-pressure: stop working.
    Disconnected,
    /// The agent failed; the client receives an `error` event.
    Failed(String),
}

impl fmt::Display for AgentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgentError::Disconnected => f.write_str("client disconnected"),
            AgentError::Failed(m) => write!(f, "agent failed: {m}"),
        }
    }
}

impl std::error::Error for AgentError {}

impl From<SendError> for AgentError {
    fn from(_: SendError) -> Self {
        AgentError::Disconnected
    }
}

/// An agent that answers one user message by streaming events.
pub trait Agent: Send + Sync + 'static {
    /// Shown in `agent_started`.
    fn name(&self) -> &str;

    /// Work on `input`, emitting intermediate events through `events`.
    fn run<'a>(
        &'a self,
        input: &'a AgentInput,
        events: &'a mut RunEvents,
    ) -> BoxFuture<'a, Result<AgentOutput, AgentError>>;
}

/// The event stream of one run: stamps `run_id` and a gap-free `seq`.
pub struct RunEvents {
    outbox: Outbox,
    run_id: String,
    seq: u64,
}

impl RunEvents {
    pub(crate) fn new(outbox: Outbox, run_id: String) -> Self {
        RunEvents {
            outbox,
            run_id,
            seq: 0,
        }
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Queue an event for the client. Never blocks: if the connection's
    /// outgoing queue is full the connection is closed with 1013 and this
    /// returns [`AgentError::Disconnected`].
    pub fn emit(&mut self, kind: &str, data: Value) -> Result<(), AgentError> {
        self.seq += 1;
        let text = encode_event(kind, Some(&self.run_id), self.seq, &data);
        self.outbox.send_text(text)?;
        Ok(())
    }
}

/// Run `agent` on `input` with the gateway's framing events.
pub(crate) async fn drive(agent: Arc<dyn Agent>, input: AgentInput, mut events: RunEvents) {
    let started = json!({
        "message_id": input.message_id,
        "user_id": input.user_id,
        "agent": agent.name(),
    });
    if events.emit(AGENT_STARTED, started).is_err() {
        return;
    }
    // A panicking agent must not take the connection down silently.
    let outcome = AssertUnwindSafe(agent.run(&input, &mut events))
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(AgentError::Failed("the agent panicked".into())));
    match outcome {
        Ok(out) => {
            let _ = events.emit(
                AGENT_COMPLETED,
                json!({ "message_id": input.message_id, "reply": out.reply }),
            );
        }
        Err(AgentError::Disconnected) => {}
        Err(AgentError::Failed(message)) => {
            let _ = events.emit(
                ERROR,
                json!({ "code": "agent_failed", "message": message, "message_id": input.message_id }),
            );
        }
    }
}

/// The default agent: deterministic, calls one tool (`word_count`).
#[derive(Debug, Clone, Default)]
pub struct DemoAgent {
    /// Simulated tool latency (0 in production demos and benchmarks).
    pub tool_delay: Duration,
}

impl DemoAgent {
    pub fn new(tool_delay: Duration) -> Self {
        DemoAgent { tool_delay }
    }
}

/// The demo tool: counts words and characters.
pub fn word_count(text: &str) -> (usize, usize) {
    (text.split_whitespace().count(), text.chars().count())
}

impl Agent for DemoAgent {
    fn name(&self) -> &str {
        "demo"
    }

    fn run<'a>(
        &'a self,
        input: &'a AgentInput,
        events: &'a mut RunEvents,
    ) -> BoxFuture<'a, Result<AgentOutput, AgentError>> {
        Box::pin(async move {
            events.emit(
                AGENT_THINKING,
                json!({ "thought": "I will count the words with the word_count tool." }),
            )?;
            events.emit(
                TOOL_EXECUTING,
                json!({ "tool": "word_count", "args": { "text": input.text } }),
            )?;
            if !self.tool_delay.is_zero() {
                tokio::time::sleep(self.tool_delay).await;
            }
            let (words, chars) = word_count(&input.text);
            events.emit(
                TOOL_COMPLETED,
                json!({ "tool": "word_count", "result": { "words": words, "chars": chars } }),
            )?;
            Ok(AgentOutput {
                reply: format!("Your message has {words} words and {chars} characters."),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(word_count("hello  big world"), (3, 16));
        assert_eq!(word_count(""), (0, 0));
    }
}
