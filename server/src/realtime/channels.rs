//! Channels and who may follow them.
//!
//! - `user:{id}`: a user's own notifications (events about the user, their
//!   sessions, events naming them in their audience); subscribed on connect,
//!   nobody else may follow it.
//! - `topic:{topic}`: every event of a topic, for holders of the area's read
//!   capability; partner users only for public and platform-wide areas.
//! - `{aggregate_type}:{id}`: the events of one entity, for whoever may read it.
//! - `{parent}:{id}:{stream}`: a sub-stream of a parent entity
//!   (`commodity:{id}:availabilities`), declared by the area whose events it carries.
//! - named channels (`risk:alerts`), declared by their area.
//!
//! Names are canonical: ids that are UUIDs in lower case, as events spell them.
//! A subscription is checked when it is made; each message is checked again
//! on delivery against its tenant and audience ([`super::delivery`]).

use infra::{Actor, ActorKind};
use uuid::Uuid;

use super::areas::{Area, Areas, Named, Scope, SubStream};
use infra::events::Delivered;

/// Longest part of a channel name.
pub const MAX_PART: usize = 200;

/// A channel a client named.
#[derive(Debug, PartialEq, Eq)]
pub enum Channel {
    /// `user:{id}`.
    User(Uuid),
    /// `topic:{topic}`.
    Topic(&'static Area),
    /// `{aggregate_type}:{id}`: the area, the aggregate type, the id.
    Entity(&'static Area, &'static str, String),
    /// `{parent}:{id}:{stream}`: the area, the sub-stream, the parent's id.
    Stream(&'static Area, &'static SubStream, String),
    /// A named channel of an area.
    Named(&'static Area, &'static Named),
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

/// An id as events spell it: a UUID in lower case, anything else as given.
fn canonical_id(id: &str) -> String {
    id.parse::<Uuid>()
        .map_or_else(|_| id.to_owned(), |u| u.to_string())
}

const GRAMMAR: &str = "channels are user:{id}, topic:{topic}, {aggregate_type}:{id}, \
                       {parent}:{id}:{stream} or a named channel such as risk:alerts";

impl Channel {
    /// Reads a channel name against the areas of the running modules.
    pub fn parse(areas: &Areas, name: &str) -> Result<Self, Refusal> {
        let parts: Vec<&str> = name.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(unknown(GRAMMAR));
        }
        if parts.iter().any(|p| p.is_empty() || p.len() > MAX_PART) {
            return Err(unknown(format!(
                "each part of a channel name holds 1 to {MAX_PART} characters; {GRAMMAR}"
            )));
        }
        if let Some((area, named)) = areas.named(name) {
            return Ok(Channel::Named(area, named));
        }
        match parts.as_slice() {
            ["user", id] => id
                .parse()
                .map(Channel::User)
                .map_err(|_| unknown("user:{id} takes a user id (UUID)")),
            ["topic", topic] => areas
                .by_topic(topic)
                .map(Channel::Topic)
                .ok_or_else(|| unknown(format!("no topic {topic}; topics: {}", areas.topics().join(", ")))),
            [kind, id] => areas
                .by_aggregate(kind)
                .map(|(area, aggregate)| Channel::Entity(area, aggregate, canonical_id(id)))
                .ok_or_else(|| unknown(format!("no channel kind {kind}; {GRAMMAR}"))),
            [parent, id, stream] => areas
                .stream(parent, stream)
                .map(|(area, sub)| Channel::Stream(area, sub, canonical_id(id)))
                .ok_or_else(|| unknown(format!("no stream {stream} of {parent}; {GRAMMAR}"))),
            _ => Err(unknown(GRAMMAR)),
        }
    }

    /// The channel's canonical name, as events are pushed on it.
    pub fn name(&self) -> String {
        match self {
            Channel::User(id) => format!("user:{id}"),
            Channel::Topic(area) => format!("topic:{}", area.topic),
            Channel::Entity(_, aggregate, id) => format!("{aggregate}:{id}"),
            Channel::Stream(_, sub, id) => format!("{}:{id}:{}", sub.parent, sub.name),
            Channel::Named(_, named) => named.name.to_owned(),
        }
    }

    /// Whether `actor` may follow this channel.
    pub fn authorize(&self, actor: &Actor) -> Result<(), Refusal> {
        let area = match self {
            Channel::User(id) if actor.user_id == Some(*id) => return Ok(()),
            Channel::User(_) => return Err(forbidden("user channels belong to their user alone")),
            Channel::Topic(area)
            | Channel::Entity(area, ..)
            | Channel::Stream(area, ..)
            | Channel::Named(area, _) => area,
        };
        let Some(read) = area.read.filter(|_| area.scope != Scope::Audience) else {
            return Err(forbidden(format!(
                "{} reaches its audience on their own user channels",
                area.topic
            )));
        };
        if !actor.can(read) {
            return Err(forbidden(format!("needs capability {read}")));
        }
        let own = |scope: Option<Uuid>, id: &str| scope.map(|s| s.to_string()).as_deref() == Some(id);
        // Which entity the channel is about, when it is one.
        let entity = match self {
            Channel::Entity(_, aggregate, id) => Some((*aggregate, id.as_str())),
            Channel::Stream(_, sub, id) => Some((sub.parent, id.as_str())),
            _ => None,
        };
        match (actor.kind, area.scope, entity) {
            (ActorKind::Internal, Scope::Organization, Some(("organization", id)))
                if !own(actor.organization_id, id) =>
            {
                Err(forbidden("INTERNAL users follow their own organization"))
            }
            (ActorKind::External, _, Some(("partner", id))) if own(actor.partner_id, id) => Ok(()),
            (ActorKind::External, Scope::Organization, _) => Err(forbidden(
                "partner users follow their own partner and public entities",
            )),
            (ActorKind::External, Scope::Platform, Some(("partner", _))) => {
                Err(forbidden("partner users follow their own partner"))
            }
            _ => Ok(()),
        }
    }
}

/// The channels an event is pushed on: its topic, its entity, the sub-streams
/// and named channels of its area it belongs to, and user channels: the
/// audience's users when it names an audience, else the user of a payload's
/// `user_id`. An event of an audience-only area goes to its audience's user
/// channels alone.
pub fn for_event(areas: &Areas, event: &Delivered) -> Vec<String> {
    let audience = infra::outbox::Audience::from_metadata(&event.metadata);
    let area = areas.by_topic(&event.topic);
    let audience_users = || {
        audience
            .iter()
            .flat_map(|a| a.users.iter())
            .map(|u| format!("user:{u}"))
            .collect::<Vec<_>>()
    };
    if area.is_some_and(|a| a.scope == Scope::Audience) {
        return audience_users();
    }
    let mut channels = vec![
        format!("topic:{}", event.topic),
        format!("{}:{}", event.aggregate_type, event.aggregate_id),
    ];
    for sub in area.iter().flat_map(|a| a.streams.iter()) {
        if let Some(parent) = event.payload.get(sub.key).and_then(|v| v.as_str()) {
            channels.push(format!("{}:{}:{}", sub.parent, canonical_id(parent), sub.name));
        }
    }
    for named in area.iter().flat_map(|a| a.named.iter()) {
        if named.events.is_empty() || named.events.contains(&event.event_type.as_str()) {
            channels.push(named.name.to_owned());
        }
    }
    if audience.is_some() {
        channels.extend(audience_users());
    } else if event.aggregate_type != "user"
        && let Some(user) = event.payload.get("user_id").and_then(|v| v.as_str())
    {
        channels.push(format!("user:{user}"));
    }
    // Once each (an audience user may also be the entity), in order.
    let mut seen = std::collections::HashSet::new();
    channels.retain(|c| seen.insert(c.clone()));
    channels
}
