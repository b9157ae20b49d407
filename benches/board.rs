//! Board figures and one search keystroke on books of 100,000 issued
//! invoices (plus payments on a third of them), as the desktop app requests
//! them. Run with `cargo bench --bench board`; it prints the median and the
//! slowest of the timed runs.
//!
//! The books are filled with plain SQL copies of one draft made by the core,
//! then issued in bulk with synthetic numbers, with the balance index the
//! core keeps: the board reads that index and the list reads the documents
//! and payments tables, so lines and journal are not needed for these
//! figures.

use std::time::{Duration, Instant};

use chrono::Datelike;

use facturier::books::{Books, today};
use facturier::document::{Company, DocumentKind};
use facturier::store::documents::ListFilter;
use facturier::ui::database::{self, Request};

const INVOICES: i64 = 100_000;
const CUSTOMERS: i64 = 500;
const RUNS: usize = 15;

fn fill(books: &mut Books) {
    let company: Company = serde_json::from_value(serde_json::json!({
        "name": "Bench SAS", "siren": "732829320", "vat_id": "FR44732829320",
        "address": {"line1": "1 rue", "postcode": "69002", "city": "Lyon", "country": "FR"}
    }))
    .expect("company JSON");
    books.set_company(&company).expect("company saved");
    let input = serde_json::from_value(serde_json::json!({
        "customer": {"name": "Client 0", "address": {"line1": "1 rue", "city": "Lyon", "country": "FR"}},
        "lines": [{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
                   "vat": {"category": "S", "rate": "20"}}]
    }))
    .expect("draft JSON");
    let template = books
        .create_draft(DocumentKind::Invoice, &input)
        .expect("template draft");
    let today = today();
    books
        .store()
        .write(|tx| {
            tx.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
                 INSERT INTO documents (kind, state, customer_id, buyer, currency, price_locked, payment_terms,
                     line_net_total, allowance_total, charge_total, tax_exclusive_total, tax_total, tax_inclusive_total,
                     created_at, updated_at)
                 SELECT kind, 'draft', customer_id, json_set(buyer, '$.name', 'Client ' || (i % ?3)), currency,
                     price_locked, payment_terms, line_net_total, allowance_total, charge_total,
                     tax_exclusive_total, tax_total, tax_inclusive_total, created_at, updated_at
                 FROM documents, n WHERE documents.id = ?1",
                rusqlite::params![template, INVOICES, CUSTOMERS],
            )?;
            tx.execute(
                "UPDATE documents SET state = 'issued', number = 'B' || printf('%07d', id),
                     issue_date = date(?2, '-' || (id % 730) || ' days'),
                     due_date = date(?2, '-' || (id % 730) || ' days', '+30 days'),
                     company_tax_exclusive_total = tax_exclusive_total, company_tax_total = tax_total,
                     company_tax_inclusive_total = tax_inclusive_total, issued_at = created_at,
                     content_sha256 = printf('%064d', id), seq = id, year = 2000
                 WHERE id <> ?1",
                rusqlite::params![template, today.to_string()],
            )?;
            tx.execute(
                "INSERT INTO payments (document_id, date, amount, method, created_at, updated_at)
                 SELECT id, issue_date, CASE WHEN id % 2 = 0 THEN tax_inclusive_total ELSE '50.00' END,
                     'transfer', created_at, created_at
                 FROM documents WHERE state = 'issued' AND id % 3 = 0",
                [],
            )?;
            // The balance index, as the core's operations keep it: amounts in
            // cents (every amount here has two decimals, so dropping the dot
            // gives the cents exactly).
            tx.execute(
                "INSERT OR REPLACE INTO document_balances (document_id, kind, status, customer_id, issue_date,
                     due_date, net_minor, total_minor, due_minor, buyer_name)
                 SELECT d.id, 'invoice',
                     CASE WHEN p.paid IS NULL THEN 'open'
                          WHEN p.paid >= CAST(replace(d.tax_inclusive_total, '.', '') AS INTEGER) THEN 'paid'
                          ELSE 'partial' END,
                     d.customer_id, d.issue_date, d.due_date,
                     CAST(replace(d.tax_exclusive_total, '.', '') AS INTEGER),
                     CAST(replace(d.tax_inclusive_total, '.', '') AS INTEGER),
                     CAST(replace(d.tax_inclusive_total, '.', '') AS INTEGER) - COALESCE(p.paid, 0),
                     json_extract(d.buyer, '$.name')
                 FROM documents d
                 LEFT JOIN (SELECT document_id, SUM(CAST(replace(amount, '.', '') AS INTEGER)) AS paid
                            FROM payments GROUP BY document_id) p ON p.document_id = d.id
                 WHERE d.state = 'issued'",
                [],
            )?;
            // The payments per month that the chart reads, in cents as above.
            tx.execute(
                "INSERT INTO collected_months (document_id, month, collected_minor)
                 SELECT document_id, substr(date, 1, 7), SUM(CAST(replace(amount, '.', '') AS INTEGER))
                 FROM payments GROUP BY 1, 2",
                [],
            )?;
            Ok(())
        })
        .expect("bulk fill");
}

/// Runs `work` RUNS times after one warm-up run; returns median and maximum.
fn measure(mut work: impl FnMut()) -> (Duration, Duration) {
    work();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[RUNS / 2], times[RUNS - 1])
}

fn report(name: &str, (median, max): (Duration, Duration)) {
    println!(
        "{name:<44} median {:>8.1} ms   max {:>8.1} ms",
        median.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0
    );
}

fn main() {
    // BOARD_BENCH_DIR keeps the books in that (new) folder, to inspect query
    // plans with the sqlite3 shell afterwards.
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = std::env::var_os("BOARD_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().to_path_buf());
    let mut books = Books::open(&path).expect("books");
    let start = Instant::now();
    fill(&mut books);
    println!(
        "filled {INVOICES} issued invoices in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let today = today();
    let board = books.board(&ListFilter::default(), today).expect("board");
    println!(
        "board: open {} partial {} paid {}",
        board.open.count, board.partial.count, board.paid.count
    );

    report(
        "Books::board, no filter",
        measure(|| {
            books.board(&ListFilter::default(), today).expect("board");
        }),
    );
    let search = ListFilter {
        search: "Client 42".to_string(),
        ..ListFilter::default()
    };
    report(
        "Books::list, search \"Client 42\"",
        measure(|| {
            books.list(&search, today).expect("list");
        }),
    );
    report(
        "Books::board, search \"Client 42\"",
        measure(|| {
            books.board(&search, today).expect("board");
        }),
    );
    let load = |books: &mut Books, filter: &ListFilter| {
        let request = Request::LoadBoard {
            filter: filter.clone(),
            page: 0,
        };
        match database::execute(books, request) {
            database::Reply::Board(Ok(_)) => {}
            other => panic!("board failed: {other:?}"),
        }
    };
    report(
        "search keystroke (board + page + chart)",
        measure(|| load(&mut books, &search)),
    );
    report(
        "LoadBoard, no filter",
        measure(|| load(&mut books, &ListFilter::default())),
    );
    // The heaviest period of the board's picker: half of these books.
    let year = ListFilter {
        from: today.checked_sub_months(chrono::Months::new(12)),
        to: Some(today),
        ..ListFilter::default()
    };
    report(
        "LoadBoard, last 12 months",
        measure(|| load(&mut books, &year)),
    );
    report(
        "Books::board, last 12 months",
        measure(|| {
            books.board(&year, today).expect("board");
        }),
    );
    // Whole months only: no document is read, only `period_sums`.
    let first_of_month = today.with_day(1).expect("first of month");
    let whole_months = ListFilter {
        from: first_of_month.checked_sub_months(chrono::Months::new(12)),
        to: first_of_month.pred_opt(),
        ..ListFilter::default()
    };
    report(
        "Books::board, 12 whole months",
        measure(|| {
            books.board(&whole_months, today).expect("board");
        }),
    );
    // Every keystroke of typing a buyer name and a number: each one reloads
    // the board, as the app does.
    for typed in ["Client 42", "B0004242"] {
        for length in 1..=typed.len() {
            let filter = ListFilter {
                search: typed[..length].to_string(),
                ..ListFilter::default()
            };
            report(
                &format!("keystroke \"{}\"", &typed[..length]),
                measure(|| load(&mut books, &filter)),
            );
        }
    }
    // One digit is in 35 % of these names ("1": 176 of 500), the largest
    // share a search binds by name before it binds the other names.
    for typed in ["1", "Client 1"] {
        let filter = ListFilter {
            search: typed.to_string(),
            ..ListFilter::default()
        };
        report(
            &format!("keystroke \"{typed}\""),
            measure(|| load(&mut books, &filter)),
        );
    }
    let year_search = ListFilter {
        search: "Client 42".to_string(),
        ..year.clone()
    };
    report(
        "LoadBoard, last 12 months, \"Client 42\"",
        measure(|| load(&mut books, &year_search)),
    );
}
