//! Backups, restore, the check at open and the data folder lock, on real
//! SQLite files.

// A failed unwrap fails the test, which is what a test should do.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::common::company;
use facturier::backup::{self, DataLock};
use facturier::books::Books;
use facturier::input::parse_draft;
use facturier::store::{DATABASE_FILE, StoreError};

/// Books with a company and `invoices` issued invoices dated 2026-03-0N.
fn books_with_invoices(data_dir: &Path, invoices: u32) -> Books {
    let mut books = Books::open(data_dir).unwrap();
    books.set_company(&company()).unwrap();
    for day in 1..=invoices {
        let draft = parse_draft(&format!(
            r#"{{"customer": {{"name": "Atelier Lenoir SARL", "address": {{"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}}}},
                "issue_date": "2026-03-0{day}",
                "lines": [{{"description": "Audit", "quantity": "1", "unit_price": "100.00", "vat": {{"category": "S", "rate": "20"}}}}]}}"#
        ))
        .unwrap();
        let id = books
            .create_draft(facturier::document::DocumentKind::Invoice, &draft)
            .unwrap();
        books.issue(id, None).unwrap();
    }
    books
}

fn database(data_dir: &Path) -> PathBuf {
    data_dir.join(DATABASE_FILE)
}

#[test]
fn backup_is_checked_and_described() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut books = books_with_invoices(&data, 3);
    let target = dir.path().join("copies/manual.sqlite3");
    let summary = backup::backup_to(books.store(), &target).unwrap();
    assert!(target.is_file());
    assert_eq!(summary.company.as_deref(), Some("Atelier Facturier SAS"));
    assert_eq!(summary.documents, 3);
    let (number, date) = summary.last_invoice.clone().unwrap();
    assert!(number.ends_with('3'), "{number}");
    assert_eq!(date.to_string(), "2026-03-03");
    assert_eq!(backup::check_file(&target), Ok(()));
    // The copy is a self-contained file: no WAL beside it.
    assert!(!PathBuf::from(format!("{}-wal", target.display())).exists());
    assert_eq!(backup::describe(&target).unwrap().documents, 3);

    let itself = database(&data);
    let error = backup::backup_to(books.store(), &itself).unwrap_err();
    assert!(error.to_string().contains("the database itself"), "{error}");
    assert_eq!(backup::describe(&itself).unwrap().documents, 3);
}

#[test]
fn automatic_backups_rotate() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut books = books_with_invoices(&data, 1);
    assert_eq!(
        backup::backups_kept(books.store()).unwrap(),
        backup::DEFAULT_BACKUPS_KEPT
    );
    backup::set_backups_kept(books.store(), 3).unwrap();
    assert_eq!(backup::backups_kept(books.store()).unwrap(), 3);
    assert!(backup::set_backups_kept(books.store(), 0).is_err());

    let mut written = Vec::new();
    for _ in 0..5 {
        written.push(backup::automatic_backup(books.store(), &data).unwrap().path);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let kept = backup::automatic_backups(&data);
    assert_eq!(kept, written[2..].to_vec());
    for path in &kept {
        assert_eq!(backup::check_file(path), Ok(()));
    }
    assert_eq!(backup::latest_good_backup(&data).as_ref(), written.last());

    let day = std::time::Duration::from_secs(24 * 3600);
    assert!(
        backup::backup_if_due(books.store(), &data, day)
            .unwrap()
            .is_none()
    );
    assert!(
        backup::backup_if_due(books.store(), &data, std::time::Duration::ZERO)
            .unwrap()
            .is_some()
    );
}

#[test]
fn restore_keeps_the_current_file_aside() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut books = books_with_invoices(&data, 2);
    let saved = dir.path().join("two.sqlite3");
    backup::backup_to(books.store(), &saved).unwrap();
    drop(books);
    let mut books = books_with_invoices(&data, 0);
    let extra = parse_draft(
        r#"{"customer": {"name": "Atelier Lenoir SARL", "address": {"line1": "4 rue Neuve", "city": "Lyon", "country": "FR"}},
            "issue_date": "2026-03-04",
            "lines": [{"description": "Extra", "quantity": "1", "unit_price": "5.00", "vat": {"category": "S", "rate": "20"}}]}"#,
    )
    .unwrap();
    let id = books
        .create_draft(facturier::document::DocumentKind::Invoice, &extra)
        .unwrap();
    books.issue(id, None).unwrap();
    drop(books);
    let before = backup::describe(&database(&data)).unwrap();
    assert_eq!(before.documents, 3);

    let lock = DataLock::acquire(&data).unwrap();
    let error = backup::restore(&lock, &data, &database(&data)).unwrap_err();
    assert!(
        error.to_string().contains("the current database"),
        "{error}"
    );
    let outcome = backup::restore(&lock, &data, &saved).unwrap();
    drop(lock);
    let aside = outcome.kept_aside.unwrap();
    assert!(
        aside
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("facturier-before-restore-")
    );
    assert_eq!(backup::describe(&aside).unwrap().documents, 3);
    let mut books = Books::open(&data).unwrap();
    assert_eq!(
        books
            .list(&Default::default(), facturier::books::today())
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn damaged_database_is_rejected_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut books = books_with_invoices(&data, 2);
    let good = backup::automatic_backup(books.store(), &data).unwrap().path;
    drop(books);

    // Not a SQLite file at all.
    std::fs::write(database(&data), b"this is a spreadsheet, not a database").unwrap();
    let _ = std::fs::remove_file(format!("{}-wal", database(&data).display()));
    let _ = std::fs::remove_file(format!("{}-shm", database(&data).display()));
    let before = std::fs::read(database(&data)).unwrap();
    let error = Books::open(&data).err().unwrap();
    let message = error.to_string();
    assert!(matches!(error, StoreError::CannotOpen { .. }), "{message}");
    assert!(message.contains("damaged"), "{message}");
    assert!(message.contains(&good.display().to_string()), "{message}");
    assert!(message.contains("restore"), "{message}");
    assert_eq!(std::fs::read(database(&data)).unwrap(), before);
}

#[test]
fn corrupted_pages_fail_the_integrity_check() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut books = books_with_invoices(&data, 3);
    let good = backup::automatic_backup(books.store(), &data).unwrap().path;
    drop(books);
    // Make the database one plain file, then overwrite its pages after the
    // first with garbage, keeping the header.
    let copy = dir.path().join("copy.sqlite3");
    std::fs::copy(&good, &copy).unwrap();
    let mut bytes = std::fs::read(&copy).unwrap();
    for (index, byte) in bytes.iter_mut().enumerate().skip(4096) {
        *byte = (index % 251) as u8;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", database(&data).display()));
    }
    std::fs::write(database(&data), &bytes).unwrap();

    // The app's open runs the full integrity check.
    let error = Books::open_exclusive(&data).err().unwrap().to_string();
    assert!(error.contains("damaged"), "{error}");
    assert!(error.contains(&good.display().to_string()), "{error}");
    assert_eq!(std::fs::read(database(&data)).unwrap(), bytes);
    assert!(backup::check_file(&database(&data)).is_err());
}

#[test]
fn newer_schema_is_rejected_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(books_with_invoices(&data, 1));
    {
        let conn = rusqlite::Connection::open(database(&data)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(database(&data)).unwrap();
    let error = Books::open(&data).err().unwrap().to_string();
    assert!(error.contains("newer version of Facturier"), "{error}");
    assert!(error.contains("schema 99"), "{error}");
    assert!(error.contains("Nothing was written"), "{error}");
    assert_eq!(std::fs::read(database(&data)).unwrap(), before);
}

#[test]
fn exclusive_open_rejects_a_second_instance() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = Books::open_exclusive(&data).unwrap();
    assert!(first.holds_lock());

    let error = Books::open_exclusive(&data).err().unwrap();
    assert!(matches!(error, StoreError::AlreadyOpen { .. }));
    assert!(
        error
            .to_string()
            .starts_with("Facturier is already open on this data folder"),
        "{error}"
    );
    // Short commands do not take the lock, so they run beside the app.
    let mut short = Books::open(&data).unwrap();
    short.set_company(&company()).unwrap();
    let mut another = Books::open(&data).unwrap();
    assert!(another.company().unwrap().is_some());

    drop(first);
    let again = Books::open_exclusive(&data).unwrap();
    assert!(again.holds_lock());
}

#[test]
fn app_backups_and_restore_under_its_lock() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(books_with_invoices(&data, 2));
    let mut app = Books::open_exclusive(&data).unwrap();
    let first = backup::backup_daily(&mut app).unwrap();
    assert!(first.is_some());
    assert!(backup::backup_daily(&mut app).unwrap().is_none());
    let on_exit = backup::backup_on_exit(&mut app).unwrap();
    assert_eq!(on_exit.documents, 2);
    assert_eq!(backup::automatic_backups(&data).len(), 2);

    // The app restores without letting another instance in between.
    let lock = app.close_keeping_lock().unwrap();
    assert!(Books::open_exclusive(&data).is_err());
    backup::restore(&lock, &data, &on_exit.path).unwrap();
    let mut app = Books::open_with_lock(&data, lock).unwrap();
    assert!(app.holds_lock());
    assert_eq!(
        app.list(&Default::default(), facturier::books::today())
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn restore_rejects_existing_aside_path() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut books = books_with_invoices(&data, 2);
    let good = backup::automatic_backup(books.store(), &data).unwrap().path;
    drop(books);
    let before = std::fs::read(database(&data)).unwrap();
    let aside = data.join("taken.sqlite3");
    std::fs::write(&aside, b"another file").unwrap();

    let lock = DataLock::acquire(&data).unwrap();
    let error = backup::restore_to_aside(&lock, &data, &good, &aside).unwrap_err();
    assert!(error.to_string().contains("already exists"), "{error}");
    assert_eq!(std::fs::read(&aside).unwrap(), b"another file");
    assert_eq!(std::fs::read(database(&data)).unwrap(), before);
    let leftover = data.join(format!("{DATABASE_FILE}.restoring"));
    assert!(!leftover.exists(), "{} was left", leftover.display());
}

#[test]
fn restore_into_empty_folder_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_with_invoices(&dir.path().join("source"), 1);
    let copy = dir.path().join("copy.sqlite3");
    backup::backup_to(books.store(), &copy).unwrap();
    drop(books);

    let data = dir.path().join("empty");
    let lock = DataLock::acquire(&data).unwrap();
    let aside = backup::kept_aside_path(&data, chrono::Utc::now());
    let outcome = backup::restore_to_aside(&lock, &data, &copy, &aside).unwrap();
    assert_eq!(outcome.kept_aside, None);
    assert!(!aside.exists());
    assert_eq!(outcome.restored.documents, 1);
    assert_eq!(
        std::fs::read(database(&data)).unwrap(),
        std::fs::read(&copy).unwrap()
    );
}

#[test]
fn backup_files_list_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut books = books_with_invoices(&data, 1);
    assert!(backup::backup_files(&data).is_empty());
    let mut written = Vec::new();
    for _ in 0..3 {
        written.push(backup::automatic_backup(books.store(), &data).unwrap().path);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let listed = backup::backup_files(&data);
    let paths: Vec<PathBuf> = listed.iter().map(|file| file.path.clone()).collect();
    written.reverse();
    assert_eq!(paths, written);
    for file in &listed {
        assert_eq!(file.size, std::fs::metadata(&file.path).unwrap().len());
        assert!(file.modified.is_some(), "{}", file.path.display());
    }
}

#[test]
fn check_database_passes_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(backup::check_database(dir.path()), Ok(()));
    std::fs::write(
        dir.path().join(DATABASE_FILE),
        b"not SQLite at all, 16+ bytes",
    )
    .unwrap();
    assert!(matches!(
        backup::check_database(dir.path()),
        Err(backup::FileProblem::Damaged(_))
    ));
}
