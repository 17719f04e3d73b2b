//! Capability codes (upper snake case, grouped by area) and the effective set
//! of a user: through roles, plus direct grants neither revoked nor expired.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

/// Create users, assign roles, grant capabilities, disable and enable users.
pub const USER_MANAGE: &str = "USER_MANAGE";
/// List and read users.
pub const USER_READ: &str = "USER_READ";
/// List roles.
pub const ROLE_READ: &str = "ROLE_READ";

/// The sea-orm entity of table `capabilities`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One capability of the catalogue.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "capabilities")]
    pub struct Model {
        /// Upper snake case code.
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        /// The area it belongs to (USER, ORG, TRADE, ...).
        pub area: String,
        /// What it allows.
        pub description: String,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Whether `code` is shaped like a capability code (upper snake case).
pub fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 64
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The capabilities `user_id` holds at `now`, in one query.
pub async fn effective<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<BTreeSet<String>, DbErr> {
    let through_roles = Query::select()
        .column(("rc", "capability_code"))
        .from_as("role_capabilities", "rc")
        .join_as(
            JoinType::InnerJoin,
            "user_roles",
            "ur",
            Expr::col(("ur", "role_code")).equals(("rc", "role_code")),
        )
        .and_where(Expr::col(("ur", "user_id")).eq(user_id))
        .to_owned();
    let direct = Query::select()
        .column("capability_code")
        .from("user_capabilities")
        .and_where(Expr::col("user_id").eq(user_id))
        .and_where(Expr::col("revoked_at").is_null())
        .and_where(
            Expr::col("expires_at")
                .is_null()
                .or(Expr::col("expires_at").gt(now)),
        )
        .to_owned();
    let query = through_roles
        .clone()
        .union(sea_orm::sea_query::UnionType::Distinct, direct)
        .to_owned();
    let rows = db.query_all(&query).await?;
    rows.iter()
        .map(|r| r.try_get::<String>("", "capability_code"))
        .collect()
}

/// When the next direct grant of `user_id` in force at `now` expires, if any.
pub async fn next_expiry<C: ConnectionTrait>(
    db: &C,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    use crate::users::entity::user_capability::{Column, Entity};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    Ok(Entity::find()
        .filter(Column::UserId.eq(user_id))
        .filter(Column::RevokedAt.is_null())
        .filter(Column::ExpiresAt.gt(now))
        .order_by_asc(Column::ExpiresAt)
        .one(db)
        .await?
        .and_then(|g| g.expires_at))
}

/// What the capability cache keeps: the set and until when it holds.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Held {
    capabilities: BTreeSet<String>,
    until: Option<DateTime<Utc>>,
}

/// How long a user's capabilities stay cached at most.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(60);

fn cache<I: infra::Infra>(infra: &I) -> infra::Cache {
    infra::Cache::new(infra.kv(), "caps", CACHE_TTL)
}

/// The capabilities `user_id` holds now, through the cache. A cached set is
/// not used past the expiry of a direct grant it includes (checked against the
/// application clock), nor after [`invalidate`].
pub async fn for_user<I: infra::Infra>(infra: &I, user_id: Uuid) -> Result<BTreeSet<String>, DbErr> {
    let now = infra.clock().now();
    let db = infra.db();
    let held = cache(infra)
        .get_or_load(
            &user_id.to_string(),
            |held: &Held| held.until.is_none_or(|until| until > now),
            || async move {
                let capabilities = effective(db, user_id, now).await?;
                let until = next_expiry(db, user_id, now).await?;
                Ok::<_, DbErr>(Held { capabilities, until })
            },
        )
        .await?;
    Ok(held.capabilities)
}

/// The capabilities of `user_id` from this process's near cache alone (no
/// round trip), when they are there and current.
pub fn near_for_user<I: infra::Infra>(infra: &I, user_id: Uuid) -> Option<BTreeSet<String>> {
    let now = infra.clock().now();
    cache(infra)
        .near_value(&user_id.to_string(), |held: &Held| {
            held.until.is_none_or(|until| until > now)
        })
        .map(|held| held.capabilities)
}

/// Forgets the cached capabilities of `user_id` (after a committed change of its roles or grants).
pub async fn invalidate<I: infra::Infra>(infra: &I, user_id: Uuid) {
    cache(infra).invalidate(&user_id.to_string()).await;
}
