//! The app's CSV import wizard and exports screen, driven headless on real
//! SQLite books: update tests for each wizard step, a simulator flow that
//! clicks through an import, and an export compared with the command line's.
#![cfg(feature = "gui")]
// Test helpers outside #[test] functions panic on failure too.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::common::company;
use facturier::books::{Books, today};
use facturier::document::{Address, DocumentKind, Party};
use facturier::exchange::{ExportKind, Field, ImportKind};
use facturier::input::DraftInput;
use facturier::ui::database::{self, Reply};
use facturier::ui::i18n::Language;
use facturier::ui::screen::import::{self, FieldChoice, KindChoice, Step};
use facturier::ui::screen::{catalogue, customers, export};
use facturier::ui::{App, Effect, Message, Page, Screen};
use iced_test::simulator::Simulator;
use rust_decimal_macros::dec;

use crate::common;

/// The app on books in a temporary folder. Requests run synchronously in
/// the order the app sends them, as the database thread would. The other
/// effects, the file dialogs, are kept for the test to handle.
struct Harness {
    app: App,
    books: Books,
    dir: tempfile::TempDir,
    dialogs: Vec<Effect>,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let mut books = Books::open(dir.path()).unwrap();
        books.set_company(&company()).unwrap();
        let (app, effects) = App::new(None, Language::English);
        let mut harness = Harness {
            app,
            books,
            dir,
            dialogs: Vec::new(),
        };
        harness.run(effects);
        harness
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Run(request) => {
                    let reply = database::execute(&mut self.books, request);
                    queue.extend(self.app.handle(Message::Replied(reply)));
                }
                other => self.dialogs.push(other),
            }
        }
    }

    fn send(&mut self, message: Message) {
        let effects = self.app.handle(message);
        self.run(effects);
    }

    fn wizard(&mut self, message: import::Message) {
        self.send(Message::Import(message));
    }

    fn import(&self) -> &import::Import {
        match self.app.screen() {
            Screen::Import(import) => import,
            other => panic!("expected the import wizard, found {other:?}"),
        }
    }

    fn view(&self) -> Simulator<'_, Message> {
        Simulator::with_size(iced::Settings::default(), (1400.0, 2400.0), self.app.view())
    }

    fn click(&mut self, label: &str) {
        let messages: Vec<Message> = {
            let mut ui = self.view();
            ui.click(label)
                .unwrap_or_else(|error| panic!("cannot click {label:?}: {error}"));
            ui.into_messages().collect()
        };
        for message in messages {
            self.send(message);
        }
    }

    fn shows(&self, text: &str) -> bool {
        self.view().find(text).is_ok()
    }

    /// Removes and returns the file dialog that the last action opened.
    fn take_dialog(&mut self) -> Effect {
        assert_eq!(self.dialogs.len(), 1, "{:?}", self.dialogs);
        self.dialogs.remove(0)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

/// Returns a customers file as a French spreadsheet saves it: UTF-8 with a
/// byte-order mark, `;` separators, a quoted field holding a `;` and a line
/// break, and one row (line 3) with an unknown country.
fn customers_file() -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(
        "Raison sociale;SIREN;Adresse;Code postal;Ville;Pays\r\n\
         Boulangerie Dupont;552100554;\"12 rue du Four; bât. B\";69001;Lyon;France\r\n\
         Atlantide SARL;;1 rue Perdue;75001;Paris;Atlantis\r\n\
         \"Café \"\"Le Zinc\"\"\";380129866;\"3 place Bellecour\r\n2e étage\";69002;Lyon;FR\r\n"
            .as_bytes(),
    );
    bytes
}

/// A products file with decimal commas in prices and VAT rates.
const PRODUCTS_FILE: &str = "Référence;Désignation;Prix HT;TVA\n\
                             P-1;Pain de campagne;3,40;5,5\n\
                             P-2;Livraison;12,50;20\n";

fn list_price(books: &mut Books, code: &str) -> Option<rust_decimal::Decimal> {
    let product = books
        .products(code, true)
        .unwrap()
        .into_iter()
        .find(|product| product.code == code)?;
    let list = books.price_lists().unwrap().into_iter().next()?;
    books
        .trial(|batch| batch.price_on(list.id, product.id, today()))
        .unwrap()
        .map(|item| item.unit_price)
}

// Flows through the simulator ----------------------------------------------

#[test]
fn flow_import_customers_skipping_bad_row() {
    let mut harness = Harness::new();
    let file = harness.write("clients.csv", &customers_file());

    harness.send(Message::Navigate(Page::Customers));
    harness.click("Import from CSV…");
    assert_eq!(harness.import().kind(), ImportKind::Customers);
    harness.click("Choose a CSV file…");
    assert!(matches!(harness.take_dialog(), Effect::PickImportFile));
    harness.wizard(import::Message::FilePicked(Some(file)));

    // Step 2: the headers were recognised; every required field is mapped.
    assert_eq!(harness.import().step(), Step::Mapping);
    assert!(harness.shows("Raison sociale"));
    assert!(harness.shows("Boulangerie Dupont · Atlantide SARL · Café \"Le Zinc\""));
    harness.click("Preview");

    // Step 3: the parsed records and the bad row with its line and column.
    assert_eq!(harness.import().step(), Step::Preview);
    assert!(harness.shows("12 rue du Four; bât. B, 69001 Lyon"));
    assert!(harness.shows("3 row(s): 2 record(s) ready to import, 1 invalid row(s)."));
    let error = harness.import().analysis().unwrap().errors[0].clone();
    assert_eq!(error.line, 3);
    assert_eq!(error.column, "Pays");
    assert!(harness.shows(&format!("Line 3, column \"Pays\": {}", error.reason)));
    assert!(error.reason.contains("Atlantis"), "{}", error.reason);

    // "Import all" is disabled while a row is invalid.
    harness.click("Import all");
    assert_eq!(harness.import().step(), Step::Preview);
    assert!(harness.books.customers("", true).unwrap().is_empty());

    // Step 4: import without the reported row.
    harness.click("Import, skipping the 1 reported rows");
    assert_eq!(harness.import().step(), Step::Done);
    assert!(harness.shows("Import finished: 2 created, 0 updated, 0 unchanged, 1 row(s) skipped."));
    harness.click("Show the customers");

    let Screen::Customers(screen) = harness.app.screen() else {
        panic!("expected the customers, found {:?}", harness.app.screen());
    };
    let names: Vec<&str> = screen
        .list()
        .iter()
        .map(|customer| customer.party.name.as_str())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"Boulangerie Dupont"), "{names:?}");
    assert!(names.contains(&"Café \"Le Zinc\""), "{names:?}");
    assert!(harness.shows("Boulangerie Dupont"));
    let dupont = &screen.list()[names
        .iter()
        .position(|name| *name == "Boulangerie Dupont")
        .unwrap()];
    assert_eq!(dupont.party.address.country, "FR");
    assert_eq!(dupont.party.address.line1, "12 rue du Four; bât. B");
}

#[test]
fn flow_import_products_with_decimal_commas() {
    let mut harness = Harness::new();
    let file = harness.write("produits.csv", PRODUCTS_FILE.as_bytes());
    harness.send(Message::Navigate(Page::Catalogue));
    harness.click("Import from CSV…");
    assert_eq!(harness.import().kind(), ImportKind::Products);
    harness.wizard(import::Message::FilePicked(Some(file)));
    harness.click("Preview");
    // Parsed values, not the file's text: "3,40" became 3.4 and "5,5" 5.5.
    assert!(harness.shows("3.4"));
    assert!(harness.shows("S 5.5 %"));
    harness.click("Import all");
    assert_eq!(harness.import().step(), Step::Done);
    assert_eq!(list_price(&mut harness.books, "P-1"), Some(dec!(3.40)));
    assert_eq!(list_price(&mut harness.books, "P-2"), Some(dec!(12.50)));
    harness.click("Show the catalogue");
    assert!(matches!(harness.app.screen(), Screen::Catalogue(_)));
}

// Update tests of each step ------------------------------------------------

#[test]
fn wizard_choose_opens_dialog_and_reads_file() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Import(ImportKind::Customers)));
    assert_eq!(harness.import().step(), Step::Choose);
    harness.wizard(import::Message::KindPicked(KindChoice(
        ImportKind::Products,
        Language::English,
    )));
    assert_eq!(harness.import().kind(), ImportKind::Products);
    harness.wizard(import::Message::PickFile);
    assert!(matches!(harness.take_dialog(), Effect::PickImportFile));

    // Closing the dialog without a file changes nothing.
    harness.wizard(import::Message::FilePicked(None));
    assert_eq!(harness.import().step(), Step::Choose);

    // A missing file is an error in the wizard, which stays on step 1.
    let missing = harness.dir.path().join("missing.csv");
    harness.wizard(import::Message::FilePicked(Some(missing)));
    assert_eq!(harness.import().step(), Step::Choose);
    let error = harness.import().error().unwrap().to_string();
    assert!(error.contains("missing.csv"), "{error}");
    assert!(error.contains("choose it again"), "{error}");
}

#[test]
fn wizard_mapping_names_missing_field() {
    let mut harness = Harness::new();
    let file = harness.write("produits.csv", PRODUCTS_FILE.as_bytes());
    harness.send(Message::Navigate(Page::Import(ImportKind::Products)));
    harness.wizard(import::Message::FilePicked(Some(file)));
    assert_eq!(
        harness.import().columns(),
        &[
            Some(Field::Code),
            Some(Field::Name),
            Some(Field::Price),
            Some(Field::VatRate)
        ]
    );

    // Ignoring the name column leaves a required field unmapped.
    harness.wizard(import::Message::ColumnMapped(
        1,
        FieldChoice {
            field: None,
            required: false,
            language: Language::English,
        },
    ));
    assert_eq!(harness.import().missing_fields(), vec![Field::Name]);
    assert!(harness.shows("Map a column to each required field. Missing: Name"));
    let errors = &harness.import().analysis().unwrap().errors;
    assert!(errors[0].reason.contains("no column is mapped to name"));
    harness.wizard(import::Message::ShowPreview);
    assert_eq!(harness.import().step(), Step::Mapping);

    // Mapping it back to the name lets the preview open.
    harness.wizard(import::Message::ColumnMapped(
        1,
        FieldChoice {
            field: Some(Field::Name),
            required: true,
            language: Language::English,
        },
    ));
    assert!(harness.import().missing_fields().is_empty());
    harness.wizard(import::Message::ShowPreview);
    assert_eq!(harness.import().step(), Step::Preview);
    assert!(harness.import().can_import_all());
}

#[test]
fn wizard_maps_unrecognised_headers() {
    let mut harness = Harness::new();
    let file = harness.write("kunden.csv", b"Firma,Sitz\nNordlicht GmbH,Hamburg\n");
    harness.send(Message::Navigate(Page::Import(ImportKind::Customers)));
    harness.wizard(import::Message::FilePicked(Some(file)));
    assert_eq!(harness.import().columns(), &[None, None]);
    assert_eq!(harness.import().missing_fields(), vec![Field::Name]);
    for (index, field) in [(0, Field::Name), (1, Field::City)] {
        harness.wizard(import::Message::ColumnMapped(
            index,
            FieldChoice {
                field: Some(field),
                required: false,
                language: Language::English,
            },
        ));
    }
    let analysis = harness.import().analysis().unwrap();
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    assert_eq!(analysis.expected.created, 1);
    harness.wizard(import::Message::ShowPreview);
    harness.wizard(import::Message::ImportAll);
    assert_eq!(harness.import().report().unwrap().created, 1);
    let customers = harness.books.customers("", true).unwrap();
    assert_eq!(customers[0].party.name, "Nordlicht GmbH");
    assert_eq!(customers[0].party.address.city, "Hamburg");
}

#[test]
fn wizard_cancel_writes_nothing() {
    let mut harness = Harness::new();
    let file = harness.write("clients.csv", &customers_file());
    harness.send(Message::Navigate(Page::Import(ImportKind::Customers)));
    harness.wizard(import::Message::FilePicked(Some(file)));
    harness.wizard(import::Message::ShowPreview);
    assert!(!harness.import().can_import_all());
    assert!(harness.import().can_import_skipping());

    // "Import all" is refused while a row is invalid.
    harness.wizard(import::Message::ImportAll);
    assert_eq!(harness.import().step(), Step::Preview);
    harness.wizard(import::Message::Cancel);
    assert_eq!(harness.import().step(), Step::Choose);
    assert!(harness.import().analysis().is_none());
    assert!(harness.books.customers("", true).unwrap().is_empty());
}

#[test]
fn wizard_reimport_reports_unchanged() {
    let mut harness = Harness::new();
    let file = harness.write("produits.csv", PRODUCTS_FILE.as_bytes());
    for round in 0..2 {
        harness.send(Message::Navigate(Page::Import(ImportKind::Products)));
        harness.wizard(import::Message::FilePicked(Some(file.clone())));
        harness.wizard(import::Message::ShowPreview);
        harness.wizard(import::Message::ImportAll);
        let report = harness.import().report().unwrap();
        if round == 0 {
            assert_eq!(report.created, 2);
        } else {
            assert_eq!(report.created, 0);
            assert_eq!(report.unchanged, 2);
        }
    }
    assert_eq!(harness.books.products("", true).unwrap().len(), 2);
}

#[test]
fn database_failure_reaches_wizard() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Import(ImportKind::Customers)));
    harness.send(Message::Replied(Reply::Imported(Err(
        "nothing was imported: the disk is full".to_string(),
    ))));
    assert_eq!(
        harness.import().error(),
        Some("nothing was imported: the disk is full")
    );
    assert!(harness.shows("Error: nothing was imported: the disk is full"));
}

// Exports -------------------------------------------------------------------

/// Issues one invoice dated `date` to a new customer.
fn issue_invoice(books: &mut Books, date: &str) {
    let customer = facturier::store::Customer {
        party: Party {
            name: "Boulangerie Dupont".to_string(),
            siren: Some("552100554".to_string()),
            address: Address {
                line1: "12 rue du Four".to_string(),
                postcode: "69001".to_string(),
                city: "Lyon".to_string(),
                country: "FR".to_string(),
                ..Address::default()
            },
            ..Party::default()
        },
        ..facturier::store::Customer::default()
    };
    let customer_id = books.add_customer(&customer).unwrap();
    let input: DraftInput = serde_json::from_value(serde_json::json!({
        "customer_id": customer_id,
        "issue_date": date,
        "lines": [
            {"description": "Pain; seigle", "quantity": "12", "unit_price": "3.40",
             "vat": {"category": "S", "rate": "5.5"}},
            {"description": "Livraison", "quantity": "1", "unit_price": "12.50",
             "vat": {"category": "S", "rate": "20"}}
        ],
        "charges": [{"amount": "4", "reason": "Emballage", "vat": {"category": "S", "rate": "20"}}]
    }))
    .unwrap();
    let id = books.create_draft(DocumentKind::Invoice, &input).unwrap();
    books.issue(id, None).unwrap();
}

fn send_export(harness: &mut Harness, message: export::Message) {
    harness.send(Message::Export(message));
}

/// Exports `kind` through the exports screen to `name` and returns the path.
fn export_in_app(harness: &mut Harness, kind: ExportKind, french: bool, name: &str) -> PathBuf {
    harness.send(Message::Navigate(Page::Export));
    send_export(
        harness,
        export::Message::KindPicked(export::KindChoice(kind, Language::English)),
    );
    send_export(
        harness,
        export::Message::FromChanged("2026-01-01".to_string()),
    );
    send_export(
        harness,
        export::Message::ToChanged("31/12/2026".to_string()),
    );
    send_export(harness, export::Message::FrenchToggled(french));
    send_export(harness, export::Message::Export);
    let Effect::PickExportPath(proposed) = harness.take_dialog() else {
        panic!("expected the save dialog");
    };
    assert!(proposed.ends_with(".csv"), "{proposed}");
    let path = harness.dir.path().join(name);
    send_export(harness, export::Message::PathPicked(Some(path.clone())));
    path
}

fn cli_export(data_dir: &Path, command: &str, french: bool, output: &Path) -> Vec<u8> {
    let output_arg = output.to_str().unwrap();
    let mut args = vec![
        "export",
        command,
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--output",
        output_arg,
    ];
    if french {
        args.push("--french");
    }
    common::ok(data_dir, &args);
    std::fs::read(output).unwrap()
}

#[test]
fn app_export_matches_cli_export() {
    let mut harness = Harness::new();
    issue_invoice(&mut harness.books, "2026-03-10");
    let cases = [
        (ExportKind::Lines, "lines", true),
        (ExportKind::Invoices, "invoices", false),
        (ExportKind::Vat, "vat", true),
    ];
    for (kind, command, french) in cases {
        let path = export_in_app(&mut harness, kind, french, &format!("app-{command}.csv"));
        let written = std::fs::read(&path).unwrap();
        let data_dir = harness.dir.path().to_path_buf();
        let expected = cli_export(
            &data_dir,
            command,
            french,
            &data_dir.join(format!("cli-{command}.csv")),
        );
        assert_eq!(
            String::from_utf8(written.clone()).unwrap(),
            String::from_utf8(expected).unwrap(),
            "{command}"
        );
        let Screen::Export(screen) = harness.app.screen() else {
            panic!("expected the exports screen");
        };
        let (shown, rows) = screen.written().unwrap();
        assert_eq!(shown, &path);
        let lines = String::from_utf8(written).unwrap().lines().count();
        assert_eq!(*rows, lines - 1, "{command}");
    }
    // The lines export contains both lines and the charge row.
    let Screen::Export(_) = harness.app.screen() else {
        panic!("expected the exports screen");
    };
    let lines = std::fs::read_to_string(harness.dir.path().join("app-lines.csv")).unwrap();
    assert_eq!(lines.lines().count(), 4, "{lines}");
    assert!(lines.contains(";charge;"), "{lines}");
}

#[test]
fn export_period_errors_named() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Export));
    send_export(
        &mut harness,
        export::Message::FromChanged("31/02/2026".to_string()),
    );
    send_export(&mut harness, export::Message::Export);
    assert!(harness.dialogs.is_empty());
    let Screen::Export(screen) = harness.app.screen() else {
        panic!("expected the exports screen");
    };
    let error = screen.error().unwrap();
    assert!(error.contains("\"31/02/2026\" is not a date"), "{error}");

    send_export(
        &mut harness,
        export::Message::FromChanged("2026-06-01".to_string()),
    );
    send_export(
        &mut harness,
        export::Message::ToChanged("2026-05-31".to_string()),
    );
    send_export(&mut harness, export::Message::Export);
    assert!(harness.dialogs.is_empty());
    let Screen::Export(screen) = harness.app.screen() else {
        panic!("expected the exports screen");
    };
    assert_eq!(
        screen.error(),
        Some("The start date 2026-06-01 is after the end date 2026-05-31")
    );

    // Customers ignore the period; a closed dialog writes nothing.
    send_export(
        &mut harness,
        export::Message::KindPicked(export::KindChoice(ExportKind::Customers, Language::English)),
    );
    send_export(&mut harness, export::Message::Export);
    let Effect::PickExportPath(name) = harness.take_dialog() else {
        panic!("expected the save dialog");
    };
    assert_eq!(name, "customers.csv");
    send_export(&mut harness, export::Message::PathPicked(None));
    let Screen::Export(screen) = harness.app.screen() else {
        panic!("expected the exports screen");
    };
    assert!(screen.written().is_none());
}

#[test]
fn export_unwritable_folder_shown() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Export));
    harness.send(Message::Export(export::Message::Export));
    harness.take_dialog();
    let path = harness
        .dir
        .path()
        .join("no-such-folder")
        .join("invoices.csv");
    harness.send(Message::Export(export::Message::PathPicked(Some(path))));
    let Screen::Export(screen) = harness.app.screen() else {
        panic!("expected the exports screen");
    };
    let error = screen.error().unwrap();
    assert!(error.contains("no-such-folder"), "{error}");
    assert!(error.contains("choose another folder"), "{error}");
    assert!(harness.shows(&format!("Error: {error}")));
}

#[test]
fn customers_and_catalogue_open_wizard() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Customers));
    harness.send(Message::Customers(customers::Message::ImportCsv));
    assert_eq!(harness.import().kind(), ImportKind::Customers);
    harness.send(Message::Navigate(Page::Catalogue));
    harness.send(Message::Catalogue(catalogue::Message::ImportCsv));
    assert_eq!(harness.import().kind(), ImportKind::Products);
}

#[test]
fn wizard_documents_found_on_reimport() {
    let mut harness = Harness::new();
    let customers = harness.write("clients.csv", &customers_file());
    harness.send(Message::Navigate(Page::Import(ImportKind::Customers)));
    harness.wizard(import::Message::FilePicked(Some(customers)));
    harness.wizard(import::Message::ShowPreview);
    harness.wizard(import::Message::ImportSkipping);

    let documents = harness.write(
        "factures.csv",
        "Numéro;Client;Date;Statut;Désignation;Quantité;Prix unitaire HT;TVA;allowance_charge;amount\n\
         F-17;Boulangerie Dupont;02/03/2026;émise;Pain;12;3,40;5,5;;\n\
         F-17;Boulangerie Dupont;02/03/2026;émise;Remise fidélité;;;5,5;allowance;2,04\n"
            .as_bytes(),
    );
    for round in 0..2 {
        harness.send(Message::Navigate(Page::Import(ImportKind::Documents)));
        harness.wizard(import::Message::FilePicked(Some(documents.clone())));
        harness.wizard(import::Message::ShowPreview);
        assert_eq!(harness.import().step(), Step::Preview);
        assert!(harness.shows("F-17"));
        assert!(harness.shows("2026-03-02"));
        let expected = harness.import().analysis().unwrap().expected.clone();
        if round == 0 {
            assert_eq!(expected.created, 1);
        } else {
            assert_eq!(expected.created, 0);
            assert_eq!(expected.present.len(), 1);
            assert!(harness.shows(
                "Importing will give: 0 new, 0 updated, 1 unchanged, 1 document(s) already imported, not created again."
            ));
        }
        harness.wizard(import::Message::ImportAll);
        assert_eq!(harness.import().step(), Step::Done);
    }
    let report = harness.import().report().unwrap().clone();
    let (key, id, number) = &report.present[0];
    assert_eq!(key, "F-17");
    assert!(harness.shows(&format!(
        "F-17: already imported as {}",
        number.clone().unwrap()
    )));
    let listed = harness.books.list(&Default::default(), today()).unwrap();
    assert_eq!(listed.len(), 1);
    let view = harness.books.view(*id, today()).unwrap();
    assert_eq!(view.document.content.allowances.len(), 1);
    assert_eq!(view.totals.line_net_total, dec!(40.80));
    assert_eq!(view.totals.allowance_total, dec!(2.04));
    assert_eq!(view.totals.tax_exclusive_total, dec!(38.76));
}
