//! A minimal LSP client for `scope-lint server` over stdio
//! (`Content-Length` frames of JSON), shared by `tests/server.rs` and
//! `benches/lsp_latency.rs` (included in both with `#[path]`).
#![allow(dead_code)] // each includer uses its own subset

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdout, Command, Stdio};

/// The server process and the reading end of its stdout.
pub struct StdioClient {
    pub child: Child,
    out: BufReader<ChildStdout>,
}

impl StdioClient {
    /// Start `cmd` (the server) with piped stdin and stdout.
    pub fn spawn(cmd: &mut Command) -> StdioClient {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server");
        let out = BufReader::new(child.stdout.take().unwrap());
        StdioClient { child, out }
    }

    /// Send a frame with this body, JSON or not.
    pub fn send_raw(&mut self, body: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    pub fn send(&mut self, message: &Value) {
        self.send_raw(&message.to_string());
    }

    /// The next message.
    pub fn read(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.out.read_line(&mut line).unwrap() > 0,
                "the server closed stdout"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length: ") {
                len = v.parse().unwrap();
            }
        }
        let mut buf = vec![0; len];
        self.out.read_exact(&mut buf).unwrap();
        serde_json::from_slice(&buf).unwrap()
    }

    /// The next message that is a response.
    pub fn response(&mut self) -> Value {
        loop {
            let v = self.read();
            if v.get("method").is_none() {
                return v;
            }
        }
    }

    /// The next diagnostics published for `uri` (at `version` if given).
    pub fn published(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        loop {
            let v = self.read();
            if v["method"] == "textDocument/publishDiagnostics"
                && v["params"]["uri"] == uri
                && version.is_none_or(|want| v["params"]["version"] == want)
            {
                return v["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}
