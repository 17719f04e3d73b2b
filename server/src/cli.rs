//! Command-line interface: `server` (serve the API), `server migrate`.

use clap::{Parser, Subcommand};

/// The commodity trading platform's server.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// What to do; serving the API when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Run only the outbox relay (publishes committed events to Redis Streams).
    Relay,
    /// Administration tasks.
    Admin {
        /// The task.
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Token signing keys (development keys kept in the database).
    Keys {
        /// The task.
        #[command(subcommand)]
        task: KeysTask,
    },
}

/// `server admin ...`
#[derive(Debug, Subcommand)]
pub enum AdminTask {
    /// Create a SUPER_ADMIN user (migrating first if needed).
    Create {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Password, 8 to 128 characters.
        #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// Full name.
        #[arg(long, default_value = "Platform Administrator")]
        name: String,
    },
}

/// `server keys ...`
#[derive(Debug, Subcommand)]
pub enum KeysTask {
    /// Start signing with a new development key; older keys keep verifying until their tokens expire.
    Rotate,
}
