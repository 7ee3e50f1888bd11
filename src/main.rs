// mimalloc instead of the system allocator: syn's token trees make
// malloc/free a third of a cold run's CPU time with glibc (bench/RESULTS.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scope_lint::memory::tune_allocator();
    scope_lint::cli::main()
}
