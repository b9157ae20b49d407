//! CSV exports for the accountant and for moving data between books.
//!
//! Every export is UTF-8 with a header line of the import's column names,
//! in the plain dialect (`,` and "1234.50") or the French one (`;` and
//! "1234,50"). Decimals are never grouped. Any
//! field that contains a separator, a quote or a line break is quoted, so
//! importing an export gives back the same values.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::fields::terms_text;
use crate::books::Books;
use crate::document::{DocumentKind, InvoiceStatus, LineDiscount};
use crate::store::documents::ListFilter;
use crate::store::{Result, StoreError};

/// Content of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// Issued invoices and credit notes, one row per document with totals.
    Invoices,
    /// The lines of issued invoices and credit notes, one row per line, in
    /// the document import's columns.
    Lines,
    /// Payments received on invoices issued in the period.
    Payments,
    /// VAT collected per month, currency, category and rate.
    Vat,
    Customers,
    /// Products with their price in the first price list, if any.
    Products,
}

/// Separator and decimal mark of an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvDialect {
    /// `,` between fields and `.` in numbers: "1234.50".
    #[default]
    Plain,
    /// `;` between fields and `,` in numbers ("1234,50"), as French
    /// spreadsheet and accounting programs read them.
    French,
}

impl CsvDialect {
    fn separator(self) -> u8 {
        match self {
            CsvDialect::Plain => b',',
            CsvDialect::French => b';',
        }
    }

    /// Writes a decimal with this dialect's decimal mark, without grouping.
    pub fn number(self, value: Decimal) -> String {
        match self {
            CsvDialect::Plain => value.to_string(),
            CsvDialect::French => value.to_string().replace('.', ","),
        }
    }
}

/// Writes the export of `kind` for documents issued from `from` to `to`
/// (both included; customers and products ignore the period), in the plain
/// dialect.
pub fn export(
    books: &mut Books,
    kind: ExportKind,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<u8>> {
    export_in(books, kind, from, to, CsvDialect::Plain)
}

/// Writes the export of `kind` in `dialect`.
pub fn export_in(
    books: &mut Books,
    kind: ExportKind,
    from: NaiveDate,
    to: NaiveDate,
    dialect: CsvDialect,
) -> Result<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(dialect.separator())
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    match kind {
        ExportKind::Invoices => invoices(books, from, to, &mut writer, dialect)?,
        ExportKind::Lines => lines(books, from, to, &mut writer, dialect)?,
        ExportKind::Payments => payments(books, from, to, &mut writer, dialect)?,
        ExportKind::Vat => vat(books, from, to, &mut writer, dialect)?,
        ExportKind::Customers => customers(books, &mut writer)?,
        ExportKind::Products => products(books, &mut writer, dialect)?,
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| StoreError::Rejected(format!("writing the CSV failed: {error}")))?;
    tracing::info!(?kind, "export written");
    Ok(bytes)
}

type Writer = csv::Writer<Vec<u8>>;

fn write_row<I, T>(writer: &mut Writer, row: I) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    writer
        .write_record(row)
        .map_err(|error| StoreError::Rejected(format!("writing the CSV failed: {error}")))
}

/// Issued invoices and credit notes of the period, oldest first.
fn issued_documents(
    books: &mut Books,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<crate::books::ListedDocument>> {
    let filter = ListFilter {
        from: Some(from),
        to: Some(to),
        ..ListFilter::default()
    };
    let mut rows: Vec<_> = books
        .list(&filter, crate::books::today())?
        .into_iter()
        .filter(|row| {
            row.status != InvoiceStatus::Draft
                && matches!(row.kind, DocumentKind::Invoice | DocumentKind::CreditNote)
        })
        .collect();
    rows.sort_by(|a, b| a.issue_date.cmp(&b.issue_date).then(a.id.cmp(&b.id)));
    Ok(rows)
}

fn status_name(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Draft => "draft",
        InvoiceStatus::Open => "open",
        InvoiceStatus::Partial => "partially_paid",
        InvoiceStatus::Paid => "paid",
        InvoiceStatus::Cancelled => "cancelled",
    }
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|date| date.to_string()).unwrap_or_default()
}

fn invoices(
    books: &mut Books,
    from: NaiveDate,
    to: NaiveDate,
    writer: &mut Writer,
    dialect: CsvDialect,
) -> Result<()> {
    write_row(
        writer,
        [
            "number",
            "kind",
            "issue_date",
            "due_date",
            "customer",
            "customer_siren",
            "customer_vat_id",
            "customer_country",
            "currency",
            "tax_exclusive_total",
            "tax_total",
            "tax_inclusive_total",
            "paid",
            "credited",
            "balance",
            "status",
            "overdue",
            "corrects",
        ],
    )?;
    let today = crate::books::today();
    for row in issued_documents(books, from, to)? {
        let view = books.view(row.id, today)?;
        let buyer = &view.document.header.buyer;
        let kind = if row.kind == DocumentKind::CreditNote {
            "credit_note"
        } else {
            "invoice"
        };
        let status = if row.kind == DocumentKind::CreditNote {
            ""
        } else {
            status_name(row.status)
        };
        write_row(
            writer,
            [
                row.number.clone().unwrap_or_default(),
                kind.to_string(),
                date_text(row.issue_date),
                date_text(row.due_date),
                buyer.name.clone(),
                buyer.siren.clone().unwrap_or_default(),
                buyer.vat_id.clone().unwrap_or_default(),
                buyer.address.country.clone(),
                row.currency.code().to_string(),
                dialect.number(view.totals.tax_exclusive_total),
                dialect.number(view.totals.tax_total),
                dialect.number(view.totals.tax_inclusive_total),
                dialect.number(view.paid),
                dialect.number(view.credited),
                dialect.number(view.balance),
                status.to_string(),
                row.overdue.to_string(),
                view.corrects
                    .as_ref()
                    .map(|(number, _)| number.clone())
                    .unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}

/// Columns of the lines export: the document import's column names, so the
/// file reads back as a documents import. New columns go at the end, so
/// that the position of the older ones never changes.
const LINE_COLUMNS: [&str; 34] = [
    "document",
    "kind",
    "status",
    "issue_date",
    "delivery_date",
    "customer",
    "customer_siren",
    "customer_vat_id",
    "currency",
    "purchase_order_ref",
    "note",
    "line",
    "allowance_charge",
    "product_code",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "base_quantity",
    "discount_percent",
    "discount_amount",
    "net_amount",
    "amount",
    "percent",
    "reason_code",
    "vat_category",
    "vat_rate",
    "exemption_code",
    "exemption_reason",
    "payment_terms",
    "due_date",
    "buyer_reference",
    "exchange_rate",
    "line_delivery_date",
];

/// Writes one row per line of each issued invoice and credit note, then
/// one row per document-level allowance (BG-20) and charge (BG-21), marked
/// in `allowance_charge`, with its reason in `description`.
fn lines(
    books: &mut Books,
    from: NaiveDate,
    to: NaiveDate,
    writer: &mut Writer,
    dialect: CsvDialect,
) -> Result<()> {
    write_row(writer, LINE_COLUMNS)?;
    let today = crate::books::today();
    for row in issued_documents(books, from, to)? {
        let view = books.view(row.id, today)?;
        let document = &view.document;
        let header = &document.header;
        let buyer = &header.buyer;
        let document_columns = [
            document.number.clone().unwrap_or_default(),
            header.kind.as_str().to_string(),
            "issued".to_string(),
            date_text(header.issue_date),
            date_text(header.delivery_date),
            buyer.name.clone(),
            buyer.siren.clone().unwrap_or_default(),
            buyer.vat_id.clone().unwrap_or_default(),
            header.currency.code().to_string(),
            header.purchase_order_ref.clone().unwrap_or_default(),
            header.note.clone().unwrap_or_default(),
        ];
        let terms_columns = [
            terms_text(header.payment_terms),
            date_text(document.due_date),
            header.buyer_reference.clone().unwrap_or_default(),
            header
                .exchange_rate
                .map(|rate| dialect.number(rate))
                .unwrap_or_default(),
        ];
        for (index, line) in document.content.lines.iter().enumerate() {
            let (percent, amount) = match line.discount {
                Some(LineDiscount::Percent(percent)) => (dialect.number(percent), String::new()),
                Some(LineDiscount::Amount(amount)) => (String::new(), dialect.number(amount)),
                None => (String::new(), String::new()),
            };
            let net_amount = view
                .totals
                .lines
                .get(index)
                .map(|amounts| dialect.number(amounts.net_amount))
                .unwrap_or_default();
            let line_columns = [
                (index + 1).to_string(),
                String::new(),
                line.item_code.clone().unwrap_or_default(),
                line.description.clone(),
                dialect.number(line.quantity),
                line.unit.clone(),
                dialect.number(line.unit_price),
                dialect.number(line.base_quantity),
                percent,
                amount,
                net_amount,
                String::new(),
                String::new(),
                String::new(),
            ];
            let vat_columns = vat_columns(Some(&line.vat), dialect);
            write_row(
                writer,
                document_columns
                    .iter()
                    .chain(&line_columns)
                    .chain(&vat_columns)
                    .chain(&terms_columns)
                    .chain([&date_text(line.delivery_date)]),
            )?;
        }
        let entries = [
            ("allowance", &document.content.allowances),
            ("charge", &document.content.charges),
        ];
        for (marker, list) in entries {
            for entry in list {
                let entry_columns = [
                    String::new(),
                    marker.to_string(),
                    String::new(),
                    entry.reason.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    entry
                        .amount
                        .map(|amount| dialect.number(amount))
                        .unwrap_or_default(),
                    entry
                        .percent
                        .map(|percent| dialect.number(percent))
                        .unwrap_or_default(),
                    entry.reason_code.clone().unwrap_or_default(),
                ];
                let vat_columns = vat_columns(entry.vat.as_ref(), dialect);
                write_row(
                    writer,
                    document_columns
                        .iter()
                        .chain(&entry_columns)
                        .chain(&vat_columns)
                        .chain(&terms_columns)
                        .chain([&String::new()]),
                )?;
            }
        }
    }
    Ok(())
}

/// Returns the VAT category, rate, exemption code and exemption reason
/// columns, all empty without VAT.
fn vat_columns(vat: Option<&crate::vat::Vat>, dialect: CsvDialect) -> [String; 4] {
    match vat {
        Some(vat) => [
            vat.category.code().to_string(),
            dialect.number(vat.rate),
            vat.exemption_code.clone().unwrap_or_default(),
            vat.exemption_reason.clone().unwrap_or_default(),
        ],
        None => Default::default(),
    }
}

fn payments(
    books: &mut Books,
    from: NaiveDate,
    to: NaiveDate,
    writer: &mut Writer,
    dialect: CsvDialect,
) -> Result<()> {
    write_row(
        writer,
        [
            "invoice",
            "invoice_date",
            "customer",
            "currency",
            "payment_date",
            "amount",
            "method",
            "reference",
        ],
    )?;
    let today = crate::books::today();
    for row in issued_documents(books, from, to)? {
        if row.kind != DocumentKind::Invoice {
            continue;
        }
        let view = books.view(row.id, today)?;
        for payment in &view.payments {
            write_row(
                writer,
                [
                    row.number.clone().unwrap_or_default(),
                    date_text(row.issue_date),
                    row.customer_name.clone(),
                    row.currency.code().to_string(),
                    payment.date.to_string(),
                    dialect.number(payment.amount),
                    payment.method.clone(),
                    payment.reference.clone().unwrap_or_default(),
                ],
            )?;
        }
    }
    Ok(())
}

fn vat(
    books: &mut Books,
    from: NaiveDate,
    to: NaiveDate,
    writer: &mut Writer,
    dialect: CsvDialect,
) -> Result<()> {
    write_row(
        writer,
        [
            "month",
            "currency",
            "vat_category",
            "vat_rate",
            "taxable_amount",
            "tax_amount",
        ],
    )?;
    for row in books.vat_report(from, to)? {
        write_row(
            writer,
            [
                row.month,
                row.currency.code().to_string(),
                row.category,
                dialect.number(row.rate.normalize()),
                dialect.number(row.taxable_amount),
                dialect.number(row.tax_amount),
            ],
        )?;
    }
    Ok(())
}

fn customers(books: &mut Books, writer: &mut Writer) -> Result<()> {
    write_row(
        writer,
        [
            "name",
            "siren",
            "siret",
            "vat_id",
            "address_line1",
            "address_line2",
            "postcode",
            "city",
            "country",
            "email",
            "currency",
            "payment_terms",
            "delivery_address_line1",
            "delivery_address_line2",
            "delivery_postcode",
            "delivery_city",
            "delivery_country",
        ],
    )?;
    for customer in books.customers("", true)? {
        let party = customer.party;
        let delivery = party.delivery_address.unwrap_or_default();
        write_row(
            writer,
            [
                party.name,
                party.siren.unwrap_or_default(),
                party.siret.unwrap_or_default(),
                party.vat_id.unwrap_or_default(),
                party.address.line1,
                party.address.line2.unwrap_or_default(),
                party.address.postcode,
                party.address.city,
                party.address.country,
                party.email.unwrap_or_default(),
                customer.currency.code().to_string(),
                customer.payment_terms.map(terms_text).unwrap_or_default(),
                delivery.line1,
                delivery.line2.unwrap_or_default(),
                delivery.postcode,
                delivery.city,
                delivery.country,
            ],
        )?;
    }
    Ok(())
}

fn products(books: &mut Books, writer: &mut Writer, dialect: CsvDialect) -> Result<()> {
    write_row(
        writer,
        [
            "code",
            "name",
            "description",
            "unit",
            "price",
            "vat_category",
            "vat_rate",
            "exemption_code",
            "exemption_reason",
            "nature",
        ],
    )?;
    let price_list = books.price_lists()?.into_iter().next();
    let today = crate::books::today();
    for product in books.products("", true)? {
        let price: Option<Decimal> = match &price_list {
            Some(list) => books
                .trial(|batch| batch.price_on(list.id, product.id, today))?
                .map(|item| item.unit_price),
            None => None,
        };
        write_row(
            writer,
            [
                product.code,
                product.name,
                product.description,
                product.unit,
                price.map(|price| dialect.number(price)).unwrap_or_default(),
                product.vat.category.code().to_string(),
                dialect.number(product.vat.rate),
                product.vat.exemption_code.unwrap_or_default(),
                product.vat.exemption_reason.unwrap_or_default(),
                product.nature.as_str().to_string(),
            ],
        )?;
    }
    Ok(())
}
