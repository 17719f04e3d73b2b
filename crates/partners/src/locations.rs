//! A partner's places (table `partner_locations`). An approval makes the
//! principal place of business from the application's address; at most one
//! active principal exists per partner (a partial unique index).

use infra::ServiceError;
use infra::write::WriteTx;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::input::Address;
use crate::model::Partner;

/// Table `partner_locations`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One place of a partner.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "partner_locations")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The partner.
        pub partner_id: Uuid,
        /// Display name.
        pub name: String,
        /// principal, branch, warehouse, factory, ginning_mill, ship_to, port or icd.
        pub location_type: String,
        /// A registered settings location, when it is one.
        pub location_id: Option<Uuid>,
        /// Postal address (JSON of `Address`).
        pub address: Json,
        /// Two-letter state code.
        pub state_code: Option<String>,
        /// Degrees.
        pub latitude: Option<f64>,
        /// Degrees.
        pub longitude: Option<f64>,
        /// GSTIN of a branch in another state.
        pub gstin: Option<String>,
        /// Deactivated places stay for the records that name them.
        pub is_active: bool,
        /// Optimistic lock.
        pub version: i64,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations are navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A partner's place as callers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerLocation {
    /// Id.
    pub id: Uuid,
    /// The partner.
    pub partner_id: Uuid,
    /// Display name.
    pub name: String,
    /// principal, branch, warehouse, factory, ginning_mill, ship_to, port or icd.
    pub location_type: String,
    /// A registered settings location.
    pub location_id: Option<Uuid>,
    /// Address.
    pub address: Address,
    /// Two-letter state code.
    pub state_code: Option<String>,
    /// GSTIN of a branch in another state.
    pub gstin: Option<String>,
    /// Active or deactivated.
    pub is_active: bool,
    /// Version.
    pub version: i64,
}

impl From<entity::Model> for PartnerLocation {
    fn from(m: entity::Model) -> Self {
        Self {
            id: m.id,
            partner_id: m.partner_id,
            name: m.name,
            location_type: m.location_type,
            location_id: m.location_id,
            address: serde_json::from_value(m.address).unwrap_or_default(),
            state_code: m.state_code,
            gstin: m.gstin,
            is_active: m.is_active,
            version: m.version,
        }
    }
}

/// Records the principal place of business of a newly approved `partner`
/// from `address` (the application's), in the approval's transaction.
pub(crate) async fn add_principal(
    tx: &WriteTx,
    partner: &Partner,
    address: &Address,
) -> Result<PartnerLocation, ServiceError> {
    let now = tx.now();
    let name = partner
        .trade_name
        .clone()
        .unwrap_or_else(|| partner.legal_name.clone());
    let row = entity::Model {
        id: infra::ids::new_id(),
        partner_id: partner.id,
        name: format!("{name} (principal)"),
        location_type: "principal".into(),
        location_id: None,
        address: serde_json::to_value(address)?,
        state_code: address.state_code.clone(),
        latitude: address.latitude,
        longitude: address.longitude,
        gstin: partner.gstin.clone(),
        is_active: true,
        version: 1,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
    .reset_all()
    .insert(tx.db())
    .await?;
    Ok(PartnerLocation::from(row))
}

/// The active places of partner `partner_id`, principal first.
pub async fn of_partner<C: ConnectionTrait>(
    db: &C,
    partner_id: Uuid,
) -> Result<Vec<PartnerLocation>, ServiceError> {
    let mut rows = entity::Entity::find()
        .filter(entity::Column::PartnerId.eq(partner_id))
        .filter(entity::Column::IsActive.eq(true))
        .all(db)
        .await?;
    rows.sort_by_key(|r| (r.location_type != "principal", r.id));
    Ok(rows.into_iter().map(PartnerLocation::from).collect())
}
