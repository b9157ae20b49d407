//! The hash-chained journal of legal events.
//!
//! Every issue, payment change and cancellation appends one row. A row's hash
//! is SHA-256 over the previous row's hash, its sequence number, its time,
//! its event name and its JSON payload, so changing or removing any row
//! breaks every hash after it. SQLite triggers reject updates and deletes.

use rusqlite::{Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::document::DocumentId;
use crate::store::{Result, now_utc};

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Kinds of journal rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Issued,
    PaymentRecorded,
    PaymentChanged,
    PaymentDeleted,
    Cancelled,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Issued => "issued",
            Event::PaymentRecorded => "payment_recorded",
            Event::PaymentChanged => "payment_changed",
            Event::PaymentDeleted => "payment_deleted",
            Event::Cancelled => "cancelled",
        }
    }
}

/// Lowercase hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The hash of one row, from its fields and the previous row's hash.
pub fn row_hash(
    prev_hash: &str,
    seq: i64,
    recorded_at: &str,
    event: &str,
    payload: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [prev_hash, &seq.to_string(), recorded_at, event, payload] {
        hasher.update(part.as_bytes());
        // A separator that JSON text never contains unescaped keeps the
        // fields from running into each other.
        hasher.update([0u8]);
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Appends one row inside the caller's transaction; returns its hash.
pub fn append<P: Serialize>(
    tx: &Transaction<'_>,
    event: Event,
    document_id: Option<DocumentId>,
    document_number: Option<&str>,
    payload: &P,
) -> Result<String> {
    let (last_seq, prev_hash): (i64, String) = tx
        .query_row(
            "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .or_else(|error| match error {
            rusqlite::Error::QueryReturnedNoRows => Ok((0, GENESIS_HASH.to_string())),
            other => Err(other),
        })?;
    let seq = last_seq + 1;
    let recorded_at = now_utc();
    let payload = serde_json::to_string(payload).unwrap_or_else(|_| "{}".to_string());
    let hash = row_hash(&prev_hash, seq, &recorded_at, event.as_str(), &payload);
    tx.execute(
        "INSERT INTO journal (seq, recorded_at, event, document_id, document_number, payload, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, recorded_at, event.as_str(), document_id, document_number, payload, prev_hash, hash],
    )?;
    Ok(hash)
}

/// One journal row as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalRow {
    pub seq: i64,
    pub recorded_at: String,
    pub event: String,
    pub document_id: Option<DocumentId>,
    pub document_number: Option<String>,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Every row in sequence order.
pub fn rows(tx: &Transaction<'_>) -> Result<Vec<JournalRow>> {
    let mut statement = tx.prepare(
        "SELECT seq, recorded_at, event, document_id, document_number, payload, prev_hash, hash
         FROM journal ORDER BY seq",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(JournalRow {
            seq: row.get(0)?,
            recorded_at: row.get(1)?,
            event: row.get(2)?,
            document_id: row.get(3)?,
            document_number: row.get(4)?,
            payload: row.get(5)?,
            prev_hash: row.get(6)?,
            hash: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks the chain; returns one message per break.
pub fn check_chain(rows: &[JournalRow]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expected_prev = GENESIS_HASH.to_string();
    for (index, row) in rows.iter().enumerate() {
        let expected_seq = index as i64 + 1;
        if row.seq != expected_seq {
            problems.push(format!(
                "journal row {} follows row {}: rows {expected_seq} to {} are missing",
                row.seq,
                expected_seq - 1,
                row.seq - 1
            ));
        }
        if row.prev_hash != expected_prev {
            problems.push(format!(
                "journal row {} does not link to the row before it (previous hash {} expected, {} stored)",
                row.seq,
                short(&expected_prev),
                short(&row.prev_hash)
            ));
        }
        let computed = row_hash(
            &row.prev_hash,
            row.seq,
            &row.recorded_at,
            &row.event,
            &row.payload,
        );
        if computed != row.hash {
            problems.push(format!(
                "journal row {} ({} {}) was altered: its content hashes to {}, the row stores {}",
                row.seq,
                row.event,
                row.document_number.as_deref().unwrap_or("-"),
                short(&computed),
                short(&row.hash)
            ));
        }
        expected_prev = row.hash.clone();
    }
    problems
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
