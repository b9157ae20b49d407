//! Every database operation the interface requests, and the worker thread
//! that runs them. SQLite calls block and `Books` is not `Sync`, so one
//! thread owns the books and runs requests in the order they were sent.
//! A save requested before an issue is therefore written before it.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use chrono::{Datelike, Months, NaiveDate};
use iced::futures::channel::oneshot;
use rust_decimal::Decimal;

use crate::backup::{BackupFile, BackupSummary, DataLock, FileProblem, RestoreOutcome};
use crate::books::mail::EmailLogEntry;
use crate::books::{Board, Books, DocumentView, ListedDocument, PriceChange, today};
use crate::compliance::Finding;
use crate::document::{Company, Content, DocumentId, DocumentKind, Header};
use crate::email::SmtpSettings;
use crate::exchange::{
    self, Analysis, CsvDialect, ExportKind, Field, ImportKind, ImportOptions, ImportReport,
};
use crate::input::DraftInput;
use crate::pdf::Template;
use crate::store::documents::ListFilter;
use crate::store::{Customer, DATABASE_FILE, PriceList, PriceListItem, Product, StoreError};
use crate::ui::preview::{LogoInfo, PageImage};
use crate::vat::Vat;

/// How many document rows the board shows at once.
pub const PAGE_SIZE: usize = 50;

/// An operation on the books, sent by a screen.
#[derive(Debug, Clone)]
pub enum Request {
    LoadCompany,
    SaveCompany(Box<Company>),
    LoadBoard {
        filter: ListFilter,
        page: usize,
    },
    SearchCustomers {
        search: String,
        include_archived: bool,
    },
    SaveCustomer(Box<Customer>),
    ArchiveCustomer {
        id: i64,
        archived: bool,
    },
    SearchProducts(String),
    SaveProduct(Box<Product>),
    LoadPriceLists,
    /// Copy the whole database, consistent as of one moment, to a file.
    Backup(PathBuf),
    /// Fill a fresh data folder with the Northwind demo company.
    CreateDemo,
    /// List the numbering series.
    LoadSeries,
    /// Add a numbering series, or change one that has numbered nothing yet.
    SaveSeries(crate::numbering::Series),
    /// Write a document's PDF (the archived one once issued) to a file.
    ExportPdf {
        id: DocumentId,
        path: PathBuf,
    },
    /// Open a document's PDF in the system viewer, to print it.
    PrintPdf(DocumentId),
    /// Open an .eml draft with the PDF attached in the user's mail program.
    ComposeEmail(DocumentId),
    SetPrice(PriceListItem),
    SavePriceList(PriceList),
    NewDraft {
        kind: DocumentKind,
        customer_id: Option<i64>,
    },
    OpenDocument(DocumentId),
    SaveDraft {
        id: DocumentId,
        header: Box<Header>,
        content: Box<Content>,
    },
    Checklist(DocumentId),
    Issue(DocumentId),
    RecordPayment {
        id: DocumentId,
        amount: Decimal,
        date: NaiveDate,
        method: String,
    },
    ChangePayment {
        id: DocumentId,
        payment_id: i64,
        amount: Decimal,
        date: NaiveDate,
        method: String,
    },
    DeletePayment {
        id: DocumentId,
        payment_id: i64,
    },
    Cancel(DocumentId),
    SetStage {
        id: DocumentId,
        stage: &'static str,
    },
    Convert {
        id: DocumentId,
        target: DocumentKind,
    },
    SetPriceLock {
        id: DocumentId,
        locked: bool,
    },
    /// Read a CSV file and check every row, trying the import in a
    /// transaction that is rolled back. `columns` maps the file's columns
    /// in order; without it, headers are recognised by name.
    AnalyseImport {
        kind: ImportKind,
        path: PathBuf,
        columns: Option<Vec<Option<Field>>>,
    },
    /// Import the valid records of an analysed file in one transaction;
    /// with invalid rows, only when `skip_invalid` is set.
    CommitImport {
        analysis: Box<Analysis>,
        skip_invalid: bool,
    },
    /// Write a CSV export for the accountant to `path`.
    ExportCsv {
        kind: ExportKind,
        from: NaiveDate,
        to: NaiveDate,
        dialect: CsvDialect,
        path: PathBuf,
    },
    // Start-up and restore: only `Session::execute` can restore, because it
    // owns the books and the data folder's lock.
    /// Report how the data folder opened at start: the company profile, or
    /// why the books cannot be used.
    Start,
    /// List the automatic backups and describe the current database.
    ListBackups,
    /// Read what a backup file contains, after its integrity check.
    DescribeBackup(PathBuf),
    /// Replace the database with `backup`, keeping the current file at
    /// `aside`, then reopen the books.
    Restore {
        backup: PathBuf,
        aside: PathBuf,
    },
    // Settings > PDF template, default VAT and e-mail account; sending.
    /// Load the template, the default VAT and the SMTP account.
    LoadPreferences,
    SaveTemplate(Box<Template>),
    /// Render the specimen invoice with an unsaved template, for the preview.
    PreviewTemplate(Box<Template>),
    SaveDefaultVat(Vat),
    /// Read a logo file picked by the user, to check it and show it.
    InspectLogo(PathBuf),
    /// Save the SMTP account, and the password when one was typed.
    SaveSmtp {
        settings: Box<SmtpSettings>,
        password: Option<String>,
    },
    /// Send a short message to the account's own sender address.
    SendTestEmail,
    /// Prepare the e-mail of an issued document for the editor's dialog.
    LoadEmail(DocumentId),
    /// Open an .eml draft with the recipients, subject and text edited in
    /// the user's mail program.
    ComposeEditedEmail {
        id: DocumentId,
        to: Vec<String>,
        subject: String,
        body: String,
    },
    /// Send a document's PDF with the recipients, subject and text edited.
    SendEmail {
        id: DocumentId,
        to: Vec<String>,
        subject: String,
        body: String,
    },
}

/// A document as the editor shows it: its view and what the price list
/// would change on it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub view: Box<DocumentView>,
    pub price_changes: Vec<PriceChange>,
    /// Every e-mail sending attempt of the document, oldest first.
    pub email_log: Vec<EmailLogEntry>,
    /// VAT treatment of a new line written in without a catalogue product.
    pub default_vat: Vat,
}

/// The settings edited in Settings besides the company.
#[derive(Debug, Clone)]
pub struct Preferences {
    pub template: Template,
    /// The template's logo as read now, or why it cannot be printed.
    pub logo: Option<Result<LogoInfo, String>>,
    pub default_vat: Vat,
    pub smtp: Option<SmtpSettings>,
}

/// The SMTP account as saved, and where its password went.
#[derive(Debug, Clone)]
pub struct SmtpSaved {
    pub settings: SmtpSettings,
    /// Set when the password could not go to the system keyring and is kept
    /// in memory until the app closes: the keyring's error.
    pub keyring_error: Option<String>,
}

/// The e-mail of a document as the editor's dialog first shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailDraft {
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// Name of the attached PDF, such as "F2026-00001.pdf".
    pub file_name: String,
    /// Whether an SMTP account is set, so that Send can work.
    pub has_account: bool,
}

/// Invoiced and collected amounts of one month, in the company currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    /// First day of the month.
    pub month: NaiveDate,
    /// Totals including VAT of the invoices issued that month, less credit notes.
    pub invoiced: Decimal,
    /// Payments received that month.
    pub collected: Decimal,
}

/// The board's content: figures per status, one page of rows and the
/// monthly chart.
#[derive(Debug, Clone)]
pub struct BoardPage {
    /// The filter this page was loaded for.
    pub filter: ListFilter,
    pub board: Board,
    pub rows: Vec<ListedDocument>,
    /// Number of rows matching the filter, over all pages.
    pub matching: usize,
    pub page: usize,
    pub months: Vec<MonthFigures>,
}

/// The outcome of a request. Errors are the core's messages, which name the
/// value at fault and what to do.
#[derive(Debug, Clone)]
pub enum Reply {
    Company(Result<Option<Company>, String>),
    CompanySaved(Result<Company, String>),
    Board(Result<Box<BoardPage>, String>),
    Customers(Result<Vec<Customer>, String>),
    CustomerSaved(Result<Customer, String>),
    Products(Result<Vec<Product>, String>),
    ProductSaved(Result<Product, String>),
    PriceLists(Result<Vec<PriceList>, String>),
    BackedUp(Result<PathBuf, String>),
    /// The demo company was created; its seller identity.
    DemoCreated(Result<Company, String>),
    /// The numbering series, after a load or a save.
    Series(Result<Vec<crate::numbering::Series>, String>),
    /// A file was written or handed to the desktop; what to tell the user.
    Exported(Result<String, String>),
    /// Print sent the document to a printer or opened it in the viewer.
    Printed(Result<crate::desktop::Printed, String>),
    /// A price was set; the number of unlocked drafts it repriced.
    PriceSet(Result<usize, String>),
    /// A document was created, loaded or changed.
    Document(Result<Opened, String>),
    Checklist(Result<Vec<Finding>, String>),
    Issued(Result<(String, Opened), String>),
    /// An invoice was cancelled: the credit note's number and the invoice.
    Cancelled(Result<(String, Opened), String>),
    /// A CSV file was read and checked; nothing was written.
    ImportAnalysed(Result<Box<Analysis>, String>),
    /// A CSV import was written to the books.
    Imported(Result<ImportReport, String>),
    /// A CSV export was written: the file and its number of data rows.
    CsvExported(Result<(PathBuf, usize), String>),
    /// The company profile at start (none on first start), or why the books
    /// cannot be opened.
    Started(Result<Option<Company>, StartProblem>),
    Backups(Result<BackupList, String>),
    BackupDescribed {
        path: PathBuf,
        summary: Result<BackupSummary, String>,
    },
    Restored(Result<RestoreOutcome, String>),
    Preferences(Result<Preferences, String>),
    TemplateSaved(Result<Template, String>),
    Preview(Result<PageImage, String>),
    DefaultVatSaved(Result<Vat, String>),
    Logo(Result<LogoInfo, String>),
    SmtpSaved(Result<SmtpSaved, String>),
    /// The test message was sent; the address it went to.
    TestEmailSent(Result<String, String>),
    EmailDraft(Result<EmailDraft, String>),
    /// A sending attempt ended: the recipients, or why it failed; and the
    /// document's sending log, which records the attempt either way.
    EmailSent {
        result: Result<Vec<String>, String>,
        log: Vec<EmailLogEntry>,
    },
}

/// Reason the books could not be opened at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartProblem {
    /// The database file is damaged or was written by a newer version.
    /// Nothing was written to it, and the app keeps the data folder's lock.
    Unusable {
        database: PathBuf,
        problem: FileProblem,
    },
    /// Another Facturier window or long command has locked the data folder.
    AlreadyOpen(String),
    /// Any other failure, such as a data folder that cannot be created.
    Failed(String),
}

impl std::fmt::Display for StartProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartProblem::Unusable { database, problem } => write!(
                f,
                "the database {} cannot be opened: {problem}",
                database.display()
            ),
            StartProblem::AlreadyOpen(message) | StartProblem::Failed(message) => {
                f.write_str(message)
            }
        }
    }
}

/// The backups a restore can use, and what the current database contains.
#[derive(Debug, Clone)]
pub struct BackupList {
    pub data_dir: PathBuf,
    /// Automatic backups, newest first.
    pub files: Vec<BackupFile>,
    /// The newest automatic backup that passes the integrity check.
    pub latest_good: Option<BackupSummary>,
    /// The current database, or why it cannot be read.
    pub current: Result<BackupSummary, String>,
}

/// Runs one request on the books. This is the only place the interface
/// touches the database, so tests call it directly to play the worker.
pub fn execute(books: &mut Books, request: Request) -> Reply {
    let text = |error: StoreError| error.to_string();
    match request {
        Request::LoadCompany => Reply::Company(books.company().map_err(text)),
        Request::SaveCompany(company) => {
            Reply::CompanySaved(books.set_company(&company).map(|()| *company).map_err(text))
        }
        Request::LoadBoard { filter, page } => {
            Reply::Board(load_board(books, &filter, page).map(Box::new).map_err(text))
        }
        Request::SearchCustomers {
            search,
            include_archived,
        } => Reply::Customers(books.customers(&search, include_archived).map_err(text)),
        Request::SaveCustomer(customer) => {
            Reply::CustomerSaved(save_customer(books, *customer).map_err(text))
        }
        Request::ArchiveCustomer { id, archived } => Reply::CustomerSaved(
            books
                .set_customer_archived(id, archived)
                .and_then(|()| books.customer(id))
                .map_err(text)
                .and_then(|customer| customer.ok_or_else(|| format!("customer {id} not found"))),
        ),
        Request::SearchProducts(search) => {
            Reply::Products(books.products(&search, false).map_err(text))
        }
        Request::SaveProduct(product) => {
            Reply::ProductSaved(save_product(books, *product).map_err(text))
        }
        Request::LoadPriceLists => Reply::PriceLists(books.price_lists().map_err(text)),
        Request::Backup(path) => Reply::BackedUp(backup(books, &path).map(|()| path)),
        Request::CreateDemo => Reply::DemoCreated(create_demo(books)),
        Request::LoadSeries => {
            Reply::Series(books.store().read(crate::numbering::list).map_err(text))
        }
        Request::SaveSeries(series) => Reply::Series(
            books
                .store()
                .write(|tx| crate::numbering::save(tx, &series))
                .and_then(|_| books.store().read(crate::numbering::list))
                .map_err(text),
        ),
        Request::ExportPdf { id, path } => Reply::Exported(export_pdf(books, id, &path)),
        Request::PrintPdf(id) => Reply::Printed(print_pdf(books, id)),
        Request::ComposeEmail(id) => Reply::Exported(compose_email(books, id)),
        Request::SetPrice(item) => Reply::PriceSet(
            books
                .set_price(&item)
                .map(|repriced| repriced.len())
                .map_err(text),
        ),
        Request::SavePriceList(list) => Reply::PriceLists(
            books
                .add_price_list(&list)
                .and_then(|_| books.price_lists())
                .map_err(text),
        ),
        Request::NewDraft { kind, customer_id } => {
            Reply::Document(new_draft(books, kind, customer_id))
        }
        Request::OpenDocument(id) => Reply::Document(open(books, id)),
        Request::SaveDraft {
            id,
            header,
            content,
        } => Reply::Document(
            books
                .save_draft(id, &header, &content)
                .map_err(text)
                .and_then(|()| open(books, id)),
        ),
        Request::Checklist(id) => Reply::Checklist(books.checklist(id).map_err(text)),
        Request::Issue(id) => Reply::Issued(
            books
                .issue(id, None)
                .map_err(text)
                .and_then(|number| Ok((number, open(books, id)?))),
        ),
        Request::RecordPayment {
            id,
            amount,
            date,
            method,
        } => Reply::Document(
            books
                .record_payment(id, amount, date, &method, None)
                .map_err(text)
                .and_then(|_| open(books, id)),
        ),
        Request::ChangePayment {
            id,
            payment_id,
            amount,
            date,
            method,
        } => Reply::Document(
            books
                .change_payment(payment_id, amount, date, &method, None)
                .map_err(text)
                .and_then(|()| open(books, id)),
        ),
        Request::DeletePayment { id, payment_id } => Reply::Document(
            books
                .delete_payment(payment_id)
                .map_err(text)
                .and_then(|()| open(books, id)),
        ),
        Request::Cancel(id) => Reply::Cancelled(
            books
                .cancel(id, None, None)
                .map_err(text)
                .and_then(|number| Ok((number, open(books, id)?))),
        ),
        Request::SetStage { id, stage } => Reply::Document(
            books
                .set_stage(id, stage)
                .map_err(text)
                .and_then(|()| open(books, id)),
        ),
        Request::Convert { id, target } => Reply::Document(
            books
                .convert(id, target)
                .map_err(text)
                .and_then(|new_id| open(books, new_id)),
        ),
        Request::SetPriceLock { id, locked } => Reply::Document(
            books
                .set_price_lock(id, locked)
                .map_err(text)
                .and_then(|_| open(books, id)),
        ),
        Request::Start => Reply::Started(
            books
                .company()
                .map_err(|error| StartProblem::Failed(error.to_string())),
        ),
        Request::ListBackups => {
            let data_dir = data_dir_of(books);
            let current = describe_current(&data_dir);
            Reply::Backups(Ok(list_backups(&data_dir, current)))
        }
        Request::DescribeBackup(path) => describe_backup(path),
        Request::Restore { .. } => Reply::Restored(Err(
            "a restore runs only on the app's database thread, which holds the data folder's lock"
                .to_string(),
        )),
        Request::AnalyseImport {
            kind,
            path,
            columns,
        } => Reply::ImportAnalysed(analyse_import(books, kind, &path, columns).map(Box::new)),
        Request::CommitImport {
            analysis,
            skip_invalid,
        } => Reply::Imported(commit_import(books, &analysis, skip_invalid)),
        Request::ExportCsv {
            kind,
            from,
            to,
            dialect,
            path,
        } => Reply::CsvExported(export_csv(books, kind, (from, to), dialect, &path)),
        Request::LoadPreferences => Reply::Preferences(load_preferences(books).map_err(text)),
        Request::SaveTemplate(template) => Reply::TemplateSaved(
            books
                .set_template(&template)
                .and_then(|()| books.template())
                .map_err(text),
        ),
        Request::PreviewTemplate(template) => Reply::Preview(preview(books, &template)),
        Request::SaveDefaultVat(vat) => Reply::DefaultVatSaved(
            books
                .set_default_vat(&vat)
                .and_then(|()| books.default_vat())
                .map_err(text),
        ),
        Request::InspectLogo(path) => Reply::Logo(crate::ui::preview::inspect_logo(&path)),
        Request::SaveSmtp { settings, password } => {
            Reply::SmtpSaved(save_smtp(books, *settings, password.as_deref()))
        }
        Request::SendTestEmail => Reply::TestEmailSent(send_test_email(books)),
        Request::LoadEmail(id) => Reply::EmailDraft(email_draft(books, id).map_err(text)),
        Request::ComposeEditedEmail {
            id,
            to,
            subject,
            body,
        } => Reply::Exported(compose_edited_email(books, id, &to, &subject, &body)),
        Request::SendEmail {
            id,
            to,
            subject,
            body,
        } => {
            let result = books
                .send_edited_email(id, &to, &subject, &body, None)
                .map_err(text);
            let log = books.email_log(id).unwrap_or_else(|error| {
                tracing::error!(%error, document = id, "the sending log could not be read");
                Vec::new()
            });
            Reply::EmailSent { result, log }
        }
    }
}

fn analyse_import(
    books: &mut Books,
    kind: ImportKind,
    path: &std::path::Path,
    columns: Option<Vec<Option<Field>>>,
) -> Result<Analysis, String> {
    let bytes = std::fs::read(path).map_err(|error| {
        tracing::warn!(%error, "the file chosen for import could not be read");
        format!(
            "cannot read {}: {error}; check that the file exists and choose it again",
            path.display()
        )
    })?;
    let options = ImportOptions {
        columns,
        ..ImportOptions::default()
    };
    exchange::analyse(books, kind, &bytes, &options).map_err(|error| {
        tracing::warn!(%error, "the file chosen for import was rejected");
        format!("{} cannot be imported: {error}", path.display())
    })
}

fn commit_import(
    books: &mut Books,
    analysis: &Analysis,
    skip_invalid: bool,
) -> Result<ImportReport, String> {
    exchange::commit(books, analysis, skip_invalid).map_err(|error| {
        tracing::error!(%error, "import failed; nothing was written");
        format!("nothing was imported: {error}")
    })
}

/// Writes the export to a `.part` file beside `path`, renamed once
/// complete, so that a failed write never leaves a truncated file under the
/// chosen name.
fn export_csv(
    books: &mut Books,
    kind: ExportKind,
    (from, to): (NaiveDate, NaiveDate),
    dialect: CsvDialect,
    path: &std::path::Path,
) -> Result<(PathBuf, usize), String> {
    let bytes = exchange::export_in(books, kind, from, to, dialect).map_err(|error| {
        tracing::error!(%error, "CSV export failed");
        error.to_string()
    })?;
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    std::fs::write(&part, &bytes)
        .and_then(|()| std::fs::rename(&part, path))
        .map_err(|error| {
            tracing::error!(%error, "the CSV export could not be written");
            let _ = std::fs::remove_file(&part);
            format!(
                "cannot write {}: {error}; choose another folder",
                path.display()
            )
        })?;
    let separator = match dialect {
        CsvDialect::Plain => b',',
        CsvDialect::French => b';',
    };
    let rows = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_reader(bytes.as_slice())
        .records()
        .count();
    Ok((path.to_path_buf(), rows))
}

// Start-up, backups and restore ---------------------------------------------

/// The books of one data folder and its lock, owned by the database thread.
pub struct Session {
    data_dir: PathBuf,
    state: SessionState,
}

enum SessionState {
    /// The books, opened under the data folder's lock.
    Open(Books),
    /// The database is damaged or newer. The lock is held so that no other
    /// window opens the file meanwhile, and nothing writes to it.
    Unusable {
        lock: DataLock,
        problem: FileProblem,
    },
    /// The books could not be opened at all, so every request fails with
    /// this reason.
    Unavailable(StartProblem),
}

impl Session {
    /// Takes the data folder's lock, checks the database read-only with the
    /// full integrity check, and opens the books when the check passes.
    pub fn open(data_dir: &Path) -> Session {
        let state = match DataLock::acquire(data_dir) {
            Ok(lock) => open_locked(data_dir, lock),
            Err(error @ StoreError::AlreadyOpen { .. }) => {
                tracing::warn!("the data folder is already open in another process");
                SessionState::Unavailable(StartProblem::AlreadyOpen(error.to_string()))
            }
            Err(error) => {
                tracing::error!(%error, "the data folder could not be locked");
                SessionState::Unavailable(StartProblem::Failed(cannot_open(data_dir, &error)))
            }
        };
        Session {
            data_dir: data_dir.to_path_buf(),
            state,
        }
    }

    /// Returns the open books, or none when they could not be opened.
    pub fn books(&mut self) -> Option<&mut Books> {
        match &mut self.state {
            SessionState::Open(books) => Some(books),
            _ => None,
        }
    }

    /// Runs one request: on the books when they are open, else it replies
    /// with the reason they are not. A restore closes the books, replaces
    /// the file and opens them again, under the same lock throughout.
    pub fn execute(&mut self, request: Request) -> Reply {
        match (&mut self.state, request) {
            (_, Request::Restore { backup, aside }) => {
                Reply::Restored(self.restore(&backup, &aside))
            }
            (SessionState::Open(books), request) => execute(books, request),
            (SessionState::Unusable { problem, .. }, Request::Start) => {
                Reply::Started(Err(StartProblem::Unusable {
                    database: self.data_dir.join(DATABASE_FILE),
                    problem: problem.clone(),
                }))
            }
            (SessionState::Unusable { problem, .. }, Request::ListBackups) => {
                let current = Err(problem.to_string());
                Reply::Backups(Ok(list_backups(&self.data_dir, current)))
            }
            (_, Request::DescribeBackup(path)) => describe_backup(path),
            (SessionState::Unusable { problem, .. }, request) => {
                let message = format!(
                    "the database {} cannot be opened: {problem}",
                    self.data_dir.join(DATABASE_FILE).display()
                );
                failure(&request, &message)
            }
            (SessionState::Unavailable(problem), Request::Start) => {
                Reply::Started(Err(problem.clone()))
            }
            (SessionState::Unavailable(problem), request) => {
                failure(&request, &problem.to_string())
            }
        }
    }

    fn restore(&mut self, backup: &Path, aside: &Path) -> Result<RestoreOutcome, String> {
        let placeholder = SessionState::Unavailable(StartProblem::Failed(
            "a restore was interrupted; restart Facturier".to_string(),
        ));
        let lock = match std::mem::replace(&mut self.state, placeholder) {
            SessionState::Open(books) => match books.close_keeping_lock() {
                Some(lock) => lock,
                None => {
                    return Err("these books were opened without the data folder's lock, so they cannot be restored".to_string());
                }
            },
            SessionState::Unusable {
                lock,
                problem: problem @ FileProblem::NewerSchema { .. },
            } => {
                // A newer version's file is sound: restoring an older backup
                // over it would hide the newer work, so the user updates.
                let message = format!(
                    "the current database {problem}: update Facturier to open it instead of restoring an older backup"
                );
                self.state = SessionState::Unusable { lock, problem };
                return Err(message);
            }
            SessionState::Unusable { lock, .. } => lock,
            SessionState::Unavailable(problem) => {
                let message = problem.to_string();
                self.state = SessionState::Unavailable(problem);
                return Err(message);
            }
        };
        let outcome = crate::backup::restore_to_aside(&lock, &self.data_dir, backup, aside);
        if let Err(error) = &outcome {
            tracing::error!(%error, "restore failed");
        }
        // Reopen in every case: after a failure the current file is still in
        // place, and after a success the restored one is checked again.
        self.state = open_locked(&self.data_dir, lock);
        outcome.map_err(|error| error.to_string())
    }
}

fn open_locked(data_dir: &Path, lock: DataLock) -> SessionState {
    if let Err(problem) = crate::backup::check_database(data_dir) {
        tracing::error!(%problem, "the database failed its check at open");
        return SessionState::Unusable { lock, problem };
    }
    match Books::open_with_lock(data_dir, lock) {
        Ok(books) => SessionState::Open(books),
        Err(error) => {
            tracing::error!(%error, "the books could not be opened");
            SessionState::Unavailable(StartProblem::Failed(cannot_open(data_dir, &error)))
        }
    }
}

fn cannot_open(data_dir: &Path, error: &StoreError) -> String {
    format!(
        "the data folder {} could not be opened: {error}",
        data_dir.display()
    )
}

fn data_dir_of(books: &mut Books) -> PathBuf {
    books
        .store()
        .path()
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Describes the current database of `data_dir`; none yet counts as empty.
fn describe_current(data_dir: &Path) -> Result<BackupSummary, String> {
    crate::backup::describe(&data_dir.join(DATABASE_FILE)).map_err(|error| error.to_string())
}

/// Lists the automatic backups and describes the newest one that passes
/// its integrity check.
fn list_backups(data_dir: &Path, current: Result<BackupSummary, String>) -> BackupList {
    let files = crate::backup::backup_files(data_dir);
    let latest_good = files
        .iter()
        .find_map(|file| crate::backup::describe(&file.path).ok());
    BackupList {
        data_dir: data_dir.to_path_buf(),
        files,
        latest_good,
        current,
    }
}

fn describe_backup(path: PathBuf) -> Reply {
    let summary = crate::backup::describe(&path).map_err(|error| error.to_string());
    if let Err(error) = &summary {
        tracing::warn!(%error, "a backup was rejected");
    }
    Reply::BackupDescribed { path, summary }
}

fn load_preferences(books: &mut Books) -> Result<Preferences, StoreError> {
    let template = books.template()?;
    let logo = template
        .logo
        .as_deref()
        .map(crate::ui::preview::inspect_logo);
    Ok(Preferences {
        logo,
        template,
        default_vat: books.default_vat()?,
        smtp: books.smtp_settings()?,
    })
}

/// Scale of the preview image in pixels per PDF point: 1.5 shows an A4 page
/// 893 pixels wide, readable beside the template form.
const PREVIEW_SCALE: f32 = 1.5;

fn preview(books: &mut Books, template: &Template) -> Result<PageImage, String> {
    let company = books
        .company()
        .map_err(|error| error.to_string())?
        .unwrap_or_default();
    crate::ui::preview::specimen_page(&company, template, PREVIEW_SCALE)
}

/// Saves the SMTP account. The password goes to the system keyring. When
/// the keyring fails, the password stays in this process's memory so that
/// sending works until the app closes, and the reply carries the keyring's
/// error.
fn save_smtp(
    books: &mut Books,
    settings: SmtpSettings,
    password: Option<&str>,
) -> Result<SmtpSaved, String> {
    books
        .set_smtp_settings(&settings)
        .map_err(|error| error.to_string())?;
    let settings = books
        .smtp_settings()
        .map_err(|error| error.to_string())?
        .unwrap_or(settings);
    let mut keyring_error = None;
    if let Some(password) = password.filter(|password| !password.is_empty()) {
        if let Err(error) = crate::email::store_password(&settings, password) {
            tracing::warn!(%error, "SMTP password kept in memory: the keyring failed");
            crate::email::remember_password_for_session(&settings, password);
            keyring_error = Some(error.to_string());
        }
    }
    Ok(SmtpSaved {
        settings,
        keyring_error,
    })
}

fn send_test_email(books: &mut Books) -> Result<String, String> {
    let settings = books
        .smtp_settings()
        .map_err(|error| error.to_string())?
        .ok_or_else(|| "no SMTP account is saved: fill in the account and save it".to_string())?;
    let to = settings
        .from
        .trim()
        .parse::<lettre::message::Mailbox>()
        .map(|mailbox| mailbox.email.to_string())
        .map_err(|_| format!("invalid sender address \"{}\"", settings.from))?;
    let message = crate::email::test_message(&settings, &to).map_err(|error| error.to_string())?;
    let password = crate::email::load_password(&settings).map_err(|error| error.to_string())?;
    match crate::email::send(&settings, password.as_deref(), &message) {
        Ok(()) => {
            tracing::info!("SMTP test message sent");
            Ok(to)
        }
        Err(error) => {
            tracing::warn!(cause = error.kind(), "SMTP test message failed");
            Err(error.to_string())
        }
    }
}

fn compose_edited_email(
    books: &mut Books,
    id: DocumentId,
    to: &[String],
    subject: &str,
    body: &str,
) -> Result<String, String> {
    let draft = books
        .edited_email_draft(id, to, subject, body)
        .map_err(|error| error.to_string())?;
    let path = crate::desktop::write_temporary(&document_name(books, id)?, "eml", &draft)?;
    crate::desktop::open_with_default_application(&path)?;
    Ok(path.display().to_string())
}

fn email_draft(books: &mut Books, id: DocumentId) -> Result<EmailDraft, StoreError> {
    let has_account = books.smtp_settings()?.is_some();
    let customer_email = books
        .view(id, today())?
        .document
        .header
        .buyer
        .email
        .filter(|email| !email.trim().is_empty());
    // The core builds a message only with a recipient. Without the
    // customer's address, the dialog starts with none for the user to type.
    let stand_in = ["customer@example.invalid".to_string()];
    let to: &[String] = if customer_email.is_some() {
        &[]
    } else {
        &stand_in
    };
    let outgoing = books.email_message(id, to)?;
    Ok(EmailDraft {
        to: customer_email.into_iter().collect(),
        subject: outgoing.subject,
        body: outgoing.body,
        file_name: outgoing.file_name,
        has_account,
    })
}

/// Writes a consistent copy of the database to `path` with `VACUUM INTO`,
/// first to a `.part` file beside it, renamed once complete, so that a
/// failed backup never leaves a truncated file under the chosen name.
fn backup(books: &mut Books, path: &std::path::Path) -> Result<(), String> {
    // The backup module copies through SQLite's online backup API and runs
    // an integrity check on the copy before it counts.
    crate::backup::backup_to(books.store(), path)
        .map(|_| tracing::info!("manual backup written"))
        .map_err(|error| {
            tracing::error!(%error, "manual backup failed");
            format!(
                "the backup to {} failed: {error}; choose another folder with free space",
                path.display()
            )
        })
}

fn create_demo(books: &mut Books) -> Result<Company, String> {
    crate::demo::create(books).map_err(|error| error.to_string())?;
    books
        .company()
        .map_err(|error| error.to_string())?
        .ok_or_else(|| "the demo company was not saved".to_string())
}

/// Names the PDF of a document after its number, or its draft id.
fn document_name(books: &mut Books, id: DocumentId) -> Result<String, String> {
    let view = books.view(id, today()).map_err(|error| error.to_string())?;
    Ok(view
        .document
        .number
        .clone()
        .unwrap_or_else(|| format!("draft-{id}")))
}

fn export_pdf(books: &mut Books, id: DocumentId, path: &std::path::Path) -> Result<String, String> {
    let bytes = books.pdf(id).map_err(|error| error.to_string())?;
    std::fs::write(path, bytes).map_err(|error| {
        format!(
            "cannot write {}: {error}; choose another folder",
            path.display()
        )
    })?;
    Ok(path.display().to_string())
}

fn print_pdf(books: &mut Books, id: DocumentId) -> Result<crate::desktop::Printed, String> {
    let bytes = books.pdf(id).map_err(|error| error.to_string())?;
    let name = document_name(books, id)?;
    let path = crate::desktop::write_temporary(&name, "pdf", &bytes)?;
    crate::desktop::print(&path, &name)
}

fn compose_email(books: &mut Books, id: DocumentId) -> Result<String, String> {
    let draft = books
        .email_draft(id, &[])
        .map_err(|error| error.to_string())?;
    let path = crate::desktop::write_temporary(&document_name(books, id)?, "eml", &draft)?;
    crate::desktop::open_with_default_application(&path)?;
    Ok(path.display().to_string())
}

fn open(books: &mut Books, id: DocumentId) -> Result<Opened, String> {
    let view = books.view(id, today()).map_err(|error| error.to_string())?;
    let price_changes = if view.document.issued {
        Vec::new()
    } else {
        books.price_changes(id).map_err(|error| error.to_string())?
    };
    let email_log = books.email_log(id).map_err(|error| error.to_string())?;
    let default_vat = books.default_vat().map_err(|error| error.to_string())?;
    Ok(Opened {
        view: Box::new(view),
        price_changes,
        email_log,
        default_vat,
    })
}

fn new_draft(
    books: &mut Books,
    kind: DocumentKind,
    customer_id: Option<i64>,
) -> Result<Opened, String> {
    let input: DraftInput =
        serde_json::from_value(serde_json::json!({ "customer_id": customer_id }))
            .map_err(|error| error.to_string())?;
    let id = books
        .create_draft(kind, &input)
        .map_err(|error| error.to_string())?;
    open(books, id)
}

fn save_customer(books: &mut Books, customer: Customer) -> Result<Customer, StoreError> {
    let id = if customer.id == 0 {
        books.add_customer(&customer)?
    } else {
        books.update_customer(&customer)?;
        customer.id
    };
    books
        .customer(id)?
        .ok_or_else(|| StoreError::Rejected(format!("customer {id} not found after saving")))
}

fn save_product(books: &mut Books, product: Product) -> Result<Product, StoreError> {
    let id = if product.id == 0 {
        books.add_product(&product)?
    } else {
        books.update_product(&product)?;
        product.id
    };
    Ok(Product { id, ..product })
}

fn load_board(
    books: &mut Books,
    filter: &ListFilter,
    page: usize,
) -> Result<BoardPage, StoreError> {
    let today = today();
    let first = month_start(today, 11);
    let data = books.board_page(filter, today, page, PAGE_SIZE, first)?;
    let mut months: Vec<MonthFigures> = (0..12)
        .rev()
        .map(|back| MonthFigures {
            month: month_start(today, back),
            invoiced: Decimal::ZERO,
            collected: Decimal::ZERO,
        })
        .collect();
    for sums in data.months {
        let Ok(date) = NaiveDate::parse_from_str(&format!("{}-01", sums.month), "%Y-%m-%d") else {
            tracing::warn!("month with an unreadable date left out of the chart");
            continue;
        };
        if let Some(figures) = months.iter_mut().find(|figures| figures.month == date) {
            figures.invoiced += sums.invoiced;
            figures.collected += sums.collected;
        }
    }
    Ok(BoardPage {
        filter: filter.clone(),
        board: data.board,
        rows: data.rows,
        matching: data.matching,
        page: data.page,
        months,
    })
}

/// Returns the first day of the month `back` months before `date`'s month.
fn month_start(date: NaiveDate, back: u32) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first.checked_sub_months(Months::new(back)).unwrap_or(first)
}

struct Job {
    request: Request,
    reply: oneshot::Sender<Reply>,
}

/// A handle on the database thread. Cloning it shares the same thread.
#[derive(Debug, Clone)]
pub struct Database {
    sender: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Job")
            .field("request", &self.request)
            .finish()
    }
}

impl Database {
    /// Starts the thread that owns the books of `data_dir`. When the books
    /// cannot be opened, every request gets that error as its reply.
    pub fn start(data_dir: PathBuf) -> Database {
        let (sender, receiver) = mpsc::channel::<Job>();
        let spawned = std::thread::Builder::new()
            .name("database".to_string())
            .spawn(move || serve(&data_dir, &receiver));
        if let Err(error) = spawned {
            tracing::error!(%error, "the database thread could not start");
        }
        Database { sender }
    }

    /// Sends `request` to the database thread and waits for its reply.
    pub async fn call(self, request: Request) -> Reply {
        let (reply, answer) = oneshot::channel();
        let failed = self
            .sender
            .send(Job {
                request: request.clone(),
                reply,
            })
            .is_err();
        if failed {
            return failure(
                &request,
                "the database thread has stopped; restart Facturier",
            );
        }
        match answer.await {
            Ok(reply) => reply,
            Err(_) => failure(
                &request,
                "the database thread stopped while working; restart Facturier",
            ),
        }
    }
}

/// Skips board loads that a newer one already waiting in the channel makes
/// obsolete, as when the user types a search: only the newest runs, and
/// every skipped request gets its reply. Another request found while
/// looking goes to `backlog`, so requests still run in the order sent.
fn coalesce_board_loads(
    mut job: Job,
    receiver: &mpsc::Receiver<Job>,
    backlog: &mut VecDeque<Job>,
) -> (Job, Vec<oneshot::Sender<Reply>>) {
    let mut superseded = Vec::new();
    if !backlog.is_empty() {
        return (job, superseded);
    }
    while matches!(job.request, Request::LoadBoard { .. }) {
        let Ok(next) = receiver.try_recv() else {
            break;
        };
        if matches!(next.request, Request::LoadBoard { .. }) {
            superseded.push(std::mem::replace(&mut job, next).reply);
        } else {
            backlog.push_back(next);
            break;
        }
    }
    (job, superseded)
}

fn serve(data_dir: &std::path::Path, receiver: &mpsc::Receiver<Job>) {
    tracing::info!("database thread started");
    // The app holds the data folder's lock, so a second window gets a clear
    // message, and its open runs the full integrity check.
    let mut session = Session::open(data_dir);
    if let Some(books) = session.books() {
        daily_backup(books);
    }
    let mut backlog: VecDeque<Job> = VecDeque::new();
    loop {
        let job = match backlog.pop_front() {
            Some(job) => job,
            None => match receiver.recv_timeout(BACKUP_CHECK_INTERVAL) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(books) = session.books() {
                        daily_backup(books);
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            },
        };
        let (job, superseded) = coalesce_board_loads(job, receiver, &mut backlog);
        let reply = session.execute(job.request);
        // A screen that sent a request may be gone; its reply is then dropped.
        for sender in superseded {
            let _ = sender.send(reply.clone());
        }
        let _ = job.reply.send(reply);
    }
    // The window closed: back up once more before the lock is released. A
    // damaged or newer database is left as it is.
    if let Some(books) = session.books() {
        match crate::backup::backup_on_exit(books) {
            Ok(_) => tracing::info!("backup on exit written"),
            Err(error) => tracing::error!(%error, "backup on exit failed"),
        }
    }
    tracing::info!("database thread stopped");
}

/// How often the database thread checks whether the daily backup is due.
const BACKUP_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3600);

fn daily_backup(books: &mut Books) {
    match crate::backup::backup_daily(books) {
        Ok(Some(_)) => tracing::info!("daily backup written"),
        Ok(None) => {}
        Err(error) => tracing::error!(%error, "daily backup failed"),
    }
}

/// Builds the reply of a `request` that could not run at all.
fn failure(request: &Request, message: &str) -> Reply {
    let error = message.to_string();
    match request {
        Request::LoadCompany => Reply::Company(Err(error)),
        Request::SaveCompany(_) => Reply::CompanySaved(Err(error)),
        Request::LoadBoard { .. } => Reply::Board(Err(error)),
        Request::SearchCustomers { .. } => Reply::Customers(Err(error)),
        Request::SaveCustomer(_) | Request::ArchiveCustomer { .. } => {
            Reply::CustomerSaved(Err(error))
        }
        Request::SearchProducts(_) => Reply::Products(Err(error)),
        Request::SaveProduct(_) => Reply::ProductSaved(Err(error)),
        Request::LoadPriceLists | Request::SavePriceList(_) => Reply::PriceLists(Err(error)),
        Request::SetPrice(_) => Reply::PriceSet(Err(error)),
        Request::Backup(_) => Reply::BackedUp(Err(error)),
        Request::CreateDemo => Reply::DemoCreated(Err(error)),
        Request::LoadSeries | Request::SaveSeries(_) => Reply::Series(Err(error)),
        Request::ExportPdf { .. } | Request::ComposeEmail(_) => Reply::Exported(Err(error)),
        Request::PrintPdf(_) => Reply::Printed(Err(error)),
        Request::Checklist(_) => Reply::Checklist(Err(error)),
        Request::Issue(_) => Reply::Issued(Err(error)),
        Request::Cancel(_) => Reply::Cancelled(Err(error)),
        Request::NewDraft { .. }
        | Request::OpenDocument(_)
        | Request::SaveDraft { .. }
        | Request::RecordPayment { .. }
        | Request::ChangePayment { .. }
        | Request::DeletePayment { .. }
        | Request::Convert { .. }
        | Request::SetStage { .. }
        | Request::SetPriceLock { .. } => Reply::Document(Err(error)),
        Request::AnalyseImport { .. } => Reply::ImportAnalysed(Err(error)),
        Request::CommitImport { .. } => Reply::Imported(Err(error)),
        Request::ExportCsv { .. } => Reply::CsvExported(Err(error)),
        Request::Start => Reply::Started(Err(StartProblem::Failed(error))),
        Request::ListBackups => Reply::Backups(Err(error)),
        Request::DescribeBackup(path) => Reply::BackupDescribed {
            path: path.clone(),
            summary: Err(error),
        },
        Request::Restore { .. } => Reply::Restored(Err(error)),
        Request::LoadPreferences => Reply::Preferences(Err(error)),
        Request::SaveTemplate(_) => Reply::TemplateSaved(Err(error)),
        Request::PreviewTemplate(_) => Reply::Preview(Err(error)),
        Request::SaveDefaultVat(_) => Reply::DefaultVatSaved(Err(error)),
        Request::InspectLogo(_) => Reply::Logo(Err(error)),
        Request::SaveSmtp { .. } => Reply::SmtpSaved(Err(error)),
        Request::SendTestEmail => Reply::TestEmailSent(Err(error)),
        Request::LoadEmail(_) => Reply::EmailDraft(Err(error)),
        Request::ComposeEditedEmail { .. } => Reply::Exported(Err(error)),
        Request::SendEmail { .. } => Reply::EmailSent {
            result: Err(error),
            log: Vec::new(),
        },
    }
}
