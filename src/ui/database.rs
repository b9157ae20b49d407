//! Every database operation the interface requests, and the worker thread
//! that runs them. SQLite calls block and `Books` is not `Sync`, so one
//! thread owns the books and runs requests in the order they were sent.
//! A save requested before an issue is therefore written before it.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc;

use chrono::{Datelike, Months, NaiveDate};
use iced::futures::channel::oneshot;
use rust_decimal::Decimal;

use crate::books::{Board, Books, DocumentView, ListedDocument, PriceChange, today};
use crate::compliance::Finding;
use crate::document::{Company, Content, DocumentId, DocumentKind, Header};
use crate::input::DraftInput;
use crate::store::documents::ListFilter;
use crate::store::{Customer, PriceList, PriceListItem, Product, StoreError};

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
}

/// A document as the editor shows it: its view and what the price list
/// would change on it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub view: Box<DocumentView>,
    pub price_changes: Vec<PriceChange>,
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
    /// A price was set; the number of unlocked drafts it repriced.
    PriceSet(Result<usize, String>),
    /// A document was created, loaded or changed.
    Document(Result<Opened, String>),
    Checklist(Result<Vec<Finding>, String>),
    Issued(Result<(String, Opened), String>),
    /// An invoice was cancelled: the credit note's number and the invoice.
    Cancelled(Result<(String, Opened), String>),
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
        Request::PrintPdf(id) => Reply::Exported(print_pdf(books, id)),
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
    }
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

fn print_pdf(books: &mut Books, id: DocumentId) -> Result<String, String> {
    let bytes = books.pdf(id).map_err(|error| error.to_string())?;
    let path = crate::desktop::write_temporary(&document_name(books, id)?, "pdf", &bytes)?;
    crate::desktop::open_with_default_application(&path)?;
    Ok(path.display().to_string())
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
    Ok(Opened {
        view: Box::new(view),
        price_changes,
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
    let mut books = Books::open_exclusive(data_dir).map_err(|error| {
        tracing::error!(%error, "the books could not be opened");
        format!(
            "the data folder {} could not be opened: {error}",
            data_dir.display()
        )
    });
    if let Ok(books) = &mut books {
        daily_backup(books);
    }
    let mut backlog: VecDeque<Job> = VecDeque::new();
    loop {
        let job = match backlog.pop_front() {
            Some(job) => job,
            None => match receiver.recv_timeout(BACKUP_CHECK_INTERVAL) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Ok(books) = &mut books {
                        daily_backup(books);
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            },
        };
        let (job, superseded) = coalesce_board_loads(job, receiver, &mut backlog);
        let reply = match &mut books {
            Ok(books) => execute(books, job.request),
            Err(message) => failure(&job.request, message),
        };
        // A screen that sent a request may be gone; its reply is then dropped.
        for sender in superseded {
            let _ = sender.send(reply.clone());
        }
        let _ = job.reply.send(reply);
    }
    // The window closed: back up once more before the lock is released.
    if let Ok(books) = &mut books {
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
        Request::ExportPdf { .. } | Request::PrintPdf(_) | Request::ComposeEmail(_) => {
            Reply::Exported(Err(error))
        }
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
    }
}
