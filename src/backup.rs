//! Backups and recovery: online backups of the database with rotation, the
//! check made before opening a database, restore, and the data folder's
//! exclusive lock.
//!
//! A backup is a complete SQLite file written through SQLite's online backup
//! API, so it is consistent even while another process writes. Every backup
//! is read back with `PRAGMA integrity_check` before it counts as good.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::books::Books;
use crate::store::{self, DATABASE_FILE, Result, Store, StoreError};

/// Name of the lock file in the data folder.
pub const LOCK_FILE: &str = "facturier.lock";

/// Folder of automatic backups inside the data folder.
pub const BACKUP_FOLDER: &str = "backups";

/// Prefix and extension of automatic backup files.
const AUTOMATIC_PREFIX: &str = "facturier-";
const BACKUP_EXTENSION: &str = "sqlite3";

/// Automatic backups kept when the `backup.keep` setting is absent.
pub const DEFAULT_BACKUPS_KEPT: usize = 10;

/// Key of the `settings` row that stores how many automatic backups to keep.
pub const KEEP_SETTING: &str = "backup.keep";

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// An exclusive advisory lock on the data folder's lock file, released when
/// dropped (or when the process ends, even by a crash).
#[derive(Debug)]
pub struct DataLock {
    file: File,
    path: PathBuf,
}

impl DataLock {
    /// Takes the lock without waiting; another holder gives
    /// `StoreError::AlreadyOpen`.
    pub fn acquire(data_dir: &Path) -> Result<DataLock> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateFolder {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let path = data_dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| {
                StoreError::Rejected(format!(
                    "cannot open the lock file {}: {error}",
                    path.display()
                ))
            })?;
        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {
                tracing::info!("data folder lock taken");
                Ok(DataLock { file, path })
            }
            Err(fs4::TryLockError::WouldBlock) => Err(StoreError::AlreadyOpen {
                path: data_dir.to_path_buf(),
            }),
            Err(fs4::TryLockError::Error(error)) => Err(StoreError::Rejected(format!(
                "cannot lock {}: {error}",
                path.display()
            ))),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DataLock {
    fn drop(&mut self) {
        if let Err(error) = fs4::FileExt::unlock(&self.file) {
            tracing::warn!(%error, "releasing the data folder lock failed");
        }
    }
}

/// Summary of a database or backup file, read without writing to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupSummary {
    pub path: PathBuf,
    /// The company's legal name, when set.
    pub company: Option<String>,
    /// Documents of every kind and state.
    pub documents: i64,
    /// Number and issue date of the last issued invoice.
    pub last_invoice: Option<(String, NaiveDate)>,
    pub schema_version: i64,
}

/// Reason a database file cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// Not a SQLite file, or `PRAGMA integrity_check` reports errors.
    Damaged(String),
    /// Written by a newer version of Facturier.
    NewerSchema { found: i64, known: i64 },
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::Damaged(reason) => write!(f, "it is damaged ({reason})"),
            FileProblem::NewerSchema { found, known } => write!(
                f,
                "it was written by a newer version of Facturier (schema {found}, this version knows up to {known})"
            ),
        }
    }
}

/// Opens the store of `data_dir` after checking the file read-only, so that
/// a damaged file or one from a newer version is rejected before anything
/// writes to it. With `thorough`, the check runs `PRAGMA integrity_check`,
/// which reads the whole file: the desktop app and long commands do it once
/// at start. Short commands check the header and the schema version only,
/// so that they stay fast on large books; SQLite still reports a damaged
/// page they read.
pub fn open_checked(data_dir: &Path, thorough: bool) -> Result<Store> {
    let path = data_dir.join(DATABASE_FILE);
    if path.exists() {
        let checked = if thorough {
            check_file(&path)
        } else {
            check_header(&path)
        };
        if let Err(problem) = checked {
            tracing::error!(%problem, "database rejected at open");
            return Err(cannot_open(data_dir, &path, &problem));
        }
    }
    match Store::open_in(data_dir) {
        Err(StoreError::NewerSchema { found, known, .. }) => Err(cannot_open(
            data_dir,
            &path,
            &FileProblem::NewerSchema { found, known },
        )),
        other => other,
    }
}

fn cannot_open(data_dir: &Path, path: &Path, problem: &FileProblem) -> StoreError {
    let advice = match latest_good_backup(data_dir) {
        Some(backup) => format!(
            "Nothing was written to it. The latest good backup is {}: restore it with `facturier --data-dir {} restore {} --yes`, which keeps the current file aside",
            backup.display(),
            data_dir.display(),
            backup.display()
        ),
        None => match problem {
            FileProblem::NewerSchema { .. } => format!(
                "Nothing was written to it, and no backup was found in {}: install the newer version of Facturier",
                data_dir.join(BACKUP_FOLDER).display()
            ),
            FileProblem::Damaged(_) => format!(
                "Nothing was written to it, and no backup was found in {}: restore a copy you keep elsewhere with `facturier restore FILE --yes`",
                data_dir.join(BACKUP_FOLDER).display()
            ),
        },
    };
    StoreError::CannotOpen {
        problem: format!(
            "the database {} cannot be opened: {problem}",
            path.display()
        ),
        advice,
    }
}

/// Checks a database file read-only: the SQLite header, `PRAGMA
/// integrity_check` and a schema version this build supports.
pub fn check_file(path: &Path) -> std::result::Result<(), FileProblem> {
    check(path, true)
}

/// Checks a database file read-only, without reading its pages: the SQLite
/// header and a schema version this build supports.
pub fn check_header(path: &Path) -> std::result::Result<(), FileProblem> {
    check(path, false)
}

fn check(path: &Path, thorough: bool) -> std::result::Result<(), FileProblem> {
    let mut header = [0u8; 16];
    let read = File::open(path).and_then(|mut file| {
        use std::io::Read;
        file.read(&mut header)
    });
    match read {
        Ok(0) => return Ok(()), // An empty file is a database not yet created.
        Ok(n) if n < 16 || &header != SQLITE_HEADER => {
            return Err(FileProblem::Damaged(
                "not a SQLite database file".to_string(),
            ));
        }
        Ok(_) => {}
        Err(error) => return Err(FileProblem::Damaged(format!("cannot read it: {error}"))),
    }
    let checked = open_read_only(path).and_then(|conn| {
        let verdict = if thorough {
            integrity_check(&conn)?
        } else {
            "ok".to_string()
        };
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        Ok((verdict, found))
    });
    let (verdict, found) = match checked {
        Ok(checked) => checked,
        // Another process holding a lock past the timeout tells nothing about
        // the file, so the check is left to the next open.
        Err(error) if is_busy(&error) => {
            tracing::warn!(%error, "database busy, integrity check skipped");
            return Ok(());
        }
        Err(error) => return Err(FileProblem::Damaged(error.to_string())),
    };
    if verdict != "ok" {
        return Err(FileProblem::Damaged(format!("integrity check: {verdict}")));
    }
    let known = store::known_schema_version();
    if found > known {
        return Err(FileProblem::NewerSchema { found, known });
    }
    Ok(())
}

/// How long a read-only check waits for another process's lock.
const CHECK_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(CHECK_BUSY_TIMEOUT)?;
    Ok(conn)
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(failure, _)
            if matches!(failure.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Runs `PRAGMA integrity_check`; "ok" when the file is sound, else the
/// problems it lists, joined.
pub fn integrity_check(conn: &Connection) -> rusqlite::Result<String> {
    let mut statement = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = statement
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(lines.join("; "))
}

/// Writes a complete copy of the open database to `destination` through
/// SQLite's online backup API, then checks the copy with `PRAGMA
/// integrity_check`. An existing file at `destination` is replaced only once
/// the new copy is good.
pub fn backup_to(store: &Store, destination: &Path) -> Result<BackupSummary> {
    if same_file(destination, store.path()) {
        return Err(StoreError::Rejected(format!(
            "{} is the database itself: write the backup to another file",
            destination.display()
        )));
    }
    if let Some(folder) = destination.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| StoreError::CreateFolder {
            path: folder.to_path_buf(),
            source,
        })?;
    }
    let partial = destination.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    store
        .connection()
        .backup(rusqlite::MAIN_DB, &partial, None)?;
    // The copy keeps the WAL mode of the original; a rollback journal makes
    // the backup one self-contained file that can be read in place.
    Connection::open(&partial)?.pragma_update(None, "journal_mode", "DELETE")?;
    let summary = describe(&partial).inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    std::fs::rename(&partial, destination).map_err(|error| {
        StoreError::Rejected(format!(
            "cannot move the backup to {}: {error}",
            destination.display()
        ))
    })?;
    tracing::info!("backup written and checked");
    Ok(BackupSummary {
        path: destination.to_path_buf(),
        ..summary
    })
}

/// Returns whether both paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Reads what a database or backup file holds, read-only, after checking
/// it with `PRAGMA integrity_check`.
pub fn describe(path: &Path) -> Result<BackupSummary> {
    if !path.is_file() {
        return Err(StoreError::Rejected(format!(
            "backup file {} not found",
            path.display()
        )));
    }
    check_file(path).map_err(|problem| {
        StoreError::Rejected(format!("{} cannot be used: {problem}", path.display()))
    })?;
    let conn = open_read_only(path)?;
    let company: Option<String> = conn
        .query_row(
            "SELECT json_extract(data, '$.name') FROM company WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    let documents: i64 = conn.query_row("SELECT COUNT(*) FROM documents", [], |row| row.get(0))?;
    let last_invoice: Option<(String, String)> = conn
        .query_row(
            "SELECT number, issue_date FROM documents
             WHERE kind = 'invoice' AND state = 'issued'
             ORDER BY issue_date DESC, issued_at DESC, id DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let last_invoice = match last_invoice {
        Some((number, date)) => Some((number, store::date_from("documents.issue_date", &date)?)),
        None => None,
    };
    let schema_version = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(BackupSummary {
        path: path.to_path_buf(),
        company,
        documents,
        last_invoice,
        schema_version,
    })
}

/// Returns how many automatic backups are kept: the `backup.keep` setting, else
/// `DEFAULT_BACKUPS_KEPT`.
pub fn backups_kept(store: &mut Store) -> Result<usize> {
    let value: Option<String> = store.read(|tx| {
        Ok(tx
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [KEEP_SETTING],
                |row| row.get(0),
            )
            .optional()?)
    })?;
    Ok(value
        .and_then(|json| serde_json::from_str::<usize>(&json).ok())
        .filter(|kept| *kept >= 1)
        .unwrap_or(DEFAULT_BACKUPS_KEPT))
}

/// Sets how many automatic backups are kept (at least 1).
pub fn set_backups_kept(store: &mut Store, kept: usize) -> Result<()> {
    if kept == 0 {
        return Err(StoreError::Rejected(
            "keep at least 1 automatic backup".to_string(),
        ));
    }
    store.write(|tx| {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            rusqlite::params![KEEP_SETTING, kept.to_string()],
        )?;
        Ok(())
    })
}

/// Writes an automatic backup into `<data dir>/backups`, named after the
/// current UTC time, and deletes the oldest automatic backups beyond the
/// number kept. The app calls it on exit and once a day while open (see
/// `backup_if_due`).
pub fn automatic_backup(store: &mut Store, data_dir: &Path) -> Result<BackupSummary> {
    let folder = data_dir.join(BACKUP_FOLDER);
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f");
    let destination = folder.join(format!("{AUTOMATIC_PREFIX}{stamp}.{BACKUP_EXTENSION}"));
    let summary = backup_to(store, &destination)?;
    let kept = backups_kept(store)?;
    rotate(&folder, kept);
    Ok(summary)
}

/// Writes an automatic backup when the latest one is older than
/// `interval`, or when there is none; returns it when one was written.
pub fn backup_if_due(
    store: &mut Store,
    data_dir: &Path,
    interval: std::time::Duration,
) -> Result<Option<BackupSummary>> {
    let due = match automatic_backups(data_dir).last() {
        None => true,
        Some(latest) => std::fs::metadata(latest)
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_none_or(|age| age >= interval),
    };
    if due {
        automatic_backup(store, data_dir).map(Some)
    } else {
        Ok(None)
    }
}

/// Interval between the automatic backups made while the app is open.
pub const DAILY: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// Writes the automatic backup that the desktop app makes when it closes.
pub fn backup_on_exit(books: &mut Books) -> Result<BackupSummary> {
    let data_dir = data_dir_of(books);
    automatic_backup(books.store(), &data_dir)
}

/// Writes an automatic backup when the latest one is a day old or more. The
/// app calls it at start and then periodically (every hour, for instance).
pub fn backup_daily(books: &mut Books) -> Result<Option<BackupSummary>> {
    let data_dir = data_dir_of(books);
    backup_if_due(books.store(), &data_dir, DAILY)
}

fn data_dir_of(books: &mut Books) -> PathBuf {
    books
        .store()
        .path()
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Automatic backups of the data folder, oldest first (their names sort by
/// time).
pub fn automatic_backups(data_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(data_dir.join(BACKUP_FOLDER)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| {
                    name.starts_with(AUTOMATIC_PREFIX)
                        && name.ends_with(&format!(".{BACKUP_EXTENSION}"))
                })
        })
        .collect();
    files.sort();
    files
}

/// Finds the newest automatic backup that passes `check_file`.
pub fn latest_good_backup(data_dir: &Path) -> Option<PathBuf> {
    automatic_backups(data_dir)
        .into_iter()
        .rev()
        .find(|path| check_file(path).is_ok())
}

/// An automatic backup file as the restore screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupFile {
    pub path: PathBuf,
    /// Size in bytes.
    pub size: u64,
    /// Last modification time, which is when the backup was written.
    pub modified: Option<chrono::DateTime<chrono::Local>>,
}

/// Lists the automatic backups of the data folder, newest first, without
/// opening them.
pub fn backup_files(data_dir: &Path) -> Vec<BackupFile> {
    automatic_backups(data_dir)
        .into_iter()
        .rev()
        .map(|path| {
            let metadata = std::fs::metadata(&path).ok();
            BackupFile {
                size: metadata.as_ref().map_or(0, std::fs::Metadata::len),
                modified: metadata
                    .and_then(|metadata| metadata.modified().ok())
                    .map(chrono::DateTime::<chrono::Local>::from),
                path,
            }
        })
        .collect()
}

/// Checks the database of `data_dir` read-only with `check_file`, as the
/// desktop app does before it opens it. A folder without a database passes,
/// because opening it creates a new one.
pub fn check_database(data_dir: &Path) -> std::result::Result<(), FileProblem> {
    let path = data_dir.join(DATABASE_FILE);
    if path.exists() {
        check_file(&path)
    } else {
        Ok(())
    }
}

fn rotate(folder: &Path, kept: usize) {
    let files = automatic_backups(folder.parent().unwrap_or(folder));
    let excess = files.len().saturating_sub(kept);
    for old in files.into_iter().take(excess) {
        if let Err(error) = std::fs::remove_file(&old) {
            tracing::warn!(%error, "deleting an old automatic backup failed");
        }
    }
}

/// Result of a restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreOutcome {
    pub restored: BackupSummary,
    /// Path the replaced database was moved to, when there was one.
    pub kept_aside: Option<PathBuf>,
}

/// Path where `restore` keeps the current database when it runs at `now`:
/// `facturier-before-restore-YYYYMMDD-HHMMSS.sqlite3` in the data folder.
pub fn kept_aside_path(data_dir: &Path, now: chrono::DateTime<chrono::Utc>) -> PathBuf {
    let stamp = now.format("%Y%m%d-%H%M%S");
    data_dir.join(format!(
        "facturier-before-restore-{stamp}.{BACKUP_EXTENSION}"
    ))
}

/// Replaces the database of `data_dir` with a backup, keeping the current
/// file at `kept_aside_path` for the current time. See `restore_to_aside`.
pub fn restore(lock: &DataLock, data_dir: &Path, backup: &Path) -> Result<RestoreOutcome> {
    let aside = kept_aside_path(data_dir, chrono::Utc::now());
    restore_to_aside(lock, data_dir, backup, &aside)
}

/// Replaces the database of `data_dir` with a backup. The backup is checked
/// first and copied next to the database. Then the current file (with its
/// WAL and shared-memory files) is renamed to `aside`, never deleted nor
/// overwritten, and the copy takes its place. When that last rename fails,
/// the current file is moved back. The caller must hold the data folder's
/// lock, which keeps every other Facturier window out meanwhile.
///
/// NOTE: short commands do not take the lock, so a command writing at the
/// very moment of a restore would write into the file kept aside.
pub fn restore_to_aside(
    _lock: &DataLock,
    data_dir: &Path,
    backup: &Path,
    aside: &Path,
) -> Result<RestoreOutcome> {
    let restored = describe(backup)?;
    let database = data_dir.join(DATABASE_FILE);
    if same_file(backup, &database) {
        return Err(StoreError::Rejected(format!(
            "{} is the current database: choose a backup file",
            backup.display()
        )));
    }
    let has_database = database.exists();
    if has_database && aside.exists() {
        return Err(StoreError::Rejected(format!(
            "{} already exists: wait a second and restore again",
            aside.display()
        )));
    }
    let partial = data_dir.join(format!("{DATABASE_FILE}.restoring"));
    std::fs::copy(backup, &partial).map_err(|error| {
        let _ = std::fs::remove_file(&partial);
        StoreError::Rejected(format!(
            "cannot copy {} to {}: {error}; free some disk space and restore again",
            backup.display(),
            partial.display()
        ))
    })?;
    let kept_aside = if has_database {
        if let Err(error) = move_database(&database, aside) {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
        Some(aside.to_path_buf())
    } else {
        None
    };
    if let Err(error) = std::fs::rename(&partial, &database) {
        tracing::error!(%error, "moving the restored copy into place failed");
        let _ = std::fs::remove_file(&partial);
        if has_database && let Err(error) = move_database(aside, &database) {
            tracing::error!(%error, "moving the current database back failed");
        }
        return Err(StoreError::Rejected(format!(
            "cannot move the restored copy to {}: {error}; the current database was left in place",
            database.display()
        )));
    }
    tracing::info!("database restored from a backup");
    Ok(RestoreOutcome {
        restored,
        kept_aside,
    })
}

/// Renames a database file with its `-wal` and `-shm` companions.
fn move_database(from: &Path, to: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm"] {
        let companion = PathBuf::from(format!("{}{suffix}", from.display()));
        if companion.exists() {
            let target = PathBuf::from(format!("{}{suffix}", to.display()));
            std::fs::rename(&companion, &target).map_err(|error| {
                StoreError::Rejected(format!(
                    "cannot move {} to {}: {error}",
                    companion.display(),
                    target.display()
                ))
            })?;
        }
    }
    std::fs::rename(from, to).map_err(|error| {
        StoreError::Rejected(format!(
            "cannot move {} to {}: {error}",
            from.display(),
            to.display()
        ))
    })
}
