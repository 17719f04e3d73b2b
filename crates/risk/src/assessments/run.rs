//! Running the four assessments: capability, scope and input checked, the
//! facts loaded in the write's transaction, the rules applied, the answer
//! stored.

use infra::service_error::require;
use infra::write::write;
use infra::{Actor, Infra, Money, Quantity, ServiceError, Validator, Written};
use rust_decimal::Decimal;
use sea_orm::EntityTrait;
use serde_json::json;
use settings::commodities::entity::commodity;
use uuid::Uuid;

use super::{Assessment, AssessmentService, CounterpartyAssessment, SideAssessment, TradeAssessment, store};
use crate::facts::{self, PartnerFacts};
use crate::{RISK_ASSESS, Side, precheck};

/// A partner's user reaches only its own partner (404 `partner` otherwise).
fn reach(actor: &Actor, ids: &[Uuid]) -> Result<(), ServiceError> {
    match actor.partner_id {
        Some(own) if !ids.contains(&own) => Err(ServiceError::NotFound("partner")),
        _ => Ok(()),
    }
}

fn positive(v: &mut Validator, field: &str, value: Decimal) {
    v.check(value > Decimal::ZERO, field, "must be above 0");
}

/// The facts of `id` among `all` (404 `partner` when there is no such partner).
fn facts_of(
    all: &std::collections::HashMap<Uuid, PartnerFacts>,
    id: Uuid,
) -> Result<&PartnerFacts, ServiceError> {
    all.get(&id).ok_or(ServiceError::NotFound("partner"))
}

impl<I: Infra> AssessmentService<I> {
    /// The seller precheck of `input.partner_id` for a trade of `quantity`
    /// worth `value`, stored. Capability: RISK_ASSESS. 422 names
    /// `quantity`, `value` or `commodity_id`; 404 `partner`.
    pub async fn seller(
        &self,
        actor: &Actor,
        input: SideAssessment,
    ) -> Result<Written<Assessment>, ServiceError> {
        self.side(actor, input, Side::Seller).await
    }

    /// The buyer precheck of `input.partner_id`, stored; as [`Self::seller`].
    pub async fn buyer(
        &self,
        actor: &Actor,
        input: SideAssessment,
    ) -> Result<Written<Assessment>, ServiceError> {
        self.side(actor, input, Side::Buyer).await
    }

    async fn side(
        &self,
        actor: &Actor,
        input: SideAssessment,
        side: Side,
    ) -> Result<Written<Assessment>, ServiceError> {
        require(actor, RISK_ASSESS)?;
        reach(actor, &[input.partner_id])?;
        let mut v = Validator::new();
        positive(&mut v, "quantity", Quantity::value(input.quantity));
        positive(&mut v, "value", Money::value(input.value));
        v.finish()?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let all = facts::load(tx.db(), &[input.partner_id]).await?;
                let f = facts_of(&all, input.partner_id)?;
                if commodity::Entity::find_by_id(input.commodity_id)
                    .one(tx.db())
                    .await?
                    .is_none()
                {
                    return Err(ServiceError::field(
                        "commodity_id",
                        "is not a commodity of the catalogue",
                    ));
                }
                let standing = f.standing(side);
                let value = input.value.value();
                let outcome = match side {
                    Side::Seller => precheck::seller(&standing, value),
                    Side::Buyer => precheck::buyer(&standing, value),
                };
                store(
                    tx,
                    Assessment::of(side.as_str(), input.partner_id, json!(input), outcome),
                )
                .await
            })
        })
        .await
    }

    /// The trade assessment of a buyer and a seller for `value`: both sides
    /// checked, the score their average, the stricter status; party links
    /// (`partners::links`) and a shared PAN, GSTIN or tax id FAIL, a shared
    /// mobile or corporate e-mail domain WARN. Stored. Capability:
    /// RISK_ASSESS; a partner's user must be one of the two (404 otherwise).
    pub async fn trade(
        &self,
        actor: &Actor,
        input: TradeAssessment,
    ) -> Result<Written<Assessment>, ServiceError> {
        require(actor, RISK_ASSESS)?;
        let (b, s) = (input.buyer_partner_id, input.seller_partner_id);
        reach(actor, &[b, s])?;
        let mut v = Validator::new();
        positive(&mut v, "value", input.value.value());
        v.finish()?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let all = facts::load(tx.db(), &[b, s]).await?;
                let (buyer, seller) = (facts_of(&all, b)?, facts_of(&all, s)?);
                let link = partners::links::linked(tx.db(), b, s).await?;
                let out = precheck::trade(
                    &buyer.standing(Side::Buyer),
                    &buyer.party(),
                    &seller.standing(Side::Seller),
                    &seller.party(),
                    input.value.value(),
                    &link.reasons,
                );
                let mut a = Assessment::of("trade", b, json!(input), out.outcome);
                a.other_partner_id = Some(s);
                a.buyer = Some(out.buyer);
                a.seller = Some(out.seller);
                store(tx, a).await
            })
        })
        .await
    }

    /// The counterparty assessment of `input.partner_id` (buyer-side
    /// utilisation, rating, performance, disputes, trade count) with the
    /// credit limit advice, stored. Capability: RISK_ASSESS; 404 `partner`.
    pub async fn counterparty(
        &self,
        actor: &Actor,
        input: CounterpartyAssessment,
    ) -> Result<Written<Assessment>, ServiceError> {
        require(actor, RISK_ASSESS)?;
        reach(actor, &[input.partner_id])?;
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let all = facts::load(tx.db(), &[input.partner_id]).await?;
                let f = facts_of(&all, input.partner_id)?;
                let out = precheck::counterparty(&f.standing(Side::Buyer));
                let mut a = Assessment::of("counterparty", input.partner_id, json!(input), out.outcome);
                a.credit_limit_advice = Some(out.advice.credit_limit_advice);
                a.advice_reason = Some(out.advice.advice_reason);
                store(tx, a).await
            })
        })
        .await
    }
}
