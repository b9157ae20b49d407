//! Accented Central European letters, the euro sign and the naira sign are
//! printed with real glyphs and extracted back exactly.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

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
}
