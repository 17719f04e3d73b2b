//! Mobile one-time codes for EXTERNAL users: 6 digits, kept only as an HMAC in
//! the kv store, valid 5 minutes, single use, burned after 3 wrong tries;
//! resend cool-down 60 s, ended by a right code; at most 5 sends an hour per number and 20 per
//! address. Codes leave through an [`OtpSender`], never in an API answer.
//! Times are checked against the application clock; kv TTLs only clean up.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use infra::{Clock, Kv};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::AuthError;

/// How long a code is valid.
pub const CODE_LIFE: Duration = Duration::from_secs(300);
/// Least time between two sends to one number.
pub const RESEND_AFTER: Duration = Duration::from_secs(60);
/// Wrong tries that burn a code.
pub const MAX_TRIES: i64 = 3;
/// Sends an hour to one number.
pub const HOURLY_PER_NUMBER: i64 = 5;
/// Sends an hour from one address.
pub const HOURLY_PER_ADDRESS: i64 = 20;

/// Delivers codes. The development sender logs them; an SMS gateway
/// implements this trait (see docs/operations.md).
#[async_trait::async_trait]
pub trait OtpSender: Send + Sync {
    /// Sends `code` to `mobile`.
    async fn send(&self, mobile: &str, code: &str) -> Result<(), AuthError>;
}

/// Development sender: one log line with the full number and the code.
#[derive(Debug, Default)]
pub struct LogSender;

#[async_trait::async_trait]
impl OtpSender for LogSender {
    async fn send(&self, mobile: &str, code: &str) -> Result<(), AuthError> {
        tracing::info!(
            mobile,
            code,
            "one-time code (development sender; configure an SMS gateway for production)"
        );
        Ok(())
    }
}

/// The sender of a production deployment (configured signing key) until an
/// SMS gateway is plugged in: refuses with 503, so no code is written to a log
/// and no client waits for an SMS that never comes.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoGateway;

#[async_trait::async_trait]
impl OtpSender for NoGateway {
    async fn send(&self, _mobile: &str, _code: &str) -> Result<(), AuthError> {
        Err(AuthError::DeliveryUnavailable(
            "no SMS gateway is configured; plug one in with AuthService::with_otp_sender".into(),
        ))
    }
}

/// Test sender: keeps what it was asked to send.
#[derive(Clone, Debug, Default)]
pub struct CapturingSender {
    sent: Arc<Mutex<Vec<(String, String)>>>,
}

impl CapturingSender {
    /// The last code sent to `mobile`.
    pub fn last_code(&self, mobile: &str) -> Option<String> {
        let sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        sent.iter()
            .rev()
            .find(|(m, _)| m == mobile)
            .map(|(_, c)| c.clone())
    }

    /// How many codes were sent.
    pub fn count(&self) -> usize {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

#[async_trait::async_trait]
impl OtpSender for CapturingSender {
    async fn send(&self, mobile: &str, code: &str) -> Result<(), AuthError> {
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((mobile.to_owned(), code.to_owned()));
        Ok(())
    }
}

/// What is kept of a code.
#[derive(Serialize, Deserialize)]
struct Stored {
    id: String,
    mac: String,
    expires_at: DateTime<Utc>,
}

fn mac(secret: &[u8], mobile: &str, code: &str) -> String {
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    m.update(mobile.as_bytes());
    m.update(b"\0");
    m.update(code.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

fn too_many(what: &str, retry_after_secs: u64) -> AuthError {
    tracing::info!(what, "one-time code refused by a limit");
    AuthError::TooManyCodes {
        retry_after_secs: retry_after_secs.max(1),
    }
}

/// Checks the limits, then makes, stores and sends a code to `mobile` (already normalized).
pub async fn send(
    kv: &Kv,
    clock: &Clock,
    secret: &[u8],
    sender: &dyn OtpSender,
    mobile: &str,
    address: &str,
) -> Result<(), AuthError> {
    let now = clock.now();
    let cooldown_key = format!("otp:cooldown:{mobile}");
    if let Some(raw) = kv.get(&cooldown_key).await?
        && let Some(until) = std::str::from_utf8(&raw)
            .ok()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        && until > now
    {
        let wait = (until.with_timezone(&Utc) - now).num_milliseconds().max(0) as u64;
        return Err(too_many("resend cool-down", wait.div_ceil(1000)));
    }
    let hour = Duration::from_secs(3600);
    if kv
        .increment(&format!("otp:hourly:number:{mobile}"), 1, hour)
        .await?
        > HOURLY_PER_NUMBER
    {
        return Err(too_many("hourly sends per number", 3600));
    }
    if kv
        .increment(&format!("otp:hourly:address:{address}"), 1, hour)
        .await?
        > HOURLY_PER_ADDRESS
    {
        return Err(too_many("hourly sends per address", 3600));
    }
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let stored = Stored {
        id: infra::ids::new_id().to_string(),
        mac: mac(secret, mobile, &code),
        expires_at: now + chrono::Duration::from_std(CODE_LIFE).unwrap_or_default(),
    };
    let value = serde_json::to_vec(&stored)?;
    kv.set(&format!("otp:code:{mobile}"), &value, CODE_LIFE).await?;
    let cooldown_until = now + chrono::Duration::from_std(RESEND_AFTER).unwrap_or_default();
    kv.set(
        &cooldown_key,
        cooldown_until.to_rfc3339().as_bytes(),
        RESEND_AFTER,
    )
    .await?;
    sender.send(mobile, &code).await
}

/// Checks `code` for `mobile`; a right code is spent at once (single use).
pub async fn verify(
    kv: &Kv,
    clock: &Clock,
    secret: &[u8],
    mobile: &str,
    code: &str,
) -> Result<(), AuthError> {
    let key = format!("otp:code:{mobile}");
    let raw = kv.get(&key).await?.ok_or(AuthError::InvalidOtp)?;
    let stored: Stored = serde_json::from_slice(&raw).map_err(|_| AuthError::InvalidOtp)?;
    if stored.expires_at <= clock.now() {
        kv.delete(&key).await?;
        return Err(AuthError::InvalidOtp);
    }
    let given = mac(secret, mobile, code.trim());
    if !constant_eq(given.as_bytes(), stored.mac.as_bytes()) {
        let tries = kv
            .increment(&format!("otp:tries:{}", stored.id), 1, CODE_LIFE)
            .await?;
        if tries >= MAX_TRIES {
            // Burned: only this exact code record is removed.
            kv.compare_and_delete(&key, &raw).await?;
        }
        return Err(AuthError::InvalidOtp);
    }
    // Spend it; of two racing right answers only one deletes the record.
    if !kv.compare_and_delete(&key, &raw).await? {
        return Err(AuthError::InvalidOtp);
    }
    Ok(())
}

/// Ends the resend cool-down of `mobile` after a right code, so its next
/// login may ask for a code at once (the hourly caps still count). A store
/// failure only keeps the cool-down, so it is logged, not raised.
pub async fn end_cooldown(kv: &Kv, mobile: &str) {
    if let Err(e) = kv.delete(&format!("otp:cooldown:{mobile}")).await {
        tracing::warn!(error = %e, "the resend cool-down was not ended; it runs out by itself");
    }
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
