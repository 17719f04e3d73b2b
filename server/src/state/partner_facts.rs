//! Partner users' principals read their partner's tier and suspension from
//! the partners module through this lookup.

use futures::future::BoxFuture;
use partners::entity::partner;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
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
            Ok(partner::Entity::find_by_id(partner_id)
                .one(db)
                .await?
                .map(|row| PartnerFacts {
                    rate_limit_tier: row.rate_limit_tier,
                    suspended: row.status == "suspended",
                }))
        })
    }
}
