//! Client-side request-rate limits: each operation's documented limit (the
//! spec's `x-cloudjobs-rate-limit`), kept by one limiter that every clone of
//! a client's configuration shares, so that a thousand concurrent waits on
//! one client send no faster than the vendor allows.
//!
//! Requests of an operation are spaced evenly, `1 / limit` seconds apart,
//! with no burst: in any one-second window there are then at most `limit`
//! requests started (plus one at the window's closing instant), which is the
//! reading of "N requests per second" that no vendor's counter can refuse.
//! Vendors count per account, and one client is one account.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// What limits a client keeps, and the times at which each operation may
/// next send. Cloning shares the schedule.
#[derive(Clone, Default)]
pub struct RateLimiter {
    inner: Arc<LimiterState>,
}

#[derive(Default)]
struct LimiterState {
    /// Per operation id: `None` turns the limit off, `Some(n)` replaces the documented one.
    overrides: Mutex<HashMap<String, Option<u32>>>,
    /// Whether documented limits apply at all.
    disabled: std::sync::atomic::AtomicBool,
    /// Per service and operation id, the earliest time its next request may
    /// start: two APIs called through clones of one configuration may have
    /// operations of the same name, which their vendors count apart.
    next_start: Mutex<HashMap<(&'static str, &'static str), Instant>>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let overrides = self.inner.overrides.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("RateLimiter")
            .field("documented_limits", &!self.inner.disabled.load(std::sync::atomic::Ordering::Relaxed))
            .field("overrides", &*overrides)
            .finish()
    }
}

impl RateLimiter {
    /// Replaces the documented limit of `operation_id`: `Some(n)` requests per
    /// second, or `None` for no limit.
    pub fn set(&self, operation_id: &str, per_second: Option<u32>) {
        self.inner
            .overrides
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(operation_id.to_owned(), per_second.filter(|n| *n > 0));
    }

    /// The operation names limits were set for.
    pub(crate) fn named(&self) -> Vec<String> {
        self.inner.overrides.lock().unwrap_or_else(PoisonError::into_inner).keys().cloned().collect()
    }

    /// Turns every documented limit off (overrides set with [`set`](Self::set) still apply).
    pub fn disable_documented(&self) {
        self.inner.disabled.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The limit in force for an operation documented at `documented` per second.
    pub fn limit_of(&self, operation_id: &str, documented: Option<u32>) -> Option<u32> {
        let overrides = self.inner.overrides.lock().unwrap_or_else(PoisonError::into_inner);
        match overrides.get(operation_id) {
            Some(chosen) => *chosen,
            None if self.inner.disabled.load(std::sync::atomic::Ordering::Relaxed) => None,
            None => documented.filter(|n| *n > 0),
        }
    }

    /// Waits until operation `operation_id` of `service` may send its next
    /// request, and books that moment. Returns at once for an operation
    /// without a limit.
    pub async fn acquire(&self, service: &'static str, operation_id: &'static str, documented: Option<u32>) {
        let Some(per_second) = self.limit_of(operation_id, documented) else { return };
        let spacing = spacing(per_second);
        let start = {
            let mut next_start = self.inner.next_start.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let slot = next_start.entry((service, operation_id)).or_insert(now);
            let start = (*slot).max(now);
            // An `Instant` that cannot move further (centuries away) keeps its place.
            *slot = start.checked_add(spacing).unwrap_or(start);
            start
        };
        tokio::time::sleep_until(start).await;
    }
}

/// The time between two starts at `per_second`, rounded up to the nanosecond:
/// rounded down, `per_second + 1` starts would fit in one second.
fn spacing(per_second: u32) -> Duration {
    // `limit_of` never gives 0; `max` only keeps the division total.
    Duration::from_nanos(1_000_000_000u64.div_ceil(u64::from(per_second.max(1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_second_holds_more_starts_than_the_limit() {
        // 1/220 s is not a whole number of nanoseconds: rounded down, 221
        // starts would span 999,999,880 ns, one second's window.
        for per_second in [1, 3, 7, 20, 100, 220, 1000, 999_999_999] {
            let span = spacing(per_second).checked_mul(per_second).unwrap();
            assert!(span >= Duration::from_secs(1), "{per_second}/s: {per_second} spacings span {span:?}");
            assert!(
                span < Duration::from_secs(1) + Duration::from_nanos(u64::from(per_second)),
                "{per_second}/s"
            );
        }
        assert_eq!(spacing(20), Duration::from_millis(50));
    }

    /// The start times of `count` requests made at once.
    async fn starts(
        limiter: &RateLimiter,
        operation: &'static str,
        documented: Option<u32>,
        count: usize,
    ) -> Vec<Duration> {
        let began = Instant::now();
        let tasks: Vec<_> = (0..count)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move {
                    limiter.acquire("svc", operation, documented).await;
                    Instant::now() - began
                })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        times.sort();
        times
    }

    #[tokio::test(start_paused = true)]
    async fn a_documented_limit_spaces_requests_evenly() {
        let limiter = RateLimiter::default();
        let times = starts(&limiter, "GetTaskStatus", Some(20), 41).await;
        // 41 requests at 20 per second: the last starts two seconds after the first.
        assert_eq!(times.first(), Some(&Duration::ZERO));
        assert_eq!(times.last(), Some(&Duration::from_secs(2)));
        for window in times.windows(2) {
            assert_eq!(window[1] - window[0], Duration::from_millis(50));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn operations_are_limited_separately_and_limits_can_be_changed() {
        let limiter = RateLimiter::default();
        limiter.set("Fast", Some(1000));
        limiter.set("Free", None);
        let fast = starts(&limiter, "Fast", Some(1), 11).await;
        assert_eq!(fast.last(), Some(&Duration::from_millis(10)));
        let free = starts(&limiter, "Free", Some(1), 50).await;
        assert_eq!(free.last(), Some(&Duration::ZERO));
        let other = starts(&limiter, "Other", Some(2), 3).await;
        assert_eq!(other.last(), Some(&Duration::from_secs(1)));
        limiter.disable_documented();
        assert_eq!(limiter.limit_of("Other", Some(2)), None);
        assert_eq!(limiter.limit_of("Fast", Some(1)), Some(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_one_schedule() {
        let limiter = RateLimiter::default();
        let twin = limiter.clone();
        limiter.acquire("svc", "Op", Some(10)).await;
        let began = Instant::now();
        twin.acquire("svc", "Op", Some(10)).await;
        assert_eq!(Instant::now() - began, Duration::from_millis(100));
        // The same operation name in another service has its own schedule.
        let began = Instant::now();
        twin.acquire("other", "Op", Some(10)).await;
        assert_eq!(Instant::now() - began, Duration::ZERO);
    }
}
