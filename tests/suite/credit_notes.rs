//! Credit notes, frozen invoices and the figures that must leave cancelled
//! invoices out.

use crate::common;

use chrono::NaiveDate;
use common::{
    Fixture, cli_folder, cli_issue, dec, fails, invoice_json, json, line, ok, write_file,
};
use facturier::books::today;
use facturier::document::InvoiceStatus;
use facturier::store::documents::ListFilter;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn brightwater(amount: &str, issue: &str) -> String {
    format!(
        r#"{{"customer": {{"name": "Brightwater Supplies Ltd", "vat_id": "IE6388047V",
              "address": {{"line1": "2 Dock Road", "postcode": "D02", "city": "Dublin", "country": "IE"}}}},
            "currency": "EUR", "issue_date": "{issue}", "payment_terms": {{"type": "net", "days": 10}},
            "lines": [{{"description": "Supplies", "quantity": "1", "unit_price": "{amount}",
                        "vat": {{"category": "K", "rate": "0"}}}}]}}"#
    )
}

#[test]
fn cancelled_invoices_leave_revenue_receivables_and_overdue() {
    let mut fixture = Fixture::new();
    let invoice_a = fixture.issued(&brightwater("100.00", "2026-01-05"));
    let invoice_b = fixture.issued(&brightwater("50.00", "2026-01-06"));
    let id_b = fixture.books.find(&invoice_b).expect("b");
    fixture
        .books
        .cancel(id_b, None, Some(date("2026-01-07")))
        .expect("cancel B");

    let after_due = date("2026-03-01");
    let board = fixture
        .books
        .board(&ListFilter::default(), after_due)
        .expect("board");
    assert_eq!(board.revenue, dec("100.00"));
    assert_eq!(board.receivables, dec("100.00"));
    assert_eq!(board.overdue.count, 1);
    assert_eq!(board.overdue.due, dec("100.00"));
    assert_eq!(board.cancelled.count, 1);
    assert_eq!(board.open.count, 1);

    let listed = fixture
        .books
        .list(&ListFilter::default(), after_due)
        .expect("list");
    let overdue: Vec<_> = listed
        .iter()
        .filter(|row| row.overdue)
        .filter_map(|row| row.number.clone())
        .collect();
    assert_eq!(overdue, [invoice_a]);
}

#[test]
fn full_cancellation_issues_a_credit_note_in_its_own_series() {
    let mut fixture = Fixture::new();
    let number = fixture.issued(&invoice_json("2026-01-05", &line("1", "100.00", "19"), ""));
    let id = fixture.books.find(&number).expect("find");
    let before = fixture.books.view(id, today()).expect("view");

    let credit_number = fixture
        .books
        .cancel(id, None, Some(date("2026-01-08")))
        .expect("cancel");
    assert_eq!(credit_number, "A2026-00001");
    let credit_id = fixture.books.find(&credit_number).expect("credit note");
    let credit = fixture.books.view(credit_id, today()).expect("view");
    assert_eq!(credit.document.header.kind.type_code(), Some(381));
    assert_eq!(credit.totals.tax_exclusive_total, dec("100.00"));
    assert_eq!(credit.totals.tax_total, dec("19.00"));
    assert_eq!(credit.totals.tax_inclusive_total, dec("119.00"));
    assert_eq!(credit.corrects, Some((number.clone(), date("2026-01-05"))));

    let after = fixture.books.view(id, today()).expect("view");
    assert_eq!(after.status, InvoiceStatus::Cancelled);
    assert_eq!(after.balance, dec("0.00"));
    assert_eq!(after.credit_notes, [credit_number]);
    assert_eq!(
        after.document.content, before.document.content,
        "the invoice stays unchanged"
    );
    assert_eq!(
        after.document.content_sha256,
        before.document.content_sha256
    );

    let error = fixture
        .books
        .cancel(id, None, Some(date("2026-01-09")))
        .expect_err("twice")
        .to_string();
    assert!(error.contains("already cancelled"), "{error}");
}

#[test]
fn partial_credit_note_reduces_what_is_due() {
    let mut fixture = Fixture::new();
    let lines = [line("2", "50.00", "20"), line("1", "30.00", "20")].join(",");
    let number = fixture.issued(&invoice_json("2026-01-05", &lines, ""));
    let id = fixture.books.find(&number).expect("find");
    let selection = vec![(1, dec("1"))];
    let credit = fixture
        .books
        .cancel(id, Some(&selection), Some(date("2026-01-06")))
        .expect("partial");
    let credit_id = fixture.books.find(&credit).expect("find");
    let credit_view = fixture.books.view(credit_id, today()).expect("view");
    assert_eq!(credit_view.totals.tax_inclusive_total, dec("60.00"));

    let view = fixture.books.view(id, today()).expect("view");
    assert_eq!(view.status, InvoiceStatus::Open);
    assert_eq!(view.balance, dec("96.00"));
    let error = fixture
        .books
        .cancel(id, Some(&vec![(3, dec("1"))]), Some(date("2026-01-06")))
        .expect_err("no line 3")
        .to_string();
    assert!(error.contains("no line 3"), "{error}");
    let error = fixture
        .books
        .cancel(id, Some(&vec![(2, dec("2"))]), Some(date("2026-01-06")))
        .expect_err("more than invoiced")
        .to_string();
    assert!(error.contains("at most 1"), "{error}");
}

#[test]
fn credit_note_through_the_command_line_balances_the_customer() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let number = cli_issue(
        folder.path(),
        "inv.json",
        &invoice_json("2026-01-05", &line("1", "100.00", "19"), ""),
    );
    let credit = ok(
        &data,
        &["invoice", "cancel", &number, "--date", "2026-01-08"],
    );
    assert_eq!(credit, "A2026-00001");
    let shown = json(&data, &["invoice", "show", &credit, "--json"]);
    assert_eq!(shown["type"], "credit_note");
    assert_eq!(shown["type_code"], 381);
    assert_eq!(shown["corrects"]["number"], number.as_str());
    assert_eq!(shown["corrects"]["issue_date"], "2026-01-05");
    for (key, expected) in [
        ("tax_exclusive_total", "100.00"),
        ("tax_total", "19.00"),
        ("tax_inclusive_total", "119.00"),
    ] {
        assert_eq!(
            shown[key], expected,
            "{key} has the same sign as the others"
        );
    }
    let invoice = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(invoice["status"], "cancelled");
    assert_eq!(invoice["balance"], "0.00");
    assert_eq!(invoice["tax_inclusive_total"], "119.00");

    let listed = json(&data, &["invoice", "list", "--json"]);
    let rows = listed.as_array().expect("rows");
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .any(|row| row["type"] == "credit_note" && row["number"] == "A2026-00001")
    );
}

#[test]
fn paid_invoice_is_final() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let json_text = r#"{"customer": {"name": "Larchmont Design GmbH", "vat_id": "DE129273398",
            "address": {"line1": "Hauptstraße 5", "postcode": "10115", "city": "Berlin", "country": "DE"}},
        "currency": "EUR", "issue_date": "2026-01-05",
        "lines": [{"description": "Design", "quantity": "1", "unit_price": "200.00", "vat": {"category": "S", "rate": "19"}}]}"#;
    let path = write_file(folder.path(), "paid.json", json_text);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let number = ok(&data, &["invoice", "issue", &id]);
    ok(
        &data,
        &["invoice", "pay", &number, "238.00", "--date", "2026-01-06"],
    );
    let before = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(before["status"], "paid");
    assert_eq!(before["amount_due"], "0.00");

    // Saving the same content again, then a changed quantity: both refused,
    // because issued invoices are final.
    let error = fails(&data, &["invoice", "update", &number, "--json", &path]);
    assert!(error.contains("final"), "{error}");
    assert!(error.contains("credit note"), "{error}");
    let changed = json_text.replace(r#""quantity": "1""#, r#""quantity": "2""#);
    let changed_path = write_file(folder.path(), "changed.json", &changed);
    let error = fails(
        &data,
        &["invoice", "update", &number, "--json", &changed_path],
    );
    assert!(error.contains("final"), "{error}");

    let after = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(
        before, after,
        "stored lines, totals and status are unchanged"
    );
    ok(&data, &["verify"]);
}

#[test]
fn cancelled_invoice_leaves_the_board_on_the_command_line() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let invoice_a = cli_issue(
        folder.path(),
        "a.json",
        &brightwater("100.00", "2026-01-05"),
    );
    let invoice_b = cli_issue(folder.path(), "b.json", &brightwater("50.00", "2026-01-06"));
    ok(
        &data,
        &["invoice", "cancel", &invoice_b, "--date", "2026-01-07"],
    );

    // Both invoices were due in January 2026, so both are past due today.
    let board = json(&data, &["board", "--json"]);
    assert_eq!(board["revenue"], "100.00");
    assert_eq!(board["receivables"], "100.00");
    assert_eq!(board["overdue"]["count"], 1);
    assert_eq!(board["overdue"]["due"], "100.00");
    assert_eq!(board["cancelled"]["count"], 1);
    let listed = json(&data, &["invoice", "list", "--json"]);
    let overdue: Vec<&str> = listed
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["overdue"] == true)
        .filter_map(|row| row["number"].as_str())
        .collect();
    assert_eq!(overdue, [invoice_a.as_str()]);
    let customer_filter = json(&data, &["board", "--json", "--search", "Brightwater"]);
    assert_eq!(customer_filter["revenue"], "100.00");
}
