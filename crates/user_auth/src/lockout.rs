//! Login lockout: failures counted per account (by e-mail, whether or not it
//! exists, so the answer reveals nothing) in the kv store; at the threshold the
//! account is locked until a time kept in the value and checked against the clock.

use chrono::{DateTime, Utc};
use infra::{Clock, Kv};

use crate::config::AuthConfig;
use crate::error::AuthError;

fn failures_key(email: &str) -> String {
    format!("auth:login:failures:{email}")
}

fn lock_key(email: &str) -> String {
    format!("auth:login:locked:{email}")
}

/// Refuses while the account is locked.
pub async fn check(kv: &Kv, clock: &Clock, email: &str) -> Result<(), AuthError> {
    let Some(raw) = kv.get(&lock_key(email)).await? else {
        return Ok(());
    };
    let until = std::str::from_utf8(&raw)
        .ok()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    match until {
        Some(until) if until > clock.now() => {
            let secs = (until - clock.now()).num_milliseconds().max(0) as u64;
            Err(AuthError::Locked {
                retry_after_secs: secs.div_ceil(1000).max(1),
            })
        }
        _ => Ok(()),
    }
}

/// Counts a failure; locks the account when the threshold is reached.
pub async fn record_failure(
    kv: &Kv,
    clock: &Clock,
    config: &AuthConfig,
    email: &str,
) -> Result<(), AuthError> {
    let window = config
        .lockout_window
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(900));
    let failures = kv.increment(&failures_key(email), 1, window).await?;
    if failures >= config.lockout_threshold {
        let until = clock.now() + config.lockout_window;
        kv.set(&lock_key(email), until.to_rfc3339().as_bytes(), window)
            .await?;
        kv.delete(&failures_key(email)).await?;
        tracing::warn!(failures, "account locked after repeated failed logins");
    }
    Ok(())
}

/// Forgets the failures after a successful login.
pub async fn clear(kv: &Kv, email: &str) -> Result<(), AuthError> {
    kv.delete(&failures_key(email)).await?;
    Ok(())
}
