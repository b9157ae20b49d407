//! The derived balance of each invoice and credit note (`document_balances`)
//! and the status board computed from it in SQL.

use chrono::NaiveDate;
use rusqlite::{Transaction, params};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Result;
use super::documents::ListFilter;
use crate::document::{DocumentId, DocumentKind, InvoiceStatus};
use crate::money::Currency;

/// One row of `document_balances`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    pub document_id: DocumentId,
    pub kind: DocumentKind,
    /// Invoice status, or "issued" for an issued credit note.
    pub status: &'static str,
    pub customer_id: Option<i64>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    /// Totals in the company currency; `None` when not convertible yet.
    pub net: Option<Decimal>,
    pub total: Option<Decimal>,
    pub due: Option<Decimal>,
}

/// Names the status stored for a document.
pub fn status_word(kind: DocumentKind, status: InvoiceStatus) -> &'static str {
    match (kind, status) {
        (_, InvoiceStatus::Draft) => "draft",
        (DocumentKind::CreditNote, _) => "issued",
        (_, status) => status.as_str(),
    }
}

/// Converts an amount to integer minor units of `currency`.
pub fn to_minor(amount: Decimal, currency: Currency) -> Option<i64> {
    let scale = Decimal::from(10_i64.pow(currency.decimals()));
    (currency.round(amount) * scale).to_i64()
}

fn from_minor(minor: i64, currency: Currency) -> Decimal {
    Decimal::new(minor, currency.decimals())
}

/// Writes the balance row of one document, replacing the previous one.
pub fn store(tx: &Transaction<'_>, balance: &Balance, currency: Currency) -> Result<()> {
    let minor = |amount: Option<Decimal>| amount.and_then(|amount| to_minor(amount, currency));
    tx.execute(
        "INSERT INTO document_balances (document_id, kind, status, customer_id, issue_date, due_date, net_minor,
             total_minor, due_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (document_id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
             customer_id = excluded.customer_id, issue_date = excluded.issue_date, due_date = excluded.due_date,
             net_minor = excluded.net_minor, total_minor = excluded.total_minor, due_minor = excluded.due_minor",
        params![
            balance.document_id,
            balance.kind.as_str(),
            balance.status,
            balance.customer_id,
            balance.issue_date.map(|date| date.to_string()),
            balance.due_date.map(|date| date.to_string()),
            minor(balance.net),
            minor(balance.total),
            minor(balance.due),
        ],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, id: DocumentId) -> Result<()> {
    tx.execute("DELETE FROM document_balances WHERE document_id = ?1", [id])?;
    Ok(())
}

/// Reads the stored balance row of a document, as integers, for `verify`.
pub fn stored_row(tx: &Transaction<'_>, id: DocumentId) -> Result<Option<StoredRow>> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .query_row(
            "SELECT status, net_minor, total_minor, due_minor FROM document_balances WHERE document_id = ?1",
            [id],
            |row| {
                Ok(StoredRow {
                    status: row.get(0)?,
                    net_minor: row.get(1)?,
                    total_minor: row.get(2)?,
                    due_minor: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// A balance row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow {
    pub status: String,
    pub net_minor: Option<i64>,
    pub total_minor: Option<i64>,
    pub due_minor: Option<i64>,
}

/// Count and sums of one status, in the company currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusSums {
    pub count: u64,
    pub total: Decimal,
    pub due: Decimal,
    pub net: Decimal,
    pub unconverted: u64,
}

/// Sums, per status, the invoices (and, under "issued", the credit notes) matching
/// `filter`, plus the overdue subset, in one pass over the board index.
pub fn board_sums(
    tx: &Transaction<'_>,
    filter: &ListFilter,
    today: NaiveDate,
    currency: Currency,
) -> Result<Vec<(String, DocumentKind, StatusSums, StatusSums)>> {
    let mut statement = tx.prepare_cached(
        "SELECT b.kind, b.status, COUNT(*), SUM(b.total_minor), SUM(b.due_minor), SUM(b.net_minor),
                SUM(b.total_minor IS NULL),
                SUM(b.due_date < ?1), SUM(CASE WHEN b.due_date < ?1 THEN b.total_minor END),
                SUM(CASE WHEN b.due_date < ?1 THEN b.due_minor END)
         FROM document_balances b
         WHERE (?2 IS NULL OR b.customer_id = ?2)
           AND (?3 IS NULL OR b.issue_date >= ?3) AND (?4 IS NULL OR b.issue_date <= ?4)
           AND (?5 = '' OR b.document_id IN (
                SELECT rowid FROM document_search
                WHERE number LIKE '%' || ?5 || '%' OR customer LIKE '%' || ?5 || '%'))
         GROUP BY b.kind, b.status",
    )?;
    let rows = statement.query_map(
        params![
            today.to_string(),
            filter.customer_id,
            filter.from.map(|d| d.to_string()),
            filter.to.map(|d| d.to_string()),
            filter.search.trim(),
        ],
        |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, i64>(2)?,
                row.get::<_, Option<i64>>(3)?,
                row.get::<_, Option<i64>>(4)?,
                row.get::<_, Option<i64>>(5)?,
                row.get::<_, Option<i64>>(6)?,
                (
                    row.get::<_, Option<i64>>(7)?,
                    row.get::<_, Option<i64>>(8)?,
                    row.get::<_, Option<i64>>(9)?,
                ),
            ))
        },
    )?;
    let mut sums = Vec::new();
    for row in rows {
        let (kind, status, count, total, due, net, unconverted, (late, late_total, late_due)) =
            row?;
        let kind = DocumentKind::parse(&kind).unwrap_or(DocumentKind::Invoice);
        let all = StatusSums {
            count: count.max(0) as u64,
            total: from_minor(total.unwrap_or(0), currency),
            due: from_minor(due.unwrap_or(0), currency),
            net: from_minor(net.unwrap_or(0), currency),
            unconverted: unconverted.unwrap_or(0).max(0) as u64,
        };
        let overdue = StatusSums {
            count: late.unwrap_or(0).max(0) as u64,
            total: from_minor(late_total.unwrap_or(0), currency),
            due: from_minor(late_due.unwrap_or(0), currency),
            net: Decimal::ZERO,
            unconverted: 0,
        };
        sums.push((status, kind, all, overdue));
    }
    Ok(sums)
}

/// Sums the totals including VAT of issued invoices less credit notes per
/// issue month ("YYYY-MM"), from `from` on, for the documents `filter`
/// matches whatever their kind.
pub fn monthly_invoiced(
    tx: &Transaction<'_>,
    filter: &ListFilter,
    from: NaiveDate,
    currency: Currency,
) -> Result<Vec<(String, Decimal)>> {
    let mut statement = tx.prepare_cached(
        "SELECT substr(b.issue_date, 1, 7),
                SUM(CASE b.kind WHEN 'credit_note' THEN -b.total_minor ELSE b.total_minor END)
         FROM document_balances b
         WHERE b.status <> 'draft' AND b.issue_date >= ?1 AND b.total_minor IS NOT NULL
           AND (?2 IS NULL OR b.customer_id = ?2)
           AND (?3 IS NULL OR b.issue_date >= ?3) AND (?4 IS NULL OR b.issue_date <= ?4)
           AND (?5 = '' OR b.document_id IN (
                SELECT rowid FROM document_search
                WHERE number LIKE '%' || ?5 || '%' OR customer LIKE '%' || ?5 || '%'))
         GROUP BY 1 ORDER BY 1",
    )?;
    let rows = statement.query_map(
        params![
            from.to_string(),
            filter.customer_id,
            filter.from.map(|d| d.to_string()),
            filter.to.map(|d| d.to_string()),
            filter.search.trim(),
        ],
        |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?)),
    )?;
    let mut months = Vec::new();
    for row in rows {
        let (month, minor) = row?;
        months.push((month, from_minor(minor.unwrap_or(0), currency)));
    }
    Ok(months)
}
