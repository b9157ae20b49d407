//! Accented Central European letters, the euro sign and the naira sign are
//! printed with real glyphs and extracted back exactly. Characters without a
//! glyph block issuing, with the field named, before any rendering.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

use facturier::books::today;
use facturier::compliance::{self, Severity};
use facturier::document::DocumentKind;
use facturier::pdf::{Language, Template};
use pdf_common::{assert_fonts_embedded, assert_qpdf_check, books, draft, text};

fn english(books: &mut facturier::books::Books) {
    books
        .set_template(&Template {
            language: Language::English,
            ..Template::default()
        })
        .unwrap();
}

fn assert_no_replacement(text: &str) {
    assert!(
        !text.contains('?'),
        "a character was replaced by \"?\":\n{text}"
    );
    assert!(
        !text.contains('\u{fffd}'),
        "a character was replaced by U+FFFD:\n{text}"
    );
    assert!(
        !text.contains('\u{25a1}'),
        "an empty box was printed:\n{text}"
    );
}

#[test]
fn central_european_letters_and_euro_extract_exactly() {
    let (_dir, mut books) = books();
    english(&mut books);
    let json = r#"{
        "customer": {"name": "Čačak Ćilimi d.o.o.",
            "address": {"line1": "ul. Piotrkowska 12", "postcode": "90-001", "city": "Łódź", "country": "PL"}},
        "currency": "EUR", "issue_date": "2026-03-02",
        "lines": [{"description": "Kávéőrlő", "quantity": "1", "unit": "C62", "unit_price": "1234.56",
                   "vat": {"category": "S", "rate": "20"}}]
    }"#;
    let id = draft(&mut books, DocumentKind::Invoice, json);
    books.issue(id, None).unwrap();
    let pdf = books.pdf(id).unwrap();
    assert_qpdf_check(&pdf);
    assert_fonts_embedded(&pdf);
    let text = text(&pdf);

    for expected in ["€", "Čačak Ćilimi d.o.o.", "Łódź", "Kávéőrlő"] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    let total_line = text
        .lines()
        .find(|line| line.contains("Total incl. VAT"))
        .unwrap_or_else(|| panic!("no total line:\n{text}"));
    assert!(
        total_line.ends_with("1,481.47 €"),
        "total reads {total_line:?}"
    );
    assert_no_replacement(&text);
}

#[test]
fn naira_sign_extracts_exactly() {
    let (_dir, mut books) = books();
    english(&mut books);
    let json = r#"{
        "customer": {"name": "Adebayo Trading Ltd",
            "address": {"line1": "14 Broad Street", "postcode": "100221", "city": "Lagos", "country": "NG"}},
        "currency": "NGN", "exchange_rate": "0.00062", "issue_date": "2026-03-02",
        "lines": [{"description": "Consulting", "quantity": "2", "unit": "HUR", "unit_price": "50000.00",
                   "vat": {"category": "G"}}]
    }"#;
    let id = draft(&mut books, DocumentKind::Invoice, json);
    books.issue(id, None).unwrap();
    let pdf = books.pdf(id).unwrap();
    assert_qpdf_check(&pdf);
    assert_fonts_embedded(&pdf);
    let text = text(&pdf);

    assert!(
        text.contains("100,000.00 ₦"),
        "naira total missing:\n{text}"
    );
    assert!(text.contains("Amounts in NGN"), "{text}");
    assert_no_replacement(&text);
}

#[test]
fn character_without_glyph_is_rejected_not_boxed() {
    let (_dir, mut books) = books();
    let json = r#"{
        "customer": {"name": "Client", "address": {"line1": "1 rue A", "postcode": "75001", "city": "Paris", "country": "FR"}},
        "currency": "EUR",
        "lines": [{"description": "Thé 漢", "quantity": "1", "unit": "C62", "unit_price": "1.00",
                   "vat": {"category": "S", "rate": "20"}}]
    }"#;
    let id = draft(&mut books, DocumentKind::Invoice, json);
    let error = books.pdf(id).unwrap_err().to_string();
    assert!(error.contains("U+6F22"), "{error}");
    assert!(error.contains("Thé 漢"), "{error}");
    assert!(error.contains("the description of line 1"), "{error}");
}

/// Returns a complete French invoice to the customer `name`.
fn invoice_to(name: &str) -> String {
    format!(
        r#"{{
        "customer": {{"name": "{name}", "siren": "552100554",
            "address": {{"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}}}},
        "currency": "EUR", "issue_date": "2026-03-02", "delivery_date": "2026-03-02",
        "lines": [{{"description": "Audit", "quantity": "1", "unit": "C62", "unit_price": "100.00",
                   "vat": {{"category": "S", "rate": "20"}}}}]
    }}"#
    )
}

/// Returns the checklist findings of `id` about characters the fonts lack.
fn unprintable_findings(
    books: &mut facturier::books::Books,
    id: facturier::document::DocumentId,
) -> Vec<compliance::Finding> {
    books
        .checklist(id)
        .unwrap()
        .into_iter()
        .filter(|finding| finding.code == compliance::UNPRINTABLE)
        .collect()
}

#[test]
fn ideographs_in_buyer_name_block_issue() {
    let (_dir, mut books) = books();
    let id = draft(
        &mut books,
        DocumentKind::Invoice,
        &invoice_to("株式会社 Tanaka"),
    );

    let unprintable = unprintable_findings(&mut books, id);
    assert_eq!(unprintable.len(), 1, "{unprintable:#?}");
    let finding = &unprintable[0];
    assert_eq!(finding.severity, Severity::Blocking);
    let message = &finding.message;
    assert!(message.starts_with("the customer's name"), "{message}");
    assert!(message.contains("株 式 会 社"), "{message}");
    assert!(
        message.contains("U+682A, U+5F0F, U+4F1A, U+793E"),
        "{message}"
    );
    assert!(message.contains("in Latin letters"), "{message}");

    let error = books.issue(id, None).unwrap_err().to_string();
    assert!(error.contains("the customer's name"), "{error}");
    assert!(error.contains("株 式 会 社"), "{error}");
    assert!(!books.view(id, today()).unwrap().document.issued);
}

#[test]
fn ideographs_in_draft_preview_name_field() {
    let (_dir, mut books) = books();
    let id = draft(
        &mut books,
        DocumentKind::Invoice,
        &invoice_to("株式会社 Tanaka"),
    );
    let error = books.pdf(id).unwrap_err().to_string();
    assert!(error.contains("the customer's name"), "{error}");
    assert!(error.contains("株 式 会 社"), "{error}");
    assert!(error.contains("in Latin letters"), "{error}");
}

#[test]
fn transliterated_buyer_name_issues() {
    let (_dir, mut books) = books();
    let id = draft(
        &mut books,
        DocumentKind::Invoice,
        &invoice_to("Kabushiki Kaisha Tanaka"),
    );
    let findings = books.checklist(id).unwrap();
    assert!(
        findings
            .iter()
            .all(|finding| finding.severity != Severity::Blocking),
        "{findings:#?}"
    );
    books.issue(id, None).unwrap();
    let pdf = books.pdf(id).unwrap();
    assert_qpdf_check(&pdf);
    assert!(text(&pdf).contains("Kabushiki Kaisha Tanaka"));
}

#[test]
fn unprintable_finding_names_each_field() {
    let (_dir, mut books) = books();
    let json = r#"{
        "customer": {"name": "Client", "address": {"line1": "1 rue A", "postcode": "75001", "city": "東京", "country": "FR"}},
        "currency": "EUR", "note": "Merci 🙂",
        "lines": [{"description": "Audit", "quantity": "1", "unit": "C62", "unit_price": "1.00",
                   "vat": {"category": "S", "rate": "20"}},
                  {"description": "Thé 漢", "quantity": "1", "unit": "C62", "unit_price": "1.00",
                   "vat": {"category": "S", "rate": "20"}}]
    }"#;
    let id = draft(&mut books, DocumentKind::Invoice, json);
    let messages: Vec<String> = unprintable_findings(&mut books, id)
        .into_iter()
        .map(|finding| finding.message)
        .collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(
        messages[0].starts_with("the customer's billing address"),
        "{messages:#?}"
    );
    assert!(messages[0].contains("東 京"), "{messages:#?}");
    assert!(messages[1].starts_with("the note"), "{messages:#?}");
    assert!(messages[1].contains("U+1F642"), "{messages:#?}");
    assert!(
        messages[2].starts_with("the description of line 2"),
        "{messages:#?}"
    );
    assert!(messages[2].contains("U+6F22"), "{messages:#?}");
}

#[test]
fn template_footer_with_ideographs_rejected() {
    let (_dir, mut books) = books();
    let template = Template {
        footer: "Bureau de 東京 · merci".to_string(),
        ..Template::default()
    };

    let error = books.set_template(&template).unwrap_err().to_string();

    assert!(error.starts_with("the footer text"), "{error}");
    assert!(error.contains("東 京"), "{error}");
    assert!(error.contains("U+6771, U+4EAC"), "{error}");
    assert!(error.contains("in Latin letters"), "{error}");
    assert_eq!(books.template().unwrap(), Template::default());
}

#[test]
fn template_footer_in_greek_saved() {
    let (_dir, mut books) = books();
    let template = Template {
        footer: "Ευχαριστούμε · Спасибо · Děkujeme\nIBAN FR76".to_string(),
        ..Template::default()
    };

    books.set_template(&template).unwrap();

    assert_eq!(books.template().unwrap(), template);
}

#[test]
fn template_footer_rejected_by_cli() {
    let (dir, books) = books();
    drop(books);
    let file = dir.path().join("template.json");
    std::fs::write(&file, r#"{"footer": "Tōkyō 東京"}"#).unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_facturier"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["template", "set", "--json"])
        .arg(&file)
        .output()
        .unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("the footer text"), "{stderr}");
    assert!(stderr.contains("U+6771, U+4EAC"), "{stderr}");
    assert!(stderr.contains("in Latin letters"), "{stderr}");
}

/// Writes a template JSON straight into the settings table, as a version
/// that did not check the footer's characters could have saved it.
fn save_unchecked_template(data_dir: &std::path::Path, footer: &str) {
    let template = Template {
        footer: footer.to_string(),
        ..Template::default()
    };
    let connection =
        rusqlite::Connection::open(data_dir.join(facturier::store::DATABASE_FILE)).unwrap();
    connection
        .execute(
            "INSERT INTO settings (key, value) VALUES ('template', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [serde_json::to_string(&template).unwrap()],
        )
        .unwrap();
}

#[test]
fn older_footer_with_ideographs_blocks_issue() {
    let (dir, books) = books();
    drop(books);
    save_unchecked_template(dir.path(), "株式会社 Tanaka");
    let mut books = facturier::books::Books::open(dir.path()).unwrap();
    let id = draft(
        &mut books,
        DocumentKind::Invoice,
        &invoice_to("Kabushiki Kaisha Tanaka"),
    );

    let unprintable = unprintable_findings(&mut books, id);
    assert_eq!(unprintable.len(), 1, "{unprintable:#?}");
    assert_eq!(unprintable[0].severity, Severity::Blocking);
    let message = &unprintable[0].message;
    assert!(
        message.starts_with("the template's footer text"),
        "{message}"
    );
    assert!(message.contains("株 式 会 社"), "{message}");
    assert!(message.contains("in Latin letters"), "{message}");

    let error = books.issue(id, None).unwrap_err().to_string();
    assert!(error.contains("the template's footer text"), "{error}");
    assert!(!books.view(id, today()).unwrap().document.issued);
}

#[test]
fn older_footer_fixed_lets_issue() {
    let (dir, books) = books();
    drop(books);
    save_unchecked_template(dir.path(), "東京");
    let mut books = facturier::books::Books::open(dir.path()).unwrap();
    let id = draft(
        &mut books,
        DocumentKind::Invoice,
        &invoice_to("Kabushiki Kaisha Tanaka"),
    );
    let fixed = Template {
        footer: "Tōkyō".to_string(),
        ..Template::default()
    };

    books.set_template(&fixed).unwrap();

    let findings = books.checklist(id).unwrap();
    assert!(
        findings
            .iter()
            .all(|finding| finding.code != compliance::UNPRINTABLE),
        "{findings:#?}"
    );
    books.issue(id, None).unwrap();
    let pdf = books.pdf(id).unwrap();
    assert_qpdf_check(&pdf);
    assert!(text(&pdf).contains("Tōkyō"));
}
