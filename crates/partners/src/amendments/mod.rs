//! Amendments of an approved partner's registered facts: its legal or trade
//! name, GSTIN, PAN, bank details or address. A request records the old and
//! new value (`pending`); staff approve it, which applies the change to the
//! partner in the same transaction, validated as at onboarding, with its
//! capabilities recomputed when a tax id changes, or reject it with a reason.
//! One pending amendment per partner and field (409 `amendment_pending`);
//! a decision is taken once (409 `amendment_decided`).
//!
//! Requesting needs PARTNER_MANAGE: staff, or a partner's own users on their
//! own partner (any other is not found). Deciding needs PARTNER_APPROVE and
//! is staff's only (a partner's users get `out_of_scope`). Lists mask PAN and
//! bank account numbers like [`crate::records::mask`]. Events on
//! [`crate::TOPIC`]: PartnerAmendmentRequested and PartnerAmendmentRejected
//! (aggregate `partner_amendment`), PartnerAmendmentApproved (aggregate
//! `partner`, with the partner's changes).
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use partners::amendments::{AmendmentService, NewAmendment};
//!
//! # async fn demo(partner_id: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let amendments = AmendmentService::new(infra);
//! let staff = Actor::system();
//! let input = NewAmendment {
//!     field: "trade_name".into(),
//!     new_value: serde_json::json!("Shree Cotton Traders"),
//!     reason: "renamed in the shop register".into(),
//!     document_id: None,
//! };
//! let pending = amendments.request(&staff, partner_id, input).await?.value;
//! let approved = amendments.approve(&staff, pending.id).await?.value;
//! println!("{} is {}", approved.field, approved.status);
//! # Ok(()) }
//! ```

mod decide;
pub mod entity;
mod request;
pub mod value;

use chrono::{DateTime, Utc};
use infra::{Actor, Infra, Page, PageRequest, ServiceError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

pub(crate) use crate::scope::{for_change as partner_for_change, reach_as, reason_of};
pub(crate) use infra::rows::for_update as locked;

pub use value::Field;

use crate::PARTNER_READ;
use crate::records::mask::last4;

/// The statuses of an amendment.
pub const STATUSES: &[&str] = &["pending", "approved", "rejected"];

/// `POST /partners/{id}/amendments`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAmendment {
    /// legal_name, trade_name, gstin, pan, bank or address.
    pub field: String,
    /// A string for names and tax ids; `{account_name, account_number, ifsc}`
    /// for bank; an address for address.
    pub new_value: Value,
    /// Why, 3..=500 characters.
    pub reason: String,
    /// The supporting document (required for gstin and pan: a
    /// gst_certificate or pan_card of the partner).
    #[serde(default)]
    pub document_id: Option<Uuid>,
}

/// An amendment as callers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amendment {
    /// Id.
    pub id: Uuid,
    /// The partner.
    pub partner_id: Uuid,
    /// legal_name, trade_name, gstin, pan, bank or address.
    pub field: String,
    /// The value when requested.
    pub old_value: Option<Value>,
    /// The value asked for, normalized.
    pub new_value: Value,
    /// Why it is asked for.
    pub reason: String,
    /// The supporting document.
    pub document_id: Option<Uuid>,
    /// pending, approved or rejected.
    pub status: String,
    /// Who asked.
    pub requested_by: Option<Uuid>,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// When it was decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why it was rejected.
    pub decision_reason: Option<String>,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<entity::Model> for Amendment {
    fn from(m: entity::Model) -> Self {
        Self {
            id: m.id,
            partner_id: m.partner_id,
            field: m.field,
            old_value: m.old_value,
            new_value: m.new_value,
            reason: m.reason,
            document_id: m.document_id,
            status: m.status,
            requested_by: m.requested_by,
            decided_by: m.decided_by,
            decided_at: m.decided_at,
            decision_reason: m.decision_reason,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

fn mask_value(field: &str, value: &mut Value) {
    match field {
        "pan" => {
            if let Some(pan) = value.as_str() {
                *value = Value::String(last4(pan));
            }
        }
        "bank" => {
            if let Some(number) = value.get("account_number").and_then(Value::as_str) {
                value["account_number"] = Value::String(last4(number));
            }
        }
        _ => {}
    }
}

/// `amendment` with a PAN or bank account number masked to its last 4, old and new.
pub fn mask(mut amendment: Amendment) -> Amendment {
    if let Some(old) = amendment.old_value.as_mut() {
        mask_value(&amendment.field, old);
    }
    mask_value(&amendment.field, &mut amendment.new_value);
    amendment
}

/// The amendments of partners over any [`Infra`].
#[derive(Clone)]
pub struct AmendmentService<I: Infra> {
    infra: I,
}

fn require_read(actor: &Actor) -> Result<(), ServiceError> {
    if actor.partner_id.is_some() {
        return Ok(());
    }
    infra::service_error::require(actor, PARTNER_READ)
}

impl<I: Infra> AmendmentService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// One amendment, unmasked; a partner's users only their own partner's
    /// (404 otherwise). Staff need PARTNER_READ.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Amendment, ServiceError> {
        require_read(actor)?;
        let row = entity::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("amendment"))?;
        reach_as(actor, row.partner_id, "amendment")?;
        Ok(Amendment::from(row))
    }

    /// A page of partner `partner_id`'s amendments, oldest first, of `status`
    /// when given (422 naming `status` for an unknown one), PAN and bank
    /// account numbers masked.
    pub async fn list(
        &self,
        actor: &Actor,
        partner_id: Uuid,
        status: Option<String>,
        page: PageRequest,
    ) -> Result<Page<Amendment>, ServiceError> {
        require_read(actor)?;
        reach_as(actor, partner_id, "partner")?;
        crate::entity::partner::Entity::find_by_id(partner_id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("partner"))?;
        let mut query = entity::Entity::find()
            .filter(entity::Column::PartnerId.eq(partner_id))
            .order_by_asc(entity::Column::Id)
            .limit(page.fetch());
        if let Some(status) = status {
            if !STATUSES.contains(&status.as_str()) {
                return Err(ServiceError::field(
                    "status",
                    "must be pending, approved or rejected",
                ));
            }
            query = query.filter(entity::Column::Status.eq(status));
        }
        if let Some(after) = page.after {
            query = query.filter(entity::Column::Id.gt(after));
        }
        let rows = query.all(self.infra.db()).await?;
        Ok(Page::from_rows(rows, page, |r| r.id).map(|r| mask(Amendment::from(r))))
    }
}
