//! The company's books: every business operation of Facturier, each in one
//! database transaction. The command line and the desktop app call these
//! functions and nothing below them.

mod archive;
mod defaults;
pub mod mail;

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::Transaction;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calc::{self, CompanyCurrencyTotals, Totals};
use crate::compliance::{self, Finding};
use crate::document::{
    AllowanceCharge, Company, Content, DocumentId, DocumentKind, Header, InvoiceStatus, Line,
    OrderStatus, Party, PriceSource, QuoteStatus,
};
use crate::email::{self, Outgoing, SmtpSettings};
use crate::input::DraftInput;
use crate::journal::{self, Event};
use crate::money::{Currency, check_scale};
use crate::numbering;
use crate::pdf::Template;
use crate::store::balances;
use crate::store::documents::{self, IssueRecord, ListFilter, StoredDocument};
use crate::store::{
    self, Customer, Payment, Result, Store, StoreError, catalog, customers, payments,
};

/// Shorthand for a business rule violation with its message.
fn rejected<T>(message: impl Into<String>) -> Result<T> {
    Err(StoreError::Rejected(message.into()))
}

/// A document with everything derived from it: totals, payments, status.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub document: StoredDocument,
    pub totals: Totals,
    pub company_totals: Option<CompanyCurrencyTotals>,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub paid: Decimal,
    /// Sum of the issued credit notes that correct this invoice.
    pub credited: Decimal,
    /// Amount the customer still owes: BT-115 less the credit notes.
    pub balance: Decimal,
    pub payments: Vec<Payment>,
    /// Number and date of the invoice a credit note corrects (BT-25, BT-26).
    pub corrects: Option<(String, NaiveDate)>,
    /// Numbers of the credit notes that correct this invoice.
    pub credit_notes: Vec<String>,
}

/// One row of a document list with its derived status.
#[derive(Debug, Clone, Serialize)]
pub struct ListedDocument {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub number: Option<String>,
    pub stage: Option<String>,
    pub status: InvoiceStatus,
    pub overdue: bool,
    pub customer_name: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub currency: Currency,
    pub tax_exclusive_total: Decimal,
    pub tax_total: Decimal,
    pub tax_inclusive_total: Decimal,
    pub paid: Decimal,
    pub credited: Decimal,
    pub balance: Decimal,
    /// Total including VAT in the company currency, when known.
    pub company_total: Option<Decimal>,
    /// Outstanding balance in the company currency, when known.
    pub company_balance: Option<Decimal>,
}

/// A line whose price would change if pricing followed the price list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceChange {
    /// Line number, from 1.
    pub line: usize,
    pub description: String,
    pub current_price: Decimal,
    pub list_price: Decimal,
}

/// Count and amounts of one status on the board, in the company currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BoardEntry {
    pub count: u64,
    /// Sum of the totals including VAT.
    pub total: Decimal,
    /// Sum of what is still owed.
    pub due: Decimal,
}

/// The status board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Board {
    pub currency: Currency,
    pub draft: BoardEntry,
    pub open: BoardEntry,
    pub partial: BoardEntry,
    pub paid: BoardEntry,
    pub cancelled: BoardEntry,
    /// Open or partially paid invoices past their due date (a subset of
    /// `open` and `partial`).
    pub overdue: BoardEntry,
    /// Invoices less credit notes, excluding VAT.
    pub revenue: Decimal,
    /// Sum of what customers still owe on issued invoices.
    pub receivables: Decimal,
    /// Documents in a foreign currency without an exchange rate, counted but
    /// left out of the amounts.
    pub unconverted: u64,
}

/// The status board's content for one filter, read in one transaction.
#[derive(Debug, Clone)]
pub struct BoardData {
    pub board: Board,
    /// One page of matching documents, in list order.
    pub rows: Vec<ListedDocument>,
    /// Number of matching documents, over all pages.
    pub matching: usize,
    /// Page number of `rows`, from 0.
    pub page: usize,
    /// Invoiced and collected sums of the months that have any, oldest first.
    pub months: Vec<balances::MonthSums>,
}

/// Selection of lines for a partial credit note: line number (from 1) and
/// quantity to credit.
pub type CreditSelection = Vec<(usize, Decimal)>;

/// Derives an invoice's status: cancelled once credit notes cover the
/// total, else paid, partially paid or open from the payments.
pub fn status_of(total: Decimal, paid: Decimal, credited: Decimal) -> InvoiceStatus {
    if !total.is_zero() && credited >= total {
        InvoiceStatus::Cancelled
    } else if paid.is_zero() {
        if total.is_zero() {
            InvoiceStatus::Paid
        } else {
            InvoiceStatus::Open
        }
    } else if paid + credited >= total {
        InvoiceStatus::Paid
    } else {
        InvoiceStatus::Partial
    }
}

/// Today's date on the local calendar. Dates are taken in the user's own
/// time zone once, then stored as calendar dates that never shift.
pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

pub struct Books {
    store: Store,
    /// The data folder's exclusive lock, when opened with `open_exclusive`;
    /// dropping `Books` releases it.
    lock: Option<crate::backup::DataLock>,
}

impl Books {
    /// Opens the books of `data_dir` without taking the folder's lock, so
    /// short commands can run side by side. A file that is not a database,
    /// or one written by a newer version, is rejected before anything writes
    /// to it; the full integrity check is left to `open_exclusive`.
    pub fn open(data_dir: &Path) -> Result<Books> {
        Ok(Books {
            store: crate::backup::open_checked(data_dir, false)?,
            lock: None,
        })
    }

    /// Opens the books and holds the data folder's exclusive lock until
    /// dropped, for the desktop app and long-running commands. A second
    /// exclusive opener gets `StoreError::AlreadyOpen` instead of waiting on
    /// SQLite's "database is locked".
    pub fn open_exclusive(data_dir: &Path) -> Result<Books> {
        let lock = crate::backup::DataLock::acquire(data_dir)?;
        Ok(Books {
            store: crate::backup::open_checked(data_dir, true)?,
            lock: Some(lock),
        })
    }

    pub fn from_store(store: Store) -> Books {
        Books { store, lock: None }
    }

    /// Closes the database but keeps the data folder's lock, so that a
    /// restore can replace the file while no other window can open it.
    /// Returns `None` when these books were opened without the lock.
    pub fn close_keeping_lock(self) -> Option<crate::backup::DataLock> {
        self.lock
    }

    /// Opens the books of `data_dir` under a lock already held, such as the
    /// one `close_keeping_lock` returned.
    pub fn open_with_lock(data_dir: &Path, lock: crate::backup::DataLock) -> Result<Books> {
        Ok(Books {
            store: crate::backup::open_checked(data_dir, true)?,
            lock: Some(lock),
        })
    }

    /// Returns whether these books hold the data folder's exclusive lock.
    pub fn holds_lock(&self) -> bool {
        self.lock.is_some()
    }

    /// Runs `operation` in one write transaction: every change it makes
    /// through the `Batch` is committed together, or none is.
    pub fn batch<T>(
        &mut self,
        mut operation: impl FnMut(&Batch<'_, '_>) -> Result<T>,
    ) -> Result<T> {
        self.store.write(|tx| operation(&Batch { tx }))
    }

    /// Runs `operation` in a transaction that is always rolled back: a
    /// dry run of the same business operations, which leaves the file as it
    /// was.
    pub fn trial<T>(&mut self, operation: impl FnOnce(&Batch<'_, '_>) -> Result<T>) -> Result<T> {
        let tx = self.store.connection().unchecked_transaction()?;
        let outcome = operation(&Batch { tx: &tx });
        tx.rollback()?;
        outcome
    }

    pub fn store(&mut self) -> &mut Store {
        &mut self.store
    }

    // Company ------------------------------------------------------------

    pub fn company(&mut self) -> Result<Option<Company>> {
        self.store.read(load_company)
    }

    /// Sets the seller's identity and defaults after checking its
    /// identifiers.
    pub fn set_company(&mut self, company: &Company) -> Result<()> {
        self.batch(|batch| batch.set_company(company))?;
        tracing::info!("company settings saved");
        Ok(())
    }

    // Customers and catalogue ---------------------------------------------

    pub fn add_customer(&mut self, customer: &Customer) -> Result<i64> {
        self.store.write(|tx| customers::insert(tx, customer))
    }

    pub fn update_customer(&mut self, customer: &Customer) -> Result<()> {
        self.store.write(|tx| customers::update(tx, customer))
    }

    pub fn customer(&mut self, id: i64) -> Result<Option<Customer>> {
        self.store.read(|tx| customers::get(tx, id))
    }

    pub fn customers(&mut self, search: &str, include_archived: bool) -> Result<Vec<Customer>> {
        self.store
            .read(|tx| customers::list(tx, search, include_archived))
    }

    pub fn set_customer_archived(&mut self, id: i64, archived: bool) -> Result<()> {
        self.store
            .write(|tx| customers::set_archived(tx, id, archived))
    }

    pub fn add_product(&mut self, product: &catalog::Product) -> Result<i64> {
        self.store.write(|tx| catalog::insert_product(tx, product))
    }

    pub fn update_product(&mut self, product: &catalog::Product) -> Result<()> {
        self.store.write(|tx| catalog::update_product(tx, product))
    }

    pub fn products(
        &mut self,
        search: &str,
        include_archived: bool,
    ) -> Result<Vec<catalog::Product>> {
        self.store
            .read(|tx| catalog::list_products(tx, search, include_archived))
    }

    pub fn add_price_list(&mut self, list: &catalog::PriceList) -> Result<i64> {
        self.store.write(|tx| catalog::insert_price_list(tx, list))
    }

    pub fn price_lists(&mut self) -> Result<Vec<catalog::PriceList>> {
        self.store.read(catalog::list_price_lists)
    }

    /// Sets a catalogue price and moves every unlocked draft that uses the
    /// price list to it, in the same transaction.
    pub fn set_price(&mut self, item: &catalog::PriceListItem) -> Result<Vec<DocumentId>> {
        self.store.write(|tx| {
            catalog::set_price(tx, item)?;
            let drafts: Vec<DocumentId> = tx
                .prepare(
                    "SELECT id FROM documents WHERE price_list_id = ?1 AND price_locked = 0
                       AND (state = 'draft' OR (kind IN ('quote', 'order') AND stage IN ('draft', 'open')))",
                )?
                .query_map([item.price_list_id], |row| row.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut repriced = Vec::new();
            for id in drafts {
                if reprice_and_save(tx, id)? {
                    settle(tx, id)?;
                    repriced.push(id);
                }
            }
            Ok(repriced)
        })
    }

    // Drafts --------------------------------------------------------------

    /// Creates a draft of `kind` from its JSON form; returns its id.
    pub fn create_draft(&mut self, kind: DocumentKind, input: &DraftInput) -> Result<DocumentId> {
        self.batch(|batch| batch.create_draft(kind, input))
    }

    /// Saves a draft edited in the app: overwrites header and content.
    pub fn save_draft(&mut self, id: DocumentId, header: &Header, content: &Content) -> Result<()> {
        self.store.write(|tx| {
            let mut content = content.clone();
            if !header.price_locked {
                apply_list_prices(tx, header, &mut content)?;
            }
            let totals = compute_totals(header, &content, Decimal::ZERO)?;
            documents::replace_draft(tx, id, header, &content, &totals)?;
            settle(tx, id)
        })
    }

    /// Builds a header and content from JSON without saving, for previews.
    pub fn preview_draft(
        &mut self,
        kind: DocumentKind,
        input: &DraftInput,
    ) -> Result<(Header, Content, Totals)> {
        self.store.read(|tx| {
            let (header, content) = build_draft_readonly(tx, kind, input)?;
            let totals = compute_totals(&header, &content, Decimal::ZERO)?;
            Ok((header, content, totals))
        })
    }

    /// Discards a draft. Drafts have no number, so no series gets a gap.
    pub fn discard_draft(&mut self, id: DocumentId) -> Result<()> {
        self.store.write(|tx| documents::delete_draft(tx, id))?;
        tracing::info!(document = id, "draft discarded");
        Ok(())
    }

    // Reading -------------------------------------------------------------

    pub fn find(&mut self, number_or_id: &str) -> Result<DocumentId> {
        let key = number_or_id.trim();
        self.store.read(|tx| resolve(tx, key))
    }

    pub fn view(&mut self, id: DocumentId, today: NaiveDate) -> Result<DocumentView> {
        self.store.read(|tx| view(tx, id, today))
    }

    /// Lists the mandatory mentions a draft lacks, and the warnings.
    pub fn checklist(&mut self, id: DocumentId) -> Result<Vec<Finding>> {
        self.store.read(|tx| {
            let document = require_document(tx, id)?;
            let company = load_company(tx)?;
            let buyer = current_buyer(tx, &document)?;
            let mut findings = compliance::check(
                company.as_ref(),
                &document.header,
                &buyer,
                &document.content,
            );
            findings.extend(archive::footer_finding(tx)?);
            Ok(findings)
        })
    }

    /// Lists one page of documents (`limit` from `offset`, in list order) and
    /// the number of documents the filter matches.
    pub fn list_page(
        &mut self,
        filter: &ListFilter,
        today: NaiveDate,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<ListedDocument>, usize)> {
        self.store.read(|tx| {
            let selection = documents::Selection::new(tx, filter)?;
            let summaries = documents::list_selected(tx, &selection, offset, Some(limit))?;
            let matching = documents::count_selected(tx, &selection)?;
            Ok((with_status(tx, summaries, today)?, matching))
        })
    }

    pub fn list(&mut self, filter: &ListFilter, today: NaiveDate) -> Result<Vec<ListedDocument>> {
        self.store.read(|tx| list(tx, filter, today))
    }

    /// Counts and sums invoices per status from the balance index, without
    /// loading the documents.
    pub fn board(&mut self, filter: &ListFilter, today: NaiveDate) -> Result<Board> {
        self.store.read(|tx| {
            let currency = load_company(tx)?
                .map(|company| company.currency)
                .unwrap_or_default();
            let selection = documents::Selection::new(tx, filter)?;
            let sums = balances::board_sums(tx, &selection, today, currency)?;
            Ok(board_from_sums(&sums, currency))
        })
    }

    /// Reads the status board's content for `filter` in one read transaction,
    /// running its search once. It returns the board figures, the number of
    /// matching documents, page `page` of `page_size` rows (the last page when
    /// `page` is past it), and the invoiced and collected sums per month from
    /// `chart_from` on.
    pub fn board_page(
        &mut self,
        filter: &ListFilter,
        today: NaiveDate,
        page: usize,
        page_size: usize,
        chart_from: NaiveDate,
    ) -> Result<BoardData> {
        let page_size = page_size.max(1);
        self.store.read(|tx| {
            let currency = load_company(tx)?
                .map(|company| company.currency)
                .unwrap_or_default();
            let selection = documents::Selection::new(tx, filter)?;
            let sums = balances::board_sums(tx, &selection, today, currency)?;
            let matching = documents::count_selected(tx, &selection)?;
            let page = page.min(matching.saturating_sub(1) / page_size);
            let summaries =
                documents::list_selected(tx, &selection, page * page_size, Some(page_size))?;
            let months = balances::monthly_sums(tx, &selection, chart_from, currency)?;
            Ok(BoardData {
                board: board_from_sums(&sums, currency),
                rows: with_status(tx, summaries, today)?,
                matching,
                page,
                months,
            })
        })
    }

    // Issuing -------------------------------------------------------------

    /// Issues a draft: checks the mandatory mentions, draws the next number
    /// of its series, freezes seller, buyer and content, and journals it, all
    /// in one transaction. Quotes are marked sent and orders confirmed.
    ///
    /// The issue date is `date`, else the draft's date, else today.
    pub fn issue(&mut self, id: DocumentId, date: Option<NaiveDate>) -> Result<String> {
        let number = self.batch(|batch| batch.issue(id, date))?;
        tracing::info!(document = id, "document issued");
        Ok(number)
    }

    // Printed documents ---------------------------------------------------

    /// Returns the PDF template settings, or the defaults when none are saved.
    pub fn template(&mut self) -> Result<Template> {
        self.store.read(archive::load_template)
    }

    /// Saves the PDF template settings; documents issued before keep the
    /// PDF archived when they were issued.
    pub fn set_template(&mut self, template: &Template) -> Result<()> {
        let template = template
            .clone()
            .validated()
            .map_err(|error| StoreError::Rejected(error.to_string()))?;
        self.store
            .write(|tx| archive::save_template(tx, &template))?;
        tracing::info!("template settings saved");
        Ok(())
    }

    /// The PDF of a document: for an issued invoice or credit note, exactly
    /// the bytes archived at issue, a Factur-X PDF unless its currency has
    /// three decimals or it was issued by a version without Factur-X; for
    /// anything else, a fresh rendering with the saved template.
    pub fn pdf(&mut self, id: DocumentId) -> Result<Vec<u8>> {
        let today = today();
        self.store.read(|tx| {
            if let Some((bytes, _)) = archive::stored(tx, id)? {
                return Ok(bytes);
            }
            let view = view(tx, id, today)?;
            let template = archive::load_template(tx)?;
            archive::render(tx, &view, &template)
        })
    }

    /// Renders a document with `template`, ignoring any archived PDF: the
    /// app's live preview of template changes.
    pub fn preview_pdf(&mut self, id: DocumentId, template: &Template) -> Result<Vec<u8>> {
        let today = today();
        self.store.read(|tx| {
            let view = view(tx, id, today)?;
            archive::render(tx, &view, template)
        })
    }

    /// Returns the SHA-256 of the PDF archived at issue, when there is one.
    pub fn archived_pdf_sha256(&mut self, id: DocumentId) -> Result<Option<String>> {
        Ok(self
            .store
            .read(|tx| archive::stored(tx, id))?
            .map(|(_, sha256)| sha256))
    }

    // Defaults ------------------------------------------------------------

    /// Returns the VAT treatment proposed for a line written in without a
    /// catalogue product: the saved one, else the standard rate of 20 %.
    pub fn default_vat(&mut self) -> Result<crate::vat::Vat> {
        self.store.read(defaults::load_default_vat)
    }

    /// Saves the default VAT of new lines after checking that its rate fits
    /// its category. An exempt category without a reason gets the
    /// category's default wording.
    pub fn set_default_vat(&mut self, vat: &crate::vat::Vat) -> Result<()> {
        let vat = vat.clone().validated().map_err(|error| {
            StoreError::Rejected(format!("the default VAT is invalid: {error}"))
        })?;
        self.store
            .write(|tx| defaults::save_default_vat(tx, &vat))?;
        tracing::info!("default VAT saved");
        Ok(())
    }

    // E-mail --------------------------------------------------------------

    pub fn smtp_settings(&mut self) -> Result<Option<SmtpSettings>> {
        self.store.read(mail::load_smtp)
    }

    /// Saves the SMTP account; the password goes to the keyring apart.
    pub fn set_smtp_settings(&mut self, settings: &SmtpSettings) -> Result<()> {
        let settings = settings.clone().validated().map_err(mail::to_store_error)?;
        self.store.write(|tx| mail::save_smtp(tx, &settings))?;
        tracing::info!("SMTP settings saved");
        Ok(())
    }

    /// Builds the e-mail of an issued document with its PDF attached, to `to`, or
    /// to the customer's address when `to` is empty.
    pub fn email_message(&mut self, id: DocumentId, to: &[String]) -> Result<Outgoing> {
        let pdf = self.pdf(id)?;
        let today = today();
        let from = self
            .smtp_settings()?
            .map(|settings| settings.from)
            .unwrap_or_default();
        self.store.read(|tx| {
            let view = view(tx, id, today)?;
            let Some(number) = view.document.number.as_deref() else {
                return rejected(format!(
                    "document {id} is a draft: issue it before sending it"
                ));
            };
            let recipients: Vec<String> = if to.is_empty() {
                view.document.header.buyer.email.iter().cloned().collect()
            } else {
                to.to_vec()
            };
            if recipients.is_empty() {
                return rejected(format!(
                    "the customer of {number} has no e-mail address: give one with --to"
                ));
            }
            let seller = match &view.document.seller {
                Some(seller) => seller.clone(),
                None => load_company(tx)?.unwrap_or_default(),
            };
            // Without an SMTP account (an .eml draft), the company's address
            // is the sender.
            let from = match (from.is_empty(), seller.email.trim()) {
                (false, _) => from.clone(),
                (true, "") => {
                    return rejected(
                        "no sender address: fill in the company's \"email\" or set the SMTP account",
                    );
                }
                (true, email) => format!("{} <{email}>", seller.name),
            };
            let seller = seller.name;
            let language = archive::load_template(tx)?.language;
            Ok(mail::outgoing(&view, &seller, &from, recipients, language, pdf.clone()))
        })
    }

    /// Builds the .eml draft of a document for the user's mail app and logs
    /// it on the document.
    pub fn email_draft(&mut self, id: DocumentId, to: &[String]) -> Result<Vec<u8>> {
        let outgoing = self.email_message(id, to)?;
        self.log_email_draft(id, &outgoing)
    }

    /// Builds the .eml draft of a document with the subject and text the
    /// user edited, and logs it on the document.
    pub fn edited_email_draft(
        &mut self,
        id: DocumentId,
        to: &[String],
        subject: &str,
        body: &str,
    ) -> Result<Vec<u8>> {
        let mut outgoing = self.email_message(id, to)?;
        outgoing.subject = subject.to_string();
        outgoing.body = body.to_string();
        self.log_email_draft(id, &outgoing)
    }

    fn log_email_draft(&mut self, id: DocumentId, outgoing: &Outgoing) -> Result<Vec<u8>> {
        let eml = outgoing.eml_draft().map_err(mail::to_store_error)?;
        self.store
            .write(|tx| mail::log(tx, id, &outgoing.to, "draft", None, None))?;
        tracing::info!(document = id, "e-mail draft written");
        Ok(eml)
    }

    /// Sends a document through the SMTP account and logs the attempt on
    /// it. A failed attempt keeps the message in the log and returns why it
    /// failed. `password` overrides the keyring when given.
    pub fn send_email(
        &mut self,
        id: DocumentId,
        to: &[String],
        password: Option<&str>,
    ) -> Result<Vec<String>> {
        let outgoing = self.email_message(id, to)?;
        self.send_outgoing(id, outgoing, password)
    }

    /// Sends a document with the subject and text the user edited. The PDF
    /// attached is the same as for `send_email`: the archived one once
    /// issued. The attempt is logged on the document as for `send_email`.
    pub fn send_edited_email(
        &mut self,
        id: DocumentId,
        to: &[String],
        subject: &str,
        body: &str,
        password: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut outgoing = self.email_message(id, to)?;
        outgoing.subject = subject.to_string();
        outgoing.body = body.to_string();
        self.send_outgoing(id, outgoing, password)
    }

    fn send_outgoing(
        &mut self,
        id: DocumentId,
        outgoing: Outgoing,
        password: Option<&str>,
    ) -> Result<Vec<String>> {
        let settings = self.smtp_settings()?.ok_or_else(|| {
            StoreError::Rejected(
                "no SMTP account is set: set one in Settings > E-mail account or with `facturier smtp set --json FILE`".into(),
            )
        })?;
        let message = outgoing.message().map_err(mail::to_store_error)?;
        let outcome = match password {
            Some(password) => Ok(Some(password.to_string())),
            None => email::load_password(&settings),
        }
        .and_then(|password| email::send(&settings, password.as_deref(), &message));
        match outcome {
            Ok(()) => {
                self.store
                    .write(|tx| mail::log(tx, id, &outgoing.to, "sent", None, None))?;
                tracing::info!(document = id, recipients = outgoing.to.len(), "e-mail sent");
                Ok(outgoing.to)
            }
            Err(error) => {
                let formatted = message.formatted();
                self.store.write(|tx| {
                    mail::log(
                        tx,
                        id,
                        &outgoing.to,
                        "failed",
                        Some(&error),
                        Some(&formatted),
                    )
                })?;
                tracing::warn!(document = id, cause = error.kind(), "e-mail sending failed");
                Err(StoreError::Rejected(format!(
                    "{error} (the message is kept in the document's sending log)"
                )))
            }
        }
    }

    /// Lists every sending attempt of a document, oldest first.
    pub fn email_log(&mut self, id: DocumentId) -> Result<Vec<mail::EmailLogEntry>> {
        self.store.read(|tx| mail::entries(tx, id))
    }

    // Payments ------------------------------------------------------------

    /// Records a payment on an issued invoice; rejects one larger than what
    /// is still owed.
    pub fn record_payment(
        &mut self,
        id: DocumentId,
        amount: Decimal,
        date: NaiveDate,
        method: &str,
        reference: Option<&str>,
    ) -> Result<i64> {
        self.batch(|batch| batch.record_payment(id, amount, date, method, reference))
    }

    /// Changes a payment. The new amount is checked against what is owed
    /// without the payment being changed.
    pub fn change_payment(
        &mut self,
        payment_id: i64,
        amount: Decimal,
        date: NaiveDate,
        method: &str,
        reference: Option<&str>,
    ) -> Result<()> {
        self.store.write(|tx| {
            let old = payments::require(tx, payment_id)?;
            let view = view(tx, old.document_id, date)?;
            check_payment(&view, amount, old.amount, date)?;
            let payment = Payment {
                id: payment_id,
                document_id: old.document_id,
                date,
                amount: view.totals.currency.round(amount),
                method: normalized_method(method),
                reference: reference.map(str::to_string),
            };
            payments::update(tx, &payment)?;
            settle(tx, old.document_id)?;
            journal_payment(tx, Event::PaymentChanged, &view, payment_id, Some(&payment))
        })
    }

    pub fn delete_payment(&mut self, payment_id: i64) -> Result<()> {
        self.store.write(|tx| {
            let old = payments::require(tx, payment_id)?;
            let view = view(tx, old.document_id, old.date)?;
            payments::delete(tx, payment_id)?;
            settle(tx, old.document_id)?;
            journal_payment(tx, Event::PaymentDeleted, &view, payment_id, None)
        })
    }

    // Cancelling ----------------------------------------------------------

    /// Issues a credit note that cancels an issued invoice, in full or for
    /// the selected lines and quantities; returns its number.
    pub fn cancel(
        &mut self,
        invoice_id: DocumentId,
        selection: Option<&CreditSelection>,
        date: Option<NaiveDate>,
    ) -> Result<String> {
        let number = self.batch(|batch| batch.cancel(invoice_id, selection, date))?;
        tracing::info!(document = invoice_id, "credit note issued");
        Ok(number)
    }

    // Quotes and orders ---------------------------------------------------

    /// Converts a quote into an order, or a quote or order into an invoice
    /// draft, carrying customer, price list, currency, lines, allowances,
    /// charges and the price lock. Returns the new draft's id.
    pub fn convert(&mut self, source_id: DocumentId, target: DocumentKind) -> Result<DocumentId> {
        self.store.write(|tx| {
            let source = require_document(tx, source_id)?;
            let allowed = matches!(
                (source.header.kind, target),
                (DocumentKind::Quote, DocumentKind::Order)
                    | (DocumentKind::Quote, DocumentKind::Invoice)
                    | (DocumentKind::Order, DocumentKind::Invoice)
            );
            if !allowed {
                return rejected(format!(
                    "a {} cannot be converted into a {}: quotes become orders or invoices, orders become invoices",
                    source.header.kind.as_str(),
                    target.as_str().replace('_', " ")
                ));
            }
            if matches!(source.stage.as_deref(), Some("refused" | "expired" | "cancelled")) {
                return rejected(format!(
                    "{} {} is {} and cannot be converted",
                    source.header.kind.as_str(),
                    source.number.as_deref().unwrap_or("(draft)"),
                    source.stage.as_deref().unwrap_or_default()
                ));
            }
            let mut header = source.header.clone();
            header.kind = target;
            header.issue_date = None;
            header.valid_until = None;
            let totals = compute_totals(&header, &source.content, Decimal::ZERO)?;
            let id = documents::insert_draft(
                tx,
                &header,
                &source.content,
                &totals,
                initial_stage(target),
                Some(source_id),
                None,
            )?;
            settle(tx, id)?;
            let stage = match (source.header.kind, target) {
                (DocumentKind::Quote, _) => "accepted",
                _ => "fulfilled",
            };
            documents::set_stage(tx, source_id, stage)?;
            Ok(id)
        })
    }

    /// Sets the status of a quote (sent, accepted, refused, expired) or an
    /// order (open, fulfilled, cancelled).
    pub fn set_stage(&mut self, id: DocumentId, stage: &str) -> Result<()> {
        self.store.write(|tx| {
            let document = require_document(tx, id)?;
            let valid = match document.header.kind {
                DocumentKind::Quote => serde_json::from_value::<QuoteStatus>(serde_json::Value::from(stage)).is_ok(),
                DocumentKind::Order => serde_json::from_value::<OrderStatus>(serde_json::Value::from(stage)).is_ok(),
                _ => false,
            };
            if !valid {
                return rejected(format!(
                    "\"{stage}\" is not a status of a {}: quotes are draft, sent, accepted, refused or expired; orders are open, fulfilled or cancelled",
                    document.header.kind.as_str().replace('_', " ")
                ));
            }
            documents::set_stage(tx, id, stage)
        })
    }

    // Price lock ----------------------------------------------------------

    /// Lists the prices the price list would change on this document's
    /// catalogue lines, without changing them.
    pub fn price_changes(&mut self, id: DocumentId) -> Result<Vec<PriceChange>> {
        self.store.read(|tx| {
            let document = require_document(tx, id)?;
            price_changes(tx, &document.header, &document.content)
        })
    }

    /// Locks or unlocks a draft's pricing. Unlocking moves catalogue lines to
    /// the price list and returns what changed.
    pub fn set_price_lock(&mut self, id: DocumentId, locked: bool) -> Result<Vec<PriceChange>> {
        self.store.write(|tx| {
            let document = require_document(tx, id)?;
            documents::require_draft(tx, id)?;
            let changes = if locked {
                Vec::new()
            } else {
                price_changes(tx, &document.header, &document.content)?
            };
            let mut header = document.header.clone();
            header.price_locked = locked;
            let mut content = document.content.clone();
            if !locked {
                apply_list_prices(tx, &header, &mut content)?;
            }
            let totals = compute_totals(&header, &content, Decimal::ZERO)?;
            documents::replace_draft(tx, id, &header, &content, &totals)?;
            settle(tx, id)?;
            Ok(changes)
        })
    }

    /// Writes the EN 16931 CII XML of an issued invoice or credit note, with
    /// the seller frozen at issue.
    pub fn einvoice_xml(&mut self, id: DocumentId) -> Result<String> {
        let view = self.view(id, today())?;
        let seller = match view.document.seller.clone() {
            Some(seller) => seller,
            None => self.company()?.unwrap_or_default(),
        };
        crate::einvoice::cii::write(&view, &seller)
            .map_err(|error| StoreError::Rejected(error.to_string()))
    }

    // Reports -------------------------------------------------------------

    /// VAT collected per month and per (category, rate) for issued invoices
    /// less credit notes, from the same computation as the documents.
    pub fn vat_report(&mut self, from: NaiveDate, to: NaiveDate) -> Result<Vec<VatReportRow>> {
        self.store.read(|tx| vat_report(tx, from, to))
    }
}

/// One row of the VAT report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatReportRow {
    /// "YYYY-MM".
    pub month: String,
    pub currency: Currency,
    pub category: String,
    pub rate: Decimal,
    pub taxable_amount: Decimal,
    pub tax_amount: Decimal,
}

/// Recomputes the stored balance row of an invoice or credit note after a
/// change, in the caller's transaction; quotes and orders have none.
fn settle(tx: &Transaction<'_>, id: DocumentId) -> Result<()> {
    match balance_of(tx, id)? {
        Some((balance, currency)) => {
            balances::store(tx, &balance, currency)?;
            balances::store_collected(tx, id, currency)
        }
        None => Ok(()),
    }
}

/// Computes the balance row of an invoice or credit note from its document,
/// payments and credit notes, with the company currency it is expressed in.
pub fn balance_of(
    tx: &Transaction<'_>,
    id: DocumentId,
) -> Result<Option<(balances::Balance, Currency)>> {
    let view = view(tx, id, today())?;
    let document = &view.document;
    let kind = document.header.kind;
    if !kind.is_legal() {
        return Ok(None);
    }
    let company_currency = load_company(tx)?
        .map(|company| company.currency)
        .unwrap_or_default();
    let totals = &view.totals;
    let stored = &document.stored_totals;
    // Issued documents use their frozen company-currency totals; a draft is
    // converted at its provisional rate, if any.
    let (net, total) = match (
        stored.company_tax_exclusive_total,
        stored.company_tax_inclusive_total,
    ) {
        (Some(net), Some(total)) => (Some(net), Some(total)),
        _ if document.header.currency == company_currency => (
            Some(totals.tax_exclusive_total),
            Some(totals.tax_inclusive_total),
        ),
        _ => match document.header.exchange_rate {
            Some(rate) => (
                Some(company_currency.round(totals.tax_exclusive_total * rate)),
                Some(company_currency.round(totals.tax_inclusive_total * rate)),
            ),
            None => (None, None),
        },
    };
    let due = total.map(|company_total| {
        if totals.tax_inclusive_total.is_zero() {
            Decimal::ZERO
        } else {
            company_currency.round(view.balance * company_total / totals.tax_inclusive_total)
        }
    });
    let balance = balances::Balance {
        document_id: id,
        kind,
        status: balances::status_word(kind, view.status),
        customer_id: document.header.customer_id,
        issue_date: document.header.issue_date,
        due_date: document.due_date,
        net,
        total,
        due: if document.issued {
            due
        } else {
            Some(Decimal::ZERO)
        },
    };
    Ok(Some((balance, company_currency)))
}

fn load_company(tx: &Transaction<'_>) -> Result<Option<Company>> {
    let json: Option<String> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT data FROM company WHERE id = 1",
        [],
        |row| row.get(0),
    ))?;
    json.map(|json| store::json_from("company.data", &json))
        .transpose()
}

fn initial_stage(kind: DocumentKind) -> Option<&'static str> {
    match kind {
        DocumentKind::Quote => Some("draft"),
        DocumentKind::Order => Some("open"),
        _ => None,
    }
}

fn normalized_method(method: &str) -> String {
    let trimmed = method.trim();
    if trimmed.is_empty() {
        "transfer".to_string()
    } else {
        trimmed.to_string()
    }
}

fn require_document(tx: &Transaction<'_>, id: DocumentId) -> Result<StoredDocument> {
    documents::load(tx, id)?.ok_or_else(|| {
        StoreError::Rejected(format!(
            "document {id} not found: list documents with `facturier invoice list`"
        ))
    })
}

/// Finds a document by number, or by id when the key is all digits and no
/// document has that number.
fn resolve(tx: &Transaction<'_>, key: &str) -> Result<DocumentId> {
    if let Some(id) = documents::find_by_number(tx, key, None)? {
        return Ok(id);
    }
    if let Ok(id) = key.parse::<DocumentId>() {
        if documents::load(tx, id)?.is_some() {
            return Ok(id);
        }
    }
    rejected(format!(
        "no document has number or id \"{key}\": list documents with `facturier invoice list`"
    ))
}

fn compute_totals(header: &Header, content: &Content, paid: Decimal) -> Result<Totals> {
    calc::compute(content, header.currency, paid, Decimal::ZERO)
        .map_err(|error| StoreError::Rejected(error.to_string()))
}

/// Returns the buyer as it would be printed now: the customer record for a
/// draft, the frozen copy for an issued document.
fn current_buyer(tx: &Transaction<'_>, document: &StoredDocument) -> Result<Party> {
    if document.issued {
        return Ok(document.header.buyer.clone());
    }
    match document.header.customer_id {
        Some(customer_id) => Ok(customers::get(tx, customer_id)?
            .map(|customer| customer.party)
            .unwrap_or_else(|| document.header.buyer.clone())),
        None => Ok(document.header.buyer.clone()),
    }
}

fn view(tx: &Transaction<'_>, id: DocumentId, today: NaiveDate) -> Result<DocumentView> {
    let mut document = require_document(tx, id)?;
    if !document.issued {
        document.header.buyer = current_buyer(tx, &document)?;
    }
    let payments = payments::for_document(tx, id)?;
    let paid: Decimal = payments.iter().map(|payment| payment.amount).sum();
    let totals = compute_totals(&document.header, &document.content, paid)?;

    let mut credit_notes = Vec::new();
    let mut credited = Decimal::ZERO;
    let mut statement = tx.prepare_cached(
        "SELECT number, tax_inclusive_total FROM documents WHERE corrects_id = ?1 AND state = 'issued' ORDER BY seq",
    )?;
    let rows = statement.query_map([id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (number, total) = row?;
        credited += store::decimal_from("documents.tax_inclusive_total", &total)?;
        credit_notes.push(number);
    }
    let corrects = match document.corrects_id {
        Some(invoice_id) => documents::load(tx, invoice_id)?
            .and_then(|invoice| Some((invoice.number?, invoice.header.issue_date?))),
        None => None,
    };

    let status = if !document.issued {
        InvoiceStatus::Draft
    } else if document.header.kind == DocumentKind::Invoice {
        status_of(totals.tax_inclusive_total, paid, credited)
    } else {
        InvoiceStatus::Paid
    };
    let balance = if document.header.kind == DocumentKind::Invoice {
        totals.amount_due - credited
    } else {
        Decimal::ZERO
    };
    let overdue = matches!(status, InvoiceStatus::Open | InvoiceStatus::Partial)
        && document.due_date.is_some_and(|due| due < today);
    let company_totals = match (document.header.exchange_rate, load_company(tx)?) {
        (Some(rate), Some(company)) => Some(totals.in_company_currency(company.currency, rate)),
        _ => None,
    };
    Ok(DocumentView {
        document,
        totals,
        company_totals,
        status,
        overdue,
        paid,
        credited,
        balance,
        payments,
        corrects,
        credit_notes,
    })
}

fn list(
    tx: &Transaction<'_>,
    filter: &ListFilter,
    today: NaiveDate,
) -> Result<Vec<ListedDocument>> {
    let summaries = documents::list(tx, filter)?;
    with_status(tx, summaries, today)
}

/// Derives the status and balance of listed documents from their payments
/// and credit notes, reading those of the listed documents only.
fn with_status(
    tx: &Transaction<'_>,
    summaries: Vec<documents::DocumentSummary>,
    today: NaiveDate,
) -> Result<Vec<ListedDocument>> {
    let company_currency = load_company(tx)?
        .map(|company| company.currency)
        .unwrap_or_default();
    let ids = serde_json::to_string(
        &summaries
            .iter()
            .map(|summary| summary.id)
            .collect::<Vec<_>>(),
    )
    .unwrap_or_else(|_| "[]".to_string());

    let mut paid_by_document: HashMap<DocumentId, Decimal> = HashMap::new();
    let mut statement = tx.prepare_cached(
        "SELECT document_id, amount FROM payments WHERE document_id IN (SELECT value FROM json_each(?1))",
    )?;
    for row in statement.query_map([&ids], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })? {
        let (id, amount) = row?;
        *paid_by_document.entry(id).or_default() +=
            store::decimal_from("payments.amount", &amount)?;
    }
    let mut credited_by_document: HashMap<DocumentId, Decimal> = HashMap::new();
    let mut statement = tx.prepare_cached(
        "SELECT corrects_id, tax_inclusive_total FROM documents
         WHERE corrects_id IN (SELECT value FROM json_each(?1)) AND state = 'issued'",
    )?;
    for row in statement.query_map([&ids], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
    })? {
        let (id, total) = row?;
        *credited_by_document.entry(id).or_default() +=
            store::decimal_from("documents.tax_inclusive_total", &total)?;
    }

    Ok(summaries
        .into_iter()
        .map(|summary| {
            let paid = paid_by_document
                .get(&summary.id)
                .copied()
                .unwrap_or_default();
            let credited = credited_by_document
                .get(&summary.id)
                .copied()
                .unwrap_or_default();
            let is_invoice = summary.kind == DocumentKind::Invoice;
            let status = if !summary.issued {
                InvoiceStatus::Draft
            } else if is_invoice {
                status_of(summary.tax_inclusive_total, paid, credited)
            } else {
                InvoiceStatus::Paid
            };
            let balance = if is_invoice && summary.issued {
                summary.tax_inclusive_total - paid - credited
            } else {
                Decimal::ZERO
            };
            let overdue = matches!(status, InvoiceStatus::Open | InvoiceStatus::Partial)
                && summary.due_date.is_some_and(|due| due < today);
            // Issued documents carry their frozen company-currency total;
            // a draft is converted at its provisional rate, if any.
            let company_total = match (summary.company_tax_inclusive_total, summary.exchange_rate) {
                (Some(total), _) => Some(total),
                (None, _) if summary.currency == company_currency => {
                    Some(summary.tax_inclusive_total)
                }
                (None, Some(rate)) => {
                    Some(company_currency.round(summary.tax_inclusive_total * rate))
                }
                (None, None) => None,
            };
            let company_balance = company_total.map(|company_total| {
                if summary.tax_inclusive_total.is_zero() {
                    Decimal::ZERO
                } else {
                    company_currency.round(balance * company_total / summary.tax_inclusive_total)
                }
            });
            ListedDocument {
                id: summary.id,
                kind: summary.kind,
                number: summary.number,
                stage: summary.stage,
                status,
                overdue,
                customer_name: summary.customer_name,
                issue_date: summary.issue_date,
                due_date: summary.due_date,
                currency: summary.currency,
                tax_exclusive_total: summary.tax_exclusive_total,
                tax_total: summary.tax_total,
                tax_inclusive_total: summary.tax_inclusive_total,
                paid,
                credited,
                balance,
                company_total,
                company_balance,
            }
        })
        .collect())
}

/// Builds the board from the per-status sums. Credit notes are not counted
/// as documents on the board: they move their invoice to "cancelled" (in
/// full) and reduce revenue and receivables.
fn board_from_sums(
    sums: &[(
        String,
        DocumentKind,
        balances::StatusSums,
        balances::StatusSums,
    )],
    currency: Currency,
) -> Board {
    let mut board = Board {
        currency,
        ..Board::default()
    };
    for (status, kind, all, overdue) in sums {
        if *kind == DocumentKind::CreditNote {
            if status != "draft" {
                board.revenue -= all.net;
            }
            continue;
        }
        let entry = match status.as_str() {
            "draft" => &mut board.draft,
            "open" => &mut board.open,
            "partial" => &mut board.partial,
            "paid" => &mut board.paid,
            "cancelled" => &mut board.cancelled,
            _ => continue,
        };
        entry.count += all.count;
        entry.total += all.total;
        entry.due += all.due;
        board.unconverted += all.unconverted;
        if status != "draft" {
            board.revenue += all.net;
        }
        if status == "open" || status == "partial" {
            board.receivables += all.due;
            board.overdue.count += overdue.count;
            board.overdue.total += overdue.total;
            board.overdue.due += overdue.due;
        }
    }
    board
}

/// Resolves a JSON draft into a header and content, creating an inline
/// customer when it is new.
fn build_draft(
    tx: &Transaction<'_>,
    kind: DocumentKind,
    input: &DraftInput,
) -> Result<(Header, Content)> {
    let customer = match (&input.customer_id, &input.customer) {
        (Some(_), Some(_)) => {
            return rejected("give either \"customer_id\" or \"customer\", not both");
        }
        (Some(id), None) => Some(customers::get(tx, *id)?.ok_or_else(|| {
            StoreError::Rejected(format!(
                "customer {id} not found: list customers with `facturier customer list`"
            ))
        })?),
        (None, Some(inline)) => Some(find_or_create_customer(tx, inline)?),
        (None, None) => None,
    };
    resolve_draft(tx, kind, input, customer)
}

fn build_draft_readonly(
    tx: &Transaction<'_>,
    kind: DocumentKind,
    input: &DraftInput,
) -> Result<(Header, Content)> {
    let customer = match (&input.customer_id, &input.customer) {
        (Some(id), _) => customers::get(tx, *id)?,
        (None, Some(inline)) => Some(Customer {
            party: inline.party(),
            ..Customer::default()
        }),
        (None, None) => None,
    };
    resolve_draft(tx, kind, input, customer)
}

fn find_or_create_customer(
    tx: &Transaction<'_>,
    inline: &crate::input::CustomerInput,
) -> Result<Customer> {
    let party = inline.party();
    if let Some(existing) = customers::find_by_name(tx, &party.name)? {
        let same_siren = match (&existing.party.siren, &party.siren) {
            (Some(a), Some(b)) => crate::identifiers::compact(a) == crate::identifiers::compact(b),
            _ => true,
        };
        if same_siren {
            return Ok(existing);
        }
    }
    let currency = match &inline.currency {
        Some(code) => Currency::from_code(code)
            .map_err(|error| StoreError::Rejected(format!("customer.currency: {error}")))?,
        None => Currency::EUR,
    };
    let mut customer = Customer {
        id: 0,
        party,
        currency,
        payment_terms: inline.payment_terms,
        price_list_id: inline.price_list_id,
        archived: false,
    };
    customer.id = customers::insert(tx, &customer)?;
    Ok(customer)
}

fn resolve_draft(
    tx: &Transaction<'_>,
    kind: DocumentKind,
    input: &DraftInput,
    customer: Option<Customer>,
) -> Result<(Header, Content)> {
    let company = load_company(tx)?;
    let invalid = |message: String| StoreError::Rejected(message);
    let currency = match &input.currency {
        Some(code) => {
            Currency::from_code(code).map_err(|error| invalid(format!("currency: {error}")))?
        }
        None => customer
            .as_ref()
            .map(|customer| customer.currency)
            .or(company.as_ref().map(|company| company.currency))
            .unwrap_or_default(),
    };
    let exchange_rate = match &input.exchange_rate {
        Some(text) => {
            let rate = text
                .parse("exchange_rate", "exchange rate")
                .map_err(invalid)?;
            if rate <= Decimal::ZERO {
                return rejected(format!("exchange_rate: {rate} must be above zero"));
            }
            Some(rate)
        }
        None => None,
    };
    let company_currency = company
        .as_ref()
        .map(|company| company.currency)
        .unwrap_or_default();
    let exchange_rate = if currency == company_currency {
        None
    } else {
        exchange_rate
    };
    let payment_terms = input
        .payment_terms
        .or(customer
            .as_ref()
            .and_then(|customer| customer.payment_terms))
        .or(company.as_ref().map(|company| company.default_terms))
        .unwrap_or_default();
    let price_list_id = input.price_list_id.or(customer
        .as_ref()
        .and_then(|customer| customer.price_list_id));
    if let Some(list_id) = price_list_id {
        let list = catalog::get_price_list(tx, list_id)?
            .ok_or_else(|| invalid(format!("price_list_id: price list {list_id} not found")))?;
        if list.currency != currency {
            return rejected(format!(
                "price list \"{}\" is in {} but the document is in {}: choose a price list in {}",
                list.name, list.currency, currency, currency
            ));
        }
    }
    let header = Header {
        kind,
        customer_id: customer
            .as_ref()
            .map(|customer| customer.id)
            .filter(|id| *id > 0),
        buyer: customer.map(|customer| customer.party).unwrap_or_default(),
        currency,
        exchange_rate,
        price_list_id,
        price_locked: input.price_locked,
        issue_date: input.issue_date,
        payment_terms,
        delivery_date: input.delivery_date,
        purchase_order_ref: input.purchase_order_ref.clone(),
        buyer_reference: input.buyer_reference.clone(),
        note: input.note.clone(),
        valid_until: input.valid_until,
    };

    let price_date = header.issue_date.unwrap_or_else(today);
    let mut content = Content::default();
    for (index, line) in input.lines.iter().enumerate() {
        let path = format!("lines[{index}]");
        content
            .lines
            .push(resolve_line(tx, &header, price_date, line, &path)?);
    }
    for (is_charge, entries) in [(false, &input.allowances), (true, &input.charges)] {
        for (index, entry) in entries.iter().enumerate() {
            let path = format!(
                "{}[{index}]",
                if is_charge { "charges" } else { "allowances" }
            );
            let resolved = AllowanceCharge {
                amount: entry
                    .amount
                    .as_ref()
                    .map(|text| text.parse(&format!("{path}.amount"), "amount"))
                    .transpose()
                    .map_err(invalid)?,
                percent: entry
                    .percent
                    .as_ref()
                    .map(|text| text.parse(&format!("{path}.percent"), "percentage"))
                    .transpose()
                    .map_err(invalid)?,
                reason: entry.reason.clone().unwrap_or_default(),
                reason_code: entry.reason_code.clone(),
                vat: entry
                    .vat
                    .as_ref()
                    .map(|vat| vat.to_vat(&format!("{path}.vat")))
                    .transpose()
                    .map_err(invalid)?,
            };
            if is_charge {
                content.charges.push(resolved);
            } else {
                content.allowances.push(resolved);
            }
        }
    }
    // Computing now rejects a bad line before anything is saved.
    compute_totals(&header, &content, Decimal::ZERO)?;
    Ok((header, content))
}

fn resolve_line(
    tx: &Transaction<'_>,
    header: &Header,
    price_date: NaiveDate,
    input: &crate::input::LineInput,
    path: &str,
) -> Result<Line> {
    let invalid = |message: String| StoreError::Rejected(message);
    let product = match (&input.product_id, &input.product_code) {
        (Some(id), _) => Some(
            catalog::get_product(tx, *id)?.ok_or_else(|| invalid(format!("{path}.product_id: product {id} not found")))?,
        ),
        (None, Some(code)) => Some(catalog::find_product_by_code(tx, code)?.ok_or_else(|| {
            invalid(format!(
                "{path}.product_code: no product has code \"{code}\": list them with `facturier product list`"
            ))
        })?),
        (None, None) => None,
    };
    let quantity = input
        .quantity
        .parse(&format!("{path}.quantity"), "quantity")
        .map_err(invalid)?;
    check_scale(quantity, calc::QUANTITY_DECIMALS, "quantity")
        .map_err(|error| invalid(format!("{path}: {error}")))?;
    let vat = match (&input.vat, &product) {
        (Some(vat), _) => vat.to_vat(&format!("{path}.vat")).map_err(invalid)?,
        (None, Some(product)) => product.vat.clone(),
        (None, None) => {
            return rejected(format!(
                "{path}.vat: give the VAT category and rate, such as {{\"category\": \"S\", \"rate\": \"20\"}}"
            ));
        }
    };
    let unit = input
        .unit
        .clone()
        .or(product.as_ref().map(|product| product.unit.clone()))
        .unwrap_or_else(|| "C62".to_string());
    crate::units::check_unit(&unit).map_err(|error| invalid(format!("{path}.unit: {error}")))?;
    let base_quantity = match &input.base_quantity {
        Some(text) => text
            .parse(&format!("{path}.base_quantity"), "base quantity")
            .map_err(invalid)?,
        None => Decimal::ONE,
    };
    let description = input
        .description
        .clone()
        .or(product
            .as_ref()
            .map(|product| match product.description.trim() {
                "" => product.name.clone(),
                description => format!("{}\n{description}", product.name),
            }))
        .ok_or_else(|| {
            invalid(format!(
                "{path}.description: describe the product or service"
            ))
        })?;

    let (unit_price, base_quantity, price_source) = match (
        &input.unit_price,
        &product,
        header.price_list_id,
    ) {
        (Some(text), _, _) => (
            text.parse(&format!("{path}.unit_price"), "unit price")
                .map_err(invalid)?,
            base_quantity,
            PriceSource::Manual,
        ),
        (None, Some(product), Some(list_id)) => {
            let item = catalog::price_on(tx, list_id, product.id, price_date)?.ok_or_else(|| {
                invalid(format!(
                    "{path}: product {} has no price in price list {list_id} on {price_date}: give \"unit_price\" or set its price",
                    product.code
                ))
            })?;
            (item.unit_price, item.base_quantity, PriceSource::Catalogue)
        }
        _ => {
            return rejected(format!(
                "{path}.unit_price: give the unit price excluding VAT, such as \"45.00\""
            ));
        }
    };
    check_scale(unit_price, calc::PRICE_DECIMALS, "unit price")
        .map_err(|error| invalid(format!("{path}: {error}")))?;
    let discount = input
        .discount
        .as_ref()
        .map(|discount| discount.to_discount(&format!("{path}.discount")))
        .transpose()
        .map_err(invalid)?;
    Ok(Line {
        product_id: product.as_ref().map(|product| product.id),
        item_code: product.as_ref().map(|product| product.code.clone()),
        description,
        quantity,
        unit,
        unit_price,
        base_quantity,
        discount,
        vat,
        delivery_date: input.delivery_date,
        price_source,
    })
}

/// Lists the price list prices that catalogue lines would take.
fn price_changes(
    tx: &Transaction<'_>,
    header: &Header,
    content: &Content,
) -> Result<Vec<PriceChange>> {
    let Some(list_id) = header.price_list_id else {
        return Ok(Vec::new());
    };
    let date = header.issue_date.unwrap_or_else(today);
    let mut changes = Vec::new();
    for (index, line) in content.lines.iter().enumerate() {
        let (PriceSource::Catalogue, Some(product_id)) = (line.price_source, line.product_id)
        else {
            continue;
        };
        if let Some(item) = catalog::price_on(tx, list_id, product_id, date)? {
            if item.unit_price != line.unit_price || item.base_quantity != line.base_quantity {
                changes.push(PriceChange {
                    line: index + 1,
                    description: line
                        .description
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_string(),
                    current_price: line.unit_price,
                    list_price: item.unit_price,
                });
            }
        }
    }
    Ok(changes)
}

fn apply_list_prices(tx: &Transaction<'_>, header: &Header, content: &mut Content) -> Result<bool> {
    let Some(list_id) = header.price_list_id else {
        return Ok(false);
    };
    let date = header.issue_date.unwrap_or_else(today);
    let mut changed = false;
    for line in &mut content.lines {
        let (PriceSource::Catalogue, Some(product_id)) = (line.price_source, line.product_id)
        else {
            continue;
        };
        if let Some(item) = catalog::price_on(tx, list_id, product_id, date)? {
            if item.unit_price != line.unit_price || item.base_quantity != line.base_quantity {
                line.unit_price = item.unit_price;
                line.base_quantity = item.base_quantity;
                changed = true;
            }
        }
    }
    Ok(changed)
}

fn reprice_and_save(tx: &Transaction<'_>, id: DocumentId) -> Result<bool> {
    let document = require_document(tx, id)?;
    let mut content = document.content.clone();
    if !apply_list_prices(tx, &document.header, &mut content)? {
        return Ok(false);
    }
    let totals = compute_totals(&document.header, &content, Decimal::ZERO)?;
    documents::replace_draft(tx, id, &document.header, &content, &totals)?;
    Ok(true)
}

/// The canonical content that issuing hashes: everything printed on the
/// document.
#[derive(Serialize)]
struct FrozenContent<'a> {
    kind: DocumentKind,
    number: &'a str,
    issue_date: NaiveDate,
    due_date: Option<NaiveDate>,
    seller: &'a Company,
    buyer: &'a Party,
    header: &'a Header,
    content: &'a Content,
    totals: &'a Totals,
    corrects: Option<&'a str>,
}

fn issue(
    tx: &Transaction<'_>,
    id: DocumentId,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<String> {
    let document = require_document(tx, id)?;
    if document.issued {
        return rejected(format!(
            "{} {} is already issued",
            document.header.kind.as_str().replace('_', " "),
            document.number.as_deref().unwrap_or_default()
        ));
    }
    let company = load_company(tx)?;
    let mut header = document.header.clone();
    header.issue_date = Some(date.or(header.issue_date).unwrap_or(today));
    let issue_date = header.issue_date.unwrap_or(today);
    let buyer = current_buyer(tx, &document)?;
    header.buyer = buyer.clone();

    let mut content = document.content.clone();
    if !header.price_locked {
        apply_list_prices(tx, &header, &mut content)?;
    }
    if header.kind.is_legal() {
        let mut findings = compliance::check(company.as_ref(), &header, &buyer, &content);
        findings.extend(archive::footer_finding(tx)?);
        if let Some(message) = compliance::blocking_message(&findings) {
            return rejected(message);
        }
    } else if content.lines.is_empty() {
        return rejected("the document has no lines: add at least one product or service");
    }
    let company = company.unwrap_or_default();
    let totals = compute_totals(&header, &content, Decimal::ZERO)?;
    if header.kind == DocumentKind::CreditNote && totals.tax_inclusive_total <= Decimal::ZERO {
        return rejected("a credit note must credit a positive amount");
    }
    if header.kind == DocumentKind::Invoice && totals.tax_inclusive_total.is_sign_negative() {
        return rejected(format!(
            "the invoice total {} is negative: an amount owed to the customer is a credit note, made by cancelling the invoice it corrects",
            totals.tax_inclusive_total
        ));
    }
    // Saving the repriced content first keeps the frozen lines identical to
    // what was hashed and journaled.
    documents::replace_draft(tx, id, &header, &content, &totals)?;

    let series = numbering::default_for(tx, header.kind)?;
    let drawn = numbering::draw(tx, &series, issue_date)?;
    let due_date = match header.kind {
        DocumentKind::Invoice => Some(
            header
                .payment_terms
                .due_date(issue_date)
                .map_err(|error| StoreError::Rejected(error.to_string()))?,
        ),
        _ => None,
    };
    let company_totals = match header.exchange_rate {
        Some(rate) => totals.in_company_currency(company.currency, rate),
        None => totals.in_company_currency(company.currency, Decimal::ONE),
    };
    let corrects = match document.corrects_id {
        Some(invoice_id) => require_document(tx, invoice_id)?.number,
        None => None,
    };
    let frozen = FrozenContent {
        kind: header.kind,
        number: &drawn.number,
        issue_date,
        due_date,
        seller: &company,
        buyer: &buyer,
        header: &header,
        content: &content,
        totals: &totals,
        corrects: corrects.as_deref(),
    };
    let content_sha256 = journal::sha256_hex(store::json_to(&frozen).as_bytes());
    let stage = match header.kind {
        DocumentKind::Quote => Some("sent"),
        _ => None,
    };
    documents::mark_issued(
        tx,
        id,
        &IssueRecord {
            series_id: drawn.series_id,
            number: &drawn.number,
            seq: drawn.seq,
            year: drawn.year,
            issue_date,
            due_date,
            seller: &company,
            buyer: &buyer,
            exchange_rate: header.exchange_rate,
            company_totals: (
                company_totals.tax_exclusive_total,
                company_totals.tax_total,
                company_totals.tax_inclusive_total,
            ),
            content_sha256: &content_sha256,
            stage,
        },
    )?;
    if header.kind.is_legal() {
        // The PDF is rendered once, inside the issuing transaction, so an
        // issued invoice never exists without its archived print.
        let pdf_sha256 = archive::archive_issued(tx, id, today)?;
        let payload = serde_json::json!({
            "kind": header.kind.as_str(),
            "number": drawn.number,
            "issue_date": issue_date,
            "due_date": due_date,
            "currency": header.currency.code(),
            "tax_exclusive_total": totals.tax_exclusive_total.to_string(),
            "tax_total": totals.tax_total.to_string(),
            "tax_inclusive_total": totals.tax_inclusive_total.to_string(),
            "content_sha256": content_sha256,
            "corrects": corrects,
            "pdf_sha256": pdf_sha256,
        });
        journal::append(tx, Event::Issued, Some(id), Some(&drawn.number), &payload)?;
    }
    settle(tx, id)?;
    if let Some(invoice_id) = document.corrects_id {
        settle(tx, invoice_id)?;
    }
    Ok(drawn.number)
}

fn check_payment(
    view: &DocumentView,
    amount: Decimal,
    replaced: Decimal,
    date: NaiveDate,
) -> Result<()> {
    let document = &view.document;
    let number = document.number.as_deref().unwrap_or("(draft)");
    if document.header.kind != DocumentKind::Invoice || !document.issued {
        return rejected(format!(
            "payments are recorded on issued invoices only, and {number} is not one"
        ));
    }
    if amount <= Decimal::ZERO {
        return rejected(format!("payment amount {amount} must be above zero"));
    }
    let currency = view.totals.currency;
    check_scale(amount, currency.decimals(), "payment amount")
        .map_err(|error| StoreError::Rejected(error.to_string()))?;
    if view.status == InvoiceStatus::Cancelled {
        return rejected(format!(
            "invoice {number} is cancelled by a credit note and takes no payment"
        ));
    }
    if let Some(issue_date) = document.header.issue_date {
        if date < issue_date {
            return rejected(format!(
                "payment date {date} is before the invoice date {issue_date} of {number}"
            ));
        }
    }
    // The amount still owed, not counting the payment being replaced.
    let open = view.balance + replaced;
    if amount > open {
        return rejected(format!(
            "payment of {} exceeds the {} {} still due on {number}: record at most {}, and keep the difference as customer credit",
            currency.format_plain(amount),
            currency.format_plain(open),
            currency,
            currency.format_plain(open)
        ));
    }
    Ok(())
}

fn journal_payment(
    tx: &Transaction<'_>,
    event: Event,
    view: &DocumentView,
    payment_id: i64,
    payment: Option<&Payment>,
) -> Result<()> {
    let payload = serde_json::json!({
        "invoice": view.document.number,
        "payment_id": payment_id,
        "date": payment.map(|p| p.date),
        "amount": payment.map(|p| p.amount.to_string()),
        "method": payment.map(|p| p.method.clone()),
    });
    journal::append(
        tx,
        event,
        Some(view.document.id),
        view.document.number.as_deref(),
        &payload,
    )?;
    Ok(())
}

fn draft_credit_note(
    tx: &Transaction<'_>,
    invoice: &DocumentView,
    selection: Option<&CreditSelection>,
    date: NaiveDate,
) -> Result<DocumentId> {
    let document = &invoice.document;
    let number = document.number.as_deref().unwrap_or("(draft)");
    if document.header.kind != DocumentKind::Invoice || !document.issued {
        return rejected(format!(
            "only issued invoices are cancelled by a credit note; {number} is not one (a draft is simply discarded)"
        ));
    }
    if invoice.status == InvoiceStatus::Cancelled {
        return rejected(format!(
            "invoice {number} is already cancelled by credit note {}",
            invoice.credit_notes.join(", ")
        ));
    }
    let content = match selection {
        None => document.content.clone(),
        Some(selected) => {
            let mut lines = Vec::new();
            for (line_number, quantity) in selected {
                let Some(line) = document.content.lines.get(line_number.wrapping_sub(1)) else {
                    return rejected(format!(
                        "invoice {number} has no line {line_number}: it has lines 1 to {}",
                        document.content.lines.len()
                    ));
                };
                if *quantity <= Decimal::ZERO || *quantity > line.quantity.abs() {
                    return rejected(format!(
                        "line {line_number} of {number}: credit a quantity above 0 and at most {}",
                        line.quantity
                    ));
                }
                let mut credited = line.clone();
                credited.quantity = if line.quantity.is_sign_negative() {
                    -*quantity
                } else {
                    *quantity
                };
                if let Some(crate::document::LineDiscount::Amount(amount)) = line.discount {
                    // A fixed discount covers the whole line, so a part of
                    // the line carries its share of it.
                    let share = document
                        .header
                        .currency
                        .round(amount * *quantity / line.quantity.abs());
                    credited.discount = Some(crate::document::LineDiscount::Amount(share));
                }
                lines.push(credited);
            }
            let percent_only = |entries: &[AllowanceCharge]| {
                entries
                    .iter()
                    .filter(|entry| entry.percent.is_some())
                    .cloned()
                    .collect::<Vec<_>>()
            };
            Content {
                lines,
                allowances: percent_only(&document.content.allowances),
                charges: percent_only(&document.content.charges),
            }
        }
    };
    let mut header = document.header.clone();
    header.kind = DocumentKind::CreditNote;
    header.issue_date = Some(date);
    header.price_locked = true;
    header.payment_terms = crate::terms::PaymentTerms::Net { days: 0 };
    let totals = compute_totals(&header, &content, Decimal::ZERO)?;
    let creditable = invoice.totals.tax_inclusive_total - invoice.credited;
    if totals.tax_inclusive_total > creditable {
        return rejected(format!(
            "the credit note would credit {} but only {} of invoice {number} is left to credit",
            totals.tax_inclusive_total, creditable
        ));
    }
    if let Some(invoice_date) = document.header.issue_date {
        if date < invoice_date {
            return rejected(format!(
                "the credit note date {date} is before the invoice date {invoice_date}"
            ));
        }
    }
    documents::insert_draft(
        tx,
        &header,
        &content,
        &totals,
        None,
        Some(document.id),
        Some(document.id),
    )
}

fn vat_report(tx: &Transaction<'_>, from: NaiveDate, to: NaiveDate) -> Result<Vec<VatReportRow>> {
    let ids: Vec<DocumentId> = tx
        .prepare(
            "SELECT id FROM documents WHERE state = 'issued' AND kind IN ('invoice', 'credit_note')
               AND issue_date >= ?1 AND issue_date <= ?2 ORDER BY issue_date, id",
        )?
        .query_map([from.to_string(), to.to_string()], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut sums: std::collections::BTreeMap<
        (String, String, String, Decimal),
        (Decimal, Decimal),
    > = std::collections::BTreeMap::new();
    for id in ids {
        let document = require_document(tx, id)?;
        let totals = compute_totals(&document.header, &document.content, Decimal::ZERO)?;
        let sign = if document.header.kind == DocumentKind::CreditNote {
            Decimal::NEGATIVE_ONE
        } else {
            Decimal::ONE
        };
        let month = document
            .header
            .issue_date
            .map(|d| d.format("%Y-%m").to_string())
            .unwrap_or_default();
        for entry in &totals.vat_breakdown {
            let key = (
                month.clone(),
                document.header.currency.code().to_string(),
                entry.vat.category.code().to_string(),
                entry.vat.rate,
            );
            let sum = sums.entry(key).or_default();
            sum.0 += sign * entry.taxable_amount;
            sum.1 += sign * entry.tax_amount;
        }
    }
    sums.into_iter()
        .map(
            |((month, currency, category, rate), (taxable_amount, tax_amount))| {
                Ok(VatReportRow {
                    month,
                    currency: Currency::from_code(&currency).unwrap_or_default(),
                    category,
                    rate,
                    taxable_amount,
                    tax_amount,
                })
            },
        )
        .collect()
}

/// The business operations that an import or the demo company chains in
/// one transaction. Each method applies the same rules as the `Books`
/// method of the same name, which calls it.
pub struct Batch<'t, 'c> {
    tx: &'t Transaction<'c>,
}

impl Batch<'_, '_> {
    pub fn company(&self) -> Result<Option<Company>> {
        load_company(self.tx)
    }

    /// Sets the seller's identity and defaults, as `Books::set_company` does.
    pub fn set_company(&self, company: &Company) -> Result<()> {
        if company.name.trim().is_empty() {
            return rejected("the company's legal name is empty: fill in \"name\"");
        }
        let party = company.as_party();
        crate::identifiers::check_party(&party).map_err(StoreError::Rejected)?;
        if !company.siret.trim().is_empty() && company.siren.trim().is_empty() {
            return rejected("a SIRET is given without the SIREN: fill in \"siren\" too");
        }
        let json = store::json_to(company);
        self.tx.execute(
            "INSERT INTO company (id, data) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
            [&json],
        )?;
        Ok(())
    }

    /// Lists every customer, archived ones included.
    pub fn customers(&self) -> Result<Vec<Customer>> {
        customers::list(self.tx, "", true)
    }

    pub fn add_customer(&self, customer: &Customer) -> Result<i64> {
        customers::insert(self.tx, customer)
    }

    pub fn update_customer(&self, customer: &Customer) -> Result<()> {
        customers::update(self.tx, customer)
    }

    /// Lists every product, archived ones included.
    pub fn products(&self) -> Result<Vec<catalog::Product>> {
        catalog::list_products(self.tx, "", true)
    }

    pub fn add_product(&self, product: &catalog::Product) -> Result<i64> {
        catalog::insert_product(self.tx, product)
    }

    pub fn update_product(&self, product: &catalog::Product) -> Result<()> {
        catalog::update_product(self.tx, product)
    }

    pub fn price_lists(&self) -> Result<Vec<catalog::PriceList>> {
        catalog::list_price_lists(self.tx)
    }

    pub fn add_price_list(&self, list: &catalog::PriceList) -> Result<i64> {
        catalog::insert_price_list(self.tx, list)
    }

    /// Returns the price of a product in a price list on a date.
    pub fn price_on(
        &self,
        price_list_id: i64,
        product_id: i64,
        date: NaiveDate,
    ) -> Result<Option<catalog::PriceListItem>> {
        catalog::price_on(self.tx, price_list_id, product_id, date)
    }

    /// Sets a catalogue price; unlike `Books::set_price` it leaves drafts as
    /// they are, because an import sets many prices and reprices nothing.
    pub fn set_price(&self, item: &catalog::PriceListItem) -> Result<()> {
        catalog::set_price(self.tx, item)
    }

    /// Creates a draft of `kind` from its JSON form; returns its id.
    pub fn create_draft(&self, kind: DocumentKind, input: &DraftInput) -> Result<DocumentId> {
        if kind == DocumentKind::CreditNote {
            return rejected(
                "credit notes are made by cancelling an invoice (`facturier invoice cancel NUMBER`)",
            );
        }
        let (header, content) = build_draft(self.tx, kind, input)?;
        let totals = compute_totals(&header, &content, Decimal::ZERO)?;
        let stage = initial_stage(kind);
        let id = documents::insert_draft(self.tx, &header, &content, &totals, stage, None, None)?;
        settle(self.tx, id)?;
        Ok(id)
    }

    /// Issues a draft, as `Books::issue` does.
    pub fn issue(&self, id: DocumentId, date: Option<NaiveDate>) -> Result<String> {
        issue(self.tx, id, date, today())
    }

    /// Records a payment, as `Books::record_payment` does.
    pub fn record_payment(
        &self,
        id: DocumentId,
        amount: Decimal,
        date: NaiveDate,
        method: &str,
        reference: Option<&str>,
    ) -> Result<i64> {
        let tx = self.tx;
        let view = view(tx, id, date)?;
        check_payment(&view, amount, Decimal::ZERO, date)?;
        let payment = Payment {
            id: 0,
            document_id: id,
            date,
            amount: view.totals.currency.round(amount),
            method: normalized_method(method),
            reference: reference.map(str::to_string),
        };
        let payment_id = payments::insert(tx, &payment)?;
        settle(tx, id)?;
        journal_payment(
            tx,
            Event::PaymentRecorded,
            &view,
            payment_id,
            Some(&payment),
        )?;
        Ok(payment_id)
    }

    /// Cancels an issued invoice by a credit note, as `Books::cancel` does.
    pub fn cancel(
        &self,
        invoice_id: DocumentId,
        selection: Option<&CreditSelection>,
        date: Option<NaiveDate>,
    ) -> Result<String> {
        let tx = self.tx;
        let today = date.unwrap_or_else(today);
        let invoice = view(tx, invoice_id, today)?;
        let credit_id = draft_credit_note(tx, &invoice, selection, today)?;
        let number = issue(tx, credit_id, Some(today), today)?;
        let payload = serde_json::json!({
            "invoice": invoice.document.number,
            "credit_note": number,
            "full": selection.is_none(),
        });
        journal::append(
            tx,
            Event::Cancelled,
            Some(invoice_id),
            invoice.document.number.as_deref(),
            &payload,
        )?;
        Ok(number)
    }

    pub fn view(&self, id: DocumentId, today: NaiveDate) -> Result<DocumentView> {
        view(self.tx, id, today)
    }

    /// Runs `operation` inside a savepoint: when it fails, its changes are
    /// undone and the rest of the transaction goes on.
    pub fn savepoint<T>(&self, operation: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        self.tx.execute_batch("SAVEPOINT batch_item")?;
        match operation(self) {
            Ok(value) => {
                self.tx.execute_batch("RELEASE batch_item")?;
                Ok(value)
            }
            Err(error) => {
                self.tx
                    .execute_batch("ROLLBACK TO batch_item; RELEASE batch_item")?;
                Err(error)
            }
        }
    }

    /// Returns the transaction itself, for reads this type does not cover.
    pub fn transaction(&self) -> &Transaction<'_> {
        self.tx
    }
}
