//! Table `partner_amendments`.

use sea_orm::entity::prelude::*;

/// One amendment of a partner's registered facts.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "partner_amendments")]
pub struct Model {
    /// UUID v7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The partner.
    pub partner_id: Uuid,
    /// legal_name, trade_name, gstin, pan, bank or address.
    pub field: String,
    /// The value when requested.
    pub old_value: Option<Json>,
    /// The value asked for, normalized.
    pub new_value: Json,
    /// Why it is asked for.
    pub reason: String,
    /// The supporting document (tax ids).
    pub document_id: Option<Uuid>,
    /// pending, approved or rejected.
    pub status: String,
    /// Who asked.
    pub requested_by: Option<Uuid>,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// When it was decided.
    pub decided_at: Option<DateTimeUtc>,
    /// The reason of a rejection.
    pub decision_reason: Option<String>,
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

infra::versioned!(Model);
