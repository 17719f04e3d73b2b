//! Validations that store nothing: whether two partners are party-linked
//! (through `partners::links`), and whether a partner may take a side of a
//! trade — its type takes that side and its capabilities allow it
//! ([`may_take`], reusable by the trade desk). Capability: RISK_ASSESS; a
//! partner's users ask only about their own partner (404 otherwise).
//!
//! ```
//! use risk::validations::{TradeSide, may_take};
//!
//! let held = vec!["domestic_sell_india".to_owned()];
//! assert!(may_take("seller", "IN", &held, TradeSide::Sell, false).is_ok());
//! assert!(may_take("seller", "IN", &held, TradeSide::Buy, false).is_err());
//! ```

use infra::service_error::require;
use infra::{Actor, Infra, ServiceError};
use partners::links::LinkReason;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::RISK_ASSESS;

/// The side of a trade a partner would take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TradeSide {
    /// Buy.
    Buy,
    /// Sell.
    Sell,
}

/// `POST /validations/party-links`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartyLinksInput {
    /// One partner.
    pub partner_id: Uuid,
    /// The other.
    pub other_partner_id: Uuid,
}

/// Whether two partners are linked, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyLinksAnswer {
    /// Linked: they may not trade with each other.
    pub linked: bool,
    /// Every reason, or none.
    pub reason: Option<String>,
}

/// `POST /validations/role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// The partner.
    pub partner_id: Uuid,
    /// buy or sell.
    pub side: TradeSide,
    /// Across the border (import for a buy, export for a sell); default false.
    #[serde(default)]
    pub cross_border: bool,
}

/// Whether the partner may take the side, and why not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleAnswer {
    /// Allowed.
    pub allowed: bool,
    /// Why not (or, when allowed, what allows it).
    pub reason: String,
}

fn describe(reason: LinkReason) -> &'static str {
    match reason {
        LinkReason::SameEntity => "the same partner",
        LinkReason::MasterAndBranch => "one is the other's master partner",
        LinkReason::BranchesOfOneMaster => "branches of one master partner",
        LinkReason::CorporateGroup => "one corporate group",
        LinkReason::SharedGstin => "a shared GSTIN",
        LinkReason::SharedPan => "a shared PAN",
    }
}

/// Whether a partner of `partner_type` takes `side`, domestic or
/// `cross_border`: a seller only sells, a buyer only buys, a trader both, an
/// importer buys and an exporter sells across the border, service providers
/// nothing.
pub fn takes_side(partner_type: &str, side: TradeSide, cross_border: bool) -> bool {
    match (partner_type, side) {
        ("trader", _) | ("buyer", TradeSide::Buy) | ("seller", TradeSide::Sell) => true,
        ("importer", TradeSide::Buy) | ("exporter", TradeSide::Sell) => cross_border,
        _ => false,
    }
}

/// The trade capability a partner in `country` needs to take `side`:
/// cross-border `import_allowed` or `export_allowed`; domestic in India
/// `domestic_buy_india` or `domestic_sell_india`; a foreign partner trading
/// at home `domestic_buy_home` or `domestic_sell_home`.
pub fn needed_capability(side: TradeSide, cross_border: bool, country: &str) -> &'static str {
    match (side, cross_border, country == "IN") {
        (TradeSide::Buy, true, _) => "import_allowed",
        (TradeSide::Sell, true, _) => "export_allowed",
        (TradeSide::Buy, false, true) => "domestic_buy_india",
        (TradeSide::Sell, false, true) => "domestic_sell_india",
        (TradeSide::Buy, false, false) => "domestic_buy_home",
        (TradeSide::Sell, false, false) => "domestic_sell_home",
    }
}

/// Whether a partner of `partner_type` in `country` holding `capabilities`
/// may take `side`, domestic or `cross_border`: the type must take that side
/// ([`takes_side`]) and the capability ([`needed_capability`]) must be held.
/// `Ok` names the capability that allows it; the error says why not.
pub fn may_take(
    partner_type: &str,
    country: &str,
    capabilities: &[String],
    side: TradeSide,
    cross_border: bool,
) -> Result<&'static str, String> {
    if !takes_side(partner_type, side, cross_border) {
        let verb = match side {
            TradeSide::Buy => "buy",
            TradeSide::Sell => "sell",
        };
        let scope = if cross_border {
            "across the border"
        } else {
            "domestically"
        };
        return Err(format!("a {partner_type} does not {verb} {scope}"));
    }
    let needed = needed_capability(side, cross_border, country);
    if capabilities.iter().any(|c| c == needed) {
        Ok(needed)
    } else {
        Err(format!("the partner does not hold the {needed} capability"))
    }
}

/// Party-link and role validations.
#[derive(Clone)]
pub struct ValidationService<I: Infra> {
    infra: I,
}

impl<I: Infra> ValidationService<I> {
    /// The service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// Whether the two partners are linked (same entity, master and branch,
    /// branches of one master, one corporate group, a shared GSTIN or PAN).
    /// Capability: RISK_ASSESS; a partner's user must be one of the two.
    pub async fn party_links(
        &self,
        actor: &Actor,
        input: PartyLinksInput,
    ) -> Result<PartyLinksAnswer, ServiceError> {
        require(actor, RISK_ASSESS)?;
        if let Some(own) = actor.partner_id
            && own != input.partner_id
            && own != input.other_partner_id
        {
            return Err(ServiceError::NotFound("partner"));
        }
        let found = crate::facts::load(self.infra.db(), &[input.partner_id, input.other_partner_id]).await?;
        for (field, id) in [
            ("partner_id", input.partner_id),
            ("other_partner_id", input.other_partner_id),
        ] {
            if !found.contains_key(&id) {
                return Err(ServiceError::field(field, "is not a business partner"));
            }
        }
        let link = partners::links::linked(self.infra.db(), input.partner_id, input.other_partner_id).await?;
        let reason = (!link.reasons.is_empty()).then(|| {
            let parts: Vec<&str> = link.reasons.iter().map(|r| describe(*r)).collect();
            format!("linked: {}", parts.join(", "))
        });
        Ok(PartyLinksAnswer {
            linked: link.is_linked(),
            reason,
        })
    }

    /// Whether the partner may take `side` ([`may_take`]); a suspended or
    /// unapproved partner, or one whose KYC is not verified, may not.
    /// Capability: RISK_ASSESS; a partner's users ask about their own (404 otherwise).
    pub async fn role(&self, actor: &Actor, input: RoleInput) -> Result<RoleAnswer, ServiceError> {
        require(actor, RISK_ASSESS)?;
        if let Some(own) = actor.partner_id
            && own != input.partner_id
        {
            return Err(ServiceError::NotFound("partner"));
        }
        let all = crate::facts::load(self.infra.db(), &[input.partner_id]).await?;
        let f = all
            .get(&input.partner_id)
            .ok_or(ServiceError::NotFound("partner"))?;
        let answer = |allowed: bool, reason: String| RoleAnswer { allowed, reason };
        if f.status != "approved" {
            return Ok(answer(false, format!("the partner is {}", f.status)));
        }
        if !f.kyc_verified {
            return Ok(answer(false, format!("the partner's KYC is {}", f.kyc_status)));
        }
        Ok(
            match may_take(
                &f.partner_type,
                &f.country,
                &f.capabilities,
                input.side,
                input.cross_border,
            ) {
                Ok(held) => answer(true, format!("a {} holding {held}", f.partner_type)),
                Err(why) => answer(false, why),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn types_take_their_sides_with_the_capability() {
        use TradeSide::{Buy, Sell};
        let all = held(&[
            "domestic_buy_india",
            "domestic_sell_india",
            "import_allowed",
            "export_allowed",
            "domestic_buy_home",
            "domestic_sell_home",
        ]);
        let cases = [
            ("seller", "IN", Sell, false, true),
            ("seller", "IN", Buy, false, false),
            ("buyer", "IN", Buy, false, true),
            ("buyer", "IN", Sell, false, false),
            ("trader", "IN", Buy, true, true),
            ("trader", "IN", Sell, false, true),
            ("importer", "IN", Buy, true, true),
            ("importer", "IN", Buy, false, false),
            ("exporter", "IN", Sell, true, true),
            ("exporter", "IN", Sell, false, false),
            ("broker", "IN", Buy, false, false),
            ("transporter", "IN", Sell, false, false),
        ];
        for (kind, country, side, cross, allowed) in cases {
            assert_eq!(
                may_take(kind, country, &all, side, cross).is_ok(),
                allowed,
                "{kind} {side:?} {cross}"
            );
        }
        assert_eq!(
            may_take("seller", "IN", &held(&["domestic_buy_india"]), Sell, false),
            Err("the partner does not hold the domestic_sell_india capability".into())
        );
        assert_eq!(
            may_take("seller", "US", &held(&["domestic_sell_india"]), Sell, false),
            Err("the partner does not hold the domestic_sell_home capability".into())
        );
        assert_eq!(
            may_take("exporter", "IN", &held(&["export_allowed"]), Sell, true),
            Ok("export_allowed")
        );
    }
}
