//! When a failed attempt may be tried again, and how long to wait first.
//!
//! | failure | GET, PUT, DELETE (idempotent) | POST, PATCH |
//! |---|---|---|
//! | 429 | retry | retry |
//! | 408, 500, 502, 503, 504 | retry | never: it may have been processed |
//! | refused, host not found, resolve or connect timeout (nothing was sent) | retry | retry |
//! | any other timeout or I/O error | retry | never |

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use http::Method;

use crate::error::Error;

/// The longest wait the client sleeps through; a longer one is handed back to the caller.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(60);
/// The first backoff step; each further attempt doubles it.
const BACKOFF_BASE: Duration = Duration::from_millis(500);

/// What an attempt's failure says about trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sent {
    /// The request provably never left this machine.
    No,
    /// It may have reached the server (and been processed).
    Maybe,
}

/// Whether an error status may be retried for this method.
pub(crate) fn status_is_retryable(status: u16, method: &Method) -> bool {
    status == 429 || (matches!(status, 408 | 500 | 502 | 503 | 504) && method.is_idempotent())
}

/// Whether a failure without a status may be retried for this method.
pub(crate) fn failure_is_retryable(error: &Error, sent: Sent, method: &Method) -> bool {
    let transient = match error {
        Error::Timeout => true,
        Error::Transport(t) => t.is_transient(),
        _ => false,
    };
    transient && (sent == Sent::No || method.is_idempotent())
}

/// The wait before retry number `attempt` (0-based): what the server asked for, else
/// exponential backoff from 0.5 s with ±25 % jitter.
pub(crate) fn wait_before_retry(error: &Error, attempt: u32) -> Duration {
    if let Some(asked) = error.api_error().and_then(|e| e.retry_after()) {
        return asked;
    }
    let step = BACKOFF_BASE.saturating_mul(1u32 << attempt.min(16));
    step.mul_f64(0.75 + 0.5 * unit_random()).min(MAX_WAIT)
}

/// A number in [0, 1) that differs between calls; jitter needs no better randomness.
fn unit_random() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x9e37_79b9_7f4a_7c15);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_not_retried_on_server_errors_but_on_429() {
        assert!(!status_is_retryable(500, &Method::POST));
        assert!(status_is_retryable(500, &Method::GET));
        assert!(status_is_retryable(429, &Method::POST));
        assert!(!status_is_retryable(409, &Method::GET));
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let e = Error::Timeout;
        let first = wait_before_retry(&e, 0);
        assert!(first >= Duration::from_millis(375) && first <= Duration::from_millis(625));
        assert!(wait_before_retry(&e, 3) >= Duration::from_secs(3));
        assert!(wait_before_retry(&e, 40) <= MAX_WAIT);
    }
}
