//! `cargo scope-lint ...`: cargo runs `cargo-scope-lint scope-lint ...`;
//! the command line drops the repeated name and runs as `scope-lint ...`.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scope_lint::cli::main()
}
