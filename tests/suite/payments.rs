//! Payments: the status always follows total − Σ payments; a correction is
//! checked without the payment it replaces; an overpayment is rejected.

use crate::common;

use chrono::NaiveDate;
use common::{Fixture, cli_folder, cli_issue, dec, fails, invoice_json, json, line, ok};
use facturier::document::InvoiceStatus;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn status_and_balance(
    fixture: &mut Fixture,
    number: &str,
) -> (InvoiceStatus, rust_decimal::Decimal) {
    let id = fixture.books.find(number).expect("find");
    let view = fixture.books.view(id, date("2026-01-20")).expect("view");
    (view.status, view.balance)
}

#[test]
fn partial_then_corrected_then_deleted_payment() {
    let mut fixture = Fixture::new();
    let number = fixture.issued(&invoice_json(
        "2026-01-10",
        r#"{"description": "Ten", "quantity": "1", "unit_price": "10.00", "vat": {"category": "E", "rate": "0"}}"#,
        "",
    ));
    let id = fixture.books.find(&number).expect("find");

    let payment = fixture
        .books
        .record_payment(id, dec("7.00"), date("2026-01-12"), "transfer", None)
        .expect("pay 7");
    assert_eq!(
        status_and_balance(&mut fixture, &number),
        (InvoiceStatus::Partial, dec("3.00"))
    );

    fixture
        .books
        .change_payment(payment, dec("10.00"), date("2026-01-12"), "transfer", None)
        .expect("correct to 10");
    assert_eq!(
        status_and_balance(&mut fixture, &number),
        (InvoiceStatus::Paid, dec("0.00"))
    );
    let view = fixture.books.view(id, date("2026-01-20")).expect("view");
    assert_eq!(view.payments.len(), 1, "still exactly one payment");

    fixture.books.delete_payment(payment).expect("delete");
    assert_eq!(
        status_and_balance(&mut fixture, &number),
        (InvoiceStatus::Open, dec("10.00"))
    );
}

#[test]
fn overpayment_is_rejected_and_nothing_is_recorded() {
    let mut fixture = Fixture::new();
    let customer = r#"{"name": "Kestrel Tools Ltd", "address": {"line1": "1 Mill Lane", "postcode": "M1 1AA", "city": "Manchester", "country": "GB"}, "vat_id": "GB123456789"}"#;
    let exported = |amount: &str| {
        format!(
            r#"{{"customer": {customer}, "currency": "EUR", "issue_date": "2026-01-10",
                 "lines": [{{"description": "Tools", "quantity": "1", "unit_price": "{amount}", "vat": {{"category": "G", "rate": "0"}}}}]}}"#
        )
    };
    let invoice_a = fixture.issued(&exported("50.00"));
    let invoice_b = fixture.issued(&exported("70.00"));
    let id_a = fixture.books.find(&invoice_a).expect("a");
    let id_b = fixture.books.find(&invoice_b).expect("b");
    fixture
        .books
        .record_payment(id_a, dec("20.00"), date("2026-01-11"), "transfer", None)
        .expect("pay A");

    let error = fixture
        .books
        .record_payment(id_b, dec("100.00"), date("2026-01-12"), "transfer", None)
        .expect_err("overpayment")
        .to_string();
    assert!(error.contains("100.00"), "{error}");
    assert!(error.contains("70.00"), "{error}");
    assert!(error.contains(&invoice_b), "{error}");

    let (status_a, balance_a) = status_and_balance(&mut fixture, &invoice_a);
    let (status_b, balance_b) = status_and_balance(&mut fixture, &invoice_b);
    assert_eq!(
        (status_a, balance_a),
        (InvoiceStatus::Partial, dec("30.00"))
    );
    assert_eq!((status_b, balance_b), (InvoiceStatus::Open, dec("70.00")));
    assert!(balance_a >= dec("0"));
    assert!(balance_b >= dec("0"));

    // The receipt is then split by hand: 70.00 settles B, 30.00 settles A.
    fixture
        .books
        .record_payment(id_b, dec("70.00"), date("2026-01-12"), "transfer", None)
        .expect("pay B");
    fixture
        .books
        .record_payment(id_a, dec("30.00"), date("2026-01-12"), "transfer", None)
        .expect("pay A rest");
    let (_, balance_a) = status_and_balance(&mut fixture, &invoice_a);
    let (_, balance_b) = status_and_balance(&mut fixture, &invoice_b);
    assert_eq!(
        balance_a + balance_b,
        dec("0.00"),
        "customer's net open amount"
    );
}

#[test]
fn correcting_a_payment_is_checked_against_the_rest() {
    let mut fixture = Fixture::new();
    let number = fixture.issued(&invoice_json("2026-01-10", &line("1", "100.00", "20"), ""));
    let id = fixture.books.find(&number).expect("find");
    let first = fixture
        .books
        .record_payment(id, dec("60.00"), date("2026-01-11"), "card", None)
        .expect("first");
    fixture
        .books
        .record_payment(id, dec("50.00"), date("2026-01-12"), "card", None)
        .expect("second");
    // 60 + 50 = 110 of 120: the first may rise to 70 but not to 71.
    fixture
        .books
        .change_payment(first, dec("70.00"), date("2026-01-11"), "card", None)
        .expect("raise to 70");
    let error = fixture
        .books
        .change_payment(first, dec("71.00"), date("2026-01-11"), "card", None)
        .expect_err("raise to 71");
    assert!(error.to_string().contains("exceeds"), "{error}");
    assert_eq!(
        status_and_balance(&mut fixture, &number),
        (InvoiceStatus::Paid, dec("0.00"))
    );
}

#[test]
fn payments_are_rejected_on_drafts_and_in_bad_amounts() {
    let mut fixture = Fixture::new();
    let draft = fixture.draft(&invoice_json("2026-01-10", &line("1", "100.00", "20"), ""));
    let error = fixture
        .books
        .record_payment(draft, dec("10"), date("2026-01-11"), "card", None)
        .expect_err("draft");
    assert!(
        error.to_string().contains("issued invoices only"),
        "{error}"
    );

    let number = fixture.issued(&invoice_json("2026-01-10", &line("1", "100.00", "20"), ""));
    let id = fixture.books.find(&number).expect("find");
    for bad in ["0", "-5", "1.234"] {
        let error = fixture
            .books
            .record_payment(id, dec(bad), date("2026-01-11"), "card", None)
            .expect_err(bad);
        assert!(!error.to_string().is_empty());
    }
    let error = fixture
        .books
        .record_payment(id, dec("10"), date("2026-01-09"), "card", None)
        .expect_err("before the invoice date");
    assert!(error.to_string().contains("2026-01-09"), "{error}");
}

#[test]
fn payments_through_the_command_line() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let number = cli_issue(
        folder.path(),
        "ten.json",
        &invoice_json(
            "2026-01-10",
            r#"{"description": "Ten", "quantity": "1", "unit_price": "10.00", "vat": {"category": "E", "rate": "0"}}"#,
            "",
        ),
    );
    let payment = ok(
        &data,
        &["invoice", "pay", &number, "7.00", "--date", "2026-01-12"],
    );
    let shown = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["status"], "partial");
    assert_eq!(shown["paid_amount"], "7.00");
    assert_eq!(shown["amount_due"], "3.00");

    ok(
        &data,
        &[
            "invoice",
            "payment-edit",
            &payment,
            "10.00",
            "--date",
            "2026-01-12",
        ],
    );
    let shown = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["status"], "paid");
    assert_eq!(shown["amount_due"], "0.00");
    assert_eq!(shown["payments"].as_array().map(Vec::len), Some(1));

    ok(&data, &["invoice", "payment-delete", &payment]);
    let shown = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["amount_due"], "10.00");

    let error = fails(
        &data,
        &["invoice", "pay", &number, "10.01", "--date", "2026-01-12"],
    );
    assert!(error.contains("10.01"), "{error}");
    assert!(error.contains("exceeds"), "{error}");
    let error = fails(
        &data,
        &["invoice", "pay", &number, "dix", "--date", "2026-01-12"],
    );
    assert!(error.contains("\"dix\""), "{error}");
    // Amounts typed the French way are read exactly.
    ok(
        &data,
        &["invoice", "pay", &number, "2,50", "--date", "2026-01-13"],
    );
    let shown = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["amount_due"], "7.50");
}
