//! Redis pub/sub: publishing on the shared connections, subscribing on a connection
//! of its own.

use ::redis::aio::PubSubStream;
use futures::StreamExt;

use super::redis::map_err;
use super::{KvResult, RedisKv};

impl RedisKv {
    /// Publishes `message` on pub/sub `channel` (a full key); answers how many
    /// subscribers received it.
    pub async fn publish(&self, channel: &str, message: &str) -> KvResult<u64> {
        self.query(::redis::cmd("PUBLISH").arg(channel).arg(message))
            .await
    }

    /// Subscribes to pub/sub `channel` (a full key) on a connection of its own.
    pub async fn subscribe(&self, channel: &str) -> KvResult<Subscription> {
        let mut pubsub = self.client.get_async_pubsub().await.map_err(map_err)?;
        pubsub.subscribe(channel).await.map_err(map_err)?;
        Ok(Subscription {
            messages: pubsub.into_on_message(),
        })
    }
}

/// The messages of one pub/sub channel.
pub struct Subscription {
    messages: PubSubStream,
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription").finish_non_exhaustive()
    }
}

impl Subscription {
    /// The next message's body; `None` once the connection is gone.
    pub async fn next(&mut self) -> Option<KvResult<String>> {
        let message = self.messages.next().await?;
        Some(message.get_payload::<String>().map_err(map_err))
    }
}
