//! `cargo scope-lint ...`: cargo runs `cargo-scope-lint scope-lint ...`.
//! Packages are chosen cargo's way (`-p`, `--workspace`, `--manifest-path`,
//! `--all-targets`); see `scope_lint::cargo_subcommand`.

// The same allocator as `scope-lint` (see src/main.rs).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scope_lint::memory::tune_allocator();
    scope_lint::cargo_subcommand::main_from(std::env::args_os())
}
