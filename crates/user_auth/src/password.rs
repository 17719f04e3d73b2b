//! Password hashing with argon2id, off the async threads.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use infra::ValidationError;

use crate::error::AuthError;

/// Shortest accepted password.
pub const MIN_LEN: usize = 8;
/// Longest accepted password.
pub const MAX_LEN: usize = 128;

/// Checks the password policy, naming the field.
pub fn check_policy(password: &str) -> Result<(), ValidationError> {
    let len = password.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&len) {
        return Err(ValidationError::field("password", "must be 8 to 128 characters"));
    }
    if password.chars().all(|c| password.starts_with(c)) {
        return Err(ValidationError::field(
            "password",
            "must not repeat a single character",
        ));
    }
    Ok(())
}

/// The argon2id PHC string of `password`.
pub async fn hash(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::fill(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|e| AuthError::Keys(e.to_string()))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::Keys(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| AuthError::Keys(e.to_string()))?
}

/// Whether `password` matches `phc`; with `None` it checks against a dummy hash
/// so that unknown accounts take as long as known ones, and answers `false`.
pub async fn verify(password: String, phc: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = PasswordHash::new(&phc).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        matches && known
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        SaltString::encode_b64(b"constant-salt-16")
            .ok()
            .and_then(|salt| {
                Argon2::default()
                    .hash_password(b"no such account", &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash("correct horse".into()).await.unwrap();
        let b = hash("correct horse".into()).await.unwrap();
        assert_ne!(a, b, "salted");
        assert!(verify("correct horse".into(), Some(a.clone())).await);
        assert!(!verify("wrong horse".into(), Some(a)).await);
        assert!(!verify("no such account".into(), None).await);
        assert!(check_policy("short").is_err());
        assert!(check_policy("aaaaaaaaaa").is_err());
        assert!(check_policy("long enough").is_ok());
    }
}
