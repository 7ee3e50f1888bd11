//! `cargo scope-lint ...`: cargo runs `cargo-scope-lint scope-lint ...`;
//! the command line drops the repeated name and runs as `scope-lint ...`.

fn main() -> std::process::ExitCode {
    scope_lint::cli::main()
}
