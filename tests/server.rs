//! The language server (`scope-lint server`), driven by an LSP client:
//! in process over `lsp-server`'s memory connection for the editing flows,
//! and the real binary over stdio for malformed messages and exit codes.

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

const MAIN: &str = "mod state;\nuse crate::state::AppState;\nuse axum::extract::State;\n\nasync fn handler(State(st): State<AppState>) -> String {\n    let q = st.base.query_params();\n    format!(\"{q:?}\")\n}\n\nfn main() {}\n";
const STATE_URL: &str =
    "use url::Url;\n\n#[derive(Clone)]\npub struct AppState {\n    pub base: Url,\n}\n";
const STATE_STRING: &str = "#[derive(Clone)]\npub struct AppState {\n    pub base: String,\n}\n";

/// A crate of two files: `main.rs` reads a field whose type `state.rs`
/// declares.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/main.rs"), MAIN).unwrap();
    std::fs::write(dir.path().join("src/state.rs"), STATE_URL).unwrap();
    dir
}

fn uri(path: &Path) -> String {
    scope_lint::server::uri::from_path(path)
        .as_str()
        .to_string()
}

/// A response, its result or its error.
struct Reply {
    result: Option<Value>,
    error: Option<lsp_server::ResponseError>,
}

impl From<Response> for Reply {
    fn from(r: Response) -> Reply {
        match r.response_result {
            Ok(v) => Reply {
                result: Some(v),
                error: None,
            },
            Err(e) => Reply {
                result: None,
                error: Some(e),
            },
        }
    }
}

struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<Result<bool, String>>>,
    next_id: i32,
    /// Messages received while waiting for something else.
    backlog: Vec<Message>,
}

fn initialize_params(root: &Path, encodings: &[&str]) -> Value {
    json!({
        "processId": null,
        "rootUri": uri(root),
        "capabilities": { "general": { "positionEncodings": encodings } },
        "workspaceFolders": [{ "uri": uri(root), "name": "app" }],
    })
}

impl Client {
    /// A server thread, with `queued` messages already waiting for it.
    fn spawn(queued: Vec<Message>) -> Client {
        let (client, server) = Connection::memory();
        for m in queued {
            client.sender.send(m).unwrap();
        }
        let handle = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || scope_lint::server::serve(server))
            .unwrap();
        Client {
            conn: client,
            server: Some(handle),
            next_id: 100,
            backlog: Vec::new(),
        }
    }

    fn start(root: &Path, encodings: &[&str]) -> Client {
        let mut c = Client::spawn(Vec::new());
        let init = c.request("initialize", initialize_params(root, encodings));
        assert!(init.error.is_none(), "{:?}", init.error);
        c.notify("initialized", json!({}));
        c
    }

    fn recv(&mut self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Notification::new(method.into(), params).into())
            .unwrap();
    }

    fn send_request(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Request::new(id.clone(), method.into(), params).into())
            .unwrap();
        id
    }

    fn response(&mut self, id: &RequestId) -> Reply {
        if let Some(i) = self
            .backlog
            .iter()
            .position(|m| matches!(m, Message::Response(r) if r.id == *id))
        {
            let Message::Response(r) = self.backlog.remove(i) else {
                unreachable!()
            };
            return r.into();
        }
        loop {
            match self.recv() {
                Message::Response(r) if r.id == *id => return r.into(),
                other => self.backlog.push(other),
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Reply {
        let id = self.send_request(method, params);
        self.response(&id)
    }

    /// The next diagnostics published for `file`.
    fn diagnostics(&mut self, file: &Path) -> (Option<i64>, Vec<Value>) {
        let want = uri(file);
        let is_it = |m: &Message| match m {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                n.params["uri"] == want.as_str()
            }
            _ => false,
        };
        let found = match self.backlog.iter().position(is_it) {
            Some(i) => self.backlog.remove(i),
            None => loop {
                let m = self.recv();
                if is_it(&m) {
                    break m;
                }
                self.backlog.push(m);
            },
        };
        let Message::Notification(n) = found else {
            unreachable!()
        };
        (
            n.params["version"].as_i64(),
            n.params["diagnostics"].as_array().unwrap().clone(),
        )
    }

    fn open(&self, file: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(file), "languageId": "rust", "version": 1, "text": text } }),
        );
    }

    fn change(&self, file: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(file), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn shutdown(mut self) -> bool {
        let r = self.request("shutdown", Value::Null);
        assert!(r.error.is_none());
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap().unwrap()
    }
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// Apply LSP text edits to ASCII text (where UTF-16 columns are bytes).
fn apply_edits(text: &str, edits: &[Value]) -> String {
    assert!(text.is_ascii());
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let col = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + col
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

fn action_edits(action: &Value, file: &Path) -> Vec<Value> {
    action["edit"]["changes"][uri(file)]
        .as_array()
        .unwrap()
        .clone()
}

fn code_actions(c: &mut Client, file: &Path, range: &Value) -> Vec<Value> {
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(file) }, "range": range, "context": { "diagnostics": [] } }),
    );
    r.result.unwrap().as_array().unwrap().clone()
}

#[test]
fn findings_of_an_open_file_and_their_fix_and_suppressions() {
    let dir = project();
    let main = dir.path().join("src/main.rs");
    let mut c = Client::start(dir.path(), &["utf-16"]);
    c.open(&main, MAIN);
    let (version, diags) = c.diagnostics(&main);
    assert_eq!(version, Some(1));
    assert_eq!(codes(&diags), ["SL001"], "{diags:?}");
    let d = &diags[0];
    assert_eq!(d["severity"], 1);
    assert_eq!(d["range"]["start"], json!({ "line": 5, "character": 20 }));
    assert_eq!(d["range"]["end"], json!({ "line": 5, "character": 34 }));
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("`url::Url` has no method `query_params`"));
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("src/rules/sl001_nonexistent_member.rs"));
    assert_eq!(d["relatedInformation"][0]["message"], "this is `url::Url`");
    assert_eq!(
        d["relatedInformation"][0]["location"]["range"]["start"],
        json!({ "line": 5, "character": 12 })
    );

    // Hover on the finding: the rule's documentation.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&main) }, "position": { "line": 5, "character": 25 } }),
    );
    let text = hover.result.unwrap()["contents"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(text.contains("SL001 (nonexistent-member)"), "{text}");
    assert!(
        text.contains(
            scope_lint::rules::find("SL001")
                .unwrap()
                .meta()
                .docs()
                .trim()
        ),
        "{text}"
    );
    let nothing = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri(&main) }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(nothing.result, Some(Value::Null));

    // Code actions: the fix (unsafe, not preferred) and two suppressions.
    let actions = code_actions(&mut c, &main, &d["range"]);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(titles[0].starts_with("Fix SL001") && titles[0].ends_with("(unsafe)"));
    assert_eq!(actions[0]["isPreferred"], false);
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(titles[1], "Suppress SL001 on this line");
    assert_eq!(titles[2], "Suppress SL001 in this file");

    // Applying the fix clears the finding.
    let fixed = apply_edits(MAIN, &action_edits(&actions[0], &main));
    assert!(fixed.contains("st.base.query_pairs()"), "{fixed}");
    c.change(&main, 2, &fixed);
    let (version, diags) = c.diagnostics(&main);
    assert_eq!(version, Some(2));
    assert!(diags.is_empty(), "{diags:?}");

    // So do both suppressions (and they are not reported as unused).
    for (i, version) in [(1, 3), (2, 5)] {
        c.change(&main, version, MAIN);
        assert_eq!(codes(&c.diagnostics(&main).1), ["SL001"]);
        let suppressed = apply_edits(MAIN, &action_edits(&actions[i], &main));
        c.change(&main, version + 1, &suppressed);
        let (_, diags) = c.diagnostics(&main);
        assert!(diags.is_empty(), "{suppressed}\n{diags:?}");
    }
    assert!(c.shutdown(), "shutdown then exit is a clean exit");
}

#[test]
fn a_safe_fix_is_the_preferred_quick_fix() {
    let dir = project();
    let main = dir.path().join("src/main.rs");
    let text = MAIN.replace("fn main() {}", "fn main() {} // scope-lint: allow(SL002)");
    let mut c = Client::start(dir.path(), &[]);
    c.open(&main, &text);
    let (_, diags) = c.diagnostics(&main);
    assert_eq!(codes(&diags), ["SL001", "SL100"]);
    assert_eq!(diags[1]["tags"], json!([1]), "unnecessary");
    let actions = code_actions(&mut c, &main, &diags[1]["range"]);
    assert_eq!(
        actions.len(),
        1,
        "SL100 is not offered a suppression: {actions:?}"
    );
    assert_eq!(actions[0]["isPreferred"], true);
    assert!(!actions[0]["title"].as_str().unwrap().contains("unsafe"));
    let fixed = apply_edits(&text, &action_edits(&actions[0], &main));
    assert_eq!(fixed, MAIN);
}

#[test]
fn unsaved_edits_of_a_dependency_change_the_findings_of_the_open_file() {
    let dir = project();
    let main = dir.path().join("src/main.rs");
    let state = dir.path().join("src/state.rs");
    let mut c = Client::start(dir.path(), &[]);
    c.open(&main, MAIN);
    assert_eq!(codes(&c.diagnostics(&main).1), ["SL001"]);
    c.open(&state, STATE_URL);
    assert!(c.diagnostics(&state).1.is_empty());

    // The field becomes a `String` in the buffer, not on disk.
    c.change(&state, 2, STATE_STRING);
    let (version, diags) = c.diagnostics(&main);
    assert_eq!(version, Some(1), "main.rs itself did not change");
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(std::fs::read_to_string(&state).unwrap(), STATE_URL);

    // Back to `Url`: the finding is back.
    c.change(&state, 3, STATE_URL);
    assert_eq!(codes(&c.diagnostics(&main).1), ["SL001"]);

    // Closing the buffer falls back to the disk text, which a watcher
    // then reports changed.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&state) } }),
    );
    assert!(
        c.diagnostics(&state).1.is_empty(),
        "closing clears its findings"
    );
    std::fs::write(&state, STATE_STRING).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&state), "type": 2 }] }),
    );
    assert!(c.diagnostics(&main).1.is_empty());
    assert!(c.shutdown());
}

#[test]
fn a_configuration_change_is_picked_up() {
    let dir = project();
    let main = dir.path().join("src/main.rs");
    let mut c = Client::start(dir.path(), &[]);
    c.open(&main, MAIN);
    assert_eq!(codes(&c.diagnostics(&main).1), ["SL001"]);
    let config = dir.path().join("scope-lint.toml");
    std::fs::write(&config, "ignore = [\"SL001\"]\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&config), "type": 1 }] }),
    );
    assert!(c.diagnostics(&main).1.is_empty());

    // A broken configuration is shown to the user; the defaults apply.
    std::fs::write(&config, "ignore = [\"SL999\"]\n").unwrap();
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri(&config) } }),
    );
    assert_eq!(codes(&c.diagnostics(&main).1), ["SL001"]);
    let shown = c.backlog.iter().any(|m| {
        matches!(m, Message::Notification(n) if n.method == "window/showMessage"
            && n.params["message"].as_str().unwrap().contains("unknown rule `SL999`"))
    });
    assert!(shown, "{:?}", c.backlog);
}

#[test]
fn positions_are_utf16_unless_utf8_is_negotiated() {
    // `é` is 1 UTF-16 unit and 2 bytes; the crab 2 units and 4 bytes.
    let text = MAIN.replace("let q = st", "let s = \"é🦀\"; let q = st");
    for (offered, negotiated, character) in [
        (vec![], "utf-16", 20 + 15),
        (vec!["utf-8", "utf-16"], "utf-8", 20 + 18),
    ] {
        let dir = project();
        let main = dir.path().join("src/main.rs");
        let mut c = Client::spawn(Vec::new());
        let init = c.request("initialize", initialize_params(dir.path(), &offered));
        assert_eq!(
            init.result.unwrap()["capabilities"]["positionEncoding"],
            negotiated
        );
        c.open(&main, &text);
        let (_, diags) = c.diagnostics(&main);
        assert_eq!(diags[0]["range"]["start"]["character"], character);
    }
}

#[test]
fn queued_changes_are_linted_once_and_cancelled_requests_are_not_run() {
    let dir = project();
    let main = dir.path().join("src/main.rs");
    let note =
        |method: &str, params: Value| Message::from(Notification::new(method.into(), params));
    let mut queued = vec![
        Request::new(
            RequestId::from(1),
            "initialize".into(),
            initialize_params(dir.path(), &[]),
        )
        .into(),
        note("initialized", json!({})),
        note(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(&main), "languageId": "rust", "version": 1, "text": MAIN } }),
        ),
    ];
    for v in 2..=10 {
        let text = if v % 2 == 0 {
            MAIN.replace("query_params", "query_pairs")
        } else {
            MAIN.into()
        };
        queued.push(note(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(&main), "version": v }, "contentChanges": [{ "text": text }] }),
        ));
    }
    queued.push(
        Request::new(
            RequestId::from(2),
            "textDocument/hover".into(),
            json!({ "textDocument": { "uri": uri(&main) }, "position": { "line": 5, "character": 25 } }),
        )
        .into(),
    );
    queued.push(note("$/cancelRequest", json!({ "id": 2 })));
    let mut c = Client::spawn(queued);
    let (version, diags) = c.diagnostics(&main);
    assert_eq!(version, Some(10), "versions 1 to 9 were never linted");
    assert!(diags.is_empty(), "{diags:?}");
    let cancelled = c.response(&RequestId::from(2));
    assert_eq!(cancelled.error.unwrap().code, -32800);
    // Nothing else was published for the file.
    let r = c.request("shutdown", Value::Null);
    assert!(r.error.is_none());
    let published = c.backlog.iter().filter(
        |m| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"),
    );
    assert_eq!(published.count(), 0);
}

#[test]
fn bad_params_unknown_methods_and_requests_after_shutdown_get_errors() {
    let dir = project();
    let mut c = Client::start(dir.path(), &[]);
    let r = c.request("textDocument/hover", json!("not an object"));
    assert_eq!(r.error.unwrap().code, -32602);
    let r = c.request("scope-lint/frobnicate", json!({}));
    let e = r.error.unwrap();
    assert_eq!(e.code, -32601);
    assert!(e.message.contains("scope-lint/frobnicate"));
    // A notification with bad params is logged, not fatal.
    c.notify("textDocument/didOpen", json!({ "nonsense": true }));
    let r = c.request("shutdown", Value::Null);
    assert_eq!(r.result, Some(Value::Null));
    let r = c.request("textDocument/hover", json!({}));
    assert_eq!(r.error.unwrap().code, -32600);
    c.notify("exit", Value::Null);
    assert!(c.server.take().unwrap().join().unwrap().unwrap());
}

/// The binary over stdio: frames in, frames out.
struct Stdio {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
}

impl Stdio {
    fn send_raw(&mut self, body: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut len = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.out.read_line(&mut line).unwrap() > 0,
                "server closed stdout"
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
    fn response(&mut self) -> Value {
        loop {
            let v = self.read();
            if v.get("method").is_none() {
                return v;
            }
        }
    }
}

fn stdio_server(dir: &Path) -> Stdio {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .arg("server")
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    Stdio { child, out }
}

#[test]
fn over_stdio_malformed_messages_get_errors_and_the_server_lives_on() {
    let dir = project();
    let mut s = stdio_server(dir.path());
    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize_params(dir.path(), &[]) });
    s.send_raw(&init.to_string());
    let r = s.response();
    assert_eq!(r["id"], 1);
    assert_eq!(r["result"]["serverInfo"]["name"], "scope-lint");

    s.send_raw("{ this is not json");
    let r = s.response();
    assert_eq!(r["error"]["code"], -32700);
    assert_eq!(r["id"], Value::Null);

    s.send_raw(r#"{"jsonrpc":"2.0","id":7,"params":{}}"#);
    let r = s.response();
    assert_eq!(r["error"]["code"], -32600, "{r}");
    assert_eq!(r["id"], 7);

    s.send_raw(
        r#"{"jsonrpc":"2.0","id":8,"method":"workspace/executeCommand","params":{"command":"x"}}"#,
    );
    let r = s.response();
    assert_eq!(
        (r["id"].clone(), r["error"]["code"].clone()),
        (json!(8), json!(-32601))
    );

    // Still serving: a document is linted.
    let main: PathBuf = dir.path().join("src/main.rs");
    s.send_raw(&json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": { "uri": uri(&main), "languageId": "rust", "version": 1, "text": MAIN } } }).to_string());
    let published = loop {
        let v = s.read();
        if v["method"] == "textDocument/publishDiagnostics" {
            break v;
        }
    };
    assert_eq!(published["params"]["diagnostics"][0]["code"], "SL001");

    s.send_raw(r#"{"jsonrpc":"2.0","id":9,"method":"shutdown"}"#);
    assert_eq!(s.response()["id"], 9);
    s.send_raw(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    let status = s.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let mut log = String::new();
    s.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("malformed message"), "{log}");
    assert!(log.contains("linted"), "{log}");
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let dir = project();
    let mut s = stdio_server(dir.path());
    let init = json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": initialize_params(dir.path(), &[]) });
    s.send_raw(&init.to_string());
    s.response();
    s.send_raw(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    assert_eq!(s.child.wait().unwrap().code(), Some(1));
}
