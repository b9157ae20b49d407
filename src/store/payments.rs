//! Payments received against issued invoices.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{Result, StoreError, date_from, decimal_from, now_utc};
use crate::document::DocumentId;

/// A payment received for an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: i64,
    pub document_id: DocumentId,
    pub date: NaiveDate,
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// Means of payment: transfer, card, cheque, cash, direct debit...
    pub method: String,
    pub reference: Option<String>,
}

pub fn insert(tx: &Transaction<'_>, payment: &Payment) -> Result<i64> {
    let now = now_utc();
    tx.execute(
        "INSERT INTO payments (document_id, date, amount, method, reference, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![
            payment.document_id,
            payment.date.to_string(),
            payment.amount.to_string(),
            payment.method,
            payment.reference,
            now,
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn update(tx: &Transaction<'_>, payment: &Payment) -> Result<()> {
    tx.execute(
        "UPDATE payments SET date = ?2, amount = ?3, method = ?4, reference = ?5, updated_at = ?6 WHERE id = ?1",
        params![
            payment.id,
            payment.date.to_string(),
            payment.amount.to_string(),
            payment.method,
            payment.reference,
            now_utc(),
        ],
    )?;
    Ok(())
}

pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.execute("DELETE FROM payments WHERE id = ?1", [id])?;
    Ok(())
}

pub fn get(tx: &Transaction<'_>, id: i64) -> Result<Option<Payment>> {
    let raw = tx
        .query_row(
            "SELECT id, document_id, date, amount, method, reference FROM payments WHERE id = ?1",
            [id],
            raw_payment,
        )
        .optional()?;
    raw.map(finish).transpose()
}

/// Payments of one invoice in date order.
pub fn for_document(tx: &Transaction<'_>, document_id: DocumentId) -> Result<Vec<Payment>> {
    let mut statement = tx.prepare_cached(
        "SELECT id, document_id, date, amount, method, reference FROM payments WHERE document_id = ?1 ORDER BY date, id",
    )?;
    let rows = statement.query_map([document_id], raw_payment)?;
    rows.map(|raw| finish(raw?)).collect()
}

/// Sum of the payments of one invoice.
pub fn total_for(tx: &Transaction<'_>, document_id: DocumentId) -> Result<Decimal> {
    Ok(for_document(tx, document_id)?
        .iter()
        .map(|payment| payment.amount)
        .sum())
}

type RawPayment = (i64, i64, String, String, String, Option<String>);

fn raw_payment(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawPayment> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn finish(raw: RawPayment) -> Result<Payment> {
    let (id, document_id, date, amount, method, reference) = raw;
    Ok(Payment {
        id,
        document_id,
        date: date_from("payments.date", &date)?,
        amount: decimal_from("payments.amount", &amount)?,
        method,
        reference,
    })
}

/// Fails unless `id` names a payment.
pub fn require(tx: &Transaction<'_>, id: i64) -> Result<Payment> {
    get(tx, id)?.ok_or_else(|| {
        StoreError::Rejected(format!(
            "payment {id} not found: list an invoice's payments with `facturier invoice show NUMBER`"
        ))
    })
}
