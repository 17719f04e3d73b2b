//! One socket's life: subscribe the user's own channel, then relay the hub's
//! messages out and the client's requests in, ping every heartbeat, and close
//! after three unanswered pings or when the session ends.

use std::time::Duration;

use actix_ws::{CloseCode, CloseReason, Message, MessageStream, Session};
use serde_json::json;
use user_auth::Authenticated;

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

/// Serves one upgraded socket until it closes.
pub async fn serve(state: AppState, who: Authenticated, mut session: Session, stream: MessageStream) {
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
    let welcome = ServerMessage::reply(
        "connected",
        &own,
        json!({"session_id": session_id, "heartbeat_secs": heartbeat.as_secs(), "subscriptions": [&own]}),
    );
    let mut stream = stream.max_frame_size(MAX_FRAME);
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    let mut missed = 0u32;
    let reason = if session.text(welcome.to_text()).await.is_err() {
        None
    } else {
        loop {
            tokio::select! {
                incoming = stream.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        missed = 0;
                        let reply = answer(&hub, id, &actor, &text);
                        if session.text(reply.to_text()).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        missed = 0;
                        let reply = ServerMessage::error("", "bad_message", "send JSON text frames");
                        if session.text(reply.to_text()).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(Message::Ping(bytes))) => {
                        missed = 0;
                        if session.pong(&bytes).await.is_err() {
                            break None;
                        }
                    }
                    Some(Ok(Message::Pong(_))) => missed = 0,
                    Some(Ok(Message::Close(reason))) => break reason,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => break close(CloseCode::Protocol, &e.to_string()),
                    None => break None,
                },
                out = outgoing.recv() => match out {
                    Some(Outgoing::Text(text)) => {
                        if session.text(&*text).await.is_err() {
                            break None;
                        }
                    }
                    Some(Outgoing::Close(why)) => break close(CloseCode::Policy, why),
                    None => break close(CloseCode::Again, "too many messages waiting; reconnect"),
                },
                _ = ticks.tick() => {
                    if missed >= MISSED_LIMIT {
                        break close(CloseCode::Away, "heartbeat missed");
                    }
                    if state.auth.check_session(session_id, user_id).await.is_err() {
                        break close(CloseCode::Policy, "session ended");
                    }
                    missed += 1;
                    if session.ping(b"").await.is_err() {
                        break None;
                    }
                }
            }
        }
    };
    hub.disconnect(id);
    let _ = session.close(reason).await;
}

/// The answer to one client frame.
fn answer(hub: &Hub, id: u64, actor: &infra::Actor, text: &str) -> ServerMessage {
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
    let name = request.channel.as_str();
    match request.action {
        Action::Subscribe => {
            let checked = Channel::parse(name).and_then(|channel| channel.authorize(actor));
            if let Err(refusal) = checked {
                return ServerMessage::error(name, refusal.code, &refusal.detail);
            }
            match hub.subscribe(id, name) {
                Ok(_) => ServerMessage::reply("subscribed", name, json!({})),
                Err(SubscribeError::TooMany) => ServerMessage::error(
                    name,
                    "too_many_subscriptions",
                    &format!(
                        "a socket holds at most {} subscriptions",
                        super::hub::MAX_SUBSCRIPTIONS
                    ),
                ),
                Err(SubscribeError::Gone) => ServerMessage::error(name, "closed", "the socket is closing"),
            }
        }
        Action::Unsubscribe => {
            if hub.unsubscribe(id, name) {
                ServerMessage::reply("unsubscribed", name, json!({}))
            } else {
                ServerMessage::error(name, "not_subscribed", "this socket does not follow that channel")
            }
        }
    }
}
