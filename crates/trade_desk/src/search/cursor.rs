//! The search cursor: the place of the last item of a page in the ranking
//! order (score descending, then newest: `created_at` descending, then id
//! descending), opaque to callers (hex of `score:micros:id`). The next page
//! is the items strictly after it, so a page never repeats or skips an
//! item while the candidates stay the same.

use chrono::{DateTime, Utc};
use infra::ServiceError;
use uuid::Uuid;

/// Where a page ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cursor {
    /// The score, in ten-thousandths (the score as answered, exactly).
    pub score: i64,
    /// `created_at`, microseconds since the epoch.
    pub created_micros: i64,
    /// The id.
    pub id: Uuid,
}

impl Cursor {
    /// The cursor of an item of `score` (ten-thousandths) made at `created_at`.
    pub fn at(score: i64, created_at: DateTime<Utc>, id: Uuid) -> Self {
        Self {
            score,
            created_micros: created_at.timestamp_micros(),
            id,
        }
    }

    /// Whether an item at `other` comes after this cursor in the ranking order.
    pub fn precedes(&self, other: &Cursor) -> bool {
        (other.score, other.created_micros, other.id) < (self.score, self.created_micros, self.id)
    }

    /// The opaque text callers send back.
    pub fn encode(&self) -> String {
        let plain = format!("{}:{}:{}", self.score, self.created_micros, self.id.simple());
        plain.bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// The cursor `text` names (422 naming `cursor` when it is not one this API gave).
    pub fn decode(text: &str) -> Result<Self, ServiceError> {
        let bad = || {
            ServiceError::field(
                "cursor",
                "is not a cursor this search returned; search again without it",
            )
        };
        if !text.len().is_multiple_of(2) || text.len() > 200 {
            return Err(bad());
        }
        let bytes: Option<Vec<u8>> = (0..text.len())
            .step_by(2)
            .map(|i| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect();
        let plain = bytes.and_then(|b| String::from_utf8(b).ok()).ok_or_else(bad)?;
        let mut parts = plain.split(':');
        let score = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let created_micros = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let id = parts
            .next()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(bad)?;
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Self {
            score,
            created_micros,
            id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_orders() {
        let c = Cursor::at(8_123, Utc::now(), Uuid::now_v7());
        assert_eq!(Cursor::decode(&c.encode()).ok(), Some(c));
        assert!(Cursor::decode("zz").is_err());
        assert!(Cursor::decode("abc").is_err());
        let lower = Cursor { score: 8_000, ..c };
        assert!(c.precedes(&lower));
        assert!(!lower.precedes(&c));
        assert!(!c.precedes(&c), "strictly after");
        let older = Cursor {
            created_micros: c.created_micros - 1,
            ..c
        };
        assert!(c.precedes(&older), "ties by newest");
    }
}
