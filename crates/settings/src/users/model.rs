//! What the API answers about a user.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::{user, user_capability};

/// A user as callers see it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Id.
    pub id: Uuid,
    /// SUPER_ADMIN, INTERNAL or EXTERNAL.
    pub kind: String,
    /// E-mail, lower case.
    pub email: Option<String>,
    /// Mobile number with country code.
    pub mobile: Option<String>,
    /// Full name.
    pub full_name: String,
    /// Organization of an INTERNAL user.
    pub organization_id: Option<Uuid>,
    /// Partner of an EXTERNAL user.
    pub partner_id: Option<Uuid>,
    /// Whether the user may log in.
    pub is_active: bool,
    /// Role codes.
    pub roles: Vec<String>,
    /// Direct grants in force.
    pub capabilities: Vec<Grant>,
    /// Send back as `If-Match` (or `version`) when updating.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A direct capability grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The capability.
    pub capability: String,
    /// When it was granted.
    pub granted_at: DateTime<Utc>,
    /// When it ends by itself.
    pub expires_at: Option<DateTime<Utc>>,
}

impl User {
    pub(crate) fn from_parts(
        row: user::Model,
        roles: Vec<String>,
        grants: Vec<user_capability::Model>,
    ) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            email: row.email,
            mobile: row.mobile,
            full_name: row.full_name,
            organization_id: row.organization_id,
            partner_id: row.partner_id,
            is_active: row.is_active,
            roles,
            capabilities: grants
                .into_iter()
                .map(|g| Grant {
                    capability: g.capability_code,
                    granted_at: g.granted_at,
                    expires_at: g.expires_at,
                })
                .collect(),
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}
