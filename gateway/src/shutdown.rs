//! Graceful shutdown: a broadcast trigger and a tracker of live sessions.
//!
//! Upgraded WebSocket connections leave hyper's connection tracking, so the
//! server counts sessions itself and waits for them after it stops accepting.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// A cloneable shutdown trigger.
#[derive(Clone, Debug)]
pub struct Shutdown {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    pub fn new() -> Self {
        let (tx, _rx) = watch::channel(false);
        Shutdown { tx: Arc::new(tx) }
    }

    /// Start the graceful shutdown (idempotent).
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_triggered(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolves once [`Shutdown::trigger`] has been called.
    pub async fn triggered(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives as long as `self`, so this cannot fail.
        let _ = rx.wait_for(|v| *v).await;
    }
}

#[derive(Debug, Default)]
struct TrackerInner {
    count: AtomicUsize,
    notify: Notify,
}

/// Counts live WebSocket sessions.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    inner: Arc<TrackerInner>,
}

/// Held by one live session; dropping it releases the slot.
#[derive(Debug)]
pub struct TrackerGuard {
    inner: Arc<TrackerInner>,
}

impl Drop for TrackerGuard {
    fn drop(&mut self) {
        if self.inner.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.inner.notify.notify_waiters();
        }
    }
}

impl Tracker {
    pub fn count(&self) -> usize {
        self.inner.count.load(Ordering::Acquire)
    }

    /// Take a slot unless `max` sessions are already live.
    pub fn try_acquire(&self, max: usize) -> Option<TrackerGuard> {
        let mut cur = self.inner.count.load(Ordering::Acquire);
        loop {
            if cur >= max {
                return None;
            }
            match self.inner.count.compare_exchange_weak(
                cur,
                cur + 1,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    return Some(TrackerGuard {
                        inner: self.inner.clone(),
                    })
                }
                Err(actual) => cur = actual,
            }
        }
    }

    /// Wait until no session is live, or `limit` elapses. Returns whether idle.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.inner.notify.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.count() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }
}

/// SIGINT (Ctrl-C) and SIGTERM listeners.
///
/// Install them before announcing readiness: a signal that arrives before
/// its handler is registered would kill the process with the default action.
pub struct OsSignals {
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
}

impl OsSignals {
    /// Register the handlers now (needs a running tokio runtime).
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(OsSignals {
                int: signal(SignalKind::interrupt())?,
                term: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(OsSignals {})
        }
    }

    /// Wait for the next SIGINT or SIGTERM.
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.int.recv() => {}
                _ = self.term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tracker_limits_and_idles() {
        let t = Tracker::default();
        let a = t.try_acquire(2).unwrap();
        let b = t.try_acquire(2).unwrap();
        assert!(t.try_acquire(2).is_none());
        assert_eq!(t.count(), 2);
        drop(a);
        assert!(!t.wait_idle(Duration::from_millis(20)).await);
        let waiter = tokio::spawn({
            let t = t.clone();
            async move { t.wait_idle(Duration::from_secs(10)).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(b);
        assert!(waiter.await.unwrap());
    }

    #[tokio::test]
    async fn shutdown_trigger() {
        let s = Shutdown::new();
        assert!(!s.is_triggered());
        let w = tokio::spawn({
            let s = s.clone();
            async move { s.triggered().await }
        });
        s.trigger();
        w.await.unwrap();
        assert!(s.is_triggered());
    }
}
