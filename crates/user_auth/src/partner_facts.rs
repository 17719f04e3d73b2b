//! What a session's principal carries about its user's business partner: the
//! rate-limit tier and whether the partner is suspended. The facts live in a
//! module above this one, so they come through [`PartnerLookup`], which the
//! application wires in ([`crate::AuthService::with_partner_lookup`]); without
//! one, partner users get no tier and are never seen as suspended.
//!
//! A change of the facts must reach every instance at once: after its commit,
//! the change calls [`forget_partner`], which drops the cached principals of
//! every live session of the partner's users.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use infra::{Infra, Kv};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::AuthError;

/// A partner's facts as its users' principals carry them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerFacts {
    /// The rate-limit tier of its users (FREE, BASIC, PREMIUM, ENTERPRISE).
    pub rate_limit_tier: String,
    /// Whether the partner is suspended (its users may read, not write).
    pub suspended: bool,
}

/// Reads a partner's facts; implemented where partners are known.
pub trait PartnerLookup: Send + Sync + 'static {
    /// The facts of partner `partner_id`, if it exists.
    fn facts<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        partner_id: Uuid,
    ) -> BoxFuture<'a, Result<Option<PartnerFacts>, DbErr>>;
}

/// Drops the cached principals of every live session of `partner_id`'s users,
/// on every instance, so a new tier or a suspension applies to their next request.
pub async fn forget_partner<I: Infra>(
    infra: &I,
    partner_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    use crate::sessions::entity::session;
    use settings::users::entity::user;
    let users: Vec<Uuid> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::PartnerId.eq(partner_id))
        .into_tuple()
        .all(infra.db())
        .await?;
    if users.is_empty() {
        return Ok(());
    }
    let sessions: Vec<Uuid> = session::Entity::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::UserId.is_in(users))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .into_tuple()
        .all(infra.db())
        .await?;
    forget_sessions(infra.kv(), &sessions).await;
    Ok(())
}

/// Drops the cached principals of `sessions`.
async fn forget_sessions(kv: &Kv, sessions: &[Uuid]) {
    for sid in sessions {
        crate::sessions::forget_principal(kv, *sid).await;
    }
}
