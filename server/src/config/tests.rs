//! Defaults, validation messages and redaction.

use super::*;

#[test]
fn defaults_are_valid_and_embedded() {
    let config = Config::default();
    assert!(config.validate().is_ok());
    assert!(!config.infra().is_postgres());
    assert!(config.infra().redis_url.is_none());
}

#[test]
fn bad_settings_are_named() {
    for (config, setting) in [
        (
            Config {
                bind_addr: "nowhere".into(),
                ..Config::default()
            },
            "BIND_ADDR",
        ),
        (
            Config {
                log_format: "xml".into(),
                ..Config::default()
            },
            "LOG_FORMAT",
        ),
        (
            Config {
                business_timezone: "Mars/Olympus".into(),
                ..Config::default()
            },
            "BUSINESS_TIMEZONE",
        ),
        (
            Config {
                database_url: Some("mysql://x".into()),
                ..Config::default()
            },
            "DATABASE_URL",
        ),
        (
            Config {
                redis_url: Some("http://x".into()),
                ..Config::default()
            },
            "REDIS_URL",
        ),
    ] {
        let err = config.validate().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains(setting), "{err} should name {setting}");
    }
}

#[test]
fn passwords_are_redacted() {
    let config = Config {
        database_url: Some("postgres://app:secret@db/app".into()),
        ..Config::default()
    };
    assert!(!config.describe().contains("secret"));
}
