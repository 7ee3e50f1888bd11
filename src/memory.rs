//! Allocator settings. The binaries use mimalloc (a third less CPU than
//! glibc's malloc on a cold run: syn's token trees are many small
//! allocations).
//!
//! mimalloc returns freed pages to the system after a delay. A run frees a
//! file's syntax tree right after using it. With no delay the next file's
//! tree page-faults fresh pages from the kernel: measured on the bench
//! corpus at 2 threads (2026-11-30), 0 ms gives 6.6-8.4 s cold with 2.7-3.6 s
//! of system time and 206-209 MiB peak; 10 ms gives 5.8-6.3 s, 1.3-1.4 s
//! and 210 MiB; 100 ms 5.5 s but 217-242 MiB. On the application corpus
//! 0.52 s -> 0.41 s. So freed pages wait 10 ms: nearly all the speed for
//! a few MiB.

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the Rust bindings
/// do not name it): milliseconds before freed memory is returned.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Milliseconds freed pages wait before they go back to the system.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Set the allocator up. Call first thing in `main`. A
/// `MIMALLOC_PURGE_DELAY` in the environment (mimalloc's own setting) wins:
/// the benchmark compares delays with it.
pub fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: setting an option is allowed at any time; the delay is valid.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
}
