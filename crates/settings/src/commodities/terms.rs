//! The six trade-term masters (trade types, bargain types, passing terms,
//! weightment terms, delivery terms, payment terms) in one table and one
//! generic service: each kind names its segment, its event stem and which of
//! the optional attributes it takes; codes are unique per kind.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use infra::write::{WriteTx, write};
use infra::{Actor, Cache, Infra, Money, Page, PageRequest, Validator, Written};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::entity::trade_term;
use super::{COMMODITY_READ, COMMODITY_UPDATE, TOPIC};
use crate::changes::{Change, diff, record};
use crate::error::{SettingsError, require};
use crate::references::{Reference, References};
use crate::rows::save;

/// How long a master stays cached.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// The optional attributes a kind of term may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribute {
    /// `needs_approval` (bargain types).
    NeedsApproval,
    /// `needs_quality_test` (passing terms).
    NeedsQualityTest,
    /// `deduction_percent` (weightment terms).
    DeductionPercent,
    /// `freight_included` (delivery terms).
    FreightIncluded,
    /// `insurance_included` (delivery terms).
    InsuranceIncluded,
    /// `days` (payment terms).
    Days,
    /// `percentage` (payment terms).
    Percentage,
}

/// A kind of trade term.
pub trait TermKind: Send + Sync + 'static {
    /// Stored kind, such as `PAYMENT_TERM`.
    const KIND: &'static str;
    /// URL segment under `/commodities/terms/`, such as `payment-terms`.
    const SEGMENT: &'static str;
    /// Event stem: `{EVENT}Created`, `{EVENT}Updated`, `{EVENT}Deleted`.
    const EVENT: &'static str;
    /// The attributes it takes.
    const ATTRIBUTES: &'static [Attribute];
}

macro_rules! term_kind {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $segment:literal, $event:literal, [$($attr:ident),*]) => {
        $(#[$doc])*
        pub struct $name;

        impl TermKind for $name {
            const KIND: &'static str = $kind;
            const SEGMENT: &'static str = $segment;
            const EVENT: &'static str = $event;
            const ATTRIBUTES: &'static [Attribute] = &[$(Attribute::$attr),*];
        }
    };
}

term_kind!(
    /// Trade types (spot, forward, ...).
    TradeTypes, "TRADE_TYPE", "trade-types", "TradeType", []
);
term_kind!(
    /// Bargain types, some needing approval.
    BargainTypes, "BARGAIN_TYPE", "bargain-types", "BargainType", [NeedsApproval]
);
term_kind!(
    /// Passing terms, some needing a quality test.
    PassingTerms, "PASSING_TERM", "passing-terms", "PassingTerm", [NeedsQualityTest]
);
term_kind!(
    /// Weightment terms with a deduction percent.
    WeightmentTerms, "WEIGHTMENT_TERM", "weightment-terms", "WeightmentTerm", [DeductionPercent]
);
term_kind!(
    /// Delivery terms, with freight and insurance included or not.
    DeliveryTerms, "DELIVERY_TERM", "delivery-terms", "DeliveryTerm", [FreightIncluded, InsuranceIncluded]
);
term_kind!(
    /// Payment terms: days and percentage paid.
    PaymentTerms, "PAYMENT_TERM", "payment-terms", "PaymentTerm", [Days, Percentage]
);

/// A trade term as callers see it; attributes a kind does not take are absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeTerm {
    /// Id.
    pub id: Uuid,
    /// Stored kind, such as PAYMENT_TERM.
    pub kind: String,
    /// Code, unique per kind.
    pub code: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Bargain types: needs approval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_approval: Option<bool>,
    /// Passing terms: needs a quality test.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_quality_test: Option<bool>,
    /// Weightment terms: deduction, percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deduction_percent: Option<Money>,
    /// Delivery terms: freight included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freight_included: Option<bool>,
    /// Delivery terms: insurance included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insurance_included: Option<bool>,
    /// Payment terms: days.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    /// Payment terms: percentage paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentage: Option<Money>,
    /// Whether it is in use.
    pub is_active: bool,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<trade_term::Model> for TradeTerm {
    fn from(m: trade_term::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            code: m.code,
            name: m.name,
            description: m.description,
            needs_approval: m.needs_approval,
            needs_quality_test: m.needs_quality_test,
            deduction_percent: m.deduction_percent.map(Money::from_scaled),
            freight_included: m.freight_included,
            insurance_included: m.insurance_included,
            days: m.days,
            percentage: m.percentage.map(Money::from_scaled),
            is_active: m.is_active,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// Create input (`code` and `name` required) and update input (anything
/// present changes; `code` cannot change) of every kind.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermInput {
    /// Upper case code, unique per kind, at most 32 characters.
    pub code: Option<String>,
    /// Name, 2..100 characters.
    pub name: Option<String>,
    /// Description, up to 500 characters.
    pub description: Option<String>,
    /// Bargain types only (default false).
    pub needs_approval: Option<bool>,
    /// Passing terms only (default false).
    pub needs_quality_test: Option<bool>,
    /// Weightment terms only: 0..100 (default 0).
    pub deduction_percent: Option<Money>,
    /// Delivery terms only (default false).
    pub freight_included: Option<bool>,
    /// Delivery terms only (default false).
    pub insurance_included: Option<bool>,
    /// Payment terms only: 0..3650 (default 0).
    pub days: Option<i64>,
    /// Payment terms only: 0..100 (default 100).
    pub percentage: Option<Money>,
    /// Active or not (updates).
    pub is_active: Option<bool>,
    /// The version the change is based on (updates).
    pub version: Option<i64>,
}

fn percent(value: Money) -> bool {
    value.value() >= Decimal::ZERO && value.value() <= Decimal::ONE_HUNDRED
}

impl TermInput {
    fn present(&self, attribute: Attribute) -> (&'static str, bool) {
        match attribute {
            Attribute::NeedsApproval => ("needs_approval", self.needs_approval.is_some()),
            Attribute::NeedsQualityTest => ("needs_quality_test", self.needs_quality_test.is_some()),
            Attribute::DeductionPercent => ("deduction_percent", self.deduction_percent.is_some()),
            Attribute::FreightIncluded => ("freight_included", self.freight_included.is_some()),
            Attribute::InsuranceIncluded => ("insurance_included", self.insurance_included.is_some()),
            Attribute::Days => ("days", self.days.is_some()),
            Attribute::Percentage => ("percentage", self.percentage.is_some()),
        }
    }

    fn validate<K: TermKind>(&self, creating: bool) -> Result<(), SettingsError> {
        let mut v = Validator::new();
        match (&self.code, creating) {
            (Some(code), true) => {
                let code = code.trim();
                v.check(
                    crate::capabilities::is_code(code) && code.len() <= 32,
                    "code",
                    "must be an upper case code of at most 32 characters, such as NET30",
                );
            }
            (None, true) => {
                v.check(false, "code", "is required");
            }
            (Some(_), false) => {
                v.check(false, "code", "cannot change; create a new entry instead");
            }
            (None, false) => {}
        }
        match &self.name {
            Some(name) => {
                v.check(
                    (2..=100).contains(&name.trim().chars().count()),
                    "name",
                    "must be 2 to 100 characters",
                );
            }
            None if creating => {
                v.check(false, "name", "is required");
            }
            None => {}
        }
        if let Some(description) = &self.description {
            v.check(
                description.chars().count() <= 500,
                "description",
                "must be at most 500 characters",
            );
        }
        for attribute in ALL_ATTRIBUTES {
            let (field, present) = self.present(attribute);
            if present && !K::ATTRIBUTES.contains(&attribute) {
                v.check(false, field, &format!("is not a field of {}", K::SEGMENT));
            }
        }
        for (field, value) in [
            ("deduction_percent", self.deduction_percent),
            ("percentage", self.percentage),
        ] {
            if let Some(value) = value {
                v.check(percent(value), field, "must be a percentage from 0 to 100");
            }
        }
        if let Some(days) = self.days {
            v.check((0..=3650).contains(&days), "days", "must be from 0 to 3650");
        }
        Ok(v.finish()?)
    }
}

const ALL_ATTRIBUTES: [Attribute; 7] = [
    Attribute::NeedsApproval,
    Attribute::NeedsQualityTest,
    Attribute::DeductionPercent,
    Attribute::FreightIncluded,
    Attribute::InsuranceIncluded,
    Attribute::Days,
    Attribute::Percentage,
];

/// `value`, else the current one, else `default` when the kind takes the attribute; none otherwise.
fn attribute<K: TermKind, T: Copy>(
    attribute: Attribute,
    value: Option<T>,
    current: Option<T>,
    default: T,
) -> Option<T> {
    K::ATTRIBUTES
        .contains(&attribute)
        .then(|| value.or(current).unwrap_or(default))
}

/// The attribute columns of `next` after `input`.
fn apply_attributes<K: TermKind>(next: &mut trade_term::Model, input: &TermInput) {
    next.needs_approval = attribute::<K, _>(
        Attribute::NeedsApproval,
        input.needs_approval,
        next.needs_approval,
        false,
    );
    next.needs_quality_test = attribute::<K, _>(
        Attribute::NeedsQualityTest,
        input.needs_quality_test,
        next.needs_quality_test,
        false,
    );
    next.deduction_percent = attribute::<K, _>(
        Attribute::DeductionPercent,
        input.deduction_percent.map(Money::scaled),
        next.deduction_percent,
        0,
    );
    next.freight_included = attribute::<K, _>(
        Attribute::FreightIncluded,
        input.freight_included,
        next.freight_included,
        false,
    );
    next.insurance_included = attribute::<K, _>(
        Attribute::InsuranceIncluded,
        input.insurance_included,
        next.insurance_included,
        false,
    );
    next.days = attribute::<K, _>(Attribute::Days, input.days, next.days, 0);
    next.percentage = attribute::<K, _>(
        Attribute::Percentage,
        input.percentage.map(Money::scaled),
        next.percentage,
        1_000_000,
    );
}

/// Read and change the terms of kind `K` over any [`Infra`]; reads through the cache.
pub struct TermService<I: Infra, K: TermKind> {
    infra: I,
    references: References,
    kind: PhantomData<K>,
}

impl<I: Infra, K: TermKind> Clone for TermService<I, K> {
    fn clone(&self) -> Self {
        Self {
            infra: self.infra.clone(),
            references: self.references.clone(),
            kind: PhantomData,
        }
    }
}

async fn record_term<K: TermKind>(
    tx: &WriteTx,
    suffix: &str,
    action: &str,
    term: &TradeTerm,
    payload: serde_json::Value,
) -> Result<(), SettingsError> {
    let event = format!("{}{suffix}", K::EVENT);
    let action = format!("trade_term.{action}");
    let change = Change {
        topic: TOPIC,
        event: &event,
        aggregate: "trade_term",
        aggregate_id: term.id,
        version: term.version,
        action: &action,
        resource: "trade_term",
        resource_id: term.id,
    };
    record(tx, change, payload).await
}

/// The term `id` of kind `K`, its row locked on PostgreSQL until the change
/// commits, so concurrent changes apply one after the other and a version
/// check sees the version the change is based on.
async fn find<K: TermKind>(tx: &WriteTx, id: Uuid) -> Result<trade_term::Model, SettingsError> {
    let mut query = trade_term::Entity::find_by_id(id);
    if tx.db().get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    query
        .one(tx.db())
        .await?
        .filter(|t| t.kind == K::KIND)
        .ok_or(SettingsError::NotFound("trade term"))
}

impl<I: Infra, K: TermKind> TermService<I, K> {
    /// A service over `infra`; nothing refers to terms until callers add references.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            references: References::default(),
            kind: PhantomData,
        }
    }

    /// The same service, also refusing deletes while `reference` holds the term.
    pub fn with_reference(mut self, reference: Reference) -> Self {
        self.references = self.references.with(reference);
        self
    }

    fn cache(&self) -> Cache {
        Cache::new(self.infra.kv(), "trade-terms", CACHE_TTL)
    }

    /// Every term of the kind ordered by id, through the cache (COMMODITY_READ).
    pub async fn all(&self, actor: &Actor) -> Result<Vec<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let db = self.infra.db();
        self.cache()
            .get_or_load(
                K::KIND,
                |_| true,
                || async move {
                    let rows = trade_term::Entity::find()
                        .filter(trade_term::Column::Kind.eq(K::KIND))
                        .order_by_asc(trade_term::Column::Id)
                        .all(db)
                        .await?;
                    Ok::<_, SettingsError>(rows.into_iter().map(TradeTerm::from).collect::<Vec<_>>())
                },
            )
            .await
    }

    /// A page of terms ordered by id, optionally only active or inactive ones (COMMODITY_READ).
    pub async fn list(
        &self,
        actor: &Actor,
        active: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<TradeTerm>, SettingsError> {
        let items = self
            .all(actor)
            .await?
            .into_iter()
            .filter(|t| active.is_none_or(|a| t.is_active == a))
            .collect();
        Ok(Page::of_sorted(items, page, |t| t.id))
    }

    /// One term (COMMODITY_READ).
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<TradeTerm, SettingsError> {
        self.all(actor)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(SettingsError::NotFound("trade term"))
    }

    /// Adds a term (COMMODITY_UPDATE); its code must be free within the kind.
    pub async fn create(&self, actor: &Actor, input: TermInput) -> Result<Written<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        input.validate::<K>(true)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let code = input.code.as_deref().unwrap_or_default().trim().to_owned();
                let taken = trade_term::Entity::find()
                    .filter(trade_term::Column::Kind.eq(K::KIND))
                    .filter(trade_term::Column::Code.eq(code.clone()))
                    .one(tx.db())
                    .await?;
                if taken.is_some() {
                    return Err(SettingsError::Taken {
                        field: "code",
                        value: code,
                    });
                }
                let mut row = trade_term::Model {
                    id: infra::ids::new_id(),
                    kind: K::KIND.to_owned(),
                    code,
                    name: input.name.as_deref().unwrap_or_default().trim().to_owned(),
                    description: input.description.clone(),
                    needs_approval: None,
                    needs_quality_test: None,
                    deduction_percent: None,
                    freight_included: None,
                    insurance_included: None,
                    days: None,
                    percentage: None,
                    is_active: input.is_active.unwrap_or(true),
                    version: 1,
                    created_at: tx.now(),
                    updated_at: tx.now(),
                };
                apply_attributes::<K>(&mut row, &input);
                let term = TradeTerm::from(trade_term::ActiveModel::from(row).insert(tx.db()).await?);
                record_term::<K>(tx, "Created", "create", &term, json!({ "term": &term })).await?;
                Ok(term)
            })
        })
        .await;
        self.cache().invalidate(K::KIND).await;
        written
    }

    /// Changes a term (COMMODITY_UPDATE); `expected_version` from `If-Match` or the body.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: TermInput,
        expected_version: Option<i64>,
    ) -> Result<Written<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        input.validate::<K>(false)?;
        let expected = expected_version.or(input.version);
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = find::<K>(tx, id).await?;
                if let Some(sent) = expected.filter(|v| *v != before.version) {
                    return Err(SettingsError::StaleVersion {
                        sent,
                        current: before.version,
                    });
                }
                let mut next = before.clone();
                next.name = input.name.as_deref().map_or(next.name, |n| n.trim().to_owned());
                next.description = input.description.clone().or(next.description);
                next.is_active = input.is_active.unwrap_or(next.is_active);
                apply_attributes::<K>(&mut next, &input);
                if next == before {
                    // Nothing changed: no new version and no event, only the audit row.
                    tx.audit(
                        "trade_term.update",
                        "trade_term",
                        &id.to_string(),
                        Some(json!({ "id": id, "changes": {} })),
                    )
                    .await?;
                    return Ok(TradeTerm::from(before));
                }
                let old = TradeTerm::from(before);
                let term = TradeTerm::from(save(tx, next).await?);
                let changes = diff(&serde_json::to_value(&old)?, &serde_json::to_value(&term)?);
                record_term::<K>(
                    tx,
                    "Updated",
                    "update",
                    &term,
                    json!({ "id": id, "changes": changes }),
                )
                .await?;
                Ok(term)
            })
        })
        .await;
        self.cache().invalidate(K::KIND).await;
        written
    }

    /// Deletes a term (COMMODITY_UPDATE); 409 `trade_term_in_use` while referenced.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> Result<Written<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        let references = self.references.clone();
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let term = TradeTerm::from(find::<K>(tx, id).await?);
                references
                    .ensure_unreferenced(tx.db(), id, "trade_term_in_use", "trade term")
                    .await?;
                trade_term::Entity::delete_by_id(id).exec(tx.db()).await?;
                record_term::<K>(tx, "Deleted", "delete", &term, json!({ "term": &term })).await?;
                Ok(term)
            })
        })
        .await;
        self.cache().invalidate(K::KIND).await;
        written
    }
}
