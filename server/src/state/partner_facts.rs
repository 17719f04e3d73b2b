//! Partner users' principals read their partner's tier and suspension from
//! the partners module through this lookup.

use futures::future::BoxFuture;
use partners::entity::partner;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QuerySelect};
use user_auth::partner_facts::{PartnerFacts, PartnerLookup};
use uuid::Uuid;

/// Reads [`PartnerFacts`] from table `partners`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PartnerRecords;

impl PartnerLookup for PartnerRecords {
    fn facts<'a>(
        &'a self,
        db: &'a DatabaseConnection,
        partner_id: Uuid,
    ) -> BoxFuture<'a, Result<Option<PartnerFacts>, DbErr>> {
        Box::pin(async move {
            // Two columns, not the whole record: this runs on every principal load.
            let row: Option<(String, String)> = partner::Entity::find_by_id(partner_id)
                .select_only()
                .column(partner::Column::RateLimitTier)
                .column(partner::Column::Status)
                .into_tuple()
                .one(db)
                .await?;
            Ok(row.map(|(tier, status)| PartnerFacts {
                rate_limit_tier: tier,
                suspended: status == "suspended",
            }))
        })
    }
}
