//! The trade assessment (DOMAIN.md, "Risk"): the buyer check of the buyer
//! and the seller check of the seller, the score their average and the
//! status the stricter of the two; a party link or a shared PAN, GSTIN or
//! foreign tax id makes it FAIL, a shared mobile or corporate e-mail domain
//! at least WARN (public mail domains are left out of the domains already).
//! Such findings are factors of 0 points: they set the status, not the score.

use partners::links::LinkReason;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Factor, Outcome, Party, Standing, Status, buyer, clamp, recommendation, seller};

/// The trade outcome with each side's own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeOutcome {
    /// Score (the average of both sides), the stricter status, every factor, recommendation.
    pub outcome: Outcome,
    /// The buyer check of the buyer.
    pub buyer: Outcome,
    /// The seller check of the seller.
    pub seller: Outcome,
}

fn link_factor(reason: LinkReason) -> Option<Factor> {
    let (name, why) = match reason {
        LinkReason::SameEntity => ("same_entity", "buyer and seller are the same partner"),
        LinkReason::MasterAndBranch => ("master_and_branch", "one is the other's master partner"),
        LinkReason::BranchesOfOneMaster => ("branches_of_one_master", "both are branches of one master"),
        LinkReason::CorporateGroup => ("corporate_group", "both belong to one corporate group"),
        // Compared from the parties' tax ids below, so they are named once.
        LinkReason::SharedGstin | LinkReason::SharedPan => return None,
    };
    Some(Factor::new(name, 0, format!("party link: {why}")))
}

fn same(a: &Option<String>, b: &Option<String>) -> Option<String> {
    match (a, b) {
        (Some(x), Some(y)) if !x.trim().is_empty() && x.trim().eq_ignore_ascii_case(y.trim()) => {
            Some(x.trim().to_ascii_uppercase())
        }
        _ => None,
    }
}

/// The FAIL findings (links, shared tax ids) and WARN findings (shared
/// mobile, corporate mail domain) between `b` and `s`.
pub fn findings(b: &Party, s: &Party, links: &[LinkReason]) -> (Vec<Factor>, Vec<Factor>) {
    let mut fail: Vec<Factor> = links.iter().filter_map(|r| link_factor(*r)).collect();
    for (name, what, x, y) in [
        ("shared_pan", "PAN", &b.pan, &s.pan),
        ("shared_gstin", "GSTIN", &b.gstin, &s.gstin),
        (
            "shared_tax_id",
            "foreign tax id",
            &b.foreign_tax_id,
            &s.foreign_tax_id,
        ),
    ] {
        if let Some(id) = same(x, y) {
            fail.push(Factor::new(
                name,
                0,
                format!("buyer and seller share the {what} {id}"),
            ));
        }
    }
    let mut warn = Vec::new();
    if let Some(m) = b.mobiles.intersection(&s.mobiles).next() {
        warn.push(Factor::new(
            "shared_mobile",
            0,
            format!(
                "buyer and seller share the mobile ending {}",
                &m[m.len().saturating_sub(4)..]
            ),
        ));
    }
    if let Some(d) = b.email_domains.intersection(&s.email_domains).next() {
        warn.push(Factor::new(
            "shared_email_domain",
            0,
            format!("buyer and seller share the corporate e-mail domain {d}"),
        ));
    }
    (fail, warn)
}

fn prefixed(side: &str, factors: &[Factor]) -> impl Iterator<Item = Factor> {
    factors.iter().map(move |f| Factor {
        factor: format!("{side}.{}", f.factor),
        points: f.points,
        reason: format!("{side}: {}", f.reason),
    })
}

/// The trade assessment of buyer `b` (its buyer-side standing `bs`) and
/// seller `s` (seller-side standing `ss`) for a trade worth `value`, with
/// the party `links` between them.
pub fn trade(
    bs: &Standing,
    b: &Party,
    ss: &Standing,
    s: &Party,
    value: Decimal,
    links: &[LinkReason],
) -> TradeOutcome {
    let buyer = buyer(bs, value);
    let seller = seller(ss, value);
    let (fail, warn) = findings(b, s, links);
    let mut status = buyer.status.max(seller.status);
    if !warn.is_empty() {
        status = status.max(Status::Warn);
    }
    if !fail.is_empty() {
        status = Status::Fail;
    }
    let score = clamp((buyer.score + seller.score) / 2);
    let mut factors: Vec<Factor> = prefixed("buyer", &buyer.factors)
        .chain(prefixed("seller", &seller.factors))
        .collect();
    let refusal = fail.first().map(|f| {
        format!(
            "Do not trade: {}. Linked or identical parties may not trade with each other.",
            f.reason
        )
    });
    factors.extend(fail);
    factors.extend(warn);
    let recommendation = refusal.unwrap_or_else(|| recommendation(status, &factors));
    TradeOutcome {
        outcome: Outcome {
            score,
            status,
            factors,
            recommendation,
        },
        buyer,
        seller,
    }
}
