//! An issued invoice's PDF is rendered once, stored with its SHA-256 in the
//! journal, and returned unchanged after the company or template changes.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

use std::process::Command;

use facturier::document::DocumentKind;
use facturier::journal;
use facturier::pdf::{Language, PaperSize, Template};
use pdf_common::{books, draft, flat_text};

const INVOICE: &str = r#"{
    "customer": {"name": "Atelier Lenoir SARL",
        "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
    "currency": "EUR", "issue_date": "2026-03-02",
    "lines": [{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
               "vat": {"category": "S", "rate": "20"}}]
}"#;

#[test]
fn issue_archives_pdf_and_journals_its_hash() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();

    let pdf = books.pdf(id).unwrap();
    let sha256 = journal::sha256_hex(&pdf);
    assert_eq!(books.archived_pdf_sha256(id).unwrap(), Some(sha256.clone()));
    let rows = books.store().read(journal::rows).unwrap();
    let issued = rows
        .iter()
        .find(|row| row.document_number.as_deref() == Some(number.as_str()))
        .expect("no journal row for the issued invoice");
    let payload: serde_json::Value = serde_json::from_str(&issued.payload).unwrap();
    assert_eq!(payload["pdf_sha256"], serde_json::Value::String(sha256));
}

#[test]
fn issued_pdf_survives_company_and_template_changes() {
    let (dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    let archived = books.pdf(id).unwrap();

    let mut company = books.company().unwrap().unwrap();
    company.name = "Nouveau Nom SAS".to_string();
    company.iban = "FR1420041010050500013M02606".to_string();
    books.set_company(&company).unwrap();
    let template = Template {
        language: Language::English,
        paper: PaperSize::Letter,
        accent_color: "#AA0000".to_string(),
        footer: "New footer".to_string(),
        ..Template::default()
    };
    books.set_template(&template).unwrap();

    assert!(
        books.pdf(id).unwrap() == archived,
        "the library returned a different PDF"
    );
    let output = dir.path().join("export.pdf");
    let status = Command::new(env!("CARGO_BIN_EXE_facturier"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["pdf", &number, "-o"])
        .arg(&output)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        std::fs::read(&output).unwrap() == archived,
        "facturier pdf exported different bytes"
    );

    // A fresh rendering does show the changes, so the test above compares
    // against something that would differ.
    let preview = books.preview_pdf(id, &template).unwrap();
    assert!(preview != archived);
    let text = flat_text(&preview);
    assert!(text.contains("New footer"), "{text}");
    let archived_text = flat_text(&archived);
    assert!(
        archived_text.contains("Atelier Facturier SAS"),
        "{archived_text}"
    );
    assert!(
        !archived_text.contains("Nouveau Nom SAS"),
        "{archived_text}"
    );
}

#[test]
fn archived_pdf_cannot_be_rewritten() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    books.issue(id, None).unwrap();
    let connection = books.store().connection();
    let update = connection.execute(
        "UPDATE issued_pdfs SET bytes = x'00' WHERE document_id = ?1",
        [id],
    );
    assert!(update.is_err(), "an archived PDF was updated");
    let delete = connection.execute("DELETE FROM issued_pdfs WHERE document_id = ?1", [id]);
    assert!(delete.is_err(), "an archived PDF was deleted");
}

#[test]
fn draft_pdf_follows_current_template() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    assert!(flat_text(&books.pdf(id).unwrap()).contains("FACTURE"));
    books
        .set_template(&Template {
            language: Language::English,
            ..Template::default()
        })
        .unwrap();
    let text = flat_text(&books.pdf(id).unwrap());
    assert!(text.contains("INVOICE"), "{text}");
    assert!(text.contains("Draft, not a legal document"), "{text}");
    assert_eq!(books.archived_pdf_sha256(id).unwrap(), None);
}

#[test]
fn verify_detects_altered_archived_pdf() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    assert!(facturier::verify::verify(&mut books).unwrap().is_clean());

    // Only a client that drops the append-only triggers can alter the
    // archive; verify must still notice.
    let connection = books.store().connection();
    connection
        .execute_batch("DROP TRIGGER issued_pdfs_no_update")
        .unwrap();
    connection
        .execute(
            "UPDATE issued_pdfs SET bytes = x'00' WHERE document_id = ?1",
            [id],
        )
        .unwrap();

    let report = facturier::verify::verify(&mut books).unwrap();
    let problems: Vec<&String> = report.problems().collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains(&number), "{problems:?}");
    assert!(problems[0].contains("archived PDF differs"), "{problems:?}");
}
