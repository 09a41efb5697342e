//! The `secunity` command: parses the command line, loads the settings, opens the database and
//! runs the chosen command.

use std::net::TcpListener;

use anyhow::Context;
use clap::{Parser, Subcommand};
use secunity::Workers;
use secunity::config::Config;
use secunity::db::Db;
use secunity::web::AppState;

#[derive(Parser)]
#[command(name = "secunity", version, about = "地域SECUNITY web service")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Applies pending migrations, then serves HTTP and runs the background workers.
    Serve,
    /// Applies pending migrations and exits.
    Migrate,
    /// Runs only the background workers (mail sender), until interrupted.
    Worker,
    /// Newsletter bounces (delivery status notifications).
    Bounces {
        #[command(subcommand)]
        action: BouncesAction,
    },
}

#[derive(Subcommand)]
enum BouncesAction {
    /// Reads DSN mails (RFC 3464) and suppresses hard-bounced addresses (soft: after three).
    Import {
        /// The DSN files (one mail each).
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_tracing();
    let config = Config::load()?;
    let db = Db::connect(&config.database_url, config.database_pool_size)?;
    match cli.command {
        Command::Migrate => {
            let applied = db.migrate()?;
            tracing::info!(
                applied,
                database = db.backend().as_str(),
                "migrations applied"
            );
            Ok(())
        }
        Command::Serve => {
            db.migrate()?;
            runtime()?.block_on(serve(config, db))
        }
        Command::Worker => {
            db.migrate()?;
            runtime()?.block_on(work(config, db))
        }
        Command::Bounces {
            action: BouncesAction::Import { files },
        } => {
            db.migrate()?;
            let summary =
                runtime()?.block_on(secunity::newsletter::bounces::import_files(&db, files))?;
            println!("{summary}");
            Ok(())
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn work(config: Config, db: Db) -> anyhow::Result<()> {
    let workers = Workers::start(&config, db)?;
    tracing::info!("secunity worker is running; Ctrl-C stops it");
    tokio::signal::ctrl_c().await?;
    workers.stop().await;
    Ok(())
}

async fn serve(config: Config, db: Db) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener.local_addr()?;
    let base_url = config.base_url.clone();
    let backend = db.backend().as_str();
    let workers = Workers::start(&config, db.clone())?;
    let state = AppState::new(config, db);
    let server = secunity::serve(listener, state)?;
    tracing::info!(%address, %base_url, database = backend, "secunity is serving");
    // actix stops on Ctrl-C / SIGTERM; the workers finish their batch after it.
    server.await?;
    workers.stop().await;
    Ok(())
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}
