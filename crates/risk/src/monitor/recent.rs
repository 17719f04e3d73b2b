//! The latest stored assessments concerning a partner, for the monitor's
//! partner view (read-only over `risk_assessments`).

use infra::ServiceError;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How many assessments the partner view shows.
pub const RECENT: u64 = 10;

/// Table `risk_assessments`, the columns the monitor reads.
pub mod assessment {
    use sea_orm::entity::prelude::*;

    /// One stored assessment.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "risk_assessments")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// seller, buyer, trade or counterparty.
        pub kind: String,
        /// The partner assessed (the buyer of a trade).
        pub partner_id: Uuid,
        /// The other party of a trade.
        pub other_partner_id: Option<Uuid>,
        /// 0-100.
        pub score: i32,
        /// PASS, WARN or FAIL.
        pub status: String,
        /// When.
        pub created_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One assessment in summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentSummary {
    /// Its id (`GET /api/v1/risk/assessments/{id}` for the whole).
    pub id: Uuid,
    /// seller, buyer, trade or counterparty.
    pub kind: String,
    /// The other party of a trade assessment.
    pub other_partner_id: Option<Uuid>,
    /// 0-100.
    pub score: i32,
    /// PASS, WARN or FAIL.
    pub status: String,
    /// When (RFC 3339).
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The latest [`RECENT`] assessments naming `partner_id` on either side, newest first.
pub async fn recent<D: ConnectionTrait>(
    db: &D,
    partner_id: Uuid,
) -> Result<Vec<AssessmentSummary>, ServiceError> {
    let rows = assessment::Entity::find()
        .select_only()
        .columns([
            assessment::Column::Id,
            assessment::Column::Kind,
            assessment::Column::PartnerId,
            assessment::Column::OtherPartnerId,
            assessment::Column::Score,
            assessment::Column::Status,
            assessment::Column::CreatedAt,
        ])
        .filter(
            Condition::any()
                .add(assessment::Column::PartnerId.eq(partner_id))
                .add(assessment::Column::OtherPartnerId.eq(partner_id)),
        )
        .order_by_desc(assessment::Column::CreatedAt)
        .order_by_desc(assessment::Column::Id)
        .limit(RECENT)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| AssessmentSummary {
            id: r.id,
            kind: r.kind,
            other_partner_id: r.other_partner_id,
            score: r.score,
            status: r.status,
            created_at: r.created_at,
        })
        .collect())
}
