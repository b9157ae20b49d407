//! EN 16931 e-invoices: the CII XML of each scenario passes the official
//! CEN schematron, the Factur-X EN 16931 schematron and both XSDs, and its
//! figures are the core's.
//!
//! The validator is `tools/check-einvoice` of the shared test material; it
//! needs qpdf, poppler-utils and the Python packages factur-x, saxonche,
//! lxml and pikepdf, which `.ci/run` installs. A missing validator fails
//! these tests instead of skipping them.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{cli_folder, ok, write_file};

fn validator() -> PathBuf {
    common::shared_material("tools/check-einvoice")
}

/// Runs the validator and fails with its whole report unless it passes.
fn assert_valid(xml_path: &Path, scenario: &str) -> String {
    // Through bash, so that a copy without the executable bit still runs.
    let output = Command::new("bash")
        .arg(validator())
        .arg(xml_path)
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", validator().display()));
    let report = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{scenario}: the e-invoice is rejected (exit {:?}):\n{report}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains("0 FAIL"), "{scenario}:\n{report}");
    report
}

/// Collects the text of every element named `name` in `xml`.
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start..];
        let Some(text_start) = after.find('>') else {
            break;
        };
        let Some(end) = after.find(&close) else { break };
        found.push(&after[text_start + 1..end]);
        rest = &after[end + close.len()..];
    }
    found
}

const AMOUNT_ELEMENTS: [&str; 12] = [
    "ram:LineTotalAmount",
    "ram:ChargeTotalAmount",
    "ram:AllowanceTotalAmount",
    "ram:TaxBasisTotalAmount",
    "ram:TaxTotalAmount",
    "ram:RoundingAmount",
    "ram:GrandTotalAmount",
    "ram:TotalPrepaidAmount",
    "ram:DuePayableAmount",
    "ram:CalculatedAmount",
    "ram:BasisAmount",
    "ram:ActualAmount",
];

fn customer(name: &str, country: &str, vat_id: Option<&str>) -> String {
    let vat = vat_id
        .map(|id| format!(r#", "vat_id": "{id}""#))
        .unwrap_or_default();
    format!(
        r#""customer": {{"name": "{name}"{vat}, "address": {{"line1": "1 Main Street", "postcode": "1000", "city": "Town", "country": "{country}"}}}}"#
    )
}

fn vat(category: &str, rate: &str) -> String {
    format!(r#"{{"category": "{category}", "rate": "{rate}"}}"#)
}

fn item(quantity: &str, price: &str, vat: &str) -> String {
    format!(
        r#"{{"description": "Item", "quantity": "{quantity}", "unit": "C62", "unit_price": "{price}", "vat": {vat}}}"#
    )
}

struct Scenario {
    name: &'static str,
    json: String,
    expected: Vec<(&'static str, &'static str)>,
}

fn scenarios() -> Vec<Scenario> {
    let french = customer("Atelier Lenoir SARL", "FR", None);
    let s20 = vat("S", "20");
    vec![
        Scenario {
            name: "fifty lines at 20 % in pounds",
            json: format!(
                r#"{{{}, "currency": "GBP", "exchange_rate": "1.1700", "issue_date": "2026-01-05", "lines": [{}]}}"#,
                customer("Kestrel Tools Ltd", "GB", None),
                vec![item("1", "241.67", &s20); 50].join(",")
            ),
            expected: vec![
                ("ram:TaxBasisTotalAmount", "12083.50"),
                ("ram:GrandTotalAmount", "14500.20"),
            ],
        },
        Scenario {
            name: "three lines at 25 %",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [{}]}}"#,
                vec![item("1", "99.99", &vat("S", "25")); 3].join(",")
            ),
            expected: vec![
                ("ram:CalculatedAmount", "74.99"),
                ("ram:GrandTotalAmount", "374.96"),
            ],
        },
        Scenario {
            name: "line percentage discount",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [{{"description": "Pipes", "quantity": "16", "unit_price": "348.35", "discount": {{"percent": "4"}}, "vat": {}}}]}}"#,
                vat("S", "22")
            ),
            expected: vec![
                ("ram:LineTotalAmount", "5350.66"),
                ("ram:GrandTotalAmount", "6527.81"),
            ],
        },
        Scenario {
            name: "fixed line discounts and a fractional percentage",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [
                    {{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00", "discount": {{"amount": "60.00"}}, "vat": {}}},
                    {{"description": "Boxes", "quantity": "3", "unit_price": "100.00", "discount": {{"amount": "50.00"}}, "vat": {s20}}},
                    {{"description": "Licence", "quantity": "1", "unit_price": "10632.00", "discount": {{"percent": "15.93303"}}, "vat": {s20}}}]}}"#,
                vat("S", "21")
            ),
            expected: vec![
                ("ram:CalculationPercent", "15.93303"),
                ("ram:ActualAmount", "1694.00"),
            ],
        },
        Scenario {
            name: "document discount per rate",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [{}, {}], "allowances": [{{"percent": "10", "reason": "Remise"}}]}}"#,
                item("1", "100.00", &s20),
                item("1", "50.00", &vat("S", "5.5"))
            ),
            expected: vec![
                ("ram:TaxBasisTotalAmount", "135.00"),
                ("ram:GrandTotalAmount", "155.48"),
            ],
        },
        Scenario {
            name: "document discount on one rate",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [{}], "allowances": [{{"amount": "10.00", "reason": "Remise", "vat": {}}}]}}"#,
                item("1", "110.00", &vat("S", "10")),
                vat("S", "10")
            ),
            expected: vec![
                ("ram:TaxBasisTotalAmount", "100.00"),
                ("ram:GrandTotalAmount", "110.00"),
            ],
        },
        Scenario {
            name: "charge and total VAT with its currency",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [{}], "charges": [{{"amount": "5.99", "reason": "Port", "reason_code": "FC", "vat": {}}}]}}"#,
                item("1", "135.27", &vat("S", "19")),
                vat("S", "19")
            ),
            expected: vec![
                ("ram:TaxBasisTotalAmount", "141.26"),
                ("ram:TaxTotalAmount", "26.84"),
                ("ram:GrandTotalAmount", "168.10"),
            ],
        },
        Scenario {
            name: "exempt line beside rounded lines",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [{}, {}, {}]}}"#,
                r#"{"description": "Training", "quantity": "1", "unit_price": "90.30", "vat": {"category": "E", "rate": "0", "exemption_reason": "Exonération, article 261-4-4° du CGI"}}"#,
                item("0.45", "2.54", &vat("S", "6")),
                item("0.28", "6.87", &vat("S", "6"))
            ),
            expected: vec![
                ("ram:LineTotalAmount", "93.36"),
                ("ram:GrandTotalAmount", "93.54"),
            ],
        },
        Scenario {
            name: "intra-community supply",
            json: format!(
                r#"{{{}, "issue_date": "2026-01-05", "lines": [{}]}}"#,
                customer("Brouwerij Jansen BV", "NL", Some("NL123456789B01")),
                item("2", "500.00", &vat("K", "0"))
            ),
            expected: vec![
                ("ram:ExemptionReasonCode", "VATEX-EU-IC"),
                ("ram:GrandTotalAmount", "1000.00"),
            ],
        },
        Scenario {
            name: "reverse charge",
            json: format!(
                r#"{{{}, "issue_date": "2026-01-05", "lines": [{}]}}"#,
                customer("Bauer Montage GmbH", "DE", Some("DE129273398")),
                item("10", "80.00", &vat("AE", "0"))
            ),
            expected: vec![
                ("ram:ExemptionReason", "Autoliquidation"),
                ("ram:TaxTotalAmount", "0.00"),
            ],
        },
        Scenario {
            name: "export outside the EU",
            json: format!(
                r#"{{{}, "currency": "USD", "exchange_rate": "0.9137", "issue_date": "2026-01-05", "lines": [{}]}}"#,
                customer("Lakeside Foods Inc", "US", None),
                item("4", "25.50", &vat("G", "0"))
            ),
            expected: vec![
                ("ram:ExemptionReasonCode", "VATEX-EU-G"),
                ("ram:GrandTotalAmount", "102.00"),
            ],
        },
        Scenario {
            name: "foreign currency with VAT in euros",
            json: format!(
                r#"{{{french}, "currency": "USD", "exchange_rate": "0.9137", "issue_date": "2026-01-05", "lines": [{}]}}"#,
                item("3", "45.00", &vat("S", "21"))
            ),
            expected: vec![
                ("ram:TaxCurrencyCode", "EUR"),
                ("ram:TaxTotalAmount", "28.35"),
            ],
        },
        Scenario {
            name: "outside the scope of VAT",
            json: format!(
                r#"{{{french}, "issue_date": "2026-01-05", "lines": [{}]}}"#,
                r#"{"description": "Débours", "quantity": "1", "unit_price": "80.00", "vat": {"category": "O"}}"#
            ),
            expected: vec![("ram:CategoryCode", "O"), ("ram:GrandTotalAmount", "80.00")],
        },
        Scenario {
            name: "zero-decimal currency",
            json: format!(
                r#"{{{}, "currency": "JPY", "exchange_rate": "0.0061", "issue_date": "2026-01-05", "lines": [{}]}}"#,
                customer("Sakura Trading KK", "JP", None),
                item("3", "333.5", &vat("G", "0"))
            ),
            expected: vec![("ram:GrandTotalAmount", "1001")],
        },
    ]
}

#[test]
fn every_scenario_passes_the_en16931_rules() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let mut issue_day = 0;
    for (index, scenario) in scenarios().into_iter().enumerate() {
        // Each invoice is issued a day after the previous one, so the series
        // stays in date order.
        issue_day += 1;
        let json = scenario
            .json
            .replace("2026-01-05", &format!("2026-01-{issue_day:02}"));
        let path = write_file(folder.path(), &format!("scenario{index}.json"), &json);
        let id = ok(&data, &["invoice", "create", "--json", &path]);
        let number = ok(&data, &["invoice", "issue", &id]);
        let xml_path = folder.path().join(format!("scenario{index}.xml"));
        ok(
            &data,
            &["einvoice", &number, "-o", &xml_path.to_string_lossy()],
        );
        let xml = std::fs::read_to_string(&xml_path).expect("read XML");
        assert_valid(&xml_path, scenario.name);

        for (element, value) in &scenario.expected {
            let found = elements(&xml, element);
            assert!(
                found.contains(value),
                "{}: {element} {value} not in {found:?}",
                scenario.name
            );
        }
        let document_decimals = if json.contains("\"JPY\"") { 0 } else { 2 };
        for element in AMOUNT_ELEMENTS {
            for text in elements(&xml, element) {
                let (_, decimals) = text.split_once('.').unwrap_or((text, ""));
                // BT-111 is in euros even on a yen invoice.
                let expected = if element == "ram:TaxTotalAmount" && decimals.len() == 2 {
                    2
                } else {
                    document_decimals
                };
                assert_eq!(
                    decimals.len(),
                    expected,
                    "{}: {element} = {text}",
                    scenario.name
                );
            }
        }
        let document_currency = elements(&xml, "ram:InvoiceCurrencyCode")[0];
        let tagged: Vec<&str> = xml
            .match_indices("<ram:TaxTotalAmount")
            .map(|(start, _)| &xml[start..start + xml[start..].find('>').unwrap_or(0)])
            .collect();
        assert!(
            tagged.contains(
                &format!("<ram:TaxTotalAmount currencyID=\"{document_currency}\"").as_str()
            ),
            "{}: BT-110 carries the invoice currency: {tagged:?}",
            scenario.name
        );
    }
}

#[test]
fn credit_note_refers_to_its_invoice() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let json = format!(
        r#"{{{}, "issue_date": "2026-01-05", "lines": [{}]}}"#,
        customer("Larchmont Design GmbH", "DE", Some("DE129273398")),
        item("1", "100.00", &vat("S", "19"))
    );
    let path = write_file(folder.path(), "invoice.json", &json);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let invoice = ok(&data, &["invoice", "issue", &id]);
    let credit = ok(
        &data,
        &["invoice", "cancel", &invoice, "--date", "2026-01-08"],
    );
    let xml_path = folder.path().join("credit.xml");
    ok(
        &data,
        &["einvoice", &credit, "-o", &xml_path.to_string_lossy()],
    );
    assert_valid(&xml_path, "credit note");
    let xml = std::fs::read_to_string(&xml_path).expect("read");
    assert_eq!(elements(&xml, "ram:TypeCode")[0], "381");
    let referenced = xml
        .split("<ram:InvoiceReferencedDocument>")
        .nth(1)
        .expect("BT-25 reference");
    assert!(referenced.contains(&format!(
        "<ram:IssuerAssignedID>{invoice}</ram:IssuerAssignedID>"
    )));
    assert!(referenced.contains("20260105"));
    for (element, value) in [
        ("ram:TaxBasisTotalAmount", "100.00"),
        ("ram:TaxTotalAmount", "19.00"),
        ("ram:GrandTotalAmount", "119.00"),
    ] {
        assert_eq!(
            elements(&xml, element),
            [value],
            "{element} has the same sign as the others"
        );
    }
}

#[test]
fn franchise_seller_without_vat_number_passes() {
    let folder = tempfile::tempdir().expect("dir");
    let data = folder.path().join("data");
    let mut company = common::company();
    company.vat_id = String::new();
    company.legal_form = "EI".to_string();
    company.share_capital = String::new();
    let company_path = write_file(
        folder.path(),
        "company.json",
        &serde_json::to_string(&company).expect("json"),
    );
    ok(&data, &["company", "set", "--json", &company_path]);
    let json = format!(
        r#"{{{}, "issue_date": "2026-01-05", "lines": [{}]}}"#,
        customer("Atelier Lenoir SARL", "FR", None),
        item("2", "150.00", &vat("E", "0"))
    );
    let path = write_file(folder.path(), "franchise.json", &json);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let number = ok(&data, &["invoice", "issue", &id]);
    let xml_path = folder.path().join("franchise.xml");
    ok(
        &data,
        &["einvoice", &number, "-o", &xml_path.to_string_lossy()],
    );
    assert_valid(&xml_path, "franchise en base");
    let xml = std::fs::read_to_string(&xml_path).expect("read");
    assert_eq!(
        elements(&xml, "ram:ExemptionReason"),
        ["TVA non applicable, art. 293 B du CGI"]
    );
}

#[test]
fn drafts_have_no_einvoice() {
    let folder = cli_folder();
    let data = folder.path().join("data");
    let json = format!(
        r#"{{{}, "issue_date": "2026-01-05", "lines": [{}]}}"#,
        customer("Atelier Lenoir SARL", "FR", None),
        item("1", "10.00", &vat("S", "20"))
    );
    let path = write_file(folder.path(), "draft.json", &json);
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    let error = common::fails(&data, &["einvoice", &id]);
    assert!(error.contains("issue it"), "{error}");
}
