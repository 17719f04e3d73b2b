//! Unit tests of the channel grammar, subscriptions and the delivery check.

use infra::outbox::Audience;
use infra::{Actor, ActorKind};
use uuid::Uuid;

use super::areas::{Area, Areas, Scope, SubStream};
use super::channels::{Channel, for_event};
use super::delivery::Tenant;
use crate::consumers::Delivered;

/// Areas standing in for the trade desk's (whose own are tested with it),
/// so these tests read the hub's rules for each scope.
const TRADE_DESK: &[Area] = &[
    Area::new("partner-events", &["partner"], "PARTNER_READ", Scope::Platform),
    Area::new(
        "availability-events",
        &["availability"],
        "AVAILABILITY_READ",
        Scope::Platform,
    )
    .with_streams(&[SubStream {
        parent: "commodity",
        key: "commodity_id",
        name: "availabilities",
    }]),
];

fn areas() -> Areas {
    Areas::new(
        crate::modules::MODULES
            .iter()
            .filter(|m| m.name != "trade-desk")
            .flat_map(|m| m.areas.iter())
            .chain(TRADE_DESK),
    )
}

fn parse(name: &str) -> Result<Channel, super::channels::Refusal> {
    Channel::parse(&areas(), name)
}

fn actor(kind: ActorKind, caps: &[&str]) -> Actor {
    Actor::user(kind, Uuid::nil(), caps.iter().map(|c| (*c).to_owned()))
}

fn event(topic: &str, aggregate_type: &str, aggregate_id: &str, payload: serde_json::Value) -> Delivered {
    Delivered {
        event_id: Uuid::now_v7(),
        topic: topic.into(),
        event_type: "Happened".into(),
        aggregate_type: aggregate_type.into(),
        aggregate_id: aggregate_id.into(),
        payload,
        version: 1,
        metadata: serde_json::json!({}),
        idempotency_key: None,
        created_at: chrono::Utc::now(),
    }
}

fn with_audience(mut event: Delivered, audience: &Audience) -> Delivered {
    event.metadata = serde_json::json!({ "audience": audience });
    event
}

#[test]
fn names_parse_into_channels_or_refusals() {
    let id = Uuid::now_v7();
    assert_eq!(parse(&format!("user:{id}")), Ok(Channel::User(id)));
    assert!(
        matches!(parse("topic:organization-events"), Ok(Channel::Topic(a)) if a.read == Some("ORG_READ"))
    );
    assert!(
        matches!(parse("commodity:42"), Ok(Channel::Entity(a, "commodity", i)) if a.topic == "commodity-events" && i == "42")
    );
    let upper = parse(&format!("commodity:{}", id.to_string().to_uppercase())).unwrap();
    assert_eq!(
        upper.name(),
        format!("commodity:{id}"),
        "ids as events spell them"
    );
    for bad in [
        "nothing",
        "topic:nope",
        "user:not-a-uuid",
        "planet:1",
        "topic:",
        "commodity:1:nothing",
        "commodity::availabilities",
        "a:b:c:d",
    ] {
        assert_eq!(parse(bad).unwrap_err().code, "unknown_channel", "{bad}");
    }
}

#[test]
fn sub_streams_and_named_channels_parse_to_canonical_names() {
    let id = Uuid::now_v7();
    let stream = parse(&format!(
        "commodity:{}:availabilities",
        id.to_string().to_uppercase()
    ))
    .unwrap();
    assert!(
        matches!(&stream, Channel::Stream(a, s, _) if a.topic == "availability-events" && s.key == "commodity_id")
    );
    assert_eq!(stream.name(), format!("commodity:{id}:availabilities"));
    let alerts = parse("risk:alerts").unwrap();
    assert!(matches!(alerts, Channel::Named(a, _) if a.topic == "risk-events"));
    assert_eq!(alerts.name(), "risk:alerts");
    assert!(
        matches!(
            parse("risk_exposure:7"),
            Ok(Channel::Entity(_, "risk_exposure", _))
        ),
        "other names stay entities"
    );
    // Who may follow them: the area's capability; partner users too on platform areas.
    let staff = actor(ActorKind::Internal, &["AVAILABILITY_READ", "RISK_READ"]);
    assert!(stream.authorize(&staff).is_ok());
    assert!(alerts.authorize(&staff).is_ok());
    let without = actor(ActorKind::Internal, &["ORG_READ"]);
    assert_eq!(stream.authorize(&without).unwrap_err().code, "forbidden");
    assert!(
        alerts
            .authorize(&without)
            .unwrap_err()
            .detail
            .contains("RISK_READ")
    );
    let partner = actor(ActorKind::External, &["AVAILABILITY_READ"]);
    assert!(
        stream.authorize(&partner).is_ok(),
        "deliveries are filtered per event"
    );
}

#[test]
fn subscriptions_need_the_read_capability_and_the_right_tenant() {
    let staff = actor(ActorKind::Internal, &["ORG_READ"]);
    assert!(
        parse("topic:organization-events")
            .unwrap()
            .authorize(&staff)
            .is_ok()
    );
    assert_eq!(
        parse("topic:partner-events")
            .unwrap()
            .authorize(&staff)
            .unwrap_err()
            .code,
        "forbidden"
    );
    // An INTERNAL user follows its own organization only.
    let mut own = staff.clone();
    let org = Uuid::now_v7();
    own.organization_id = Some(org);
    assert!(
        parse(&format!("organization:{org}"))
            .unwrap()
            .authorize(&own)
            .is_ok()
    );
    assert!(
        parse(&format!("organization:{}", Uuid::now_v7()))
            .unwrap()
            .authorize(&own)
            .is_err()
    );
    // Partner users: public catalogue topics yes, organization topics no, their own partner only.
    let mut partner = actor(
        ActorKind::External,
        &["COMMODITY_READ", "PARTNER_READ", "USER_READ"],
    );
    let mine = Uuid::now_v7();
    partner.partner_id = Some(mine);
    assert!(
        parse("topic:commodity-events")
            .unwrap()
            .authorize(&partner)
            .is_ok()
    );
    assert!(parse("topic:user-events").unwrap().authorize(&partner).is_err());
    assert!(
        parse(&format!("partner:{mine}"))
            .unwrap()
            .authorize(&partner)
            .is_ok()
    );
    assert!(
        parse(&format!("partner:{}", Uuid::now_v7()))
            .unwrap()
            .authorize(&partner)
            .is_err()
    );
    // Someone else's user channel: never.
    assert!(
        parse(&format!("user:{}", Uuid::now_v7()))
            .unwrap()
            .authorize(&staff)
            .is_err()
    );
    assert!(
        parse(&format!("user:{}", Uuid::nil()))
            .unwrap()
            .authorize(&staff)
            .is_ok()
    );
    // The notification topic has no shared channel.
    let admin = actor(ActorKind::SuperAdmin, &[]);
    assert_eq!(
        parse("topic:notification-events")
            .unwrap()
            .authorize(&admin)
            .unwrap_err()
            .code,
        "forbidden"
    );
}

#[test]
fn events_go_to_their_topic_entity_streams_and_user() {
    let areas = areas();
    let user = Uuid::now_v7();
    let session = event(
        "session-events",
        "session",
        "s1",
        serde_json::json!({"user_id": user.to_string()}),
    );
    assert_eq!(
        for_event(&areas, &session),
        vec![
            "topic:session-events".to_owned(),
            "session:s1".into(),
            format!("user:{user}")
        ]
    );
    let commodity = Uuid::now_v7();
    let mut alert = event("risk-events", "risk_exposure", "r1", serde_json::json!({}));
    alert.event_type = "ExposureBandChanged".into();
    assert!(for_event(&areas, &alert).contains(&"risk:alerts".to_owned()));
    alert.event_type = "ExposureAdjusted".into();
    assert!(!for_event(&areas, &alert).contains(&"risk:alerts".to_owned()));
    let listing = event(
        "availability-events",
        "availability",
        "a1",
        serde_json::json!({"commodity_id": commodity.to_string().to_uppercase()}),
    );
    assert!(for_event(&areas, &listing).contains(&format!("commodity:{commodity}:availabilities")));
    // An audience replaces the payload's user; a notification reaches its audience alone.
    let audience = Audience {
        users: vec![user],
        ..Audience::default()
    };
    let other = Uuid::now_v7();
    let restricted = with_audience(
        event(
            "session-events",
            "session",
            "s2",
            serde_json::json!({"user_id": other.to_string()}),
        ),
        &audience,
    );
    let channels = for_event(&areas, &restricted);
    assert!(channels.contains(&format!("user:{user}")) && !channels.contains(&format!("user:{other}")));
    let note = with_audience(
        event(
            "notification-events",
            "notification",
            &other.to_string(),
            serde_json::json!({}),
        ),
        &audience,
    );
    assert_eq!(for_event(&areas, &note), vec![format!("user:{user}")]);
    let about_them = with_audience(
        event("user-events", "user", &user.to_string(), serde_json::json!({})),
        &audience,
    );
    let channels = for_event(&areas, &about_them);
    assert_eq!(
        channels.iter().filter(|c| **c == format!("user:{user}")).count(),
        1,
        "once each"
    );
}

#[test]
fn tenants_admit_their_own_and_scopes_widen_or_narrow_that() {
    let areas = areas();
    let org = Uuid::now_v7();
    let tenant = Tenant::of(
        &areas,
        &event(
            "organization-events",
            "organization",
            &org.to_string(),
            serde_json::json!({}),
        ),
    );
    let mut other = actor(ActorKind::Internal, &[]);
    other.organization_id = Some(Uuid::now_v7());
    assert!(!tenant.admits(&other));
    let mut member = other.clone();
    member.organization_id = Some(org);
    assert!(tenant.admits(&member));
    // A user event names its tenant one level down; an unknown tenant reaches no one but admins.
    let user_event = event(
        "user-events",
        "user",
        &Uuid::now_v7().to_string(),
        serde_json::json!({"user": {"organization_id": org.to_string()}}),
    );
    assert_eq!(Tenant::of(&areas, &user_event).organization_id, Some(org));
    let session = event("session-events", "session", "s1", serde_json::json!({}));
    assert!(
        !Tenant::of(&areas, &session).admits(&other),
        "a session event without a tenant"
    );
    assert!(Tenant::of(&areas, &session).admits(&actor(ActorKind::SuperAdmin, &[])));
    let catalogue = event("commodity-events", "commodity", "c1", serde_json::json!({}));
    assert!(Tenant::of(&areas, &catalogue).admits(&actor(ActorKind::External, &[])));
    // Platform-wide: every INTERNAL staff member, whatever the organization; partners their own.
    let partner_id = Uuid::now_v7();
    let listing = event(
        "availability-events",
        "availability",
        "a1",
        serde_json::json!({"organization_id": org.to_string(), "partner_id": partner_id.to_string()}),
    );
    let platform = Tenant::of(&areas, &listing);
    assert!(platform.admits(&other));
    let mut seller = actor(ActorKind::External, &[]);
    seller.partner_id = Some(partner_id);
    let mut buyer = seller.clone();
    buyer.partner_id = Some(Uuid::now_v7());
    buyer.user_id = Some(Uuid::now_v7());
    assert!(platform.admits(&seller) && !platform.admits(&buyer));
    // An audience: its parties (and, platform-wide, staff), nobody else.
    let audience = Audience {
        partners: vec![partner_id],
        users: buyer.user_id.into_iter().collect(),
    };
    let restricted = Tenant::of(&areas, &with_audience(listing, &audience));
    assert!(restricted.admits(&seller) && restricted.admits(&buyer) && restricted.admits(&other));
    let mut stranger = buyer.clone();
    stranger.user_id = Some(Uuid::now_v7());
    assert!(!restricted.admits(&stranger));
    let org_restricted = Tenant::of(
        &areas,
        &with_audience(
            event(
                "organization-events",
                "organization",
                &org.to_string(),
                serde_json::json!({}),
            ),
            &Audience {
                users: vec![Uuid::now_v7()],
                ..Audience::default()
            },
        ),
    );
    assert!(
        !org_restricted.admits(&member),
        "same organization, same capability, not in the audience"
    );
}

#[test]
fn a_listing_reaches_every_reader_or_its_audience_and_staff() {
    let (seller, stranger) = (Uuid::now_v7(), Uuid::now_v7());
    let partner = |p: Uuid| Actor {
        partner_id: Some(p),
        ..actor(ActorKind::External, &[])
    };
    let open = Tenant {
        scope: Scope::Listing,
        ..Tenant::default()
    };
    assert!(open.admits(&partner(stranger)) && open.admits(&actor(ActorKind::Internal, &[])));
    let restricted = Tenant {
        audience: Some(Audience {
            partners: vec![seller],
            users: vec![],
        }),
        ..open
    };
    assert!(restricted.admits(&partner(seller)) && restricted.admits(&actor(ActorKind::Internal, &[])));
    assert!(!restricted.admits(&partner(stranger)));
}
