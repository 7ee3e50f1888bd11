//! `scope-gateway [serve] [FLAGS]` runs the gateway;
//! `scope-gateway token --user U --ttl N` mints a token.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;
use tracing::{info, warn};
use tracing_subscriber::EnvFilter;

use scope_gateway::config::{Config, Secret};
use scope_gateway::shutdown::OsSignals;
use scope_gateway::{start, sys};

#[derive(Parser, Debug)]
#[command(
    name = "scope-gateway",
    version,
    about = "WebSocket chat gateway (companion of scope-lint)",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run the gateway (the default).
    Serve(ServeArgs),
    /// Mint a signed token with the configured secret and print it.
    Token(TokenArgs),
}

#[derive(Args, Debug, Clone)]
struct SecretArg {
    /// Token signing secret (at least 16 bytes). Required unless bound to
    /// loopback, where a built-in development secret is used.
    #[arg(long, env = "SCOPE_GATEWAY_SECRET", hide_env_values = true)]
    secret: Option<String>,
}

#[derive(Args, Debug, Clone)]
struct TokenArgs {
    /// User id the token is for ([A-Za-z0-9._@-], up to 128 characters).
    #[arg(long)]
    user: String,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    ttl: u64,
    #[command(flatten)]
    secret: SecretArg,
}

#[derive(Args, Debug, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SCOPE_GATEWAY_BIND", default_value = "127.0.0.1:8000")]
    bind: SocketAddr,
    #[command(flatten)]
    secret: SecretArg,
    /// Largest WebSocket message accepted, in bytes (larger: close 1009).
    #[arg(long, env = "SCOPE_GATEWAY_MAX_MESSAGE_BYTES", default_value_t = 65536)]
    max_message_bytes: usize,
    /// Close connections idle this long, in seconds (close 1001).
    #[arg(long, env = "SCOPE_GATEWAY_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    idle_timeout_secs: u64,
    /// Outgoing events queued per connection (overflow: close 1013).
    #[arg(long, env = "SCOPE_GATEWAY_QUEUE_CAPACITY", default_value_t = 256)]
    queue_capacity: usize,
    /// Maximum concurrent WebSocket sessions (beyond: HTTP 503).
    #[arg(long, env = "SCOPE_GATEWAY_MAX_CONNECTIONS", default_value_t = 10_000)]
    max_connections: usize,
    /// Maximum concurrent agent runs per connection.
    #[arg(
        long,
        env = "SCOPE_GATEWAY_MAX_RUNS_PER_CONNECTION",
        default_value_t = 8
    )]
    max_runs_per_connection: usize,
    /// Seconds in-flight runs may continue after SIGINT/SIGTERM.
    #[arg(long, env = "SCOPE_GATEWAY_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    shutdown_grace_secs: u64,
    /// Seconds a client has to send its complete request head.
    #[arg(
        long,
        env = "SCOPE_GATEWAY_HEADER_READ_TIMEOUT_SECS",
        default_value_t = 10
    )]
    header_read_timeout_secs: u64,
    /// Simulated latency of the demo agent's tool, in milliseconds.
    #[arg(long, env = "SCOPE_GATEWAY_DEMO_TOOL_DELAY_MS", default_value_t = 0)]
    demo_tool_delay_ms: u64,
    /// More query keys whose values are redacted in logs and echoes (comma
    /// separated; case-insensitive; added to token, api_key, password, ...).
    #[arg(
        long = "redact-key",
        env = "SCOPE_GATEWAY_REDACT_KEYS",
        value_delimiter = ','
    )]
    redact_keys: Vec<String>,
}

impl ServeArgs {
    fn to_config(&self) -> Config {
        Config {
            bind: self.bind,
            secret: self.secret.secret.clone().map(Secret::new),
            max_message_bytes: self.max_message_bytes,
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            queue_capacity: self.queue_capacity,
            max_connections: self.max_connections,
            max_runs_per_connection: self.max_runs_per_connection,
            shutdown_grace: Duration::from_secs(self.shutdown_grace_secs),
            demo_tool_delay: Duration::from_millis(self.demo_tool_delay_ms),
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            secret_keys: scope_gateway::scope::Redactor::with_keys(&self.redact_keys),
            ..Config::default()
        }
    }
}

fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn mint(args: &TokenArgs) -> ExitCode {
    let config = Config {
        secret: args.secret.secret.clone().map(Secret::new),
        ..Config::default()
    };
    if config.uses_dev_secret() {
        eprintln!("note: no --secret / SCOPE_GATEWAY_SECRET given; using the development secret");
    }
    match config.signer().mint(&args.user, args.ttl) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn serve(args: ServeArgs) -> ExitCode {
    let config = args.to_config();
    if let Err(e) = config.validate() {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    match sys::raise_fd_limit(1 << 20) {
        Ok(n) => info!(nofile = n, "file descriptor limit"),
        Err(e) => warn!(error = %e, "could not raise the file descriptor limit"),
    }
    if config.uses_dev_secret() {
        warn!("using the built-in development token secret (loopback only); set SCOPE_GATEWAY_SECRET in production");
    }
    // Before the ready line: a SIGTERM right after it must not kill us.
    let mut signals = match OsSignals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot install signal handlers: {e}");
            return ExitCode::from(1);
        }
    };
    let server = match start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let addr = server.local_addr();
    println!("scope-gateway ready on http://{addr} (chat: ws://{addr}/ws/chat)");
    info!(%addr, "ready");
    let handle = server.shutdown_handle();
    tokio::spawn(async move {
        signals.recv().await;
        info!("signal received; shutting down gracefully (send it again to exit at once)");
        handle.trigger();
        signals.recv().await;
        warn!("second signal; exiting without waiting for sessions");
        std::process::exit(130);
    });
    match server.wait().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: server failed: {e}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Some(Cmd::Token(args)) => mint(&args),
        other => {
            let args = match other {
                Some(Cmd::Serve(a)) => a,
                _ => cli.serve,
            };
            init_logging();
            sys::block_on(serve(args))
        }
    }
}
