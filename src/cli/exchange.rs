//! Commands that move data in and out: CSV import and export, the demo
//! company, backup and restore.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use facturier::backup::{self, BackupSummary, DataLock};
use facturier::books::Books;
use facturier::exchange::{
    self, Analysis, CsvDialect, ExportKind, ImportError, ImportKind, ImportOptions, ImportReport,
    TextEncoding,
};
use facturier::money::NumberStyle;

use super::to_message;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportWhat {
    Customers,
    Products,
    Documents,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportWhat {
    Invoices,
    Lines,
    Payments,
    Vat,
    Customers,
    Products,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    Utf8,
    Windows1252,
    Utf16,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StyleArg {
    /// 1234.50
    Plain,
    /// 1 234,50 or 1.234,50
    French,
    /// 1,234.50
    English,
}

#[derive(Debug, Subcommand)]
pub enum ExchangeCommand {
    /// Imports customers, products (with prices) or documents from a CSV file.
    Import {
        what: ImportWhat,
        file: PathBuf,
        /// Import the valid rows and leave out the rows reported invalid.
        #[arg(long)]
        skip_invalid: bool,
        /// Check the file and print the report without importing anything.
        #[arg(long)]
        dry_run: bool,
        /// Price list that product prices go to (created when missing).
        #[arg(long, value_name = "NAME")]
        price_list: Option<String>,
        /// Character encoding of the file (detected when omitted).
        #[arg(long)]
        encoding: Option<EncodingArg>,
        /// Number format of the file (detected when omitted).
        #[arg(long)]
        numbers: Option<StyleArg>,
        /// Field separator, such as ';' or ',' (detected when omitted; "tab" for a tab).
        #[arg(long, value_name = "CHAR")]
        separator: Option<String>,
        /// Map a header to a column, as HEADER=COLUMN (COLUMN is a name
        /// such as code, name, price, vat_rate; empty to ignore the header).
        #[arg(long = "map", value_name = "HEADER=COLUMN")]
        mapping: Vec<String>,
        /// The column of each CSV column in file order, comma-separated,
        /// such as "code,name,,vat_rate" (empty to ignore a column). It
        /// replaces header recognition and --map.
        #[arg(long, value_name = "COLUMNS", conflicts_with = "mapping")]
        columns: Option<String>,
    },
    /// Exports documents issued in a period, or customers or products, to CSV.
    Export {
        what: ExportWhat,
        /// First issue date included (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Last issue date included (YYYY-MM-DD).
        #[arg(long)]
        to: Option<NaiveDate>,
        /// Output file.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// Write `;` between fields and decimal commas, as French
        /// spreadsheet and accounting programs expect.
        #[arg(long)]
        french: bool,
    },
    /// Creates the demo company from the Northwind sample data, in an empty data folder.
    Demo,
    /// Writes a checked copy of the database to FILE.
    Backup { file: PathBuf },
    /// Replaces the database with the backup FILE, keeping the current file aside.
    Restore {
        file: PathBuf,
        /// Proceed; without it the backup is only described.
        #[arg(long)]
        yes: bool,
    },
}

/// Runs a data exchange command. These open the books themselves: import
/// and demo hold the data folder's lock, and restore must work on a
/// database that cannot be opened.
pub fn run(command: ExchangeCommand, data_dir: &Path) -> Result<(), String> {
    match command {
        ExchangeCommand::Import {
            what,
            file,
            skip_invalid,
            dry_run,
            price_list,
            encoding,
            numbers,
            separator,
            mapping,
            columns,
        } => {
            let options = ImportOptions {
                encoding: encoding.map(|encoding| match encoding {
                    EncodingArg::Utf8 => TextEncoding::Utf8,
                    EncodingArg::Windows1252 => TextEncoding::Windows1252,
                    EncodingArg::Utf16 => TextEncoding::Utf16,
                }),
                separator: separator.as_deref().map(parse_separator).transpose()?,
                number_style: numbers.map(|style| match style {
                    StyleArg::Plain => NumberStyle::Plain,
                    StyleArg::French => NumberStyle::French,
                    StyleArg::English => NumberStyle::English,
                }),
                mapping: parse_mapping(&mapping)?,
                columns: columns.as_deref().map(parse_columns).transpose()?,
                price_list,
            };
            import(data_dir, what, &file, &options, skip_invalid, dry_run)
        }
        ExchangeCommand::Export {
            what,
            from,
            to,
            output,
            french,
        } => {
            let dialect = if french {
                CsvDialect::French
            } else {
                CsvDialect::Plain
            };
            export(data_dir, what, (from, to), dialect, &output)
        }
        ExchangeCommand::Demo => demo(data_dir),
        ExchangeCommand::Backup { file } => {
            let mut books = Books::open(data_dir).map_err(to_message)?;
            let summary = backup::backup_to(books.store(), &file).map_err(to_message)?;
            outln!("Backup written and checked: {}", file.display());
            print_summary(&summary);
            Ok(())
        }
        ExchangeCommand::Restore { file, yes } => restore(data_dir, &file, yes),
    }
}

fn parse_separator(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() => Ok(text.as_bytes()[0]),
        _ => Err(format!(
            "--separator \"{text}\": give one ASCII character such as ';' or ',', or \"tab\""
        )),
    }
}

/// Reads a column name such as `price`, or an empty name for none.
fn parse_field(name: &str) -> Result<Option<exchange::Field>, ()> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    serde_json::from_value(serde_json::Value::from(name))
        .map(Some)
        .map_err(|_| ())
}

fn parse_columns(text: &str) -> Result<Vec<Option<exchange::Field>>, String> {
    text.split(',')
        .enumerate()
        .map(|(index, name)| {
            parse_field(name).map_err(|()| {
                format!(
                    "--columns: \"{}\" (column {}) is not a column name such as code, name, price or vat_rate",
                    name.trim(),
                    index + 1
                )
            })
        })
        .collect()
}

fn parse_mapping(
    entries: &[String],
) -> Result<std::collections::BTreeMap<String, Option<exchange::Field>>, String> {
    let mut mapping = std::collections::BTreeMap::new();
    for entry in entries {
        let (header, column) = entry.split_once('=').ok_or_else(|| {
            format!("--map \"{entry}\": write HEADER=COLUMN, such as --map \"Prix HT=price\"")
        })?;
        let field = parse_field(column).map_err(|()| {
            format!("--map \"{entry}\": \"{column}\" is not a column name such as code, name, price or vat_rate")
        })?;
        mapping.insert(header.trim().to_string(), field);
    }
    Ok(mapping)
}

fn import(
    data_dir: &Path,
    what: ImportWhat,
    file: &Path,
    options: &ImportOptions,
    skip_invalid: bool,
    dry_run: bool,
) -> Result<(), String> {
    let kind = match what {
        ImportWhat::Customers => ImportKind::Customers,
        ImportWhat::Products => ImportKind::Products,
        ImportWhat::Documents => ImportKind::Documents,
    };
    let bytes =
        std::fs::read(file).map_err(|error| format!("cannot read {}: {error}", file.display()))?;
    let mut books = Books::open_exclusive(data_dir).map_err(to_message)?;
    let analysis = exchange::analyse(&mut books, kind, &bytes, options).map_err(to_message)?;
    print_analysis(file, &analysis);
    if dry_run {
        outln!("Dry run: nothing was imported.");
        return Ok(());
    }
    let report = exchange::commit(&mut books, &analysis, skip_invalid).map_err(|error| match error {
        ImportError::InvalidRows(_) => format!(
            "nothing was imported: {error}\nRun again with --skip-invalid to import the valid rows only."
        ),
        ImportError::Store(error) => format!("nothing was imported: {}", to_message(error)),
    })?;
    print_report(&report);
    Ok(())
}

fn print_analysis(file: &Path, analysis: &Analysis) {
    outln!(
        "{}: {} row(s), {}{}, separator '{}', numbers {:?}",
        file.display(),
        analysis.rows,
        analysis.encoding.name(),
        if analysis.had_bom { " with BOM" } else { "" },
        analysis.separator.escape_default(),
        analysis.number_style
    );
    for (header, field) in &analysis.columns {
        match field {
            Some(field) => outln!("  column \"{header}\" -> {}", field.key()),
            None => outln!("  column \"{header}\" ignored"),
        }
    }
    outln!(
        "{} valid record(s), {} invalid row(s)",
        analysis.records.len(),
        analysis.errors.len()
    );
    for error in &analysis.errors {
        outln!("  {error}");
    }
}

fn print_report(report: &ImportReport) {
    outln!(
        "Imported: {} created, {} updated, {} unchanged, {} price(s) set, {} row(s) skipped",
        report.created,
        report.updated,
        report.unchanged,
        report.prices,
        report.skipped_rows
    );
    for (key, _, number) in &report.documents {
        match number {
            Some(number) => outln!("  {key} -> {number}"),
            None => outln!("  {key} -> draft"),
        }
    }
    for (key, _, number) in &report.present {
        match number {
            Some(number) => outln!("  {key} already imported as {number}"),
            None => outln!("  {key} already imported as a draft"),
        }
    }
}

fn export(
    data_dir: &Path,
    what: ExportWhat,
    period: (Option<NaiveDate>, Option<NaiveDate>),
    dialect: CsvDialect,
    output: &Path,
) -> Result<(), String> {
    let kind = match what {
        ExportWhat::Invoices => ExportKind::Invoices,
        ExportWhat::Lines => ExportKind::Lines,
        ExportWhat::Payments => ExportKind::Payments,
        ExportWhat::Vat => ExportKind::Vat,
        ExportWhat::Customers => ExportKind::Customers,
        ExportWhat::Products => ExportKind::Products,
    };
    let needs_period = !matches!(kind, ExportKind::Customers | ExportKind::Products);
    let (from, to) = match period {
        (Some(from), Some(to)) => (from, to),
        _ if !needs_period => (NaiveDate::MIN, NaiveDate::MAX),
        _ => return Err("give the period with --from YYYY-MM-DD and --to YYYY-MM-DD".to_string()),
    };
    if from > to {
        return Err(format!("--from {from} is after --to {to}"));
    }
    let mut books = Books::open(data_dir).map_err(to_message)?;
    let bytes = exchange::export_in(&mut books, kind, from, to, dialect).map_err(to_message)?;
    std::fs::write(output, &bytes)
        .map_err(|error| format!("cannot write {}: {error}", output.display()))?;
    let rows = bytes
        .iter()
        .filter(|byte| **byte == b'\n')
        .count()
        .saturating_sub(1);
    outln!(
        "Exported to {} ({rows} line(s) after the header)",
        output.display()
    );
    Ok(())
}

fn demo(data_dir: &Path) -> Result<(), String> {
    let mut books = Books::open_exclusive(data_dir).map_err(to_message)?;
    let summary = facturier::demo::create(&mut books).map_err(to_message)?;
    outln!(
        "Demo company created in {}: {} customers, {} products, {} invoices, {} credit notes, {} payments.",
        data_dir.display(),
        summary.customers,
        summary.products,
        summary.invoices,
        summary.credit_notes,
        summary.payments
    );
    outln!("Northwind sample data, Microsoft Public License (Ms-PL).");
    Ok(())
}

fn print_summary(summary: &BackupSummary) {
    outln!(
        "  company: {}",
        summary.company.as_deref().unwrap_or("(not set)")
    );
    outln!("  documents: {}", summary.documents);
    match &summary.last_invoice {
        Some((number, date)) => outln!("  last invoice: {number} of {date}"),
        None => outln!("  last invoice: none"),
    }
}

fn restore(data_dir: &Path, file: &Path, yes: bool) -> Result<(), String> {
    let lock = DataLock::acquire(data_dir).map_err(to_message)?;
    let summary = backup::describe(file).map_err(to_message)?;
    outln!("Backup {}:", file.display());
    print_summary(&summary);
    if !yes {
        return Err(
            "nothing was restored: check the backup above, then run the same command with --yes"
                .to_string(),
        );
    }
    let outcome = backup::restore(&lock, data_dir, file).map_err(to_message)?;
    match &outcome.kept_aside {
        Some(aside) => outln!("The previous database was kept as {}", aside.display()),
        None => outln!("There was no database to keep aside."),
    }
    outln!("Restored into {}", data_dir.display());
    Ok(())
}
