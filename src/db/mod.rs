//! Database plumbing: one connection type over SQLite and PostgreSQL, the pool,
//! embedded migrations, and running blocking diesel calls off the async executor.
//!
//! The backend follows the URL scheme: `sqlite://PATH` (the embedded default) or
//! `postgres://…`.

pub mod backup;
pub mod check;
pub mod columns;
pub mod copy_out;
pub mod direct;
mod libpq;
pub mod schema;
mod writer;

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const DEFAULT_URL: &str = "sqlite://dira.db";

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// Key of the PostgreSQL advisory lock held while migrating, so replicas never race.
const MIGRATION_LOCK: i64 = 0x0d1a_0001;
/// Key of the PostgreSQL advisory lock a retention run's transaction holds, so runs of
/// several replicas never overlap (`crate::retention`): the two-part key
/// (`0x0d1a0002`, the schema's hash) as SQL arguments, so that each dira schema of a
/// database (the tests keep many in one) has a lock of its own.
pub const RETENTION_LOCK: &str = "219807746, hashtext(current_schema())";

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Runs `$body` with `$c` bound to the backend's own connection: for statements
/// `MultiConnection` cannot express (multi-row inserts), and for the hot write path,
/// where the backend's own connection reuses its cached prepared statements while
/// `MultiConnection` renders and prepares the SQL again on every call.
#[macro_export]
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgresql($c) => $body,
        }
    };
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Sqlite(String),
    Postgres(String),
}

impl Target {
    fn parse(url: &str) -> anyhow::Result<Self> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                bail!(
                    "database URL {:?} names no file: use sqlite://PATH",
                    redact(url)
                );
            }
            Ok(Target::Sqlite(path.to_owned()))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Target::Postgres(url.to_owned()))
        } else {
            bail!(
                "database URL {:?} is not supported: use sqlite://PATH or postgres://…",
                redact(url)
            )
        }
    }
}

/// Opens connections of the configured backend; SQLite connections get their pragmas here.
#[derive(Debug)]
pub struct Manager {
    target: Target,
}

/// One connection to `target` for reading it as it is: no migration, and for SQLite
/// none of the pool's pragmas (switching to WAL would write to the file checked).
fn connect_as_is(target: &Target) -> anyhow::Result<AnyConnection> {
    Ok(match target {
        Target::Sqlite(path) => AnyConnection::Sqlite(diesel::SqliteConnection::establish(path)?),
        Target::Postgres(url) => AnyConnection::Postgresql(diesel::PgConnection::establish(url)?),
    })
}

/// The schema as the migrations table tells it, against this build's migrations.
#[derive(Debug, Clone)]
pub struct SchemaState {
    /// Migrations of this build not applied.
    pub pending: usize,
    /// Migrations applied.
    pub applied: usize,
    /// Applied migrations this build does not know (a newer dira migrated it).
    pub unknown: Vec<String>,
}

impl SchemaState {
    /// Every migration of this build applied and none other: the schema this build
    /// expects.
    pub fn is_current(&self) -> bool {
        self.pending == 0 && self.unknown.is_empty()
    }
}

/// Reads the schema's state (readiness; `dira check`) with plain reads of diesel's
/// table of applied migrations: no statement that writes, so it works on a read-only
/// connection and never races the migrations of a process starting beside it (a
/// missing table means none applied).
pub fn schema_state(conn: &mut AnyConnection) -> anyhow::Result<SchemaState> {
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct Applied {
        #[diesel(sql_type = diesel::sql_types::Text)]
        version: String,
    }
    let exists = match conn {
        AnyConnection::Sqlite(_) => {
            "SELECT count(*) AS n FROM sqlite_master \
             WHERE type = 'table' AND name = '__diesel_schema_migrations'"
        }
        AnyConnection::Postgresql(_) => {
            "SELECT count(*) AS n FROM (SELECT to_regclass('__diesel_schema_migrations') AS t) r \
             WHERE t IS NOT NULL"
        }
    };
    let exists = diesel::sql_query(exists).get_result::<Found>(conn)?.n > 0;
    let applied: Vec<String> = match exists {
        true => diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<Applied>(conn)?
            .into_iter()
            .map(|a| a.version)
            .collect(),
        false => Vec::new(),
    };
    let known = migration_versions();
    Ok(SchemaState {
        pending: known.iter().filter(|v| !applied.contains(v)).count(),
        applied: applied.len(),
        unknown: applied.into_iter().filter(|v| !known.contains(v)).collect(),
    })
}

/// The versions of the migrations this build carries (the same on both backends).
fn migration_versions() -> Vec<String> {
    use diesel::migration::MigrationSource;
    let migrations: Vec<Box<dyn diesel::migration::Migration<diesel::sqlite::Sqlite>>> =
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
            .unwrap_or_default();
    migrations
        .iter()
        .map(|m| m.name().version().to_string())
        .collect()
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        match &self.target {
            Target::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers work beside the writer; a committed transaction is in
                // the WAL file before the commit returns, so it survives the process being
                // killed. `synchronous = NORMAL` skips the fsync per commit (power loss may
                // lose the last commits, a crash of the process never does); set
                // DIRA_SQLITE_SYNCHRONOUS=FULL to fsync every commit.
                let sync = synchronous();
                // busy_timeout first: switching to WAL takes a lock another connection
                // may hold for a moment.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;"
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
            Target::Postgres(url) => diesel::PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

pub type Conn = PooledConnection<Manager>;

/// Where a [`Db`]'s data is.
#[derive(Debug, Clone, Copy)]
pub enum Location<'a> {
    /// The path of the SQLite file.
    SqliteFile(&'a str),
    /// The PostgreSQL URL.
    Postgres(&'a str),
}

/// The database: a pool for reads (and PostgreSQL writes), plus for SQLite the one
/// writer thread that group-commits every write ([`writer`]).
#[derive(Clone)]
pub struct Db {
    pool: Pool<Manager>,
    writer: Option<writer::Writer>,
    /// The SQLite file or the PostgreSQL URL, for the bulk paths that go to the data
    /// directly.
    target: Arc<Target>,
}

impl Db {
    /// Connects, brings the schema up to date and loads missing reference data.
    pub fn open(url: &str) -> anyhow::Result<Db> {
        let target = Target::parse(url)?;
        let sqlite = matches!(target, Target::Sqlite(_));
        let location = Arc::new(target.clone());
        let manager = Manager { target };
        let pool = Pool::builder()
            .max_size(if sqlite { 8 } else { 12 })
            // r2d2 keeps `min_idle` connections by opening them on a thread of its own,
            // also right after a checkout. For a SQLite file that would leave a
            // connection being opened after `close` (and `dira import` would see the
            // file as shared): there connections are opened only when asked for, each
            // awaited by its caller. A local file opens in microseconds.
            .min_idle(Some(if sqlite { 0 } else { 1 }))
            // A local SQLite file does not go away; a PostgreSQL connection may.
            .test_on_check_out(!sqlite)
            .connection_timeout(Duration::from_secs(10))
            .build(Manager {
                target: manager.target.clone(),
            })
            .with_context(|| format!("cannot open database {}", redact(url)))?;
        let mut conn = pool.get().context("no database connection available")?;
        prepare(&mut conn)?;
        let writer = match sqlite {
            true => Some(writer::Writer::start(move || Ok(manager.connect()?))?),
            false => None,
        };
        Ok(Db {
            pool,
            writer,
            target: location,
        })
    }

    pub fn conn(&self) -> anyhow::Result<Conn> {
        self.pool.get().context("no database connection available")
    }

    /// Closes this handle's connections, the pool's and the writer's, and returns once
    /// they are closed: for a bulk load that takes the SQLite file to itself. Clones
    /// of this `Db` can no longer write.
    pub fn close(self) {
        let Db { pool, writer, .. } = self;
        drop(pool);
        if let Some(writer) = writer {
            writer.stop();
        }
    }

    /// The SQLite file, when that is the backend.
    pub fn sqlite_path(&self) -> Option<&str> {
        match self.location() {
            Location::SqliteFile(path) => Some(path),
            Location::Postgres(_) => None,
        }
    }

    /// Where the data is, for the bulk paths that go to it directly.
    pub fn location(&self) -> Location<'_> {
        match &*self.target {
            Target::Sqlite(path) => Location::SqliteFile(path),
            Target::Postgres(url) => Location::Postgres(url),
        }
    }

    /// Runs `f` as one transaction and returns once it is committed. On SQLite it goes
    /// through the single writer (no races); on PostgreSQL it is retried when a
    /// concurrent transaction won a race on a unique key, so callers can use "look,
    /// then insert" without losing a request to a race.
    pub fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: Fn(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + From<anyhow::Error> + RetryableError + Send + 'static,
    {
        if let Some(writer) = &self.writer {
            return writer.write(f);
        }
        let mut conn = self.conn()?;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match conn.transaction(|c| f(c)) {
                Err(e) if attempt < 4 && e.is_retryable() => continue,
                other => return other,
            }
        }
    }

    /// [`Db::write`] for async code: on SQLite the writer is awaited without holding a
    /// thread; on PostgreSQL the write runs on the blocking pool.
    pub async fn write_async<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: Fn(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<diesel::result::Error> + From<anyhow::Error> + RetryableError + Send + 'static,
    {
        match &self.writer {
            Some(writer) => writer.write_async(f).await,
            None => self.run(move |db| db.write(f)).await,
        }
    }

    /// Runs a blocking database closure on actix' blocking thread pool.
    pub async fn run<T, E>(
        &self,
        f: impl FnOnce(&Db) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: Send + 'static + From<anyhow::Error>,
    {
        let db = self.clone();
        actix_web::web::block(move || f(&db))
            .await
            .map_err(|e| E::from(anyhow!("blocking task failed: {e}")))?
    }
}

/// Errors that mean "another transaction won a race; try again".
pub trait RetryableError {
    fn is_retryable(&self) -> bool;
}

impl RetryableError for diesel::result::Error {
    fn is_retryable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind as K, Error};
        match self {
            Error::DatabaseError(K::UniqueViolation | K::SerializationFailure, _) => true,
            // PostgreSQL's 40P01, which diesel does not name.
            Error::DatabaseError(K::Unknown, info) => info.message().contains("deadlock detected"),
            _ => false,
        }
    }
}

/// Takes SQLite's write lock at the start of the caller's transaction (a write that
/// changes nothing), so that a transaction that reads before it writes waits its turn
/// (busy timeout) instead of failing at once when another connection wrote in between
/// (SQLite cannot upgrade a read snapshot that is no longer the newest). Nothing on
/// PostgreSQL, whose row locks do this.
pub fn take_write_lock(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    if let AnyConnection::Sqlite(c) = conn {
        diesel::sql_query("DELETE FROM registration_counters WHERE 0").execute(c)?;
    }
    Ok(())
}

/// Brings the schema up to date and loads missing reference data. On PostgreSQL
/// under an advisory lock: replicas starting at once do it once, one after the other.
fn prepare(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let lock = |conn: &mut AnyConnection, what: &str| -> anyhow::Result<()> {
        if let AnyConnection::Postgresql(c) = conn {
            diesel::sql_query(format!("SELECT pg_advisory_{what}({MIGRATION_LOCK})")).execute(c)?;
        }
        Ok(())
    };
    lock(conn, "lock")?;
    let result = migrate(conn).and_then(|()| crate::codes::load_fixtures(conn));
    lock(conn, "unlock")?;
    result
}

fn migrate(conn: &mut AnyConnection) -> anyhow::Result<()> {
    match conn {
        AnyConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|_| ())
            .map_err(|e| anyhow!("migrating the SQLite database failed: {e}")),
        AnyConnection::Postgresql(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|_| ())
            .map_err(|e| anyhow!("migrating the PostgreSQL database failed: {e}")),
    }
}

/// SQLite's `synchronous` setting: NORMAL unless DIRA_SQLITE_SYNCHRONOUS=FULL
/// ([`crate::config::sqlite_synchronous`]).
pub fn synchronous() -> &'static str {
    crate::config::sqlite_synchronous()
}

/// `url` fit for messages and logs: the user and password, and the query (which may
/// carry `password=…` and other secrets), left out.
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, _)) => (base, "?…"),
        None => (url, ""),
    };
    match (base.find("://"), base.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}{query}", &base[..s], &base[at + 1..]),
        _ => format!("{base}{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_follows_the_url_scheme() {
        assert_eq!(
            Target::parse("sqlite://dira.db").ok(),
            Some(Target::Sqlite("dira.db".into()))
        );
        assert!(matches!(
            Target::parse("postgres://u@h/db"),
            Ok(Target::Postgres(_))
        ));
        assert!(Target::parse("mysql://x").is_err());
        assert!(Target::parse("sqlite://").is_err());
    }

    #[test]
    fn redact_hides_credentials() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://…@h/db");
        assert_eq!(
            redact("postgres://h/db?user=u&password=s@cret"),
            "postgres://h/db?…"
        );
    }
}
