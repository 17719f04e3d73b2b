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
}
