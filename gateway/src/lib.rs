//! scope-gateway: a WebSocket chat gateway on axum that reads the request
//! scope correctly.
//!
//! It is the production version of the service in scope-lint's
//! `fixtures/demo` incident, where the auth and health paths called
//! `uri.query_params()` (which `http::Uri` does not have), hand-split the
//! query on `&`, and logged the full URI with its `?token=`. Here:
//!
//! - queries are decoded with `form_urlencoded::parse` and validated
//!   ([`scope`]);
//! - tokens are HMAC-SHA256 signed and compared in constant time ([`auth`]);
//! - logs carry the path and a redacted query only ([`server`]);
//! - each connection has a bounded outgoing queue ([`session`]).
//!
//! Start a server in-process with [`start`]; it returns the bound address and
//! a handle for graceful shutdown.

pub mod agent;
pub mod auth;
pub mod client;
pub mod config;
pub mod protocol;
pub mod scope;
pub mod server;
pub mod session;
pub mod shutdown;
pub mod sys;

pub use agent::{Agent, AgentError, AgentInput, AgentOutput, DemoAgent, RunEvents};
pub use auth::{Claims, TokenSigner};
pub use config::{Config, Secret, DEV_SECRET};
pub use server::{router, start, start_with_agent, AppState, RunningServer};
pub use shutdown::Shutdown;
