//! The database: one connection type over SQLite and PostgreSQL, its pool, the per-connection
//! SQLite pragmas, the embedded migrations, and the helpers that keep database work off the async
//! threads.
//!
//! The scheme of `DATABASE_URL` picks the backend: `sqlite://PATH` or `postgres://...`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

/// The migrations for SQLite, embedded into the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// The same migrations for PostgreSQL.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One SQLite writer at a time within this process.
///
/// SQLite serializes writers anyway, but a writer that finds the lock taken sleeps in growing
/// steps (its busy handler) instead of being woken when the lock frees, which wastes most of a
/// burst (found while measuring registration bursts). Queueing this process's write
/// transactions on a mutex first keeps the write lock busy without those sleeps;
/// `BEGIN IMMEDIATE` and the busy timeout still guard against other processes.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// How long an SQLite writer waits for the lock before it gives up. Long enough to ride out a
/// burst of registrations; the pool's own timeout is the bound a request sees.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 15_000;

/// A connection to either database. Queries written against it run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// A PostgreSQL connection.
    Pg(PgConnection),
    /// An SQLite connection (the embedded default).
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection of either backend.
///
/// For the few statements the common `DbConn` cannot express (batch inserts,
/// `ON CONFLICT DO NOTHING`, `FOR UPDATE SKIP LOCKED`): the body is written once and compiled
/// for each backend.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

/// Which database the service runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file in the data directory.
    Sqlite,
    /// PostgreSQL, a server.
    Postgres,
}

impl Backend {
    /// The name used in `/healthz` and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A parsed `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbTarget {
    /// Path of an SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(String),
}

impl DbTarget {
    /// Parses `sqlite://PATH` (also `sqlite:PATH`) or `postgres://` / `postgresql://` URLs.
    pub fn parse(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DbTarget::Postgres(url.to_string()));
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                "DATABASE_URL must start with sqlite:// or postgres:// (got another scheme)"
                    .to_string()
            })?;
        if path.is_empty() {
            return Err("DATABASE_URL names no SQLite file".into());
        }
        Ok(DbTarget::Sqlite(PathBuf::from(path)))
    }

    /// The backend of this target.
    pub fn backend(&self) -> Backend {
        match self {
            DbTarget::Sqlite(_) => Backend::Sqlite,
            DbTarget::Postgres(_) => Backend::Postgres,
        }
    }
}

/// Opens connections of the right kind and prepares each one (SQLite pragmas).
#[derive(Debug, Clone)]
pub struct DbManager {
    target: DbTarget,
}

impl DbManager {
    /// Opens one connection to the target, outside any pool.
    pub fn establish(target: &DbTarget) -> Result<DbConn, ConnectionError> {
        match target {
            DbTarget::Postgres(url) => Ok(DbConn::Pg(PgConnection::establish(url)?)),
            DbTarget::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first: the WAL switch itself may have to wait for another writer.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};\
                     PRAGMA journal_mode = WAL;\
                     PRAGMA synchronous = NORMAL;\
                     PRAGMA foreign_keys = ON;"
                ))
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        Self::establish(&self.target).map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// The pool type.
pub type DbPool = r2d2::Pool<DbManager>;

/// The database handle shared by handlers and workers: a pool plus what it points at.
#[derive(Clone)]
pub struct Db {
    pool: DbPool,
    target: DbTarget,
}

impl Db {
    /// Opens a pool of `size` connections to `url`, creating the SQLite file's directory if needed.
    pub fn connect(url: &str, size: u32) -> anyhow::Result<Self> {
        let target = DbTarget::parse(url).map_err(anyhow::Error::msg)?;
        prepare_sqlite_file(&target)?;
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .test_on_check_out(false)
            .build(DbManager {
                target: target.clone(),
            })
            .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
        Ok(Self { pool, target })
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.target.backend()
    }

    /// The SQLite file, when the backend is SQLite.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.target {
            DbTarget::Sqlite(p) => Some(p),
            DbTarget::Postgres(_) => None,
        }
    }

    /// A connection from the pool, waiting at most the pool's timeout (blocking: call from a
    /// blocking thread or from [`Db::run`]).
    pub fn get(&self) -> Result<r2d2::PooledConnection<DbManager>, AppError> {
        self.pool.get().map_err(AppError::from)
    }

    /// Runs `f` with a pooled connection on a blocking thread, so that no database work happens
    /// on the async threads.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(AppError::from)?;
            f(&mut conn).map_err(Into::into)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    }

    /// Whether the database answers within two seconds (for `/healthz`).
    pub async fn ping(&self) -> bool {
        let pool = self.pool.clone();
        let target = self.target.clone();
        tokio::task::spawn_blocking(move || {
            if let DbTarget::Sqlite(path) = &target
                && !path.exists()
            {
                // An open SQLite connection keeps reading a deleted file; the service would
                // lose every write from here on, so a missing file counts as "gone".
                return false;
            }
            match pool.get_timeout(Duration::from_secs(2)) {
                Ok(mut conn) => conn.batch_execute("SELECT 1").is_ok(),
                Err(_) => false,
            }
        })
        .await
        .unwrap_or(false)
    }

    /// Applies the pending migrations of this backend; returns how many were applied.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.get().map_err(|e| anyhow::anyhow!("{e}"))?;
        run_migrations(&mut conn)
    }
}

/// Opens one connection outside any pool, for the one-shot commands (`migrate`, `admin`,
/// `token`, `demo`, `bounces`).
///
/// A pool keeps background threads that may be opening or checking a PostgreSQL connection
/// when a short command exits; libpq's and OpenSSL's exit handlers then crash the process
/// (SIGSEGV after the command's output, seen with `token create`). One connection owned by the
/// main thread is closed before exit.
pub fn connect_one(url: &str) -> anyhow::Result<DbConn> {
    let target = DbTarget::parse(url).map_err(anyhow::Error::msg)?;
    prepare_sqlite_file(&target)?;
    DbManager::establish(&target)
        .map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))
}

/// Creates a missing SQLite file and its directory for the owner only (0600, 0700) before
/// SQLite opens it: SQLite would create it with the process's default mode (0644 under the
/// usual umask), and creates the `-wal` and `-shm` files with the database file's permissions.
fn prepare_sqlite_file(target: &DbTarget) -> anyhow::Result<()> {
    let DbTarget::Sqlite(path) = target else {
        return Ok(());
    };
    if path.as_os_str() == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::private_fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    crate::private_fs::touch(path)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))
}

/// Applies the pending migrations of the connection's backend.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(applied.len())
}

impl DbConn {
    /// The backend of this connection.
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Sqlite(_) => Backend::Sqlite,
            DbConn::Pg(_) => Backend::Postgres,
        }
    }

    /// Runs `f` in a transaction that takes the write lock at once.
    ///
    /// On SQLite a plain `BEGIN` is deferred: two writers that both read first and then write
    /// deadlock into `SQLITE_BUSY` at the upgrade, with no busy-wait. `BEGIN IMMEDIATE` takes the
    /// write lock up front and makes the second writer wait (up to the busy timeout) instead.
    /// On PostgreSQL this is an ordinary transaction; callers lock the rows they serialize on.
    /// Called inside a transaction of the same connection, it is a savepoint of that one.
    pub fn write_transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConn) -> Result<T, E>,
        E: From<diesel::result::Error>,
    {
        if matches!(self, DbConn::Pg(_)) {
            return self.transaction(f);
        }
        if let DbConn::Sqlite(c) = self {
            let status =
                <AnsiTransactionManager as TransactionManager<SqliteConnection>>::transaction_manager_status_mut(c);
            if matches!(status.transaction_depth(), Ok(Some(_))) {
                // Inside a write transaction of this connection already (which holds the
                // writer's turn): a savepoint, so that an operation and the one it calls share
                // one transaction instead of waiting for a turn their own caller holds.
                return self.transaction(f);
            }
        }
        let _turn = SQLITE_WRITER.lock().unwrap_or_else(|e| e.into_inner());
        if let DbConn::Sqlite(c) = self {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        }
        let result = f(self);
        let DbConn::Sqlite(c) = self else {
            unreachable!("the variant does not change inside a transaction")
        };
        match result {
            Ok(value) => match <AnsiTransactionManager as TransactionManager<SqliteConnection>>::commit_transaction(c) {
                Ok(()) => Ok(value),
                Err(commit_error) => {
                    let _ = <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(c);
                    Err(commit_error.into())
                }
            },
            Err(e) => {
                <AnsiTransactionManager as TransactionManager<SqliteConnection>>::rollback_transaction(c)?;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            DbTarget::parse("sqlite://data/secunity.db").unwrap(),
            DbTarget::Sqlite("data/secunity.db".into())
        );
        assert_eq!(
            DbTarget::parse("sqlite:///tmp/a.db").unwrap(),
            DbTarget::Sqlite("/tmp/a.db".into())
        );
        assert_eq!(
            DbTarget::parse("postgres://postgres@127.0.0.1/secunity")
                .unwrap()
                .backend(),
            Backend::Postgres
        );
        assert!(DbTarget::parse("mysql://x").is_err());
        assert!(DbTarget::parse("sqlite://").is_err());
    }
}
