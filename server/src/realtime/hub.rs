//! The hub: this instance's open sockets and their subscriptions, and the
//! fan-out of pushes to every instance. With Redis, a push is published on
//! one pub/sub channel (`{prefix}realtime`) that every instance listens to;
//! embedded, it is dispatched in process. Pub/sub delivers at most once: a
//! client that reconnects reads what it missed through the API.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use infra::{Actor, AppInfra, Infra, InfraError, KvError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::areas::Areas;
use super::channels::Channel;
use super::delivery::Tenant;
use super::message::ServerMessage;

/// Most messages waiting for one socket; a client slower than this is disconnected.
pub const QUEUE: usize = 1024;

/// Most subscriptions one socket holds.
pub const MAX_SUBSCRIPTIONS: usize = 100;

/// Sockets to close after a push.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", content = "id", rename_all = "snake_case")]
pub enum Close {
    /// Every socket of this session.
    Session(Uuid),
    /// Every socket of this user.
    User(Uuid),
}

/// One event on its way to sockets, as it crosses instances.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Push {
    /// The event id: the message id clients see.
    pub id: Uuid,
    /// The event type.
    pub event: String,
    /// Every channel it goes to.
    pub channels: Vec<String>,
    /// The message body.
    pub data: Value,
    /// When the change committed.
    pub timestamp: DateTime<Utc>,
    /// Whom it concerns (tenant, scope, audience), checked on delivery.
    pub tenant: Tenant,
    /// Sockets closed after the message went out.
    pub close: Option<Close>,
}

/// What a socket's task receives from the hub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outgoing {
    /// A JSON text frame.
    Text(Arc<str>),
    /// Close the socket with this reason.
    Close(&'static str),
}

struct Conn {
    actor: Arc<Actor>,
    tx: mpsc::Sender<Outgoing>,
    channels: HashSet<String>,
}

#[derive(Default)]
struct Registry {
    next: u64,
    conns: HashMap<u64, Conn>,
    channels: HashMap<String, HashSet<u64>>,
}

impl Registry {
    fn remove(&mut self, id: u64) {
        if let Some(conn) = self.conns.remove(&id) {
            for channel in conn.channels {
                if let Some(ids) = self.channels.get_mut(&channel) {
                    ids.remove(&id);
                    if ids.is_empty() {
                        self.channels.remove(&channel);
                    }
                }
            }
        }
    }
}

/// A subscription the hub refused.
#[derive(Debug, PartialEq, Eq)]
pub enum SubscribeError {
    /// The socket holds [`MAX_SUBSCRIPTIONS`] already.
    TooMany,
    /// The socket is gone.
    Gone,
}

/// This instance's sockets and the fan-out; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    registry: Arc<Mutex<Registry>>,
    infra: AppInfra,
    areas: Areas,
}

impl Hub {
    /// A hub over `infra` (Redis pub/sub when it has Redis) serving the
    /// channels of `areas`.
    pub fn new(infra: AppInfra, areas: Areas) -> Self {
        Self {
            registry: Arc::default(),
            infra,
            areas,
        }
    }

    /// The areas whose channels it serves.
    pub fn areas(&self) -> &Areas {
        &self.areas
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        // A panic while holding the lock leaves plain maps behind: keep using them.
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn pubsub_channel(&self) -> String {
        self.infra.kv().full("realtime")
    }

    /// Registers a socket of `actor`; messages for it arrive on the returned receiver.
    pub fn connect(&self, actor: Actor) -> (u64, mpsc::Receiver<Outgoing>) {
        let (tx, rx) = mpsc::channel(QUEUE);
        let mut registry = self.registry();
        registry.next += 1;
        let id = registry.next;
        registry.conns.insert(
            id,
            Conn {
                actor: Arc::new(actor),
                tx,
                channels: HashSet::new(),
            },
        );
        (id, rx)
    }

    /// Forgets a socket.
    pub fn disconnect(&self, id: u64) {
        self.registry().remove(id);
    }

    /// Adds `channel` to socket `id` (already authorized); true when it is new.
    pub fn subscribe(&self, id: u64, channel: &str) -> Result<bool, SubscribeError> {
        let mut registry = self.registry();
        let conn = registry.conns.get_mut(&id).ok_or(SubscribeError::Gone)?;
        if conn.channels.contains(channel) {
            return Ok(false);
        }
        if conn.channels.len() >= MAX_SUBSCRIPTIONS {
            return Err(SubscribeError::TooMany);
        }
        conn.channels.insert(channel.to_owned());
        registry
            .channels
            .entry(channel.to_owned())
            .or_default()
            .insert(id);
        Ok(true)
    }

    /// Removes `channel` from socket `id`; true when it was subscribed.
    pub fn unsubscribe(&self, id: u64, channel: &str) -> bool {
        let mut registry = self.registry();
        let Some(conn) = registry.conns.get_mut(&id) else {
            return false;
        };
        if !conn.channels.remove(channel) {
            return false;
        }
        if let Some(ids) = registry.channels.get_mut(channel) {
            ids.remove(&id);
            if ids.is_empty() {
                registry.channels.remove(channel);
            }
        }
        true
    }

    /// Replaces socket `id`'s actor (capabilities read again) and ends the
    /// subscriptions it no longer may hold; answers their names.
    pub fn refresh(&self, id: u64, actor: Actor) -> Vec<String> {
        let ended: Vec<String> = {
            let mut registry = self.registry();
            let Some(conn) = registry.conns.get_mut(&id) else {
                return Vec::new();
            };
            conn.actor = Arc::new(actor);
            let actor = conn.actor.clone();
            let areas = &self.areas;
            conn.channels
                .iter()
                .filter(|name| {
                    Channel::parse(areas, name)
                        .and_then(|c| c.authorize(&actor))
                        .is_err()
                })
                .cloned()
                .collect()
        };
        for name in &ended {
            self.unsubscribe(id, name);
        }
        ended
    }

    /// Open sockets on this instance.
    pub fn connections(&self) -> usize {
        self.registry().conns.len()
    }

    /// Sends `push` to the sockets of every instance.
    pub async fn publish(&self, push: &Push) -> Result<(), InfraError> {
        let Some(redis) = self.infra.kv().as_redis() else {
            self.dispatch(push);
            return Ok(());
        };
        let body = serde_json::to_string(push)?;
        redis.publish(&self.pubsub_channel(), &body).await?;
        Ok(())
    }

    /// Hands `push` to this instance's subscribed sockets, then closes what it
    /// names. A socket whose queue is full is dropped (its client reconnects).
    pub fn dispatch(&self, push: &Push) {
        let mut registry = self.registry();
        let mut slow = Vec::new();
        for channel in &push.channels {
            let Some(ids) = registry.channels.get(channel) else {
                continue;
            };
            let text: Arc<str> = ServerMessage {
                id: push.id,
                event: push.event.clone(),
                channel: channel.clone(),
                data: push.data.clone(),
                timestamp: push.timestamp,
            }
            .to_text()
            .into();
            // A user's own channel is theirs alone; shared channels check the tenant.
            let own = channel.starts_with("user:");
            for id in ids {
                let Some(conn) = registry.conns.get(id) else {
                    continue;
                };
                if (own || push.tenant.admits(&conn.actor))
                    && conn.tx.try_send(Outgoing::Text(text.clone())).is_err()
                {
                    slow.push(*id);
                }
            }
        }
        if let Some(close) = push.close {
            for (id, conn) in &registry.conns {
                let hit = match close {
                    Close::Session(sid) => conn.actor.session_id == Some(sid),
                    Close::User(uid) => conn.actor.user_id == Some(uid),
                };
                if hit && conn.tx.try_send(Outgoing::Close(close.reason())).is_err() {
                    slow.push(*id);
                }
            }
        }
        for id in slow {
            tracing::warn!(socket = id, "socket too slow for its messages; disconnecting it");
            registry.remove(id);
        }
    }

    /// Listens to the pub/sub channel and dispatches what arrives, until the
    /// process ends; reconnects after an outage. Returns at once when embedded.
    pub async fn listen(self) {
        if self.infra.kv().as_redis().is_none() {
            return;
        }
        loop {
            if let Err(e) = self.listen_once().await {
                tracing::warn!(error = %e, "real-time listener lost Redis; reconnecting");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    async fn listen_once(&self) -> Result<(), KvError> {
        let Some(redis) = self.infra.kv().as_redis() else {
            return Ok(());
        };
        let mut messages = redis.subscribe(&self.pubsub_channel()).await?;
        while let Some(body) = messages.next().await {
            match serde_json::from_str::<Push>(&body?) {
                Ok(push) => self.dispatch(&push),
                Err(e) => tracing::warn!(error = %e, "unreadable real-time message skipped"),
            }
        }
        Ok(())
    }
}

impl Close {
    /// The close reason sockets see.
    pub fn reason(self) -> &'static str {
        match self {
            Close::Session(_) => "session revoked",
            Close::User(_) => "user disabled",
        }
    }
}
