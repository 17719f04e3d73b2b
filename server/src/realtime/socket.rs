//! One socket's life: subscribe the user's own channel, then relay the hub's
//! messages out and the client's requests in, ping every heartbeat, and close
//! after three unanswered pings or when the session ends. Each heartbeat also
//! re-reads the user's capabilities and drops subscriptions they no longer allow.

use std::time::Duration;

use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use infra::Actor;
use serde_json::json;
use user_auth::{AuthError, Authenticated};

use super::channels::Channel;
use super::hub::{Hub, Outgoing, SubscribeError};
use super::message::{Action, ClientMessage, ServerMessage};
use crate::state::AppState;

/// Unanswered pings after which a socket is closed.
pub const MISSED_LIMIT: u32 = 3;

/// Largest client frame.
pub const MAX_FRAME: usize = 16 * 1024;

fn close(code: CloseCode, description: &str) -> Option<CloseReason> {
    Some(CloseReason {
        code,
        description: Some(description.to_owned()),
    })
}

/// A socket's connection and what it needs to keep it honest.
struct Connection {
    state: AppState,
    session: Session,
    actor: Actor,
    id: u64,
    heartbeat: Duration,
}

/// Why the loop ended: `None` when the peer is gone, else the close to send.
type Ending = Option<Option<CloseReason>>;

impl Connection {
    /// Sends a text frame; a client that does not take it within a heartbeat
    /// is treated as gone, so a stalled reader never blocks the socket's task.
    async fn send(&mut self, text: &str) -> Result<(), ()> {
        match tokio::time::timeout(self.heartbeat, self.session.text(text.to_owned())).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(()),
        }
    }

    async fn reply(&mut self, message: ServerMessage) -> Result<(), ()> {
        self.send(&message.to_text()).await
    }

    /// One heartbeat: the session must still be live; capabilities are read
    /// again and subscriptions they no longer allow are ended.
    async fn beat(&mut self, missed: &mut u32) -> Result<(), Ending> {
        if *missed >= MISSED_LIMIT {
            return Err(Some(close(CloseCode::Away, "heartbeat missed")));
        }
        let (Some(user_id), Some(session_id)) = (self.actor.user_id, self.actor.session_id) else {
            return Err(Some(close(CloseCode::Policy, "a user session is required")));
        };
        match self.state.auth.check_session(session_id, user_id).await {
            Ok(()) => {}
            Err(AuthError::Revoked) => return Err(Some(close(CloseCode::Policy, "session ended"))),
            Err(e) => tracing::warn!(error = %e, "session not checked this heartbeat; the socket stays open"),
        }
        match settings::capabilities::for_user(&self.state.infra, user_id).await {
            Ok(held) if held != self.actor.capabilities => {
                self.actor.capabilities = held;
                for channel in self.state.hub.refresh(self.id, self.actor.clone()) {
                    let ended =
                        ServerMessage::reply("unsubscribed", &channel, json!({"reason": "access withdrawn"}));
                    self.reply(ended).await.map_err(|()| -> Ending { None })?;
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "capabilities not re-read this heartbeat"),
        }
        *missed += 1;
        match tokio::time::timeout(self.heartbeat, self.session.ping(b"")).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(None),
        }
    }
}

/// Serves one upgraded socket until it closes.
pub async fn serve(state: AppState, who: Authenticated, session: Session, stream: MessageStream) {
    let hub = state.hub.clone();
    let actor = who.actor;
    let (Some(user_id), Some(session_id)) = (actor.user_id, actor.session_id) else {
        let _ = session
            .close(close(CloseCode::Policy, "a user session is required"))
            .await;
        return;
    };
    let (id, mut outgoing) = hub.connect(actor.clone());
    let own = format!("user:{user_id}");
    let _ = hub.subscribe(id, &own);
    let heartbeat = Duration::from_secs(state.config.ws_heartbeat_secs);
    let mut conn = Connection {
        state,
        session,
        actor,
        id,
        heartbeat,
    };
    let welcome = ServerMessage::reply(
        "connected",
        &own,
        json!({"session_id": session_id, "heartbeat_secs": heartbeat.as_secs(), "subscriptions": [&own]}),
    );
    let mut stream = stream.max_frame_size(MAX_FRAME);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut missed = 0u32;
    let ending: Ending = if conn.reply(welcome).await.is_err() {
        None
    } else {
        loop {
            tokio::select! {
                incoming = stream.recv() => {
                    let reply = match incoming {
                        Some(Ok(Message::Text(text))) => answer(&hub, id, &conn.actor, &text),
                        Some(Ok(Message::Binary(_))) => ServerMessage::error("", "bad_message", "send JSON text frames"),
                        Some(Ok(Message::Ping(bytes))) => {
                            missed = 0;
                            let pong = tokio::time::timeout(heartbeat, conn.session.pong(&bytes)).await;
                            if !matches!(pong, Ok(Ok(()))) {
                                break None;
                            }
                            continue;
                        }
                        Some(Ok(Message::Pong(_))) => {
                            missed = 0;
                            continue;
                        }
                        Some(Ok(Message::Close(reason))) => break Some(reason),
                        Some(Ok(_)) => continue,
                        Some(Err(e)) => break Some(close(CloseCode::Protocol, &e.to_string())),
                        None => break None,
                    };
                    missed = 0;
                    if conn.reply(reply).await.is_err() {
                        break None;
                    }
                }
                out = outgoing.recv() => match out {
                    Some(Outgoing::Text(text)) => {
                        if conn.send(&text).await.is_err() {
                            break None;
                        }
                    }
                    Some(Outgoing::Close(why)) => break Some(close(CloseCode::Policy, why)),
                    None => break Some(close(CloseCode::Again, "too many messages waiting; reconnect")),
                },
                _ = ticks.tick() => {
                    if let Err(ending) = conn.beat(&mut missed).await {
                        break ending;
                    }
                }
            }
        }
    };
    hub.disconnect(id);
    if let Some(reason) = ending {
        let _ = tokio::time::timeout(heartbeat, conn.session.close(reason)).await;
    }
}

/// The answer to one client frame.
fn answer(hub: &Hub, id: u64, actor: &Actor, text: &str) -> ServerMessage {
    let request: ClientMessage = match serde_json::from_str(text) {
        Ok(request) => request,
        Err(e) => {
            return ServerMessage::error(
                "",
                "bad_message",
                &format!("send {{\"action\": \"subscribe\" | \"unsubscribe\", \"channel\": \"...\"}}: {e}"),
            );
        }
    };
    let channel = match Channel::parse(hub.areas(), &request.channel) {
        Ok(channel) => channel,
        Err(refusal) => return ServerMessage::error(&request.channel, refusal.code, &refusal.detail),
    };
    // Answers name the channel as the server spells it (ids in lower case).
    let name = channel.name();
    match request.action {
        Action::Subscribe => {
            if let Err(refusal) = channel.authorize(actor) {
                return ServerMessage::error(&name, refusal.code, &refusal.detail);
            }
            match hub.subscribe(id, &name) {
                Ok(_) => ServerMessage::reply("subscribed", &name, json!({})),
                Err(SubscribeError::TooMany) => ServerMessage::error(
                    &name,
                    "too_many_subscriptions",
                    &format!(
                        "a socket holds at most {} subscriptions",
                        super::hub::MAX_SUBSCRIPTIONS
                    ),
                ),
                Err(SubscribeError::Gone) => ServerMessage::error(&name, "closed", "the socket is closing"),
            }
        }
        Action::Unsubscribe => {
            if hub.unsubscribe(id, &name) {
                ServerMessage::reply("unsubscribed", &name, json!({}))
            } else {
                ServerMessage::error(
                    &name,
                    "not_subscribed",
                    "this socket does not follow that channel",
                )
            }
        }
    }
}
