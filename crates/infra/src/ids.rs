//! Identifiers: UUID v7, ordered by creation time.

use uuid::Uuid;

/// A new time-ordered identifier (UUID v7).
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
