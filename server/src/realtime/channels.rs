//! Channels and who may follow them.
//!
//! - `user:{id}`: a user's own notifications (events about the user, their
//!   sessions); subscribed on connect, nobody else may follow it.
//! - `topic:{topic}`: every event of a topic, for holders of the area's read
//!   capability; partner users only for the public catalogue topics.
//! - `{aggregate_type}:{id}`: the events of one entity, for whoever may read it.
//!
//! A subscription is checked when it is made; each message is checked again
//! on delivery against the tenant it belongs to (an INTERNAL user sees the
//! events of their own organization, a partner user those of their partner).

use infra::{Actor, ActorKind};
use uuid::Uuid;

use infra::events::Delivered;

/// One area of the platform: its topic, its entities, the capability that reads them.
#[derive(Debug, PartialEq, Eq)]
pub struct Area {
    /// Outbox topic.
    pub topic: &'static str,
    /// Aggregate types of its events.
    pub aggregates: &'static [&'static str],
    /// The capability that reads it.
    pub read: &'static str,
    /// Whether partner users may follow it (public master data).
    pub public: bool,
}

/// Every area whose events reach sockets.
pub const AREAS: &[Area] = &[
    area("organization-events", &["organization"], "ORG_READ", false),
    area("location-events", &["location"], "LOCATION_READ", true),
    area(
        "commodity-events",
        &["commodity", "trade_term"],
        "COMMODITY_READ",
        true,
    ),
    area("partner-events", &["partner"], "PARTNER_READ", false),
    area(
        "availability-events",
        &["availability"],
        "AVAILABILITY_READ",
        false,
    ),
    area("requirement-events", &["requirement"], "REQUIREMENT_READ", false),
    area("risk-events", &["risk"], "RISK_READ", false),
    area("match-events", &["match"], "MATCHING_EXECUTE", false),
    area("user-events", &["user"], "USER_READ", false),
    area("session-events", &["session"], "USER_MANAGE", false),
];

const fn area(
    topic: &'static str,
    aggregates: &'static [&'static str],
    read: &'static str,
    public: bool,
) -> Area {
    Area {
        topic,
        aggregates,
        read,
        public,
    }
}

/// The topics the pusher reads.
pub fn topics() -> Vec<&'static str> {
    AREAS.iter().map(|a| a.topic).collect()
}

/// A channel a client named.
#[derive(Debug, PartialEq, Eq)]
pub enum Channel {
    /// `user:{id}`.
    User(Uuid),
    /// `topic:{topic}`.
    Topic(&'static Area),
    /// `{aggregate_type}:{id}`: the area, the aggregate type, the id.
    Entity(&'static Area, &'static str, String),
}

/// Why a subscription is refused: `code` and `detail` of the error message.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `unknown_channel` or `forbidden`.
    pub code: &'static str,
    /// What to do about it.
    pub detail: String,
}

fn unknown(detail: impl Into<String>) -> Refusal {
    Refusal {
        code: "unknown_channel",
        detail: detail.into(),
    }
}

fn forbidden(detail: impl Into<String>) -> Refusal {
    Refusal {
        code: "forbidden",
        detail: detail.into(),
    }
}

impl Channel {
    /// Reads `user:{id}`, `topic:{topic}` or `{aggregate_type}:{id}`.
    pub fn parse(name: &str) -> Result<Self, Refusal> {
        let (kind, rest) = name
            .split_once(':')
            .ok_or_else(|| unknown("channels are user:{id}, topic:{topic} or {aggregate_type}:{id}"))?;
        if rest.is_empty() || rest.len() > 200 || rest.contains(':') {
            return Err(unknown(
                "the part after the kind must hold 1 to 200 characters without ':'",
            ));
        }
        match kind {
            "user" => rest
                .parse()
                .map(Channel::User)
                .map_err(|_| unknown("user:{id} takes a user id (UUID)")),
            "topic" => AREAS
                .iter()
                .find(|a| a.topic == rest)
                .map(Channel::Topic)
                .ok_or_else(|| unknown(format!("no topic {rest}; topics: {}", topics().join(", ")))),
            _ => AREAS
                .iter()
                .find_map(|a| {
                    let aggregate = a.aggregates.iter().find(|g| **g == kind)?;
                    // Ids as events spell them: UUIDs in lower case.
                    let id = rest
                        .parse::<Uuid>()
                        .map_or_else(|_| rest.to_owned(), |u| u.to_string());
                    Some(Channel::Entity(a, aggregate, id))
                })
                .ok_or_else(|| unknown(format!("no channel kind {kind}"))),
        }
    }

    /// The channel's name as events are pushed on it.
    pub fn name(&self) -> String {
        match self {
            Channel::User(id) => format!("user:{id}"),
            Channel::Topic(area) => format!("topic:{}", area.topic),
            Channel::Entity(_, aggregate, id) => format!("{aggregate}:{id}"),
        }
    }

    /// Whether `actor` may follow this channel.
    pub fn authorize(&self, actor: &Actor) -> Result<(), Refusal> {
        match self {
            Channel::User(id) if actor.user_id == Some(*id) => Ok(()),
            Channel::User(_) => Err(forbidden("user channels belong to their user alone")),
            Channel::Topic(area) => {
                needs(actor, area)?;
                if actor.kind == ActorKind::External && !area.public {
                    return Err(forbidden(format!(
                        "{} holds other partners' events; follow your own entities instead",
                        area.topic
                    )));
                }
                Ok(())
            }
            Channel::Entity(area, aggregate, id) => {
                needs(actor, area)?;
                let own = |scope: Option<Uuid>| scope.map(|s| s.to_string()).as_deref() == Some(id.as_str());
                match (actor.kind, *aggregate) {
                    (ActorKind::Internal, "organization") if !own(actor.organization_id) => {
                        Err(forbidden("INTERNAL users follow their own organization"))
                    }
                    (ActorKind::External, "partner") if own(actor.partner_id) => Ok(()),
                    (ActorKind::External, _) if !area.public => Err(forbidden(
                        "partner users follow their own partner and public entities",
                    )),
                    _ => Ok(()),
                }
            }
        }
    }
}

fn needs(actor: &Actor, area: &Area) -> Result<(), Refusal> {
    if actor.can(area.read) {
        Ok(())
    } else {
        Err(forbidden(format!("needs capability {}", area.read)))
    }
}

/// The channels an event is pushed on.
pub fn for_event(event: &Delivered) -> Vec<String> {
    let mut channels = vec![
        format!("topic:{}", event.topic),
        format!("{}:{}", event.aggregate_type, event.aggregate_id),
    ];
    if event.aggregate_type != "user"
        && let Some(user) = event.payload.get("user_id").and_then(|v| v.as_str())
    {
        channels.push(format!("user:{user}"));
    }
    channels
}

/// The tenant an event belongs to, for the delivery check.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tenant {
    /// The organization it concerns.
    pub organization_id: Option<Uuid>,
    /// The partner it concerns.
    pub partner_id: Option<Uuid>,
    /// Public master data (the catalogue): every tenant may see it.
    #[serde(default)]
    pub public: bool,
}

impl Tenant {
    /// Read from the aggregate (an organization, a partner) or the payload's
    /// `organization_id` / `partner_id`, at the top or one object down
    /// (`{"user": {"organization_id": …}}`).
    pub fn of(event: &Delivered) -> Self {
        let from_payload = |key: &str| {
            let read = |v: &serde_json::Value| v.get(key)?.as_str()?.parse::<Uuid>().ok();
            read(&event.payload).or_else(|| event.payload.as_object()?.values().find_map(read))
        };
        let own = |kind: &str| {
            (event.aggregate_type == kind)
                .then(|| event.aggregate_id.parse().ok())
                .flatten()
        };
        Self {
            organization_id: own("organization").or_else(|| from_payload("organization_id")),
            partner_id: own("partner").or_else(|| from_payload("partner_id")),
            public: AREAS.iter().any(|a| a.topic == event.topic && a.public),
        }
    }

    /// Whether `actor` may receive an event of this tenant on a shared channel:
    /// public data, or data of the actor's own organization or partner. An
    /// event whose tenant is unknown reaches only SUPER_ADMIN (and the user's
    /// own channel, which the hub delivers without this check).
    pub fn admits(&self, actor: &Actor) -> bool {
        match actor.kind {
            ActorKind::System | ActorKind::SuperAdmin => true,
            _ if self.public => true,
            ActorKind::Internal => {
                self.organization_id.is_some() && self.organization_id == actor.organization_id
            }
            ActorKind::External => self.partner_id.is_some() && self.partner_id == actor.partner_id,
            ActorKind::Anonymous => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(kind: ActorKind, caps: &[&str]) -> Actor {
        Actor::user(kind, Uuid::nil(), caps.iter().map(|c| (*c).to_owned()))
    }

    #[test]
    fn names_parse_into_channels_or_refusals() {
        let id = Uuid::now_v7();
        assert_eq!(Channel::parse(&format!("user:{id}")), Ok(Channel::User(id)));
        assert!(
            matches!(Channel::parse("topic:organization-events"), Ok(Channel::Topic(a)) if a.read == "ORG_READ")
        );
        assert!(
            matches!(Channel::parse("commodity:42"), Ok(Channel::Entity(a, "commodity", i)) if a.topic == "commodity-events" && i == "42")
        );
        let upper = Channel::parse(&format!("commodity:{}", id.to_string().to_uppercase())).unwrap();
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
            "commodity:1:availabilities",
        ] {
            assert_eq!(Channel::parse(bad).unwrap_err().code, "unknown_channel", "{bad}");
        }
    }

    #[test]
    fn subscriptions_need_the_read_capability_and_the_right_tenant() {
        let staff = actor(ActorKind::Internal, &["ORG_READ"]);
        assert!(
            Channel::parse("topic:organization-events")
                .unwrap()
                .authorize(&staff)
                .is_ok()
        );
        assert_eq!(
            Channel::parse("topic:partner-events")
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
            Channel::parse(&format!("organization:{org}"))
                .unwrap()
                .authorize(&own)
                .is_ok()
        );
        assert!(
            Channel::parse(&format!("organization:{}", Uuid::now_v7()))
                .unwrap()
                .authorize(&own)
                .is_err()
        );
        // Partner users: public catalogue topics yes, other partners' topics no.
        let partner = actor(ActorKind::External, &["COMMODITY_READ", "PARTNER_READ"]);
        assert!(
            Channel::parse("topic:commodity-events")
                .unwrap()
                .authorize(&partner)
                .is_ok()
        );
        assert!(
            Channel::parse("topic:partner-events")
                .unwrap()
                .authorize(&partner)
                .is_err()
        );
        // Someone else's user channel: never.
        assert!(
            Channel::parse(&format!("user:{}", Uuid::now_v7()))
                .unwrap()
                .authorize(&staff)
                .is_err()
        );
        assert!(
            Channel::parse(&format!("user:{}", Uuid::nil()))
                .unwrap()
                .authorize(&staff)
                .is_ok()
        );
    }

    #[test]
    fn events_go_to_their_topic_entity_and_user() {
        let user = Uuid::now_v7();
        let event = Delivered {
            event_id: Uuid::now_v7(),
            topic: "session-events".into(),
            event_type: "SessionRevoked".into(),
            aggregate_type: "session".into(),
            aggregate_id: "s1".into(),
            payload: serde_json::json!({"user_id": user.to_string()}),
            version: 1,
            metadata: serde_json::json!({}),
            idempotency_key: None,
            created_at: chrono::Utc::now(),
        };
        assert_eq!(
            for_event(&event),
            vec![
                "topic:session-events".to_owned(),
                "session:s1".into(),
                format!("user:{user}")
            ]
        );
        let org = Uuid::now_v7();
        let tenant = Tenant::of(&Delivered {
            topic: "organization-events".into(),
            aggregate_type: "organization".into(),
            aggregate_id: org.to_string(),
            ..event.clone()
        });
        let mut other = actor(ActorKind::Internal, &[]);
        other.organization_id = Some(Uuid::now_v7());
        assert!(!tenant.admits(&other));
        other.organization_id = Some(org);
        assert!(tenant.admits(&other));
        // A user event names its tenant one level down; an unknown tenant reaches no one but admins.
        let user_event = Delivered {
            topic: "user-events".into(),
            aggregate_type: "user".into(),
            aggregate_id: user.to_string(),
            payload: serde_json::json!({"user": {"organization_id": org.to_string()}}),
            ..event.clone()
        };
        assert_eq!(Tenant::of(&user_event).organization_id, Some(org));
        assert!(
            !Tenant::of(&event).admits(&other),
            "a session event without a tenant"
        );
        assert!(Tenant::of(&event).admits(&actor(ActorKind::SuperAdmin, &[])));
        let catalogue = Delivered {
            topic: "commodity-events".into(),
            ..event
        };
        assert!(Tenant::of(&catalogue).admits(&actor(ActorKind::External, &[])));
    }
}
