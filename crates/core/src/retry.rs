//! Retries of a single call: how many attempts, and how long to wait between
//! them. Which answers are worth another attempt is in [`crate::answer`].

use std::time::Duration;

/// How a client retries a call. Every status operation here is read-only, so
/// retries are on by default.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 turns retries off.
    pub max_attempts: u32,
    /// The delay before the first retry; it doubles with each retry.
    pub base_delay: Duration,
    /// The longest delay between two attempts.
    pub max_delay: Duration,
    /// The most time all retries of one call may spend waiting.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            budget: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// The delay before retry number `retry` (0-based): exponential, capped,
    /// with "equal jitter" (between half and all of it), so that many clients
    /// throttled together do not come back together.
    pub fn delay(&self, retry: u32) -> Duration {
        exponential_with_jitter(self.base_delay, self.max_delay, retry)
    }
}

/// `base * 2^step`, capped at `max`, then a random point in its upper half.
pub fn exponential_with_jitter(base: Duration, max: Duration, step: u32) -> Duration {
    let full = base.saturating_mul(2u32.saturating_pow(step.min(30))).min(max);
    let half = full.checked_div(2).unwrap_or_default();
    half.saturating_add(half.mul_f64(random_unit()))
}

/// A uniform random number in [0, 1).
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    let _ = getrandom::getrandom(&mut bytes);
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_within_bounds() {
        let policy = RetryPolicy::default();
        for retry in 0..10 {
            let full = (policy.base_delay * 2u32.pow(retry)).min(policy.max_delay);
            let delay = policy.delay(retry);
            assert!(
                delay >= full / 2 && delay <= full,
                "retry {retry}: {delay:?} not in [{:?}, {full:?}]",
                full / 2
            );
        }
    }
}
