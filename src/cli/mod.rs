//! The command line: `facturier [--data-dir DIR] COMMAND`.

/// Prints a line to standard output, like `println!`, through
/// `write_stdout`, which stops the command quietly when the reader has gone.
macro_rules! outln {
    () => {
        $crate::cli::write_stdout(format_args!("\n"))
    };
    ($($argument:tt)*) => {
        $crate::cli::write_stdout(format_args!("{}\n", format_args!($($argument)*)))
    };
}

mod documents;
mod exchange;
mod json;
mod text;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use facturier::books::{Books, CreditSelection, today};
use facturier::document::{Company, DocumentKind};
use facturier::money::{Currency, NumberStyle, parse_decimal};
use facturier::numbering::Series;
use facturier::store::documents::ListFilter;
use facturier::store::{Customer, PriceList, PriceListItem, Product};
use rust_decimal::Decimal;

#[derive(Debug, Parser)]
#[command(
    name = "facturier",
    version,
    about = "Offline invoicing with gapless numbering and exact EN 16931 totals"
)]
pub struct Cli {
    /// Data folder holding facturier.sqlite3 (default: $FACTURIER_DATA_DIR, else the platform's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The seller's identity and defaults.
    #[command(subcommand)]
    Company(CompanyCommand),
    /// Customers.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Products and services of the catalogue.
    #[command(subcommand)]
    Product(ProductCommand),
    /// Price lists and their prices.
    #[command(subcommand, name = "pricelist")]
    PriceList(PriceListCommand),
    /// Invoices and credit notes.
    #[command(subcommand)]
    Invoice(InvoiceCommand),
    /// Quotes.
    #[command(subcommand)]
    Quote(QuoteCommand),
    /// Sales orders.
    #[command(subcommand)]
    Order(OrderCommand),
    /// Numbering series.
    #[command(subcommand)]
    Series(SeriesCommand),
    /// Prints the data folder, the company and the status board.
    Status,
    /// Count and total of invoices per status.
    Board {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long)]
        json: bool,
    },
    /// VAT collected per month and rate.
    Report {
        /// First issue date included (YYYY-MM-DD).
        #[arg(long)]
        from: NaiveDate,
        /// Last issue date included (YYYY-MM-DD).
        #[arg(long)]
        to: NaiveDate,
        #[arg(long)]
        json: bool,
    },
    /// The hash-chained journal of issues, payments and cancellations.
    Journal {
        #[arg(long)]
        json: bool,
    },
    /// Writes the EN 16931 e-invoice (CII XML) of an issued invoice or credit note.
    Einvoice {
        number: String,
        /// Output file; standard output when omitted.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Checks the database, the journal chain and the continuity of every series.
    Verify {
        #[arg(long)]
        json: bool,
    },
    #[command(flatten)]
    Exchange(exchange::ExchangeCommand),
    /// Writes a document's PDF: for an invoice or credit note, the Factur-X
    /// PDF (with its CII XML embedded) archived at issue; for drafts, quotes
    /// and orders, a fresh rendering.
    Pdf {
        /// Document number, or draft id.
        number: String,
        /// Output file.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Prints a document's PDF on the default printer, or opens it in the
    /// system viewer to print it when there is none.
    Print {
        /// Document number, or draft id.
        number: String,
    },
    /// The PDF template: logo, accent colour, footer, paper size, language.
    #[command(subcommand)]
    Template(documents::TemplateCommand),
    /// Sends an issued document by e-mail with its PDF attached, or writes
    /// it as an .eml draft for your mail app; every sending is logged.
    Email {
        /// Document number.
        number: String,
        /// Recipient address; repeat for several (default: the customer's address).
        #[arg(long, value_name = "ADDRESS")]
        to: Vec<String>,
        /// Write an .eml draft to FILE instead of sending.
        #[arg(long, value_name = "FILE")]
        eml: Option<PathBuf>,
        /// List the document's sendings (date, recipients, outcome) instead of sending.
        #[arg(long, conflicts_with_all = ["to", "eml"])]
        log: bool,
    },
    /// The SMTP account used to send e-mail.
    #[command(subcommand)]
    Smtp(documents::SmtpCommand),
}

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// Sets the company from a JSON file (see docs/json-formats.md).
    Set {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Prints the company as JSON.
    Show,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Adds a customer from a JSON file; prints its id.
    Add {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Replaces customer ID with the JSON file's content.
    Update {
        id: i64,
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Lists customers.
    List {
        /// Part of the name, SIREN, VAT number or city.
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long)]
        archived: bool,
        #[arg(long)]
        json: bool,
    },
    /// Archives a customer (documents keep it; it leaves the lists).
    Archive { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum ProductCommand {
    /// Adds a product or service from a JSON file; prints its id.
    Add {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Lists products and services.
    List {
        #[arg(long, default_value = "")]
        search: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PriceListCommand {
    /// Adds a price list; prints its id.
    Add {
        #[arg(long)]
        name: String,
        /// ISO 4217 code.
        #[arg(long, default_value = "EUR")]
        currency: String,
    },
    /// Sets a product's price in a price list; unlocked drafts follow it.
    SetPrice {
        /// Price list id.
        list: i64,
        /// Product code.
        product: String,
        /// Unit price excluding VAT ("45.00").
        price: String,
        /// Quantity the price is for.
        #[arg(long, default_value = "1")]
        base_quantity: String,
        /// First day the price applies (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last day the price applies (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Lists price lists.
    List,
}

#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only this customer id.
    #[arg(long)]
    customer: Option<i64>,
    /// Issued on or after this date (YYYY-MM-DD).
    #[arg(long)]
    from: Option<NaiveDate>,
    /// Issued on or before this date (YYYY-MM-DD).
    #[arg(long)]
    to: Option<NaiveDate>,
    /// Part of the customer's name, or of the number (three characters or
    /// more).
    #[arg(long, default_value = "")]
    search: String,
}

#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Creates a draft invoice from a JSON file; prints its id.
    Create {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Overwrites draft ID with the JSON file's content.
    Update {
        id: String,
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Discards a draft.
    Discard { id: String },
    /// Lists what a draft lacks before it can be issued.
    Check { id: String },
    /// Issues draft ID and prints its number.
    Issue {
        id: String,
        /// Issue date (YYYY-MM-DD); defaults to the draft's date, else today.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Records a payment on an issued invoice; prints the payment id.
    Pay {
        number: String,
        /// Amount received ("120.50").
        amount: String,
        /// Payment date (YYYY-MM-DD), today by default.
        #[arg(long)]
        date: Option<NaiveDate>,
        /// Means of payment: transfer, card, cheque, cash, direct_debit.
        #[arg(long, default_value = "transfer")]
        method: String,
        #[arg(long)]
        reference: Option<String>,
    },
    /// Changes a recorded payment.
    PaymentEdit {
        payment_id: i64,
        amount: String,
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long, default_value = "transfer")]
        method: String,
        #[arg(long)]
        reference: Option<String>,
    },
    /// Deletes a recorded payment.
    PaymentDelete { payment_id: i64 },
    /// Cancels an issued invoice with a credit note; prints its number.
    Cancel {
        number: String,
        /// Credit only line N with quantity Q, as N:Q; repeat for several lines.
        #[arg(long = "line", value_name = "N:Q")]
        lines: Vec<String>,
        /// Credit note date (YYYY-MM-DD), today by default.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Shows a document.
    Show {
        number: String,
        #[arg(long)]
        json: bool,
    },
    /// Lists documents of every kind.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Only quote, order, invoice or credit_note.
        #[arg(long = "type")]
        kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Locks a draft's pricing: later price list changes leave it alone.
    Lock { id: String },
    /// Unlocks a draft's pricing and prints the prices that changed.
    Unlock { id: String },
    /// Prints what unlocking would change, without changing anything.
    PriceChanges { id: String },
}

#[derive(Debug, Subcommand)]
pub enum QuoteCommand {
    /// Creates a draft quote from a JSON file; prints its id.
    Create {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Numbers the quote and marks it sent; prints its number.
    Send {
        id: String,
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Sets the status: sent, accepted, refused or expired.
    Status { id: String, status: String },
    /// Converts to an order or an invoice draft; prints the new id.
    Convert {
        id: String,
        /// order or invoice.
        #[arg(long, default_value = "order")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Creates a draft order from a JSON file; prints its id.
    Create {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Numbers the order (confirmation); prints its number.
    Confirm {
        id: String,
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Sets the status: open, fulfilled or cancelled.
    Status { id: String, status: String },
    /// Converts to an invoice draft; prints its id.
    Convert { id: String },
}

#[derive(Debug, Subcommand)]
pub enum SeriesCommand {
    /// Lists numbering series.
    List,
    /// Adds a series, or changes one that has not numbered anything yet.
    Set {
        #[arg(long)]
        code: String,
        /// invoice, credit_note, quote or order.
        #[arg(long)]
        kind: String,
        /// Pattern with {YYYY} or {YY} and {N:width}, such as F{YYYY}-{N:5}.
        #[arg(long)]
        pattern: String,
        /// Keep counting across years instead of restarting at 1 each year.
        #[arg(long)]
        no_yearly_reset: bool,
        /// Make it the series used for new documents of its kind.
        #[arg(long)]
        default: bool,
    },
}

/// Runs a command; the error is printed by the caller.
pub fn run(cli: Cli, data_dir: &Path) -> Result<(), String> {
    let command = match cli.command {
        // With the desktop app built in, no command opens its window.
        #[cfg(feature = "gui")]
        None => {
            check_display()?;
            return facturier::ui::run(data_dir.to_path_buf()).map_err(|error| {
                format!("the window could not open: {error}; the command line still works, see `facturier --help`")
            });
        }
        #[cfg(not(feature = "gui"))]
        None => return text::welcome(&mut open(data_dir)?, data_dir),
        // Data commands open the books themselves, some with the folder lock.
        Some(Command::Exchange(command)) => return exchange::run(command, data_dir),
        Some(command) => command,
    };
    let mut books = open(data_dir)?;
    match command {
        Command::Company(command) => company(&mut books, command),
        Command::Customer(command) => customer(&mut books, command),
        Command::Product(command) => product(&mut books, command),
        Command::PriceList(command) => price_list(&mut books, command),
        Command::Invoice(command) => invoice(&mut books, command),
        Command::Quote(command) => quote(&mut books, command),
        Command::Order(command) => order(&mut books, command),
        Command::Series(command) => series(&mut books, command),
        Command::Board { filter, json } => {
            let board = books
                .board(&filter.to_filter(None), today())
                .map_err(to_message)?;
            if json {
                print_json(&json::board(&board));
            } else {
                text::board(&board);
            }
            Ok(())
        }
        Command::Report { from, to, json } => {
            let rows = books.vat_report(from, to).map_err(to_message)?;
            if json {
                print_json(&serde_json::to_value(&rows).map_err(|error| error.to_string())?);
            } else {
                text::vat_report(&rows);
            }
            Ok(())
        }
        Command::Journal { json } => {
            let rows = books
                .store()
                .read(facturier::journal::rows)
                .map_err(to_message)?;
            if json {
                print_json(&serde_json::to_value(&rows).map_err(|error| error.to_string())?);
            } else {
                for row in rows {
                    outln!(
                        "{:>6}  {}  {:<17} {:<14} {}",
                        row.seq,
                        row.recorded_at,
                        row.event,
                        row.document_number.unwrap_or_default(),
                        &row.hash[..16]
                    );
                }
            }
            Ok(())
        }
        Command::Einvoice { number, output } => {
            let id = find(&mut books, &number)?;
            let xml = books.einvoice_xml(id).map_err(to_message)?;
            match output {
                Some(path) => std::fs::write(&path, xml)
                    .map_err(|error| format!("cannot write {}: {error}", path.display()))?,
                None => write_stdout(format_args!("{xml}")),
            }
            Ok(())
        }
        Command::Verify { json } => verify(&mut books, json),
        Command::Exchange(command) => exchange::run(command, data_dir),
        Command::Status => text::welcome(&mut books, data_dir),
        Command::Pdf { number, output } => documents::export(&mut books, &number, &output),
        Command::Print { number } => documents::print(&mut books, &number),
        Command::Template(command) => documents::template(&mut books, command),
        Command::Email {
            number, log: true, ..
        } => documents::email_log(&mut books, &number),
        Command::Email {
            number, to, eml, ..
        } => documents::send(&mut books, &number, &to, eml.as_deref()),
        Command::Smtp(command) => documents::smtp(&mut books, command),
    }
}

/// Fails with a clear message when no graphical session is reachable: the
/// windowing library would otherwise abort the process.
#[cfg(feature = "gui")]
fn check_display() -> Result<(), String> {
    let unix_without_macos = cfg!(all(unix, not(target_os = "macos")));
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|variable| std::env::var_os(variable).is_some_and(|value| !value.is_empty()));
    if unix_without_macos && !has_display {
        return Err(
            "no graphical session found (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot open: run `facturier status` for the board here, or `facturier --help` for the commands"
                .to_string(),
        );
    }
    Ok(())
}

fn open(data_dir: &Path) -> Result<Books, String> {
    Books::open(data_dir).map_err(to_message)
}

fn to_message(error: facturier::store::StoreError) -> String {
    match error.constraint_message() {
        Some(message) => message.to_string(),
        None => error.to_string(),
    }
}

/// Writes to standard output. When its reader has gone (a closed pipe, as in
/// `facturier invoice list | head`), the process exits at once with status
/// 141, the status of a process that SIGPIPE ends, as the Unix tools do
/// where `println!` would panic. Any transaction still open rolls back. Any
/// other write error ends the command with a message and status 1.
pub fn write_stdout(arguments: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let Err(error) = stdout.write_fmt(arguments) else {
        return;
    };
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        tracing::info!("standard output closed by its reader; facturier stopped");
        std::process::exit(141);
    }
    tracing::warn!(%error, "writing to standard output failed");
    eprintln!("error: cannot write to standard output ({error}): check where the output goes");
    std::process::exit(1);
}

fn print_json(value: &serde_json::Value) {
    outln!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

fn read_json_file<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|error| format!("{}: invalid JSON: {error}", path.display()))
}

fn parse_amount(text: &str, what: &'static str) -> Result<Decimal, String> {
    // The command line takes plain numbers, or French or English grouping
    // when a user types them that way.
    parse_decimal(text, NumberStyle::Plain, what)
        .or_else(|_| parse_decimal(text, NumberStyle::French, what))
        .map_err(|error| error.to_string())
}

fn find(books: &mut Books, key: &str) -> Result<i64, String> {
    books.find(key).map_err(to_message)
}

impl FilterArgs {
    fn to_filter(&self, kind: Option<DocumentKind>) -> ListFilter {
        ListFilter {
            kind,
            customer_id: self.customer,
            from: self.from,
            to: self.to,
            search: self.search.clone(),
        }
    }
}

fn company(books: &mut Books, command: CompanyCommand) -> Result<(), String> {
    match command {
        CompanyCommand::Set { json } => {
            let company: Company = read_json_file(&json)?;
            books.set_company(&company).map_err(to_message)?;
            outln!("company saved: {}", company.name);
        }
        CompanyCommand::Show => match books.company().map_err(to_message)? {
            Some(company) => {
                print_json(&serde_json::to_value(company).map_err(|error| error.to_string())?)
            }
            None => {
                return Err(
                    "no company is set yet: run `facturier company set --json FILE`".to_string(),
                );
            }
        },
    }
    Ok(())
}

fn customer(books: &mut Books, command: CustomerCommand) -> Result<(), String> {
    match command {
        CustomerCommand::Add { json } => {
            let customer: Customer = read_json_file(&json)?;
            outln!("{}", books.add_customer(&customer).map_err(to_message)?);
        }
        CustomerCommand::Update { id, json } => {
            let mut customer: Customer = read_json_file(&json)?;
            customer.id = id;
            books.update_customer(&customer).map_err(to_message)?;
        }
        CustomerCommand::List {
            search,
            archived,
            json,
        } => {
            let customers = books.customers(&search, archived).map_err(to_message)?;
            if json {
                print_json(&serde_json::to_value(&customers).map_err(|error| error.to_string())?);
            } else {
                for customer in customers {
                    outln!(
                        "{:>6}  {:<40} {:<10} {}",
                        customer.id,
                        customer.party.name,
                        customer.party.address.city,
                        customer.currency
                    );
                }
            }
        }
        CustomerCommand::Archive { id } => {
            books.set_customer_archived(id, true).map_err(to_message)?
        }
    }
    Ok(())
}

fn product(books: &mut Books, command: ProductCommand) -> Result<(), String> {
    match command {
        ProductCommand::Add { json } => {
            let product: Product = read_json_file(&json)?;
            outln!("{}", books.add_product(&product).map_err(to_message)?);
        }
        ProductCommand::List { search, json } => {
            let products = books.products(&search, false).map_err(to_message)?;
            if json {
                print_json(&serde_json::to_value(&products).map_err(|error| error.to_string())?);
            } else {
                for product in products {
                    outln!(
                        "{:>6}  {:<12} {:<40} {} {} {}",
                        product.id,
                        product.code,
                        product.name,
                        product.unit,
                        product.vat.category,
                        product.vat.rate
                    );
                }
            }
        }
    }
    Ok(())
}

fn price_list(books: &mut Books, command: PriceListCommand) -> Result<(), String> {
    match command {
        PriceListCommand::Add { name, currency } => {
            let list = PriceList {
                id: 0,
                name,
                currency: Currency::from_code(&currency).map_err(|error| error.to_string())?,
                archived: false,
            };
            outln!("{}", books.add_price_list(&list).map_err(to_message)?);
        }
        PriceListCommand::SetPrice {
            list,
            product,
            price,
            base_quantity,
            from,
            to,
        } => {
            let found = books
                .products(&product, true)
                .map_err(to_message)?
                .into_iter()
                .find(|candidate| candidate.code == product)
                .ok_or_else(|| {
                    format!(
                        "no product has code \"{product}\": list them with `facturier product list`"
                    )
                })?;
            let item = PriceListItem {
                price_list_id: list,
                product_id: found.id,
                unit_price: parse_amount(&price, "price")?,
                base_quantity: parse_amount(&base_quantity, "base quantity")?,
                valid_from: from,
                valid_to: to,
            };
            let repriced = books.set_price(&item).map_err(to_message)?;
            if !repriced.is_empty() {
                outln!("{} unlocked draft(s) now use this price", repriced.len());
            }
        }
        PriceListCommand::List => {
            for list in books.price_lists().map_err(to_message)? {
                outln!("{:>6}  {:<30} {}", list.id, list.name, list.currency);
            }
        }
    }
    Ok(())
}

fn create_draft(books: &mut Books, kind: DocumentKind, path: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let input = facturier::input::parse_draft(&text)
        .map_err(|error| format!("{}: {error}", path.display()))?;
    outln!("{}", books.create_draft(kind, &input).map_err(to_message)?);
    Ok(())
}

fn invoice(books: &mut Books, command: InvoiceCommand) -> Result<(), String> {
    match command {
        InvoiceCommand::Create { json } => create_draft(books, DocumentKind::Invoice, &json)?,
        InvoiceCommand::Update { id, json } => {
            let id = find(books, &id)?;
            let text = std::fs::read_to_string(&json)
                .map_err(|error| format!("cannot read {}: {error}", json.display()))?;
            let input = facturier::input::parse_draft(&text)?;
            let view = books.view(id, today()).map_err(to_message)?;
            let (header, content, _) = books
                .preview_draft(view.document.header.kind, &input)
                .map_err(to_message)?;
            books
                .save_draft(id, &header, &content)
                .map_err(to_message)?;
        }
        InvoiceCommand::Discard { id } => {
            let id = find(books, &id)?;
            books.discard_draft(id).map_err(to_message)?;
        }
        InvoiceCommand::Check { id } => {
            let id = find(books, &id)?;
            let findings = books.checklist(id).map_err(to_message)?;
            if findings.is_empty() {
                outln!("ready to issue: every mandatory mention is present");
            }
            for finding in findings {
                let label = match finding.severity {
                    facturier::compliance::Severity::Blocking => "missing",
                    facturier::compliance::Severity::Warning => "warning",
                };
                outln!("{label}: {}", finding.message);
            }
        }
        InvoiceCommand::Issue { id, date } => {
            let id = find(books, &id)?;
            outln!("{}", books.issue(id, date).map_err(to_message)?);
        }
        InvoiceCommand::Pay {
            number,
            amount,
            date,
            method,
            reference,
        } => {
            let id = find(books, &number)?;
            let amount = parse_amount(&amount, "payment amount")?;
            let payment_id = books
                .record_payment(
                    id,
                    amount,
                    date.unwrap_or_else(today),
                    &method,
                    reference.as_deref(),
                )
                .map_err(to_message)?;
            outln!("{payment_id}");
        }
        InvoiceCommand::PaymentEdit {
            payment_id,
            amount,
            date,
            method,
            reference,
        } => {
            let amount = parse_amount(&amount, "payment amount")?;
            books
                .change_payment(
                    payment_id,
                    amount,
                    date.unwrap_or_else(today),
                    &method,
                    reference.as_deref(),
                )
                .map_err(to_message)?;
        }
        InvoiceCommand::PaymentDelete { payment_id } => {
            books.delete_payment(payment_id).map_err(to_message)?
        }
        InvoiceCommand::Cancel {
            number,
            lines,
            date,
        } => {
            let id = find(books, &number)?;
            let selection = parse_selection(&lines)?;
            let credit_note = books
                .cancel(id, selection.as_ref(), date)
                .map_err(to_message)?;
            outln!("{credit_note}");
        }
        InvoiceCommand::Show { number, json } => {
            let id = find(books, &number)?;
            let view = books.view(id, today()).map_err(to_message)?;
            if json {
                print_json(&json::document(&view));
            } else {
                text::document(&view);
            }
        }
        InvoiceCommand::List { filter, kind, json } => {
            let kind = match kind.as_deref() {
                None => None,
                Some(text) => Some(DocumentKind::parse(text).ok_or_else(|| {
                    format!(
                        "unknown document type \"{text}\": use quote, order, invoice or credit_note"
                    )
                })?),
            };
            let rows = books
                .list(&filter.to_filter(kind), today())
                .map_err(to_message)?;
            if json {
                print_json(&serde_json::Value::Array(
                    rows.iter().map(json::listed).collect(),
                ));
            } else {
                text::list(&rows);
            }
        }
        InvoiceCommand::Lock { id } => {
            let id = find(books, &id)?;
            books.set_price_lock(id, true).map_err(to_message)?;
        }
        InvoiceCommand::Unlock { id } => {
            let id = find(books, &id)?;
            text::price_changes(&books.set_price_lock(id, false).map_err(to_message)?);
        }
        InvoiceCommand::PriceChanges { id } => {
            let id = find(books, &id)?;
            text::price_changes(&books.price_changes(id).map_err(to_message)?);
        }
    }
    Ok(())
}

fn parse_selection(lines: &[String]) -> Result<Option<CreditSelection>, String> {
    if lines.is_empty() {
        return Ok(None);
    }
    lines
        .iter()
        .map(|text| {
            let (line, quantity) = text.split_once(':').ok_or_else(|| {
                format!(
                    "--line \"{text}\": write the line number and quantity as N:Q, such as 2:1.5"
                )
            })?;
            let line: usize = line
                .trim()
                .parse()
                .map_err(|_| format!("--line \"{text}\": \"{line}\" is not a line number"))?;
            Ok((line, parse_amount(quantity, "quantity")?))
        })
        .collect::<Result<_, String>>()
        .map(Some)
}

fn quote(books: &mut Books, command: QuoteCommand) -> Result<(), String> {
    match command {
        QuoteCommand::Create { json } => create_draft(books, DocumentKind::Quote, &json)?,
        QuoteCommand::Send { id, date } => {
            let id = find(books, &id)?;
            outln!("{}", books.issue(id, date).map_err(to_message)?);
        }
        QuoteCommand::Status { id, status } => {
            let id = find(books, &id)?;
            books.set_stage(id, &status).map_err(to_message)?;
        }
        QuoteCommand::Convert { id, to } => {
            let id = find(books, &id)?;
            let target = match to.as_str() {
                "order" => DocumentKind::Order,
                "invoice" => DocumentKind::Invoice,
                other => {
                    return Err(format!(
                        "--to \"{other}\": a quote converts to order or invoice"
                    ));
                }
            };
            outln!("{}", books.convert(id, target).map_err(to_message)?);
        }
    }
    Ok(())
}

fn order(books: &mut Books, command: OrderCommand) -> Result<(), String> {
    match command {
        OrderCommand::Create { json } => create_draft(books, DocumentKind::Order, &json)?,
        OrderCommand::Confirm { id, date } => {
            let id = find(books, &id)?;
            outln!("{}", books.issue(id, date).map_err(to_message)?);
        }
        OrderCommand::Status { id, status } => {
            let id = find(books, &id)?;
            books.set_stage(id, &status).map_err(to_message)?;
        }
        OrderCommand::Convert { id } => {
            let id = find(books, &id)?;
            outln!(
                "{}",
                books
                    .convert(id, DocumentKind::Invoice)
                    .map_err(to_message)?
            );
        }
    }
    Ok(())
}

fn series(books: &mut Books, command: SeriesCommand) -> Result<(), String> {
    match command {
        SeriesCommand::List => {
            let all = books
                .store()
                .read(facturier::numbering::list)
                .map_err(to_message)?;
            for series in all {
                outln!(
                    "{:<6} {:<12} {:<20} {}{}",
                    series.code,
                    series.kind.as_str(),
                    series.pattern,
                    if series.yearly_reset {
                        "yearly reset"
                    } else {
                        "continuous"
                    },
                    if series.is_default { ", default" } else { "" }
                );
            }
        }
        SeriesCommand::Set {
            code,
            kind,
            pattern,
            no_yearly_reset,
            default,
        } => {
            let kind = DocumentKind::parse(&kind).ok_or_else(|| {
                format!("--kind \"{kind}\": use invoice, credit_note, quote or order")
            })?;
            let series = Series {
                id: 0,
                kind,
                code,
                pattern,
                yearly_reset: !no_yearly_reset,
                is_default: default,
            };
            books
                .store()
                .write(|tx| facturier::numbering::save(tx, &series))
                .map_err(to_message)?;
        }
    }
    Ok(())
}

fn verify(books: &mut Books, json: bool) -> Result<(), String> {
    let report = facturier::verify::verify(books).map_err(to_message)?;
    if json {
        print_json(&serde_json::to_value(&report).map_err(|error| error.to_string())?);
    } else {
        for problem in report.problems() {
            outln!("BROKEN: {problem}");
        }
        outln!(
            "checked {} journal rows and {} issued documents: {}",
            report.journal_rows,
            report.issued_documents,
            if report.is_clean() {
                "no problem found"
            } else {
                "problems found"
            }
        );
    }
    if report.is_clean() {
        Ok(())
    } else {
        Err(format!(
            "verification found {} problem(s)",
            report.problems().count()
        ))
    }
}
