//! Token lifetimes and signing keys: one configuration used everywhere.

use chrono::Duration;

/// Where the token signing key comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SigningKeySource {
    /// Development: a key generated once and kept in table `signing_keys`, so
    /// every instance on the database shares it.
    Database,
    /// Production: an Ed25519 private key (PKCS#8 PEM) from configuration, and
    /// the public keys of earlier keys that still verify.
    Configured {
        /// The key id put in each token's header.
        kid: String,
        /// PKCS#8 PEM of the Ed25519 private key.
        private_pem: String,
        /// (kid, base64url public key) of retired keys whose tokens may still be live.
        previous: Vec<(String, String)>,
    },
}

/// Settings of authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthConfig {
    /// The `iss` claim put in and required of every token.
    pub issuer: String,
    /// Life of an access token (15 minutes).
    pub access_ttl: Duration,
    /// Life of a refresh token and an idle session (30 days).
    pub refresh_ttl: Duration,
    /// How long a rotated refresh token still gets a new pair, for parallel refreshes (2 s).
    pub refresh_grace: Duration,
    /// Clock skew tolerated when checking `exp` and `iat`.
    pub leeway: Duration,
    /// The signing key.
    pub signing: SigningKeySource,
    /// Failed logins that lock an account.
    pub lockout_threshold: i64,
    /// The window failures are counted in, and how long the lock lasts.
    pub lockout_window: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            issuer: "commodity-trade".to_owned(),
            access_ttl: Duration::minutes(15),
            refresh_ttl: Duration::days(30),
            refresh_grace: Duration::seconds(2),
            leeway: Duration::seconds(30),
            signing: SigningKeySource::Database,
            lockout_threshold: 5,
            lockout_window: Duration::minutes(15),
        }
    }
}

impl AuthConfig {
    /// How long a revocation must be remembered: the longest-lived access token it covers, plus leeway.
    pub fn revocation_ttl(&self) -> std::time::Duration {
        (self.access_ttl + self.leeway)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(3600))
    }
}
