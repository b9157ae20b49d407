//! Importing CSV files in two steps. `analyse` reads the file, checks every
//! row, and tries the whole import in a transaction that is rolled back, so
//! it reports every invalid row (line, column, reason) and writes nothing.
//! `commit` then imports the valid records in one transaction: all of them,
//! or none when a row is invalid and the user did not choose to skip it.
//!
//! Customers are matched to existing ones by SIREN, then VAT id, then exact
//! legal name, and products by code, so importing the same file twice
//! updates records instead of duplicating them. Documents go through
//! `Batch::create_draft` and `Batch::issue`, so totals and numbers are the
//! core's.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::fields::{
    Field, ImportKind, map_headers, parse_country, parse_date, parse_terms, terms_text,
};
use super::{CsvRow, CsvTable, TextEncoding, read_table};
use crate::books::{Batch, Books};
use crate::document::{Address, DocumentId, DocumentKind, Party};
use crate::identifiers::compact;
use crate::input::{
    AllowanceChargeInput, DecimalText, DiscountInput, DraftInput, LineInput, VatInput,
};
use crate::money::{Currency, NumberStyle, parse_decimal};
use crate::store::{Customer, PriceList, PriceListItem, Product, ProductNature, StoreError};
use crate::terms::PaymentTerms;
use crate::vat::{Vat, VatCategory};

/// Name of the price list that imported prices go to when none is chosen.
pub const DEFAULT_PRICE_LIST: &str = "Tarif général";

/// Choices that override what `analyse` detects.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub encoding: Option<TextEncoding>,
    pub separator: Option<u8>,
    pub number_style: Option<NumberStyle>,
    /// Header name to column; `None` ignores that header.
    pub mapping: BTreeMap<String, Option<Field>>,
    /// The column of each CSV column, in file order; `None` ignores it.
    /// When set, it replaces the header matching and `mapping`, so that a
    /// file with blank or repeated headers can still be mapped.
    pub columns: Option<Vec<Option<Field>>>,
    /// Price list for product prices (created when missing).
    pub price_list: Option<String>,
}

/// An invalid row: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// File line, from 1 (the header is line 1).
    pub line: u64,
    /// The header of the column at fault, or empty for the whole row.
    pub column: String,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "line {}: {}", self.line, self.reason)
        } else {
            write!(
                f,
                "line {}, column \"{}\": {}",
                self.line, self.column, self.reason
            )
        }
    }
}

/// A customer row ready to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerRecord {
    pub line: u64,
    pub customer: Customer,
    /// Columns the row gives a value for. On re-import, a matched customer
    /// keeps its own value wherever the row gives none.
    pub given: Vec<Field>,
}

/// A product row ready to import, with its price when the file gives one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductRecord {
    pub line: u64,
    pub product: Product,
    pub price: Option<Decimal>,
    /// Columns the row gives a value for. On re-import, a product with the
    /// same code keeps its own description, unit and nature wherever the row
    /// gives none.
    pub given: Vec<Field>,
}

/// A document built from the rows sharing one document key.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRecord {
    /// Lines of the file that make up the document.
    pub lines: Vec<u64>,
    /// The document key of the file.
    pub key: String,
    pub kind: DocumentKind,
    pub customer: CustomerReference,
    pub issue_date: Option<NaiveDate>,
    /// Whether the file's status column requests issuing the document.
    pub issue: bool,
    #[serde(skip)]
    pub input: DraftInput,
}

/// The customer a document row names: legal name, SIREN or VAT id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CustomerReference {
    pub name: String,
    pub siren: Option<String>,
    pub vat_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Customer(CustomerRecord),
    Product(ProductRecord),
    Document(Box<DocumentRecord>),
}

impl Record {
    fn first_line(&self) -> u64 {
        match self {
            Record::Customer(record) => record.line,
            Record::Product(record) => record.line,
            Record::Document(record) => record.lines.first().copied().unwrap_or(0),
        }
    }
}

/// Result of `analyse`: the file's valid records and its invalid rows.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    pub kind: ImportKind,
    pub encoding: TextEncoding,
    pub had_bom: bool,
    pub separator: char,
    pub number_style: NumberStyle,
    /// Each header of the file with the column it was mapped to.
    pub columns: Vec<(String, Option<Field>)>,
    /// The first rows as read, for a preview.
    pub preview: Vec<Vec<String>>,
    /// Data rows in the file.
    pub rows: usize,
    pub price_list: String,
    /// The valid records, in file order.
    pub records: Vec<Record>,
    /// Every invalid row, in file order.
    pub errors: Vec<RowError>,
    /// Outcome of importing the valid records into the books as they are
    /// now, from the trial import that was rolled back.
    pub expected: ImportReport,
}

impl Analysis {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// Returns the number of data rows that importing with the invalid rows
    /// skipped leaves out: the invalid rows, and the other rows of a
    /// document that has an invalid row.
    pub fn skipped_rows(&self) -> usize {
        let imported_rows: usize = self
            .records
            .iter()
            .map(|record| match record {
                Record::Document(document) => document.lines.len(),
                _ => 1,
            })
            .sum();
        self.rows.saturating_sub(imported_rows)
    }
}

/// Counts and documents that `commit` imported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Prices set in the price list.
    pub prices: usize,
    /// Document key of the file, id, and number when issued.
    pub documents: Vec<(String, DocumentId, Option<String>)>,
    /// Documents of the file found already in the books, as key, id and
    /// number: they were imported before, so they are not created again.
    pub present: Vec<(String, DocumentId, Option<String>)>,
    /// Rows left out because they, or another row of their document, were
    /// reported invalid.
    pub skipped_rows: usize,
}

/// Reason `commit` imported nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} invalid row(s); fix them, or import with the invalid rows skipped:\n{}", .0.len(), list_errors(.0))]
    InvalidRows(Vec<RowError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn list_errors(errors: &[RowError]) -> String {
    errors
        .iter()
        .map(|error| format!("  {error}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many rows the preview keeps.
const PREVIEW_ROWS: usize = 5;

/// Reads and checks a CSV file, and tries the import without keeping it.
/// An unreadable file gives `Err`; invalid rows are listed in the analysis.
pub fn analyse(
    books: &mut Books,
    kind: ImportKind,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Analysis, StoreError> {
    let table =
        read_table(bytes, options.encoding, options.separator).map_err(StoreError::Rejected)?;
    let (mapped, mapping_errors) = match &options.columns {
        Some(columns) => check_columns(kind, &table.headers, columns),
        None => (
            map_headers(kind, &table.headers, &options.mapping),
            Vec::new(),
        ),
    };
    let number_style = options
        .number_style
        .unwrap_or_else(|| detect_number_style(&table, &mapped));
    let price_list = options
        .price_list
        .clone()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_PRICE_LIST.to_string());
    let mut analysis = Analysis {
        kind,
        encoding: table.encoding,
        had_bom: table.had_bom,
        separator: char::from(table.separator),
        number_style,
        columns: table
            .headers
            .iter()
            .cloned()
            .zip(mapped.iter().copied())
            .collect(),
        preview: table
            .rows
            .iter()
            .take(PREVIEW_ROWS)
            .map(|row| row.fields.clone())
            .collect(),
        rows: table.rows.len(),
        price_list,
        records: Vec::new(),
        errors: Vec::new(),
        expected: ImportReport::default(),
    };
    if !mapping_errors.is_empty() {
        analysis.errors = mapping_errors;
        return Ok(analysis);
    }
    let missing: Vec<&str> = kind
        .required()
        .iter()
        .filter(|field| !mapped.contains(&Some(**field)))
        .map(|field| field.key())
        .collect();
    if !missing.is_empty() {
        analysis.errors.push(RowError {
            line: 1,
            column: String::new(),
            reason: format!(
                "no column is mapped to {}: rename a header or map it in the import options",
                missing.join(", ")
            ),
        });
        return Ok(analysis);
    }
    let reader = RowReader {
        headers: &table.headers,
        mapped: &mapped,
        style: number_style,
    };
    let (records, mut errors) = reader.records(kind, &table.rows);

    let price_list_name = analysis.price_list.clone();
    let (expected, failures) = books.trial(|batch| {
        let mut failures = Vec::new();
        let report = apply(batch, &records, &price_list_name, &mut Some(&mut failures))?;
        Ok((report, failures))
    })?;
    analysis.expected = expected;
    let failed_lines: Vec<u64> = failures.iter().map(|error| error.line).collect();
    errors.extend(failures);
    errors.sort_by_key(|error| error.line);
    analysis.records = records
        .into_iter()
        .filter(|record| !failed_lines.contains(&record.first_line()))
        .collect();
    analysis.errors = errors;
    Ok(analysis)
}

/// Imports the valid records of `analysis` in one transaction. With
/// invalid rows, nothing is imported unless `skip_invalid` is set.
pub fn commit(
    books: &mut Books,
    analysis: &Analysis,
    skip_invalid: bool,
) -> Result<ImportReport, ImportError> {
    if !analysis.errors.is_empty() && !skip_invalid {
        return Err(ImportError::InvalidRows(analysis.errors.clone()));
    }
    let mut report =
        books.batch(|batch| apply(batch, &analysis.records, &analysis.price_list, &mut None))?;
    report.skipped_rows = analysis.skipped_rows();
    tracing::info!(
        created = report.created,
        updated = report.updated,
        documents = report.documents.len(),
        already_present = report.present.len(),
        "import committed"
    );
    Ok(report)
}

/// Checks an explicit column-by-column mapping against the file: one entry
/// per column, each field of this kind and mapped once at most.
fn check_columns(
    kind: ImportKind,
    headers: &[String],
    columns: &[Option<Field>],
) -> (Vec<Option<Field>>, Vec<RowError>) {
    let mut errors = Vec::new();
    let header_of = |index: usize| {
        headers
            .get(index)
            .filter(|header| !header.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("column {}", index + 1))
    };
    if columns.len() != headers.len() {
        errors.push(RowError {
            line: 1,
            column: String::new(),
            reason: format!(
                "the mapping gives {} column(s) but the file has {}: map the columns of this file again",
                columns.len(),
                headers.len()
            ),
        });
        return (vec![None; headers.len()], errors);
    }
    for (index, field) in columns.iter().enumerate() {
        let Some(field) = field else {
            continue;
        };
        if !kind.columns().iter().any(|(known, _)| known == field) {
            errors.push(RowError {
                line: 1,
                column: header_of(index),
                reason: format!(
                    "{} is not a column of a {} import: map this column to another field or ignore it",
                    field.key(),
                    kind.key()
                ),
            });
        } else if let Some(first) = columns[..index].iter().position(|f| f == &Some(*field)) {
            errors.push(RowError {
                line: 1,
                column: header_of(index),
                reason: format!(
                    "{} is already mapped to \"{}\": map only one column to it and ignore the other",
                    field.key(),
                    header_of(first)
                ),
            });
        }
    }
    (columns.to_vec(), errors)
}

fn parse_all(
    rows: &[CsvRow],
    mut parse: impl FnMut(&CsvRow) -> Result<Record, Vec<RowError>>,
) -> (Vec<Record>, Vec<RowError>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        match parse(row) {
            Ok(record) => records.push(record),
            Err(row_errors) => errors.extend(row_errors),
        }
    }
    (records, errors)
}

/// Chooses the decimal style of a file from its number columns: French
/// when a value has a decimal comma, English when a comma groups thousands
/// before a decimal dot, plain otherwise.
fn detect_number_style(table: &CsvTable, mapped: &[Option<Field>]) -> NumberStyle {
    let mut french = false;
    for row in &table.rows {
        for (value, field) in row.fields.iter().zip(mapped) {
            if !field.is_some_and(Field::is_number) {
                continue;
            }
            if let Some(comma) = value.rfind(',') {
                if value[comma..].contains('.') {
                    return NumberStyle::English;
                }
                french = true;
            }
        }
    }
    if french {
        NumberStyle::French
    } else {
        NumberStyle::Plain
    }
}

/// Reads the mapped values of one row.
struct RowReader<'a> {
    headers: &'a [String],
    mapped: &'a [Option<Field>],
    style: NumberStyle,
}

/// Collects the errors of one row while its fields are read.
struct RowCheck<'r> {
    row: &'r CsvRow,
    errors: Vec<RowError>,
}

impl RowReader<'_> {
    /// Parses every row into records of `kind`, collecting the invalid rows.
    fn records(&self, kind: ImportKind, rows: &[CsvRow]) -> (Vec<Record>, Vec<RowError>) {
        match kind {
            ImportKind::Customers => {
                parse_all(rows, |row| self.customer(row).map(Record::Customer))
            }
            ImportKind::Products => parse_all(rows, |row| self.product(row).map(Record::Product)),
            ImportKind::Documents => self.documents(rows),
        }
    }

    fn header(&self, field: Field) -> String {
        self.mapped
            .iter()
            .position(|mapped| *mapped == Some(field))
            .and_then(|index| self.headers.get(index))
            .cloned()
            .unwrap_or_else(|| field.key().to_string())
    }

    /// Lists the mapped columns that have a value in `row`.
    fn given(&self, row: &CsvRow) -> Vec<Field> {
        self.mapped
            .iter()
            .zip(&row.fields)
            .filter(|(_, value)| !value.trim().is_empty())
            .filter_map(|(field, _)| *field)
            .collect()
    }

    /// Returns the trimmed value of `field`, or `None` when the column is absent or
    /// the cell is blank. Text keeps its inner spaces and line breaks.
    fn text(&self, row: &CsvRow, field: Field) -> Option<String> {
        let index = self
            .mapped
            .iter()
            .position(|mapped| *mapped == Some(field))?;
        let value = row.fields.get(index)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    fn fail(&self, check: &mut RowCheck<'_>, field: Option<Field>, reason: String) {
        check.errors.push(RowError {
            line: check.row.line,
            column: field.map(|field| self.header(field)).unwrap_or_default(),
            reason,
        });
    }

    fn required(&self, check: &mut RowCheck<'_>, field: Field, what: &str) -> String {
        match self.text(check.row, field) {
            Some(value) => value,
            None => {
                self.fail(check, Some(field), format!("the {what} is empty"));
                String::new()
            }
        }
    }

    fn decimal(
        &self,
        check: &mut RowCheck<'_>,
        field: Field,
        what: &'static str,
    ) -> Option<Decimal> {
        let text = self.text(check.row, field)?;
        let text = text.trim_end_matches('%').trim();
        match parse_decimal(text, self.style, what) {
            Ok(value) => Some(value),
            Err(error) => {
                self.fail(check, Some(field), error.to_string());
                None
            }
        }
    }

    fn date(&self, check: &mut RowCheck<'_>, field: Field) -> Option<NaiveDate> {
        let text = self.text(check.row, field)?;
        match parse_date(&text) {
            Ok(date) => Some(date),
            Err(reason) => {
                self.fail(check, Some(field), reason);
                None
            }
        }
    }

    fn currency(&self, check: &mut RowCheck<'_>) -> Option<Currency> {
        let text = self.text(check.row, Field::Currency)?;
        match Currency::from_code(&text) {
            Ok(currency) => Some(currency),
            Err(error) => {
                self.fail(check, Some(Field::Currency), error.to_string());
                None
            }
        }
    }

    /// Reads the VAT of a row from its category, its rate, or both. A rate
    /// alone means category S, and category S needs a rate.
    fn vat(&self, check: &mut RowCheck<'_>) -> Option<Vat> {
        let category = match self.text(check.row, Field::VatCategory) {
            Some(code) => match VatCategory::from_code(&code) {
                Ok(category) => Some(category),
                Err(error) => {
                    self.fail(check, Some(Field::VatCategory), error.to_string());
                    return None;
                }
            },
            None => None,
        };
        let rate = self.decimal(check, Field::VatRate, "VAT rate");
        let category = match (category, rate) {
            (Some(category), _) => category,
            (None, Some(rate)) if !rate.is_zero() => VatCategory::S,
            (None, Some(_)) => {
                self.fail(
                    check,
                    Some(Field::VatCategory),
                    "a zero VAT rate needs a VAT category: Z, E, AE, K, G or O".to_string(),
                );
                return None;
            }
            (None, None) => return None,
        };
        let vat = Vat {
            category,
            rate: rate.unwrap_or_default(),
            exemption_code: self.text(check.row, Field::ExemptionCode),
            exemption_reason: self.text(check.row, Field::ExemptionReason),
        };
        match vat.validated() {
            Ok(vat) => Some(vat),
            Err(error) => {
                self.fail(check, Some(Field::VatRate), error.to_string());
                None
            }
        }
    }

    fn customer(&self, row: &CsvRow) -> Result<CustomerRecord, Vec<RowError>> {
        let mut check = RowCheck {
            row,
            errors: Vec::new(),
        };
        let name = self.required(&mut check, Field::Name, "customer's legal name");
        let country = match self.text(row, Field::Country) {
            Some(text) => parse_country(&text).unwrap_or_else(|reason| {
                self.fail(&mut check, Some(Field::Country), reason);
                String::new()
            }),
            None => String::new(),
        };
        let currency = self.currency(&mut check).unwrap_or_default();
        let payment_terms = self.payment_terms(&mut check);
        let delivery_address = self.delivery_address(&mut check);
        let customer = Customer {
            id: 0,
            party: Party {
                name,
                siren: self.text(row, Field::Siren),
                siret: self.text(row, Field::Siret),
                vat_id: self.text(row, Field::VatId),
                address: Address {
                    line1: self.text(row, Field::AddressLine1).unwrap_or_default(),
                    line2: self.text(row, Field::AddressLine2),
                    postcode: self.text(row, Field::Postcode).unwrap_or_default(),
                    city: self.text(row, Field::City).unwrap_or_default(),
                    country,
                },
                delivery_address,
                email: self.text(row, Field::Email),
            },
            currency,
            payment_terms,
            price_list_id: None,
            archived: false,
        };
        if check.errors.is_empty() {
            if let Err(error) = crate::store::customers::validate(&customer) {
                self.fail(&mut check, None, error.to_string());
            }
        }
        if check.errors.is_empty() {
            Ok(CustomerRecord {
                line: row.line,
                customer,
                given: self.given(row),
            })
        } else {
            Err(check.errors)
        }
    }

    fn product(&self, row: &CsvRow) -> Result<ProductRecord, Vec<RowError>> {
        let mut check = RowCheck {
            row,
            errors: Vec::new(),
        };
        let code = self.required(&mut check, Field::Code, "product code");
        let name = self.required(&mut check, Field::Name, "product name");
        let price = self.decimal(&mut check, Field::Price, "price");
        if let Some(price) = price {
            if price.is_sign_negative() && !price.is_zero() {
                self.fail(
                    &mut check,
                    Some(Field::Price),
                    format!("price {price} is negative: catalogue prices are zero or more"),
                );
            }
        }
        let vat = self.vat(&mut check);
        if vat.is_none() && check.errors.is_empty() {
            self.fail(
                &mut check,
                Some(Field::VatRate),
                "the VAT rate is empty: give the rate, such as 20, or a VAT category".to_string(),
            );
        }
        let unit = self
            .text(row, Field::Unit)
            .unwrap_or_else(|| "C62".to_string());
        if let Err(error) = crate::units::check_unit(&unit) {
            self.fail(&mut check, Some(Field::Unit), error.to_string());
        }
        let nature = match self
            .text(row, Field::Nature)
            .map(|text| text.to_lowercase())
        {
            None => ProductNature::Goods,
            Some(text)
                if [
                    "goods",
                    "good",
                    "bien",
                    "biens",
                    "marchandise",
                    "product",
                    "produit",
                ]
                .contains(&text.as_str()) =>
            {
                ProductNature::Goods
            }
            Some(text) if ["service", "services", "prestation"].contains(&text.as_str()) => {
                ProductNature::Service
            }
            Some(text) => {
                self.fail(
                    &mut check,
                    Some(Field::Nature),
                    format!("\"{text}\" is neither goods nor service"),
                );
                ProductNature::Goods
            }
        };
        match (check.errors.is_empty(), vat) {
            (true, Some(vat)) => Ok(ProductRecord {
                line: row.line,
                product: Product {
                    id: 0,
                    code,
                    name,
                    description: self.text(row, Field::Description).unwrap_or_default(),
                    unit,
                    vat,
                    nature,
                    archived: false,
                },
                price,
                given: self.given(row),
            }),
            _ => Err(check.errors),
        }
    }

    /// Groups rows by document key, in order of first appearance. A
    /// document with an invalid row is left out whole.
    fn documents(&self, rows: &[CsvRow]) -> (Vec<Record>, Vec<RowError>) {
        let mut order: Vec<String> = Vec::new();
        let mut groups: BTreeMap<String, Vec<&CsvRow>> = BTreeMap::new();
        let mut errors = Vec::new();
        for row in rows {
            match self.text(row, Field::Document) {
                Some(key) => {
                    if !groups.contains_key(&key) {
                        order.push(key.clone());
                    }
                    groups.entry(key).or_default().push(row);
                }
                None => errors.push(RowError {
                    line: row.line,
                    column: self.header(Field::Document),
                    reason: "the document key is empty: rows of one document share a key such as its number".to_string(),
                }),
            }
        }
        let mut records = Vec::new();
        for key in order {
            match self.document(&key, &groups[&key]) {
                Ok(record) => records.push(Record::Document(Box::new(record))),
                Err(document_errors) => errors.extend(document_errors),
            }
        }
        (records, errors)
    }

    fn document(&self, key: &str, rows: &[&CsvRow]) -> Result<DocumentRecord, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut lines = Vec::new();
        let mut allowances = Vec::new();
        let mut charges = Vec::new();
        let mut header: BTreeMap<Field, (u64, String)> = BTreeMap::new();
        for row in rows {
            let mut check = RowCheck {
                row,
                errors: Vec::new(),
            };
            for field in DOCUMENT_HEADER_FIELDS {
                let Some(value) = self.text(row, *field) else {
                    continue;
                };
                match header.get(field) {
                    Some((first_line, first)) if *first != value => self.fail(
                        &mut check,
                        Some(*field),
                        format!(
                            "\"{value}\" differs from \"{first}\" on line {first_line} of the same document {key}"
                        ),
                    ),
                    Some(_) => {}
                    None => {
                        header.insert(*field, (row.line, value));
                    }
                }
            }
            if self.text(row, Field::AllowanceCharge).is_some() {
                match self.allowance_charge(&mut check) {
                    Some((true, charge)) => charges.push(charge),
                    Some((false, allowance)) => allowances.push(allowance),
                    None => {}
                }
            } else if let Some(line) = self.document_line(&mut check) {
                lines.push(line);
            }
            errors.extend(check.errors);
        }
        let first = rows[0];
        let mut check = RowCheck {
            row: first,
            errors: Vec::new(),
        };
        let value = |field: Field| header.get(&field).map(|(_, value)| value.clone());
        let kind = self.document_kind(&mut check, value(Field::Kind));
        let issue = self.document_status(&mut check, value(Field::Status));
        let customer_name = value(Field::Customer).unwrap_or_default();
        let customer = CustomerReference {
            name: customer_name,
            siren: value(Field::CustomerSiren),
            vat_id: value(Field::CustomerVatId),
        };
        if customer.name.is_empty() && customer.siren.is_none() && customer.vat_id.is_none() {
            self.fail(
                &mut check,
                Some(Field::Customer),
                "the customer is empty: name an existing customer".to_string(),
            );
        }
        let issue_date = self.date(&mut check, Field::IssueDate);
        let delivery_date = self.date(&mut check, Field::DeliveryDate);
        let currency = self.currency(&mut check);
        let payment_terms = self.payment_terms(&mut check);
        let due_date = self.date(&mut check, Field::DueDate);
        self.check_due_date(&mut check, payment_terms, issue_date, due_date);
        let exchange_rate = self.decimal(&mut check, Field::ExchangeRate, "exchange rate");
        if let Some(rate) = exchange_rate {
            if rate <= Decimal::ZERO {
                self.fail(
                    &mut check,
                    Some(Field::ExchangeRate),
                    format!("exchange rate {rate} must be above zero: write the company currency units for one unit of the document currency, such as 0.92"),
                );
            }
        }
        if issue && issue_date.is_none() && check.errors.is_empty() {
            self.fail(
                &mut check,
                Some(Field::IssueDate),
                "an issued document needs its issue date".to_string(),
            );
        }
        errors.extend(check.errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let input = DraftInput {
            customer_id: None,
            customer: None,
            currency: currency.map(|currency| currency.code().to_string()),
            exchange_rate: exchange_rate.map(text_of),
            issue_date,
            payment_terms,
            delivery_date,
            valid_until: None,
            purchase_order_ref: value(Field::PurchaseOrderRef),
            buyer_reference: value(Field::BuyerReference),
            note: value(Field::Note),
            price_list_id: None,
            price_locked: true,
            lines,
            allowances,
            charges,
        };
        Ok(DocumentRecord {
            lines: rows.iter().map(|row| row.line).collect(),
            key: key.to_string(),
            kind,
            customer,
            issue_date,
            issue,
            input,
        })
    }

    fn document_kind(&self, check: &mut RowCheck<'_>, text: Option<String>) -> DocumentKind {
        let Some(text) = text.map(|text| text.to_lowercase()) else {
            return DocumentKind::Invoice;
        };
        match text.as_str() {
            "invoice" | "facture" => DocumentKind::Invoice,
            "quote" | "devis" => DocumentKind::Quote,
            "order" | "commande" | "bon de commande" => DocumentKind::Order,
            _ => {
                self.fail(
                    check,
                    Some(Field::Kind),
                    format!("\"{text}\" is not a document kind: write invoice, quote or order (credit notes are made by cancelling an invoice)"),
                );
                DocumentKind::Invoice
            }
        }
    }

    /// Returns whether the status column requests issuing; blank is a draft.
    fn document_status(&self, check: &mut RowCheck<'_>, text: Option<String>) -> bool {
        let Some(text) = text.map(|text| text.to_lowercase()) else {
            return false;
        };
        match text.as_str() {
            "issued" | "issue" | "émise" | "emise" | "émis" | "emis" | "final" => true,
            "draft" | "brouillon" => false,
            _ => {
                self.fail(
                    check,
                    Some(Field::Status),
                    format!("\"{text}\" is not a status: write issued or draft"),
                );
                false
            }
        }
    }

    fn document_line(&self, check: &mut RowCheck<'_>) -> Option<LineInput> {
        let row = check.row;
        let quantity = self.decimal(check, Field::Quantity, "quantity");
        if quantity.is_none() && self.text(row, Field::Quantity).is_none() {
            self.fail(
                check,
                Some(Field::Quantity),
                "the quantity is empty".to_string(),
            );
        }
        let unit_price = self.decimal(check, Field::UnitPrice, "unit price");
        let base_quantity = self.decimal(check, Field::BaseQuantity, "base quantity");
        let discount_percent = self.decimal(check, Field::DiscountPercent, "discount percentage");
        let discount_amount = self.decimal(check, Field::DiscountAmount, "discount amount");
        let vat = self.vat(check);
        let delivery_date = self.date(check, Field::LineDeliveryDate);
        let product_code = self.text(row, Field::ProductCode);
        let description = self.text(row, Field::Description);
        if product_code.is_none() && description.is_none() {
            self.fail(
                check,
                Some(Field::Description),
                "give a product code or a description".to_string(),
            );
        }
        if product_code.is_none() && unit_price.is_none() {
            self.fail(
                check,
                Some(Field::UnitPrice),
                "the unit price is empty and no product code gives one".to_string(),
            );
        }
        if product_code.is_none() && vat.is_none() && check.errors.is_empty() {
            self.fail(
                check,
                Some(Field::VatRate),
                "the VAT rate is empty and no product code gives one".to_string(),
            );
        }
        let discount = match (discount_percent, discount_amount) {
            (Some(_), Some(_)) => {
                self.fail(
                    check,
                    Some(Field::DiscountAmount),
                    "give the discount as a percentage or as an amount, not both".to_string(),
                );
                None
            }
            (Some(percent), None) if !percent.is_zero() => {
                Some(DiscountInput::Percent(text_of(percent)))
            }
            (None, Some(amount)) if !amount.is_zero() => {
                Some(DiscountInput::Amount(text_of(amount)))
            }
            _ => None,
        };
        Some(LineInput {
            product_code,
            product_id: None,
            description,
            quantity: text_of(quantity?),
            unit: self.text(row, Field::Unit),
            unit_price: unit_price.map(text_of),
            base_quantity: base_quantity.map(text_of),
            discount,
            vat: vat.map(vat_input),
            delivery_date,
        })
    }

    /// Reads the deliver-to address. When any of its columns is filled in,
    /// it needs the first address line, the city and the country.
    fn delivery_address(&self, check: &mut RowCheck<'_>) -> Option<Address> {
        let row = check.row;
        let text = |field| self.text(row, field);
        let columns = [
            Field::DeliveryLine1,
            Field::DeliveryLine2,
            Field::DeliveryPostcode,
            Field::DeliveryCity,
            Field::DeliveryCountry,
        ];
        if columns.iter().all(|field| text(*field).is_none()) {
            return None;
        }
        for (field, what) in [
            (Field::DeliveryLine1, "first line of the delivery address"),
            (Field::DeliveryCity, "delivery city"),
            (Field::DeliveryCountry, "delivery country"),
        ] {
            if text(field).is_none() {
                self.fail(
                    check,
                    Some(field),
                    format!("the {what} is empty: fill in the delivery address line, city and country, or leave every delivery column empty"),
                );
            }
        }
        let country = match text(Field::DeliveryCountry).map(|name| parse_country(&name)) {
            Some(Ok(code)) => code,
            Some(Err(reason)) => {
                self.fail(check, Some(Field::DeliveryCountry), reason);
                String::new()
            }
            None => String::new(),
        };
        Some(Address {
            line1: text(Field::DeliveryLine1).unwrap_or_default(),
            line2: text(Field::DeliveryLine2),
            postcode: text(Field::DeliveryPostcode).unwrap_or_default(),
            city: text(Field::DeliveryCity).unwrap_or_default(),
            country,
        })
    }

    fn payment_terms(&self, check: &mut RowCheck<'_>) -> Option<PaymentTerms> {
        let text = self.text(check.row, Field::PaymentTerms)?;
        match parse_terms(&text) {
            Ok(terms) => Some(terms),
            Err(reason) => {
                self.fail(check, Some(Field::PaymentTerms), reason);
                None
            }
        }
    }

    /// Checks a given due date against the one the payment terms give from
    /// the issue date. Issuing computes the due date from the terms, so any
    /// other due date in the file would be lost on import.
    fn check_due_date(
        &self,
        check: &mut RowCheck<'_>,
        terms: Option<PaymentTerms>,
        issue_date: Option<NaiveDate>,
        due_date: Option<NaiveDate>,
    ) {
        let Some(due_date) = due_date else {
            return;
        };
        if !check.errors.is_empty() {
            return;
        }
        let (Some(terms), Some(issue_date)) = (terms, issue_date) else {
            self.fail(
                check,
                Some(Field::DueDate),
                format!("due date {due_date} needs the payment terms and the issue date it follows from: fill in payment_terms and issue_date, or empty due_date"),
            );
            return;
        };
        match terms.due_date(issue_date) {
            Ok(expected) if expected == due_date => {}
            Ok(expected) => self.fail(
                check,
                Some(Field::DueDate),
                format!(
                    "due date {due_date} differs from {expected}, which payment terms {} give for issue date {issue_date}: correct the due date or the payment terms",
                    terms_text(terms)
                ),
            ),
            Err(error) => self.fail(check, Some(Field::DueDate), error.to_string()),
        }
    }
}

impl RowReader<'_> {
    /// Reads a row that carries a document-level allowance or charge: its
    /// amount or percentage, its reason (in the description column), reason
    /// code and VAT. Returns whether it is a charge, with the entry.
    fn allowance_charge(&self, check: &mut RowCheck<'_>) -> Option<(bool, AllowanceChargeInput)> {
        let row = check.row;
        let text = self.text(row, Field::AllowanceCharge)?.to_lowercase();
        let is_charge = match text.as_str() {
            "allowance" | "remise" => false,
            "charge" | "frais" => true,
            _ => {
                self.fail(
                    check,
                    Some(Field::AllowanceCharge),
                    format!("\"{text}\" is neither allowance nor charge: write allowance or charge, or leave the cell empty on a line"),
                );
                return None;
            }
        };
        let amount = self.decimal(check, Field::Amount, "amount");
        let percent = self.decimal(check, Field::Percent, "percentage");
        match (&amount, &percent) {
            (Some(_), Some(_)) => self.fail(
                check,
                Some(Field::Percent),
                "give the amount or the percentage of the allowance or charge, not both"
                    .to_string(),
            ),
            (None, None) if check.errors.is_empty() => self.fail(
                check,
                Some(Field::Amount),
                "the amount is empty: give the amount or the percentage of the allowance or charge"
                    .to_string(),
            ),
            _ => {}
        }
        let vat = self.vat(check);
        Some((
            is_charge,
            AllowanceChargeInput {
                amount: amount.map(text_of),
                percent: percent.map(text_of),
                reason: self.text(row, Field::Description),
                reason_code: self.text(row, Field::ReasonCode),
                vat: vat.map(vat_input),
            },
        ))
    }
}

fn vat_input(vat: Vat) -> VatInput {
    VatInput {
        category: vat.category.code().to_string(),
        rate: Some(text_of(vat.rate)),
        exemption_code: vat.exemption_code,
        exemption_reason: vat.exemption_reason,
    }
}

/// Columns that belong to the document, not to one line: every row of a
/// document must agree on them.
const DOCUMENT_HEADER_FIELDS: &[Field] = &[
    Field::Kind,
    Field::Customer,
    Field::CustomerSiren,
    Field::CustomerVatId,
    Field::IssueDate,
    Field::DeliveryDate,
    Field::Currency,
    Field::Status,
    Field::Note,
    Field::PurchaseOrderRef,
    Field::PaymentTerms,
    Field::DueDate,
    Field::BuyerReference,
    Field::ExchangeRate,
];

fn text_of(value: Decimal) -> DecimalText {
    DecimalText(value.to_string())
}

/// Applies records through the batch. With `failures`, a record that the
/// business rules reject is undone alone and reported there; without, the
/// first rejection fails the whole import.
fn apply(
    batch: &Batch<'_, '_>,
    records: &[Record],
    price_list: &str,
    failures: &mut Option<&mut Vec<RowError>>,
) -> Result<ImportReport, StoreError> {
    let mut report = ImportReport::default();
    let mut state = ApplyState::load(batch)?;
    let mut ordered: Vec<&Record> = records.iter().collect();
    // Issued documents take numbers in the order of their issue dates, as
    // numbering requires; the sort is stable, so file order breaks ties.
    ordered.sort_by_key(|record| match record {
        Record::Document(document) if document.issue => (1, document.issue_date),
        Record::Document(_) => (0, None),
        _ => (0, None),
    });
    for record in ordered {
        let outcome = batch.savepoint(|batch| match record {
            Record::Customer(record) => state.apply_customer(batch, record, &mut report),
            Record::Product(record) => state.apply_product(batch, record, price_list, &mut report),
            Record::Document(record) => {
                state.apply_document(batch, record, price_list, &mut report)
            }
        });
        match (outcome, failures.as_deref_mut()) {
            (Ok(()), _) => {}
            (Err(StoreError::Rejected(reason)), Some(failures)) => failures.push(RowError {
                line: record.first_line(),
                column: String::new(),
                reason,
            }),
            (Err(error), Some(failures)) if error.constraint_message().is_some() => {
                failures.push(RowError {
                    line: record.first_line(),
                    column: String::new(),
                    reason: error.constraint_message().unwrap_or_default().to_string(),
                })
            }
            (Err(StoreError::Rejected(reason)), None) => {
                return Err(StoreError::Rejected(format!(
                    "line {}: {reason}",
                    record.first_line()
                )));
            }
            (Err(error), _) => return Err(error),
        }
    }
    Ok(report)
}

/// Existing customers and products, kept up to date while records apply so
/// that a file naming the same customer twice creates it once.
struct ApplyState {
    customers: Vec<Customer>,
    products: BTreeMap<String, Product>,
    price_list_id: Option<i64>,
}

impl ApplyState {
    fn load(batch: &Batch<'_, '_>) -> Result<ApplyState, StoreError> {
        Ok(ApplyState {
            customers: batch.customers()?,
            products: batch
                .products()?
                .into_iter()
                .map(|product| (product.code.clone(), product))
                .collect(),
            price_list_id: None,
        })
    }

    /// Finds the existing customer with the same SIREN, else the same VAT id,
    /// else the same legal name.
    fn find_customer(&self, reference: &CustomerReference) -> Option<&Customer> {
        let same = |a: &Option<String>, b: &Option<String>| match (a, b) {
            (Some(a), Some(b)) => compact(a).eq_ignore_ascii_case(&compact(b)),
            _ => false,
        };
        self.customers
            .iter()
            .find(|customer| same(&customer.party.siren, &reference.siren))
            .or_else(|| {
                self.customers
                    .iter()
                    .find(|customer| same(&customer.party.vat_id, &reference.vat_id))
            })
            .or_else(|| {
                self.customers
                    .iter()
                    .find(|customer| customer.party.name == reference.name)
            })
    }

    fn apply_customer(
        &mut self,
        batch: &Batch<'_, '_>,
        record: &CustomerRecord,
        report: &mut ImportReport,
    ) -> Result<(), StoreError> {
        let incoming = &record.customer;
        let reference = CustomerReference {
            name: incoming.party.name.clone(),
            siren: incoming.party.siren.clone(),
            vat_id: incoming.party.vat_id.clone(),
        };
        let Some(existing) = self.find_customer(&reference).cloned() else {
            let mut created = incoming.clone();
            created.id = batch.add_customer(&created)?;
            self.customers.push(created);
            report.created += 1;
            return Ok(());
        };
        let merged = merge_customer(&existing, record);
        if merged == existing {
            report.unchanged += 1;
            return Ok(());
        }
        batch.update_customer(&merged)?;
        if let Some(slot) = self.customers.iter_mut().find(|c| c.id == merged.id) {
            *slot = merged;
        }
        report.updated += 1;
        Ok(())
    }

    fn apply_product(
        &mut self,
        batch: &Batch<'_, '_>,
        record: &ProductRecord,
        price_list: &str,
        report: &mut ImportReport,
    ) -> Result<(), StoreError> {
        let incoming = &record.product;
        let product_id = match self.products.get(&incoming.code).cloned() {
            None => {
                let mut created = incoming.clone();
                created.id = batch.add_product(&created)?;
                let id = created.id;
                self.products.insert(created.code.clone(), created);
                report.created += 1;
                id
            }
            Some(existing) => {
                let merged = merge_product(&existing, record);
                if merged == existing {
                    report.unchanged += 1;
                } else {
                    batch.update_product(&merged)?;
                    self.products.insert(merged.code.clone(), merged);
                    report.updated += 1;
                }
                existing.id
            }
        };
        if let Some(price) = record.price {
            let price_list_id = self.price_list(batch, price_list)?;
            batch.set_price(&PriceListItem {
                price_list_id,
                product_id,
                unit_price: price,
                base_quantity: Decimal::ONE,
                valid_from: None,
                valid_to: None,
            })?;
            report.prices += 1;
        }
        Ok(())
    }

    fn price_list(&mut self, batch: &Batch<'_, '_>, name: &str) -> Result<i64, StoreError> {
        if let Some(id) = self.price_list_id {
            return Ok(id);
        }
        let existing = batch
            .price_lists()?
            .into_iter()
            .find(|list| list.name == name.trim());
        let id = match existing {
            Some(list) => list.id,
            None => {
                let currency = batch
                    .company()?
                    .map(|company| company.currency)
                    .unwrap_or_default();
                batch.add_price_list(&PriceList {
                    id: 0,
                    name: name.trim().to_string(),
                    currency,
                    archived: false,
                })?
            }
        };
        self.price_list_id = Some(id);
        Ok(id)
    }

    fn apply_document(
        &mut self,
        batch: &Batch<'_, '_>,
        record: &DocumentRecord,
        price_list: &str,
        report: &mut ImportReport,
    ) -> Result<(), StoreError> {
        let customer = self.find_customer(&record.customer).ok_or_else(|| {
            StoreError::Rejected(format!(
                "customer \"{}\" of document {} not found: import the customers first",
                record.customer.name, record.key
            ))
        })?;
        let customer_id = customer.id;
        if let Some(present) = find_imported(batch, record, customer_id)? {
            report
                .present
                .push((record.key.clone(), present.0, present.1));
            report.unchanged += 1;
            return Ok(());
        }
        let mut input = record.input.clone();
        input.customer_id = Some(customer_id);
        // Catalogue lines without a written price take the import's price
        // list, unless the customer has its own.
        let needs_list_price = input
            .lines
            .iter()
            .any(|line| line.product_code.is_some() && line.unit_price.is_none());
        if needs_list_price && customer.price_list_id.is_none() {
            input.price_list_id = batch
                .price_lists()?
                .into_iter()
                .find(|list| list.name == price_list.trim())
                .map(|list| list.id);
        }
        let id = batch.create_draft(record.kind, &input)?;
        let number = if record.issue {
            Some(batch.issue(id, record.issue_date)?)
        } else {
            None
        };
        batch.transaction().execute(
            "INSERT INTO imported_documents (document_key, customer_id, kind, document_id)
             VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![record.key, customer_id, record.kind.as_str(), id],
        )?;
        report.documents.push((record.key.clone(), id, number));
        report.created += 1;
        Ok(())
    }
}

/// Finds the document that an earlier import created from the same document
/// key for the same customer and kind. Failing that, it finds a document of
/// these books numbered with the key, as in a file exported from these
/// books. Returns the document's id and number.
fn find_imported(
    batch: &Batch<'_, '_>,
    record: &DocumentRecord,
    customer_id: i64,
) -> Result<Option<(DocumentId, Option<String>)>, StoreError> {
    use rusqlite::OptionalExtension;
    let found = batch
        .transaction()
        .query_row(
            "SELECT d.id, d.number FROM imported_documents i JOIN documents d ON d.id = i.document_id
             WHERE i.document_key = ?1 AND i.customer_id = ?2 AND i.kind = ?3
             UNION ALL
             SELECT id, number FROM documents
             WHERE number = ?1 AND customer_id = ?2 AND kind = ?3
             LIMIT 1",
            rusqlite::params![record.key, customer_id, record.kind.as_str()],
            |row| Ok((row.get::<_, DocumentId>(0)?, row.get::<_, Option<String>>(1)?)),
        )
        .optional()?;
    Ok(found)
}

/// Returns the existing product with the row's values written over it,
/// keeping its description, unit and nature where the row gives none.
fn merge_product(existing: &Product, record: &ProductRecord) -> Product {
    let incoming = &record.product;
    let given = |field: Field| record.given.contains(&field);
    Product {
        id: existing.id,
        description: if given(Field::Description) {
            incoming.description.clone()
        } else {
            existing.description.clone()
        },
        unit: if given(Field::Unit) {
            incoming.unit.clone()
        } else {
            existing.unit.clone()
        },
        nature: if given(Field::Nature) {
            incoming.nature
        } else {
            existing.nature
        },
        archived: existing.archived,
        ..incoming.clone()
    }
}

/// Returns the existing customer with the row's non-empty values written
/// over it.
fn merge_customer(existing: &Customer, record: &CustomerRecord) -> Customer {
    let incoming = &record.customer;
    let pick = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
    let pick_text = |new: &str, old: &str| {
        if new.is_empty() {
            old.to_string()
        } else {
            new.to_string()
        }
    };
    let (old, new) = (&existing.party, &incoming.party);
    Customer {
        party: Party {
            name: pick_text(&new.name, &old.name),
            siren: pick(&new.siren, &old.siren),
            siret: pick(&new.siret, &old.siret),
            vat_id: pick(&new.vat_id, &old.vat_id),
            address: Address {
                line1: pick_text(&new.address.line1, &old.address.line1),
                line2: pick(&new.address.line2, &old.address.line2),
                postcode: pick_text(&new.address.postcode, &old.address.postcode),
                city: pick_text(&new.address.city, &old.address.city),
                country: pick_text(&new.address.country, &old.address.country),
            },
            delivery_address: new
                .delivery_address
                .clone()
                .or_else(|| old.delivery_address.clone()),
            email: pick(&new.email, &old.email),
        },
        currency: if record.given.contains(&Field::Currency) {
            incoming.currency
        } else {
            existing.currency
        },
        payment_terms: incoming.payment_terms.or(existing.payment_terms),
        ..existing.clone()
    }
}
