//! `server`: serves the API, or runs a maintenance command.

use std::process::ExitCode;

use clap::Parser;
use infra::AppInfra;
use server::app::Application;
use server::cli::{Cli, Command};
use server::config::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(&config);
    match run(cli.command.unwrap_or(Command::Serve), config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "stopped");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            tracing::info!("{}", config.describe());
            let app = Application::build(config).await?;
            tracing::info!(port = app.port(), "serving");
            app.run_until_stopped().await?;
            tracing::info!("stopped gracefully");
        }
        Command::Migrate => {
            let infra = AppInfra::connect(&config.infra()).await?;
            infra.migrate().await?;
            tracing::info!("migrations applied");
        }
    }
    Ok(())
}
