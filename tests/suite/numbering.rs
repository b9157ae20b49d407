//! Gapless numbering: numbers only at issue, in date order, never twice,
//! restarting each year when the series resets yearly.

use crate::common;

use std::sync::{Arc, Barrier};
use std::thread;

use common::{Fixture, cli_folder, fails, invoice_json, line, ok, write_file};
use facturier::books::Books;
use facturier::document::DocumentKind;
use facturier::input::parse_draft;
use facturier::numbering::Series;

fn simple(date: &str) -> String {
    invoice_json(date, &line("1", "10.00", "20"), "")
}

#[test]
fn drafts_never_hold_or_consume_numbers() {
    let mut fixture = Fixture::new();
    let d1 = fixture.draft(&simple("2026-01-05"));
    let d2 = fixture.draft(&simple("2026-01-05"));
    let d3 = fixture.draft(&simple("2026-01-06"));
    assert_eq!(
        fixture.books.issue(d2, None).expect("issue D2"),
        "F2026-00001"
    );
    fixture.books.discard_draft(d1).expect("discard D1");
    assert_eq!(
        fixture.books.issue(d3, None).expect("issue D3"),
        "F2026-00002"
    );
    let d4 = fixture.draft(&simple("2026-01-07"));
    fixture.books.discard_draft(d4).expect("discard D4");
    let d5 = fixture.draft(&simple("2026-01-07"));
    assert_eq!(
        fixture.books.issue(d5, None).expect("issue D5"),
        "F2026-00003"
    );

    let listed = fixture
        .books
        .list(&Default::default(), facturier::books::today())
        .expect("list");
    let mut numbers: Vec<String> = listed.into_iter().filter_map(|row| row.number).collect();
    numbers.sort();
    assert_eq!(numbers, ["F2026-00001", "F2026-00002", "F2026-00003"]);
}

#[test]
fn issued_invoices_cannot_be_discarded() {
    let mut fixture = Fixture::new();
    let number = fixture.issued(&simple("2026-01-05"));
    let id = fixture.books.find(&number).expect("find");
    let error = fixture
        .books
        .discard_draft(id)
        .expect_err("discard issued")
        .to_string();
    assert!(error.contains("final"), "{error}");
    assert!(error.contains("credit note"), "{error}");
}

#[test]
fn issue_dates_never_go_backwards_in_a_series() {
    let mut fixture = Fixture::new();
    fixture.issued(&simple("2026-03-10"));
    let late = fixture.draft(&simple("2026-03-09"));
    let error = fixture
        .books
        .issue(late, None)
        .expect_err("earlier date")
        .to_string();
    assert!(error.contains("2026-03-09"), "{error}");
    assert!(error.contains("F2026-00001"), "{error}");
    assert!(error.contains("2026-03-10 or later"), "{error}");
    // The rejected attempt consumed nothing.
    assert_eq!(
        fixture
            .books
            .issue(
                late,
                Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 10).expect("date"))
            )
            .expect("issue on the same day"),
        "F2026-00002"
    );
}

#[test]
fn yearly_reset_restarts_at_one() {
    let mut fixture = Fixture::new();
    let series = Series {
        id: 0,
        kind: DocumentKind::Invoice,
        code: "Y".to_string(),
        pattern: "{YY}{N:3}".to_string(),
        yearly_reset: true,
        is_default: true,
    };
    fixture
        .books
        .store()
        .write(|tx| facturier::numbering::save(tx, &series))
        .expect("series");
    let numbers: Vec<String> = ["2022-11-03", "2022-12-20", "2023-01-05", "2023-01-09"]
        .into_iter()
        .map(|date| fixture.issued(&simple(date)))
        .collect();
    assert_eq!(numbers, ["22001", "22002", "23001", "23002"]);
}

#[test]
fn continuous_series_keeps_counting_across_years() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    ok(
        &data,
        &[
            "series",
            "set",
            "--code",
            "INV",
            "--kind",
            "invoice",
            "--pattern",
            "INV-{N:4}",
            "--no-yearly-reset",
            "--default",
        ],
    );
    let first = common::cli_issue(folder.path(), "a.json", &simple("2025-12-30"));
    let second = common::cli_issue(folder.path(), "b.json", &simple("2026-01-02"));
    assert_eq!(first, "INV-0001");
    assert_eq!(second, "INV-0002");
}

#[test]
fn used_series_cannot_change_pattern() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    common::cli_issue(folder.path(), "a.json", &simple("2026-01-02"));
    let error = fails(
        &data,
        &[
            "series",
            "set",
            "--code",
            "F",
            "--kind",
            "invoice",
            "--pattern",
            "X{YYYY}-{N:3}",
            "--default",
        ],
    );
    assert!(error.contains("cannot change"), "{error}");
    let error = fails(
        &data,
        &[
            "series",
            "set",
            "--code",
            "Z",
            "--kind",
            "invoice",
            "--pattern",
            "Z-{N:3}",
            "--default",
        ],
    );
    assert!(error.contains("{YYYY}"), "{error}");
}

/// Two books on the same file issue at the same instant, 100 times.
#[test]
fn concurrent_issues_get_distinct_consecutive_numbers() {
    let fixture = Fixture::new();
    let data_dir = fixture.data_dir().to_path_buf();
    // Start the series at 41 so the first concurrent pair gets 42 and 43.
    let mut setup = Books::open(&data_dir).expect("open");
    let input = parse_draft(&simple("2026-01-02")).expect("json");
    for _ in 0..41 {
        let id = setup
            .create_draft(DocumentKind::Invoice, &input)
            .expect("draft");
        setup.issue(id, None).expect("issue");
    }
    let rounds = 100;
    let barrier = Arc::new(Barrier::new(2));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            let data_dir = data_dir.clone();
            let input = input.clone();
            thread::spawn(move || {
                let mut books = Books::open(&data_dir).expect("open");
                let mut numbers = Vec::new();
                for _ in 0..rounds {
                    let id = books
                        .create_draft(DocumentKind::Invoice, &input)
                        .expect("draft");
                    barrier.wait();
                    numbers.push(
                        books
                            .issue(id, None)
                            .expect("issue despite the other writer"),
                    );
                }
                numbers
            })
        })
        .collect();
    let mut numbers: Vec<String> = workers
        .into_iter()
        .flat_map(|worker| worker.join().expect("worker"))
        .collect();
    numbers.sort();
    let expected: Vec<String> = (42..42 + 2 * rounds)
        .map(|n| format!("F2026-{n:05}"))
        .collect();
    assert_eq!(numbers, expected);
    let report = facturier::verify::verify(&mut setup).expect("verify");
    assert!(
        report.is_clean(),
        "{:?}",
        report.problems().collect::<Vec<_>>()
    );
}

/// Two processes issue through the command line at the same time.
#[test]
fn concurrent_processes_never_share_a_number() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let path = write_file(folder.path(), "draft.json", &simple("2026-01-02"));
    let per_process = 15;
    let ids: Vec<Vec<String>> = (0..2)
        .map(|_| {
            (0..per_process)
                .map(|_| ok(&data, &["invoice", "create", "--json", &path]))
                .collect()
        })
        .collect();
    let children: Vec<_> = ids
        .into_iter()
        .map(|ids| {
            let data = data.clone();
            thread::spawn(move || {
                ids.iter()
                    .map(|id| ok(&data, &["invoice", "issue", id]))
                    .collect::<Vec<String>>()
            })
        })
        .collect();
    let mut numbers: Vec<String> = children
        .into_iter()
        .flat_map(|child| child.join().expect("child"))
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=2 * per_process)
        .map(|n| format!("F2026-{n:05}"))
        .collect();
    assert_eq!(numbers, expected);
    ok(&data, &["verify"]);
}

#[test]
fn quotes_and_orders_have_their_own_series() {
    let mut fixture = Fixture::new();
    let input = parse_draft(&simple("2026-02-01")).expect("json");
    let quote = fixture
        .books
        .create_draft(DocumentKind::Quote, &input)
        .expect("quote");
    assert_eq!(
        fixture.books.issue(quote, None).expect("send"),
        "D2026-00001"
    );
    let order = fixture
        .books
        .convert(quote, DocumentKind::Order)
        .expect("order");
    assert_eq!(
        fixture.books.issue(order, None).expect("confirm"),
        "C2026-00001"
    );
    let invoice = fixture
        .books
        .convert(order, DocumentKind::Invoice)
        .expect("invoice");
    assert_eq!(
        fixture
            .books
            .issue(
                invoice,
                Some(chrono::NaiveDate::from_ymd_opt(2026, 2, 3).expect("date"))
            )
            .expect("issue"),
        "F2026-00001"
    );
}

#[test]
fn discarded_drafts_leave_no_gap_on_the_command_line() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let path = write_file(folder.path(), "draft.json", &simple("2026-01-05"));
    let create = || ok(&data, &["invoice", "create", "--json", &path]);
    let (d1, d2, d3) = (create(), create(), create());
    assert_eq!(ok(&data, &["invoice", "issue", &d2]), "F2026-00001");
    ok(&data, &["invoice", "discard", &d1]);
    assert_eq!(ok(&data, &["invoice", "issue", &d3]), "F2026-00002");
    let d4 = create();
    ok(&data, &["invoice", "discard", &d4]);
    let d5 = create();
    assert_eq!(ok(&data, &["invoice", "issue", &d5]), "F2026-00003");

    let error = fails(&data, &["invoice", "discard", "F2026-00002"]);
    assert!(error.contains("credit note"), "{error}");
    let listed = common::json(&data, &["invoice", "list", "--json"]);
    let mut numbers: Vec<&str> = listed
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|row| row["number"].as_str())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, ["F2026-00001", "F2026-00002", "F2026-00003"]);
}

#[test]
fn yearly_reset_on_the_command_line() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    ok(
        &data,
        &[
            "series",
            "set",
            "--code",
            "Y",
            "--kind",
            "invoice",
            "--pattern",
            "{YY}{N:3}",
            "--default",
        ],
    );
    let numbers: Vec<String> = ["2022-11-03", "2022-12-20", "2023-01-05", "2023-01-09"]
        .iter()
        .enumerate()
        .map(|(index, date)| {
            common::cli_issue(folder.path(), &format!("y{index}.json"), &simple(date))
        })
        .collect();
    assert_eq!(numbers, ["22001", "22002", "23001", "23002"]);
    ok(&data, &["verify"]);
}
