//! Telling the relays of other processes that events committed (PostgreSQL).
//!
//! A `pg_notify` inside a write's transaction makes its commit take
//! PostgreSQL's cluster-wide notification lock and hold it until the commit
//! record is flushed, so every write with events would commit one after the
//! other instead of sharing a flush with its neighbours (8 writers on the
//! 2-core machine: about 1,300 commits/s with the notification inside, 3,500
//! without). Writes therefore commit without it, and one task per process
//! sends `pg_notify` in a statement of its own after them: a signal raised
//! while a notification is on its way is folded into the next one, so a busy
//! process sends a handful of notifications, not one per write. A process
//! whose own relay leads sends none: that relay wakes on the in-process signal.
//! A notification that fails is only a delay: the leading relay also polls.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Once};

use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::sync::Notify;

use crate::outbox::NOTIFY_CHANNEL;

/// Announces commits with events to the relays of other processes.
#[derive(Debug)]
pub(crate) struct Announcer {
    db: DatabaseConnection,
    shared: Arc<Shared>,
    started: Once,
}

/// What the announcer and its task share.
#[derive(Debug, Default)]
struct Shared {
    signal: Notify,
    leading: AtomicBool,
    /// The announcer is gone: the task sends what is pending and ends.
    closed: AtomicBool,
}

impl Announcer {
    /// An announcer for the PostgreSQL database `db`; its task starts with the
    /// first announcement.
    pub fn new(db: DatabaseConnection) -> Arc<Self> {
        Arc::new(Self {
            db,
            shared: Arc::default(),
            started: Once::new(),
        })
    }

    /// Marks whether this process's relay leads (it then needs no notification).
    pub fn set_leading(&self, leading: bool) {
        self.shared.leading.store(leading, Ordering::Release);
    }

    /// Whether this process's relay leads.
    pub fn leading(&self) -> bool {
        self.shared.leading.load(Ordering::Acquire)
    }

    /// A transaction with events committed: the relays elsewhere hear of it soon.
    pub fn announce(&self) {
        if self.leading() {
            return;
        }
        self.started.call_once(|| {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(run(self.shared.clone(), self.db.clone()));
            }
        });
        self.shared.signal.notify_one();
    }
}

impl Drop for Announcer {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::Release);
        self.shared.signal.notify_one();
    }
}

/// Sends one notification per wake-up (folding the signals raised meanwhile)
/// until the announcer is gone; then the pending one, and it ends, so a
/// dropped infrastructure does not keep its pool open.
async fn run(shared: Arc<Shared>, db: DatabaseConnection) {
    let statement = format!("SELECT pg_notify('{NOTIFY_CHANNEL}', '')");
    loop {
        shared.signal.notified().await;
        if !shared.leading.load(Ordering::Acquire)
            && let Err(e) = db.execute_unprepared(&statement).await
        {
            tracing::debug!(error = %e, "outbox notification not sent; the relay's poll picks the events up");
        }
        if shared.closed.load(Ordering::Acquire) {
            return;
        }
    }
}
