//! Telling people what happened to them: a decision on their application, a
//! document about to expire, a match for their requirement. Services take a
//! [`Notifier`] and call it inside the write that made the decision, so a
//! notification goes out exactly when the change commits.
//!
//! The default, [`ChannelNotifier`], logs the notification and appends one
//! outbox event on [`TOPIC`] whose audience is the notified users: the real-time
//! pusher delivers it to each user's `user:{id}` channel, and any other
//! consumer (SMS, e-mail) can read the same stream.
//!
//! ```no_run
//! # use infra::notify::{ChannelNotifier, Notification, Notifier};
//! # async fn demo(tx: &infra::write::WriteTx, user: uuid::Uuid) -> Result<(), infra::ServiceError> {
//! let notice = Notification::new("kyc.expiring", "Your GST certificate expires in 30 days", vec![user]);
//! ChannelNotifier.notify(tx, &notice).await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::outbox::NewEvent;
use crate::service_error::ServiceError;
use crate::write::WriteTx;

/// The outbox topic of notifications.
pub const TOPIC: &str = "notification-events";
/// The aggregate type of notification events.
pub const AGGREGATE: &str = "notification";
/// The event type of a notification.
pub const EVENT: &str = "NotificationSent";

/// Something the named users should hear about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    /// What kind of news, dotted lower case such as `partner.approved`.
    pub kind: String,
    /// One line for a person.
    pub message: String,
    /// Who is told.
    pub users: Vec<Uuid>,
    /// The resource it is about, such as `("partner", id)`.
    pub subject: Option<(String, Uuid)>,
    /// Anything a client needs to act on it.
    pub data: Value,
}

impl Notification {
    /// A notification of `kind` for `users`.
    pub fn new(kind: &str, message: impl Into<String>, users: Vec<Uuid>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
            users,
            subject: None,
            data: Value::Null,
        }
    }

    /// About `resource_type` `id`.
    pub fn about(mut self, resource_type: &str, id: Uuid) -> Self {
        self.subject = Some((resource_type.to_owned(), id));
        self
    }

    /// With `data` for clients.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// Delivers notifications, inside the write that decided them.
#[async_trait::async_trait]
pub trait Notifier: Send + Sync + 'static {
    /// Sends `notification` as part of `tx` (nothing is sent if it rolls back).
    async fn notify(&self, tx: &WriteTx, notification: &Notification) -> Result<(), ServiceError>;
}

/// The default notifier: the log and the users' real-time channels, through
/// one outbox event on [`TOPIC`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ChannelNotifier;

#[async_trait::async_trait]
impl Notifier for ChannelNotifier {
    async fn notify(&self, tx: &WriteTx, notification: &Notification) -> Result<(), ServiceError> {
        if notification.users.is_empty() {
            return Ok(());
        }
        tracing::info!(
            kind = %notification.kind,
            users = notification.users.len(),
            message = %notification.message,
            "notification"
        );
        let id = crate::ids::new_id();
        let event = NewEvent::new(TOPIC, EVENT, AGGREGATE, id, 1, notification)?;
        tx.emit(event).await?;
        Ok(())
    }
}

/// A shared notifier, as services hold it.
pub type SharedNotifier = Arc<dyn Notifier>;

/// The default shared notifier.
pub fn default_notifier() -> SharedNotifier {
    Arc::new(ChannelNotifier)
}
