//! The server's state and its handlers: the open documents (their
//! in-memory text is what is linted, never the disk), the configuration
//! of each file (reloaded when a `scope-lint.toml` or `Cargo.toml`
//! changes), the linters built for it, and the live crate index
//! ([`crate::index::live`]) that every text change goes through.
//!
//! Findings reach the client pushed (`textDocument/publishDiagnostics`)
//! or, when the client can pull them (LSP 3.17 `textDocument/diagnostic`),
//! pulled: then nothing is pushed (an editor would show both), each report
//! carries a `resultId` (a hash of the diagnostics) and a pull whose
//! previous id still holds is answered `unchanged`; when the crate index
//! changed, and with it the findings of files not edited, the client is
//! asked to pull again (`workspace/diagnostic/refresh`).

use super::convert::{self, Text};
use super::log;
use super::position::{self, Encoding, LineIndex};
use super::uri;
use crate::config::{Config, Discovery};
use crate::diagnostic::Diagnostic;
use crate::incremental::Analysis;
use crate::index::live::{Change, LiveIndex};
use crate::index::SharedIndex;
use crate::lint::Linter;
use crate::models::Models;
use crate::prefilter::Prefilter;
use crate::rules::RuleSet;
use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{notification as n, request as r};
use lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    DiagnosticOptions, DiagnosticServerCapabilities, DidChangeWatchedFilesRegistrationOptions,
    DocumentDiagnosticReport, DocumentDiagnosticReportResult, FileChangeType, FileSystemWatcher,
    FullDocumentDiagnosticReport, GlobPattern, Hover, HoverContents, HoverProviderCapability,
    InitializeParams, InitializeResult, MarkupContent, MarkupKind, PositionEncodingKind,
    PublishDiagnosticsParams, Registration, RegistrationParams,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport, SaveOptions,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, UnchangedDocumentDiagnosticReport, Uri,
};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

const REQUEST_CANCELLED: i32 = -32800;
const SERVER_NOT_INITIALIZED: i32 = -32002;

/// Wait for `initialize` and answer it; `None` when the client exits first.
pub fn handshake(conn: &Connection) -> Result<Option<InitializeParams>, String> {
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) if req.method == r::Initialize::METHOD => {
                let params: InitializeParams = match serde_json::from_value(req.params) {
                    Ok(p) => p,
                    Err(e) => {
                        reply_err(
                            &conn.sender,
                            req.id,
                            ErrorCode::InvalidParams as i32,
                            format!("initialize: invalid params: {e}"),
                        );
                        continue;
                    }
                };
                let encoding = negotiate(&params.capabilities);
                let pull = pulls_diagnostics(&params.capabilities);
                let result = InitializeResult {
                    capabilities: capabilities(encoding, pull),
                    server_info: Some(ServerInfo {
                        name: "scope-lint".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                };
                send(&conn.sender, Response::new_ok(req.id, result).into());
                return Ok(Some(params));
            }
            Message::Request(req) => reply_err(
                &conn.sender,
                req.id,
                SERVER_NOT_INITIALIZED,
                format!("`{}` before `initialize`", req.method),
            ),
            Message::Notification(note) if note.method == n::Exit::METHOD => return Ok(None),
            _ => {}
        }
    }
    Ok(None)
}

/// UTF-8 when the client offers it (no conversion), else UTF-16.
fn negotiate(caps: &ClientCapabilities) -> Encoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|o| o.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// Can the client pull diagnostics (`textDocument/diagnostic`)?
fn pulls_diagnostics(caps: &ClientCapabilities) -> bool {
    caps.text_document
        .as_ref()
        .is_some_and(|t| t.diagnostic.is_some())
}

fn capabilities(encoding: Encoding, pull: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(convert::FIX_ALL_KIND),
            ]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        diagnostic_provider: pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("scope-lint".into()),
                // An edit of `state.rs` changes the findings of the files
                // that read its fields.
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..DiagnosticOptions::default()
            })
        }),
        ..ServerCapabilities::default()
    }
}

fn send(sender: &Sender<Message>, msg: Message) {
    if sender.send(msg).is_err() {
        log::error("the client connection is closed");
    }
}

fn reply_err(sender: &Sender<Message>, id: RequestId, code: i32, message: String) {
    log::info(&format!("replying with error {code}: {message}"));
    send(sender, Response::new_err(id, code, message).into());
}

/// An open document.
struct Document {
    uri: Uri,
    version: i32,
    text: String,
    lines: LineIndex,
    /// Findings of `text`, when linted (`None`: not yet).
    diagnostics: Option<Vec<Diagnostic>>,
    /// The same as LSP diagnostics, and their report's id (pull mode).
    reported: Vec<lsp_types::Diagnostic>,
    result_id: String,
    /// What the last lint leaves for the next edit's
    /// ([`crate::incremental`]); dropped when the configuration changes.
    analysis: Option<Analysis>,
}

impl Document {
    fn text_of(&self, encoding: Encoding) -> Text<'_> {
        Text {
            uri: &self.uri,
            text: &self.text,
            lines: &self.lines,
            encoding,
        }
    }
}

/// The linter for one configuration file (`None`: the defaults).
struct ConfiguredLinter {
    config: Config,
    linter: Linter,
}

impl ConfiguredLinter {
    /// The findings the configuration keeps (`ignore` per file).
    fn keep_configured(&self, path: &Path, mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let ignored = self.config.ignored_for(path);
        found.retain(|d| !ignored.contains(&d.code.code));
        found
    }
}

/// Everything one client session knows.
pub struct Session {
    sender: Sender<Message>,
    encoding: Encoding,
    /// The client pulls diagnostics: none are pushed.
    pull: bool,
    /// The client takes `workspace/diagnostic/refresh`.
    refresh: bool,
    watch_dynamically: bool,
    roots: Vec<PathBuf>,
    docs: HashMap<PathBuf, Document>,
    index: LiveIndex,
    /// Text changes not yet given to the index.
    pending: Change,
    discovery: Discovery,
    linters: HashMap<Option<PathBuf>, ConfiguredLinter>,
    /// Configuration problems already shown to the user.
    shown: HashSet<String>,
    /// Documents to lint, most urgent first.
    dirty: Vec<PathBuf>,
    shutdown: bool,
    next_id: i32,
}

impl Session {
    pub fn new(sender: Sender<Message>, params: InitializeParams) -> Result<Session, String> {
        let encoding = negotiate(&params.capabilities);
        let pull = pulls_diagnostics(&params.capabilities);
        let refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostic.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        let watch_dynamically = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        #[allow(deprecated)]
        let mut roots: Vec<PathBuf> = match (&params.workspace_folders, &params.root_uri) {
            (Some(folders), _) if !folders.is_empty() => folders
                .iter()
                .filter_map(|f| uri::to_path(&f.uri))
                .collect(),
            (_, Some(root)) => uri::to_path(root).into_iter().collect(),
            _ => Vec::new(),
        };
        roots.retain(|r| r.is_dir());
        let models = Models::builtin().map_err(|e| e.to_string())?;
        let words = models.value_crate_words();
        let prefilter = Prefilter::from_parts(words.clone(), Vec::new());
        let index = LiveIndex::new(words.into_iter().collect(), move |t: &str| {
            prefilter.names_a_crate(t.as_bytes())
        });
        let mut session = Session {
            sender,
            encoding,
            pull,
            refresh,
            watch_dynamically,
            roots,
            docs: HashMap::new(),
            index,
            pending: Change::default(),
            discovery: Discovery::default(),
            linters: HashMap::new(),
            shown: HashSet::new(),
            dirty: Vec::new(),
            shutdown: false,
            next_id: 0,
        };
        session.load_roots();
        Ok(session)
    }

    /// Read the workspace's Rust files into the index (the only bulk read
    /// from disk; afterwards the editor tells what changed).
    fn load_roots(&mut self) {
        if self.roots.is_empty() {
            log::info("no workspace folder: each file is linted with the crate around it");
            return;
        }
        let started = Instant::now();
        let walked = match crate::walk::collect(&self.roots, 0) {
            Ok(w) => w,
            Err(e) => {
                self.show_error(format!("{e}"));
                return;
            }
        };
        for f in &walked.files {
            if let Ok(text) = std::fs::read_to_string(f) {
                self.pending.set_text(absolute(f), text.into());
            }
        }
        let n = walked.files.len();
        self.apply_pending();
        log::info(&format!(
            "workspace {}: {n} Rust files indexed in {:.1} ms",
            self.roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            started.elapsed().as_secs_f64() * 1000.0
        ));
    }

    /// Serve until `exit`; whether `shutdown` came first.
    pub fn main_loop(&mut self, receiver: &Receiver<Message>) -> Result<bool, String> {
        while let Ok(first) = receiver.recv() {
            let mut batch = vec![first];
            batch.extend(receiver.try_iter());
            // Cancellations of requests still in this batch.
            let cancelled: HashSet<RequestId> = batch
                .iter()
                .filter_map(|m| match m {
                    Message::Notification(note) if note.method == n::Cancel::METHOD => {
                        let p: lsp_types::CancelParams =
                            serde_json::from_value(note.params.clone()).ok()?;
                        Some(match p.id {
                            lsp_types::NumberOrString::Number(i) => RequestId::from(i),
                            lsp_types::NumberOrString::String(s) => RequestId::from(s),
                        })
                    }
                    _ => None,
                })
                .collect();
            if batch.len() > 1 {
                log::debug(&format!("{} messages in this turn", batch.len()));
            }
            for msg in batch {
                match msg {
                    Message::Request(req) if cancelled.contains(&req.id) => {
                        reply_err(
                            &self.sender,
                            req.id,
                            REQUEST_CANCELLED,
                            "cancelled by the client".into(),
                        );
                    }
                    Message::Request(req) => self.on_request(req),
                    Message::Notification(note) if note.method == n::Exit::METHOD => {
                        return Ok(self.shutdown);
                    }
                    Message::Notification(note) => self.on_notification(note),
                    Message::Response(resp) => {
                        if let Err(e) = resp.response_result {
                            log::error(&format!(
                                "the client answered {:?} with an error: {}",
                                resp.id, e.message
                            ));
                        }
                    }
                }
            }
            self.lint_urgent_while_indexing(receiver);
            self.lint_dirty(receiver);
        }
        Ok(false)
    }

    // ----- requests --------------------------------------------------------

    fn on_request(&mut self, req: Request) {
        if log::enabled_debug() {
            log::debug(&format!("request {} {:?}", req.method, req.id));
        }
        if self.shutdown {
            return reply_err(
                &self.sender,
                req.id,
                ErrorCode::InvalidRequest as i32,
                format!("`{}` after `shutdown`", req.method),
            );
        }
        let id = req.id.clone();
        let result = match req.method.as_str() {
            r::Shutdown::METHOD => {
                self.shutdown = true;
                log::info("shutdown");
                Ok(serde_json::Value::Null)
            }
            r::CodeActionRequest::METHOD => params(req).map(|p| to_value(self.code_actions(p))),
            r::HoverRequest::METHOD => params(req).map(|p| to_value(self.hover(p))),
            r::DocumentDiagnosticRequest::METHOD => {
                params(req).map(|p| to_value(self.pull_diagnostics(p)))
            }
            r::Initialize::METHOD => Err((
                ErrorCode::InvalidRequest as i32,
                "`initialize` may be sent once".to_string(),
            )),
            other => Err((
                ErrorCode::MethodNotFound as i32,
                format!(
                    "unknown method `{other}`: scope-lint answers codeAction, hover and diagnostic"
                ),
            )),
        };
        match result {
            Ok(value) => send(&self.sender, Response::new_ok(id, value).into()),
            Err((code, message)) => reply_err(&self.sender, id, code, message),
        }
    }

    /// The document of a URI, linted as it stands.
    fn current(&mut self, uri: &Uri) -> Option<PathBuf> {
        let path = uri::to_path(uri).map(|p| absolute(&p))?;
        if !self.docs.contains_key(&path) {
            return None;
        }
        self.apply_pending();
        if self.docs[&path].diagnostics.is_none() {
            self.lint(&path);
        }
        Some(path)
    }

    fn code_actions(&mut self, p: lsp_types::CodeActionParams) -> Vec<lsp_types::CodeAction> {
        let only = p.context.only.as_deref();
        let wants_quickfix = convert::kind_requested(only, CodeActionKind::QUICKFIX.as_str());
        // "Fix all" re-lints the document: computed only when asked for by
        // kind (a source-action menu, fix-on-save), not on every request
        // for the actions at the cursor.
        let wants_fix_all = only.is_some() && convert::kind_requested(only, convert::FIX_ALL_KIND);
        if !wants_quickfix && !wants_fix_all {
            return Vec::new();
        }
        let Some(path) = self.current(&p.text_document.uri) else {
            return Vec::new();
        };
        let mut actions = Vec::new();
        if wants_quickfix {
            actions = self.quick_fixes(&path, p.range);
        }
        if wants_fix_all {
            actions.extend(self.fix_all(&path));
        }
        actions
    }

    fn quick_fixes(&self, path: &Path, range: lsp_types::Range) -> Vec<lsp_types::CodeAction> {
        let doc = &self.docs[path];
        let start = doc.lines.offset(&doc.text, range.start, self.encoding);
        let end = doc.lines.offset(&doc.text, range.end, self.encoding);
        let diagnostics = doc.diagnostics.as_deref().unwrap_or_default();
        convert::code_actions(
            &doc.text_of(self.encoding),
            diagnostics,
            start..end.max(start),
        )
    }

    /// "Fix all": every safe fix of the document, applied the way
    /// `scope-lint --fix` applies them (re-linted until stable, never a
    /// text that does not parse), as one edit; `None` when there is
    /// nothing to fix.
    fn fix_all(&mut self, path: &Path) -> Option<lsp_types::CodeAction> {
        let findings = self.docs[path].diagnostics.as_deref().unwrap_or_default();
        if !findings.iter().any(|d| crate::fix::allowed(d, false)) {
            return None;
        }
        let key = self.linter_key(path);
        let (configured, doc) = (&self.linters[&key], &self.docs[path]);
        let started = Instant::now();
        let fixed = crate::fix::fix_text(&doc.text, false, |t| {
            if t == doc.text {
                doc.diagnostics.clone().unwrap_or_default()
            } else {
                findings_of(configured, path, t)
            }
        });
        if let Some((code, e)) = &fixed.broke {
            log::error(&format!(
                "{}: the {} fix would make the file unparsable ({e}); left out of \"fix all\"",
                path.display(),
                code.code
            ));
        }
        log::info(&format!(
            "fix all in {}: {} fixes in {:.1} ms",
            path.display(),
            fixed.applied,
            started.elapsed().as_secs_f64() * 1000.0
        ));
        (fixed.text != doc.text)
            .then(|| convert::fix_all(&doc.text_of(self.encoding), &fixed.text, fixed.applied))
    }

    /// `textDocument/diagnostic`: the document's findings as they stand,
    /// or `unchanged` when the client already has them.
    fn pull_diagnostics(
        &mut self,
        p: lsp_types::DocumentDiagnosticParams,
    ) -> DocumentDiagnosticReportResult {
        let report = match self.current(&p.text_document.uri) {
            Some(path) => {
                let doc = &self.docs[&path];
                if p.previous_result_id.as_deref() == Some(doc.result_id.as_str()) {
                    DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                        related_documents: None,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id: doc.result_id.clone(),
                        },
                    })
                } else {
                    full_report(Some(doc.result_id.clone()), doc.reported.clone())
                }
            }
            // Not open: scope-lint reports on open documents only.
            None => full_report(None, Vec::new()),
        };
        DocumentDiagnosticReportResult::Report(report)
    }

    fn hover(&mut self, p: lsp_types::HoverParams) -> Option<Hover> {
        let at = &p.text_document_position_params;
        let path = self.current(&at.text_document.uri)?;
        let doc = &self.docs[&path];
        let offset = doc.lines.offset(&doc.text, at.position, self.encoding);
        let value = convert::hover(doc.diagnostics.as_deref().unwrap_or_default(), offset)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: None,
        })
    }

    // ----- notifications ---------------------------------------------------

    fn on_notification(&mut self, note: Notification) {
        if log::enabled_debug() {
            log::debug(&format!("notification {}", note.method));
        }
        let method = note.method.clone();
        let handled = match method.as_str() {
            n::Initialized::METHOD => {
                self.register_watchers();
                Ok(())
            }
            n::DidOpenTextDocument::METHOD => params(note).map(|p| self.did_open(p)),
            n::DidChangeTextDocument::METHOD => params(note).map(|p| self.did_change(p)),
            n::DidSaveTextDocument::METHOD => params(note).map(|p| self.did_save(p)),
            n::DidCloseTextDocument::METHOD => params(note).map(|p| self.did_close(p)),
            n::DidChangeWatchedFiles::METHOD => params(note).map(|p| self.watched(p)),
            // `$/cancelRequest` was handled with its batch; other `$/`
            // notifications and unknown ones may be ignored.
            _ => Ok(()),
        };
        if let Err((_, message)) = handled {
            log::error(&format!("{method}: {message}; ignored"));
        }
    }

    fn register_watchers(&mut self) {
        if !self.watch_dynamically {
            log::info(
                "the client cannot watch files for us: configuration changes are seen on save",
            );
            return;
        }
        let watchers = [
            "**/scope-lint.toml",
            "**/.scope-lint.toml",
            "**/Cargo.toml",
            "**/*.rs",
        ]
        .into_iter()
        .map(|g| FileSystemWatcher {
            glob_pattern: GlobPattern::String(g.into()),
            kind: None,
        })
        .collect();
        let registration = Registration {
            id: "scope-lint-watch".into(),
            method: n::DidChangeWatchedFiles::METHOD.into(),
            register_options: Some(to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers,
            })),
        };
        self.next_id += 1;
        let req = Request::new(
            RequestId::from(format!("scope-lint-{}", self.next_id)),
            r::RegisterCapability::METHOD.into(),
            RegistrationParams {
                registrations: vec![registration],
            },
        );
        send(&self.sender, req.into());
    }

    fn did_open(&mut self, p: lsp_types::DidOpenTextDocumentParams) {
        let doc = p.text_document;
        let Some(path) = uri::to_path(&doc.uri).map(|p| absolute(&p)) else {
            log::info(&format!("{}: not a file; not linted", doc.uri.as_str()));
            return;
        };
        if is_config(&path) {
            return;
        }
        log::info(&format!(
            "opened {} (version {})",
            path.display(),
            doc.version
        ));
        self.pending
            .set_text(path.clone(), doc.text.as_str().into());
        self.docs.insert(
            path.clone(),
            Document {
                uri: doc.uri,
                version: doc.version,
                lines: LineIndex::new(&doc.text),
                text: doc.text,
                diagnostics: None,
                reported: Vec::new(),
                result_id: String::new(),
                analysis: None,
            },
        );
        self.urgent(path);
    }

    fn did_change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        let Some(path) = uri::to_path(&p.text_document.uri).map(|p| absolute(&p)) else {
            return;
        };
        let Some(doc) = self.docs.get_mut(&path) else {
            log::error(&format!(
                "didChange of {} which is not open; ignored",
                path.display()
            ));
            return;
        };
        position::apply_changes(
            &mut doc.text,
            &mut doc.lines,
            p.content_changes,
            self.encoding,
        );
        doc.version = p.text_document.version;
        doc.diagnostics = None;
        self.pending
            .set_text(path.clone(), doc.text.as_str().into());
        self.urgent(path);
    }

    fn did_save(&mut self, p: lsp_types::DidSaveTextDocumentParams) {
        let Some(path) = uri::to_path(&p.text_document.uri).map(|p| absolute(&p)) else {
            return;
        };
        if is_config(&path) {
            self.config_changed(&path);
        } else if let Some(doc) = self.docs.get_mut(&path) {
            doc.diagnostics = None;
            self.urgent(path);
        }
    }

    fn did_close(&mut self, p: lsp_types::DidCloseTextDocumentParams) {
        let Some(path) = uri::to_path(&p.text_document.uri).map(|p| absolute(&p)) else {
            return;
        };
        let Some(doc) = self.docs.remove(&path) else {
            return;
        };
        self.dirty.retain(|d| *d != path);
        // The disk text is the file's text again.
        match std::fs::read_to_string(&path) {
            Ok(text) => self.pending.set_text(path.clone(), text.into()),
            Err(_) => self.pending.remove(path.clone()),
        }
        if !self.pull {
            self.publish(doc.uri, Vec::new(), None);
        }
    }

    fn watched(&mut self, p: lsp_types::DidChangeWatchedFilesParams) {
        for change in p.changes {
            let Some(path) = uri::to_path(&change.uri).map(|p| absolute(&p)) else {
                continue;
            };
            if is_config(&path) {
                self.config_changed(&path);
            } else if path.extension().is_some_and(|e| e == "rs") && !self.docs.contains_key(&path)
            {
                // An open document's buffer wins over the disk.
                let text = (change.typ != FileChangeType::DELETED)
                    .then(|| std::fs::read_to_string(&path).ok())
                    .flatten();
                match text {
                    Some(t) => self.pending.set_text(path, t.into()),
                    None => self.pending.remove(path),
                }
            }
        }
    }

    fn config_changed(&mut self, path: &Path) {
        log::info(&format!(
            "{} changed: configuration reloaded",
            path.display()
        ));
        self.discovery = Discovery::default();
        self.linters.clear();
        self.shown.clear();
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            self.pending.manifests_changed = true;
        }
        self.all_dirty();
    }

    // ----- linting -----------------------------------------------------------

    fn urgent(&mut self, path: PathBuf) {
        self.dirty.retain(|d| *d != path);
        self.dirty.insert(0, path);
    }

    fn all_dirty(&mut self) {
        let mut open: Vec<PathBuf> = self.docs.keys().cloned().collect();
        open.sort();
        for p in open {
            if let Some(doc) = self.docs.get_mut(&p) {
                doc.diagnostics = None;
                doc.analysis = None;
            }
            if !self.dirty.contains(&p) {
                self.dirty.push(p);
            }
        }
    }

    /// Give the index the texts changed since the last turn; when it
    /// changed, every open document may have other findings.
    fn apply_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let change = std::mem::take(&mut self.pending);
        let started = Instant::now();
        if self.index.apply_change(change) {
            self.index_changed(started);
        }
    }

    /// The index was relinked: the linters get it, and every open document
    /// may have other findings.
    fn index_changed(&mut self, started: Instant) {
        let index = self.index.current();
        for l in self.linters.values_mut() {
            l.linter.index = Some(index.clone());
        }
        log::info(&format!(
            "crate index relinked ({} files) in {:.1} ms",
            index.get().file_count,
            started.elapsed().as_secs_f64() * 1000.0
        ));
        self.all_dirty();
        if self.pull && self.refresh && !self.docs.is_empty() {
            self.next_id += 1;
            let req = Request::new(
                RequestId::from(format!("scope-lint-{}", self.next_id)),
                r::WorkspaceDiagnosticRefresh::METHOD.into(),
                serde_json::Value::Null,
            );
            send(&self.sender, req.into());
        }
    }

    /// Lint dirty documents, most urgent first, until none is left or a
    /// new message arrives (its changes would make the results stale).
    fn lint_dirty(&mut self, receiver: &Receiver<Message>) {
        while let Some(path) = self.dirty.first().cloned() {
            if !receiver.is_empty() {
                log::debug(&format!(
                    "{} documents left to lint: new messages first",
                    self.dirty.len()
                ));
                return;
            }
            self.dirty.remove(0);
            if self
                .docs
                .get(&path)
                .is_some_and(|d| d.diagnostics.is_none())
            {
                self.lint(&path);
            }
        }
    }

    /// The linter for `path`, built on first use; its key.
    fn linter_key(&mut self, path: &Path) -> Option<PathBuf> {
        let key = self.config_file(path);
        if !self.linters.contains_key(&key) {
            let built = self.build_linter(&key, self.index.current());
            self.linters.insert(key.clone(), built);
        }
        key
    }

    fn lint(&mut self, path: &Path) {
        let key = self.linter_key(path);
        let Some(doc) = self.docs.get(path) else {
            return;
        };
        let linted = lint_document(&self.linters[&key], doc, path, self.encoding);
        self.store(path, linted);
    }

    /// Keep a document's findings and push them (unless the client
    /// pulls them).
    fn store(&mut self, path: &Path, (diagnostics, lsp, analysis): Linted) {
        let Some(doc) = self.docs.get_mut(path) else {
            return;
        };
        doc.diagnostics = Some(diagnostics);
        doc.analysis = analysis;
        if self.pull {
            let bytes = serde_json::to_vec(&lsp).unwrap_or_default();
            doc.result_id = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&bytes));
            doc.reported = lsp;
            return;
        }
        let (uri, version) = (doc.uri.clone(), doc.version);
        self.publish(uri, lsp, Some(version));
    }

    /// One turn's work when the most urgent document changed: the index
    /// takes the pending change on one core while the document is linted
    /// with the index as it was on the other (an edit inside a body, the
    /// usual keystroke, does not change the index). When the index did
    /// change, every open document, this one included, is linted again.
    fn lint_urgent_while_indexing(&mut self, receiver: &Receiver<Message>) {
        let Some(path) = self.dirty.first().cloned() else {
            return self.apply_pending();
        };
        let stale = self
            .docs
            .get(&path)
            .is_some_and(|d| d.diagnostics.is_none());
        if self.pending.is_empty() || !stale || !receiver.is_empty() {
            return self.apply_pending();
        }
        let key = self.linter_key(&path);
        let change = std::mem::take(&mut self.pending);
        let (linters, docs, index, encoding) =
            (&self.linters, &self.docs, &mut self.index, self.encoding);
        let started = Instant::now();
        let (relinked, linted) = std::thread::scope(|s| {
            let indexing = std::thread::Builder::new()
                .name("scope-lint-index".into())
                .stack_size(super::STACK_BYTES)
                .spawn_scoped(s, move || index.apply_change(change));
            let linted = lint_document(&linters[&key], &docs[&path], &path, encoding);
            let relinked = match indexing {
                Ok(h) => h.join().unwrap_or_else(|_| {
                    log::error("the index update panicked; please report it");
                    false
                }),
                Err(e) => {
                    log::error(&format!("cannot start the index thread: {e}"));
                    false
                }
            };
            (relinked, linted)
        });
        log::debug(&format!(
            "index change and lint of {} in {:.1} ms",
            path.display(),
            started.elapsed().as_secs_f64() * 1000.0
        ));
        self.dirty.remove(0);
        self.store(&path, linted);
        if relinked {
            self.index_changed(started);
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        send(
            &self.sender,
            Notification::new(n::PublishDiagnostics::METHOD.into(), params).into(),
        );
    }

    /// The configuration file for `path` (`None`: the defaults).
    fn config_file(&mut self, path: &Path) -> Option<PathBuf> {
        match self.discovery.config_file_for(path) {
            Ok(found) => found,
            Err(e) => {
                self.show_error(format!("{e}; using the default rules until it is fixed"));
                None
            }
        }
    }

    fn build_linter(
        &mut self,
        file: &Option<PathBuf>,
        index: Arc<SharedIndex>,
    ) -> ConfiguredLinter {
        let config = match file {
            Some(f) => Config::load(f).unwrap_or_else(|e| {
                self.show_error(format!("{e}; using the default rules until it is fixed"));
                Config::defaults(Path::new("."))
            }),
            None => Config::defaults(Path::new(".")),
        };
        let models = Models::load(&config.model_dirs()).unwrap_or_else(|e| {
            let at = file
                .as_deref()
                .map_or("models".into(), |f| f.display().to_string());
            self.show_error(format!("{at}: {e}; using the builtin models"));
            Models::builtin().expect("the builtin models load (a unit test checks)")
        });
        let levels = config.rule_levels(&[], &[]);
        let mut linter = Linter::new(models, RuleSet::new(levels));
        linter.index = Some(index);
        if let Some(f) = file {
            log::info(&format!("configuration {}", f.display()));
        }
        ConfiguredLinter { config, linter }
    }

    /// Log an error, and show it to the user once.
    fn show_error(&mut self, message: String) {
        log::error(&message);
        if self.shown.insert(message.clone()) {
            let params = lsp_types::ShowMessageParams {
                typ: lsp_types::MessageType::ERROR,
                message: format!("scope-lint: {message}"),
            };
            send(
                &self.sender,
                Notification::new(n::ShowMessage::METHOD.into(), params).into(),
            );
        }
    }
}

/// A document's findings, and the same as LSP diagnostics.
type Linted = (
    Vec<Diagnostic>,
    Vec<lsp_types::Diagnostic>,
    Option<Analysis>,
);

/// Lint a document's text (never the disk) with its configuration.
fn lint_document(
    configured: &ConfiguredLinter,
    doc: &Document,
    path: &Path,
    encoding: Encoding,
) -> Linted {
    let started = Instant::now();
    let ns = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
    let stats = &configured.linter.stats;
    let (parse_before, check_before) = (ns(&stats.parse_ns), ns(&stats.check_ns));
    let (diagnostics, analysis) = if configured.config.is_excluded(path) {
        (Vec::new(), None)
    } else {
        let (result, analysis) =
            configured
                .linter
                .lint_text_incremental(path, doc.text.clone(), doc.analysis.as_ref());
        (
            configured.keep_configured(path, result.diagnostics),
            analysis,
        )
    };
    log::info(&format!(
        "linted {} (version {}): {} findings in {:.1} ms (parse {:.1} ms, analysis {:.1} ms)",
        path.display(),
        doc.version,
        diagnostics.len(),
        started.elapsed().as_secs_f64() * 1000.0,
        ns(&stats.parse_ns).saturating_sub(parse_before) as f64 / 1e6,
        ns(&stats.check_ns).saturating_sub(check_before) as f64 / 1e6,
    ));
    let text = doc.text_of(encoding);
    let lsp = diagnostics
        .iter()
        .map(|d| convert::diagnostic(&text, d))
        .collect();
    (diagnostics, lsp, analysis)
}

/// The findings of a text of `path` under its configuration (what the
/// command line reports for the file: excluded files have none, ignored
/// codes are left out).
fn findings_of(configured: &ConfiguredLinter, path: &Path, text: &str) -> Vec<Diagnostic> {
    if configured.config.is_excluded(path) {
        return Vec::new();
    }
    let result = configured.linter.lint_text(path, text.to_string());
    configured.keep_configured(path, result.diagnostics)
}

fn full_report(
    result_id: Option<String>,
    items: Vec<lsp_types::Diagnostic>,
) -> DocumentDiagnosticReport {
    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
    })
}

fn is_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::walk::CONFIG_NAMES.contains(&n))
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn to_value(v: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// A message's parameters, or the `InvalidParams` error to answer.
fn params<P: serde::de::DeserializeOwned>(msg: impl Into<Message>) -> Result<P, (i32, String)> {
    let (method, value) = match msg.into() {
        Message::Request(r) => (r.method, r.params),
        Message::Notification(n) => (n.method, n.params),
        Message::Response(_) => {
            return Err((ErrorCode::InvalidRequest as i32, "a response".into()))
        }
    };
    serde_json::from_value(value).map_err(|e| {
        (
            ErrorCode::InvalidParams as i32,
            format!("{method}: invalid params: {e}"),
        )
    })
}
