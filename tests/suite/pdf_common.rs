//! Shared set-up of the PDF tests: a real database in a temporary folder,
//! and the poppler and qpdf tools that read the PDFs back.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use facturier::books::Books;
use facturier::document::{Company, DocumentKind};
use facturier::input::parse_draft;
use tempfile::TempDir;

pub const COMPANY: &str = r#"{
    "name": "Atelier Facturier SAS", "legal_form": "SAS", "share_capital": "10 000 €",
    "siren": "732829320", "rcs": "RCS Lyon 732 829 320", "vat_id": "FR44732829320",
    "address": {"line1": "12 quai Saint-Antoine", "postcode": "69002", "city": "Lyon", "country": "FR"},
    "iban": "FR7630006000011234567890189", "bic": "AGRIFRPP", "email": "compta@example.fr"
}"#;

/// Books in a fresh temporary data folder, with the company set.
pub fn books() -> (TempDir, Books) {
    let dir = tempfile::tempdir().unwrap();
    let mut books = Books::open(dir.path()).unwrap();
    let company: Company = serde_json::from_str(COMPANY).unwrap();
    books.set_company(&company).unwrap();
    (dir, books)
}

pub fn draft(books: &mut Books, kind: DocumentKind, json: &str) -> i64 {
    let input = parse_draft(json).unwrap();
    books.create_draft(kind, &input).unwrap()
}

/// Runs an external tool, failing the test with an installation hint when
/// the tool is missing: these checks must never pass silently.
pub fn run_tool(program: &str, arguments: &[&str]) -> std::process::Output {
    match Command::new(program).args(arguments).output() {
        Ok(output) => output,
        Err(error) => panic!(
            "{program} could not be run ({error}): install it (apt-get install qpdf poppler-utils)"
        ),
    }
}

fn write_temp(bytes: &[u8]) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    file
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Extracts the text with pdftotext, keeping the physical layout so that a
/// label and its value on one row stay on one line.
pub fn text(pdf: &[u8]) -> String {
    let file = write_temp(pdf);
    let output = run_tool(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", path_str(file.path()), "-"],
    );
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Extracts the text with every run of white space made a single space, so
/// that a mention wrapped over two lines still reads as one phrase.
pub fn flat_text(pdf: &[u8]) -> String {
    text(pdf).split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn assert_qpdf_check(pdf: &[u8]) {
    let file = write_temp(pdf);
    let output = run_tool("qpdf", &["--check", path_str(file.path())]);
    assert!(
        output.status.success(),
        "qpdf --check failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Checks with pdffonts that the PDF uses fonts and embeds every one.
pub fn assert_fonts_embedded(pdf: &[u8]) {
    let file = write_temp(pdf);
    let output = run_tool("pdffonts", &[path_str(file.path())]);
    assert!(output.status.success(), "pdffonts failed");
    let listing = String::from_utf8(output.stdout).unwrap();
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(!fonts.is_empty(), "the PDF uses no font:\n{listing}");
    for font in fonts {
        let columns: Vec<&str> = font.split_whitespace().collect();
        // Columns from the right: object id (2), uni, sub, emb.
        let embedded = columns[columns.len() - 5];
        assert_eq!(embedded, "yes", "font not embedded: {font}");
    }
}

/// Returns the page count that pdfinfo reads.
pub fn page_count(pdf: &[u8]) -> usize {
    pdf_info(pdf, "Pages:").parse().unwrap()
}

/// Returns a field of pdfinfo's output, such as "Page size:".
pub fn pdf_info(pdf: &[u8], field: &str) -> String {
    let file = write_temp(pdf);
    let output = run_tool("pdfinfo", &[path_str(file.path())]);
    let info = String::from_utf8(output.stdout).unwrap();
    info.lines()
        .find_map(|line| line.strip_prefix(field))
        .unwrap_or_else(|| panic!("pdfinfo printed no {field}:\n{info}"))
        .trim()
        .to_string()
}

/// One word with its box, as `pdftotext -bbox` prints it (points, from the
/// top left corner of its page).
#[derive(Debug, Clone)]
pub struct Word {
    pub page: usize,
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
    pub text: String,
}

/// Returns the page size and every word's box.
pub fn words(pdf: &[u8]) -> ((f32, f32), Vec<Word>) {
    let file = write_temp(pdf);
    let output = run_tool("pdftotext", &["-bbox", path_str(file.path()), "-"]);
    let html = String::from_utf8(output.stdout).unwrap();
    let attribute = |tag: &str, name: &str| -> f32 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    let mut size = (0.0, 0.0);
    let mut page = 0;
    let mut words = Vec::new();
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            page += 1;
            size = (attribute(line, "width"), attribute(line, "height"));
        } else if line.starts_with("<word ") {
            let text_start = line.find('>').unwrap() + 1;
            let text_end = line.rfind("</word>").unwrap();
            words.push(Word {
                page,
                x_min: attribute(line, "xMin"),
                y_min: attribute(line, "yMin"),
                x_max: attribute(line, "xMax"),
                y_max: attribute(line, "yMax"),
                text: line[text_start..text_end].to_string(),
            });
        }
    }
    (size, words)
}

/// Returns the width and height in pixels of every image pdfimages lists.
pub fn image_sizes(pdf: &[u8]) -> Vec<(u32, u32)> {
    let file = write_temp(pdf);
    let output = run_tool("pdfimages", &["-list", path_str(file.path())]);
    assert!(output.status.success(), "pdfimages failed");
    let listing = String::from_utf8(output.stdout).unwrap();
    listing
        .lines()
        .skip(2)
        .map(|line| {
            let columns: Vec<&str> = line.split_whitespace().collect();
            (columns[3].parse().unwrap(), columns[4].parse().unwrap())
        })
        .collect()
}
