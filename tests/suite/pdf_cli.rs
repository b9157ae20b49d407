//! The `template`, `pdf`, `print` and `email --eml` commands, run as the
//! user runs them.

// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

use std::path::Path;
use std::process::{Command, Output};

use facturier::document::DocumentKind;
use pdf_common::{books, draft, flat_text};

const INVOICE: &str = r#"{
    "customer": {"name": "Atelier Lenoir SARL", "email": "compta@lenoir.example",
        "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
    "currency": "EUR", "issue_date": "2026-03-02",
    "lines": [{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
               "vat": {"category": "S", "rate": "20"}}]
}"#;

fn facturier(data_dir: &Path, arguments: &[&str], path: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_facturier"));
    command.arg("--data-dir").arg(data_dir).args(arguments);
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().unwrap()
}

#[test]
fn template_set_then_show_round_trips() {
    let (dir, books) = books();
    drop(books);
    let file = dir.path().join("template.json");
    std::fs::write(&file, r##"{"accent_color": "#336699", "footer": "Merci", "paper": "letter", "language": "english"}"##).unwrap();

    let set = facturier(
        dir.path(),
        &["template", "set", "--json", file.to_str().unwrap()],
        None,
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let show = facturier(dir.path(), &["template", "show"], None);
    let shown: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();

    assert_eq!(shown["accent_color"], "#336699");
    assert_eq!(shown["footer"], "Merci");
    assert_eq!(shown["paper"], "letter");
    assert_eq!(shown["language"], "english");
}

#[test]
fn pdf_command_renders_draft_fresh() {
    let (dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    drop(books);
    let output = dir.path().join("draft.pdf");

    let run = facturier(
        dir.path(),
        &["pdf", &id.to_string(), "-o", output.to_str().unwrap()],
        None,
    );

    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = flat_text(&std::fs::read(&output).unwrap());
    assert!(text.contains("Brouillon"), "{text}");
}

#[test]
fn print_without_viewer_says_so() {
    let (dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    drop(books);
    let empty = tempfile::tempdir().unwrap();

    let run = facturier(dir.path(), &["print", &number], Some(empty.path()));

    assert!(!run.status.success());
    let error = String::from_utf8_lossy(&run.stderr);
    assert!(
        error.contains("no desktop application could be started"),
        "{error}"
    );
    assert!(error.contains(".pdf"), "{error}");
}

#[cfg(unix)]
#[test]
fn print_opens_archived_pdf_in_viewer() {
    use std::os::unix::fs::PermissionsExt;

    let (dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    let archived = books.pdf(id).unwrap();
    drop(books);
    // A stand-in viewer that copies the file it is asked to open.
    let bin = tempfile::tempdir().unwrap();
    let opened = bin.path().join("opened.pdf");
    let viewer = bin.path().join("xdg-open");
    std::fs::write(
        &viewer,
        format!("#!/bin/sh\ncp \"$1\" \"{}\"\n", opened.display()),
    )
    .unwrap();
    std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.path().display());

    let run = facturier(dir.path(), &["print", &number], Some(Path::new(&path)));

    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        std::fs::read(&opened).unwrap() == archived,
        "the viewer got other bytes"
    );
}

#[test]
fn email_eml_command_writes_draft() {
    let (dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    drop(books);
    let eml = dir.path().join("message.eml");

    let run = facturier(
        dir.path(),
        &["email", &number, "--eml", eml.to_str().unwrap()],
        None,
    );

    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&eml).unwrap();
    assert!(text.contains("To: compta@lenoir.example"), "{text}");
    assert!(text.contains(&format!("{number}.pdf")), "{text}");

    let log = facturier(dir.path(), &["email", &number, "--log"], None);
    let listing = String::from_utf8(log.stdout).unwrap();
    assert!(listing.contains("draft"), "{listing}");
    assert!(listing.contains("compta@lenoir.example"), "{listing}");
}
