//! The command line as automation uses it: the documented JSON in and out,
//! errors on stderr with a non-zero exit.

use crate::common;

use common::{cli_folder, fails, json, ok, run, write_file};
use rust_decimal::Decimal;

const EXAMPLE: &str = r#"{"customer": {"name": "Atelier Lenoir SARL", "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
 "currency": "EUR", "issue_date": "2026-03-02",
 "lines": [{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
            "discount": {"amount": "60.00"}, "vat": {"category": "S", "rate": "21"}}],
 "allowances": [{"amount": "10.00", "reason": "Remise", "vat": {"category": "S", "rate": "21"}}],
 "charges": []}"#;

#[test]
fn documented_example_round_trip() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let path = write_file(folder.path(), "example.json", EXAMPLE);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    assert!(
        id.parse::<i64>().is_ok(),
        "create prints the draft id, not {id}"
    );

    let draft = json(&data, &["invoice", "show", &id, "--json"]);
    assert_eq!(draft["status"], "draft");
    assert!(draft["number"].is_null(), "a draft has no number");

    let number = ok(&data, &["invoice", "issue", &id]);
    assert_eq!(number, "F2026-00001");
    let shown = json(&data, &["invoice", "show", &number, "--json"]);
    let expected = [
        ("line_net_total", "75.00"),
        ("allowance_total", "10.00"),
        ("charge_total", "0.00"),
        ("tax_exclusive_total", "65.00"),
        ("tax_total", "13.65"),
        ("tax_inclusive_total", "78.65"),
        ("paid_amount", "0.00"),
        ("rounding_amount", "0.00"),
        ("amount_due", "78.65"),
    ];
    for (key, value) in expected {
        assert_eq!(shown[key], value, "{key}");
    }
    assert_eq!(shown["status"], "open");
    assert_eq!(shown["issue_date"], "2026-03-02");
    assert_eq!(shown["due_date"], "2026-04-01");
    assert_eq!(shown["vat_breakdown"][0]["category"], "S");
    assert_eq!(shown["vat_breakdown"][0]["rate"], "21");
    assert_eq!(shown["vat_breakdown"][0]["taxable_amount"], "65.00");
    assert_eq!(shown["vat_breakdown"][0]["tax_amount"], "13.65");
    assert_eq!(shown["seller"]["siren"], "732829320");
    assert_eq!(shown["buyer"]["name"], "Atelier Lenoir SARL");

    ok(
        &data,
        &["invoice", "pay", &number, "50", "--date", "2026-03-10"],
    );
    let listed = json(&data, &["invoice", "list", "--json"]);
    let row = &listed[0];
    assert_eq!(row["id"].as_i64().map(|v| v.to_string()), Some(id));
    assert_eq!(row["number"], "F2026-00001");
    assert_eq!(row["type"], "invoice");
    assert_eq!(row["issue_date"], "2026-03-02");
    assert_eq!(row["status"], "partial");
    assert_eq!(row["tax_inclusive_total"], "78.65");
    assert_eq!(row["amount_due"], "28.65");

    let board = json(&data, &["board", "--json"]);
    assert_eq!(board["partial"]["count"], 1);
    assert_eq!(board["partial"]["total"], "78.65");
    assert_eq!(board["open"]["count"], 0);
    assert_eq!(board["draft"]["count"], 0);
    for status in ["draft", "open", "partial", "paid", "cancelled", "overdue"] {
        assert!(board[status]["count"].is_u64(), "board has {status}");
    }
    ok(&data, &["verify"]);
}

#[test]
fn board_counts_every_status() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let path = write_file(folder.path(), "example.json", EXAMPLE);
    let mut numbers = Vec::new();
    for _ in 0..4 {
        let id = ok(&data, &["invoice", "create", "--json", &path]);
        numbers.push(ok(&data, &["invoice", "issue", &id]));
    }
    ok(&data, &["invoice", "create", "--json", &path]);
    ok(
        &data,
        &[
            "invoice",
            "pay",
            &numbers[1],
            "78.65",
            "--date",
            "2026-03-03",
        ],
    );
    ok(
        &data,
        &[
            "invoice",
            "pay",
            &numbers[2],
            "8.65",
            "--date",
            "2026-03-03",
        ],
    );
    ok(
        &data,
        &["invoice", "cancel", &numbers[3], "--date", "2026-03-04"],
    );
    let board = json(&data, &["board", "--json"]);
    assert_eq!(board["draft"]["count"], 1);
    assert_eq!(board["draft"]["total"], "78.65");
    assert_eq!(board["open"]["count"], 1);
    assert_eq!(board["paid"]["count"], 1);
    assert_eq!(board["partial"]["count"], 1);
    assert_eq!(board["partial"]["due"], "70.00");
    assert_eq!(board["cancelled"]["count"], 1);
    // Every invoice here was due on 2026-04-01, long past today.
    assert_eq!(board["overdue"]["count"], 2);
    assert_eq!(board["overdue"]["due"], "148.65");
    assert_eq!(board["receivables"], "148.65");
    assert_eq!(board["revenue"], "195.00");
}

#[test]
fn errors_name_the_value_and_exit_non_zero() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let cases = [
        (
            EXAMPLE.replace(r#""quantity": "3""#, r#""quantity": 3.1"#),
            "as a string",
        ),
        (
            EXAMPLE.replace(r#""currency": "EUR""#, r#""currency": "EURO""#),
            "\"EURO\"",
        ),
        (
            EXAMPLE.replace(r#""rate": "21"}}],"#, r#""rate": "0"}}],"#),
            "category S",
        ),
        (
            EXAMPLE.replace(r#""unit": "HUR""#, r#""unit": "hours""#),
            "\"hours\"",
        ),
        (
            EXAMPLE.replace(r#""unit_price": "45.00""#, r#""unit_price": "45,00""#),
            "\"45,00\"",
        ),
        (
            EXAMPLE.replace(r#""quantity": "3""#, r#""quantity": "1.23456""#),
            "at most 4",
        ),
        (EXAMPLE.replace(r#""discount""#, r#""discont""#), "discont"),
    ];
    for (index, (text, expected)) in cases.iter().enumerate() {
        let path = write_file(folder.path(), &format!("bad{index}.json"), text);
        let output = run(&data, &["invoice", "create", "--json", &path]);
        assert!(!output.status.success(), "case {index} must fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(expected),
            "case {index}: expected {expected:?} in {stderr}"
        );
        assert!(output.stdout.is_empty(), "case {index}: nothing on stdout");
    }
    let listed = json(&data, &["invoice", "list", "--json"]);
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(0),
        "no half-made draft remains"
    );

    let error = fails(&data, &["invoice", "show", "F2099-00001"]);
    assert!(error.contains("F2099-00001"), "{error}");
}

#[test]
fn issuing_without_a_company_says_what_to_do() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let path = write_file(dir.path(), "example.json", EXAMPLE);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let error = fails(&data, &["invoice", "issue", &id]);
    assert!(error.contains("company set"), "{error}");
    let checklist = ok(&data, &["invoice", "check", &id]);
    assert!(checklist.contains("missing"), "{checklist}");
}

#[test]
fn checklist_blocks_reverse_charge_without_buyer_vat_number() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let reverse_charge = EXAMPLE.replace(
        r#""vat": {"category": "S", "rate": "21"}}],"#,
        r#""vat": {"category": "AE", "rate": "0", "exemption_code": "VATEX-EU-AE", "exemption_reason": "Autoliquidation"}}],"#,
    );
    let reverse_charge = reverse_charge.replace(r#""allowances": [{"amount": "10.00", "reason": "Remise", "vat": {"category": "S", "rate": "21"}}],"#, "");
    let path = write_file(folder.path(), "ae.json", &reverse_charge);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let error = fails(&data, &["invoice", "issue", &id]);
    assert!(error.contains("VAT number"), "{error}");
    let listed = json(&data, &["invoice", "list", "--json"]);
    assert_eq!(listed[0]["status"], "draft", "nothing was issued");

    let with_vat = reverse_charge.replace(
        r#""name": "Atelier Lenoir SARL","#,
        r#""name": "Brouwerij Jansen BV", "vat_id": "NL123456789B01","#,
    );
    let path = write_file(folder.path(), "ae2.json", &with_vat);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let number = ok(&data, &["invoice", "issue", &id]);
    let shown = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["vat_breakdown"][0]["category"], "AE");
    assert_eq!(
        shown["vat_breakdown"][0]["exemption_reason"],
        "Autoliquidation"
    );
    assert_eq!(shown["tax_total"], "0.00");
}

#[test]
fn inline_customer_is_not_duplicated() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let path = write_file(folder.path(), "example.json", EXAMPLE);
    for _ in 0..3 {
        ok(&data, &["invoice", "create", "--json", &path]);
    }
    let customers = json(&data, &["customer", "list", "--json"]);
    assert_eq!(customers.as_array().map(Vec::len), Some(1));
}

#[test]
fn foreign_currency_converts_totals_once() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let usd = EXAMPLE
        .replace(r#""currency": "EUR""#, r#""currency": "USD", "exchange_rate": "0.9137""#)
        .replace(r#""allowances": [{"amount": "10.00", "reason": "Remise", "vat": {"category": "S", "rate": "21"}}],"#, "");
    let path = write_file(folder.path(), "usd.json", &usd);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let number = ok(&data, &["invoice", "issue", &id]);
    let shown = json(&data, &["invoice", "show", &number, "--json"]);
    assert_eq!(shown["currency"], "USD");
    assert_eq!(shown["tax_total"], "15.75");
    assert_eq!(shown["tax_inclusive_total"], "90.75");
    // BT-111: 15.75 × 0.9137 = 14.390775 → 14.39; 90.75 × 0.9137 = 82.918275 → 82.92.
    assert_eq!(shown["company_currency"]["currency"], "EUR");
    assert_eq!(shown["company_currency"]["tax_total"], "14.39");
    assert_eq!(shown["company_currency"]["tax_inclusive_total"], "82.92");
    let board = json(&data, &["board", "--json"]);
    assert_eq!(board["open"]["total"], "82.92");

    let without_rate = usd.replace(r#", "exchange_rate": "0.9137""#, "");
    let path = write_file(folder.path(), "usd2.json", &without_rate);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let error = fails(&data, &["invoice", "issue", &id]);
    assert!(error.contains("exchange rate"), "{error}");
}

#[test]
fn status_prints_the_board_and_data_folder() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let output = ok(&data, &["status"]);
    assert!(output.contains("Atelier Facturier SAS"), "{output}");
    assert!(output.contains(&data.display().to_string()), "{output}");

    // The environment variable chooses the folder when no option is given.
    let via_env = std::process::Command::new(common::binary())
        .arg("status")
        .env(facturier::paths::DATA_DIR_VARIABLE, &data)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&via_env.stdout).contains("Atelier Facturier SAS"));
}

#[test]
fn invalid_date_and_negative_total_are_explained() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let bad_date = EXAMPLE.replace("2026-03-02", "2026-13-02");
    let path = write_file(folder.path(), "date.json", &bad_date);
    let error = fails(&data, &["invoice", "create", "--json", &path]);
    assert!(error.contains("\"2026-13-02\""), "{error}");
    assert!(error.contains("YYYY-MM-DD"), "{error}");

    let negative = EXAMPLE.replace(r#""quantity": "3""#, r#""quantity": "-3""#);
    let path = write_file(folder.path(), "negative.json", &negative);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let error = fails(&data, &["invoice", "issue", &id]);
    assert!(error.contains("negative"), "{error}");
    assert!(error.contains("credit note"), "{error}");
}

#[test]
fn no_display_is_explained_instead_of_a_crash() {
    let folder = cli_folder();
    let output = std::process::Command::new(common::binary())
        .arg("--data-dir")
        .arg(folder.path().join("data"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if cfg!(feature = "gui") {
        assert!(!output.status.success());
        assert!(stderr.contains("no graphical session"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn zero_late_penalty_rate_blocks_issuing() {
    let folder = tempfile::tempdir().expect("dir");
    let data = folder.path().join("data");
    let mut seller = common::company();
    seller.late_penalty_rate = Decimal::ZERO;
    let path = write_file(
        folder.path(),
        "company.json",
        &serde_json::to_string(&seller).expect("company JSON"),
    );
    ok(&data, &["company", "set", "--json", &path]);
    let path = write_file(folder.path(), "example.json", EXAMPLE);
    let id = ok(&data, &["invoice", "create", "--json", &path]);

    let error = fails(&data, &["invoice", "issue", &id]);
    assert!(
        error.contains("late-payment penalty rate is 0 %"),
        "{error}"
    );
    let listed = json(&data, &["invoice", "list", "--json"]);
    assert_eq!(listed[0]["status"], "draft", "nothing was issued");

    seller.late_penalty_rate = Decimal::new(105, 1);
    let path = write_file(
        folder.path(),
        "company.json",
        &serde_json::to_string(&seller).expect("company JSON"),
    );
    ok(&data, &["company", "set", "--json", &path]);
    let number = ok(&data, &["invoice", "issue", &id]);
    assert!(number.starts_with('F'), "{number}");
}

#[test]
fn empty_company_profile_keeps_the_default_rate() {
    let empty = facturier::document::Company::default();
    let read: facturier::document::Company =
        serde_json::from_str(r#"{"name": ""}"#).expect("company JSON");
    assert_eq!(empty, read);
    assert_eq!(empty.late_penalty_rate, Decimal::TEN);
}
