//! `facturier verify`: checks that the file is sound, that the journal chain
//! is unbroken, that every issued document still matches its journaled hash
//! and that every series is continuous.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::books::Books;
use crate::calc;
use crate::journal;
use crate::numbering;
use crate::store::{self, Result};

/// Findings of `verify`, grouped by check.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub integrity: Vec<String>,
    pub journal: Vec<String>,
    pub numbering: Vec<String>,
    pub documents: Vec<String>,
    /// How many journal rows and issued documents were checked.
    pub journal_rows: usize,
    pub issued_documents: usize,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.integrity.is_empty()
            && self.journal.is_empty()
            && self.numbering.is_empty()
            && self.documents.is_empty()
    }

    pub fn problems(&self) -> impl Iterator<Item = &String> {
        self.integrity
            .iter()
            .chain(&self.journal)
            .chain(&self.numbering)
            .chain(&self.documents)
    }
}

struct IssuedRow {
    id: i64,
    kind: String,
    series_id: Option<i64>,
    number: Option<String>,
    seq: Option<i64>,
    year: Option<i64>,
    issue_date: Option<String>,
    content_sha256: Option<String>,
}

/// Runs every check and returns each break it finds.
pub fn verify(books: &mut Books) -> Result<Report> {
    let mut report = Report::default();

    let messages: Vec<String> = {
        let conn = books.store().connection();
        let mut statement = conn.prepare("PRAGMA integrity_check")?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    report.integrity = messages
        .into_iter()
        .filter(|message| message != "ok")
        .collect();
    let foreign_key_errors: i64 = books.store().connection().query_row(
        "SELECT COUNT(*) FROM pragma_foreign_key_check",
        [],
        |row| row.get(0),
    )?;
    if foreign_key_errors > 0 {
        report.integrity.push(format!(
            "{foreign_key_errors} rows refer to missing rows (PRAGMA foreign_key_check)"
        ));
    }

    books.store().read(|tx| {
        let rows = journal::rows(tx)?;
        report.journal_rows = rows.len();
        report.journal = journal::check_chain(&rows);

        let issued_hashes: BTreeMap<i64, String> = rows
            .iter()
            .filter(|row| row.event == journal::Event::Issued.as_str())
            .filter_map(|row| {
                let payload: serde_json::Value = serde_json::from_str(&row.payload).ok()?;
                Some((row.document_id?, payload.get("content_sha256")?.as_str()?.to_string()))
            })
            .collect();
        let pdf_hashes: BTreeMap<i64, String> = rows
            .iter()
            .filter(|row| row.event == journal::Event::Issued.as_str())
            .filter_map(|row| {
                let payload: serde_json::Value = serde_json::from_str(&row.payload).ok()?;
                Some((row.document_id?, payload.get("pdf_sha256")?.as_str()?.to_string()))
            })
            .collect();

        for row in rows.iter().filter(|row| row.event == journal::Event::Issued.as_str()) {
            let number = row.document_number.as_deref().unwrap_or_default();
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM documents WHERE id = ?1 AND number = ?2 AND state = 'issued')",
                rusqlite::params![row.document_id, number],
                |found| found.get(0),
            )?;
            if !exists {
                report.documents.push(format!(
                    "journal row {} records the issue of {number}, but no issued document has this number any more",
                    row.seq
                ));
            }
        }

        let mut statement = tx.prepare(
            "SELECT id, kind, series_id, number, seq, year, issue_date, content_sha256 FROM documents
             WHERE state = 'issued' AND kind IN ('invoice', 'credit_note') ORDER BY series_id, year, seq",
        )?;
        let issued: Vec<IssuedRow> = statement
            .query_map([], |row| {
                Ok(IssuedRow {
                    id: row.get(0)?,
                    kind: row.get(1)?,
                    series_id: row.get(2)?,
                    number: row.get(3)?,
                    seq: row.get(4)?,
                    year: row.get(5)?,
                    issue_date: row.get(6)?,
                    content_sha256: row.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        report.issued_documents = issued.len();

        for row in &issued {
            let number = row.number.clone().unwrap_or_else(|| format!("id {}", row.id));
            match (issued_hashes.get(&row.id), &row.content_sha256) {
                (None, _) => report.journal.push(format!("{} {number} has no issue row in the journal", row.kind)),
                (Some(journaled), Some(stored)) if journaled != stored => report.documents.push(format!(
                    "{} {number}: its stored content hash differs from the one journaled at issue",
                    row.kind
                )),
                _ => {}
            }
            check_document_totals(tx, row.id, &number, &mut report.documents)?;
            if let Some(journaled) = pdf_hashes.get(&row.id) {
                check_archived_pdf(tx, row.id, &number, journaled, &mut report.documents)?;
            }
        }
        check_series(tx, &issued, &mut report.numbering)?;
        check_balances(tx, &mut report.documents)?;
        Ok(())
    })?;
    Ok(report)
}

/// Checks that the PDF archived at issue still has the SHA-256 journaled
/// then. Documents issued before PDFs were archived have no such hash and
/// are not checked.
fn check_archived_pdf(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    number: &str,
    journaled: &str,
    problems: &mut Vec<String>,
) -> Result<()> {
    let archived: Option<Vec<u8>> = rusqlite::OptionalExtension::optional(tx.query_row(
        "SELECT bytes FROM issued_pdfs WHERE document_id = ?1",
        [id],
        |row| row.get(0),
    ))?;
    match archived {
        None => problems.push(format!("{number}: the PDF archived at issue is missing")),
        Some(bytes) if journal::sha256_hex(&bytes) != journaled => problems.push(format!(
            "{number}: the archived PDF differs from the one journaled at issue"
        )),
        Some(_) => {}
    }
    Ok(())
}

/// Recomputes a document's totals from its lines and compares them with the
/// totals stored at issue.
fn check_document_totals(
    tx: &rusqlite::Transaction<'_>,
    id: i64,
    number: &str,
    problems: &mut Vec<String>,
) -> Result<()> {
    let Some(document) = store::documents::load(tx, id)? else {
        return Ok(());
    };
    match calc::compute(
        &document.content,
        document.header.currency,
        Decimal::ZERO,
        Decimal::ZERO,
    ) {
        Ok(totals) => {
            if totals.tax_inclusive_total != document.stored_totals.tax_inclusive_total
                || totals.tax_total != document.stored_totals.tax_total
            {
                problems.push(format!(
                    "{number}: its lines add up to {} including VAT but {} is stored",
                    totals.tax_inclusive_total, document.stored_totals.tax_inclusive_total
                ));
            }
        }
        Err(error) => problems.push(format!("{number}: its lines cannot be computed: {error}")),
    }
    Ok(())
}

fn check_series(
    tx: &rusqlite::Transaction<'_>,
    issued: &[IssuedRow],
    problems: &mut Vec<String>,
) -> Result<()> {
    let series: BTreeMap<i64, numbering::Series> = numbering::list(tx)?
        .into_iter()
        .map(|series| (series.id, series))
        .collect();
    let mut groups: BTreeMap<(i64, i64), Vec<&IssuedRow>> = BTreeMap::new();
    for row in issued {
        match (row.series_id, row.seq, row.year) {
            (Some(series_id), Some(_), Some(year)) => {
                groups.entry((series_id, year)).or_default().push(row)
            }
            _ => problems.push(format!(
                "issued {} id {} has no series number",
                row.kind, row.id
            )),
        }
    }
    let counters: BTreeMap<(i64, i64), i64> = tx
        .prepare("SELECT series_id, year, last_seq FROM series_counters")?
        .query_map([], |row| Ok(((row.get(0)?, row.get(1)?), row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;

    let mut last_date_by_series: BTreeMap<i64, (NaiveDate, String)> = BTreeMap::new();
    for ((series_id, year), rows) in &groups {
        let code = series
            .get(series_id)
            .map_or("?", |series| series.code.as_str());
        let mut expected = 1;
        for row in rows {
            let seq = row.seq.unwrap_or_default();
            let number = row.number.clone().unwrap_or_default();
            if seq > expected {
                problems.push(format!(
                    "series {code}, year {year}: numbers {} to {} are missing before {number}",
                    expected,
                    seq - 1
                ));
            } else if seq < expected {
                problems.push(format!(
                    "series {code}, year {year}: number {number} is used twice"
                ));
            }
            expected = seq + 1;
            if let Some(pattern) = series.get(series_id).map(|series| &series.pattern) {
                if let Some(date) = row
                    .issue_date
                    .as_deref()
                    .and_then(|d| d.parse::<NaiveDate>().ok())
                {
                    let formatted = numbering::format_number(pattern, seq, date);
                    if formatted != number {
                        problems.push(format!(
                            "series {code}: {number} should read {formatted} for counter {seq} on {date}"
                        ));
                    }
                }
            }
        }
        if let Some(last) = counters.get(&(*series_id, *year)) {
            if *last != expected - 1 {
                problems.push(format!(
                    "series {code}, year {year}: the counter is at {last} but the last issued number is {}",
                    expected - 1
                ));
            }
        }
    }
    // Issue dates never go backwards as numbers rise within a series.
    let mut ordered: Vec<&IssuedRow> = issued.iter().collect();
    ordered.sort_by_key(|row| (row.series_id, row.year, row.seq));
    for row in ordered {
        let (Some(series_id), Some(date)) = (
            row.series_id,
            row.issue_date
                .as_deref()
                .and_then(|d| d.parse::<NaiveDate>().ok()),
        ) else {
            continue;
        };
        let number = row.number.clone().unwrap_or_default();
        if let Some((previous_date, previous_number)) = last_date_by_series.get(&series_id) {
            if date < *previous_date {
                problems.push(format!(
                    "{number} is dated {date}, before {previous_number} dated {previous_date}"
                ));
            }
        }
        last_date_by_series.insert(series_id, (date, number));
    }
    for ((series_id, year), last) in &counters {
        if !groups.contains_key(&(*series_id, *year)) {
            let code = series
                .get(series_id)
                .map_or("?", |series| series.code.as_str());
            let kind = series.get(series_id).map(|series| series.kind);
            if kind.is_some_and(|kind| kind.is_legal()) {
                problems.push(format!(
                    "series {code}, year {year}: the counter is at {last} but no document carries these numbers"
                ));
            }
        }
    }
    Ok(())
}

/// Recomputes the derived balance row of every invoice and credit note and
/// compares it with the stored one, which the status board reads.
fn check_balances(tx: &rusqlite::Transaction<'_>, problems: &mut Vec<String>) -> Result<()> {
    let ids: Vec<(i64, Option<String>)> = tx
        .prepare(
            "SELECT id, number FROM documents WHERE kind IN ('invoice', 'credit_note') ORDER BY id",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, number) in ids {
        let name = number.unwrap_or_else(|| format!("draft {id}"));
        let Some((expected, currency)) = crate::books::balance_of(tx, id)? else {
            continue;
        };
        let minor = |amount: Option<Decimal>| {
            amount.and_then(|amount| store::balances::to_minor(amount, currency))
        };
        let expected_row = store::balances::StoredRow {
            status: expected.status.to_string(),
            net_minor: minor(expected.net),
            total_minor: minor(expected.total),
            due_minor: minor(expected.due),
        };
        match store::balances::stored_row(tx, id)? {
            None => problems.push(format!("{name} is missing from the status board index")),
            Some(stored) if stored != expected_row => problems.push(format!(
                "{name}: the status board index reads {} {:?} but the document gives {} {:?}",
                stored.status, stored.total_minor, expected_row.status, expected_row.total_minor
            )),
            Some(_) => {}
        }
    }
    problems.extend(store::balances::check_sums(tx)?);
    Ok(())
}
