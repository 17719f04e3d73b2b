//! Event consumers live in [`infra::events`] (readers, inbox, reclaim, dead
//! letters); the server starts its handlers with the application. Re-exported
//! here for the server's own code.

pub use infra::events::{Consumer, ConsumerOptions, Delivered, Handler, run, run_handler};
