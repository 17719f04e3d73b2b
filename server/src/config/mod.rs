//! Configuration: defaults, then an optional TOML file (`CONFIG_FILE`), then
//! environment variables. [`Config::validate`] fails fast at start-up with a
//! message naming the setting; secrets are never logged.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use infra::InfraConfig;
use serde::{Deserialize, Serialize};

/// Every environment variable the server reads, in the order of the README's table.
pub const ENV_VARS: &[&str] = &[
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_KEY_PREFIX",
    "SQLITE_PATH",
    "BIND_ADDR",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "BUSINESS_TIMEZONE",
    "DB_MAX_CONNECTIONS",
    "DB_ACQUIRE_TIMEOUT_MS",
    "DB_STATEMENT_TIMEOUT_MS",
    "REDIS_POOL_SIZE",
    "REDIS_TIMEOUT_MS",
    "MAX_BODY_BYTES",
    "WORKERS",
    "SHUTDOWN_TIMEOUT_SECS",
    "IDEMPOTENCY_RETENTION_SECS",
    "IDEMPOTENCY_ENABLED",
    "IDEMPOTENCY_LOCK_SECS",
    "RATE_LIMIT_ENABLED",
    "RATE_LIMIT_TIERS",
    "RATE_LIMIT_ANONYMOUS",
    "RATE_LIMIT_AUTH",
    "TRUSTED_PROXIES",
    "CACHE_ENABLED",
    "RELAY_ENABLED",
    "WS_HEARTBEAT_SECS",
    "JWT_ISSUER",
    "JWT_SIGNING_KEY",
    "JWT_KEY_ID",
    "JWT_PREVIOUS_KEYS",
    "ACCESS_TOKEN_TTL_SECS",
    "REFRESH_TOKEN_TTL_SECS",
    "REFRESH_GRACE_SECS",
    "DOCUMENT_STORE_URL",
    "KYC_SUSPEND_ON_EXPIRY",
];

/// The server's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// PostgreSQL URL; unset means the embedded SQLite file at `sqlite_path`.
    pub database_url: Option<String>,
    /// Redis URL; unset means the in-process kv (one instance only).
    pub redis_url: Option<String>,
    /// Prefix of every Redis key of this deployment.
    pub redis_key_prefix: String,
    /// The embedded database file.
    pub sqlite_path: PathBuf,
    /// Address and port to listen on.
    pub bind_addr: String,
    /// `json` (one object per line) or `pretty`.
    pub log_format: String,
    /// A tracing filter such as `info` or `server=debug,info`.
    pub log_level: String,
    /// IANA zone for business dates (financial years, daily jobs).
    pub business_timezone: String,
    /// Most database connections.
    pub db_max_connections: u32,
    /// Wait for a database connection before answering 503.
    pub db_acquire_timeout_ms: u64,
    /// Longest PostgreSQL statement.
    pub db_statement_timeout_ms: u64,
    /// Multiplexed Redis connections (each carries many requests at once).
    pub redis_pool_size: usize,
    /// Longest wait for connecting to Redis and for each answer.
    pub redis_timeout_ms: u64,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Grace period for in-flight requests on SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// How long idempotency records are kept.
    pub idempotency_retention_secs: u64,
    /// Whether `Idempotency-Key` is honoured (switch off only to measure its cost).
    pub idempotency_enabled: bool,
    /// How long a running request holds its key before another may try.
    pub idempotency_lock_secs: u64,
    /// Whether rate limits apply (switch off only to measure their cost).
    pub rate_limit_enabled: bool,
    /// Per-user tiers, `NAME=per-minute/burst` separated by commas.
    pub rate_limit_tiers: String,
    /// Requests without a token, per address: `per-minute/burst`.
    pub rate_limit_anonymous: String,
    /// Token routes (login, refresh, OTP), per address: `per-minute/burst`.
    pub rate_limit_auth: String,
    /// Proxies whose `X-Forwarded-For` counts: addresses or networks, comma-separated.
    pub trusted_proxies: String,
    /// Whether read caches keep values (switch off only to measure them).
    pub cache_enabled: bool,
    /// Whether `server` also runs the outbox relay (off when `server relay` runs apart).
    pub relay_enabled: bool,
    /// WebSocket ping interval; a socket missing three answers in a row is closed.
    pub ws_heartbeat_secs: u64,
    /// The `iss` of every token.
    pub jwt_issuer: String,
    /// Ed25519 private key, PKCS#8 PEM; unset means a development key kept in the database.
    pub jwt_signing_key: Option<String>,
    /// The `kid` of `jwt_signing_key`.
    pub jwt_key_id: Option<String>,
    /// Earlier public keys that still verify: `kid:base64url,kid:base64url`.
    pub jwt_previous_keys: Option<String>,
    /// Access token life.
    pub access_token_ttl_secs: u64,
    /// Refresh token and idle session life.
    pub refresh_token_ttl_secs: u64,
    /// Parallel refreshes of one token within this window all succeed.
    pub refresh_grace_secs: u64,
    /// Where partner documents are kept: a directory (`./data/documents`,
    /// `file:///srv/documents`), `memory://` (lost on restart), or `s3://bucket/prefix`
    /// (built with the `s3` feature).
    pub document_store_url: String,
    /// The daily KYC expiry check also suspends the partners it expires.
    pub kyc_suspend_on_expiry: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: None,
            redis_url: None,
            redis_key_prefix: "ct:".to_owned(),
            sqlite_path: PathBuf::from("./data/app.db"),
            bind_addr: "127.0.0.1:8080".to_owned(),
            log_format: "pretty".to_owned(),
            log_level: "info".to_owned(),
            business_timezone: "Asia/Kolkata".to_owned(),
            db_max_connections: 16,
            db_acquire_timeout_ms: 5_000,
            db_statement_timeout_ms: 30_000,
            redis_pool_size: 2,
            redis_timeout_ms: 2_000,
            max_body_bytes: 1024 * 1024,
            workers: 0,
            shutdown_timeout_secs: 30,
            idempotency_retention_secs: 24 * 3600,
            idempotency_enabled: true,
            idempotency_lock_secs: 30,
            rate_limit_enabled: true,
            rate_limit_tiers:
                "FREE=10/3,BASIC=30/5,PREMIUM=100/20,ENTERPRISE=500/50,INTERNAL=1000/100,ADMIN=10000/1000"
                    .to_owned(),
            rate_limit_anonymous: "60/20".to_owned(),
            rate_limit_auth: "20/10".to_owned(),
            trusted_proxies: String::new(),
            cache_enabled: true,
            relay_enabled: true,
            ws_heartbeat_secs: 30,
            jwt_issuer: "commodity-trade".to_owned(),
            jwt_signing_key: None,
            jwt_key_id: None,
            jwt_previous_keys: None,
            access_token_ttl_secs: 15 * 60,
            refresh_token_ttl_secs: 30 * 24 * 3600,
            refresh_grace_secs: 2,
            document_store_url: "./data/documents".to_owned(),
            kyc_suspend_on_expiry: false,
        }
    }
}

/// A setting that cannot be used, with what to do about it.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Defaults, then the file named by `CONFIG_FILE` (if set), then the environment.
    pub fn load() -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Ok(path) = std::env::var("CONFIG_FILE") {
            if !std::path::Path::new(&path).is_file() {
                return Err(ConfigError(format!(
                    "CONFIG_FILE names {path}, which is not a readable file"
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        let config: Config = figment
            .merge(Env::raw().only(ENV_VARS).filter(|k| !k.as_str().is_empty()))
            .extract()
            .map_err(|e| ConfigError(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every setting, naming the first bad one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let bad = |m: &str| Err(ConfigError(m.to_owned()));
        if self.bind_addr.parse::<SocketAddr>().is_err() {
            return bad("BIND_ADDR must be an address and port such as 127.0.0.1:8080");
        }
        if !matches!(self.log_format.as_str(), "json" | "pretty") {
            return bad("LOG_FORMAT must be json or pretty");
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log_level).is_err() {
            return bad("LOG_LEVEL must be a tracing filter such as info or server=debug,info");
        }
        if self.business_timezone.parse::<chrono_tz::Tz>().is_err() {
            return bad("BUSINESS_TIMEZONE must be an IANA zone name such as Asia/Kolkata");
        }
        if self.max_body_bytes == 0 {
            return bad("MAX_BODY_BYTES must be greater than 0");
        }
        if self.db_acquire_timeout_ms == 0 || self.redis_timeout_ms == 0 {
            return bad("DB_ACQUIRE_TIMEOUT_MS and REDIS_TIMEOUT_MS must be greater than 0");
        }
        if self.ws_heartbeat_secs == 0 {
            return bad("WS_HEARTBEAT_SECS must be greater than 0");
        }
        if self.idempotency_retention_secs == 0 {
            return bad("IDEMPOTENCY_RETENTION_SECS must be greater than 0");
        }
        if self.access_token_ttl_secs == 0 || self.refresh_token_ttl_secs <= self.access_token_ttl_secs {
            return bad("ACCESS_TOKEN_TTL_SECS must be positive and shorter than REFRESH_TOKEN_TTL_SECS");
        }
        if self.jwt_signing_key.is_some() != self.jwt_key_id.is_some() {
            return bad(
                "JWT_SIGNING_KEY and JWT_KEY_ID go together: set both, or neither for the development key",
            );
        }
        self.auth()?;
        self.limits()?;
        self.infra().validate().map_err(|e| ConfigError(e.to_string()))
    }

    /// The rate-limit policies.
    pub fn limits(&self) -> Result<crate::http::rate_limit::Limits, ConfigError> {
        crate::http::rate_limit::Limits::parse(
            &self.rate_limit_tiers,
            &self.rate_limit_anonymous,
            &self.rate_limit_auth,
            &self.trusted_proxies,
        )
        .map_err(ConfigError)
    }

    /// Token lifetimes and keys.
    pub fn auth(&self) -> Result<user_auth::AuthConfig, ConfigError> {
        let secs = |s: u64| chrono::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000));
        let signing = match (&self.jwt_signing_key, &self.jwt_key_id) {
            (Some(pem), Some(kid)) => {
                let mut previous = Vec::new();
                for pair in self
                    .jwt_previous_keys
                    .as_deref()
                    .unwrap_or("")
                    .split(',')
                    .filter(|p| !p.trim().is_empty())
                {
                    let (kid, x) = pair.trim().split_once(':').ok_or_else(|| {
                        ConfigError(
                            "JWT_PREVIOUS_KEYS must be kid:base64url pairs separated by commas".into(),
                        )
                    })?;
                    previous.push((kid.to_owned(), x.to_owned()));
                }
                user_auth::SigningKeySource::Configured {
                    kid: kid.clone(),
                    private_pem: pem.clone(),
                    previous,
                }
            }
            _ => user_auth::SigningKeySource::Database,
        };
        Ok(user_auth::AuthConfig {
            issuer: self.jwt_issuer.clone(),
            access_ttl: secs(self.access_token_ttl_secs),
            refresh_ttl: secs(self.refresh_token_ttl_secs),
            refresh_grace: secs(self.refresh_grace_secs),
            signing,
            ..user_auth::AuthConfig::default()
        })
    }

    /// The business time zone (validated at start-up).
    pub fn timezone(&self) -> chrono_tz::Tz {
        self.business_timezone.parse().unwrap_or(chrono_tz::Asia::Kolkata)
    }

    /// The connection settings for the infrastructure bundle.
    pub fn infra(&self) -> InfraConfig {
        let mut infra = match &self.database_url {
            Some(url) => InfraConfig {
                database_url: url.clone(),
                ..InfraConfig::embedded(&self.sqlite_path)
            },
            None => InfraConfig::embedded(&self.sqlite_path),
        };
        infra.redis_url = self.redis_url.clone();
        infra.key_prefix = self.redis_key_prefix.clone();
        infra.db_max_connections = self.db_max_connections;
        infra.db_acquire_timeout = Duration::from_millis(self.db_acquire_timeout_ms);
        infra.db_statement_timeout = Duration::from_millis(self.db_statement_timeout_ms);
        infra.redis_pool_size = self.redis_pool_size;
        infra.redis_timeout = Duration::from_millis(self.redis_timeout_ms);
        infra.cache_enabled = self.cache_enabled;
        infra
    }

    /// A one-line description for the start-up log, without credentials.
    pub fn describe(&self) -> String {
        let database = match &self.database_url {
            Some(url) => redact(url),
            None => format!("embedded SQLite at {}", self.sqlite_path.display()),
        };
        let kv = match &self.redis_url {
            Some(url) => redact(url),
            None => "in-process".to_owned(),
        };
        format!("database: {database}; kv: {kv}; listening on {}", self.bind_addr)
    }
}

/// A URL without its password.
fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.to_string()
        }
        Err(_) => "(unparseable URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests;
