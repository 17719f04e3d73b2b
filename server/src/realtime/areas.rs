//! Areas: what each module declares about its events for real time (the
//! topic, its aggregates, the capability that reads it, who sees what, and
//! its sub-streams and named channels), and the registry the hub reads them from.

use std::sync::Arc;

/// Who receives an area's events on shared channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Each tenant its own: an INTERNAL user the events of their organization,
    /// a partner user those of their partner.
    #[default]
    Organization,
    /// Platform-wide (partners, risk, the trade desk): INTERNAL staff holding
    /// the read capability see every event, whatever the organization;
    /// partner users see their own partner's events and those naming them in
    /// their audience.
    Platform,
    /// Public master data (the catalogue): every user holding the capability.
    Public,
    /// Listings (the trade desk's requirements): an event without an
    /// audience reaches every user holding the capability, as in a public
    /// area; one with an audience reaches its parties and INTERNAL staff
    /// holding the capability, as in a platform-wide area.
    Listing,
    /// Only the event's audience, on each audience user's `user:{id}` channel;
    /// no shared channel exists.
    Audience,
}

/// A parent entity's sub-stream: channel `{parent}:{id}:{name}`
/// (`commodity:{id}:availabilities`) carries the area's events whose payload
/// holds the parent's id under `key`.
#[derive(Debug, PartialEq, Eq)]
pub struct SubStream {
    /// The parent's aggregate type (`commodity`).
    pub parent: &'static str,
    /// The payload field holding the parent's id (`commodity_id`).
    pub key: &'static str,
    /// The stream's name (`availabilities`).
    pub name: &'static str,
}

/// A named channel (`risk:alerts`): the area's events of the listed types
/// (every event of the area when the list is empty).
#[derive(Debug, PartialEq, Eq)]
pub struct Named {
    /// The channel's full name, `{area}:{name}`.
    pub name: &'static str,
    /// The event types it carries; empty: all of the area's.
    pub events: &'static [&'static str],
}

/// One area of the platform, as a module declares it.
#[derive(Debug, PartialEq, Eq)]
pub struct Area {
    /// Outbox topic.
    pub topic: &'static str,
    /// Aggregate types of its events (entity channels `{aggregate}:{id}`).
    pub aggregates: &'static [&'static str],
    /// The capability that reads it; `None` for [`Scope::Audience`].
    pub read: Option<&'static str>,
    /// Who sees its events.
    pub scope: Scope,
    /// Sub-streams of parent entities.
    pub streams: &'static [SubStream],
    /// Named channels.
    pub named: &'static [Named],
}

impl Area {
    /// An area read with `read`, of `scope`, without sub-streams or named channels.
    pub const fn new(
        topic: &'static str,
        aggregates: &'static [&'static str],
        read: &'static str,
        scope: Scope,
    ) -> Self {
        Self {
            topic,
            aggregates,
            read: Some(read),
            scope,
            streams: &[],
            named: &[],
        }
    }

    /// An area whose events reach their audience's own channels only.
    pub const fn audience_only(topic: &'static str, aggregates: &'static [&'static str]) -> Self {
        Self {
            topic,
            aggregates,
            read: None,
            scope: Scope::Audience,
            streams: &[],
            named: &[],
        }
    }

    /// The same area with these sub-streams.
    pub const fn with_streams(mut self, streams: &'static [SubStream]) -> Self {
        self.streams = streams;
        self
    }

    /// The same area with these named channels.
    pub const fn with_named(mut self, named: &'static [Named]) -> Self {
        self.named = named;
        self
    }
}

/// Every area of the running modules; cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Areas(Arc<Vec<&'static Area>>);

impl Areas {
    /// The registry of `areas`, in order (the first area naming a channel kind owns it).
    pub fn new(areas: impl IntoIterator<Item = &'static Area>) -> Self {
        Self(Arc::new(areas.into_iter().collect()))
    }

    /// Every area.
    pub fn iter(&self) -> impl Iterator<Item = &'static Area> + '_ {
        self.0.iter().copied()
    }

    /// The topics the pusher reads.
    pub fn topics(&self) -> Vec<&'static str> {
        self.iter().map(|a| a.topic).collect()
    }

    /// The area of `topic`.
    pub fn by_topic(&self, topic: &str) -> Option<&'static Area> {
        self.iter().find(|a| a.topic == topic)
    }

    /// The area of entity channels `{aggregate}:{id}`, with the aggregate's static name.
    pub fn by_aggregate(&self, aggregate: &str) -> Option<(&'static Area, &'static str)> {
        self.iter()
            .filter(|a| a.scope != Scope::Audience)
            .find_map(|a| Some((a, *a.aggregates.iter().find(|g| **g == aggregate)?)))
    }

    /// The named channel `name` and its area.
    pub fn named(&self, name: &str) -> Option<(&'static Area, &'static Named)> {
        self.iter()
            .find_map(|a| Some((a, a.named.iter().find(|n| n.name == name)?)))
    }

    /// The sub-stream `{parent}:{id}:{stream}` and its area.
    pub fn stream(&self, parent: &str, stream: &str) -> Option<(&'static Area, &'static SubStream)> {
        self.iter().find_map(|a| {
            Some((
                a,
                a.streams
                    .iter()
                    .find(|s| s.parent == parent && s.name == stream)?,
            ))
        })
    }
}
