//! Numbering series: gapless, duplicate-free numbers drawn only at issue.
//!
//! A number is drawn inside the transaction that issues the document, after
//! the write lock is taken, so a crash or a rollback leaves no gap and two
//! processes never draw the same number. A draft never has a number.

use chrono::{Datelike, NaiveDate};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::document::DocumentKind;
use crate::store::{Result, StoreError};

/// A numbering series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub id: i64,
    pub kind: DocumentKind,
    /// Short code that names the series ("F", "A").
    pub code: String,
    /// Pattern with `{YYYY}` or `{YY}` for the year of the issue date and
    /// `{N:width}` for the zero-padded counter: "F{YYYY}-{N:5}" gives
    /// F2026-00042.
    pub pattern: String,
    /// Whether the counter restarts at 1 on the first issue of each calendar
    /// year (of the issue date).
    pub yearly_reset: bool,
    pub is_default: bool,
}

/// A number drawn for a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnNumber {
    pub series_id: i64,
    pub number: String,
    pub seq: i64,
    /// Counter year, 0 for series that never reset.
    pub year: i64,
}

/// Checks a pattern: exactly one counter, and a year whenever the counter
/// resets yearly (otherwise two years would print the same numbers).
pub fn check_pattern(pattern: &str, yearly_reset: bool) -> Result<(), String> {
    let counters = pattern.matches("{N").count();
    if counters != 1 {
        return Err(format!(
            "numbering pattern \"{pattern}\" must contain the counter exactly once, as {{N:5}} for 00042"
        ));
    }
    let width = counter_width(pattern).ok_or_else(|| {
        format!("numbering pattern \"{pattern}\": write the counter as {{N}} or {{N:width}} with a width from 1 to 12")
    })?;
    if !(1..=12).contains(&width) {
        return Err(format!(
            "numbering pattern \"{pattern}\": the counter width must be from 1 to 12"
        ));
    }
    if yearly_reset && !pattern.contains("{YYYY}") && !pattern.contains("{YY}") {
        return Err(format!(
            "numbering pattern \"{pattern}\" resets every year, so it must contain {{YYYY}} or {{YY}}"
        ));
    }
    let stripped = pattern
        .replace("{YYYY}", "")
        .replace("{YY}", "")
        .replace(&format!("{{N:{width}}}"), "")
        .replace("{N}", "");
    if stripped.contains('{') || stripped.contains('}') {
        return Err(format!(
            "numbering pattern \"{pattern}\" has an unknown placeholder: use {{YYYY}}, {{YY}} and {{N:width}}"
        ));
    }
    Ok(())
}

fn counter_width(pattern: &str) -> Option<usize> {
    let start = pattern.find("{N")?;
    let rest = &pattern[start + 2..];
    if rest.starts_with('}') {
        return Some(1);
    }
    let inner = rest.strip_prefix(':')?;
    let end = inner.find('}')?;
    inner[..end].parse().ok()
}

/// Formats a number from a pattern, a counter and the issue date.
pub fn format_number(pattern: &str, seq: i64, date: NaiveDate) -> String {
    let width = counter_width(pattern).unwrap_or(1);
    let counter = format!("{seq:0width$}");
    let year = date.year();
    pattern
        .replace("{YYYY}", &format!("{year:04}"))
        .replace("{YY}", &format!("{:02}", year.rem_euclid(100)))
        .replace(&format!("{{N:{width}}}"), &counter)
        .replace("{N}", &counter)
}

fn kind_from(text: &str) -> Result<DocumentKind> {
    DocumentKind::parse(text).ok_or_else(|| StoreError::Corrupt {
        column: "series.kind",
        value: text.to_string(),
        reason: "unknown kind".to_string(),
    })
}

type RawSeries = (i64, String, String, String, bool, bool);

fn raw_series(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawSeries> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn finish(raw: RawSeries) -> Result<Series> {
    let (id, kind, code, pattern, yearly_reset, is_default) = raw;
    Ok(Series {
        id,
        kind: kind_from(&kind)?,
        code,
        pattern,
        yearly_reset,
        is_default,
    })
}

pub fn list(tx: &Transaction<'_>) -> Result<Vec<Series>> {
    let mut statement = tx.prepare_cached(
        "SELECT id, kind, code, pattern, yearly_reset, is_default FROM series ORDER BY kind, code",
    )?;
    let rows = statement.query_map([], raw_series)?;
    rows.map(|raw| finish(raw?)).collect()
}

pub fn get(tx: &Transaction<'_>, id: i64) -> Result<Option<Series>> {
    tx.query_row(
        "SELECT id, kind, code, pattern, yearly_reset, is_default FROM series WHERE id = ?1",
        [id],
        raw_series,
    )
    .optional()?
    .map(finish)
    .transpose()
}

pub fn find_by_code(tx: &Transaction<'_>, code: &str) -> Result<Option<Series>> {
    tx.query_row(
        "SELECT id, kind, code, pattern, yearly_reset, is_default FROM series WHERE code = ?1",
        [code.trim()],
        raw_series,
    )
    .optional()?
    .map(finish)
    .transpose()
}

/// The default series of a kind of document.
pub fn default_for(tx: &Transaction<'_>, kind: DocumentKind) -> Result<Series> {
    tx.query_row(
        "SELECT id, kind, code, pattern, yearly_reset, is_default FROM series WHERE kind = ?1 AND is_default = 1",
        [kind.as_str()],
        raw_series,
    )
    .optional()?
    .map(finish)
    .transpose()?
    .ok_or_else(|| StoreError::Rejected(format!("no default numbering series for {}", kind.as_str())))
}

/// Adds a series, or changes the pattern of one that has not drawn any
/// number yet. A series in use keeps its pattern so that its numbers stay
/// continuous.
pub fn save(tx: &Transaction<'_>, series: &Series) -> Result<i64> {
    check_pattern(&series.pattern, series.yearly_reset).map_err(StoreError::Rejected)?;
    if series.code.trim().is_empty() {
        return Err(StoreError::Rejected(
            "a numbering series needs a code".to_string(),
        ));
    }
    if series.is_default {
        tx.execute(
            "UPDATE series SET is_default = 0 WHERE kind = ?1 AND code <> ?2",
            params![series.kind.as_str(), series.code.trim()],
        )?;
    }
    if let Some(existing) = find_by_code(tx, &series.code)? {
        let used: i64 = tx.query_row(
            "SELECT COUNT(*) FROM series_counters WHERE series_id = ?1",
            [existing.id],
            |row| row.get(0),
        )?;
        let changes_numbers = existing.pattern != series.pattern
            || existing.yearly_reset != series.yearly_reset
            || existing.kind != series.kind;
        if used > 0 && changes_numbers {
            return Err(StoreError::Rejected(format!(
                "series {} has already numbered documents, so its pattern cannot change: create a new series instead",
                existing.code
            )));
        }
        tx.execute(
            "UPDATE series SET kind = ?2, pattern = ?3, yearly_reset = ?4, is_default = ?5 WHERE id = ?1",
            params![
                existing.id,
                series.kind.as_str(),
                series.pattern,
                series.yearly_reset,
                series.is_default
            ],
        )?;
        return Ok(existing.id);
    }
    tx.execute(
        "INSERT INTO series (kind, code, pattern, yearly_reset, is_default) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            series.kind.as_str(),
            series.code.trim(),
            series.pattern,
            series.yearly_reset,
            series.is_default
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Draws the next number of `series` for a document issued on `issue_date`.
///
/// Must run inside the issuing transaction (IMMEDIATE, so the write lock is
/// already held). Rejects an issue date earlier than the last one of the
/// series, because numbers must follow the chronological order of issue.
pub fn draw(tx: &Transaction<'_>, series: &Series, issue_date: NaiveDate) -> Result<DrawnNumber> {
    if let Some((last_number, last_date)) =
        crate::store::documents::last_issue_in_series(tx, series.id)?
    {
        if issue_date < last_date {
            return Err(StoreError::Rejected(format!(
                "issue date {issue_date} is before {last_date}, the date of {last_number}, the last document of series {}: numbers follow the order of issue, so issue it on {last_date} or later",
                series.code
            )));
        }
    }
    let year = if series.yearly_reset {
        i64::from(issue_date.year())
    } else {
        0
    };
    let last: Option<i64> = tx
        .query_row(
            "SELECT last_seq FROM series_counters WHERE series_id = ?1 AND year = ?2",
            params![series.id, year],
            |row| row.get(0),
        )
        .optional()?;
    let seq = match last {
        Some(last) => {
            tx.execute(
                "UPDATE series_counters SET last_seq = last_seq + 1 WHERE series_id = ?1 AND year = ?2",
                params![series.id, year],
            )?;
            last + 1
        }
        None => {
            tx.execute(
                "INSERT INTO series_counters (series_id, year, last_seq) VALUES (?1, ?2, 1)",
                params![series.id, year],
            )?;
            1
        }
    };
    Ok(DrawnNumber {
        series_id: series.id,
        number: format_number(&series.pattern, seq, issue_date),
        seq,
        year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn format_year_and_padded_counter() {
        assert_eq!(
            format_number("F{YYYY}-{N:5}", 42, date("2026-03-02")),
            "F2026-00042"
        );
        assert_eq!(format_number("{YY}{N:3}", 1, date("2023-01-05")), "23001");
        assert_eq!(
            format_number("INV-{N:4}", 7, date("2023-01-05")),
            "INV-0007"
        );
        assert_eq!(format_number("X{N}", 123, date("2023-01-05")), "X123");
    }

    #[test]
    fn counter_wider_than_padding_is_not_truncated() {
        assert_eq!(
            format_number("{YY}{N:3}", 1234, date("2023-01-05")),
            "231234"
        );
    }

    #[test]
    fn pattern_checks() {
        assert!(check_pattern("F{YYYY}-{N:5}", true).is_ok());
        assert!(check_pattern("INV-{N:4}", false).is_ok());
        assert!(check_pattern("INV-{N:4}", true).is_err());
        assert!(check_pattern("F{YYYY}", true).is_err());
        assert!(check_pattern("F{N:5}{N:5}", false).is_err());
        assert!(check_pattern("F{MM}{N:5}", false).is_err());
    }
}
