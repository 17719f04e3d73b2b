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
