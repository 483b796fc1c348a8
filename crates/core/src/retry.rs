//! Retries of a single call: which answers are worth another attempt, how
//! long to wait between attempts, and the vendors' hints about it.

use std::time::Duration;

use reqwest::header::HeaderMap;

use crate::error::{is_transient_vendor_answer, parse_error_body};

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
    let half = full / 2;
    half + half.mul_f64(random_unit())
}

/// A uniform random number in [0, 1).
fn random_unit() -> f64 {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// How long the server asked the client to wait: `Retry-After` (seconds) or
/// Alibaba's `x-acs-retry-after` (milliseconds, as Alibaba's SDK reads it).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
    number("x-acs-retry-after")
        .filter(|ms| *ms > 0)
        .map(Duration::from_millis)
        .or_else(|| number("retry-after").map(Duration::from_secs))
}

/// Whether an answer is worth another attempt: HTTP 429 and 5xx, and the
/// vendors' throttling and transient codes whatever the status (Tencent sends
/// them with 200), but never signature, permission or validation errors.
pub fn is_transient_answer(status: u16, body: &[u8]) -> bool {
    let code = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|b| parse_error_body(&b).0);
    is_transient_vendor_answer(status, code.as_deref())
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

    #[test]
    fn vendor_hints_are_read_in_their_units() {
        let mut headers = HeaderMap::new();
        headers.insert("x-acs-retry-after", "1500".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn transient_answers() {
        assert!(is_transient_answer(503, b""));
        assert!(is_transient_answer(429, b"{}"));
        assert!(is_transient_answer(400, br#"{"Code": "Throttling.User", "Message": "m"}"#));
        assert!(is_transient_answer(
            200,
            br#"{"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "m"}}}"#
        ));
        assert!(!is_transient_answer(
            200,
            br#"{"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "m"}}}"#
        ));
        assert!(!is_transient_answer(400, br#"{"Code": "SignatureDoesNotMatch"}"#));
        assert!(!is_transient_answer(500, br#"{"Code": "InvalidParameter.TaskId"}"#));
        assert!(!is_transient_answer(200, br#"{"RequestId": "r"}"#));
        assert!(!is_transient_answer(404, b""));
    }
}
