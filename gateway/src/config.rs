//! Runtime configuration and its validation.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::auth::TokenSigner;

/// The built-in development secret. Accepted only when bound to loopback.
pub const DEV_SECRET: &str = "scope-gateway-development-secret-not-for-production";

/// Shortest secret accepted from configuration.
pub const MIN_SECRET_LEN: usize = 16;

/// A secret string whose `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Gateway configuration. [`Config::default`] is the development setup.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on (`127.0.0.1:8000`).
    pub bind: SocketAddr,
    /// Token secret; `None` uses [`DEV_SECRET`], which is refused off loopback.
    pub secret: Option<Secret>,
    /// Largest WebSocket message or frame accepted (bytes); larger closes with 1009.
    pub max_message_bytes: usize,
    /// A connection that sends nothing for this long is closed with 1001.
    pub idle_timeout: Duration,
    /// Outgoing events queued per connection; overflow closes with 1013.
    pub queue_capacity: usize,
    /// Live WebSocket sessions; beyond this upgrades get 503.
    pub max_connections: usize,
    /// Concurrent agent runs per connection; beyond this the client gets an `error`.
    pub max_runs_per_connection: usize,
    /// How long in-flight runs may continue after shutdown starts.
    pub shutdown_grace: Duration,
    /// How long to wait for a close frame to be written / answered.
    pub close_timeout: Duration,
    /// Simulated tool latency of the demo agent.
    pub demo_tool_delay: Duration,
    /// `SO_SNDBUF` for accepted sockets (inherited from the listener); `None`
    /// keeps the kernel's auto-tuning. Used by tests to provoke back-pressure.
    pub tcp_send_buffer: Option<u32>,
    /// Listen backlog.
    pub backlog: u32,
    /// A client must send its complete request head within this time, or the
    /// connection is closed (slowloris protection; axum's own `serve` has none).
    pub header_read_timeout: Duration,
    /// Per-connection WebSocket read buffer (eagerly allocated by tungstenite;
    /// larger frames grow it on demand). Small keeps 5,000 idle clients cheap.
    pub ws_read_buffer_bytes: usize,
    /// Outgoing bytes buffered before tungstenite writes to the socket
    /// (the writer also flushes after every batch).
    pub ws_write_buffer_bytes: usize,
    /// Query keys whose values are redacted in logs and echoes.
    pub secret_keys: crate::scope::Redactor,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 8000)),
            secret: None,
            max_message_bytes: 64 * 1024,
            idle_timeout: Duration::from_secs(60),
            queue_capacity: 256,
            max_connections: 10_000,
            max_runs_per_connection: 8,
            shutdown_grace: Duration::from_secs(10),
            close_timeout: Duration::from_secs(5),
            demo_tool_delay: Duration::ZERO,
            tcp_send_buffer: None,
            backlog: 4096,
            header_read_timeout: Duration::from_secs(10),
            ws_read_buffer_bytes: 4 * 1024,
            ws_write_buffer_bytes: 16 * 1024,
            secret_keys: crate::scope::Redactor::default(),
        }
    }
}

/// A configuration the gateway refuses to start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    SecretRequired { bind: SocketAddr },
    SecretTooShort,
    ZeroLimit(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::SecretRequired { bind } => write!(
                f,
                "a token secret is required when binding to a non-loopback address ({bind}): \
                 set --secret or SCOPE_GATEWAY_SECRET"
            ),
            ConfigError::SecretTooShort => {
                write!(
                    f,
                    "the token secret must be at least {MIN_SECRET_LEN} bytes"
                )
            }
            ConfigError::ZeroLimit(name) => write!(f, "{name} must be greater than zero"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Whether the built-in development secret is in use.
    pub fn uses_dev_secret(&self) -> bool {
        self.secret.is_none()
    }

    /// The signer for the configured (or development) secret.
    pub fn signer(&self) -> TokenSigner {
        match &self.secret {
            Some(s) => TokenSigner::new(s.expose()),
            None => TokenSigner::new(DEV_SECRET),
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        match &self.secret {
            None if !self.bind.ip().is_loopback() => {
                return Err(ConfigError::SecretRequired { bind: self.bind })
            }
            Some(s) if s.expose().len() < MIN_SECRET_LEN => {
                return Err(ConfigError::SecretTooShort)
            }
            _ => {}
        }
        let limits = [
            ("max_message_bytes", self.max_message_bytes),
            ("queue_capacity", self.queue_capacity),
            ("max_connections", self.max_connections),
            ("max_runs_per_connection", self.max_runs_per_connection),
        ];
        for (name, v) in limits {
            if v == 0 {
                return Err(ConfigError::ZeroLimit(name));
            }
        }
        if self.idle_timeout.is_zero() {
            return Err(ConfigError::ZeroLimit("idle_timeout"));
        }
        if self.header_read_timeout.is_zero() {
            return Err(ConfigError::ZeroLimit("header_read_timeout"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_secret_only_on_loopback() {
        let mut c = Config::default();
        assert!(c.validate().is_ok());
        c.bind = "0.0.0.0:8000".parse().unwrap();
        assert!(matches!(
            c.validate(),
            Err(ConfigError::SecretRequired { .. })
        ));
        c.secret = Some(Secret::new("short"));
        assert_eq!(c.validate(), Err(ConfigError::SecretTooShort));
        c.secret = Some(Secret::new("0123456789abcdef0123"));
        assert!(c.validate().is_ok());
        assert_eq!(format!("{:?}", c.secret), "Some(Secret(***))");
    }
}
