//! The sea-orm entity of table `partner_employees`.

use sea_orm::entity::prelude::*;

/// What makes an EXTERNAL user an employee of its partner.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_employees")]
pub struct Model {
    /// The user (`users.id`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// The partner.
    pub partner_id: Uuid,
    /// `admin` or `employee`.
    pub role: String,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// The user created at approval, not counted against the limit.
    pub first_admin: bool,
    /// Who invited the user.
    pub invited_by: Option<Uuid>,
    /// When the user was invited.
    pub invited_at: DateTimeUtc,
    /// The first OTP login.
    pub activated_at: Option<DateTimeUtc>,
    /// The last disabling.
    pub disabled_at: Option<DateTimeUtc>,
    /// Optimistic lock.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
