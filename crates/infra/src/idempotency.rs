//! Idempotency keys: validation, request fingerprints, and the durable key rows
//! in table `idempotency_keys` that the write helper claims inside the business
//! transaction.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::InfraError;

/// An idempotency key with the fingerprint of the request that carried it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// The key as the client sent it (unquoted).
    pub key: String,
    /// SHA-256 (hex) of what the request asked for.
    pub fingerprint: String,
    /// How long the durable record is kept (24 h unless configured).
    pub retention: Duration,
    /// Set by the write helper when it answered from the durable row; shared
    /// by every clone of this key.
    pub replayed: ReplayMark,
}

/// Whether a request's key was answered from its durable row (a flag shared
/// by the clones of one key; never part of a key's equality).
#[derive(Clone, Debug, Default)]
pub struct ReplayMark(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl ReplayMark {
    /// Marks the key as answered from its durable row.
    pub fn set(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }

    /// Whether it was.
    pub fn is_set(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl PartialEq for ReplayMark {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ReplayMark {}

/// Why an `Idempotency-Key` value was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Empty key.
    #[error("must not be empty")]
    Empty,
    /// Longer than 255 characters.
    #[error("must be at most 255 characters")]
    TooLong,
    /// A character outside visible ASCII.
    #[error("must contain only visible ASCII characters (0x21-0x7E), or be a quoted string")]
    InvalidCharacter,
}

impl IdempotencyKey {
    /// The longest accepted key.
    pub const MAX_LEN: usize = 255;
    /// How long records are kept unless configured otherwise.
    pub const DEFAULT_RETENTION: Duration = Duration::from_secs(24 * 3600);

    /// Validates a header value: 1..255 visible ASCII characters, or a quoted
    /// structured-field string (whose content may also hold spaces and escapes).
    pub fn parse_header(raw: &str) -> Result<String, KeyError> {
        let key = match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Some(inner) => unquote(inner)?,
            None => {
                if !raw.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                    return Err(KeyError::InvalidCharacter);
                }
                raw.to_owned()
            }
        };
        if key.is_empty() {
            return Err(KeyError::Empty);
        }
        if key.len() > Self::MAX_LEN {
            return Err(KeyError::TooLong);
        }
        Ok(key)
    }

    /// A key with the fingerprint of an HTTP request: method, path, query and body bytes.
    pub fn for_request(key: String, method: &str, path: &str, query: &str, body: &[u8]) -> Self {
        let mut hash = Sha256::new();
        for part in [method.as_bytes(), path.as_bytes(), query.as_bytes()] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        hash.update(body);
        Self {
            key,
            fingerprint: hex::encode(hash.finalize()),
            retention: Self::DEFAULT_RETENTION,
            replayed: ReplayMark::default(),
        }
    }

    /// The same key with its record kept for `retention`.
    pub fn with_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// A key with the fingerprint of a library call: the operation name and its input as JSON.
    pub fn for_input(
        key: impl Into<String>,
        operation: &str,
        input: &impl Serialize,
    ) -> Result<Self, InfraError> {
        let body = serde_json::to_vec(input)?;
        Ok(Self::for_request(key.into(), "CALL", operation, "", &body))
    }
}

fn unquote(inner: &str) -> Result<String, KeyError> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('"' | '\\')) => out.push(e),
                _ => return Err(KeyError::InvalidCharacter),
            },
            '"' => return Err(KeyError::InvalidCharacter),
            c if (' '..='~').contains(&c) => out.push(c),
            _ => return Err(KeyError::InvalidCharacter),
        }
    }
    Ok(out)
}

/// The sea-orm entity of table `idempotency_keys`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One durable idempotency record, unique on (scope, key).
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_keys")]
    pub struct Model {
        /// The principal owning the key (`user:{id}`, `addr:{ip}`, `system`).
        #[sea_orm(primary_key, auto_increment = false)]
        pub scope: String,
        /// The client's key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub key: String,
        /// SHA-256 of the request that first used the key.
        pub fingerprint: String,
        /// The stored result of the applied request.
        pub result: Option<Json>,
        /// When the key was claimed.
        pub created_at: DateTimeUtc,
        /// When the request's transaction stored its result.
        pub completed_at: Option<DateTimeUtc>,
        /// After this the key may be reused and the row is cleaned away.
        pub expires_at: DateTimeUtc,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// The outcome of claiming a key inside a transaction.
#[derive(Debug)]
pub(crate) enum Claim {
    /// The key is ours: run the change and store its result.
    Fresh,
    /// The key was already applied: this is its stored result.
    Replay(serde_json::Value),
}

/// Claims `(scope, key)` inside `txn`. A concurrent claimer blocks on the row
/// until the first transaction ends (PostgreSQL unique index; SQLite's
/// IMMEDIATE lock), then sees the committed result.
pub(crate) async fn claim<C: ConnectionTrait>(
    txn: &C,
    scope: &str,
    key: &IdempotencyKey,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Claim, InfraError> {
    use entity::{ActiveModel, Column, Entity};
    let row = ActiveModel {
        scope: Set(scope.to_owned()),
        key: Set(key.key.clone()),
        fingerprint: Set(key.fingerprint.clone()),
        result: Set(None),
        created_at: Set(now),
        completed_at: Set(None),
        expires_at: Set(expires_at),
    };
    // An expired row is taken over as if absent.
    let on_conflict = OnConflict::columns([Column::Scope, Column::Key])
        .update_columns([
            Column::Fingerprint,
            Column::Result,
            Column::CreatedAt,
            Column::CompletedAt,
            Column::ExpiresAt,
        ])
        .action_and_where(Expr::col((Entity, Column::ExpiresAt)).lte(now))
        .to_owned();
    let inserted = Entity::insert(row)
        .on_conflict(on_conflict)
        .exec_without_returning(txn)
        .await?;
    if inserted > 0 {
        return Ok(Claim::Fresh);
    }
    let existing = Entity::find()
        .filter(Column::Scope.eq(scope))
        .filter(Column::Key.eq(key.key.as_str()))
        .one(txn)
        .await?
        .ok_or(InfraError::Invariant(
            "idempotency key row vanished while it was being claimed",
        ))?;
    if existing.fingerprint != key.fingerprint {
        return Err(InfraError::IdempotencyKeyReused { key: key.key.clone() });
    }
    existing.result.map(Claim::Replay).ok_or(InfraError::Invariant(
        "an idempotency key row was committed without its result",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values() {
        assert_eq!(IdempotencyKey::parse_header("abc-123"), Ok("abc-123".to_owned()));
        assert_eq!(
            IdempotencyKey::parse_header("\"a b\\\"c\""),
            Ok("a b\"c".to_owned())
        );
        assert_eq!(IdempotencyKey::parse_header(""), Err(KeyError::Empty));
        assert_eq!(IdempotencyKey::parse_header("\"\""), Err(KeyError::Empty));
        assert_eq!(
            IdempotencyKey::parse_header("a b"),
            Err(KeyError::InvalidCharacter)
        );
        assert_eq!(IdempotencyKey::parse_header("é"), Err(KeyError::InvalidCharacter));
        assert_eq!(
            IdempotencyKey::parse_header(&"k".repeat(255)).map(|k| k.len()),
            Ok(255)
        );
        assert_eq!(
            IdempotencyKey::parse_header(&"k".repeat(256)),
            Err(KeyError::TooLong)
        );
    }

    #[test]
    fn fingerprints_separate_parts() {
        let a = IdempotencyKey::for_request("k".into(), "POST", "/a", "b=1", b"{}");
        let b = IdempotencyKey::for_request("k".into(), "POST", "/ab", "=1", b"{}");
        let c = IdempotencyKey::for_request("k".into(), "POST", "/a", "b=1", b"{}");
        assert_ne!(a.fingerprint, b.fingerprint);
        assert_eq!(a.fingerprint, c.fingerprint);
    }
}
