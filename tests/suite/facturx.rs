//! The PDF archived when an invoice or credit note is issued is a Factur-X
//! PDF/A-3b: the validator accepts it, the XML it embeds is the document's
//! e-invoice byte for byte, its text still shows the totals, and the
//! journal contains the SHA-256 of exactly those bytes.
//!
//! The validator is `tools/check-einvoice` of the shared test material; it
//! needs qpdf, poppler-utils and the Python packages factur-x, saxonche,
//! lxml and pikepdf. A missing validator or tool fails these tests instead
//! of skipping them.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

use std::path::PathBuf;
use std::process::Command;

use chrono::{TimeZone, Utc};
use facturier::books::Books;
use facturier::document::DocumentKind;
use facturier::einvoice::facturx::{self, FacturxError, Metadata};
use facturier::journal;
use pdf_common::{assert_fonts_embedded, assert_qpdf_check, books, draft, flat_text, run_tool};

/// 100.00 at 20 % and 50.00 at 5.5 %, less a 10 % document discount spread
/// over both rates: VAT 18.00 + 2.48, total 155.48.
const TWO_RATES: &str = r#"{
    "customer": {"name": "Atelier Lenoir SARL",
        "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
    "currency": "EUR", "issue_date": "2026-03-02",
    "lines": [
        {"description": "Audit", "quantity": "1", "unit": "C62", "unit_price": "100.00",
         "vat": {"category": "S", "rate": "20"}},
        {"description": "Ouvrage", "quantity": "1", "unit": "C62", "unit_price": "50.00",
         "vat": {"category": "S", "rate": "5.5"}}],
    "allowances": [{"percent": "10", "reason": "Remise"}]
}"#;

/// A supply of goods to a Dutch business: VAT category K, exempt.
const INTRA_EU: &str = r#"{
    "customer": {"name": "Brouwerij Jansen BV", "vat_id": "NL123456789B01",
        "address": {"line1": "Kade 7", "postcode": "1011 AB", "city": "Amsterdam", "country": "NL"}},
    "currency": "EUR", "issue_date": "2026-03-03",
    "lines": [{"description": "Fûts", "quantity": "2", "unit": "C62", "unit_price": "500.00",
               "vat": {"category": "K", "rate": "0"}}]
}"#;

fn validator() -> PathBuf {
    crate::common::shared_material("tools/check-einvoice")
}

/// Runs the validator on `pdf` and fails with its whole report unless no
/// check fails.
fn assert_valid_facturx(pdf: &[u8], name: &str) {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    // Through bash, so that a copy without the executable bit still runs.
    let output = Command::new("bash")
        .arg(validator())
        .arg(file.path())
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", validator().display()));
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{name}: the Factur-X PDF is rejected (exit {:?}):\n{report}\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(report.contains(" 0 FAIL"), "{name}:\n{report}");
    for check in [
        "PASS    pdf.pdfa3-basics",
        "PASS    pdf.embedded-invoice-xml: factur-x.xml",
        "PASS    pdf.xmp-facturx",
        "PASS    pdf.xmp-level-matches-xml: EN 16931",
        "PASS    schematron.en16931-cen",
        "PASS    schematron.factur-x-en16931",
    ] {
        assert!(report.contains(check), "{name}: no {check:?} in\n{report}");
    }
}

/// Returns the names of the PDF's attachments, as qpdf lists them.
fn attachments(pdf: &[u8]) -> Vec<String> {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    let output = run_tool(
        "qpdf",
        &["--list-attachments", file.path().to_str().unwrap()],
    );
    assert!(output.status.success(), "qpdf --list-attachments failed");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with(' '))
        .filter_map(|line| line.split(" -> ").next())
        .filter(|name| !name.is_empty() && !name.contains("no embedded files"))
        .map(str::to_string)
        .collect()
}

/// Extracts the embedded `factur-x.xml` with qpdf.
fn embedded_xml(pdf: &[u8]) -> String {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    let output = run_tool(
        "qpdf",
        &[
            "--show-attachment=factur-x.xml",
            file.path().to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "no factur-x.xml attachment: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Checks everything the archived Factur-X PDF of document `id` must be,
/// and returns its text.
fn assert_archived_facturx(books: &mut Books, id: i64, name: &str) -> String {
    let pdf = books.pdf(id).unwrap();
    assert_valid_facturx(&pdf, name);
    assert_qpdf_check(&pdf);
    assert_fonts_embedded(&pdf);

    let xml = embedded_xml(&pdf);
    assert!(
        xml == books.einvoice_xml(id).unwrap(),
        "{name}: the embedded XML differs from Books::einvoice_xml"
    );

    let sha256 = journal::sha256_hex(&pdf);
    assert_eq!(
        books.archived_pdf_sha256(id).unwrap(),
        Some(sha256.clone()),
        "{name}: archived hash"
    );
    let number = books
        .view(id, facturier::books::today())
        .unwrap()
        .document
        .number;
    let rows = books.store().read(journal::rows).unwrap();
    let issued = rows
        .iter()
        .find(|row| row.document_number == number && row.payload.contains("pdf_sha256"))
        .unwrap_or_else(|| panic!("{name}: no issued journal row"));
    let payload: serde_json::Value = serde_json::from_str(&issued.payload).unwrap();
    assert_eq!(
        payload["pdf_sha256"],
        serde_json::Value::String(sha256),
        "{name}: journaled hash"
    );
    flat_text(&pdf)
}

#[test]
fn two_rate_invoice_with_discount() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, TWO_RATES);
    books.issue(id, None).unwrap();

    let text = assert_archived_facturx(&mut books, id, "two rates");
    for total in ["135,00", "18,00", "2,48", "155,48"] {
        assert!(text.contains(total), "{total} not printed: {text}");
    }
    let xml = books.einvoice_xml(id).unwrap();
    assert!(xml.contains("<ram:GrandTotalAmount>155.48</ram:GrandTotalAmount>"));
    assert!(xml.contains("<ram:ActualAmount>10.00</ram:ActualAmount>"));
}

#[test]
fn intra_eu_supply() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INTRA_EU);
    books.issue(id, None).unwrap();

    let text = assert_archived_facturx(&mut books, id, "intra-EU supply");
    assert!(text.contains("1 000,00"), "total not printed: {text}");
    let xml = books.einvoice_xml(id).unwrap();
    assert!(xml.contains("<ram:CategoryCode>K</ram:CategoryCode>"));
    assert!(xml.contains("VATEX-EU-IC"));
}

#[test]
fn credit_note_is_facturx() {
    let (dir, mut books) = books();
    let invoice = draft(&mut books, DocumentKind::Invoice, TWO_RATES);
    books.issue(invoice, None).unwrap();
    let number = books.cancel(invoice, None, None).unwrap();
    let id = books.find(&number).unwrap();

    let text = assert_archived_facturx(&mut books, id, "credit note");
    assert!(text.contains("155,48"), "total not printed: {text}");
    assert!(text.contains("Avoir"), "title not printed: {text}");
    let xml = embedded_xml(&books.pdf(id).unwrap());
    assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"));

    // The command line exports the same archived bytes.
    let output = dir.path().join("credit.pdf");
    let status = Command::new(env!("CARGO_BIN_EXE_facturier"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["pdf", &number, "-o"])
        .arg(&output)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        std::fs::read(&output).unwrap() == books.pdf(id).unwrap(),
        "facturier pdf exported different bytes"
    );
}

#[test]
fn quotes_and_drafts_embed_nothing() {
    let (_dir, mut books) = books();
    let invoice = draft(&mut books, DocumentKind::Invoice, TWO_RATES);
    assert_eq!(
        attachments(&books.pdf(invoice).unwrap()),
        Vec::<String>::new()
    );

    let quote = draft(&mut books, DocumentKind::Quote, TWO_RATES);
    books.issue(quote, None).unwrap();
    assert_eq!(
        attachments(&books.pdf(quote).unwrap()),
        Vec::<String>::new()
    );

    books.issue(invoice, None).unwrap();
    assert_eq!(attachments(&books.pdf(invoice).unwrap()), ["factur-x.xml"]);
}

#[test]
fn embed_writes_metadata_of_the_request() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, TWO_RATES);
    let rendered = books.pdf(id).unwrap();
    let metadata = Metadata {
        title: "Facture n° 7".to_string(),
        created: Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 0).unwrap(),
    };
    let xml = "<?xml version=\"1.0\"?><x/>";
    let pdf = facturx::embed(&rendered, xml, &metadata).unwrap();

    assert_qpdf_check(&pdf);
    assert_eq!(embedded_xml(&pdf), xml);
    assert_eq!(pdf_common::pdf_info(&pdf, "Title:"), "Facture n° 7");
    assert_eq!(
        pdf_common::pdf_info(&pdf, "CreationDate:"),
        "Mon Mar  2 09:30:00 2026 UTC"
    );
    assert!(pdf.starts_with(b"%PDF-1.7\n"));
    // The XMP packet stays uncompressed, so its text is in the file as is.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("<pdfaid:part>3</pdfaid:part>"));
    assert!(raw.contains("<xmp:CreateDate>2026-03-02T09:30:00+00:00</xmp:CreateDate>"));
    assert!(raw.contains("<rdf:li xml:lang=\"x-default\">Facture n° 7</rdf:li>"));
}

#[test]
fn embed_rejects_bytes_that_are_not_pdf() {
    let metadata = Metadata {
        title: "Facture".to_string(),
        created: Utc::now(),
    };
    let error = facturx::embed(b"not a PDF", "<x/>", &metadata).unwrap_err();
    assert!(
        matches!(error, FacturxError::Read(_)),
        "unexpected error: {error}"
    );
}

#[test]
fn three_decimal_currency_keeps_plain_pdf() {
    let (_dir, mut books) = books();
    let json = TWO_RATES.replace(
        r#""currency": "EUR""#,
        r#""currency": "KWD", "exchange_rate": "2.9000""#,
    );
    let id = draft(&mut books, DocumentKind::Invoice, &json);
    books.issue(id, None).unwrap();

    let pdf = books.pdf(id).unwrap();
    assert_qpdf_check(&pdf);
    assert_eq!(attachments(&pdf), Vec::<String>::new());
    assert!(books.einvoice_xml(id).is_err());
    assert_eq!(
        books.archived_pdf_sha256(id).unwrap(),
        Some(journal::sha256_hex(&pdf))
    );
}

#[test]
fn invoice_with_transparent_logo() {
    let (dir, mut books) = books();
    let logo = dir.path().join("logo.png");
    let file = std::fs::File::create(&logo).unwrap();
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), 40, 20);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    let pixels: Vec<u8> = (0..40 * 20 * 4).map(|i| (i % 251) as u8).collect();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    books
        .set_template(&facturier::pdf::Template {
            logo: Some(logo),
            ..facturier::pdf::Template::default()
        })
        .unwrap();
    let id = draft(&mut books, DocumentKind::Invoice, TWO_RATES);
    books.issue(id, None).unwrap();

    let text = assert_archived_facturx(&mut books, id, "logo with alpha");
    assert!(text.contains("155,48"), "total not printed: {text}");
    // PDF/A-3 allows a soft mask, which carries the logo's alpha channel:
    // pdfimages lists the image and its mask.
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), books.pdf(id).unwrap()).unwrap();
    let output = run_tool("pdfimages", &["-list", file.path().to_str().unwrap()]);
    let listing = String::from_utf8(output.stdout).unwrap();
    let types: Vec<&str> = listing
        .lines()
        .skip(2)
        .filter_map(|line| line.split_whitespace().nth(2))
        .collect();
    assert_eq!(types, ["image", "smask"], "{listing}");
}
