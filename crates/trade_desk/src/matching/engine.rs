//! The engine: the candidates of one side chosen in SQL
//! ([`super::candidates`]), each pair checked by [`super::rules`], then
//! every partner named read in one query, which serves both the party
//! links (`partners::links::links_among`: the linked pairs removed) and the
//! sellers' standing (`risk::facts::standing_of`, with their performance
//! and exposures in one query each), the sellers' prechecks
//! (`risk::precheck::sellers` in one batch, stored nowhere) for each pair's
//! trade value, and every pair scored by the commodity category's weights. Stores nothing: the service
//! stores what a run found ([`super::store`]).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use infra::ServiceError;
use partners::entity::partner;
use risk::precheck::{SideCandidate, Standing, Status};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use settings::commodities::units::Units;
use uuid::Uuid;

use super::model::Dropped;
use super::rules::{self, Fit};
use super::score::{self, MatchParts, Weights};
use super::sides::{self, Need, Offer};
use super::{candidates, weights};
use crate::requirements::search::SEARCHED;

/// One pair that fits.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The requirement.
    pub requirement_id: Uuid,
    /// The availability.
    pub availability_id: Uuid,
    /// The buyer.
    pub buyer_partner_id: Uuid,
    /// The seller.
    pub seller_partner_id: Uuid,
    /// The commodity.
    pub commodity_id: Uuid,
    /// The score, 4 places.
    pub score: f64,
    /// Its parts.
    pub parts: MatchParts,
    /// Its label.
    pub label: &'static str,
    /// The seller precheck's verdict (PASS or WARN).
    pub risk: Status,
}

/// What an evaluation found and, when explained, what it left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evaluation {
    /// The pairs that fit, best first.
    pub found: Vec<Found>,
    /// The pairs left out, with the reason.
    pub dropped: Vec<Dropped>,
}

fn dropped(need: &Need, offer: &Offer, reason: &str, detail: String) -> Dropped {
    Dropped {
        requirement_id: need.row.id,
        availability_id: offer.row.id,
        reason: reason.into(),
        detail,
    }
}

/// Scores `pairs` under `weights` at `now` (see the module documentation).
pub async fn evaluate<C: ConnectionTrait>(
    db: &C,
    pairs: &[(&Need, &Offer)],
    weights: &Weights,
    now: DateTime<Utc>,
) -> Result<Evaluation, ServiceError> {
    let mut out = Evaluation::default();
    let mut fits: Vec<(&Need, &Offer, Fit)> = Vec::new();
    for (need, offer) in pairs {
        match rules::check(need, offer, now) {
            Ok(fit) => fits.push((need, offer, fit)),
            Err(r) => out.dropped.push(dropped(need, offer, r.reason, r.detail)),
        }
    }
    let couples: Vec<(Uuid, Uuid)> = fits
        .iter()
        .map(|(n, o, _)| (n.row.buyer_partner_id, o.row.seller_partner_id))
        .collect();
    // One read of every partner named serves the links and the sellers' standing.
    let named: BTreeSet<Uuid> = couples.iter().flat_map(|(b, s)| [*b, *s]).collect();
    let rows: HashMap<Uuid, partner::Model> = if named.is_empty() {
        HashMap::new()
    } else {
        partner::Entity::find()
            .filter(partner::Column::Id.is_in(named))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect()
    };
    let links = partners::links::links_among(&rows, &couples);
    let sellers: BTreeSet<Uuid> = fits.iter().map(|(_, o, _)| o.row.seller_partner_id).collect();
    let facts = risk::facts::standing_of(db, sellers.iter().filter_map(|s| rows.get(s).cloned())).await?;
    let neutral = Standing::neutral(Decimal::ZERO, Decimal::ZERO);
    let batch: Vec<SideCandidate> = fits
        .iter()
        .map(|(_, offer, fit)| SideCandidate {
            standing: facts
                .get(&offer.row.seller_partner_id)
                .map_or_else(|| neutral.clone(), |f| f.standing(risk::Side::Seller)),
            value: fit.value,
        })
        .collect();
    let prechecks = risk::precheck::sellers(&batch);
    for (((need, offer, fit), link), precheck) in fits.into_iter().zip(links).zip(prechecks) {
        if link.is_linked() {
            let reasons: Vec<String> = link
                .reasons
                .iter()
                .filter_map(|r| serde_json::to_value(r).ok())
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let detail = format!("the buyer and the seller are linked ({})", reasons.join(", "));
            out.dropped.push(dropped(need, offer, "party_linked", detail));
            continue;
        }
        let Some(risk_part) = score::risk_part(precheck.status) else {
            let detail = format!(
                "the seller precheck fails (score {}) for {} INR",
                precheck.score,
                fit.value.normalize()
            );
            out.dropped.push(dropped(need, offer, "risk_fail", detail));
            continue;
        };
        let parts = MatchParts {
            quality: fit.quality,
            price: fit.price,
            delivery: fit.delivery,
            risk: risk_part,
        };
        let total = score::total(weights, &parts, precheck.status);
        if !score::kept(weights, total) {
            let detail = format!("the score {total} is under the minimum of {}", weights.min_score);
            out.dropped.push(dropped(need, offer, "below_minimum", detail));
            continue;
        }
        out.found.push(Found {
            requirement_id: need.row.id,
            availability_id: offer.row.id,
            buyer_partner_id: need.row.buyer_partner_id,
            seller_partner_id: offer.row.seller_partner_id,
            commodity_id: need.row.commodity_id,
            score: total,
            parts,
            label: score::label(total),
            risk: precheck.status,
        });
    }
    out.found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.availability_id.cmp(&a.availability_id))
    });
    Ok(out)
}

/// The availabilities that fit `need` at `now`; with `explain` the SQL
/// cut is wider and every candidate it lets through and the rules leave
/// out is in [`Evaluation::dropped`]. Nothing fits a requirement that is
/// no longer ACTIVE or PARTIALLY_FULFILLED, or past its validity.
pub async fn for_requirement<C: ConnectionTrait>(
    db: &C,
    units: &Units,
    need: &Need,
    now: DateTime<Utc>,
    explain: bool,
) -> Result<Evaluation, ServiceError> {
    if !SEARCHED.contains(&need.row.status.as_str()) || need.row.valid_until <= now {
        return Ok(Evaluation::default());
    }
    let rows = candidates::availabilities(db, need, now, !explain).await?;
    let offers = sides::offers(db, units, rows).await?;
    let weights = weights::for_commodity(db, need.row.commodity_id).await?;
    let pairs: Vec<(&Need, &Offer)> = offers.iter().map(|o| (need, o)).collect();
    evaluate(db, &pairs, &weights, now).await
}

/// The requirements `offer` fits at `now` (the reverse of [`for_requirement`]);
/// nothing for an availability no longer ACTIVE or past its expiry.
pub async fn for_availability<C: ConnectionTrait>(
    db: &C,
    units: &Units,
    offer: &Offer,
    now: DateTime<Utc>,
    explain: bool,
) -> Result<Evaluation, ServiceError> {
    if offer.row.status != "ACTIVE" || offer.row.expires_at <= now {
        return Ok(Evaluation::default());
    }
    let rows = candidates::requirements(db, offer, now, !explain).await?;
    let needs = sides::needs(db, units, rows).await?;
    let weights = weights::for_commodity(db, offer.row.commodity_id).await?;
    let pairs: Vec<(&Need, &Offer)> = needs.iter().map(|n| (n, offer)).collect();
    evaluate(db, &pairs, &weights, now).await
}
