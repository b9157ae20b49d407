//! Restore and start-up recovery in the desktop app, on real SQLite files:
//! backups written by the core, databases damaged on disk, a database from
//! a newer version and a data folder already open. Requests run through the
//! same `Session` the database thread uses, so the lock and the restore are
//! the real ones.
#![cfg(feature = "gui")]
// Test helpers outside #[test] functions panic on failure too.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use facturier::backup::{self, FileProblem};
use facturier::books::Books;
use facturier::store::DATABASE_FILE;
use facturier::ui::database::{Request, Session, StartProblem};
use facturier::ui::i18n::Language;
use facturier::ui::screen::{restore, settings};
use facturier::ui::{App, Effect, Message, Page, Screen};
use iced_test::simulator::Simulator;

use crate::common;

/// The app on the data folder `data`, with requests run in order on a
/// real `Session`, as the database thread runs them.
struct Harness {
    app: App,
    session: Session,
    /// Effects other than requests, such as `Quit`, in the order sent.
    effects: Vec<Effect>,
}

impl Harness {
    fn start(data: &Path) -> Harness {
        let session = Session::open(data);
        let (app, effects) = App::new(None, Language::English);
        let mut harness = Harness {
            app,
            session,
            effects: Vec::new(),
        };
        harness.run(effects);
        harness
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Run(request) => {
                    let reply = self.session.execute(request);
                    queue.extend(self.app.handle(Message::Replied(reply)));
                }
                other => self.effects.push(other),
            }
        }
    }

    fn send(&mut self, message: Message) {
        let effects = self.app.handle(message);
        self.run(effects);
    }

    fn click(&mut self, label: &str) {
        let messages: Vec<Message> = {
            let mut ui =
                Simulator::with_size(iced::Settings::default(), (1400.0, 2400.0), self.app.view());
            ui.click(label)
                .unwrap_or_else(|error| panic!("cannot click {label:?}: {error}"));
            ui.into_messages().collect()
        };
        for message in messages {
            self.send(message);
        }
    }

    fn shows(&self, text: &str) -> bool {
        let mut ui =
            Simulator::with_size(iced::Settings::default(), (1400.0, 2400.0), self.app.view());
        ui.find(text).is_ok()
    }

    fn restore_screen(&self) -> &restore::Restore {
        match self.app.screen() {
            Screen::Restore(screen) => screen,
            other => panic!("expected the restore screen, found {other:?}"),
        }
    }
}

/// Books in `data` with the complete company and `count` issued invoices
/// dated in March 2026; returns their numbers.
fn books_with_invoices(data: &Path, count: u32) -> (Books, Vec<String>) {
    let mut books = Books::open(data).unwrap();
    books.set_company(&common::company()).unwrap();
    let numbers = add_invoices(&mut books, 1, count);
    (books, numbers)
}

/// Issues invoices dated 2026-03-`first`, and the days after.
fn add_invoices(books: &mut Books, first: u32, count: u32) -> Vec<String> {
    (first..first + count)
        .map(|day| {
            let json = common::invoice_json(
                &format!("2026-03-{day:02}"),
                &common::line("1", "100.00", "20"),
                "",
            );
            let draft = facturier::input::parse_draft(&json).unwrap();
            let id = books
                .create_draft(facturier::document::DocumentKind::Invoice, &draft)
                .unwrap();
            books.issue(id, None).unwrap()
        })
        .collect()
}

fn database(data: &Path) -> PathBuf {
    data.join(DATABASE_FILE)
}

/// Closes the books, which checkpoints the WAL, so that the database is
/// one file.
fn close(mut books: Books) {
    let path = books.store().path().to_path_buf();
    drop(books);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// A damage done to a database file on disk.
#[derive(Debug, Clone, Copy)]
enum Damage {
    /// 8 KiB of a repeating pattern written over the middle of the file.
    OverwriteMiddle,
    /// The second half of the file cut off.
    Truncate,
}

/// Damages the database of `data` and returns its bytes afterwards.
fn damage(data: &Path, damage: Damage) -> Vec<u8> {
    for suffix in ["-wal", "-shm"] {
        let companion = format!("{}{suffix}", database(data).display());
        assert!(
            !Path::new(&companion).exists(),
            "{companion} is left: close the books first"
        );
    }
    let mut bytes = std::fs::read(database(data)).unwrap();
    let middle = bytes.len() / 2;
    match damage {
        Damage::OverwriteMiddle => {
            for (offset, byte) in bytes[middle..middle + 8192].iter_mut().enumerate() {
                *byte = (offset % 251) as u8;
            }
        }
        Damage::Truncate => bytes.truncate(middle),
    }
    std::fs::write(database(data), &bytes).unwrap();
    assert!(
        backup::check_file(&database(data)).is_err(),
        "{damage:?} left a file that passes the integrity check"
    );
    bytes
}

/// Fills `data` with 3 invoices and an automatic backup of them, issues a
/// fourth invoice, then damages the database. Returns the numbers of the 4
/// invoices and the damaged bytes.
fn damaged_folder(data: &Path, kind: Damage) -> (Vec<String>, Vec<u8>) {
    let (mut books, mut numbers) = books_with_invoices(data, 3);
    backup::automatic_backup(books.store(), data).unwrap();
    numbers.extend(add_invoices(&mut books, 4, 1));
    close(books);
    let bytes = damage(data, kind);
    (numbers, bytes)
}

#[test]
fn damaged_file_opens_recovery_screen() {
    for kind in [Damage::OverwriteMiddle, Damage::Truncate] {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let (_, damaged) = damaged_folder(&data, kind);

        let harness = Harness::start(&data);
        let screen = harness.restore_screen();
        let restore::Mode::Recovery(StartProblem::Unusable {
            database: path,
            problem,
        }) = screen.mode()
        else {
            panic!(
                "{kind:?}: expected an unusable database, found {:?}",
                screen.mode()
            )
        };
        assert_eq!(path, &database(&data), "{kind:?}");
        assert!(
            matches!(problem, FileProblem::Damaged(_)),
            "{kind:?}: {problem:?}"
        );
        assert!(harness.app.company().is_none(), "{kind:?}");
        assert!(harness.shows("Your books cannot be opened"), "{kind:?}");
        assert!(harness.shows("Quit Facturier"), "{kind:?}");

        // The latest good backup is offered with what it contains.
        let selection = screen.selection().unwrap();
        let Some(Ok(summary)) = &selection.summary else {
            panic!("{kind:?}: latest backup not described: {selection:?}")
        };
        assert_eq!(summary.documents, 3, "{kind:?}");
        assert_eq!(
            summary.company.as_deref(),
            Some("Atelier Facturier SAS"),
            "{kind:?}"
        );
        assert!(harness.shows("Restore this backup"), "{kind:?}");
        assert!(harness.shows("Integrity check: passed"), "{kind:?}");
        assert!(harness.shows("latest good backup"), "{kind:?}");
        assert_eq!(std::fs::read(database(&data)).unwrap(), damaged, "{kind:?}");
    }
}

#[test]
fn recovery_restores_latest_backup_to_board() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (numbers, damaged) = damaged_folder(&data, Damage::OverwriteMiddle);
    let mut harness = Harness::start(&data);

    harness.click("Restore this backup");
    let aside = harness.restore_screen().kept_aside().unwrap().to_path_buf();
    assert_eq!(aside.parent(), Some(data.as_path()));
    let backup = harness.restore_screen().selection().unwrap().path.clone();
    assert!(harness.shows(&format!(
        "Replace the current books with the backup {}? The current file will be kept aside, as it is, at {}. Nothing is deleted.",
        backup.display(),
        aside.display()
    )));
    harness.click("Restore and keep the current file aside");

    // The app reopened the restored books and shows the backup's invoices.
    assert!(
        matches!(harness.app.screen(), Screen::Board(_)),
        "{:?}",
        harness.app.screen()
    );
    assert_eq!(
        harness.app.company().map(|company| company.name.as_str()),
        Some("Atelier Facturier SAS")
    );
    for number in &numbers[..3] {
        assert!(harness.shows(number), "{number} missing from the board");
    }
    assert!(
        !harness.shows(&numbers[3]),
        "{} was issued after the backup",
        numbers[3]
    );
    let notice = harness.app.notice().unwrap();
    assert!(notice.contains(&aside.display().to_string()), "{notice}");

    // The damaged file is kept aside byte for byte.
    assert_eq!(std::fs::read(&aside).unwrap(), damaged);
    let books = harness.session.books().unwrap();
    assert!(books.holds_lock());
    assert_eq!(
        books
            .list(&Default::default(), facturier::books::today())
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn newer_database_is_not_offered_for_restore() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut books, _) = books_with_invoices(&data, 1);
    let good = backup::automatic_backup(books.store(), &data).unwrap().path;
    close(books);
    {
        let conn = rusqlite::Connection::open(database(&data)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
    }
    let before = std::fs::read(database(&data)).unwrap();

    let mut harness = Harness::start(&data);
    let screen = harness.restore_screen();
    assert!(matches!(
        screen.mode(),
        restore::Mode::Recovery(StartProblem::Unusable {
            problem: FileProblem::NewerSchema { found: 99, .. },
            ..
        })
    ));
    assert!(screen.backups().is_none(), "backups were listed");
    assert!(harness.shows("These books need a newer version of Facturier"));
    assert!(harness.shows("Quit Facturier"));
    assert!(!harness.shows("Restore this backup"));

    // Even a direct request does not replace the newer file.
    let aside = backup::kept_aside_path(&data, chrono::Utc::now());
    let reply = harness.session.execute(Request::Restore {
        backup: good,
        aside: aside.clone(),
    });
    let facturier::ui::database::Reply::Restored(Err(message)) = reply else {
        panic!("restore over a newer database ran: {reply:?}")
    };
    assert!(message.contains("update Facturier"), "{message}");
    assert!(!aside.exists());
    assert_eq!(std::fs::read(database(&data)).unwrap(), before);

    harness.click("Quit Facturier");
    assert!(matches!(harness.effects.as_slice(), [Effect::Quit]));
}

#[test]
fn second_instance_gets_message_screen() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    close(books_with_invoices(&data, 1).0);
    let first = Harness::start(&data);
    assert!(matches!(first.app.screen(), Screen::Board(_)));

    let mut second = Harness::start(&data);
    let screen = second.restore_screen();
    assert!(
        matches!(
            screen.mode(),
            restore::Mode::Recovery(StartProblem::AlreadyOpen(_))
        ),
        "{:?}",
        screen.mode()
    );
    assert!(second.shows("Facturier is already open"));
    assert!(!second.shows("Restore this backup"));
    assert!(second.session.books().is_none());
    second.click("Quit Facturier");
    assert!(matches!(second.effects.as_slice(), [Effect::Quit]));

    // Once the first window is closed, the folder opens normally.
    drop(first);
    drop(second);
    let again = Harness::start(&data);
    assert!(matches!(again.app.screen(), Screen::Board(_)));
}

#[test]
fn settings_restore_keeps_current_aside() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (mut books, _) = books_with_invoices(&data, 2);
    let backup_path = backup::automatic_backup(books.store(), &data).unwrap().path;
    add_invoices(&mut books, 3, 2);
    close(books);

    let mut harness = Harness::start(&data);
    harness.send(Message::Navigate(Page::Settings));
    harness.click("Restore from a backup…");
    let screen = harness.restore_screen();
    assert_eq!(screen.mode(), &restore::Mode::Settings);
    let backups = screen.backups().unwrap();
    assert_eq!(backups.files.len(), 1);
    assert_eq!(backups.files[0].path, backup_path);
    assert!(backups.files[0].size > 0);
    assert_eq!(backups.current.as_ref().unwrap().documents, 4);
    assert_eq!(
        backups
            .latest_good
            .as_ref()
            .map(|summary| summary.documents),
        Some(2)
    );
    assert!(harness.shows("Current file"));
    assert!(harness.shows("Documents: 4"));
    assert!(harness.shows("Documents: 2"));

    // Cancelling the confirmation leaves everything as it was.
    harness.click("Restore this backup");
    harness.click("Cancel");
    assert!(harness.restore_screen().kept_aside().is_none());

    harness.click("Restore this backup");
    let aside = harness.restore_screen().kept_aside().unwrap().to_path_buf();
    harness.click("Restore and keep the current file aside");
    assert!(matches!(harness.app.screen(), Screen::Board(_)));
    let books = harness.session.books().unwrap();
    assert_eq!(
        books
            .list(&Default::default(), facturier::books::today())
            .unwrap()
            .len(),
        2
    );
    assert_eq!(backup::describe(&aside).unwrap().documents, 4);

    // The notice goes once the user moves on.
    assert!(harness.app.notice().is_some());
    harness.send(Message::Navigate(Page::Customers));
    assert!(harness.app.notice().is_none());
}

#[test]
fn unusable_backups_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let other = dir.path().join("other");
    let (books, _) = books_with_invoices(&other, 1);
    close(books);
    let damaged_copy = dir.path().join("damaged.sqlite3");
    let newer_copy = dir.path().join("newer.sqlite3");
    let mut bytes = std::fs::read(database(&other)).unwrap();
    std::fs::write(&newer_copy, &bytes).unwrap();
    {
        let conn = rusqlite::Connection::open(&newer_copy).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let middle = bytes.len() / 2;
    bytes.truncate(middle);
    std::fs::write(&damaged_copy, &bytes).unwrap();

    close(books_with_invoices(&data, 2).0);
    let before = std::fs::read(database(&data)).unwrap();
    let mut harness = Harness::start(&data);
    harness.send(Message::Navigate(Page::Settings));
    harness.send(Message::Settings(settings::Message::OpenRestore));
    assert!(harness.restore_screen().selection().is_none());
    assert!(harness.shows(&format!(
        "No automatic backup was found in {}",
        data.join(backup::BACKUP_FOLDER).display()
    )));

    harness.click("Choose a file…");
    assert!(matches!(
        harness.effects.as_slice(),
        [Effect::PickRestoreFile]
    ));
    for (file, reason) in [(&damaged_copy, "damaged"), (&newer_copy, "newer version")] {
        harness.send(Message::Restore(restore::Message::FilePicked(Some(
            file.clone(),
        ))));
        let selection = harness.restore_screen().selection().unwrap();
        let Some(Err(message)) = &selection.summary else {
            panic!("{} was accepted: {selection:?}", file.display())
        };
        assert!(message.contains(reason), "{message}");
        assert!(harness.shows("This backup cannot be restored:"));
        assert!(!harness.shows("Restore this backup"));
        harness.send(Message::Restore(restore::Message::Restore));
        assert!(harness.restore_screen().kept_aside().is_none());
    }
    assert_eq!(std::fs::read(database(&data)).unwrap(), before);
}
