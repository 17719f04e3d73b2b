//! The trade desk module: seller availabilities under
//! `/api/v1/trade-desk/availabilities`, buyer requirements under
//! `/api/v1/trade-desk/requirements` (their search, demand statistics and
//! history too), reservations under `/api/v1/trade-desk/reservations`,
//! trades under `/api/v1/trade-desk/trades`, matching under
//! `/api/v1/trade-desk/matching`, the circular trading validation, their
//! expiry jobs and the real-time areas `availability-events`,
//! `requirement-events` and `trade-events`.

pub mod availabilities;
pub mod availability_reads;
pub mod insights;
pub mod matching;
pub mod requirement_reads;
pub mod requirements;
pub mod reservations;
pub mod trades;

use actix_web::web;
use utoipa::OpenApi;

use std::sync::Arc;

use crate::jobs::Job;
use crate::modules::{Module, Reader};
use crate::realtime::{Area, Scope, SubStream};
use crate::state::AppState;

/// The entry of the trade desk module.
pub const MODULE: Module = Module {
    api: configure,
    openapi,
    jobs,
    readers,
    areas: AREAS,
    ..Module::new("trade-desk")
};

/// Availabilities and requirements are listings (`Scope::Listing`).
/// Availability events travel on `availability:{id}` and
/// `commodity:{id}:availabilities`, for holders of AVAILABILITY_READ: an
/// approved PUBLIC availability's events reach every partner (no audience);
/// any other's carry an audience (the seller, and a RESTRICTED one's listed
/// buyers), which staff pass too. Requirement events travel on
/// `requirement:{id}` and `commodity:{id}:requirements`; each reaches the
/// partners the requirement is visible to (its audience, see
/// `trade_desk::requirements::audience`) and staff with REQUIREMENT_READ.
/// Trade events travel on `trade:{id}` to the trade's two parties (its
/// audience) and staff with TRADE_READ, never to another partner. Match
/// events travel on `match:{id}`, `requirement:{id}:matches` and
/// `availability:{id}:matches` to the pair's buyer and seller and staff.
const AREAS: &[Area] = &[
    Area::new(
        trade_desk::AVAILABILITY_TOPIC,
        &["availability"],
        trade_desk::AVAILABILITY_READ,
        Scope::Listing,
    )
    .with_streams(&[SubStream {
        parent: "commodity",
        key: "commodity_id",
        name: "availabilities",
    }]),
    Area::new(
        trade_desk::REQUIREMENT_TOPIC,
        &["requirement"],
        trade_desk::REQUIREMENT_READ,
        Scope::Listing,
    )
    .with_streams(&[SubStream {
        parent: "commodity",
        key: "commodity_id",
        name: "requirements",
    }]),
    Area::new(
        trade_desk::TRADE_TOPIC,
        &["trade"],
        trade_desk::TRADE_READ,
        Scope::Platform,
    ),
    Area::new(
        trade_desk::MATCH_TOPIC,
        &["match"],
        trade_desk::REQUIREMENT_READ,
        Scope::Platform,
    )
    .with_streams(&[
        SubStream {
            parent: "requirement",
            key: "requirement_id",
            name: "matches",
        },
        SubStream {
            parent: "availability",
            key: "availability_id",
            name: "matches",
        },
    ]),
];

/// The matching reactions (consumer group `matching`) and pushes
/// (`matching-pushes`), on every instance.
fn readers(state: &AppState) -> Vec<Reader> {
    use trade_desk::matching::pushes::MatchPushes;
    use trade_desk::matching::reactions::MatchingReactions;
    vec![
        Reader::Consumer(Arc::new(MatchingReactions::new(state.infra.clone()))),
        Reader::Consumer(Arc::new(MatchPushes::new(state.infra.clone()))),
    ]
}

/// Requirements and availabilities past their validity expire within five
/// minutes; reservations past their hold within one; the matching sweep
/// runs every 30 seconds.
fn jobs(state: &AppState) -> Vec<Job> {
    let (first, second, third) = (state.clone(), state.clone(), state.clone());
    vec![
        Job::every(
            "trade_desk.requirement_expiry",
            std::time::Duration::from_secs(300),
            move |_| {
                let state = first.clone();
                Box::pin(async move { requirements::expire(&state).await })
            },
        ),
        Job::every(
            "trade_desk.availability_expiry",
            std::time::Duration::from_secs(300),
            move |_| {
                let state = second.clone();
                Box::pin(async move { availabilities::expire(&state).await })
            },
        ),
        Job::every(
            "trade_desk.reservation_expiry",
            std::time::Duration::from_secs(60),
            move |_| {
                let state = third.clone();
                Box::pin(async move { reservations::expire(&state).await })
            },
        ),
        Job::every(
            "trade_desk.matching_sweep",
            std::time::Duration::from_secs(30),
            |infra| {
                Box::pin(async move {
                    let notifier = infra::notify::default_notifier();
                    let swept = trade_desk::matching::reactions::sweep(&infra, notifier).await?;
                    Ok(swept.caught_up + swept.pushed)
                })
            },
        ),
    ]
}

/// The trade desk paths.
fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = <requirements::RequirementsDoc as OpenApi>::openapi();
    document.merge(<requirement_reads::RequirementReadsDoc as OpenApi>::openapi());
    document.merge(<availabilities::AvailabilitiesDoc as OpenApi>::openapi());
    document.merge(<availability_reads::AvailabilityReadsDoc as OpenApi>::openapi());
    document.merge(<insights::InsightsDoc as OpenApi>::openapi());
    document.merge(<reservations::ReservationsDoc as OpenApi>::openapi());
    document.merge(<trades::TradesDoc as OpenApi>::openapi());
    document.merge(<matching::MatchingDoc as OpenApi>::openapi());
    document
}

/// Registers the trade desk routes under `/api/v1/trade-desk`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/trade-desk")
            .configure(requirement_reads::configure)
            .configure(requirements::configure)
            .configure(availability_reads::configure)
            .configure(availabilities::configure)
            .configure(reservations::configure)
            .configure(trades::configure)
            .configure(matching::configure)
            .configure(insights::configure),
    );
}

#[cfg(test)]
mod tests {
    use infra::outbox::Audience;
    use infra::{Actor, ActorKind};
    use uuid::Uuid;

    use crate::realtime::delivery::Tenant;

    fn listing(audience: Option<&Audience>) -> crate::consumers::Delivered {
        let mut metadata = serde_json::json!({});
        if let Some(a) = audience {
            metadata = serde_json::json!({ "audience": a });
        }
        crate::consumers::Delivered {
            event_id: Uuid::now_v7(),
            topic: trade_desk::AVAILABILITY_TOPIC.into(),
            event_type: "AvailabilityApproved".into(),
            aggregate_type: "availability".into(),
            aggregate_id: Uuid::now_v7().to_string(),
            payload: serde_json::json!({ "commodity_id": Uuid::now_v7().to_string() }),
            version: 2,
            metadata,
            idempotency_key: None,
            created_at: chrono::Utc::now(),
        }
    }

    fn partner_user(partner: Uuid) -> Actor {
        let mut actor = Actor::user(
            ActorKind::External,
            Uuid::now_v7(),
            ["AVAILABILITY_READ".to_owned()],
        );
        actor.partner_id = Some(partner);
        actor
    }

    #[test]
    fn a_listing_reaches_every_partner_or_only_its_audience_and_staff() {
        let areas = crate::modules::areas(crate::modules::MODULES);
        let (seller, listed, stranger) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let staff = Actor::user(
            ActorKind::Internal,
            Uuid::now_v7(),
            ["AVAILABILITY_READ".to_owned()],
        );
        let public = Tenant::of(&areas, &listing(None));
        assert!(public.admits(&partner_user(stranger)) && public.admits(&staff));
        let audience = Audience {
            partners: vec![seller, listed],
            users: Vec::new(),
        };
        let restricted = Tenant::of(&areas, &listing(Some(&audience)));
        assert!(restricted.admits(&partner_user(seller)) && restricted.admits(&partner_user(listed)));
        assert!(restricted.admits(&staff), "staff see every listing");
        assert!(!restricted.admits(&partner_user(stranger)), "an unlisted partner");
    }
}
