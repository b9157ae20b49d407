//! Document rows, their lines and their document-level allowances and
//! charges.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, Transaction, params};
use rust_decimal::Decimal;

use super::{
    Result, StoreError, date_from, decimal_from, json_from, json_to, now_utc, optional_date_from,
    optional_decimal_from,
};
use crate::calc::Totals;
use crate::document::{
    AllowanceCharge, Company, Content, DocumentId, DocumentKind, Header, Line, LineDiscount, Party,
    PriceSource,
};
use crate::money::Currency;
use crate::terms::PaymentTerms;
use crate::vat::{Vat, VatCategory};

/// A document as stored, with everything needed to show or print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub id: DocumentId,
    pub issued: bool,
    /// Quote or order status; `None` for invoices and credit notes.
    pub stage: Option<String>,
    pub series_id: Option<i64>,
    pub number: Option<String>,
    pub header: Header,
    /// Seller identity frozen at issue.
    pub seller: Option<Company>,
    pub due_date: Option<NaiveDate>,
    pub content: Content,
    /// The document this one was converted from (quote → order → invoice).
    pub source_id: Option<DocumentId>,
    /// For a credit note, the invoice it corrects (BT-25).
    pub corrects_id: Option<DocumentId>,
    pub content_sha256: Option<String>,
    pub stored_totals: StoredTotals,
    pub created_at: String,
    pub updated_at: String,
    pub issued_at: Option<String>,
}

/// Totals as saved with the document, for lists and checks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredTotals {
    pub line_net_total: Decimal,
    pub allowance_total: Decimal,
    pub charge_total: Decimal,
    pub tax_exclusive_total: Decimal,
    pub tax_total: Decimal,
    pub tax_inclusive_total: Decimal,
    pub company_tax_exclusive_total: Option<Decimal>,
    pub company_tax_total: Option<Decimal>,
    pub company_tax_inclusive_total: Option<Decimal>,
}

/// One row of a document list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub issued: bool,
    pub stage: Option<String>,
    pub number: Option<String>,
    pub customer_id: Option<i64>,
    pub customer_name: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub currency: Currency,
    pub tax_exclusive_total: Decimal,
    pub tax_total: Decimal,
    pub tax_inclusive_total: Decimal,
    /// Total including VAT in the company currency, frozen at issue; `None`
    /// for drafts.
    pub company_tax_inclusive_total: Option<Decimal>,
    pub exchange_rate: Option<Decimal>,
    pub corrects_id: Option<DocumentId>,
}

pub type DocumentRow = DocumentSummary;

fn kind_from(text: &str) -> Result<DocumentKind> {
    DocumentKind::parse(text).ok_or_else(|| StoreError::Corrupt {
        column: "documents.kind",
        value: text.to_string(),
        reason: "unknown kind".to_string(),
    })
}

fn currency_from(column: &'static str, text: &str) -> Result<Currency> {
    Currency::from_code(text).map_err(|error| StoreError::Corrupt {
        column,
        value: text.to_string(),
        reason: error.to_string(),
    })
}

/// Inserts a new draft with its lines and totals; returns its id.
pub fn insert_draft(
    tx: &Transaction<'_>,
    header: &Header,
    content: &Content,
    totals: &Totals,
    stage: Option<&str>,
    source_id: Option<DocumentId>,
    corrects_id: Option<DocumentId>,
) -> Result<DocumentId> {
    let now = now_utc();
    tx.execute(
        "INSERT INTO documents (kind, state, stage, customer_id, buyer, currency, exchange_rate, price_list_id,
             price_locked, issue_date, due_date, delivery_date, valid_until, payment_terms, purchase_order_ref,
             buyer_reference, note, source_id, corrects_id, line_net_total, allowance_total, charge_total,
             tax_exclusive_total, tax_total, tax_inclusive_total, created_at, updated_at)
         VALUES (?1, 'draft', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?25)",
        params![
            header.kind.as_str(),
            stage,
            header.customer_id,
            json_to(&header.buyer),
            header.currency.code(),
            header.exchange_rate.map(|rate| rate.to_string()),
            header.price_list_id,
            header.price_locked,
            header.issue_date.map(|d| d.to_string()),
            due_date_of(header).map(|d| d.to_string()),
            header.delivery_date.map(|d| d.to_string()),
            header.valid_until.map(|d| d.to_string()),
            json_to(&header.payment_terms),
            header.purchase_order_ref,
            header.buyer_reference,
            header.note,
            source_id,
            corrects_id,
            totals.line_net_total.to_string(),
            totals.allowance_total.to_string(),
            totals.charge_total.to_string(),
            totals.tax_exclusive_total.to_string(),
            totals.tax_total.to_string(),
            totals.tax_inclusive_total.to_string(),
            now,
        ],
    )?;
    let id = tx.last_insert_rowid();
    insert_content(tx, id, content, totals)?;
    Ok(id)
}

fn due_date_of(header: &Header) -> Option<NaiveDate> {
    header
        .issue_date
        .and_then(|date| header.payment_terms.due_date(date).ok())
}

/// Overwrites a draft: header, lines, allowances, charges and totals.
pub fn replace_draft(
    tx: &Transaction<'_>,
    id: DocumentId,
    header: &Header,
    content: &Content,
    totals: &Totals,
) -> Result<()> {
    require_draft(tx, id)?;
    tx.execute(
        "UPDATE documents SET customer_id = ?2, buyer = ?3, currency = ?4, exchange_rate = ?5, price_list_id = ?6,
             price_locked = ?7, issue_date = ?8, due_date = ?9, delivery_date = ?10, valid_until = ?11,
             payment_terms = ?12, purchase_order_ref = ?13, buyer_reference = ?14, note = ?15,
             line_net_total = ?16, allowance_total = ?17, charge_total = ?18, tax_exclusive_total = ?19,
             tax_total = ?20, tax_inclusive_total = ?21, updated_at = ?22
         WHERE id = ?1",
        params![
            id,
            header.customer_id,
            json_to(&header.buyer),
            header.currency.code(),
            header.exchange_rate.map(|rate| rate.to_string()),
            header.price_list_id,
            header.price_locked,
            header.issue_date.map(|d| d.to_string()),
            due_date_of(header).map(|d| d.to_string()),
            header.delivery_date.map(|d| d.to_string()),
            header.valid_until.map(|d| d.to_string()),
            json_to(&header.payment_terms),
            header.purchase_order_ref,
            header.buyer_reference,
            header.note,
            totals.line_net_total.to_string(),
            totals.allowance_total.to_string(),
            totals.charge_total.to_string(),
            totals.tax_exclusive_total.to_string(),
            totals.tax_total.to_string(),
            totals.tax_inclusive_total.to_string(),
            now_utc(),
        ],
    )?;
    tx.execute("DELETE FROM document_lines WHERE document_id = ?1", [id])?;
    tx.execute(
        "DELETE FROM document_allowances_charges WHERE document_id = ?1",
        [id],
    )?;
    insert_content(tx, id, content, totals)
}

/// Fails with a clear message unless `id` is a draft.
pub fn require_draft(tx: &Transaction<'_>, id: DocumentId) -> Result<()> {
    let row: Option<(String, String, Option<String>)> = tx
        .query_row(
            "SELECT kind, state, number FROM documents WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    match row {
        None => Err(StoreError::Rejected(format!(
            "document {id} not found: list documents with `facturier invoice list`"
        ))),
        Some((kind, state, number)) if state == "issued" && kind_from(&kind)?.is_legal() => {
            Err(StoreError::Rejected(format!(
                "{} {} is issued and final: it can no longer be changed or deleted; correct it with a credit note (`facturier invoice cancel {}`)",
                kind.replace('_', " "),
                number.clone().unwrap_or_default(),
                number.unwrap_or_default()
            )))
        }
        Some(_) => Ok(()),
    }
}

/// Deletes a draft and its lines. Drafts hold no number, so nothing leaves a
/// gap in any series.
pub fn delete_draft(tx: &Transaction<'_>, id: DocumentId) -> Result<()> {
    require_draft(tx, id)?;
    let state: String = tx.query_row("SELECT state FROM documents WHERE id = ?1", [id], |row| {
        row.get(0)
    })?;
    if state != "draft" {
        return Err(StoreError::Rejected(format!(
            "document {id} was sent or confirmed, so it is kept: mark it refused or cancelled instead"
        )));
    }
    let referenced: i64 = tx.query_row(
        "SELECT COUNT(*) FROM documents WHERE source_id = ?1 OR corrects_id = ?1",
        [id],
        |row| row.get(0),
    )?;
    if referenced > 0 {
        return Err(StoreError::Rejected(format!(
            "document {id} is the source of another document and is kept"
        )));
    }
    tx.execute("DELETE FROM document_lines WHERE document_id = ?1", [id])?;
    tx.execute(
        "DELETE FROM document_allowances_charges WHERE document_id = ?1",
        [id],
    )?;
    super::balances::delete(tx, id)?;
    tx.execute("DELETE FROM documents WHERE id = ?1", [id])?;
    Ok(())
}

fn insert_content(
    tx: &Transaction<'_>,
    id: DocumentId,
    content: &Content,
    totals: &Totals,
) -> Result<()> {
    let mut line_statement = tx.prepare_cached(
        "INSERT INTO document_lines (document_id, position, product_id, item_code, description, quantity, unit,
             unit_price, base_quantity, discount_percent, discount_amount, vat_category, vat_rate, exemption_code,
             exemption_reason, delivery_date, price_source, net_amount)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    for (position, (line, amounts)) in content.lines.iter().zip(&totals.lines).enumerate() {
        let (percent, amount) = match line.discount {
            Some(LineDiscount::Percent(percent)) => (Some(percent.to_string()), None),
            Some(LineDiscount::Amount(amount)) => (None, Some(amount.to_string())),
            None => (None, None),
        };
        line_statement.execute(params![
            id,
            position as i64 + 1,
            line.product_id,
            line.item_code,
            line.description,
            line.quantity.to_string(),
            line.unit,
            line.unit_price.to_string(),
            line.base_quantity.to_string(),
            percent,
            amount,
            line.vat.category.code(),
            line.vat.rate.to_string(),
            line.vat.exemption_code,
            line.vat.exemption_reason,
            line.delivery_date.map(|d| d.to_string()),
            match line.price_source {
                PriceSource::Manual => "manual",
                PriceSource::Catalogue => "catalogue",
            },
            amounts.net_amount.to_string(),
        ])?;
    }
    let mut statement = tx.prepare_cached(
        "INSERT INTO document_allowances_charges (document_id, is_charge, position, amount, percent, reason,
             reason_code, vat_category, vat_rate, exemption_code, exemption_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let entries = content
        .allowances
        .iter()
        .enumerate()
        .map(|entry| (false, entry))
        .chain(
            content
                .charges
                .iter()
                .enumerate()
                .map(|entry| (true, entry)),
        );
    for (is_charge, (position, entry)) in entries {
        statement.execute(params![
            id,
            is_charge,
            position as i64 + 1,
            entry.amount.map(|a| a.to_string()),
            entry.percent.map(|p| p.to_string()),
            entry.reason,
            entry.reason_code,
            entry.vat.as_ref().map(|vat| vat.category.code()),
            entry.vat.as_ref().map(|vat| vat.rate.to_string()),
            entry
                .vat
                .as_ref()
                .and_then(|vat| vat.exemption_code.clone()),
            entry
                .vat
                .as_ref()
                .and_then(|vat| vat.exemption_reason.clone()),
        ])?;
    }
    Ok(())
}

/// Fields that issuing writes into a draft, in the same transaction that
/// draws the number.
pub struct IssueRecord<'a> {
    pub series_id: i64,
    pub number: &'a str,
    pub seq: i64,
    pub year: i64,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub seller: &'a Company,
    pub buyer: &'a Party,
    pub exchange_rate: Option<Decimal>,
    pub company_totals: (Decimal, Decimal, Decimal),
    pub content_sha256: &'a str,
    pub stage: Option<&'a str>,
}

pub fn mark_issued(tx: &Transaction<'_>, id: DocumentId, record: &IssueRecord<'_>) -> Result<()> {
    let (company_net, company_tax, company_gross) = record.company_totals;
    let now = now_utc();
    tx.execute(
        "UPDATE documents SET state = 'issued', series_id = ?2, number = ?3, seq = ?4, year = ?5,
             issue_date = ?6, due_date = ?7, seller = ?8, buyer = ?9, exchange_rate = ?10,
             company_tax_exclusive_total = ?11, company_tax_total = ?12, company_tax_inclusive_total = ?13,
             content_sha256 = ?14, stage = COALESCE(?15, stage), issued_at = ?16, updated_at = ?16
         WHERE id = ?1 AND state = 'draft'",
        params![
            id,
            record.series_id,
            record.number,
            record.seq,
            record.year,
            record.issue_date.to_string(),
            record.due_date.map(|d| d.to_string()),
            json_to(record.seller),
            json_to(record.buyer),
            record.exchange_rate.map(|rate| rate.to_string()),
            company_net.to_string(),
            company_tax.to_string(),
            company_gross.to_string(),
            record.content_sha256,
            record.stage,
            now,
        ],
    )?;
    Ok(())
}

/// Changes the status of a quote or an order.
pub fn set_stage(tx: &Transaction<'_>, id: DocumentId, stage: &str) -> Result<()> {
    tx.execute(
        "UPDATE documents SET stage = ?2, updated_at = ?3 WHERE id = ?1 AND kind IN ('quote', 'order')",
        params![id, stage, now_utc()],
    )?;
    Ok(())
}

const COLUMNS: &str = "id, kind, state, stage, series_id, number, customer_id, buyer, seller, currency, exchange_rate,
     price_list_id, price_locked, issue_date, due_date, delivery_date, valid_until, payment_terms,
     purchase_order_ref, buyer_reference, note, source_id, corrects_id, line_net_total, allowance_total,
     charge_total, tax_exclusive_total, tax_total, tax_inclusive_total, company_tax_exclusive_total,
     company_tax_total, company_tax_inclusive_total, content_sha256, created_at, updated_at, issued_at";

/// Loads a document with its lines, allowances and charges.
pub fn load(tx: &Transaction<'_>, id: DocumentId) -> Result<Option<StoredDocument>> {
    let sql = format!("SELECT {COLUMNS} FROM documents WHERE id = ?1");
    let Some(mut document) = tx.query_row(&sql, [id], raw_document).optional()? else {
        return Ok(None);
    };
    let mut document = finish_document(&mut document)?;
    document.content = load_content(tx, id)?;
    Ok(Some(document))
}

/// Finds a document id by its number, within a kind when given.
pub fn find_by_number(
    tx: &Transaction<'_>,
    number: &str,
    kind: Option<DocumentKind>,
) -> Result<Option<DocumentId>> {
    let ids: Vec<i64> = tx
        .prepare_cached(
            "SELECT id FROM documents WHERE number = ?1 AND (?2 IS NULL OR kind = ?2) ORDER BY id",
        )?
        .query_map(
            params![number.trim(), kind.map(DocumentKind::as_str)],
            |row| row.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    match ids.as_slice() {
        [] => Ok(None),
        [id] => Ok(Some(*id)),
        _ => Err(StoreError::Rejected(format!(
            "number {number} is used by several documents of different kinds: say which kind"
        ))),
    }
}

type RawDocument = Vec<rusqlite::types::Value>;

fn raw_document(row: &Row<'_>) -> rusqlite::Result<RawDocument> {
    (0..36).map(|index| row.get(index)).collect()
}

fn text(value: &rusqlite::types::Value) -> Option<String> {
    match value {
        rusqlite::types::Value::Text(text) => Some(text.clone()),
        _ => None,
    }
}

fn integer(value: &rusqlite::types::Value) -> Option<i64> {
    match value {
        rusqlite::types::Value::Integer(number) => Some(*number),
        _ => None,
    }
}

fn finish_document(raw: &mut RawDocument) -> Result<StoredDocument> {
    let get = |index: usize| text(&raw[index]);
    let required = |index: usize, column: &'static str| {
        get(index).ok_or_else(|| StoreError::Corrupt {
            column,
            value: String::new(),
            reason: "missing".to_string(),
        })
    };
    let kind = kind_from(&required(1, "documents.kind")?)?;
    let header = Header {
        kind,
        customer_id: integer(&raw[6]),
        buyer: json_from("documents.buyer", &required(7, "documents.buyer")?)?,
        currency: currency_from("documents.currency", &required(9, "documents.currency")?)?,
        exchange_rate: optional_decimal_from("documents.exchange_rate", get(10))?,
        price_list_id: integer(&raw[11]),
        price_locked: integer(&raw[12]) == Some(1),
        issue_date: optional_date_from("documents.issue_date", get(13))?,
        payment_terms: json_from::<PaymentTerms>(
            "documents.payment_terms",
            &required(17, "documents.payment_terms")?,
        )?,
        delivery_date: optional_date_from("documents.delivery_date", get(15))?,
        purchase_order_ref: get(18),
        buyer_reference: get(19),
        note: get(20),
        valid_until: optional_date_from("documents.valid_until", get(16))?,
    };
    let decimal = |index: usize, column: &'static str| -> Result<Decimal> {
        decimal_from(column, &required(index, column)?)
    };
    Ok(StoredDocument {
        id: integer(&raw[0]).unwrap_or_default(),
        issued: get(2).as_deref() == Some("issued"),
        stage: get(3),
        series_id: integer(&raw[4]),
        number: get(5),
        header,
        seller: get(8)
            .map(|json| json_from("documents.seller", &json))
            .transpose()?,
        due_date: optional_date_from("documents.due_date", get(14))?,
        content: Content::default(),
        source_id: integer(&raw[21]),
        corrects_id: integer(&raw[22]),
        content_sha256: get(32),
        stored_totals: StoredTotals {
            line_net_total: decimal(23, "documents.line_net_total")?,
            allowance_total: decimal(24, "documents.allowance_total")?,
            charge_total: decimal(25, "documents.charge_total")?,
            tax_exclusive_total: decimal(26, "documents.tax_exclusive_total")?,
            tax_total: decimal(27, "documents.tax_total")?,
            tax_inclusive_total: decimal(28, "documents.tax_inclusive_total")?,
            company_tax_exclusive_total: optional_decimal_from(
                "documents.company_tax_exclusive_total",
                get(29),
            )?,
            company_tax_total: optional_decimal_from("documents.company_tax_total", get(30))?,
            company_tax_inclusive_total: optional_decimal_from(
                "documents.company_tax_inclusive_total",
                get(31),
            )?,
        },
        created_at: get(33).unwrap_or_default(),
        updated_at: get(34).unwrap_or_default(),
        issued_at: get(35),
    })
}

fn vat_from(
    category: &str,
    rate: &str,
    code: Option<String>,
    reason: Option<String>,
) -> Result<Vat> {
    Ok(Vat {
        category: VatCategory::from_code(category).map_err(|error| StoreError::Corrupt {
            column: "vat_category",
            value: category.to_string(),
            reason: error.to_string(),
        })?,
        rate: decimal_from("vat_rate", rate)?,
        exemption_code: code,
        exemption_reason: reason,
    })
}

fn load_content(tx: &Transaction<'_>, id: DocumentId) -> Result<Content> {
    let mut statement = tx.prepare_cached(
        "SELECT product_id, item_code, description, quantity, unit, unit_price, base_quantity, discount_percent,
             discount_amount, vat_category, vat_rate, exemption_code, exemption_reason, delivery_date, price_source
         FROM document_lines WHERE document_id = ?1 ORDER BY position",
    )?;
    let raw_lines = statement.query_map([id], |row| {
        Ok((
            row.get::<_, Option<i64>>(0)?,
            row.get::<_, Option<String>>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, String>(4)?,
            row.get::<_, String>(5)?,
            row.get::<_, String>(6)?,
            row.get::<_, Option<String>>(7)?,
            row.get::<_, Option<String>>(8)?,
            (
                row.get::<_, String>(9)?,
                row.get::<_, String>(10)?,
                row.get::<_, Option<String>>(11)?,
                row.get::<_, Option<String>>(12)?,
            ),
            row.get::<_, Option<String>>(13)?,
            row.get::<_, String>(14)?,
        ))
    })?;
    let mut lines = Vec::new();
    for raw in raw_lines {
        let (
            product_id,
            item_code,
            description,
            quantity,
            unit,
            price,
            base,
            percent,
            amount,
            vat,
            delivery,
            source,
        ) = raw?;
        let discount = match (percent, amount) {
            (Some(percent), _) => Some(LineDiscount::Percent(decimal_from(
                "discount_percent",
                &percent,
            )?)),
            (None, Some(amount)) => Some(LineDiscount::Amount(decimal_from(
                "discount_amount",
                &amount,
            )?)),
            (None, None) => None,
        };
        lines.push(Line {
            product_id,
            item_code,
            description,
            quantity: decimal_from("quantity", &quantity)?,
            unit,
            unit_price: decimal_from("unit_price", &price)?,
            base_quantity: decimal_from("base_quantity", &base)?,
            discount,
            vat: vat_from(&vat.0, &vat.1, vat.2, vat.3)?,
            delivery_date: optional_date_from("delivery_date", delivery)?,
            price_source: if source == "catalogue" {
                PriceSource::Catalogue
            } else {
                PriceSource::Manual
            },
        });
    }

    let mut statement = tx.prepare_cached(
        "SELECT is_charge, amount, percent, reason, reason_code, vat_category, vat_rate, exemption_code,
             exemption_reason
         FROM document_allowances_charges WHERE document_id = ?1 ORDER BY is_charge, position",
    )?;
    let raw_entries = statement.query_map([id], |row| {
        Ok((
            row.get::<_, bool>(0)?,
            row.get::<_, Option<String>>(1)?,
            row.get::<_, Option<String>>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<String>>(5)?,
            row.get::<_, Option<String>>(6)?,
            row.get::<_, Option<String>>(7)?,
            row.get::<_, Option<String>>(8)?,
        ))
    })?;
    let mut content = Content {
        lines,
        ..Content::default()
    };
    for raw in raw_entries {
        let (is_charge, amount, percent, reason, reason_code, category, rate, code, exemption) =
            raw?;
        let vat = match (category, rate) {
            (Some(category), Some(rate)) => Some(vat_from(&category, &rate, code, exemption)?),
            _ => None,
        };
        let entry = AllowanceCharge {
            amount: optional_decimal_from("amount", amount)?,
            percent: optional_decimal_from("percent", percent)?,
            reason,
            reason_code,
            vat,
        };
        if is_charge {
            content.charges.push(entry);
        } else {
            content.allowances.push(entry);
        }
    }
    Ok(content)
}

/// Filters of a document list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub kind: Option<DocumentKind>,
    pub customer_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Matches the number or the buyer's name.
    pub search: String,
}

/// The table that a selection's conditions apply to: `documents`, or
/// `document_balances` under the alias `b`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Documents,
    Balances,
}

impl Table {
    fn column(self, column: &str) -> String {
        match self {
            Table::Documents => column.to_string(),
            Table::Balances => format!("b.{column}"),
        }
    }

    fn id(self) -> &'static str {
        match self {
            Table::Documents => "id",
            Table::Balances => "b.document_id",
        }
    }

    /// Returns the column or expression of `key` ('' when the document has
    /// no buyer name or number), spelled as its index on the table has it.
    fn key(self, key: SearchKey) -> &'static str {
        match (self, key) {
            (Table::Documents, SearchKey::BuyerName) => {
                "COALESCE(json_extract(buyer, '$.name'), '')"
            }
            (Table::Balances, SearchKey::BuyerName) => "b.buyer_name",
            (Table::Documents, SearchKey::NumberHead) => NUMBER_HEAD,
            (Table::Balances, SearchKey::NumberHead) => "b.number_head",
        }
    }
}

/// A number's head, all but its last three characters ('' for a document
/// without a number), as the index `documents_number_head` spells it.
const NUMBER_HEAD: &str = "COALESCE(substr(number, 1, length(number) - 3), '')";

/// A number's tail, its last three characters in lower case, as the
/// indexes on numbers spell it.
const NUMBER_TAIL: &str = "lower(substr(number, -3))";

/// The keys a search matches its text against first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKey {
    /// The buyer names (`buyer_names`).
    BuyerName,
    /// The number heads (`number_heads`), when no buyer name contains the
    /// text and it has three characters or more.
    NumberHead,
}

/// The side of its keys (buyer names or number heads) that a search chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMatch {
    /// The keys that contain the text.
    Containing,
    /// The keys that do not contain it, because most keys do: the
    /// selection is then every document less those of these keys, which
    /// reads fewer rows.
    Lacking,
}

/// A search as run: the keys chosen, and the ids of the documents found one
/// by one in the temporary table `search_matches`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Search {
    key: SearchKey,
    side: KeyMatch,
    /// The keys chosen (buyer names or number heads), bound one by one in
    /// the queries: SQLite then reads each key's rows through its indexes.
    chosen: Vec<String>,
    /// Documents found one by one, kept in `temp.search_matches`. With
    /// buyer names, those whose number contains the text. With number
    /// heads, those whose number contains it where it runs into the tail,
    /// which the chosen heads never hold.
    by_number: usize,
}

impl Search {
    /// Builds "(?, ?, ...)" with one parameter per chosen key, adding the
    /// keys to `values`.
    // NOTE: SQLite takes at most 32,766 parameters in a statement, so books
    // with more than about 65,000 distinct buyer names or number heads
    // would get an error from a search instead of its results.
    pub fn key_list(&self, values: &mut Vec<rusqlite::types::Value>) -> String {
        let marks = vec!["?"; self.chosen.len()].join(", ");
        values.extend(
            self.chosen
                .iter()
                .map(|key| rusqlite::types::Value::Text(key.clone())),
        );
        format!("({marks})")
    }

    /// Builds the condition that selects the documents found, adding its
    /// parameters to `values`.
    fn condition(
        &self,
        table: Table,
        walk: bool,
        values: &mut Vec<rusqlite::types::Value>,
    ) -> String {
        // A unary plus keeps SQLite from choosing the indexes on the key or
        // the id when a page is read by walking the list order instead.
        let plus = if walk { "+" } else { "" };
        let operator = match self.side {
            KeyMatch::Containing => "IN",
            KeyMatch::Lacking => "NOT IN",
        };
        let by_number = format!(
            "{plus}{} IN (SELECT id FROM temp.search_matches)",
            table.id()
        );
        // An empty list of keys would keep SQLite from reading the ids
        // found one by one through their index.
        match (self.chosen.is_empty(), self.side, self.by_number) {
            (true, KeyMatch::Containing, 0) => " AND 0".to_string(),
            (true, KeyMatch::Containing, _) => format!(" AND {by_number}"),
            (true, KeyMatch::Lacking, _) => String::new(),
            (false, _, 0) => format!(
                " AND {plus}{} {operator} {}",
                table.key(self.key),
                self.key_list(values)
            ),
            (false, _, _) => format!(
                " AND ({plus}{} {operator} {} OR {by_number})",
                table.key(self.key),
                self.key_list(values)
            ),
        }
    }

    /// With `KeyMatch::Lacking`, builds the condition that selects the
    /// documents the search leaves out: those of the keys kept, unless found
    /// one by one.
    fn left_out(&self, table: Table, values: &mut Vec<rusqlite::types::Value>) -> Option<String> {
        if self.side != KeyMatch::Lacking {
            return None;
        }
        if self.chosen.is_empty() {
            return Some(" AND 0".to_string());
        }
        let mut sql = format!(" AND {} IN {}", table.key(self.key), self.key_list(values));
        if self.by_number > 0 {
            sql.push_str(&format!(
                " AND {} NOT IN (SELECT id FROM temp.search_matches)",
                table.id()
            ));
        }
        Some(sql)
    }
}

/// The documents a `ListFilter` selects, for the queries of one read
/// transaction. A search runs once. Its text is matched here against the
/// short list of buyer names (`buyer_names`) and, when no name contains it,
/// against the number heads (`number_heads`). Otherwise numbers go through
/// the trigram index `number_search`. The queries of the selection bind the
/// chosen keys and read the ids found one by one from the temporary table
/// `search_matches`.
#[derive(Debug, Clone)]
pub struct Selection {
    pub filter: ListFilter,
    search: Option<Search>,
}

impl Selection {
    /// Selects what `filter` matches, running its search (if any) now.
    ///
    /// The search ignores case. A text matches a document whose buyer name
    /// contains it, or, from three characters on, whose number contains it.
    pub fn new(tx: &Transaction<'_>, filter: &ListFilter) -> Result<Selection> {
        let text = filter.search.trim();
        if text.is_empty() {
            return Ok(Selection {
                filter: filter.clone(),
                search: None,
            });
        }
        // The tables live in the connection's temporary database, so
        // filling them takes no lock on the books.
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS search_matches (id INTEGER PRIMARY KEY);
             DELETE FROM temp.search_matches;",
        )?;
        let folded = text.to_lowercase();
        let names: Vec<String> = tx
            .prepare_cached("SELECT name FROM buyer_names")?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let (containing, lacking): (Vec<String>, Vec<String>) = names
            .into_iter()
            .partition(|name| name.to_lowercase().contains(&folded));
        let search = if containing.is_empty() && text.chars().count() >= 3 {
            search_number_heads(tx, &folded)?
        } else {
            // Numbers are matched from three characters on, through the
            // trigram index: one or two characters of a number are in
            // nearly every number of a series, so they would select the
            // whole books.
            let by_number = if text.chars().count() >= 3 {
                // Quoting makes every character of the phrase literal, a
                // double quote included once doubled. The index ignores
                // case.
                let phrase = format!("\"{}\"", text.replace('"', "\"\""));
                tx.execute(
                    "INSERT INTO temp.search_matches (id)
                     SELECT rowid FROM number_search WHERE number_search MATCH ?1",
                    [phrase],
                )?
            } else {
                0
            };
            let (side, chosen) = choose_side(containing, lacking);
            Search {
                key: SearchKey::BuyerName,
                side,
                chosen,
                by_number,
            }
        };
        Ok(Selection {
            filter: filter.clone(),
            search: Some(search),
        })
    }

    /// Returns the same filter without its search.
    pub fn unsearched(&self) -> Selection {
        Selection {
            filter: ListFilter {
                search: String::new(),
                ..self.filter.clone()
            },
            search: None,
        }
    }

    /// Returns the keys a search chose when it is alone, with no customer
    /// or period, and the documents it found one by one are apart from
    /// those of its keys. The running sums per key then give its figures,
    /// plus those of the documents found one by one.
    pub fn keys_only(&self) -> Option<KeysOnly<'_>> {
        let search = self.search.as_ref()?;
        // Documents found by number may also be among those of the names.
        let apart = search.key == SearchKey::NumberHead || search.by_number == 0;
        let alone = apart
            && self.filter.customer_id.is_none()
            && self.filter.from.is_none()
            && self.filter.to.is_none();
        alone.then_some(KeysOnly {
            key: search.key,
            side: search.side,
            chosen: &search.chosen,
            with_matches: search.by_number > 0,
        })
    }

    /// Returns whether the selection is every document, in which case the
    /// running sums give its figures.
    pub fn is_everything(&self) -> bool {
        self.search.is_none()
            && self.filter.customer_id.is_none()
            && self.filter.from.is_none()
            && self.filter.to.is_none()
    }

    /// Returns whether the selection is a period (`from`, `to` or both) and
    /// nothing else, in which case the running sums per issue month give its
    /// board figures.
    pub fn is_period_only(&self) -> bool {
        self.search.is_none()
            && self.filter.customer_id.is_none()
            && (self.filter.from.is_some() || self.filter.to.is_some())
    }

    /// Builds the conditions (each starting with " AND ") that select these
    /// documents in `table`, with their parameters. The document kind is a
    /// condition only when `with_kind` is set.
    pub fn conditions(
        &self,
        table: Table,
        with_kind: bool,
    ) -> (String, Vec<rusqlite::types::Value>) {
        let (mut sql, mut values) = self.filter_conditions(table, with_kind);
        if let Some(search) = &self.search {
            sql.push_str(&search.condition(table, false, &mut values));
        }
        (sql, values)
    }

    /// When the search kept the keys that lack its text, the conditions
    /// that select the documents the unsearched filter has and this
    /// selection leaves out: its figures are those of `unsearched` less
    /// those of these documents.
    pub fn left_out_conditions(
        &self,
        table: Table,
        with_kind: bool,
    ) -> Option<(String, Vec<rusqlite::types::Value>)> {
        let search = self.search.as_ref()?;
        let (mut sql, mut values) = self.filter_conditions(table, with_kind);
        sql.push_str(&search.left_out(table, &mut values)?);
        Some((sql, values))
    }

    /// Builds the conditions of the filter's kind, customer and period.
    fn filter_conditions(
        &self,
        table: Table,
        with_kind: bool,
    ) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value;
        let mut sql = String::new();
        let mut values = Vec::new();
        if let (true, Some(kind)) = (with_kind, self.filter.kind) {
            sql.push_str(&format!(" AND {} = ?", table.column("kind")));
            values.push(Value::Text(kind.as_str().to_string()));
        }
        if let Some(customer_id) = self.filter.customer_id {
            sql.push_str(&format!(" AND {} = ?", table.column("customer_id")));
            values.push(Value::Integer(customer_id));
        }
        if let Some(from) = self.filter.from {
            sql.push_str(&format!(" AND {} >= ?", table.column("issue_date")));
            values.push(Value::Text(from.to_string()));
        }
        if let Some(to) = self.filter.to {
            sql.push_str(&format!(" AND {} <= ?", table.column("issue_date")));
            values.push(Value::Text(to.to_string()));
        }
        (sql, values)
    }
}

/// The keys of a search alone, as `Selection::keys_only` returns them.
#[derive(Debug, Clone, Copy)]
pub struct KeysOnly<'a> {
    pub key: SearchKey,
    pub side: KeyMatch,
    pub chosen: &'a [String],
    /// Whether documents were found one by one, in `temp.search_matches`.
    pub with_matches: bool,
}

/// Chooses the shorter side: the keys that contain the text, unless they
/// are more than half of all keys.
fn choose_side(containing: Vec<String>, lacking: Vec<String>) -> (KeyMatch, Vec<String>) {
    if containing.len() > lacking.len() {
        (KeyMatch::Lacking, lacking)
    } else {
        (KeyMatch::Containing, containing)
    }
}

/// Runs a search of `folded` (three characters or more, in lower case) by
/// number. The heads that contain it select their documents as a whole.
/// Any other number that contains it contains it across its head and its
/// tail: the text then ends with the first k characters of the tail (k
/// from 1 to 3) after a suffix of the head, or, when k is the text's whole
/// length, equals the tail. Those documents are read through the indexes on
/// head and tail, checked, and kept in `temp.search_matches`.
fn search_number_heads(tx: &Transaction<'_>, folded: &str) -> Result<Search> {
    let heads: Vec<String> = tx
        .prepare_cached("SELECT head FROM number_heads")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let lower_heads: Vec<String> = heads.iter().map(|head| head.to_lowercase()).collect();
    let characters: Vec<char> = folded.chars().collect();

    let mut candidates: Vec<(i64, String)> = Vec::new();
    for in_tail in 1..=characters.len().min(3) {
        let before: String = characters[..characters.len() - in_tail].iter().collect();
        let tail_start: String = characters[characters.len() - in_tail..].iter().collect();
        // Every string that starts with `tail_start` sorts between it and
        // itself followed by the last code point.
        let tail_end = format!("{tail_start}\u{10FFFF}");
        if before.is_empty() {
            let mut statement = tx.prepare_cached(&format!(
                "SELECT id, number FROM documents WHERE {NUMBER_TAIL} = ?1"
            ))?;
            let rows = statement.query_map([&tail_start], |row| Ok((row.get(0)?, row.get(1)?)))?;
            for row in rows {
                candidates.push(row?);
            }
            continue;
        }
        let ending: Vec<&String> = heads
            .iter()
            .zip(&lower_heads)
            .filter(|(_, lower)| lower.ends_with(&before) && !lower.contains(folded))
            .map(|(head, _)| head)
            .collect();
        if ending.is_empty() {
            continue;
        }
        let marks = vec!["?"; ending.len()].join(", ");
        let mut values: Vec<rusqlite::types::Value> = ending
            .iter()
            .map(|head| rusqlite::types::Value::Text((*head).clone()))
            .collect();
        values.push(rusqlite::types::Value::Text(tail_start));
        values.push(rusqlite::types::Value::Text(tail_end));
        let mut statement = tx.prepare_cached(&format!(
            "SELECT id, number FROM documents
             WHERE {NUMBER_HEAD} IN ({marks}) AND {NUMBER_TAIL} >= ? AND {NUMBER_TAIL} <= ?"
        ))?;
        let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?;
        for row in rows {
            candidates.push(row?);
        }
    }

    let mut insert =
        tx.prepare_cached("INSERT OR IGNORE INTO temp.search_matches (id) VALUES (?1)")?;
    let mut by_number = 0;
    for (id, number) in candidates {
        let number = number.to_lowercase();
        let head: String = {
            let count = number.chars().count();
            number.chars().take(count.saturating_sub(3)).collect()
        };
        if number.contains(folded) && !head.contains(folded) {
            by_number += insert.execute([id])?;
        }
    }

    let mut containing = Vec::new();
    let mut lacking = Vec::new();
    for (head, lower) in heads.into_iter().zip(lower_heads) {
        if lower.contains(folded) {
            containing.push(head);
        } else {
            lacking.push(head);
        }
    }
    let (side, chosen) = choose_side(containing, lacking);
    Ok(Search {
        key: SearchKey::NumberHead,
        side,
        chosen,
        by_number,
    })
}

/// Lists documents, newest first, without loading their lines.
pub fn list(tx: &Transaction<'_>, filter: &ListFilter) -> Result<Vec<DocumentSummary>> {
    list_page(tx, filter, 0, None)
}

/// Counts the documents that `filter` matches.
pub fn count(tx: &Transaction<'_>, filter: &ListFilter) -> Result<usize> {
    count_selected(tx, &Selection::new(tx, filter)?)
}

/// Counts the documents of `selection`.
pub fn count_selected(tx: &Transaction<'_>, selection: &Selection) -> Result<usize> {
    let count = |conditions: String, values: Vec<rusqlite::types::Value>| -> Result<i64> {
        Ok(tx
            .prepare_cached(&format!(
                "SELECT COUNT(*) FROM documents WHERE 1{conditions}"
            ))?
            .query_row(rusqlite::params_from_iter(values), |row| row.get(0))?)
    };
    let total = match selection.left_out_conditions(Table::Documents, true) {
        Some((conditions, values)) => {
            let (all, all_values) = selection.unsearched().conditions(Table::Documents, true);
            count(all, all_values)? - count(conditions, values)?
        }
        None => {
            let (conditions, values) = selection.conditions(Table::Documents, true);
            count(conditions, values)?
        }
    };
    Ok(usize::try_from(total).unwrap_or(0))
}

/// Maximum number of documents that a search may find, by key and one by
/// one, for a page to be read through the key and id indexes and sorted. Past
/// it, walking the list order from the newest document reaches a page
/// sooner.
const SORTED_PAGE_LIMIT: i64 = 5_000;

/// Lists at most `limit` documents from `offset` in list order, so that a
/// screen reads one page, never the whole table.
pub fn list_page(
    tx: &Transaction<'_>,
    filter: &ListFilter,
    offset: usize,
    limit: Option<usize>,
) -> Result<Vec<DocumentSummary>> {
    list_selected(tx, &Selection::new(tx, filter)?, offset, limit)
}

/// Lists at most `limit` documents of `selection` from `offset` in list
/// order: drafts first, then newest issue date first.
pub fn list_selected(
    tx: &Transaction<'_>,
    selection: &Selection,
    offset: usize,
    limit: Option<usize>,
) -> Result<Vec<DocumentSummary>> {
    use rusqlite::types::Value;
    // SQLite reads a negative LIMIT as no limit.
    let limit = limit.map_or(-1, |limit| i64::try_from(limit).unwrap_or(i64::MAX));
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let (mut conditions, mut values) = selection.filter_conditions(Table::Documents, true);
    // The unary plus keeps SQLite from reading a period through the issue
    // date index and sorting all of it: walking `documents_list_order` from
    // the newest date stops after one page, because the board's periods end
    // today.
    conditions = conditions.replace(" issue_date ", " +issue_date ");
    if let Some(search) = &selection.search {
        let walk = match search.side {
            KeyMatch::Lacking => true,
            KeyMatch::Containing if search.chosen.is_empty() => {
                i64::try_from(search.by_number).unwrap_or(i64::MAX) > SORTED_PAGE_LIMIT
            }
            KeyMatch::Containing => {
                let mut count_values = Vec::new();
                let list = search.key_list(&mut count_values);
                count_values.push(Value::Integer(SORTED_PAGE_LIMIT + 1));
                let by_name: i64 = tx
                    .prepare_cached(&format!(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM documents WHERE {} IN {list} LIMIT ?)",
                        Table::Documents.key(search.key)
                    ))?
                    .query_row(rusqlite::params_from_iter(count_values), |row| row.get(0))?;
                by_name + i64::try_from(search.by_number).unwrap_or(i64::MAX) > SORTED_PAGE_LIMIT
            }
        };
        conditions.push_str(&search.condition(Table::Documents, walk, &mut values));
    }
    values.push(Value::Integer(limit));
    values.push(Value::Integer(offset));
    // The order matches the index `documents_list_order`, so the first
    // pages are read from it without sorting every document.
    let mut statement = tx.prepare_cached(&format!(
        "SELECT id, kind, state, stage, number, customer_id, json_extract(buyer, '$.name'), issue_date, due_date,
             currency, tax_exclusive_total, tax_total, tax_inclusive_total, company_tax_inclusive_total,
             exchange_rate, corrects_id
         FROM documents
         WHERE 1{conditions}
         ORDER BY state = 'draft' DESC, issue_date DESC, id DESC
         LIMIT ? OFFSET ?"
    ))?;
    let rows = statement.query_map(rusqlite::params_from_iter(values), |row| {
        Ok((
            (
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, Option<String>>(4)?,
                row.get::<_, Option<i64>>(5)?,
                row.get::<_, Option<String>>(6)?,
            ),
            (
                row.get::<_, Option<String>>(7)?,
                row.get::<_, Option<String>>(8)?,
                row.get::<_, String>(9)?,
                row.get::<_, String>(10)?,
                row.get::<_, String>(11)?,
                row.get::<_, String>(12)?,
                row.get::<_, Option<String>>(13)?,
                row.get::<_, Option<String>>(14)?,
                row.get::<_, Option<i64>>(15)?,
            ),
        ))
    })?;
    let mut summaries = Vec::new();
    for row in rows {
        let ((id, kind, state, stage, number, customer_id, name), rest) = row?;
        let (issue, due, currency, net, tax, gross, company_gross, rate, corrects_id) = rest;
        let currency = currency_from("documents.currency", &currency)?;
        let tax_inclusive_total = decimal_from("documents.tax_inclusive_total", &gross)?;
        let company_tax_inclusive_total =
            optional_decimal_from("documents.company_tax_inclusive_total", company_gross)?;
        let exchange_rate = optional_decimal_from("documents.exchange_rate", rate)?;
        summaries.push(DocumentSummary {
            id,
            kind: kind_from(&kind)?,
            issued: state == "issued",
            stage,
            number,
            customer_id,
            customer_name: name.unwrap_or_default(),
            issue_date: optional_date_from("documents.issue_date", issue)?,
            due_date: optional_date_from("documents.due_date", due)?,
            currency,
            tax_exclusive_total: decimal_from("documents.tax_exclusive_total", &net)?,
            tax_total: decimal_from("documents.tax_total", &tax)?,
            tax_inclusive_total,
            company_tax_inclusive_total,
            exchange_rate,
            corrects_id,
        });
    }
    Ok(summaries)
}

/// The latest issue date in a series, which the next number must not precede.
pub fn last_issue_in_series(
    tx: &Transaction<'_>,
    series_id: i64,
) -> Result<Option<(String, NaiveDate)>> {
    let row: Option<(String, String)> = tx
        .query_row(
            "SELECT number, issue_date FROM documents WHERE series_id = ?1 AND state = 'issued'
             ORDER BY issue_date DESC, year DESC, seq DESC LIMIT 1",
            [series_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    row.map(|(number, date)| Ok((number, date_from("documents.issue_date", &date)?)))
        .transpose()
}
