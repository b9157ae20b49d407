//! The local SQLite store: one file, WAL, foreign keys on, embedded
//! append-only migrations and one transaction per business operation.

pub mod balances;
pub mod catalog;
pub mod customers;
pub mod documents;
pub mod payments;

pub use catalog::{PriceList, PriceListItem, Product, ProductNature};
pub use customers::Customer;
pub use documents::{DocumentRow, DocumentSummary, StoredDocument};
pub use payments::Payment;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::thread;
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use rust_decimal::Decimal;

/// Migrations in order; the schema version is the number applied. A released
/// migration is never edited: changes go in a new file.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_email_log.sql"),
    include_str!("migrations/0003_document_search.sql"),
    include_str!("migrations/0004_board_sums.sql"),
    include_str!("migrations/0005_imported_documents.sql"),
    include_str!("migrations/0006_period_sums.sql"),
    include_str!("migrations/0007_search_by_name.sql"),
];

/// Derived data that SQL alone cannot compute exactly (decimal amounts
/// stored as text), filled in Rust right after the migration of the given
/// version, in the same transaction.
const FILLS: &[(usize, Fill)] = &[(4, balances::fill_collected)];

/// A Rust step of a migration, run in its transaction.
type Fill = fn(&Transaction<'_>) -> Result<()>;

/// The schema version this build writes: the number of migrations it knows.
pub fn known_schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Name of the database file inside the data folder.
pub const DATABASE_FILE: &str = "facturier.sqlite3";

/// How long one statement waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How many times a whole business operation is retried when the database
/// stays busy past `BUSY_TIMEOUT`.
const BUSY_RETRIES: u32 = 20;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot create the data folder {path}: {source}")]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the database {path} was written by a newer version of Facturier (schema {found}, this version knows up to {known}): install the newer version, or restore a backup made by this one"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("stored value {value:?} in {column} is invalid: {reason}")]
    Corrupt {
        column: &'static str,
        value: String,
        reason: String,
    },
    /// The database file cannot be used as it is (damaged, not a SQLite
    /// file, or written by a newer version); nothing was written to it.
    #[error("{problem}. {advice}")]
    CannotOpen { problem: String, advice: String },
    /// Another Facturier window or long-running command holds the data
    /// folder's exclusive lock.
    #[error(
        "Facturier is already open on this data folder ({path}): close the other Facturier window or wait for the other command to finish, then try again"
    )]
    AlreadyOpen { path: PathBuf },
    #[error("{0}")]
    Rejected(String),
}

impl StoreError {
    /// Returns the message of a trigger's `RAISE(ABORT, ...)` when a trigger
    /// rejected the statement.
    pub fn constraint_message(&self) -> Option<&str> {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, Some(message)))
                if failure.code == ErrorCode::ConstraintViolation =>
            {
                Some(message)
            }
            _ => None,
        }
    }

    fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(failure, _))
                if matches!(failure.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir` and brings its
    /// schema up to date.
    pub fn open_in(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateFolder {
            path: data_dir.to_path_buf(),
            source,
        })?;
        Store::open(&data_dir.join(DATABASE_FILE))
    }

    /// Opens (creating if needed) the database file at `path` and applies any
    /// pending migration in one transaction.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // A file from a newer version is refused before anything writes to it.
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        // WAL lets readers work while one process writes. FULL synchronous
        // makes every committed transaction durable even on power loss,
        // which an invoicing ledger needs more than write speed.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate()?;
        // Created once per connection, outside any transaction, so that a
        // search does not change the schema (which would make SQLite prepare
        // every cached statement again).
        store.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS search_matches (id INTEGER PRIMARY KEY)",
        )?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the file (number of migrations applied).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        let path = self.path.clone();
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |row| row.get(0))?;
        if current == known {
            return Ok(());
        }
        // Another process may migrate at the same moment, so the version is
        // read again under the write lock.
        with_busy_retry(|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let found: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
            if found > known {
                return Err(StoreError::NewerSchema {
                    path: path.clone(),
                    found,
                    known,
                });
            }
            for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
                tx.execute_batch(sql)?;
                for (_, fill) in FILLS.iter().filter(|(version, _)| *version == index + 1) {
                    fill(&tx)?;
                }
                tx.pragma_update(None, "user_version", index as i64 + 1)?;
                tracing::info!(version = index + 1, "applied schema migration");
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Runs `operation` in one IMMEDIATE transaction: the write lock is taken
    /// at the start, so two processes never interleave their reads and
    /// writes. A database that stays busy is retried; any other error rolls
    /// the whole operation back.
    pub fn write<T>(
        &mut self,
        mut operation: impl FnMut(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let conn = &mut self.conn;
        with_busy_retry(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = operation(&tx)?;
            tx.commit()?;
            Ok(value)
        })
    }

    /// Runs read-only `operation` in one DEFERRED transaction, so it reads one
    /// consistent snapshot.
    pub fn read<T>(
        &mut self,
        mut operation: impl FnMut(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let conn = &mut self.conn;
        with_busy_retry(|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let value = operation(&tx)?;
            tx.finish()?;
            Ok(value)
        })
    }

    /// Returns the raw connection, for checks such as `PRAGMA
    /// integrity_check` and for tests that attack the triggers directly.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

fn with_busy_retry<T>(mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
    let mut tries = 0;
    loop {
        match attempt() {
            Err(error) if error.is_busy() && tries < BUSY_RETRIES => {
                tries += 1;
                tracing::warn!(tries, "database busy, retrying the operation");
                thread::sleep(Duration::from_millis(10 * u64::from(tries)));
            }
            other => return other,
        }
    }
}

/// Current UTC instant in RFC 3339 with milliseconds, for audit columns.
pub fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Parses a decimal stored as TEXT.
pub(crate) fn decimal_from(column: &'static str, text: &str) -> Result<Decimal> {
    Decimal::from_str_exact(text).map_err(|error| StoreError::Corrupt {
        column,
        value: text.to_string(),
        reason: error.to_string(),
    })
}

pub(crate) fn optional_decimal_from(
    column: &'static str,
    text: Option<String>,
) -> Result<Option<Decimal>> {
    text.map(|text| decimal_from(column, &text)).transpose()
}

/// Parses a calendar date stored as TEXT "YYYY-MM-DD".
pub(crate) fn date_from(column: &'static str, text: &str) -> Result<NaiveDate> {
    NaiveDate::from_str(text).map_err(|error| StoreError::Corrupt {
        column,
        value: text.to_string(),
        reason: error.to_string(),
    })
}

pub(crate) fn optional_date_from(
    column: &'static str,
    text: Option<String>,
) -> Result<Option<NaiveDate>> {
    text.map(|text| date_from(column, &text)).transpose()
}

pub(crate) fn json_from<T: serde::de::DeserializeOwned>(
    column: &'static str,
    text: &str,
) -> Result<T> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt {
        column,
        value: text.chars().take(80).collect(),
        reason: error.to_string(),
    })
}

pub(crate) fn json_to<T: serde::Serialize>(value: &T) -> String {
    // The stored types are plain structs with string map keys, which
    // serde_json always serializes.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}
