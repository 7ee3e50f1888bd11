//! `scope-lint server`: a Language Server on stdio, so findings show up in
//! the editor as they are typed, with fixes and suppressions as code
//! actions and each rule's documentation on hover.
//!
//! Built on `lsp-server` and `lsp-types`, the crates rust-analyzer's own
//! server uses: a synchronous main loop over a channel of messages. Each
//! turn takes every message already queued, so a burst of `didChange`
//! notifications is applied as one change and linted once; requests the
//! client cancelled before they were reached are answered with
//! `RequestCancelled`; linting of the open files stops as soon as new
//! messages arrive (their results would be stale) and resumes with the
//! newest texts. The edited document is linted on one core while the crate
//! index takes the change on the other; an edit inside one function body
//! re-analyses that function only ([`crate::incremental`]) and leaves the
//! index as it was; when the change touched signatures every open document
//! is linted again. Diagnostics carry the document
//! version they were computed for.
//!
//! - [`session`]: the state (open documents, configuration, the live crate
//!   index) and the handlers;
//! - [`convert`]: findings as LSP diagnostics, code actions and hovers;
//! - [`position`]: byte offsets and LSP positions (UTF-16 or UTF-8);
//! - [`uri`]: `file://` URIs and paths;
//! - [`transport`]: stdio framing that answers malformed messages;
//! - [`log`]: the log on stderr.

pub mod convert;
pub mod log;
pub mod position;
pub mod session;
pub mod transport;
pub mod uri;

use lsp_server::Connection;
use std::process::ExitCode;

/// Deeply nested code recurses deeply in the parser: the loop runs on a
/// thread with the stack the batch linter gives its workers.
pub(crate) const STACK_BYTES: usize = 64 * 1024 * 1024;

/// Serve on stdio until the client says `exit`. Exit code 0 after a
/// `shutdown` request, 1 otherwise (as the protocol asks).
pub fn run_stdio() -> ExitCode {
    log::info(&format!(
        "scope-lint {} language server on stdio",
        env!("CARGO_PKG_VERSION")
    ));
    let (connection, threads) = transport::stdio();
    let served = std::thread::Builder::new()
        .name("scope-lint-lsp".into())
        .stack_size(STACK_BYTES)
        .spawn(move || serve(connection))
        .map_err(|e| format!("cannot start the server thread: {e}"))
        .and_then(|h| {
            h.join()
                .unwrap_or_else(|_| Err("the server thread panicked".into()))
        });
    let _ = threads.join();
    match served {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            log::error("the client left without `shutdown`");
            ExitCode::from(1)
        }
        Err(e) => {
            log::error(&e);
            ExitCode::from(1)
        }
    }
}

/// Serve one client over `connection` (stdio, or an in-memory pair in
/// tests). Returns whether the session ended with `shutdown` then `exit`.
pub fn serve(connection: Connection) -> Result<bool, String> {
    let Some(init) = session::handshake(&connection)? else {
        return Ok(false);
    };
    let mut session = session::Session::new(connection.sender.clone(), init)?;
    session.main_loop(&connection.receiver)
}
