//! Allocator settings. The binaries use mimalloc (a third less CPU than
//! glibc's malloc on a cold run: syn's token trees are many small
//! allocations). By default mimalloc keeps freed pages for 10 ms before
//! returning them; a run frees a file's syntax tree right after using
//! it, so the pages of big trees piled up (peak RSS 275 MiB on the bench
//! corpus against 228 MiB with pages returned at once, same CPU time).

/// `mi_option_purge_delay` in mimalloc 3's `mimalloc.h` (the Rust bindings
/// do not name it): milliseconds before freed memory is returned.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Return freed memory to the system at once. Call first thing in `main`.
pub fn return_freed_memory_at_once() {
    // SAFETY: setting an option is allowed at any time; 0 is a valid delay.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}
