//! `server`: serves the API, or runs a maintenance command.

use std::process::ExitCode;

use clap::Parser;
use infra::AppInfra;
use infra::Infra;
use server::app::Application;
use server::cli::{AdminTask, Cli, Command, KeysTask};
use server::config::Config;

/// How often the relay looks for events when no commit signals.
const RELAY_POLL: std::time::Duration = std::time::Duration::from_secs(1);

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

async fn migrated(config: &Config) -> anyhow::Result<AppInfra> {
    let infra = AppInfra::connect(&config.infra()).await?;
    infra.migrate().await?;
    Ok(infra)
}

/// A domain error with its invalid fields spelled out, for the terminal.
fn explain<E: infra::DomainError>(e: E) -> anyhow::Error {
    let fields: Vec<String> = e
        .field_errors()
        .iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect();
    if fields.is_empty() {
        anyhow::anyhow!("{e}")
    } else {
        anyhow::anyhow!("{e} ({})", fields.join("; "))
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            tracing::info!("{}", config.describe());
            let relay = config.relay_enabled;
            let timezone = config.timezone();
            let mut app = Application::build(config).await?;
            if relay {
                tokio::spawn(server::relay::run(app.infra().clone(), RELAY_POLL));
            }
            let jobs = app.take_jobs();
            tokio::spawn(server::jobs::run(app.infra().clone(), jobs, timezone));
            tracing::info!(port = app.port(), relay, "serving");
            app.run_until_stopped().await?;
            tracing::info!("stopped gracefully");
        }
        Command::Relay => {
            let infra = migrated(&config).await?;
            tracing::info!("relay starting (standing by while another instance leads)");
            server::relay::run(infra, RELAY_POLL).await;
        }
        Command::Migrate => {
            migrated(&config).await?;
            tracing::info!("migrations applied");
        }
        Command::Admin {
            task:
                AdminTask::Create {
                    email,
                    password,
                    name,
                },
        } => {
            let infra = migrated(&config).await?;
            let accounts = user_auth::AccountService::new(infra, config.auth()?);
            let admin = accounts
                .create_super_admin(&email, &password, &name)
                .await
                .map_err(explain)?;
            println!(
                "created SUPER_ADMIN {} ({})",
                admin.email.unwrap_or_default(),
                admin.id
            );
        }
        Command::Keys {
            task: KeysTask::Rotate,
        } => {
            let infra = migrated(&config).await?;
            let kid = user_auth::keys::rotate(infra.db(), infra.clock().now())
                .await
                .map_err(explain)?;
            println!("signing with new key {kid}; restart or wait for instances to pick it up");
        }
    }
    Ok(())
}
