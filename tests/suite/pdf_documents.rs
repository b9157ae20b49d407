//! Every kind of document renders to a valid PDF whose extracted text contains
//! the mandatory mentions and the exact totals of the core.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

use facturier::books::{Books, DocumentView};
use facturier::document::DocumentKind;
use facturier::money::{NumberStyle, format_grouped};
use facturier::pdf::{Language, PaperSize, Template};
use facturier::store::{Product, ProductNature};
use facturier::vat::Vat;
use pdf_common::{assert_fonts_embedded, assert_qpdf_check, books, draft, flat_text, pdf_info};
use rust_decimal_macros::dec;

const INVOICE: &str = r#"{
    "customer": {"name": "Atelier Lenoir SARL", "siren": "552100554", "vat_id": "FR96552100554",
        "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"},
        "delivery_address": {"line1": "Entrepôt 7, zone des Gaulnes", "postcode": "69330", "city": "Jonage", "country": "FR"}},
    "currency": "EUR", "issue_date": "2026-03-02", "delivery_date": "2026-02-27",
    "purchase_order_ref": "PO-7781",
    "lines": [
        {"description": "Audit de sécurité", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
         "discount": {"percent": "10"}, "vat": {"category": "S", "rate": "20"}},
        {"description": "Livre technique", "quantity": "2", "unit": "C62", "unit_price": "18.55",
         "vat": {"category": "S", "rate": "5.5"}}
    ]
}"#;

/// Collapses white space (including the no-break spaces of French
/// numbers) the way `flat_text` does.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn french(amount: rust_decimal::Decimal) -> String {
    format_grouped(amount, 2, NumberStyle::French)
}

fn assert_contains_all(text: &str, expected: &[String]) {
    for phrase in expected {
        assert!(
            text.contains(&flat(phrase)),
            "the PDF text lacks {phrase:?}:\n{text}"
        );
    }
}

/// Mentions every document prints: seller identity, buyer, totals from the
/// view's `Totals`.
fn common_mentions(view: &DocumentView) -> Vec<String> {
    let totals = &view.totals;
    let mut expected: Vec<String> = [
        "Atelier Facturier SAS",
        "SAS au capital de 10 000 €",
        "12 quai Saint-Antoine",
        "69002 Lyon",
        "SIREN 732829320",
        "RCS Lyon 732 829 320",
        "N° TVA intracommunautaire : FR44732829320",
        "Atelier Lenoir SARL",
        "4 rue Neuve",
        "69003 Lyon",
        "SIREN 552100554",
        "N° TVA intracommunautaire : FR96552100554",
        "Audit de sécurité",
        "Livre technique",
        "Date d'émission : 02/03/2026",
        "Bon de commande : PO-7781",
        "Date de livraison : 27/02/2026",
        "Entrepôt 7, zone des Gaulnes",
        "20 %",
        "5,5 %",
        "-10 %",
        "45,00",
        "18,55",
    ]
    .iter()
    .map(|text| text.to_string())
    .collect();
    expected.push(format!("Total HT {} €", french(totals.tax_exclusive_total)));
    expected.push(format!("Total TVA {} €", french(totals.tax_total)));
    expected.push(format!(
        "Total TTC {} €",
        french(totals.tax_inclusive_total)
    ));
    for entry in &totals.vat_breakdown {
        expected.push(format!(
            "{} {}",
            french(entry.taxable_amount),
            french(entry.tax_amount)
        ));
    }
    for line in &totals.lines {
        expected.push(french(line.net_amount));
    }
    expected
}

fn invoice_mentions() -> Vec<String> {
    [
        "Date d'échéance : 01/04/2026",
        "Conditions de paiement : 30 jours net",
        "IBAN FR7630006000011234567890189",
        "BIC AGRIFRPP",
        "Pas d'escompte pour paiement anticipé",
        "Pénalités de retard : taux annuel de 10 %",
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
        "Nature de l'opération : prestation de services",
    ]
    .iter()
    .map(|text| text.to_string())
    .collect()
}

fn check_pdf(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    assert_qpdf_check(pdf);
    assert_fonts_embedded(pdf);
    flat_text(pdf)
}

fn issued_invoice(books: &mut Books) -> (i64, String) {
    let id = draft(books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    (id, number)
}

#[test]
fn invoice_prints_every_mandatory_mention() {
    let (_dir, mut books) = books();
    let (id, number) = issued_invoice(&mut books);
    let view = books.view(id, facturier::books::today()).unwrap();
    let text = check_pdf(&books.pdf(id).unwrap());

    assert!(text.contains("FACTURE"), "title missing:\n{text}");
    assert!(
        text.contains(&format!("N° {number}")),
        "number missing:\n{text}"
    );
    assert_contains_all(&text, &common_mentions(&view));
    assert_contains_all(&text, &invoice_mentions());
    assert!(text.contains(&flat(&format!(
        "Net à payer {} €",
        french(view.totals.amount_due)
    ))));
    assert!(
        !text.contains("débits"),
        "VAT on debits printed without the option:\n{text}"
    );
}

#[test]
fn credit_note_names_the_invoice_it_cancels() {
    let (_dir, mut books) = books();
    let (invoice_id, invoice_number) = issued_invoice(&mut books);
    let credit_number = books
        .cancel(
            invoice_id,
            None,
            Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap()),
        )
        .unwrap();
    let id = books.find(&credit_number).unwrap();
    let view = books.view(id, facturier::books::today()).unwrap();
    let text = check_pdf(&books.pdf(id).unwrap());

    assert!(text.contains("AVOIR"), "title missing:\n{text}");
    assert!(text.contains(&format!("N° {credit_number}")));
    assert!(
        text.contains(&format!(
            "Avoir relatif à la facture {invoice_number} (02/03/2026)"
        )),
        "the cancelled invoice is not named:\n{text}"
    );
    let mut expected = common_mentions(&view);
    expected.retain(|phrase| !phrase.starts_with("Date d'émission"));
    assert_contains_all(&text, &expected);
    assert!(text.contains("Nature de l'opération : prestation de services"));
}

#[test]
fn quote_and_order_render_with_totals() {
    let (_dir, mut books) = books();
    for (kind, title) in [
        (DocumentKind::Quote, "DEVIS"),
        (DocumentKind::Order, "CONFIRMATION DE COMMANDE"),
    ] {
        let id = draft(&mut books, kind, INVOICE);
        let draft_text = check_pdf(&books.pdf(id).unwrap());
        assert!(
            draft_text.contains("Brouillon"),
            "a draft is not marked as such:\n{draft_text}"
        );

        let number = books.issue(id, None).unwrap();
        let view = books.view(id, facturier::books::today()).unwrap();
        let text = check_pdf(&books.pdf(id).unwrap());
        assert!(text.contains(title), "title {title} missing:\n{text}");
        assert!(text.contains(&format!("N° {number}")));
        assert_contains_all(&text, &common_mentions(&view));
        assert!(
            books.archived_pdf_sha256(id).unwrap().is_none(),
            "only invoices and credit notes are archived"
        );
    }
}

#[test]
fn vat_scenarios_print_their_legal_wording() {
    let cases = [
        (
            r#"{"category": "E"}"#,
            "TVA non applicable, art. 293 B du CGI",
            "FR96552100554",
            "FR",
        ),
        (
            r#"{"category": "AE"}"#,
            "Autoliquidation",
            "FR96552100554",
            "FR",
        ),
        (
            r#"{"category": "K"}"#,
            "Exonération de TVA, article 262 ter I du CGI (livraison intracommunautaire)",
            "DE811907980",
            "DE",
        ),
        (
            r#"{"category": "G"}"#,
            "Exonération de TVA, article 262 I du CGI (exportation)",
            "",
            "US",
        ),
    ];
    for (vat, wording, buyer_vat_id, country) in cases {
        let (_dir, mut books) = books();
        let vat_id = if buyer_vat_id.is_empty() {
            String::new()
        } else {
            format!(r#""vat_id": "{buyer_vat_id}","#)
        };
        let json = format!(
            r#"{{"customer": {{"name": "Client {country}", {vat_id}
                "address": {{"line1": "1 Main Street", "postcode": "10001", "city": "Town", "country": "{country}"}}}},
               "currency": "EUR", "issue_date": "2026-03-02",
               "lines": [{{"description": "Conseil", "quantity": "1", "unit": "C62", "unit_price": "100.00", "vat": {vat}}}]}}"#
        );
        let id = draft(&mut books, DocumentKind::Invoice, &json);
        books.issue(id, None).unwrap();
        let text = check_pdf(&books.pdf(id).unwrap());
        assert!(
            text.contains(wording),
            "{vat}: {wording:?} missing:\n{text}"
        );
        assert!(
            text.contains("Total TTC 100,00 €"),
            "{vat}: total missing:\n{text}"
        );
    }
}

#[test]
fn nature_and_vat_on_debits_follow_the_data() {
    let (_dir, mut books) = books();
    let mut company = books.company().unwrap().unwrap();
    company.vat_on_debits = true;
    company.early_payment_discount = "2 % pour paiement sous 8 jours".to_string();
    books.set_company(&company).unwrap();
    for (code, nature) in [
        ("LIV", ProductNature::Goods),
        ("SRV", ProductNature::Service),
    ] {
        books
            .add_product(&Product {
                id: 0,
                code: code.to_string(),
                name: format!("Produit {code}"),
                description: String::new(),
                unit: "C62".to_string(),
                vat: Vat::standard(dec!(20)),
                nature,
                archived: false,
            })
            .unwrap();
    }
    let cases = [
        (
            r#"[{"product_code": "LIV", "quantity": "1", "unit_price": "10.00"}]"#,
            "livraison de biens",
        ),
        (
            r#"[{"product_code": "LIV", "quantity": "1", "unit_price": "10.00"}, {"product_code": "SRV", "quantity": "1", "unit_price": "10.00"}]"#,
            "livraison de biens et prestation de services",
        ),
    ];
    for (lines, nature) in cases {
        let json = format!(
            r#"{{"customer": {{"name": "Atelier Lenoir SARL", "address": {{"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}}}},
               "currency": "EUR", "issue_date": "2026-03-02", "lines": {lines}}}"#
        );
        let id = draft(&mut books, DocumentKind::Invoice, &json);
        books.issue(id, None).unwrap();
        let text = check_pdf(&books.pdf(id).unwrap());
        assert!(
            text.contains(&format!("Nature de l'opération : {nature}")),
            "{nature} missing:\n{text}"
        );
        assert!(text.contains("Option pour le paiement de la taxe d'après les débits"));
        assert!(text.contains("Escompte pour paiement anticipé : 2 % pour paiement sous 8 jours"));
    }
}

#[test]
fn english_letter_template_changes_wording_and_paper() {
    let (_dir, mut books) = books();
    books
        .set_template(&Template {
            language: Language::English,
            paper: PaperSize::Letter,
            footer: "Thank you for your business".to_string(),
            ..Template::default()
        })
        .unwrap();
    let (id, number) = issued_invoice(&mut books);
    let view = books.view(id, facturier::books::today()).unwrap();
    let pdf = books.pdf(id).unwrap();
    let text = check_pdf(&pdf);

    assert!(
        pdf_info(&pdf, "Page size:").starts_with("612 x 792"),
        "not US Letter"
    );
    assert!(
        text.contains(&format!("Invoice {number} · page 1 of 1")),
        "{text}"
    );
    assert!(text.contains("Thank you for your business"));
    let english = |amount| format_grouped(amount, 2, NumberStyle::English);
    for phrase in [
        "No discount for early payment".to_string(),
        "Fixed indemnity for recovery costs in case of late payment: 40 €".to_string(),
        "Nature of the operation: supply of services".to_string(),
        "Due date: 2026-04-01".to_string(),
        format!(
            "Total excl. VAT {} €",
            english(view.totals.tax_exclusive_total)
        ),
        format!(
            "Total incl. VAT {} €",
            english(view.totals.tax_inclusive_total)
        ),
    ] {
        assert!(text.contains(&phrase), "{phrase:?} missing:\n{text}");
    }
}

#[test]
fn template_rejects_invalid_colour() {
    let (_dir, mut books) = books();
    let error = books
        .set_template(&Template {
            accent_color: "blue".to_string(),
            ..Template::default()
        })
        .unwrap_err()
        .to_string();
    assert!(error.contains("\"blue\""), "{error}");
    assert!(error.contains("#RRGGBB"), "{error}");
}

fn write_png(path: &std::path::Path, width: u32, height: u32) {
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
}

#[test]
fn logo_is_embedded_as_image() {
    let (dir, mut books) = books();
    let logo = dir.path().join("logo.png");
    write_png(&logo, 40, 20);
    books
        .set_template(&Template {
            logo: Some(logo),
            ..Template::default()
        })
        .unwrap();
    let (id, _) = issued_invoice(&mut books);
    let pdf = books.pdf(id).unwrap();

    check_pdf(&pdf);
    assert_eq!(pdf_common::image_sizes(&pdf), [(40, 20)]);
}

#[test]
fn deleted_logo_does_not_block_issue() {
    let (dir, mut books) = books();
    let logo = dir.path().join("logo.png");
    write_png(&logo, 40, 20);
    books
        .set_template(&Template {
            logo: Some(logo.clone()),
            ..Template::default()
        })
        .unwrap();
    std::fs::remove_file(&logo).unwrap();

    let (id, _) = issued_invoice(&mut books);
    let pdf = books.pdf(id).unwrap();

    check_pdf(&pdf);
    assert!(pdf_common::image_sizes(&pdf).is_empty());
}

#[test]
fn template_rejects_missing_logo() {
    let (dir, mut books) = books();
    let missing = dir.path().join("absent.png");
    let error = books
        .set_template(&Template {
            logo: Some(missing.clone()),
            ..Template::default()
        })
        .unwrap_err()
        .to_string();
    assert!(error.contains(missing.to_str().unwrap()), "{error}");
    assert!(error.contains("does not exist"), "{error}");
}
