//! The status board's fast figures (running sums, balance index, monthly
//! sums) against a slow recomputation from each document's view, after
//! seeded random sequences of drafts, issues, payments, payment changes and
//! deletions, and credit notes on a real SQLite file.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use facturier::books::{Board, BoardEntry, Books, today};
use facturier::document::{DocumentKind, InvoiceStatus};
use facturier::money::round_half_away;
use facturier::store::documents::ListFilter;
use rust_decimal::Decimal;

use crate::common::{self, Fixture, dec};

/// A small deterministic generator (SplitMix64), so that a failure can be
/// replayed from its seed.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a number in `0..bound`.
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len() as u64) as usize)
        }
    }
}

/// Buyers: name, SIREN, currency and exchange rate to EUR.
const BUYERS: [(&str, &str, &str, Option<&str>); 4] = [
    ("Atelier Lenoir SARL", "552100554", "EUR", None),
    ("Lenoir Frères", "542107651", "EUR", None),
    ("Boulangerie Martin", "443061841", "EUR", None),
    ("Harbor Tools Inc", "383474814", "USD", Some("0.9137")),
];

fn draft_json(random: &mut Random, buyer: usize) -> String {
    let (name, siren, currency, rate) = BUYERS[buyer];
    let rate = rate
        .map(|rate| format!(r#", "exchange_rate": "{rate}""#))
        .unwrap_or_default();
    let days = [0, 10, 30, 60][random.below(4) as usize];
    let lines: Vec<String> = (0..1 + random.below(3))
        .map(|_| {
            let quantity = 1 + random.below(5);
            let price = format!("{}.{:02}", 1 + random.below(900), random.below(100));
            let rate = ["20", "10", "5.5"][random.below(3) as usize];
            common::line(&quantity.to_string(), &price, rate)
        })
        .collect();
    format!(
        r#"{{"customer": {{"name": "{name}", "siren": "{siren}",
              "address": {{"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}}}},
            "currency": "{currency}"{rate}, "payment_terms": {{"type": "net", "days": {days}}},
            "lines": [{}]}}"#,
        lines.join(", ")
    )
}

/// Documents and payments of the random sequence, for choosing the next
/// operation.
#[derive(Default)]
struct Generated {
    drafts: Vec<i64>,
    issued: Vec<i64>,
    payments: Vec<i64>,
    /// Issue date of the last document issued: numbers follow dates.
    last_issue: Option<NaiveDate>,
    /// Operations the core accepted, per kind.
    accepted: BTreeMap<&'static str, usize>,
}

/// Runs `operations` random operations on `books`, with issue dates moving
/// forward from about 14 months before `today`.
fn run_operations(books: &mut Books, seed: u64, operations: usize, generated: &mut Generated) {
    let today = today();
    let mut random = Random(seed);
    let start = today - Days::new(430);
    for _ in 0..operations {
        let cursor = generated.last_issue.unwrap_or(start);
        let choice = random.below(100);
        let (name, outcome) = if choice < 25 || generated.drafts.is_empty() {
            let buyer = random.below(BUYERS.len() as u64) as usize;
            let json = draft_json(&mut random, buyer);
            let input = facturier::input::parse_draft(&json).expect("valid draft JSON");
            match books.create_draft(DocumentKind::Invoice, &input) {
                Ok(id) => {
                    generated.drafts.push(id);
                    ("draft", Ok(()))
                }
                Err(error) => ("draft", Err(error)),
            }
        } else if choice < 45 {
            let index = random.below(generated.drafts.len() as u64) as usize;
            let id = generated.drafts[index];
            let date = (cursor + Days::new(random.below(3))).min(today);
            match books.issue(id, Some(date)) {
                Ok(_) => {
                    generated.drafts.swap_remove(index);
                    generated.issued.push(id);
                    generated.last_issue = Some(date);
                    ("issue", Ok(()))
                }
                Err(error) => ("issue", Err(error)),
            }
        } else if choice < 70 {
            let Some(&id) = random.pick(&generated.issued) else {
                continue;
            };
            let view = books.view(id, today).expect("view");
            let issue = view.document.header.issue_date.unwrap_or(today);
            let span = (today - issue).num_days().max(0) as u64;
            let date = issue + Days::new(random.below(span + 1));
            // Mostly part of the balance, sometimes all of it.
            let amount = if random.below(3) == 0 {
                view.balance
            } else {
                round_half_away(
                    view.balance * Decimal::new(random.below(90) as i64 + 5, 2),
                    2,
                )
            };
            match books.record_payment(id, amount, date, "transfer", None) {
                Ok(payment) => {
                    generated.payments.push(payment);
                    ("pay", Ok(()))
                }
                Err(error) => ("pay", Err(error)),
            }
        } else if choice < 80 {
            let Some(&payment) = random.pick(&generated.payments) else {
                continue;
            };
            let amount = Decimal::new(100 + random.below(20_000) as i64, 2);
            let date = today - Days::new(random.below(200));
            (
                "change payment",
                books.change_payment(payment, amount, date, "card", Some("changed")),
            )
        } else if choice < 88 {
            let Some(&payment) = random.pick(&generated.payments) else {
                continue;
            };
            match books.delete_payment(payment) {
                Ok(()) => {
                    generated.payments.retain(|kept| *kept != payment);
                    ("delete payment", Ok(()))
                }
                Err(error) => ("delete payment", Err(error)),
            }
        } else {
            let Some(&id) = random.pick(&generated.issued) else {
                continue;
            };
            let date = (cursor + Days::new(random.below(2))).min(today);
            let partial = vec![(1, Decimal::ONE)];
            let selection = (random.below(2) == 0).then_some(&partial);
            match books.cancel(id, selection, Some(date)) {
                Ok(_) => {
                    generated.last_issue = Some(date);
                    ("credit note", Ok(()))
                }
                Err(error) => ("credit note", Err(error)),
            }
        };
        if outcome.is_ok() {
            *generated.accepted.entry(name).or_default() += 1;
        }
    }
}

/// One document with the figures the slow recomputation derives for it.
struct Slow {
    id: i64,
    kind: DocumentKind,
    issued: bool,
    status: InvoiceStatus,
    overdue: bool,
    customer_id: Option<i64>,
    buyer_name: String,
    number: Option<String>,
    issue_date: Option<NaiveDate>,
    net: Decimal,
    total: Decimal,
    due: Decimal,
    /// Payments per month "YYYY-MM", in the company currency.
    collected: BTreeMap<String, Decimal>,
}

/// Recomputes every invoice and credit note from its view: documents,
/// payments and credit notes, one by one.
fn slow_documents(books: &mut Books, today: NaiveDate) -> Vec<Slow> {
    let ids: Vec<i64> = books
        .list(&ListFilter::default(), today)
        .expect("list")
        .iter()
        .map(|row| row.id)
        .collect();
    let names: HashMap<i64, String> = books
        .list(&ListFilter::default(), today)
        .expect("list")
        .into_iter()
        .map(|row| (row.id, row.customer_name))
        .collect();
    let euro = |amount: Decimal| round_half_away(amount, 2);
    let mut slow = Vec::new();
    for id in ids {
        let view = books.view(id, today).expect("view");
        let header = &view.document.header;
        let rate = if header.currency.code() == "EUR" {
            Decimal::ONE
        } else {
            header
                .exchange_rate
                .expect("foreign documents carry a rate")
        };
        let (net, total) = match &view.company_totals {
            Some(company) if header.currency.code() != "EUR" => {
                (company.tax_exclusive_total, company.tax_inclusive_total)
            }
            _ => (
                view.totals.tax_exclusive_total,
                view.totals.tax_inclusive_total,
            ),
        };
        let due = if !view.document.issued || view.totals.tax_inclusive_total.is_zero() {
            Decimal::ZERO
        } else {
            euro(view.balance * total / view.totals.tax_inclusive_total)
        };
        let mut collected: BTreeMap<String, Decimal> = BTreeMap::new();
        for payment in &view.payments {
            let month = format!("{:04}-{:02}", payment.date.year(), payment.date.month());
            *collected.entry(month).or_default() += payment.amount;
        }
        for amount in collected.values_mut() {
            *amount = euro(*amount * rate);
        }
        slow.push(Slow {
            id,
            kind: header.kind,
            issued: view.document.issued,
            status: view.status,
            overdue: view.overdue,
            customer_id: header.customer_id,
            buyer_name: names.get(&id).cloned().unwrap_or_default(),
            number: view.document.number.clone(),
            issue_date: header.issue_date,
            net,
            total,
            due,
            collected,
        });
    }
    slow
}

fn matches(document: &Slow, filter: &ListFilter) -> bool {
    let search = filter.search.trim().to_lowercase();
    filter
        .customer_id
        .is_none_or(|customer| document.customer_id == Some(customer))
        && filter
            .from
            .is_none_or(|from| document.issue_date.is_some_and(|date| date >= from))
        && filter
            .to
            .is_none_or(|to| document.issue_date.is_some_and(|date| date <= to))
        && (search.is_empty()
            || document.buyer_name.to_lowercase().contains(&search)
            || (search.chars().count() >= 3
                && document
                    .number
                    .as_ref()
                    .is_some_and(|number| number.to_lowercase().contains(&search))))
}

/// Builds the board the way the core defines it, from the slow documents.
fn slow_board(documents: &[&Slow]) -> Board {
    let mut board = Board::default();
    for document in documents {
        if document.kind == DocumentKind::CreditNote {
            if document.issued {
                board.revenue -= document.net;
            }
            continue;
        }
        let entry: &mut BoardEntry = match document.status {
            InvoiceStatus::Draft => &mut board.draft,
            InvoiceStatus::Open => &mut board.open,
            InvoiceStatus::Partial => &mut board.partial,
            InvoiceStatus::Paid => &mut board.paid,
            InvoiceStatus::Cancelled => &mut board.cancelled,
        };
        entry.count += 1;
        entry.total += document.total;
        entry.due += document.due;
        if document.issued {
            board.revenue += document.net;
        }
        if matches!(
            document.status,
            InvoiceStatus::Open | InvoiceStatus::Partial
        ) {
            board.receivables += document.due;
            if document.overdue {
                board.overdue.count += 1;
                board.overdue.total += document.total;
                board.overdue.due += document.due;
            }
        }
    }
    board
}

/// Sums the chart per month from the slow documents: issued totals less
/// credit notes by issue month, payments by payment month.
fn slow_months(documents: &[&Slow]) -> BTreeMap<String, (Decimal, Decimal)> {
    let mut months: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    for document in documents {
        if let (true, Some(date)) = (document.issued, document.issue_date) {
            let month = format!("{:04}-{:02}", date.year(), date.month());
            let sign = if document.kind == DocumentKind::CreditNote {
                Decimal::NEGATIVE_ONE
            } else {
                Decimal::ONE
            };
            months.entry(month).or_default().0 += sign * document.total;
        }
        for (month, amount) in &document.collected {
            months.entry(month.clone()).or_default().1 += amount;
        }
    }
    months.retain(|_, (invoiced, collected)| !invoiced.is_zero() || !collected.is_zero());
    months
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("first of month")
}

/// Returns the 14th of the month of `date`, so that a period starting or
/// ending there covers only part of that month.
fn mid_month(date: NaiveDate) -> NaiveDate {
    date.with_day(14).expect("14th of month")
}

/// Lists the filters the board offers: none, a customer, a period, a search
/// by buyer name or by number, and a customer with a search.
fn filters(documents: &[Slow], today: NaiveDate) -> Vec<ListFilter> {
    let customer = documents.iter().find_map(|document| document.customer_id);
    let number = documents
        .iter()
        .rev()
        .find_map(|document| document.number.clone())
        .unwrap_or_default();
    let issue_dates = documents.iter().filter_map(|document| document.issue_date);
    let first = issue_dates.clone().min().unwrap_or(today);
    let last = issue_dates.max().unwrap_or(today);
    vec![
        ListFilter::default(),
        ListFilter {
            customer_id: customer,
            ..ListFilter::default()
        },
        ListFilter {
            from: Some(today - Days::new(150)),
            to: Some(today - Days::new(20)),
            ..ListFilter::default()
        },
        // Whole months, a partial start with whole months after it, whole
        // months before a partial end, both ends mid-month, one part of a
        // month, open ends, and an empty reversed period.
        ListFilter {
            from: Some(first_of_month(first)),
            to: Some(first_of_month(first + Days::new(40)) - Days::new(1)),
            ..ListFilter::default()
        },
        ListFilter {
            from: Some(mid_month(first + Days::new(20))),
            to: Some(first_of_month(last) - Days::new(1)),
            ..ListFilter::default()
        },
        ListFilter {
            from: Some(first_of_month(first)),
            to: Some(mid_month(last)),
            ..ListFilter::default()
        },
        ListFilter {
            from: Some(mid_month(first)),
            to: Some(mid_month(last) + Days::new(3)),
            ..ListFilter::default()
        },
        ListFilter {
            from: Some(mid_month(first + Days::new(30))),
            to: Some(mid_month(first + Days::new(30)) + Days::new(9)),
            ..ListFilter::default()
        },
        ListFilter {
            from: Some(mid_month(first + Days::new(30))),
            ..ListFilter::default()
        },
        ListFilter {
            to: Some(mid_month(first + Days::new(30))),
            ..ListFilter::default()
        },
        ListFilter {
            from: Some(mid_month(last)),
            to: Some(mid_month(first)),
            ..ListFilter::default()
        },
        ListFilter {
            search: "lenoir".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: number.clone(),
            ..ListFilter::default()
        },
        ListFilter {
            customer_id: customer,
            search: "SARL".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "in".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "lenoir \"x".to_string(),
            ..ListFilter::default()
        },
        // Most names contain "e" or "a", so these read every document less
        // those of the other names. Numbers match from three characters on.
        ListFilter {
            search: "e".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "A".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "r".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "f".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "1".to_string(),
            ..ListFilter::default()
        },
        // Number parts that no name contains: the start of the numbers, the
        // end of one number (across its head and tail), its last three
        // characters, and the middle of its counter.
        ListFilter {
            search: number.chars().take(3).collect(),
            ..ListFilter::default()
        },
        ListFilter {
            search: number
                .chars()
                .skip(number.chars().count().saturating_sub(5))
                .collect(),
            ..ListFilter::default()
        },
        ListFilter {
            search: number
                .chars()
                .skip(number.chars().count().saturating_sub(4))
                .collect(),
            ..ListFilter::default()
        },
        ListFilter {
            search: number
                .chars()
                .skip(number.chars().count().saturating_sub(3))
                .collect(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "-000".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "-00".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "001".to_string(),
            ..ListFilter::default()
        },
        ListFilter {
            search: "01".to_string(),
            ..ListFilter::default()
        },
        // The numbers of this year, and a number part with a period.
        ListFilter {
            search: format!("{}", today.format("%Y")),
            ..ListFilter::default()
        },
        ListFilter {
            search: "-00".to_string(),
            from: Some(mid_month(first + Days::new(30))),
            ..ListFilter::default()
        },
        ListFilter {
            search: "e".to_string(),
            from: Some(mid_month(first + Days::new(30))),
            to: Some(mid_month(last)),
            ..ListFilter::default()
        },
        ListFilter {
            search: "A".to_string(),
            from: Some(first_of_month(first)),
            to: Some(first_of_month(last) - Days::new(1)),
            ..ListFilter::default()
        },
        ListFilter {
            search: "lenoir".to_string(),
            from: Some(today - Days::new(150)),
            to: Some(today - Days::new(20)),
            ..ListFilter::default()
        },
        ListFilter {
            customer_id: customer,
            search: "e".to_string(),
            ..ListFilter::default()
        },
    ]
}

/// Checks every fast figure against the slow recomputation.
fn check_figures(books: &mut Books, context: &str) {
    let today = today();
    let documents = slow_documents(books, today);
    let long_ago = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    let mut selected_by_periods = 0;
    for filter in filters(&documents, today) {
        let selected: Vec<&Slow> = documents
            .iter()
            .filter(|document| matches(document, &filter))
            .collect();
        if filter.from.is_some() || filter.to.is_some() {
            selected_by_periods += selected.len();
        }
        let expected = slow_board(&selected);
        let board = books.board(&filter, today).expect("board");
        let label = format!("{context}, filter {filter:?}");
        assert_eq!(board.draft, expected.draft, "draft, {label}");
        assert_eq!(board.open, expected.open, "open, {label}");
        assert_eq!(board.partial, expected.partial, "partial, {label}");
        assert_eq!(board.paid, expected.paid, "paid, {label}");
        assert_eq!(board.cancelled, expected.cancelled, "cancelled, {label}");
        assert_eq!(board.overdue, expected.overdue, "overdue, {label}");
        assert_eq!(board.revenue, expected.revenue, "revenue, {label}");
        assert_eq!(
            board.receivables, expected.receivables,
            "receivables, {label}"
        );
        assert_eq!(board.unconverted, 0, "unconverted, {label}");

        let page = books
            .board_page(&filter, today, 0, 20, long_ago)
            .expect("board page");
        assert_eq!(page.board, board, "board of the page, {label}");
        assert_eq!(page.matching, selected.len(), "matching, {label}");
        let mut order: Vec<&Slow> = selected.clone();
        order.sort_by_key(|document| {
            (
                std::cmp::Reverse(!document.issued),
                std::cmp::Reverse(document.issue_date),
                std::cmp::Reverse(document.id),
            )
        });
        let expected_rows: Vec<i64> = order.iter().take(20).map(|document| document.id).collect();
        let rows: Vec<i64> = page.rows.iter().map(|row| row.id).collect();
        assert_eq!(rows, expected_rows, "first page, {label}");

        let months: BTreeMap<String, (Decimal, Decimal)> = page
            .months
            .iter()
            .filter(|month| !month.invoiced.is_zero() || !month.collected.is_zero())
            .map(|month| (month.month.clone(), (month.invoiced, month.collected)))
            .collect();
        assert_eq!(months, slow_months(&selected), "months, {label}");
    }
    if documents.iter().any(|document| document.issued) {
        assert!(
            selected_by_periods > 0,
            "no period selected a document, {context}"
        );
    }
}

fn assert_verified(books: &mut Books) {
    let report = facturier::verify::verify(books).expect("verify");
    assert!(report.documents.is_empty(), "{:?}", report.documents);
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn board_figures_match_recomputation() {
    let mut fixture = Fixture::new();
    let mut generated = Generated::default();
    for round in 0..4 {
        run_operations(&mut fixture.books, 7 + round, 80, &mut generated);
        check_figures(&mut fixture.books, &format!("round {round}"));
    }
    assert_verified(&mut fixture.books);
    for kind in ["draft", "issue", "pay", "change payment", "delete payment"] {
        let accepted = generated.accepted.get(kind).copied().unwrap_or(0);
        assert!(
            accepted >= 5,
            "only {accepted} {kind} accepted: {:?}",
            generated.accepted
        );
    }
    let credit_notes = generated.accepted.get("credit note").copied().unwrap_or(0);
    assert!(
        credit_notes >= 3,
        "only {credit_notes} credit notes: {:?}",
        generated.accepted
    );
}

#[test]
fn board_figures_second_seed() {
    let mut fixture = Fixture::new();
    let mut generated = Generated::default();
    run_operations(&mut fixture.books, 4242, 300, &mut generated);
    check_figures(&mut fixture.books, "seed 4242");
    assert_verified(&mut fixture.books);
}

#[test]
fn verify_reports_tampered_sums() {
    let mut fixture = Fixture::new();
    let mut generated = Generated::default();
    run_operations(&mut fixture.books, 99, 60, &mut generated);
    assert_verified(&mut fixture.books);
    // Each change is undone by the statement after it.
    let tamperings = [
        (
            "UPDATE board_sums SET total_minor = total_minor + 1
             WHERE (kind, status, due_date) = (SELECT kind, status, due_date FROM board_sums LIMIT 1)",
            "UPDATE board_sums SET total_minor = total_minor - 1
             WHERE (kind, status, due_date) = (SELECT kind, status, due_date FROM board_sums LIMIT 1)",
        ),
        (
            "UPDATE month_sums SET collected_minor = collected_minor + 1
             WHERE month = (SELECT MAX(month) FROM month_sums)",
            "UPDATE month_sums SET collected_minor = collected_minor - 1
             WHERE month = (SELECT MAX(month) FROM month_sums)",
        ),
        (
            "UPDATE period_sums SET due_minor = due_minor + 1
             WHERE (month, kind, status, due_date) =
                   (SELECT month, kind, status, due_date FROM period_sums WHERE month <> '' LIMIT 1)",
            "UPDATE period_sums SET due_minor = due_minor - 1
             WHERE (month, kind, status, due_date) =
                   (SELECT month, kind, status, due_date FROM period_sums WHERE month <> '' LIMIT 1)",
        ),
        (
            "UPDATE collected_sums SET collected_minor = collected_minor + 1
             WHERE (issue_month, month) = (SELECT issue_month, month FROM collected_sums LIMIT 1)",
            "UPDATE collected_sums SET collected_minor = collected_minor - 1
             WHERE (issue_month, month) = (SELECT issue_month, month FROM collected_sums LIMIT 1)",
        ),
        (
            "UPDATE document_balances SET buyer_name = buyer_name || 'x'
             WHERE document_id = (SELECT MIN(document_id) FROM document_balances)",
            "UPDATE document_balances SET buyer_name = substr(buyer_name, 1, length(buyer_name) - 1)
             WHERE document_id = (SELECT MIN(document_id) FROM document_balances)",
        ),
        (
            "UPDATE name_sums SET due_minor = due_minor + 1
             WHERE (buyer_name, kind, status, due_month) =
                   (SELECT buyer_name, kind, status, due_month FROM name_sums LIMIT 1)",
            "UPDATE name_sums SET due_minor = due_minor - 1
             WHERE (buyer_name, kind, status, due_month) =
                   (SELECT buyer_name, kind, status, due_month FROM name_sums LIMIT 1)",
        ),
        (
            "UPDATE head_sums SET total_minor = total_minor + 1
             WHERE (number_head, kind, status, due_month) =
                   (SELECT number_head, kind, status, due_month FROM head_sums LIMIT 1)",
            "UPDATE head_sums SET total_minor = total_minor - 1
             WHERE (number_head, kind, status, due_month) =
                   (SELECT number_head, kind, status, due_month FROM head_sums LIMIT 1)",
        ),
        (
            "UPDATE head_months SET collected_minor = collected_minor + 1
             WHERE (number_head, month) = (SELECT number_head, month FROM head_months LIMIT 1)",
            "UPDATE head_months SET collected_minor = collected_minor - 1
             WHERE (number_head, month) = (SELECT number_head, month FROM head_months LIMIT 1)",
        ),
        (
            "DELETE FROM number_heads WHERE head = (SELECT MAX(head) FROM number_heads)",
            "INSERT INTO number_heads (head)
             SELECT MAX(substr(number, 1, length(number) - 3)) FROM documents",
        ),
        (
            "UPDATE name_months SET invoiced_minor = invoiced_minor + 1
             WHERE (buyer_name, month) = (SELECT buyer_name, month FROM name_months LIMIT 1)",
            "UPDATE name_months SET invoiced_minor = invoiced_minor - 1
             WHERE (buyer_name, month) = (SELECT buyer_name, month FROM name_months LIMIT 1)",
        ),
        (
            "DELETE FROM number_search
             WHERE rowid = (SELECT MIN(id) FROM documents WHERE number IS NOT NULL)",
            "INSERT INTO number_search (rowid, number)
             SELECT id, number FROM documents
             WHERE id = (SELECT MIN(id) FROM documents WHERE number IS NOT NULL)",
        ),
        (
            "UPDATE collected_months SET collected_minor = collected_minor + 1
             WHERE (document_id, month) = (SELECT document_id, month FROM collected_months LIMIT 1)",
            "UPDATE collected_months SET collected_minor = collected_minor - 1
             WHERE (document_id, month) = (SELECT document_id, month FROM collected_months LIMIT 1)",
        ),
    ];
    for (tampering, undo) in tamperings {
        let changed = fixture
            .books
            .store()
            .connection()
            .execute(tampering, [])
            .expect("tamper");
        assert_eq!(changed, 1, "{tampering}");
        let report = facturier::verify::verify(&mut fixture.books).expect("verify");
        fixture
            .books
            .store()
            .connection()
            .execute(undo, [])
            .expect("undo");
        assert!(!report.is_clean(), "{tampering} went unnoticed");
    }
    assert_verified(&mut fixture.books);
}

#[test]
fn migration_fills_running_sums() {
    let mut fixture = Fixture::new();
    let mut generated = Generated::default();
    run_operations(&mut fixture.books, 31, 150, &mut generated);
    let today = today();
    let long_ago = NaiveDate::from_ymd_opt(2000, 1, 1).expect("date");
    let before = fixture
        .books
        .board_page(&ListFilter::default(), today, 0, 50, long_ago)
        .expect("board page");
    assert!(!before.months.is_empty());
    assert!(before.board.paid.count + before.board.partial.count > 0);

    // Turn the file back into books of schema 3, as an earlier version left
    // them (with the search index of both numbers and names), then open them
    // again to migrate.
    fixture
        .books
        .store()
        .connection()
        .execute_batch(
            "BEGIN;
             DROP TRIGGER head_months_collected_insert;
             DROP TRIGGER head_months_collected_update;
             DROP TRIGGER head_months_collected_delete;
             DROP TRIGGER head_months_insert;
             DROP TRIGGER head_months_update;
             DROP TRIGGER head_months_delete;
             DROP TABLE head_months;
             DROP TRIGGER head_sums_insert;
             DROP TRIGGER head_sums_update;
             DROP TRIGGER head_sums_delete;
             DROP TABLE head_sums;
             DROP TRIGGER number_heads_insert;
             DROP TRIGGER number_heads_update;
             DROP TABLE number_heads;
             DROP INDEX documents_number_head;
             DROP INDEX documents_number_tail;
             DROP INDEX document_balances_head;
             ALTER TABLE document_balances DROP COLUMN number_head;
             DROP TRIGGER name_months_collected_insert;
             DROP TRIGGER name_months_collected_update;
             DROP TRIGGER name_months_collected_delete;
             DROP TRIGGER collected_sums_insert;
             DROP TRIGGER collected_sums_update;
             DROP TRIGGER collected_sums_delete;
             DROP TRIGGER name_sums_insert;
             DROP TRIGGER name_sums_update;
             DROP TRIGGER name_sums_delete;
             DROP TABLE name_sums;
             DROP TRIGGER name_months_insert;
             DROP TRIGGER name_months_update;
             DROP TRIGGER name_months_delete;
             DROP TABLE name_months;
             DROP TRIGGER buyer_names_insert;
             DROP TRIGGER buyer_names_update;
             DROP TABLE buyer_names;
             DROP INDEX documents_buyer_name;
             DROP INDEX document_balances_name;
             ALTER TABLE document_balances DROP COLUMN buyer_name;
             DROP TRIGGER number_search_insert;
             DROP TRIGGER number_search_update;
             DROP TRIGGER number_search_delete;
             DROP TABLE number_search;
             DROP TABLE collected_sums;
             CREATE VIRTUAL TABLE document_search USING fts5 (number, customer, tokenize = 'trigram');
             INSERT INTO document_search (rowid, number, customer)
             SELECT id, COALESCE(number, ''), COALESCE(json_extract(buyer, '$.name'), '') FROM documents;
             CREATE TRIGGER document_search_insert AFTER INSERT ON documents
             BEGIN
                 INSERT INTO document_search (rowid, number, customer)
                 VALUES (NEW.id, COALESCE(NEW.number, ''), COALESCE(json_extract(NEW.buyer, '$.name'), ''));
             END;
             CREATE TRIGGER document_search_update AFTER UPDATE OF number, buyer ON documents
             BEGIN
                 DELETE FROM document_search WHERE rowid = OLD.id;
                 INSERT INTO document_search (rowid, number, customer)
                 VALUES (NEW.id, COALESCE(NEW.number, ''), COALESCE(json_extract(NEW.buyer, '$.name'), ''));
             END;
             CREATE TRIGGER document_search_delete AFTER DELETE ON documents
             BEGIN
                 DELETE FROM document_search WHERE rowid = OLD.id;
             END;
             DROP TABLE imported_documents;
             DROP TRIGGER period_sums_insert;
             DROP TRIGGER period_sums_update;
             DROP TRIGGER period_sums_delete;
             DROP TABLE period_sums;
             DROP TRIGGER board_sums_insert;
             DROP TRIGGER board_sums_update;
             DROP TRIGGER board_sums_delete;
             DROP TABLE board_sums;
             DROP TABLE month_sums;
             DROP TABLE collected_months;
             DROP INDEX document_balances_customer;
             DROP INDEX document_balances_issue;
             DROP INDEX documents_list_order;
             DROP INDEX documents_issue_date;
             CREATE INDEX document_balances_board
                 ON document_balances (kind, status, due_date, total_minor, due_minor, net_minor);
             PRAGMA user_version = 3;
             COMMIT;",
        )
        .expect("schema 3");
    let dir = fixture.dir;
    drop(fixture.books);
    let mut books = Books::open(dir.path()).expect("migrated books");
    assert_eq!(
        books.store().schema_version().expect("version"),
        facturier::store::known_schema_version()
    );
    let after = books
        .board_page(&ListFilter::default(), today, 0, 50, long_ago)
        .expect("board page");
    assert_eq!(after.board, before.board);
    let nonzero = |page: &facturier::books::BoardData| {
        page.months
            .iter()
            .filter(|month| !month.invoiced.is_zero() || !month.collected.is_zero())
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(nonzero(&after), nonzero(&before));
    check_figures(&mut books, "after migration");
    assert_verified(&mut books);
}

#[test]
fn board_totals_without_documents() {
    let mut fixture = Fixture::new();
    let board = fixture
        .books
        .board(&ListFilter::default(), today())
        .expect("board");
    assert_eq!(board.open.count, 0);
    assert_eq!(board.revenue, dec("0"));
    let page = fixture
        .books
        .board_page(&ListFilter::default(), today(), 3, 50, today())
        .expect("board page");
    assert_eq!(page.page, 0);
    assert!(page.rows.is_empty());
    assert!(page.months.is_empty());
}
