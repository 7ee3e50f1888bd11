//! Small OS helpers: file-descriptor limit and memory figures (Linux).

/// Raise the soft `RLIMIT_NOFILE` to the hard limit (capped at `want`).
/// Returns the soft limit in force afterwards.
#[cfg(unix)]
#[allow(clippy::unnecessary_cast)] // rlim_t is not u64 on every Unix
pub fn raise_fd_limit(want: u64) -> std::io::Result<u64> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let target = (want as libc::rlim_t).min(lim.rlim_max);
    if target > lim.rlim_cur {
        let new = libc::rlimit {
            rlim_cur: target,
            rlim_max: lim.rlim_max,
        };
        // SAFETY: setrlimit reads the struct we own.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &new) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        return Ok(target as u64);
    }
    Ok(lim.rlim_cur as u64)
}

#[cfg(not(unix))]
pub fn raise_fd_limit(_want: u64) -> std::io::Result<u64> {
    Ok(0)
}

fn status_field_kb(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Peak resident set size of process `pid` in KiB (`VmHWM`), Linux only.
pub fn peak_rss_kb_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status_field_kb(&status, "VmHWM:")
}

/// Peak resident set size of this process in KiB, Linux only.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status_field_kb(&status, "VmHWM:")
}

/// Current resident set size of this process in KiB, Linux only.
pub fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status_field_kb(&status, "VmRSS:")
}

/// Run `main` on a multi-threaded tokio runtime; exit code 1 with a message
/// when no runtime can be started. Shared by the gateway and the load
/// generator.
pub fn block_on<F>(main: F) -> std::process::ExitCode
where
    F: std::future::Future<Output = std::process::ExitCode>,
{
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt.block_on(main),
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status() {
        let s = "Name:\tx\nVmHWM:\t   12345 kB\nVmRSS:\t  100 kB\n";
        assert_eq!(status_field_kb(s, "VmHWM:"), Some(12345));
        assert_eq!(status_field_kb(s, "VmRSS:"), Some(100));
        assert_eq!(status_field_kb(s, "VmPeak:"), None);
    }
}
