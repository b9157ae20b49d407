//! Helpers shared by the integration tests: a real data folder in a temporary
//! directory, a complete seller, and a runner for the real `facturier` binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use facturier::books::Books;
use facturier::document::{Address, Company};
use facturier::input::parse_draft;
use rust_decimal::Decimal;
use serde_json::Value;
use tempfile::TempDir;

/// Returns a seller with every mandatory mention filled in.
pub fn company() -> Company {
    Company {
        name: "Atelier Facturier SAS".to_string(),
        legal_form: "SAS".to_string(),
        share_capital: "10 000 €".to_string(),
        siren: "732829320".to_string(),
        siret: "73282932000074".to_string(),
        rcs: "RCS Lyon 732 829 320".to_string(),
        vat_id: "FR44732829320".to_string(),
        address: Address {
            line1: "12 quai Saint-Antoine".to_string(),
            line2: None,
            postcode: "69002".to_string(),
            city: "Lyon".to_string(),
            country: "FR".to_string(),
        },
        iban: "FR7630006000011234567890189".to_string(),
        bic: "AGRIFRPP".to_string(),
        email: "compta@example.fr".to_string(),
        ..Company::default()
    }
}

/// A data folder with the company set, opened through the core.
pub struct Fixture {
    pub dir: TempDir,
    pub books: Books,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut books = Books::open(dir.path()).expect("open books");
        books.set_company(&company()).expect("set company");
        Fixture { dir, books }
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Creates a draft invoice from JSON text.
    pub fn draft(&mut self, json: &str) -> i64 {
        let input = parse_draft(json).expect("valid draft JSON");
        self.books
            .create_draft(facturier::document::DocumentKind::Invoice, &input)
            .expect("create draft")
    }

    /// Creates and issues an invoice; returns its number.
    pub fn issued(&mut self, json: &str) -> String {
        let id = self.draft(json);
        self.books.issue(id, None).expect("issue")
    }
}

/// Builds a draft JSON with a French customer, the given lines and extra fields.
pub fn invoice_json(issue_date: &str, lines: &str, extra: &str) -> String {
    format!(
        r#"{{"customer": {{"name": "Atelier Lenoir SARL", "siren": "552100554",
              "address": {{"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}}}},
            "currency": "EUR", "issue_date": "{issue_date}", "lines": [{lines}]{extra}}}"#
    )
}

/// Builds one written-in line at a standard VAT rate.
pub fn line(quantity: &str, price: &str, rate: &str) -> String {
    format!(
        r#"{{"description": "Service", "quantity": "{quantity}", "unit": "C62", "unit_price": "{price}",
            "vat": {{"category": "S", "rate": "{rate}"}}}}"#
    )
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).expect("decimal literal")
}

/// Returns the path of the `facturier` binary that cargo built for this test run.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_facturier"))
}

/// Runs `facturier --data-dir DIR ARGS...`.
pub fn run(data_dir: &Path, args: &[&str]) -> Output {
    run_with_env(data_dir, args, &[])
}

pub fn run_with_env(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary());
    command.arg("--data-dir").arg(data_dir).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run facturier")
}

/// Runs a command that must succeed and returns its trimmed stdout.
pub fn ok(data_dir: &Path, args: &[&str]) -> String {
    let output = run(data_dir, args);
    assert!(
        output.status.success(),
        "facturier {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Runs a command that must fail and returns its stderr.
pub fn fails(data_dir: &Path, args: &[&str]) -> String {
    let output = run(data_dir, args);
    assert!(
        !output.status.success(),
        "facturier {args:?} should have failed but printed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stderr).to_string()
}

pub fn json(data_dir: &Path, args: &[&str]) -> Value {
    let text = ok(data_dir, args);
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("facturier {args:?} printed invalid JSON ({error}): {text}"))
}

/// Writes `content` to `name` in `dir` and returns the path as a string.
pub fn write_file(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write test file");
    path.to_string_lossy().to_string()
}

/// Prepares a data folder through the command line, with the company set.
pub fn cli_folder() -> TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    let company = serde_json::to_string(&company()).expect("company JSON");
    let path = write_file(dir.path(), "company.json", &company);
    ok(
        &dir.path().join("data"),
        &["company", "set", "--json", &path],
    );
    dir
}

/// Creates a draft invoice through the command line and issues it; returns
/// the number.
pub fn cli_issue(folder: &Path, name: &str, json: &str) -> String {
    let path = write_file(folder, name, json);
    let data = folder.join("data");
    let id = ok(&data, &["invoice", "create", "--json", &path]);
    ok(&data, &["invoice", "issue", &id])
}

/// Returns the path of `relative` in the shared test material, the folder
/// `shared` beside this checkout, and fails with the fix when it is missing.
pub fn shared_material(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    assert!(
        path.exists(),
        "{} not found: these tests read the shared test material, so clone the project \
         beside the folder `shared`",
        path.display()
    );
    path
}
