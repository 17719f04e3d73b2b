//! The generic cell rate algorithm: the arithmetic shared by both backends.

use std::time::Duration;

/// A rate limit: `rate` requests per `period`, with up to `burst` at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Sustained requests per period.
    pub rate: u32,
    /// The period the rate is counted over.
    pub period: Duration,
    /// How many requests may arrive at once after a quiet spell.
    pub burst: u32,
}

impl Quota {
    /// `rate` per minute with `burst`.
    pub fn per_minute(rate: u32, burst: u32) -> Self {
        Self {
            rate,
            period: Duration::from_secs(60),
            burst,
        }
    }

    /// Time between two requests at the sustained rate, in microseconds (at least 1).
    pub fn emission_micros(&self) -> i64 {
        let period = i64::try_from(self.period.as_micros()).unwrap_or(i64::MAX);
        (period / i64::from(self.rate.max(1))).max(1)
    }
}

/// The answer to one take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GcraDecision {
    /// Whether the request may go on.
    pub allowed: bool,
    /// Requests that could still go at once after this one.
    pub remaining: u32,
    /// When refused, how long until a retry would be allowed.
    pub retry_after: Duration,
    /// How long until the bucket is full again.
    pub reset_after: Duration,
}

/// One GCRA step: the theoretical arrival time `tat` (absent when the bucket is
/// full) against `now`, both in microseconds. Returns the decision and the new
/// `tat` to store when allowed.
pub(crate) fn step(tat: Option<i64>, now: i64, quota: Quota, cost: u32) -> (GcraDecision, Option<i64>) {
    let emission = quota.emission_micros();
    let burst = i64::from(quota.burst.max(1));
    let tat = tat.unwrap_or(now).max(now);
    let new_tat = tat + emission * i64::from(cost);
    let allow_at = new_tat - emission * burst;
    if allow_at > now {
        let decision = GcraDecision {
            allowed: false,
            remaining: 0,
            retry_after: micros(allow_at - now),
            reset_after: micros(tat - now),
        };
        return (decision, None);
    }
    let remaining = u32::try_from((now - allow_at) / emission).unwrap_or(u32::MAX);
    let decision = GcraDecision {
        allowed: true,
        remaining,
        retry_after: Duration::ZERO,
        reset_after: micros(new_tat - now),
    };
    (decision, Some(new_tat))
}

fn micros(v: i64) -> Duration {
    Duration::from_micros(u64::try_from(v).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_sustained_rate() {
        let quota = Quota::per_minute(60, 3);
        let mut tat = None;
        for expected_remaining in [2, 1, 0] {
            let (d, new) = step(tat, 0, quota, 1);
            assert!(d.allowed);
            assert_eq!(d.remaining, expected_remaining);
            tat = new;
        }
        let (refused, none) = step(tat, 0, quota, 1);
        assert!(!refused.allowed);
        assert!(none.is_none());
        assert_eq!(refused.retry_after, Duration::from_secs(1));
        let (later, _) = step(tat, 1_000_000, quota, 1);
        assert!(later.allowed);
    }
}
