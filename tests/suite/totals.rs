//! EN 16931 totals: VAT per rate rounded once, line nets rounded before VAT,
//! discounts in the right order, header sums from rounded lines. Each case is
//! checked through the core computation and through `invoice show --json`.

use crate::common;

use common::{cli_folder, cli_issue, dec, json, line};
use facturier::calc::compute;
use facturier::document::{AllowanceCharge, Content, Line, LineDiscount, PriceSource};
use facturier::money::Currency;
use facturier::vat::{Vat, VatCategory};
use rust_decimal::Decimal;

fn currency(code: &str) -> Currency {
    Currency::from_code(code).expect("currency")
}

fn standard_line(quantity: &str, price: &str, rate: &str) -> Line {
    Line {
        product_id: None,
        item_code: None,
        description: "Item".to_string(),
        quantity: dec(quantity),
        unit: "C62".to_string(),
        unit_price: dec(price),
        base_quantity: Decimal::ONE,
        discount: None,
        vat: Vat::standard(dec(rate)),
        delivery_date: None,
        price_source: PriceSource::Manual,
    }
}

fn totals_of(content: &Content, code: &str) -> facturier::calc::Totals {
    compute(content, currency(code), Decimal::ZERO, Decimal::ZERO).expect("totals")
}

#[test]
fn vat_is_computed_once_per_rate_not_per_line() {
    let fifty = Content {
        lines: (0..50)
            .map(|_| standard_line("1", "241.67", "20"))
            .collect(),
        ..Content::default()
    };
    let totals = totals_of(&fifty, "GBP");
    assert_eq!(totals.tax_exclusive_total, dec("12083.50"));
    assert_eq!(totals.tax_total, dec("2416.70"));
    assert_eq!(totals.tax_inclusive_total, dec("14500.20"));
    assert_eq!(totals.vat_breakdown.len(), 1);
    assert_eq!(totals.vat_breakdown[0].taxable_amount, dec("12083.50"));

    let three = Content {
        lines: (0..3).map(|_| standard_line("1", "99.99", "25")).collect(),
        ..Content::default()
    };
    let totals = totals_of(&three, "EUR");
    assert_eq!(totals.tax_exclusive_total, dec("299.97"));
    assert_eq!(totals.tax_total, dec("74.99"));
    assert_eq!(totals.tax_inclusive_total, dec("374.96"));
}

#[test]
fn vat_per_rate_through_the_command_line() {
    let folder = cli_folder();
    let lines = vec![line("1", "99.99", "25"); 3].join(",");
    let number = cli_issue(
        folder.path(),
        "b.json",
        &common::invoice_json("2026-01-10", &lines, ""),
    );
    let shown = json(
        &folder.path().join("data"),
        &["invoice", "show", &number, "--json"],
    );
    assert_eq!(shown["tax_exclusive_total"], "299.97");
    assert_eq!(shown["tax_total"], "74.99");
    assert_eq!(shown["tax_inclusive_total"], "374.96");
    assert_eq!(shown["vat_breakdown"][0]["taxable_amount"], "299.97");
    assert_eq!(shown["vat_breakdown"][0]["tax_amount"], "74.99");
    assert_eq!(shown["vat_breakdown"][0]["rate"], "25");
    assert_eq!(shown["vat_breakdown"][0]["category"], "S");
}

#[test]
fn percentage_line_discount_rounds_line_net_before_vat() {
    let mut discounted = standard_line("16", "348.35", "22");
    discounted.discount = Some(LineDiscount::Percent(dec("4")));
    let totals = totals_of(
        &Content {
            lines: vec![discounted],
            ..Content::default()
        },
        "EUR",
    );
    assert_eq!(totals.lines[0].gross_amount, dec("5573.60"));
    assert_eq!(totals.lines[0].allowance_amount, dec("222.94"));
    assert_eq!(totals.lines[0].net_amount, dec("5350.66"));
    assert_eq!(totals.tax_total, dec("1177.15"));
    assert_eq!(totals.tax_inclusive_total, dec("6527.81"));
}

#[test]
fn fixed_line_discount_applies_to_the_whole_line() {
    let mut audit = standard_line("3", "45.00", "21");
    audit.discount = Some(LineDiscount::Amount(dec("60.00")));
    let totals = totals_of(
        &Content {
            lines: vec![audit],
            ..Content::default()
        },
        "EUR",
    );
    assert_eq!(totals.lines[0].net_amount, dec("75.00"));
    assert_eq!(totals.tax_total, dec("15.75"));
    assert_eq!(totals.tax_inclusive_total, dec("90.75"));

    let mut whole_line = standard_line("3", "100.00", "20");
    whole_line.discount = Some(LineDiscount::Amount(dec("50.00")));
    let totals = totals_of(
        &Content {
            lines: vec![whole_line],
            ..Content::default()
        },
        "EUR",
    );
    assert_eq!(totals.lines[0].allowance_amount, dec("50.00"));
    assert_eq!(totals.lines[0].net_amount, dec("250.00"));
    assert_eq!(totals.tax_total, dec("50.00"));
    assert_eq!(totals.tax_inclusive_total, dec("300.00"));
}

#[test]
fn fractional_percentage_discount_keeps_its_decimals() {
    let mut line = standard_line("1", "10632.00", "20");
    line.discount = Some(LineDiscount::Percent(dec("15.93303")));
    let totals = totals_of(
        &Content {
            lines: vec![line.clone()],
            ..Content::default()
        },
        "EUR",
    );
    assert_eq!(totals.lines[0].allowance_amount, dec("1694.00"));
    assert_eq!(totals.lines[0].net_amount, dec("8938.00"));
    // The percentage is kept exactly as entered, so base × percentage
    // rounds back to the allowance written on the document.
    let Some(LineDiscount::Percent(kept)) = line.discount else {
        panic!("discount lost");
    };
    assert_eq!(kept.to_string(), "15.93303");
    let recomputed =
        Currency::EUR.round(totals.lines[0].gross_amount * kept / Decimal::ONE_HUNDRED);
    assert_eq!(recomputed, totals.lines[0].allowance_amount);
}

#[test]
fn fixed_line_discount_through_the_command_line() {
    let folder = cli_folder();
    let lines = r#"{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
                    "discount": {"amount": "60.00"}, "vat": {"category": "S", "rate": "21"}},
                   {"description": "Pipes", "quantity": "16", "unit": "C62", "unit_price": "348.35",
                    "discount": {"percent": "4"}, "vat": {"category": "S", "rate": "22"}}"#;
    let number = cli_issue(
        folder.path(),
        "d.json",
        &common::invoice_json("2026-01-10", lines, ""),
    );
    let shown = json(
        &folder.path().join("data"),
        &["invoice", "show", &number, "--json"],
    );
    assert_eq!(shown["lines"][0]["net_amount"], "75.00");
    assert_eq!(shown["lines"][1]["net_amount"], "5350.66");
    assert_eq!(shown["line_net_total"], "5425.66");
    let breakdown = shown["vat_breakdown"].as_array().expect("breakdown");
    assert_eq!(breakdown.len(), 2);
    assert_eq!(breakdown[0]["rate"], "21");
    assert_eq!(breakdown[0]["tax_amount"], "15.75");
    assert_eq!(breakdown[1]["rate"], "22");
    assert_eq!(breakdown[1]["tax_amount"], "1177.15");
    assert_eq!(shown["tax_total"], "1192.90");
    assert_eq!(shown["tax_inclusive_total"], "6618.56");
}

#[test]
fn document_discount_applies_before_vat() {
    let content = Content {
        lines: vec![standard_line("1", "110.00", "10")],
        allowances: vec![AllowanceCharge {
            amount: Some(dec("10.00")),
            percent: None,
            reason: "Remise".to_string(),
            reason_code: Some("95".to_string()),
            vat: None,
        }],
        charges: vec![],
    };
    let totals = totals_of(&content, "EUR");
    assert_eq!(totals.line_net_total, dec("110.00"));
    assert_eq!(totals.allowance_total, dec("10.00"));
    assert_eq!(totals.tax_exclusive_total, dec("100.00"));
    assert_eq!(totals.tax_total, dec("10.00"));
    assert_eq!(totals.tax_inclusive_total, dec("110.00"));
}

#[test]
fn document_percentage_discount_splits_per_vat_rate() {
    let content = Content {
        lines: vec![
            standard_line("1", "100.00", "20"),
            standard_line("1", "50.00", "5.5"),
        ],
        allowances: vec![AllowanceCharge {
            amount: None,
            percent: Some(dec("10")),
            reason: "Remise".to_string(),
            reason_code: None,
            vat: None,
        }],
        charges: vec![],
    };
    let totals = totals_of(&content, "EUR");
    assert_eq!(totals.allowances.len(), 2, "one allowance per VAT rate");
    let by_rate = |rate: &str| {
        totals
            .allowances
            .iter()
            .find(|part| part.vat.rate == dec(rate))
            .map(|part| part.amount)
    };
    assert_eq!(by_rate("20"), Some(dec("10.00")));
    assert_eq!(by_rate("5.5"), Some(dec("5.00")));
    let base = |rate: &str| {
        totals
            .vat_breakdown
            .iter()
            .find(|entry| entry.vat.rate == dec(rate))
            .map(|entry| (entry.taxable_amount, entry.tax_amount))
    };
    assert_eq!(base("20"), Some((dec("90.00"), dec("18.00"))));
    assert_eq!(base("5.5"), Some((dec("45.00"), dec("2.48"))));
    assert_eq!(totals.tax_exclusive_total, dec("135.00"));
    assert_eq!(totals.tax_total, dec("20.48"));
    assert_eq!(totals.tax_inclusive_total, dec("155.48"));
}

#[test]
fn fixed_document_discount_splits_in_proportion() {
    let content = Content {
        lines: vec![
            standard_line("1", "100.00", "20"),
            standard_line("1", "50.00", "5.5"),
        ],
        allowances: vec![AllowanceCharge {
            amount: Some(dec("15.00")),
            percent: None,
            reason: "Remise".to_string(),
            reason_code: None,
            vat: None,
        }],
        charges: vec![],
    };
    let totals = totals_of(&content, "EUR");
    let amounts: Vec<Decimal> = totals.allowances.iter().map(|part| part.amount).collect();
    assert_eq!(amounts.iter().sum::<Decimal>(), dec("15.00"));
    assert_eq!(totals.allowance_total, dec("15.00"));
    assert_eq!(totals.tax_exclusive_total, dec("135.00"));
    assert_eq!(totals.tax_total, dec("20.48"));
}

#[test]
fn document_discount_per_rate_through_the_command_line() {
    let folder = cli_folder();
    let lines = [line("1", "100.00", "20"), line("1", "50.00", "5.5")].join(",");
    let json_text = common::invoice_json(
        "2026-01-10",
        &lines,
        r#", "allowances": [{"percent": "10", "reason": "Remise"}]"#,
    );
    let number = cli_issue(folder.path(), "p4.json", &json_text);
    let shown = json(
        &folder.path().join("data"),
        &["invoice", "show", &number, "--json"],
    );
    assert_eq!(shown["line_net_total"], "150.00");
    assert_eq!(shown["allowance_total"], "15.00");
    assert_eq!(shown["tax_exclusive_total"], "135.00");
    assert_eq!(shown["tax_total"], "20.48");
    assert_eq!(shown["tax_inclusive_total"], "155.48");
    assert_eq!(shown["amount_due"], "155.48");
    let allowances = shown["allowances"].as_array().expect("allowances");
    assert_eq!(allowances.len(), 2);
    assert_eq!(allowances[0]["vat"]["rate"], "5.5");
    assert_eq!(allowances[0]["amount"], "5.00");
    assert_eq!(allowances[1]["vat"]["rate"], "20");
    assert_eq!(allowances[1]["amount"], "10.00");
}

#[test]
fn document_charge_adds_to_its_vat_base() {
    let content = Content {
        lines: vec![standard_line("1", "135.27", "19")],
        allowances: vec![],
        charges: vec![AllowanceCharge {
            amount: Some(dec("5.99")),
            percent: None,
            reason: "Freight".to_string(),
            reason_code: Some("FC".to_string()),
            vat: Some(Vat::standard(dec("19"))),
        }],
    };
    let totals = totals_of(&content, "EUR");
    assert_eq!(totals.line_net_total, dec("135.27"));
    assert_eq!(totals.charge_total, dec("5.99"));
    assert_eq!(totals.tax_exclusive_total, dec("141.26"));
    assert_eq!(totals.tax_total, dec("26.84"));
    assert_eq!(totals.tax_inclusive_total, dec("168.10"));
    assert_eq!(totals.tax_inclusive_total.to_string(), "168.10");

    let single = totals_of(
        &Content {
            lines: vec![standard_line("1", "4600.00", "19")],
            ..Content::default()
        },
        "EUR",
    );
    assert_eq!(single.tax_total.to_string(), "874.00");
    assert_eq!(single.tax_inclusive_total.to_string(), "5474.00");
}

#[test]
fn header_sums_come_from_rounded_line_nets() {
    let mut exempt = standard_line("1", "90.30", "0");
    exempt.vat = Vat::exempt(VatCategory::E);
    let content = Content {
        lines: vec![
            exempt,
            standard_line("0.45", "2.54", "6"),
            standard_line("0.28", "6.87", "6"),
        ],
        ..Content::default()
    };
    let totals = totals_of(&content, "EUR");
    let nets: Vec<Decimal> = totals.lines.iter().map(|line| line.net_amount).collect();
    assert_eq!(nets, vec![dec("90.30"), dec("1.14"), dec("1.92")]);
    assert_eq!(totals.line_net_total, dec("93.36"));
    let find = |category: VatCategory| {
        totals
            .vat_breakdown
            .iter()
            .find(|entry| entry.vat.category == category)
            .expect("group")
    };
    assert_eq!(find(VatCategory::E).taxable_amount, dec("90.30"));
    assert_eq!(find(VatCategory::E).tax_amount, dec("0.00"));
    assert_eq!(find(VatCategory::S).taxable_amount, dec("3.06"));
    assert_eq!(find(VatCategory::S).tax_amount, dec("0.18"));
    assert_eq!(totals.tax_inclusive_total, dec("93.54"));
    for (line, amounts) in content.lines.iter().zip(&totals.lines) {
        assert_eq!(
            amounts.net_amount,
            Currency::EUR.round(line.quantity * line.unit_price)
        );
    }
}

#[test]
fn every_amount_has_the_currency_decimals_in_json() {
    let folder = cli_folder();
    let lines = [line("1", "135.27", "19"), line("0.45", "2.54", "6")].join(",");
    let json_text = common::invoice_json(
        "2026-01-10",
        &lines,
        r#", "charges": [{"amount": "5.99", "reason": "Port", "vat": {"category": "S", "rate": "19"}}]"#,
    );
    let number = cli_issue(folder.path(), "p14.json", &json_text);
    let shown = json(
        &folder.path().join("data"),
        &["invoice", "show", &number, "--json"],
    );
    for key in [
        "line_net_total",
        "allowance_total",
        "charge_total",
        "tax_exclusive_total",
        "tax_total",
        "tax_inclusive_total",
        "paid_amount",
        "rounding_amount",
        "amount_due",
    ] {
        let text = shown[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} is not a string"));
        let (_, decimals) = text
            .split_once('.')
            .unwrap_or_else(|| panic!("{key} = {text} has no decimals"));
        assert_eq!(decimals.len(), 2, "{key} = {text}");
    }
    assert_eq!(shown["charge_total"], "5.99");
    assert_eq!(shown["tax_exclusive_total"], "142.40");
}

#[test]
fn zero_decimal_currency_rounds_to_units() {
    let totals = totals_of(
        &Content {
            lines: vec![standard_line("3", "333.5", "10")],
            ..Content::default()
        },
        "JPY",
    );
    assert_eq!(totals.line_net_total.to_string(), "1001");
    assert_eq!(totals.tax_total.to_string(), "100");
    assert_eq!(totals.tax_inclusive_total.to_string(), "1101");
}

#[test]
fn vat_report_matches_the_document() {
    let mut fixture = common::Fixture::new();
    let json_text = common::invoice_json(
        "2026-02-03",
        &line("1", "100.00", "10"),
        r#", "allowances": [{"percent": "10", "reason": "Remise"}]"#,
    );
    let number = fixture.issued(&json_text);
    let id = fixture.books.find(&number).expect("find");
    let view = fixture
        .books
        .view(id, facturier::books::today())
        .expect("view");
    assert_eq!(view.totals.tax_exclusive_total, dec("90.00"));
    assert_eq!(view.totals.tax_total, dec("9.00"));
    assert_eq!(view.totals.tax_inclusive_total, dec("99.00"));
    let report = fixture
        .books
        .vat_report(
            chrono::NaiveDate::from_ymd_opt(2026, 2, 1).expect("date"),
            chrono::NaiveDate::from_ymd_opt(2026, 2, 28).expect("date"),
        )
        .expect("report");
    assert_eq!(report.len(), 1);
    assert_eq!(report[0].taxable_amount, dec("90.00"));
    assert_eq!(report[0].tax_amount, dec("9.00"));
}

#[test]
fn negative_price_and_bad_base_quantity_are_rejected() {
    let mut negative = standard_line("1", "-5", "20");
    negative.unit_price = dec("-5");
    let error = compute(
        &Content {
            lines: vec![negative],
            ..Content::default()
        },
        Currency::EUR,
        Decimal::ZERO,
        Decimal::ZERO,
    )
    .expect_err("negative price");
    assert!(error.to_string().contains("line 1"), "{error}");
    assert!(error.to_string().contains("negative"), "{error}");

    let mut zero_base = standard_line("1", "5", "20");
    zero_base.base_quantity = Decimal::ZERO;
    let error = compute(
        &Content {
            lines: vec![zero_base],
            ..Content::default()
        },
        Currency::EUR,
        Decimal::ZERO,
        Decimal::ZERO,
    )
    .expect_err("zero base quantity");
    assert!(error.to_string().contains("base quantity"), "{error}");
}

#[test]
fn base_quantity_divides_the_price() {
    let mut per_hundred = standard_line("250", "12.00", "20");
    per_hundred.base_quantity = dec("100");
    let totals = totals_of(
        &Content {
            lines: vec![per_hundred],
            ..Content::default()
        },
        "EUR",
    );
    assert_eq!(totals.lines[0].net_amount, dec("30.00"));
}

#[test]
fn rounded_line_nets_through_the_command_line() {
    let folder = cli_folder();
    let lines = r#"{"description": "Exempt training", "quantity": "1", "unit_price": "90.30",
                    "vat": {"category": "E", "rate": "0", "exemption_reason": "Exonération, article 261-4-4° du CGI"}},
                   {"description": "Paper", "quantity": "0.45", "unit_price": "2.54", "vat": {"category": "S", "rate": "6"}},
                   {"description": "Ink", "quantity": "0.28", "unit_price": "6.87", "vat": {"category": "S", "rate": "6"}}"#;
    let number = cli_issue(
        folder.path(),
        "p15.json",
        &common::invoice_json("2026-01-10", lines, ""),
    );
    let shown = json(
        &folder.path().join("data"),
        &["invoice", "show", &number, "--json"],
    );
    assert_eq!(shown["lines"][0]["net_amount"], "90.30");
    assert_eq!(shown["lines"][1]["net_amount"], "1.14");
    assert_eq!(shown["lines"][2]["net_amount"], "1.92");
    assert_eq!(shown["line_net_total"], "93.36");
    let breakdown = shown["vat_breakdown"].as_array().expect("breakdown");
    let group = |category: &str| {
        breakdown
            .iter()
            .find(|entry| entry["category"] == category)
            .unwrap_or_else(|| panic!("no {category} group"))
    };
    assert_eq!(group("E")["taxable_amount"], "90.30");
    assert_eq!(group("E")["tax_amount"], "0.00");
    assert_eq!(
        group("E")["exemption_reason"],
        "Exonération, article 261-4-4° du CGI"
    );
    assert_eq!(group("S")["taxable_amount"], "3.06");
    assert_eq!(group("S")["tax_amount"], "0.18");
    assert_eq!(shown["tax_inclusive_total"], "93.54");
}
