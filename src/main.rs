//! The `secunity` command: parses the command line, loads the settings, opens the database and
//! runs the chosen command.

use secrecy::ExposeSecret;
use std::net::TcpListener;

use anyhow::Context;
use clap::{Parser, Subcommand};
use secunity::Workers;
use secunity::config::Config;
use secunity::db::{Db, connect_one, run_migrations};
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
    /// Manages administrators.
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Manages API tokens.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Runs a benchmark on a scratch database; prints its figures as one JSON object on the
    /// last line (see BENCHMARKS.md).
    #[cfg(feature = "bench")]
    Bench {
        /// Which benchmark.
        #[command(subcommand)]
        which: secunity::bench::BenchCommand,
    },
    /// The benchmarks exist only in a build with the `bench` feature; this answers with how to
    /// get one instead of "unrecognized subcommand".
    #[cfg(not(feature = "bench"))]
    #[command(hide = true)]
    Bench {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        _args: Vec<String>,
    },
    /// Loads demo data drawn from the bureau's real programme (seminars, registrations,
    /// newsletter issues, board posts); running it twice adds nothing.
    Demo,
    /// Returned mail of the newsletter: bounces (DSNs) and unsubscribe requests by mail.
    Bounces {
        #[command(subcommand)]
        action: BouncesAction,
    },
    /// Seminar lotteries (抽選).
    Lottery {
        #[command(subcommand)]
        action: LotteryAction,
    },
}

#[derive(Subcommand)]
enum LotteryAction {
    /// Re-runs a seminar's recorded draw from its record (seed, algorithm, entrants) and says
    /// whether it gives the recorded winners and order; exits 0 when it does, 1 when not.
    Verify {
        /// The seminar's id.
        seminar_id: i64,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Creates (or promotes) an admin and prints a one-time login URL as the last line.
    Create {
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Prints a new API token for the user as the last line.
    Create {
        /// The user's email address.
        #[arg(long)]
        email: String,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        name: String,
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
    // A benchmark needs no settings and no database of the service; its logs go to stderr so
    // that its last line on stdout stays the JSON figures.
    #[cfg(feature = "bench")]
    if let Command::Bench { which } = cli.command {
        init_tracing(true);
        return runtime()?.block_on(secunity::bench::run(which));
    }
    #[cfg(not(feature = "bench"))]
    if let Command::Bench { .. } = cli.command {
        anyhow::bail!(
            "this build has no benchmarks; run them with: cargo run --release --features bench -- bench ..."
        );
    }
    init_tracing(false);
    let config = Config::load()?;
    match cli.command {
        Command::Serve => {
            let db = Db::connect(
                config.database_url.expose_secret(),
                config.database_pool_size,
            )?;
            db.migrate()?;
            runtime()?.block_on(serve(config, db))
        }
        Command::Worker => {
            let db = Db::connect(
                config.database_url.expose_secret(),
                config.database_pool_size,
            )?;
            db.migrate()?;
            runtime()?.block_on(work(config, db))
        }
        // One-shot commands use one connection of their own, closed before the process exits.
        Command::Migrate => {
            let mut conn = connect_one(config.database_url.expose_secret())?;
            let applied = run_migrations(&mut conn)?;
            tracing::info!(
                applied,
                database = conn.backend().as_str(),
                "migrations applied"
            );
            Ok(())
        }
        Command::Admin {
            action: AdminAction::Create { email, name },
        } => {
            let mut conn = migrated(&config)?;
            let url =
                secunity::accounts::cli::create_admin(&config, &mut conn, &email, name.as_deref())?;
            drop(conn);
            println!("{url}");
            Ok(())
        }
        Command::Token {
            action: TokenAction::Create { email, name },
        } => {
            let mut conn = migrated(&config)?;
            let token = secunity::accounts::cli::create_token(&mut conn, &email, &name)?;
            drop(conn);
            println!("{token}");
            Ok(())
        }
        Command::Demo => {
            let mut conn = migrated(&config)?;
            let loaded = secunity::demo::load(&mut conn)?;
            drop(conn);
            println!(
                "demo data loaded: {} seminars, {} registrations, {} newsletter issues, {} board posts",
                loaded.seminars, loaded.registrations, loaded.newsletter_issues, loaded.board_posts
            );
            Ok(())
        }
        Command::Bounces {
            action: BouncesAction::Import { files },
        } => {
            let mut conn = migrated(&config)?;
            let summary = secunity::newsletter::bounces::import_files(&mut conn, files)?;
            drop(conn);
            println!("{summary}");
            Ok(())
        }
        Command::Lottery {
            action: LotteryAction::Verify { seminar_id },
        } => {
            let mut conn = migrated(&config)?;
            let checks =
                match secunity::registrations::lottery::service::verify(&mut conn, seminar_id) {
                    Ok(checks) => checks,
                    Err(secunity::error::AppError::NotFound) => {
                        println!("seminar {seminar_id}: no recorded draw");
                        std::process::exit(1);
                    }
                    Err(e) => return Err(anyhow::anyhow!("{e}")),
                };
            drop(conn);
            let all = checks.iter().all(|v| v.matches);
            if checks.len() > 1 {
                println!(
                    "seminar {seminar_id}: {} draws are recorded where there must be one",
                    checks.len()
                );
            }
            for v in &checks {
                for line in &v.findings {
                    println!("draw {}: {line}", v.draw.id);
                }
            }
            if all && checks.len() == 1 {
                println!("seminar {seminar_id}: the draw matches its record");
                Ok(())
            } else {
                println!("seminar {seminar_id}: the draw does NOT match its record");
                std::process::exit(1);
            }
        }
        Command::Bench { .. } => unreachable!("handled above"),
    }
}

/// One connection with the migrations applied.
fn migrated(config: &Config) -> anyhow::Result<secunity::db::DbConn> {
    let mut conn = connect_one(config.database_url.expose_secret())?;
    run_migrations(&mut conn)?;
    Ok(conn)
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
    let server = secunity::serve(listener, secunity::Services::new(state))?;
    tracing::info!(%address, %base_url, database = backend, "secunity is serving");
    // actix stops on Ctrl-C / SIGTERM; the workers finish their batch after it.
    server.await?;
    workers.stop().await;
    Ok(())
}

fn init_tracing(to_stderr: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    if to_stderr {
        logs.with_writer(std::io::stderr).init();
    } else {
        logs.init();
    }
}
