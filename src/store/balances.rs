//! The derived balance of each invoice and credit note (`document_balances`)
//! and the status board computed from it in SQL.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::{Transaction, params, params_from_iter};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::documents::{KeyMatch, SearchKey, Selection, Table};
use super::{Result, StoreError, date_from, decimal_from};
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
             total_minor, due_minor, buyer_name, number_head)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
             COALESCE((SELECT json_extract(buyer, '$.name') FROM documents WHERE id = ?1), ''),
             COALESCE((SELECT substr(number, 1, length(number) - 3) FROM documents WHERE id = ?1), ''))
         ON CONFLICT (document_id) DO UPDATE SET kind = excluded.kind, status = excluded.status,
             customer_id = excluded.customer_id, issue_date = excluded.issue_date, due_date = excluded.due_date,
             net_minor = excluded.net_minor, total_minor = excluded.total_minor, due_minor = excluded.due_minor,
             buyer_name = excluded.buyer_name, number_head = excluded.number_head",
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
    tx.execute("DELETE FROM collected_months WHERE document_id = ?1", [id])?;
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

/// Sums, per status, the invoices (and, under "issued", the credit notes) of
/// `selection`, plus the overdue subset (due date before `today`). With no
/// filter the sums come from the running sums `board_sums`, with only a
/// period from the running sums per issue month `period_sums` (and the
/// documents of a partial first or last month), else from the covering
/// indexes of `document_balances`. When a search kept the keys that lack
/// its text, the sums are those of the filter without the search less those
/// of the documents it leaves out.
pub fn board_sums(
    tx: &Transaction<'_>,
    selection: &Selection,
    today: NaiveDate,
    currency: Currency,
) -> Result<Vec<(String, DocumentKind, StatusSums, StatusSums)>> {
    let groups = raw_board_sums(tx, selection, today)?;
    let mut sums = Vec::new();
    for ((kind, status), raw) in groups {
        if raw.is_empty() {
            continue;
        }
        let kind = DocumentKind::parse(&kind).unwrap_or(DocumentKind::Invoice);
        let all = StatusSums {
            count: raw.count.max(0) as u64,
            total: from_minor(raw.total, currency),
            due: from_minor(raw.due, currency),
            net: from_minor(raw.net, currency),
            unconverted: raw.unconverted.max(0) as u64,
        };
        let overdue = StatusSums {
            count: raw.overdue_count.max(0) as u64,
            total: from_minor(raw.overdue_total, currency),
            due: from_minor(raw.overdue_due, currency),
            net: Decimal::ZERO,
            unconverted: 0,
        };
        sums.push((status, kind, all, overdue));
    }
    Ok(sums)
}

/// Computes the sums of `board_sums` per kind and status, in minor units.
fn raw_board_sums(
    tx: &Transaction<'_>,
    selection: &Selection,
    today_date: NaiveDate,
) -> Result<BTreeMap<(String, String), RawSums>> {
    let today = &Value::Text(today_date.to_string());
    if let Some(keys) = selection.keys_only() {
        let (mut groups, sign) = match keys.side {
            KeyMatch::Containing => (BTreeMap::new(), 1),
            KeyMatch::Lacking => (raw_board_sums(tx, &selection.unsearched(), today_date)?, -1),
        };
        if !keys.chosen.is_empty() {
            let mut by_key = BTreeMap::new();
            add_key_sums(tx, keys.key, keys.chosen, today_date, &mut by_key)?;
            for (key, raw) in by_key {
                groups.entry(key).or_default().add(&raw, sign);
            }
        }
        if keys.with_matches {
            add_selected_sums(tx, MATCHES_ONLY, Vec::new(), today, &mut groups)?;
        }
        return Ok(groups);
    }
    if let Some((conditions, values)) = selection.left_out_conditions(Table::Balances, false) {
        let mut groups = raw_board_sums(tx, &selection.unsearched(), today_date)?;
        let mut left_out = BTreeMap::new();
        add_selected_sums(tx, &conditions, values, today, &mut left_out)?;
        for (key, raw) in left_out {
            groups.entry(key).or_default().add(&raw, -1);
        }
        return Ok(groups);
    }
    let mut groups: BTreeMap<(String, String), RawSums> = BTreeMap::new();
    if selection.is_everything() {
        // Rows without a due date store '' there, which the range leaves out.
        add_raw_sums(
            tx,
            "SELECT kind, status, SUM(documents), SUM(total_minor), SUM(due_minor), SUM(net_minor),
                    SUM(unconverted),
                    SUM(CASE WHEN due_date <> '' AND due_date < ?1 THEN documents END),
                    SUM(CASE WHEN due_date <> '' AND due_date < ?1 THEN total_minor END),
                    SUM(CASE WHEN due_date <> '' AND due_date < ?1 THEN due_minor END)
             FROM board_sums
             GROUP BY kind, status",
            vec![today.clone()],
            &mut groups,
        )?;
    } else if selection.is_period_only() {
        let split = PeriodSplit::new(selection.filter.from, selection.filter.to);
        if let Some((first, last)) = split.whole_months {
            add_raw_sums(
                tx,
                "SELECT kind, status, SUM(documents), SUM(total_minor), SUM(due_minor), SUM(net_minor),
                        SUM(unconverted),
                        SUM(CASE WHEN due_date <> '' AND due_date < ?1 THEN documents END),
                        SUM(CASE WHEN due_date <> '' AND due_date < ?1 THEN total_minor END),
                        SUM(CASE WHEN due_date <> '' AND due_date < ?1 THEN due_minor END)
                 FROM period_sums
                 WHERE month >= ?2 AND month <= ?3
                 GROUP BY kind, status",
                vec![today.clone(), Value::Text(first), Value::Text(last)],
                &mut groups,
            )?;
        }
        for (from, to) in split.partial_days {
            add_raw_sums(
                tx,
                "SELECT b.kind, b.status, COUNT(*), SUM(b.total_minor), SUM(b.due_minor), SUM(b.net_minor),
                        SUM(b.total_minor IS NULL),
                        SUM(b.due_date < ?1), SUM(CASE WHEN b.due_date < ?1 THEN b.total_minor END),
                        SUM(CASE WHEN b.due_date < ?1 THEN b.due_minor END)
                 FROM document_balances b
                 WHERE b.issue_date >= ?2 AND b.issue_date <= ?3
                 GROUP BY b.kind, b.status",
                vec![
                    today.clone(),
                    Value::Text(from.to_string()),
                    Value::Text(to.to_string()),
                ],
                &mut groups,
            )?;
        }
    } else {
        let (conditions, values) = selection.conditions(Table::Balances, false);
        add_selected_sums(tx, &conditions, values, today, &mut groups)?;
    }
    Ok(groups)
}

/// Adds to `groups` the sums of the documents of the keys `names` (buyer
/// names or number heads), from the running sums per key and due month
/// (`name_sums` or `head_sums`). Rows due in a month before today's are
/// overdue as a whole. Of today's month, only the documents due before
/// today are read, through the index by key, kind, status and due date.
fn add_key_sums(
    tx: &Transaction<'_>,
    key: SearchKey,
    names: &[String],
    today: NaiveDate,
    groups: &mut BTreeMap<(String, String), RawSums>,
) -> Result<()> {
    let (table, column) = match key {
        SearchKey::BuyerName => ("name_sums", "buyer_name"),
        SearchKey::NumberHead => ("head_sums", "number_head"),
    };
    let marks = vec!["?"; names.len()].join(", ");
    let month = today.format("%Y-%m").to_string();
    let mut values: Vec<Value> = names.iter().map(|name| Value::Text(name.clone())).collect();
    values.insert(0, Value::Text(month.clone()));
    add_raw_sums(
        tx,
        &format!(
            "SELECT kind, status, SUM(documents), SUM(total_minor), SUM(due_minor), SUM(net_minor),
                    SUM(unconverted),
                    SUM(CASE WHEN due_month <> '' AND due_month < ?1 THEN documents END),
                    SUM(CASE WHEN due_month <> '' AND due_month < ?1 THEN total_minor END),
                    SUM(CASE WHEN due_month <> '' AND due_month < ?1 THEN due_minor END)
             FROM {table}
             WHERE {column} IN ({marks})
             GROUP BY {column}, kind, status"
        ),
        values,
        groups,
    )?;

    // The kinds and statuses are listed so that SQLite seeks each due-date
    // range in the index instead of reading every row of a name.
    let mut values: Vec<Value> = names.iter().map(|name| Value::Text(name.clone())).collect();
    values.push(Value::Text(format!("{month}-01")));
    values.push(Value::Text(today.to_string()));
    add_raw_sums(
        tx,
        &format!(
            "SELECT b.kind, b.status, 0, 0, 0, 0, 0, COUNT(*), SUM(b.total_minor), SUM(b.due_minor)
             FROM document_balances b
             WHERE b.{column} IN ({marks})
               AND b.kind IN ('invoice', 'credit_note')
               AND b.status IN ('draft', 'open', 'partial', 'paid', 'cancelled', 'issued')
               AND b.due_date >= ? AND b.due_date < ?
             GROUP BY b.{column}, b.kind, b.status"
        ),
        values,
        groups,
    )
}

/// The condition that selects the documents a search found one by one.
const MATCHES_ONLY: &str = " AND b.document_id IN (SELECT id FROM temp.search_matches)";

/// Adds to `groups` the sums of the balance rows that `conditions` select.
/// The query groups by buyer name too, because that is the order of the
/// index by name, so a search never sorts its rows. `add_raw_sums` adds the
/// names' groups up.
fn add_selected_sums(
    tx: &Transaction<'_>,
    conditions: &str,
    mut values: Vec<Value>,
    today: &Value,
    groups: &mut BTreeMap<(String, String), RawSums>,
) -> Result<()> {
    values.insert(0, today.clone());
    add_raw_sums(
        tx,
        &format!(
            "SELECT b.kind, b.status, COUNT(*), SUM(b.total_minor), SUM(b.due_minor), SUM(b.net_minor),
                    SUM(b.total_minor IS NULL),
                    SUM(b.due_date < ?1), SUM(CASE WHEN b.due_date < ?1 THEN b.total_minor END),
                    SUM(CASE WHEN b.due_date < ?1 THEN b.due_minor END)
             FROM document_balances b
             WHERE 1{conditions}
             GROUP BY b.buyer_name, b.kind, b.status"
        ),
        values,
        groups,
    )
}

/// Count and sums of one kind and status in minor units, with the overdue
/// subset, as the board queries return them.
#[derive(Debug, Default)]
struct RawSums {
    count: i64,
    total: i64,
    due: i64,
    net: i64,
    unconverted: i64,
    overdue_count: i64,
    overdue_total: i64,
    overdue_due: i64,
}

impl RawSums {
    fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds `sign` (1 or -1) times `other`.
    fn add(&mut self, other: &RawSums, sign: i64) {
        self.count += sign * other.count;
        self.total += sign * other.total;
        self.due += sign * other.due;
        self.net += sign * other.net;
        self.unconverted += sign * other.unconverted;
        self.overdue_count += sign * other.overdue_count;
        self.overdue_total += sign * other.overdue_total;
        self.overdue_due += sign * other.overdue_due;
    }
}

/// Runs one board query, whose columns are kind, status, count, total, due,
/// net, unconverted count and the overdue count, total and due, and adds
/// its rows to `groups`.
fn add_raw_sums(
    tx: &Transaction<'_>,
    sql: &str,
    values: Vec<Value>,
    groups: &mut BTreeMap<(String, String), RawSums>,
) -> Result<()> {
    let mut statement = tx.prepare_cached(sql)?;
    let mut rows = statement.query(params_from_iter(values))?;
    while let Some(row) = rows.next()? {
        let number = |index: usize| -> rusqlite::Result<i64> {
            Ok(row.get::<_, Option<i64>>(index)?.unwrap_or(0))
        };
        let raw = groups
            .entry((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            .or_default();
        raw.count += number(2)?;
        raw.total += number(3)?;
        raw.due += number(4)?;
        raw.net += number(5)?;
        raw.unconverted += number(6)?;
        raw.overdue_count += number(7)?;
        raw.overdue_total += number(8)?;
        raw.overdue_due += number(9)?;
    }
    Ok(())
}

/// A period of issue dates cut into the whole months that `period_sums`
/// sums and the days of a partial first or last month, which are read from
/// the documents.
#[derive(Debug, PartialEq, Eq)]
pub struct PeriodSplit {
    /// First and last whole month, "YYYY-MM", when there is at least one.
    pub whole_months: Option<(String, String)>,
    /// Ranges of issue dates (both ends included) outside the whole months.
    pub partial_days: Vec<(NaiveDate, NaiveDate)>,
}

impl PeriodSplit {
    /// Cuts the period from `from` to `to`, both included. An open end
    /// reaches every dated document on that side.
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>) -> PeriodSplit {
        let mut partial_days = Vec::new();
        // Month numbers (year * 12 + month - 1) of the first and last whole
        // months. The '' month of undated drafts sorts before every bound.
        let mut first_whole = i64::MIN;
        let mut last_whole = i64::MAX;
        if let Some(from) = from {
            first_whole = month_number(from);
            if from.day() != 1 {
                first_whole += 1;
                let end = last_day_of_month(from);
                partial_days.push((from, to.map_or(end, |to| to.min(end))));
            }
        }
        if let Some(to) = to {
            last_whole = month_number(to);
            if to != last_day_of_month(to) {
                last_whole -= 1;
                let start = to.with_day(1).unwrap_or(to);
                let start = from.map_or(start, |from| from.max(start));
                // A period inside one month is already the first range.
                let same_range = partial_days
                    .first()
                    .is_some_and(|&(first, _)| first == start);
                if !same_range {
                    partial_days.push((start, to));
                }
            }
        }
        partial_days.retain(|(first, last)| first <= last);
        let whole_months = (first_whole <= last_whole).then(|| {
            let first = if first_whole == i64::MIN {
                "0000-01".to_string()
            } else {
                month_text(first_whole)
            };
            let last = if last_whole == i64::MAX {
                "9999-12".to_string()
            } else {
                month_text(last_whole)
            };
            (first, last)
        });
        PeriodSplit {
            whole_months,
            partial_days,
        }
    }
}

fn month_number(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

fn month_text(number: i64) -> String {
    format!(
        "{:04}-{:02}",
        number.div_euclid(12),
        number.rem_euclid(12) + 1
    )
}

fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// Invoiced and collected amounts of one month, in the company currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthSums {
    /// "YYYY-MM".
    pub month: String,
    /// Totals including VAT of the invoices issued that month, less the
    /// credit notes issued that month.
    pub invoiced: Decimal,
    /// Payments received that month on the selected invoices.
    pub collected: Decimal,
}

/// Sums, per month from `from` on, the invoiced totals of the issued
/// documents of `selection` (credit notes deducted) and the payments received
/// on them. `selection.filter.kind` is ignored, because credit notes always
/// count. Without a filter the sums come from the running sums `month_sums`,
/// with only a period from `period_sums` and `collected_sums` (and the
/// documents of a partial first or last month).
pub fn monthly_sums(
    tx: &Transaction<'_>,
    selection: &Selection,
    from: NaiveDate,
    currency: Currency,
) -> Result<Vec<MonthSums>> {
    let months = raw_monthly_sums(tx, selection, from)?;
    Ok(months
        .into_iter()
        .filter(|(_, (invoiced, collected))| *invoiced != 0 || *collected != 0)
        .map(|(month, (invoiced, collected))| MonthSums {
            month,
            invoiced: from_minor(invoiced, currency),
            collected: from_minor(collected, currency),
        })
        .collect())
}

/// Invoiced and collected minor units per "YYYY-MM".
type RawMonths = BTreeMap<String, (i64, i64)>;

fn raw_monthly_sums(
    tx: &Transaction<'_>,
    selection: &Selection,
    from: NaiveDate,
) -> Result<RawMonths> {
    let first_month = from.format("%Y-%m").to_string();
    let mut months = RawMonths::new();
    if let Some(keys) = selection.keys_only() {
        let sign = match keys.side {
            KeyMatch::Containing => 1,
            KeyMatch::Lacking => {
                months = raw_monthly_sums(tx, &selection.unsearched(), from)?;
                -1
            }
        };
        if keys.with_matches {
            add_selected_months(tx, MATCHES_ONLY, Vec::new(), from, 1, &mut months)?;
        }
        if keys.chosen.is_empty() {
            return Ok(months);
        }
        let (table, column) = match keys.key {
            SearchKey::BuyerName => ("name_months", "buyer_name"),
            SearchKey::NumberHead => ("head_months", "number_head"),
        };
        let marks = vec!["?"; keys.chosen.len()].join(", ");
        let mut values: Vec<Value> = keys
            .chosen
            .iter()
            .map(|name| Value::Text(name.clone()))
            .collect();
        values.push(Value::Text(first_month));
        let mut statement = tx.prepare_cached(&format!(
            "SELECT month, SUM(invoiced_minor), SUM(collected_minor) FROM {table}
             WHERE {column} IN ({marks}) AND month >= ?
             GROUP BY month"
        ))?;
        let rows = statement.query_map(params_from_iter(values), |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (month, invoiced, collected) = row?;
            let entry = months.entry(month).or_default();
            entry.0 += sign * invoiced;
            entry.1 += sign * collected;
        }
    } else if let Some((conditions, values)) = selection.left_out_conditions(Table::Balances, false)
    {
        months = raw_monthly_sums(tx, &selection.unsearched(), from)?;
        add_selected_months(tx, &conditions, values, from, -1, &mut months)?;
    } else if selection.is_everything() {
        let mut statement = tx.prepare_cached(
            "SELECT month, invoiced_minor, collected_minor FROM month_sums WHERE month >= ?1",
        )?;
        let rows = statement.query_map([&first_month], |row| {
            Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?))
        })?;
        for row in rows {
            let (month, invoiced, collected) = row?;
            months.insert(month, (invoiced, collected));
        }
    } else if selection.is_period_only() {
        add_period_months(tx, selection, from, &mut months)?;
    } else {
        let (conditions, values) = selection.conditions(Table::Balances, false);
        add_selected_months(tx, &conditions, values, from, 1, &mut months)?;
    }
    Ok(months)
}

/// Adds `sign` times the invoiced and collected sums of the balance rows
/// that `conditions` select to `months`.
fn add_selected_months(
    tx: &Transaction<'_>,
    conditions: &str,
    values: Vec<Value>,
    from: NaiveDate,
    sign: i64,
    months: &mut RawMonths,
) -> Result<()> {
    let first_month = from.format("%Y-%m").to_string();
    let mut invoiced_values = vec![Value::Text(from.to_string())];
    invoiced_values.extend(values.iter().cloned());
    let mut statement = tx.prepare_cached(&format!(
        "SELECT substr(b.issue_date, 1, 7),
                SUM(CASE b.kind WHEN 'credit_note' THEN -b.total_minor ELSE b.total_minor END)
         FROM document_balances b
         WHERE b.status <> 'draft' AND b.issue_date >= ? AND b.total_minor IS NOT NULL{conditions}
         GROUP BY 1"
    ))?;
    let rows = statement.query_map(params_from_iter(invoiced_values), |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?))
    })?;
    for row in rows {
        let (month, invoiced) = row?;
        months.entry(month).or_default().0 += sign * invoiced.unwrap_or(0);
    }

    let mut collected_values = vec![Value::Text(first_month)];
    collected_values.extend(values);
    let mut statement = tx.prepare_cached(&format!(
        "SELECT c.month, SUM(c.collected_minor)
         FROM collected_months c JOIN document_balances b ON b.document_id = c.document_id
         WHERE c.month >= ?{conditions}
         GROUP BY 1"
    ))?;
    let rows = statement.query_map(params_from_iter(collected_values), |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?))
    })?;
    for row in rows {
        let (month, collected) = row?;
        months.entry(month).or_default().1 += sign * collected.unwrap_or(0);
    }
    Ok(())
}

/// Adds the chart of a period alone: the whole months of invoices from
/// `period_sums` and of payments (by the issue month of their invoice) from
/// `collected_sums`, and the documents of a partial first or last month one
/// by one. Invoices count from `from` on; payments count from `from`'s month
/// on, whenever their invoice was issued in the period.
fn add_period_months(
    tx: &Transaction<'_>,
    selection: &Selection,
    from: NaiveDate,
    months: &mut RawMonths,
) -> Result<()> {
    let first_month = from.format("%Y-%m").to_string();
    let period_from = selection.filter.from;
    let invoiced_from = Some(period_from.map_or(from, |start| start.max(from)));
    let invoiced = PeriodSplit::new(invoiced_from, selection.filter.to);
    if let Some((first, last)) = invoiced.whole_months {
        let mut statement = tx.prepare_cached(
            "SELECT month, SUM(CASE kind WHEN 'credit_note' THEN -total_minor ELSE total_minor END)
             FROM period_sums
             WHERE status <> 'draft' AND month >= ?1 AND month <= ?2
             GROUP BY 1",
        )?;
        let rows = statement.query_map([first, last], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?))
        })?;
        for row in rows {
            let (month, invoiced) = row?;
            months.entry(month).or_default().0 += invoiced.unwrap_or(0);
        }
    }
    for (start, end) in invoiced.partial_days {
        let mut statement = tx.prepare_cached(
            "SELECT substr(b.issue_date, 1, 7),
                    SUM(CASE b.kind WHEN 'credit_note' THEN -b.total_minor ELSE b.total_minor END)
             FROM document_balances b
             WHERE b.status <> 'draft' AND b.total_minor IS NOT NULL
               AND b.issue_date >= ?1 AND b.issue_date <= ?2
             GROUP BY 1",
        )?;
        let rows = statement.query_map([start.to_string(), end.to_string()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?))
        })?;
        for row in rows {
            let (month, invoiced) = row?;
            months.entry(month).or_default().0 += invoiced.unwrap_or(0);
        }
    }
    let collected = PeriodSplit::new(period_from, selection.filter.to);
    if let Some((first, last)) = collected.whole_months {
        let mut statement = tx.prepare_cached(
            "SELECT month, SUM(collected_minor) FROM collected_sums
             WHERE issue_month >= ?1 AND issue_month <= ?2 AND month >= ?3
             GROUP BY 1",
        )?;
        let rows = statement.query_map([first, last, first_month.clone()], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?))
        })?;
        for row in rows {
            let (month, collected) = row?;
            months.entry(month).or_default().1 += collected.unwrap_or(0);
        }
    }
    for (start, end) in collected.partial_days {
        let mut statement = tx.prepare_cached(
            "SELECT c.month, SUM(c.collected_minor)
             FROM document_balances b JOIN collected_months c ON c.document_id = b.document_id
             WHERE b.issue_date >= ?1 AND b.issue_date <= ?2 AND c.month >= ?3
             GROUP BY 1",
        )?;
        let rows = statement.query_map(
            [start.to_string(), end.to_string(), first_month.clone()],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?)),
        )?;
        for row in rows {
            let (month, collected) = row?;
            months.entry(month).or_default().1 += collected.unwrap_or(0);
        }
    }
    Ok(())
}

/// Rewrites the `collected_months` rows of one document from its payments.
pub fn store_collected(
    tx: &Transaction<'_>,
    id: DocumentId,
    company_currency: Currency,
) -> Result<()> {
    tx.execute("DELETE FROM collected_months WHERE document_id = ?1", [id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO collected_months (document_id, month, collected_minor) VALUES (?1, ?2, ?3)",
    )?;
    for (month, minor) in collected_rows(tx, id, company_currency)? {
        insert.execute(params![id, month, minor])?;
    }
    Ok(())
}

/// Computes the `collected_months` rows of one document from its payments:
/// each month's payments are added in the document currency, then converted
/// at the document's exchange rate and rounded to `company_currency`'s minor
/// unit. The amount is `None` when a foreign-currency document has no rate.
fn collected_rows(
    tx: &Transaction<'_>,
    id: DocumentId,
    company_currency: Currency,
) -> Result<Vec<(String, Option<i64>)>> {
    use rusqlite::OptionalExtension;
    let Some((currency, rate)) = tx
        .query_row(
            "SELECT currency, exchange_rate FROM documents WHERE id = ?1",
            [id],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?)),
        )
        .optional()?
    else {
        return Ok(Vec::new());
    };
    let rate = match rate {
        _ if currency == company_currency.code() => Some(Decimal::ONE),
        Some(rate) => Some(decimal_from("documents.exchange_rate", &rate)?),
        None => None,
    };
    let mut by_month: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut statement =
        tx.prepare_cached("SELECT date, amount FROM payments WHERE document_id = ?1")?;
    let rows = statement.query_map([id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    for row in rows {
        let (date, amount) = row?;
        let month = date_from("payments.date", &date)?
            .format("%Y-%m")
            .to_string();
        *by_month.entry(month).or_default() += decimal_from("payments.amount", &amount)?;
    }
    Ok(by_month
        .into_iter()
        .map(|(month, amount)| {
            let minor = rate.and_then(|rate| to_minor(amount * rate, company_currency));
            (month, minor)
        })
        .collect())
}

/// Reads the company currency from the stored company profile, the default
/// currency when there is none yet.
fn company_currency(tx: &Transaction<'_>) -> Result<Currency> {
    use rusqlite::OptionalExtension;
    let code: Option<String> = tx
        .query_row(
            "SELECT json_extract(data, '$.currency') FROM company WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    match code {
        None => Ok(Currency::default()),
        Some(code) => Currency::from_code(&code).map_err(|error| StoreError::Corrupt {
            column: "company.data",
            value: code,
            reason: error.to_string(),
        }),
    }
}

/// Fills `collected_months` for books that had payments before the table
/// existed; the migration that creates it runs this in its transaction.
pub fn fill_collected(tx: &Transaction<'_>) -> Result<()> {
    let currency = company_currency(tx)?;
    let ids: Vec<DocumentId> = tx
        .prepare("SELECT DISTINCT document_id FROM payments")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        store_collected(tx, id, currency)?;
    }
    Ok(())
}

/// Compares the running sums (`board_sums`, `period_sums`, `month_sums`) and
/// the collected payments per month (`collected_months`) with a
/// recomputation from `document_balances` and the payments. Returns one message per difference.
pub fn check_sums(tx: &Transaction<'_>) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let board_difference: i64 = tx.query_row(
        "WITH expected AS (
             SELECT kind, status, COALESCE(due_date, '') AS due_date, COUNT(*) AS documents,
                    SUM(total_minor IS NULL) AS unconverted, COALESCE(SUM(net_minor), 0) AS net_minor,
                    COALESCE(SUM(total_minor), 0) AS total_minor, COALESCE(SUM(due_minor), 0) AS due_minor
             FROM document_balances GROUP BY 1, 2, 3),
         stored AS (
             SELECT kind, status, due_date, documents, unconverted, net_minor, total_minor, due_minor
             FROM board_sums)
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored))
              + (SELECT COUNT(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected))",
        [],
        |row| row.get(0),
    )?;
    if board_difference > 0 {
        problems.push(format!(
            "the status board's running sums differ from the balance index in {board_difference} rows: \
             restore a backup, or report the fault"
        ));
    }
    let period_difference: i64 = tx.query_row(
        "WITH expected AS (
             SELECT COALESCE(substr(issue_date, 1, 7), '') AS month, kind, status,
                    COALESCE(due_date, '') AS due_date, COUNT(*) AS documents,
                    SUM(total_minor IS NULL) AS unconverted, COALESCE(SUM(net_minor), 0) AS net_minor,
                    COALESCE(SUM(total_minor), 0) AS total_minor, COALESCE(SUM(due_minor), 0) AS due_minor
             FROM document_balances GROUP BY 1, 2, 3, 4),
         stored AS (
             SELECT month, kind, status, due_date, documents, unconverted, net_minor, total_minor, due_minor
             FROM period_sums)
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored))
              + (SELECT COUNT(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected))",
        [],
        |row| row.get(0),
    )?;
    if period_difference > 0 {
        problems.push(format!(
            "the status board's running sums per issue month differ from the balance index in \
             {period_difference} rows: restore a backup, or report the fault"
        ));
    }
    let month_difference: i64 = tx.query_row(
        "WITH invoiced AS (
             SELECT substr(issue_date, 1, 7) AS month,
                    SUM(CASE kind WHEN 'credit_note' THEN -total_minor ELSE total_minor END) AS minor
             FROM document_balances
             WHERE status <> 'draft' AND issue_date IS NOT NULL AND total_minor IS NOT NULL
             GROUP BY 1),
         collected AS (
             SELECT month, SUM(collected_minor) AS minor FROM collected_months
             WHERE collected_minor IS NOT NULL GROUP BY 1),
         expected AS (
             SELECT month, SUM(invoiced) AS invoiced, SUM(collected) AS collected FROM (
                 SELECT month, minor AS invoiced, 0 AS collected FROM invoiced
                 UNION ALL SELECT month, 0, minor FROM collected)
             GROUP BY 1),
         stored AS (SELECT month, invoiced_minor, collected_minor FROM month_sums)
         SELECT (SELECT COUNT(*) FROM (
                     SELECT * FROM expected WHERE invoiced <> 0 OR collected <> 0
                     EXCEPT SELECT * FROM stored))
              + (SELECT COUNT(*) FROM (
                     SELECT * FROM stored WHERE invoiced_minor <> 0 OR collected_minor <> 0
                     EXCEPT SELECT * FROM expected))",
        [],
        |row| row.get(0),
    )?;
    if month_difference > 0 {
        problems.push(format!(
            "the chart's monthly sums differ from the documents and payments in \
             {month_difference} months: restore a backup, or report the fault"
        ));
    }
    let collected_difference: i64 = tx.query_row(
        "WITH expected AS (
             SELECT COALESCE(substr(b.issue_date, 1, 7), '') AS issue_month, c.month AS month,
                    SUM(c.collected_minor) AS minor
             FROM collected_months c JOIN document_balances b ON b.document_id = c.document_id
             WHERE c.collected_minor IS NOT NULL
             GROUP BY 1, 2),
         stored AS (SELECT issue_month, month, collected_minor AS minor FROM collected_sums)
         SELECT (SELECT COUNT(*) FROM (
                     SELECT * FROM expected WHERE minor <> 0 EXCEPT SELECT * FROM stored))
              + (SELECT COUNT(*) FROM (
                     SELECT * FROM stored WHERE minor <> 0 EXCEPT SELECT * FROM expected))",
        [],
        |row| row.get(0),
    )?;
    if collected_difference > 0 {
        problems.push(format!(
            "the chart's payments per issue month differ from the payments in \
             {collected_difference} rows: restore a backup, or report the fault"
        ));
    }
    for (key, what, sums, months) in [
        ("buyer_name", "buyer name", "name_sums", "name_months"),
        ("number_head", "number head", "head_sums", "head_months"),
    ] {
        let difference = key_sums_difference(tx, key, sums)?;
        if difference > 0 {
            problems.push(format!(
                "the status board's running sums per {what} differ from the balance index in \
                 {difference} rows: restore a backup, or report the fault"
            ));
        }
        let difference = key_months_difference(tx, key, months)?;
        if difference > 0 {
            problems.push(format!(
                "the chart's sums per {what} differ from the documents and payments in \
                 {difference} rows: restore a backup, or report the fault"
            ));
        }
    }
    // The search reads buyer names from the balance rows and the list of
    // names, and numbers from their own index.
    let names_difference: i64 = tx.query_row(
        "SELECT (SELECT COUNT(*) FROM document_balances b JOIN documents d ON d.id = b.document_id
                 WHERE b.buyer_name <> COALESCE(json_extract(d.buyer, '$.name'), '')
                    OR b.number_head <> COALESCE(substr(d.number, 1, length(d.number) - 3), ''))
              + (SELECT COUNT(*) FROM documents
                 WHERE COALESCE(json_extract(buyer, '$.name'), '') NOT IN (SELECT name FROM buyer_names)
                    OR COALESCE(substr(number, 1, length(number) - 3), '') NOT IN (SELECT head FROM number_heads))",
        [],
        |row| row.get(0),
    )?;
    if names_difference > 0 {
        problems.push(format!(
            "the search's buyer names or number heads differ from the documents in \
             {names_difference} rows: \
             restore a backup, or report the fault"
        ));
    }
    let numbers_difference: i64 = tx.query_row(
        "WITH expected AS (SELECT id, number FROM documents WHERE number IS NOT NULL),
         stored AS (SELECT rowid AS id, number FROM number_search)
         SELECT (SELECT COUNT(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored))
              + (SELECT COUNT(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected))",
        [],
        |row| row.get(0),
    )?;
    if numbers_difference > 0 {
        problems.push(format!(
            "the search index of document numbers differs from the documents in \
             {numbers_difference} rows: restore a backup, or report the fault"
        ));
    }
    let currency = company_currency(tx)?;
    let ids: Vec<(DocumentId, Option<String>)> = tx
        .prepare(
            "SELECT id, number FROM documents
             WHERE id IN (SELECT document_id FROM payments UNION SELECT document_id FROM collected_months)
             ORDER BY id",
        )?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut statement = tx.prepare(
        "SELECT month, collected_minor FROM collected_months WHERE document_id = ?1 ORDER BY month",
    )?;
    for (id, number) in ids {
        let stored: Vec<(String, Option<i64>)> = statement
            .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if stored != collected_rows(tx, id, currency)? {
            let name = number.unwrap_or_else(|| format!("document {id}"));
            problems.push(format!(
                "{name}: the payments collected per month stored for the chart differ from its payments"
            ));
        }
    }
    Ok(problems)
}

/// Counts the rows in which `table` (`name_sums` or `head_sums`) differs
/// from the count and sums of `document_balances` per `key` column, kind,
/// status and due month.
fn key_sums_difference(tx: &Transaction<'_>, key: &str, table: &str) -> Result<i64> {
    Ok(tx.query_row(
        &format!(
            "WITH expected AS (
                 SELECT {key}, kind, status, COALESCE(substr(due_date, 1, 7), '') AS due_month,
                        COUNT(*) AS documents, SUM(total_minor IS NULL) AS unconverted,
                        COALESCE(SUM(net_minor), 0) AS net_minor, COALESCE(SUM(total_minor), 0) AS total_minor,
                        COALESCE(SUM(due_minor), 0) AS due_minor
                 FROM document_balances GROUP BY 1, 2, 3, 4),
             stored AS (
                 SELECT {key}, kind, status, due_month, documents, unconverted, net_minor, total_minor,
                        due_minor
                 FROM {table})
             SELECT (SELECT COUNT(*) FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored))
                  + (SELECT COUNT(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected))"
        ),
        [],
        |row| row.get(0),
    )?)
}

/// Counts the rows in which `table` (`name_months` or `head_months`)
/// differs from the invoiced and collected sums per `key` column and month.
fn key_months_difference(tx: &Transaction<'_>, key: &str, table: &str) -> Result<i64> {
    Ok(tx.query_row(
        &format!(
            "WITH expected AS (
                 SELECT {key}, month, SUM(invoiced) AS invoiced, SUM(collected) AS collected FROM (
                     SELECT {key}, substr(issue_date, 1, 7) AS month,
                            CASE kind WHEN 'credit_note' THEN -total_minor ELSE total_minor END AS invoiced,
                            0 AS collected
                     FROM document_balances
                     WHERE status <> 'draft' AND issue_date IS NOT NULL AND total_minor IS NOT NULL
                     UNION ALL
                     SELECT b.{key}, c.month, 0, c.collected_minor
                     FROM collected_months c JOIN document_balances b ON b.document_id = c.document_id
                     WHERE c.collected_minor IS NOT NULL)
                 GROUP BY 1, 2),
             stored AS (SELECT {key}, month, invoiced_minor, collected_minor FROM {table})
             SELECT (SELECT COUNT(*) FROM (
                         SELECT * FROM expected WHERE invoiced <> 0 OR collected <> 0
                         EXCEPT SELECT * FROM stored))
                  + (SELECT COUNT(*) FROM (
                         SELECT * FROM stored WHERE invoiced_minor <> 0 OR collected_minor <> 0
                         EXCEPT SELECT * FROM expected))"
        ),
        [],
        |row| row.get(0),
    )?)
}
