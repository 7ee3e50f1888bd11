//! The stdio transport: `Content-Length` framed JSON-RPC messages on stdin
//! and stdout. `lsp-server`'s own stdio transport ends the session at the
//! first message that is not valid JSON-RPC; this one answers it with a
//! JSON-RPC error (`-32700` parse error, `-32600` invalid request, with the
//! request's id when it has one) and reads on, so a broken client message
//! never takes the server down.

use lsp_server::{Connection, Message};
use std::io::{self, BufRead, Write};
use std::thread;

const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// What one frame held.
enum Frame {
    Text(String),
    /// A header that cannot be read: skipped up to the next blank line.
    BadHeader(String),
}

fn read_frame(input: &mut dyn BufRead) -> io::Result<Option<Frame>> {
    let mut size = None;
    let mut bad = None;
    let mut line = String::new();
    let mut any = false;
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if !any {
                continue;
            }
            break;
        }
        any = true;
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("Content-Length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) => size = Some(n),
                    Err(_) => bad = Some(format!("bad Content-Length: {header:?}")),
                }
            }
            Some(_) => {}
            None => bad = Some(format!("malformed header: {header:?}")),
        }
    }
    if let Some(b) = bad {
        return Ok(Some(Frame::BadHeader(b)));
    }
    let Some(size) = size else {
        return Ok(Some(Frame::BadHeader("no Content-Length header".into())));
    };
    let mut buf = vec![0; size];
    input.read_exact(&mut buf)?;
    Ok(Some(Frame::Text(
        String::from_utf8_lossy(&buf).into_owned(),
    )))
}

fn write_frame(text: &str) -> io::Result<()> {
    // The lock of stdout is held for the whole frame: the reader thread's
    // error replies never interleave with the writer's messages.
    let mut out = io::stdout().lock();
    write!(out, "Content-Length: {}\r\n\r\n", text.len())?;
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn error_reply(id: serde_json::Value, code: i32, message: String) -> String {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    })
    .to_string()
}

/// Turn a frame's text into a message, or the error reply it deserves.
pub fn decode(text: &str) -> Result<Message, String> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return Err(error_reply(
                serde_json::Value::Null,
                PARSE_ERROR,
                format!("parse error: the message is not JSON ({e})"),
            ))
        }
    };
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    serde_json::from_value::<Message>(value).map_err(|e| {
        error_reply(
            id,
            INVALID_REQUEST,
            format!("invalid request: not a JSON-RPC request, notification or response ({e})"),
        )
    })
}

/// Threads that move messages between stdio and a [`Connection`].
pub struct Threads {
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Wait until every message sent has been written.
    pub fn join(self) -> io::Result<()> {
        self.writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

pub fn stdio() -> (Connection, Threads) {
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let writer = thread::Builder::new()
        .name("scope-lint-lsp-writer".into())
        .spawn(move || {
            for msg in from_server {
                let mut buf = Vec::new();
                msg.write(&mut buf)?;
                // `Message::write` frames it already: strip to reuse ours.
                let text = String::from_utf8_lossy(&buf);
                let body = text.split_once("\r\n\r\n").map_or(&*text, |(_, b)| b);
                write_frame(body)?;
            }
            Ok(())
        })
        .expect("spawn the LSP writer thread");
    thread::Builder::new()
        .name("scope-lint-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            loop {
                let frame = match read_frame(&mut input) {
                    Ok(Some(f)) => f,
                    Ok(None) => break,
                    Err(e) => {
                        super::log::error(&format!("cannot read stdin: {e}; stopping"));
                        break;
                    }
                };
                let text = match frame {
                    Frame::Text(t) => t,
                    Frame::BadHeader(why) => {
                        super::log::error(&format!("skipped a message: {why}"));
                        continue;
                    }
                };
                match decode(&text) {
                    Ok(msg) => {
                        let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                        if to_server.send(msg).is_err() || exit {
                            break;
                        }
                    }
                    Err(reply) => {
                        super::log::error(&format!(
                            "malformed message answered with an error: {text:.200}"
                        ));
                        if write_frame(&reply).is_err() {
                            break;
                        }
                    }
                }
            }
        })
        .expect("spawn the LSP reader thread");
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Threads { writer },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_malformed_messages() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: 5\r\n\r\nhello";
        let mut r = &input[..];
        let Some(Frame::Text(t)) = read_frame(&mut r).unwrap() else {
            panic!()
        };
        assert_eq!(t, "{}");
        let reply = decode(&t).unwrap_err();
        assert!(reply.contains("-32600"), "{reply}");
        let Some(Frame::Text(t)) = read_frame(&mut r).unwrap() else {
            panic!()
        };
        assert!(decode(&t).unwrap_err().contains("-32700"));
        assert!(read_frame(&mut r).unwrap().is_none());
        let reply = decode(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#).unwrap_err();
        assert!(reply.contains(r#""id":7"#), "{reply}");
    }
}
