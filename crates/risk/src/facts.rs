//! The facts an assessment needs about each partner, loaded for many
//! partners at once with one query per table: the partner record (type,
//! status, KYC, capabilities, credit limit, tax ids, mobiles and e-mail
//! domains of the partner and its users), its performance row
//! (`risk_performance`, the neutral values when absent) and its utilised
//! exposure per side (`risk_exposures`, zero when absent).
//!
//! ```no_run
//! # async fn demo(db: &infra::sea_orm::DatabaseConnection, a: uuid::Uuid, b: uuid::Uuid) -> Result<(), infra::ServiceError> {
//! let facts = risk::facts::load(db, &[a, b]).await?;
//! if let Some(f) = facts.get(&a) {
//!     println!("{} may owe {}, owes {}", f.partner_id, f.credit_limit, f.utilised_buyer);
//! }
//! # Ok(()) }
//! ```

use std::collections::{BTreeSet, HashMap};

use infra::ServiceError;
use infra::money::from_scaled;
use partners::entity::partner;
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use settings::users::entity::user;
use uuid::Uuid;

use crate::precheck::mail::corporate_domain;
use crate::precheck::{Party, Standing};
use crate::side::neutral;

/// A partner's performance record, or the neutral one without history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Performance {
    /// Rating 0-5.
    pub rating: Decimal,
    /// Delivery score 0-100.
    pub delivery_score: i32,
    /// Payment score 0-100.
    pub payment_score: i32,
    /// Disputes raised.
    pub disputes: i32,
    /// Trades done.
    pub trade_count: i32,
}

impl Performance {
    /// The documented values of a partner without history.
    pub fn neutral() -> Self {
        Self {
            rating: Decimal::new(neutral::RATING_TENTHS.into(), 1),
            delivery_score: neutral::DELIVERY_SCORE,
            payment_score: neutral::PAYMENT_SCORE,
            disputes: neutral::DISPUTES,
            trade_count: neutral::TRADE_COUNT,
        }
    }
}

/// Everything an assessment reads about one partner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerFacts {
    /// The partner.
    pub partner_id: Uuid,
    /// Its type (seller, buyer, trader, importer, exporter, broker, ...).
    pub partner_type: String,
    /// Its status (approved, suspended, ...).
    pub status: String,
    /// Its KYC status.
    pub kyc_status: String,
    /// Whether its KYC counts as verified (verified, or renewal required while still valid).
    pub kyc_verified: bool,
    /// Its country (ISO code).
    pub country: String,
    /// The trade capabilities it holds.
    pub capabilities: Vec<String>,
    /// Its credit limit, INR.
    pub credit_limit: Decimal,
    /// Its PAN.
    pub pan: Option<String>,
    /// Its GSTIN.
    pub gstin: Option<String>,
    /// Its foreign tax id.
    pub foreign_tax_id: Option<String>,
    /// The contact mobile and its users' mobiles.
    pub mobiles: BTreeSet<String>,
    /// The corporate e-mail domains of its contact and users (public mail domains left out).
    pub email_domains: BTreeSet<String>,
    /// Its performance record.
    pub performance: Performance,
    /// Utilised exposure on the buyer side, INR.
    pub utilised_buyer: Decimal,
    /// Utilised exposure (delivery obligations) on the seller side, INR.
    pub utilised_seller: Decimal,
}

impl PartnerFacts {
    /// The standing the precheck rules read, for the buyer or seller side.
    pub fn standing(&self, side: crate::Side) -> Standing {
        let utilised = match side {
            crate::Side::Buyer => self.utilised_buyer,
            crate::Side::Seller => self.utilised_seller,
        };
        Standing {
            credit_limit: self.credit_limit,
            utilised,
            rating: self.performance.rating,
            delivery_score: self.performance.delivery_score,
            payment_score: self.performance.payment_score,
            disputes: self.performance.disputes,
            trade_count: self.performance.trade_count,
        }
    }

    /// The identities the trade rules compare.
    pub fn party(&self) -> Party {
        Party {
            partner_id: self.partner_id,
            pan: self.pan.clone(),
            gstin: self.gstin.clone(),
            foreign_tax_id: self.foreign_tax_id.clone(),
            mobiles: self.mobiles.clone(),
            email_domains: self.email_domains.clone(),
        }
    }
}

fn base(row: partner::Model) -> PartnerFacts {
    let capabilities: Vec<String> = serde_json::from_value(row.capabilities).unwrap_or_default();
    let kyc_verified = matches!(row.kyc_status.as_str(), "verified" | "renewal_required");
    let mut mobiles = BTreeSet::new();
    mobiles.insert(normalise_mobile(&row.contact_mobile));
    let email_domains = row
        .contact_email
        .as_deref()
        .and_then(corporate_domain)
        .into_iter()
        .collect();
    PartnerFacts {
        partner_id: row.id,
        partner_type: row.partner_type,
        status: row.status,
        kyc_status: row.kyc_status,
        kyc_verified,
        country: row.country,
        capabilities,
        credit_limit: from_scaled(row.credit_limit),
        pan: row.pan,
        gstin: row.gstin,
        foreign_tax_id: row.foreign_tax_id,
        mobiles,
        email_domains,
        performance: Performance::neutral(),
        utilised_buyer: Decimal::ZERO,
        utilised_seller: Decimal::ZERO,
    }
}

/// A mobile compared by its last ten digits, so `+91 98…` and `98…` match.
fn normalise_mobile(mobile: &str) -> String {
    let digits: String = mobile.chars().filter(char::is_ascii_digit).collect();
    let skip = digits.len().saturating_sub(10);
    digits[skip..].to_owned()
}

/// The facts of every partner of `ids` that exists, by id: one query each
/// for partners, users, performance and exposures, however many ids.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, PartnerFacts>, ServiceError> {
    let ids: BTreeSet<Uuid> = ids.iter().copied().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut facts: HashMap<Uuid, PartnerFacts> = partner::Entity::find()
        .filter(partner::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, base(row)))
        .collect();
    let found: Vec<Uuid> = facts.keys().copied().collect();
    if found.is_empty() {
        return Ok(facts);
    }
    let users = user::Entity::find()
        .filter(user::Column::PartnerId.is_in(found.iter().copied()))
        .all(db)
        .await?;
    for u in users {
        if let Some(f) = u.partner_id.and_then(|p| facts.get_mut(&p)) {
            if let Some(m) = u.mobile.as_deref() {
                f.mobiles.insert(normalise_mobile(m));
            }
            if let Some(d) = u.email.as_deref().and_then(corporate_domain) {
                f.email_domains.insert(d);
            }
        }
    }
    performance(db, &found, &mut facts).await?;
    exposures(db, &found, &mut facts).await?;
    Ok(facts)
}

/// The standing facts of partner `rows` a caller read already: the rows
/// themselves, the stored performance and the exposures (one query each),
/// without the users' mobiles and e-mail domains, which only the party
/// checks of a trade read (the seller and buyer prechecks do not).
pub async fn standing_of<C: ConnectionTrait>(
    db: &C,
    rows: impl IntoIterator<Item = partner::Model>,
) -> Result<HashMap<Uuid, PartnerFacts>, ServiceError> {
    let mut facts: HashMap<Uuid, PartnerFacts> = rows.into_iter().map(|row| (row.id, base(row))).collect();
    let found: Vec<Uuid> = facts.keys().copied().collect();
    if found.is_empty() {
        return Ok(facts);
    }
    performance(db, &found, &mut facts).await?;
    exposures(db, &found, &mut facts).await?;
    Ok(facts)
}

/// The stored performance rows of `ids` onto `facts` (one query).
async fn performance<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    facts: &mut HashMap<Uuid, PartnerFacts>,
) -> Result<(), ServiceError> {
    let select = Query::select()
        .columns(
            [
                "partner_id",
                "rating_tenths",
                "delivery_score",
                "payment_score",
                "disputes",
                "trade_count",
            ]
            .map(Alias::new),
        )
        .from(Alias::new("risk_performance"))
        .and_where(Expr::col(Alias::new("partner_id")).is_in(ids.iter().copied()))
        .to_owned();
    for row in db.query_all_raw(db.get_database_backend().build(&select)).await? {
        let id = row.try_get::<Uuid>("", "partner_id")?;
        if let Some(f) = facts.get_mut(&id) {
            f.performance = Performance {
                rating: Decimal::new(row.try_get::<i32>("", "rating_tenths")?.into(), 1),
                delivery_score: row.try_get("", "delivery_score")?,
                payment_score: row.try_get("", "payment_score")?,
                disputes: row.try_get("", "disputes")?,
                trade_count: row.try_get("", "trade_count")?,
            };
        }
    }
    Ok(())
}

/// The utilised totals of `ids` per side onto `facts` (one query).
async fn exposures<C: ConnectionTrait>(
    db: &C,
    ids: &[Uuid],
    facts: &mut HashMap<Uuid, PartnerFacts>,
) -> Result<(), ServiceError> {
    let select = Query::select()
        .columns(["partner_id", "side", "utilised"].map(Alias::new))
        .from(Alias::new("risk_exposures"))
        .and_where(Expr::col(Alias::new("partner_id")).is_in(ids.iter().copied()))
        .to_owned();
    for row in db.query_all_raw(db.get_database_backend().build(&select)).await? {
        let id = row.try_get::<Uuid>("", "partner_id")?;
        let side = row.try_get::<String>("", "side")?;
        let utilised = from_scaled(row.try_get::<i64>("", "utilised")?);
        if let Some(f) = facts.get_mut(&id) {
            match crate::Side::parse(&side) {
                Some(crate::Side::Buyer) => f.utilised_buyer = utilised,
                Some(crate::Side::Seller) => f.utilised_seller = utilised,
                None => {}
            }
        }
    }
    Ok(())
}
