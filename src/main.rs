fn main() -> std::process::ExitCode {
    scope_lint::cli::main()
}
