//! A small WebSocket client for the gateway, used by `loadgen` and the tests.
//!
//! URLs are assembled with `form_urlencoded::Serializer`, never by
//! interpolating values into a query string.

use std::net::SocketAddr;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::WebSocketStream;

/// A connected client socket.
pub type ClientSocket = WebSocketStream<TcpStream>;

/// `scheme://addr{path}?{pairs}` with the pairs form-encoded.
pub fn target(scheme: &str, addr: SocketAddr, path: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(64);
    out.push_str(scheme);
    out.push_str("://");
    out.push_str(&addr.to_string());
    out.push_str(path);
    if !pairs.is_empty() {
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        out.push('?');
        out.push_str(&query);
    }
    out
}

/// Options for [`connect`].
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// Extra request headers (e.g. `Authorization`, `Sec-WebSocket-Protocol`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// `SO_RCVBUF` for the client socket (small values make a slow reader).
    pub recv_buffer: Option<u32>,
    /// tungstenite read buffer (default 128 KiB, eagerly allocated).
    pub ws_read_buffer: Option<usize>,
}

/// Open a TCP connection to `addr` and perform the WebSocket handshake for `url`.
pub async fn connect(
    addr: SocketAddr,
    url: &str,
    opts: &ConnectOptions,
) -> Result<(ClientSocket, Response), WsError> {
    let mut request = url.into_client_request()?;
    for (name, value) in &opts.headers {
        request.headers_mut().append(name.clone(), value.clone());
    }
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(size) = opts.recv_buffer {
        socket.set_recv_buffer_size(size)?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut config = WebSocketConfig::default();
    if let Some(size) = opts.ws_read_buffer {
        config = config.read_buffer_size(size);
    }
    tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_pairs() {
        let addr: SocketAddr = "127.0.0.1:9".parse().unwrap();
        assert_eq!(
            target(
                "ws",
                addr,
                "/ws/chat",
                &[("token", "a+b/c"), ("q", "x y&z")]
            ),
            "ws://127.0.0.1:9/ws/chat?token=a%2Bb%2Fc&q=x+y%26z"
        );
        assert_eq!(
            target("http", addr, "/health", &[]),
            "http://127.0.0.1:9/health"
        );
    }
}
