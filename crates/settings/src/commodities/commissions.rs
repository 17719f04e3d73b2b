//! Commission structures of a commodity: PERCENTAGE (rate in percent of the
//! trade value), FIXED (rate is an amount per trade) or TIERED (ordered,
//! non-overlapping tiers of trade value, each with its percent); optional
//! minimum and maximum commission; charged to the BUYER, the SELLER or BOTH.
//! A commodity with commission structures cannot be deleted.

use chrono::{DateTime, Utc};
use infra::write::WriteTx;
use infra::{Money, Validator};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::children::{Child, CommodityParent};
use super::entity::{commission, commodity};
use crate::error::SettingsError;
use infra::rows::save;

/// The commission types.
pub const COMMISSION_TYPES: [&str; 3] = ["PERCENTAGE", "FIXED", "TIERED"];
/// Who pays.
pub const PARTIES: [&str; 3] = ["BUYER", "SELLER", "BOTH"];

/// One tier of a TIERED structure: trade values from `from_amount` up to
/// `to_amount` (open-ended when absent, only for the last tier) pay `rate` percent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Lower bound, inclusive.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub from_amount: Money,
    /// Upper bound, exclusive; none for the last tier.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub to_amount: Option<Money>,
    /// Percent of the trade value.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^(100(\.0{1,4})?|[0-9]{1,2}(\.[0-9]{1,4})?)$"))]
    pub rate: Money,
}

/// A commission structure as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissionStructure {
    /// Id.
    pub id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// Name.
    pub name: String,
    /// PERCENTAGE, FIXED or TIERED.
    pub commission_type: String,
    /// Percent (PERCENTAGE) or amount (FIXED); none for TIERED.
    pub rate: Option<Money>,
    /// Lowest commission.
    pub min_amount: Option<Money>,
    /// Highest commission.
    pub max_amount: Option<Money>,
    /// BUYER, SELLER or BOTH.
    pub applies_to: String,
    /// The tiers of a TIERED structure, ordered.
    pub tiers: Option<Vec<Tier>>,
    /// Whether it is in use.
    pub is_active: bool,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<commission::Model> for CommissionStructure {
    fn from(m: commission::Model) -> Self {
        Self {
            id: m.id,
            commodity_id: m.commodity_id,
            name: m.name,
            commission_type: m.commission_type,
            rate: m.rate.map(Money::from_scaled),
            min_amount: m.min_amount.map(Money::from_scaled),
            max_amount: m.max_amount.map(Money::from_scaled),
            applies_to: m.applies_to,
            tiers: m.tiers.and_then(|t| serde_json::from_value(t).ok()),
            is_active: m.is_active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new commission structure.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCommission {
    /// Name, 2..100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: String,
    /// PERCENTAGE, FIXED or TIERED.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::CommissionType, inline))]
    pub commission_type: String,
    /// Percent 0..100 (PERCENTAGE) or amount (FIXED); absent for TIERED.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub rate: Option<Money>,
    /// Lowest commission.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_amount: Option<Money>,
    /// Highest commission, at least `min_amount`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_amount: Option<Money>,
    /// BUYER, SELLER or BOTH.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::Party, inline))]
    pub applies_to: String,
    /// Tiers, for TIERED only.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub tiers: Option<Vec<Tier>>,
}

/// Changes to a commission structure; the result is validated as a whole.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCommission {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 100))]
    pub name: Option<String>,
    /// New rate.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub rate: Option<Money>,
    /// New minimum.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub min_amount: Option<Money>,
    /// New maximum.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, pattern = r"^[0-9]+(\.[0-9]{1,4})?$"))]
    pub max_amount: Option<Money>,
    /// New party.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::Party>, inline))]
    pub applies_to: Option<String>,
    /// New tiers.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub tiers: Option<Vec<Tier>>,
    /// Active or not.
    pub is_active: Option<bool>,
    /// The version the change is based on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

fn percent(value: Money) -> bool {
    value.value() >= Decimal::ZERO && value.value() <= Decimal::ONE_HUNDRED
}

fn check_tiers(v: &mut Validator, tiers: &[Tier]) {
    v.check(!tiers.is_empty(), "tiers", "must hold at least one tier");
    let mut previous_to: Option<Decimal> = Some(Decimal::ZERO);
    for (i, tier) in tiers.iter().enumerate() {
        let at = |field: &str| format!("tiers[{i}].{field}");
        let from = tier.from_amount.value();
        match previous_to {
            Some(bound) => {
                let message = if i == 0 {
                    "must not be negative"
                } else {
                    "must not be below the previous tier's to_amount (tiers are ordered and do not overlap)"
                };
                v.check(from >= bound, &at("from_amount"), message);
            }
            None => {
                v.check(
                    false,
                    &at("from_amount"),
                    "follows an open-ended tier: only the last tier may omit to_amount",
                );
            }
        }
        if let Some(to) = tier.to_amount {
            v.check(to.value() > from, &at("to_amount"), "must be above from_amount");
        }
        v.check(
            percent(tier.rate),
            &at("rate"),
            "must be a percentage from 0 to 100",
        );
        previous_to = tier.to_amount.map(Money::value);
    }
}

struct Spec<'a> {
    name: &'a str,
    commission_type: &'a str,
    rate: Option<Money>,
    min: Option<Money>,
    max: Option<Money>,
    applies_to: &'a str,
    tiers: Option<&'a [Tier]>,
}

impl Spec<'_> {
    fn validate(&self) -> Result<(), SettingsError> {
        let mut v = Validator::new();
        v.check(
            (2..=100).contains(&self.name.trim().chars().count()),
            "name",
            "must be 2 to 100 characters",
        );
        v.check(
            PARTIES.contains(&self.applies_to),
            "applies_to",
            "must be BUYER, SELLER or BOTH",
        );
        match self.commission_type {
            "PERCENTAGE" => {
                v.check(
                    self.rate.is_some_and(percent),
                    "rate",
                    "is required: a percentage from 0 to 100",
                );
            }
            "FIXED" => {
                v.check(
                    self.rate.is_some_and(|r| !r.value().is_sign_negative()),
                    "rate",
                    "is required: a fixed amount, not negative",
                );
            }
            "TIERED" => {
                v.check(
                    self.rate.is_none(),
                    "rate",
                    "is not allowed for TIERED: each tier has its rate",
                );
            }
            _ => {
                v.check(false, "commission_type", "must be PERCENTAGE, FIXED or TIERED");
            }
        }
        match (self.commission_type, self.tiers) {
            ("TIERED", Some(tiers)) => check_tiers(&mut v, tiers),
            ("TIERED", None) => {
                v.check(false, "tiers", "is required for TIERED");
            }
            (_, Some(_)) => {
                v.check(false, "tiers", "is allowed only for TIERED");
            }
            (_, None) => {}
        }
        for (field, value) in [("min_amount", self.min), ("max_amount", self.max)] {
            if let Some(value) = value {
                v.check(!value.value().is_sign_negative(), field, "must not be negative");
            }
        }
        if let (Some(min), Some(max)) = (self.min, self.max) {
            v.check(max >= min, "max_amount", "must be at least min_amount");
        }
        Ok(v.finish()?)
    }
}

fn tiers_json(tiers: Option<&Vec<Tier>>) -> Result<Option<serde_json::Value>, SettingsError> {
    Ok(tiers.map(serde_json::to_value).transpose()?)
}

/// Commission structures as a commodity child.
pub struct Commissions;

impl Child for Commissions {
    type Parent = CommodityParent;
    const SEGMENT: &'static str = "commission-structures";
    const RESOURCE: &'static str = "commission_structure";
    const EVENT: &'static str = "CommodityCommissionStructure";
    type Entity = commission::Entity;
    type View = CommissionStructure;
    type Create = CreateCommission;
    type Update = UpdateCommission;

    fn based_on(update: &UpdateCommission) -> Option<i64> {
        update.version
    }

    fn id(view: &CommissionStructure) -> Uuid {
        view.id
    }

    fn version(view: &CommissionStructure) -> i64 {
        view.version
    }

    async fn create(
        tx: &WriteTx,
        parent: &commodity::Model,
        input: CreateCommission,
    ) -> Result<CommissionStructure, SettingsError> {
        let commission_type = input.commission_type.trim().to_ascii_uppercase();
        let applies_to = input.applies_to.trim().to_ascii_uppercase();
        Spec {
            name: &input.name,
            commission_type: &commission_type,
            rate: input.rate,
            min: input.min_amount,
            max: input.max_amount,
            applies_to: &applies_to,
            tiers: input.tiers.as_deref(),
        }
        .validate()?;
        let row = commission::ActiveModel {
            id: Set(infra::ids::new_id()),
            commodity_id: Set(parent.id),
            name: Set(input.name.trim().to_owned()),
            commission_type: Set(commission_type),
            rate: Set(input.rate.map(Money::scaled)),
            min_amount: Set(input.min_amount.map(Money::scaled)),
            max_amount: Set(input.max_amount.map(Money::scaled)),
            applies_to: Set(applies_to),
            tiers: Set(tiers_json(input.tiers.as_ref())?),
            is_active: Set(true),
            version: Set(1),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(tx.db())
        .await?;
        Ok(row.into())
    }

    async fn update(
        tx: &WriteTx,
        _parent: &commodity::Model,
        before: commission::Model,
        input: UpdateCommission,
    ) -> Result<CommissionStructure, SettingsError> {
        let old = CommissionStructure::from(before.clone());
        let name = input.name.map_or(old.name.clone(), |n| n.trim().to_owned());
        let applies_to = input
            .applies_to
            .map_or(old.applies_to.clone(), |a| a.trim().to_ascii_uppercase());
        let rate = input.rate.or(old.rate);
        let min = input.min_amount.or(old.min_amount);
        let max = input.max_amount.or(old.max_amount);
        let tiers = input.tiers.or(old.tiers.clone());
        Spec {
            name: &name,
            commission_type: &old.commission_type,
            rate,
            min,
            max,
            applies_to: &applies_to,
            tiers: tiers.as_deref(),
        }
        .validate()?;
        let mut next = before.clone();
        next.name = name;
        next.applies_to = applies_to;
        next.rate = rate.map(Money::scaled);
        next.min_amount = min.map(Money::scaled);
        next.max_amount = max.map(Money::scaled);
        next.tiers = tiers_json(tiers.as_ref())?;
        next.is_active = input.is_active.unwrap_or(next.is_active);
        if next == before {
            return Ok(old);
        }
        Ok(save(tx, next).await?.into())
    }
}
