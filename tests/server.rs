//! The language server (`scope-lint server`), driven by an LSP client:
//! in process over `lsp-server`'s memory connection for the editing flows,
//! and the real binary over stdio for malformed messages and exit codes.

#[path = "common/lsp_stdio.rs"]
mod lsp_stdio;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_stdio::StdioClient;
use serde_json::{json, Value};
use std::io::Read;
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
    with_capabilities(
        root,
        json!({ "general": { "positionEncodings": encodings } }),
    )
}

fn with_capabilities(root: &Path, capabilities: Value) -> Value {
    json!({
        "processId": null,
        "rootUri": uri(root),
        "capabilities": capabilities,
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

    /// A client that pulls diagnostics and takes refresh requests; the
    /// server's capabilities.
    fn start_pulling(root: &Path) -> (Client, Value) {
        let mut c = Client::spawn(Vec::new());
        let caps = json!({
            "textDocument": { "diagnostic": { "dynamicRegistration": false } },
            "workspace": { "diagnostic": { "refreshSupport": true } },
        });
        let init = c.request("initialize", with_capabilities(root, caps));
        c.notify("initialized", json!({}));
        (c, init.result.unwrap()["capabilities"].clone())
    }

    /// The next request the server sent with this method.
    fn server_request(&mut self, method: &str) -> Request {
        let is_it = |m: &Message| matches!(m, Message::Request(r) if r.method == method);
        let found = self.next_such(is_it);
        let Message::Request(r) = found else {
            unreachable!()
        };
        r
    }

    /// The first message, kept back or still to come, that `is_it`
    /// accepts; the others wait in the backlog.
    fn next_such(&mut self, is_it: impl Fn(&Message) -> bool) -> Message {
        if let Some(i) = self.backlog.iter().position(&is_it) {
            return self.backlog.remove(i);
        }
        loop {
            let m = self.recv();
            if is_it(&m) {
                return m;
            }
            self.backlog.push(m);
        }
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
        let found = self.next_such(is_it);
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

/// Code actions of the kinds in `only`, for the whole of the first line.
fn code_actions_only(c: &mut Client, file: &Path, only: &[&str]) -> Vec<Value> {
    let r = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri(file) },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [], "only": only } }),
    );
    r.result.unwrap().as_array().unwrap().clone()
}

/// An axum 0.8 crate with two old-style route captures (SL012, safe
/// fixes), an unused suppression (SL100, safe) and an unknown `Url`
/// method (SL001, an unsafe fix that "fix all" leaves).
const ROUTES: &str = "use axum::routing::get;\nuse axum::Router;\nuse url::Url;\n\nasync fn user() {}\n\nfn app() -> Router {\n    Router::new()\n        .route(\"/users/:id\", get(user))\n        .route(\"/files/*path\", get(user)) // scope-lint: allow(SL002)\n}\n\nfn query(base: &Url) -> String {\n    format!(\"{:?}\", base.query_params())\n}\n\nfn main() {\n    let _ = app();\n}\n";

fn routes_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.8\"\nurl = \"2\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/main.rs"), ROUTES).unwrap();
    dir
}

#[test]
fn fix_all_applies_every_safe_fix_as_scope_lint_fix_does() {
    let dir = routes_project();
    let main = dir.path().join("src/main.rs");
    let mut c = Client::spawn(Vec::new());
    let init = c.request("initialize", initialize_params(dir.path(), &[]));
    let kinds =
        init.result.unwrap()["capabilities"]["codeActionProvider"]["codeActionKinds"].clone();
    assert_eq!(kinds, json!(["quickfix", "source.fixAll.scope-lint"]));
    c.notify("initialized", json!({}));
    c.open(&main, ROUTES);
    let (_, diags) = c.diagnostics(&main);
    let mut found = codes(&diags);
    found.sort();
    assert_eq!(found, ["SL001", "SL012", "SL012", "SL100"], "{diags:?}");

    // Actions at the cursor (no kind asked for) or quick fixes only: no
    // "fix all"; for source actions, or
    // "fix all" of every tool (an editor's fix-on-save): only it.
    let quick = code_actions_only(&mut c, &main, &["quickfix"]);
    assert!(quick.iter().all(|a| a["kind"] == "quickfix"), "{quick:?}");
    let at_cursor = code_actions(&mut c, &main, &diags[0]["range"]);
    assert!(!at_cursor.is_empty());
    assert!(
        at_cursor.iter().all(|a| a["kind"] == "quickfix"),
        "{at_cursor:?}"
    );
    for only in [
        &["source"][..],
        &["source.fixAll"],
        &["source.fixAll.scope-lint"],
    ] {
        let actions = code_actions_only(&mut c, &main, only);
        assert_eq!(actions.len(), 1, "{only:?}: {actions:?}");
        assert_eq!(actions[0]["kind"], "source.fixAll.scope-lint");
    }
    let actions = code_actions_only(&mut c, &main, &["source.fixAll"]);
    let edits = action_edits(&actions[0], &main);
    assert_eq!(edits.len(), 1, "one edit: {edits:?}");
    let fixed = apply_edits(ROUTES, &edits);

    // The same text as `scope-lint --fix` writes for the same file.
    let cli = routes_project();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args(["--no-cache", "--fix", "src/main.rs"])
        .current_dir(cli.path())
        .output()
        .unwrap();
    let by_cli = std::fs::read_to_string(cli.path().join("src/main.rs")).unwrap();
    assert_ne!(by_cli, ROUTES, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fixed, by_cli);

    // Applied: what is left has no safe fix, and "fix all" is not offered.
    c.change(&main, 2, &fixed);
    let (version, diags) = c.diagnostics(&main);
    assert_eq!(version, Some(2));
    assert_eq!(codes(&diags), ["SL001"], "{fixed}\n{diags:?}");
    assert!(code_actions_only(&mut c, &main, &["source"]).is_empty());
    assert!(c.shutdown());
}

#[test]
fn a_client_that_pulls_diagnostics_gets_reports_and_nothing_pushed() {
    let dir = project();
    let main = dir.path().join("src/main.rs");
    let state = dir.path().join("src/state.rs");
    let (mut c, caps) = Client::start_pulling(dir.path());
    assert_eq!(caps["diagnosticProvider"]["identifier"], "scope-lint");
    assert_eq!(caps["diagnosticProvider"]["interFileDependencies"], true);
    let pull = |c: &mut Client, file: &Path, previous: Option<&str>| {
        let r = c.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri(file) }, "previousResultId": previous }),
        );
        r.result.unwrap()
    };
    c.open(&main, MAIN);
    let first = pull(&mut c, &main, None);
    assert_eq!(first["kind"], "full");
    let items = first["items"].as_array().unwrap();
    assert_eq!(codes(items), ["SL001"], "{first}");
    assert_eq!(
        items[0]["range"]["start"],
        json!({ "line": 5, "character": 20 })
    );
    let id = first["resultId"].as_str().unwrap().to_string();

    // Nothing changed: `unchanged`, same id.
    let again = pull(&mut c, &main, Some(&id));
    assert_eq!(again, json!({ "kind": "unchanged", "resultId": id }));

    // Edited without a change of findings: still `unchanged`.
    c.change(&main, 2, &format!("{MAIN}\n// a comment\n"));
    let same = pull(&mut c, &main, Some(&id));
    assert_eq!(same, json!({ "kind": "unchanged", "resultId": id }));

    // Fixed in the buffer: a new full report, empty.
    c.change(&main, 3, &MAIN.replace("query_params", "query_pairs"));
    let fixed = pull(&mut c, &main, Some(&id));
    assert_eq!(fixed["kind"], "full");
    assert_eq!(fixed["items"], json!([]));
    assert_ne!(fixed["resultId"], json!(id));

    // An edit of the file it depends on: the server asks for a new pull.
    c.change(&main, 4, MAIN);
    assert_eq!(pull(&mut c, &main, None)["items"][0]["code"], "SL001");
    c.open(&state, STATE_URL);
    c.change(&state, 2, STATE_STRING);
    let refresh = c.server_request("workspace/diagnostic/refresh");
    c.conn
        .sender
        .send(Response::new_ok(refresh.id, Value::Null).into())
        .unwrap();
    assert_eq!(pull(&mut c, &main, None)["items"], json!([]));

    // A document that is not open: an empty report.
    let other = pull(&mut c, &dir.path().join("src/none.rs"), None);
    assert_eq!(other, json!({ "kind": "full", "items": [] }));

    let r = c.request("shutdown", Value::Null);
    assert!(r.error.is_none());
    let pushed = c.backlog.iter().filter(
        |m| matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"),
    );
    assert_eq!(pushed.count(), 0, "a pulling client gets nothing pushed");
    c.notify("exit", Value::Null);
    assert!(c.server.take().unwrap().join().unwrap().unwrap());
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
fn an_edit_inside_a_body_relints_that_file_only() {
    let dir = project();
    let main = dir.path().join("src/main.rs");
    let state = dir.path().join("src/state.rs");
    let mut c = Client::start(dir.path(), &[]);
    c.open(&state, STATE_URL);
    assert!(c.diagnostics(&state).1.is_empty());
    c.open(&main, MAIN);
    assert_eq!(codes(&c.diagnostics(&main).1), ["SL001"]);
    // Typing inside the handler's body, a new line included: the index
    // keeps its interface, and `state.rs` is not linted again.
    for (version, text) in [
        (
            2,
            MAIN.replace("    format!", "    let n = 1;\n    format!"),
        ),
        (
            3,
            MAIN.replace("    format!", "    let n = 12;\n    format!"),
        ),
    ] {
        c.change(&main, version, &text);
        let (v, diags) = c.diagnostics(&main);
        assert_eq!(v, Some(i64::from(version)));
        assert_eq!(codes(&diags), ["SL001"]);
    }
    let r = c.request("shutdown", Value::Null);
    assert!(r.error.is_none());
    let republished = c.backlog.iter().filter(|m| {
        matches!(m, Message::Notification(n) if n.method == "textDocument/publishDiagnostics"
            && n.params["uri"] == uri(&state).as_str())
    });
    assert_eq!(republished.count(), 0);
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
        let caps = &init.result.unwrap()["capabilities"];
        assert_eq!(caps["positionEncoding"], negotiated);
        assert!(
            caps.get("diagnosticProvider").is_none(),
            "a client that cannot pull gets diagnostics pushed"
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

fn stdio_server(dir: &Path) -> StdioClient {
    StdioClient::spawn(
        std::process::Command::new(env!("CARGO_BIN_EXE_scope-lint"))
            .arg("server")
            .current_dir(dir)
            .stderr(std::process::Stdio::piped()),
    )
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
    let published = s.published(&uri(&main), None);
    assert_eq!(published[0]["code"], "SL001");

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
