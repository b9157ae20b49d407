//! CSV import and export against real SQLite files in temporary folders.

// A failed unwrap fails the test, which is what a test should do.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use facturier::books::{Books, today};
use facturier::document::{Address, Company, DocumentKind};
use facturier::exchange::{
    CsvDialect, ExportKind, Field, ImportKind, ImportOptions, TextEncoding, analyse, commit,
    export, export_in,
};
use facturier::money::NumberStyle;
use facturier::store::Customer;
use facturier::vat::VatCategory;
use rust_decimal_macros::dec;

fn company() -> Company {
    Company {
        name: "Atelier Facturier SAS".to_string(),
        legal_form: "SAS".to_string(),
        share_capital: "10 000 €".to_string(),
        siren: "732829320".to_string(),
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
        ..Company::default()
    }
}

fn books_in(dir: &tempfile::TempDir) -> Books {
    let mut books = Books::open(&dir.path().join("data")).unwrap();
    books.set_company(&company()).unwrap();
    books
}

fn import(books: &mut Books, kind: ImportKind, bytes: &[u8]) -> facturier::exchange::ImportReport {
    let analysis = analyse(books, kind, bytes, &ImportOptions::default()).unwrap();
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    commit(books, &analysis, false).unwrap()
}

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

const GERMAN_ROWS: &str = "A-100;Böhmerwald-Rohr;\"Rohr 3/4\"\" verzinkt; 2 m\";1.234,56;19\r\nA-101;Muffe;Messing;0,5;7\r\n";

#[test]
fn bom_semicolon_decimal_comma_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(b"sku;name;description;price;vat\r\n");
    bytes.extend_from_slice(GERMAN_ROWS.as_bytes());

    let analysis = analyse(
        &mut books,
        ImportKind::Products,
        &bytes,
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(analysis.had_bom);
    assert_eq!(analysis.separator, ';');
    assert_eq!(analysis.number_style, NumberStyle::French);
    assert_eq!(analysis.columns[0], ("sku".to_string(), Some(Field::Code)));
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    assert_eq!(analysis.records.len(), 2);
    assert!(
        books.products("", true).unwrap().is_empty(),
        "analyse wrote products"
    );

    let report = commit(&mut books, &analysis, false).unwrap();
    assert_eq!(report.created, 2);
    assert_eq!(report.prices, 2);
    let products = books.products("", true).unwrap();
    let pipe = products.iter().find(|p| p.code == "A-100").unwrap();
    assert_eq!(pipe.name, "Böhmerwald-Rohr");
    assert_eq!(pipe.description, "Rohr 3/4\" verzinkt; 2 m");
    assert_eq!(pipe.vat.category, VatCategory::S);
    assert_eq!(pipe.vat.rate, dec!(19));
    let sleeve = products.iter().find(|p| p.code == "A-101").unwrap();
    assert_eq!(sleeve.vat.rate, dec!(7));
    assert_eq!(list_price(&mut books, "A-100"), Some(dec!(1234.56)));
    assert_eq!(list_price(&mut books, "A-101"), Some(dec!(0.50)));
}

#[test]
fn windows_1252_detected_and_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let text = format!("sku;name;description;price;vat\r\n{GERMAN_ROWS}");
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err());

    let analysis = analyse(
        &mut books,
        ImportKind::Products,
        &bytes,
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(analysis.encoding, TextEncoding::Windows1252);
    commit(&mut books, &analysis, false).unwrap();
    let products = books.products("", true).unwrap();
    let pipe = products.iter().find(|p| p.code == "A-100").unwrap();
    assert_eq!(pipe.name, "Böhmerwald-Rohr");
    assert_eq!(pipe.description, "Rohr 3/4\" verzinkt; 2 m");
    assert_eq!(list_price(&mut books, "A-100"), Some(dec!(1234.56)));
    assert_eq!(list_price(&mut books, "A-101"), Some(dec!(0.50)));
}

#[test]
fn forced_utf8_names_invalid_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let text = format!("sku;name;description;price;vat\r\n{GERMAN_ROWS}");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    let options = ImportOptions {
        encoding: Some(TextEncoding::Utf8),
        ..ImportOptions::default()
    };
    let error = analyse(&mut books, ImportKind::Products, &bytes, &options)
        .unwrap_err()
        .to_string();
    assert!(error.contains("line 2 is not valid UTF-8"), "{error}");
    assert!(error.contains("Windows-1252"), "{error}");
    assert!(books.products("", true).unwrap().is_empty());
}

const TRICKY_NAME: &str = "Müller, Schmidt & Co. \"Nord\" KG";

#[test]
fn customer_name_survives_export_and_import() {
    let source = tempfile::tempdir().unwrap();
    let mut books = books_in(&source);
    books
        .add_customer(&Customer {
            party: facturier::document::Party {
                name: TRICKY_NAME.to_string(),
                vat_id: Some("DE123456789".to_string()),
                address: Address {
                    line1: "Hafenstraße 1\nHaus B".to_string(),
                    line2: Some("Eingang; links".to_string()),
                    postcode: "20095".to_string(),
                    city: "Hamburg".to_string(),
                    country: "DE".to_string(),
                },
                email: Some("info@mueller.example".to_string()),
                ..Default::default()
            },
            ..Customer::default()
        })
        .unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let csv = export(&mut books, ExportKind::Customers, day, day).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(
        text.contains("\"Müller, Schmidt & Co. \"\"Nord\"\" KG\""),
        "the name is not quoted: {text}"
    );

    let target = tempfile::tempdir().unwrap();
    let mut other = books_in(&target);
    import(&mut other, ImportKind::Customers, &csv);
    let original = books.customers("", true).unwrap();
    let imported = other.customers("", true).unwrap();
    assert_eq!(imported.len(), 1);
    assert_eq!(imported[0].party.name.as_bytes(), TRICKY_NAME.as_bytes());
    assert_eq!(imported[0].party, original[0].party);
    assert_eq!(imported[0].currency, original[0].currency);
}

#[test]
fn reimport_matches_existing_customers() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let csv = "Raison sociale,SIREN,N° TVA,Adresse,Code postal,Ville,Pays\n\
               Atelier Lenoir SARL,732829320,,4 rue Neuve,69003,Lyon,France\n\
               Brasserie du Port,,FR44732829320,1 quai,13002,Marseille,FR\n\
               Café Martin,,,2 place,75001,Paris,FR\n";
    let first = import(&mut books, ImportKind::Customers, csv.as_bytes());
    assert_eq!(first.created, 3);
    let second = import(&mut books, ImportKind::Customers, csv.as_bytes());
    assert_eq!(second.created, 0);
    assert_eq!(second.unchanged, 3);
    assert_eq!(books.customers("", true).unwrap().len(), 3);

    // A renamed customer with the same SIREN is the same customer.
    let renamed =
        "name,siren,city,country,address\nAtelier Lenoir SAS,732 829 320,Lyon,FR,4 rue Neuve\n";
    let third = import(&mut books, ImportKind::Customers, renamed.as_bytes());
    assert_eq!(third.updated, 1);
    let customers = books.customers("", true).unwrap();
    assert_eq!(customers.len(), 3);
    assert!(
        customers
            .iter()
            .any(|c| c.party.name == "Atelier Lenoir SAS")
    );
}

#[test]
fn invalid_rows_reported_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let csv = "code,name,price,vat\n\
               P1,Good one,10.00,20\n\
               P2,Bad price,ten,20\n\
               ,No code,5.00,20\n\
               P4,Bad VAT,5.00,120\n\
               P5,Zero without category,5.00,0\n";
    let analysis = analyse(
        &mut books,
        ImportKind::Products,
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap();
    let lines: Vec<(u64, &str)> = analysis
        .errors
        .iter()
        .map(|error| (error.line, error.column.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![(3, "price"), (4, "code"), (5, "vat"), (6, "vat_category")],
        "{:?}",
        analysis.errors
    );
    assert!(analysis.errors[0].reason.contains("\"ten\""));
    assert_eq!(analysis.records.len(), 1);

    let refused = commit(&mut books, &analysis, false)
        .unwrap_err()
        .to_string();
    assert!(refused.contains("4 invalid row(s)"), "{refused}");
    assert!(refused.contains("line 3, column \"price\""), "{refused}");
    assert!(books.products("", true).unwrap().is_empty());

    let report = commit(&mut books, &analysis, true).unwrap();
    assert_eq!(report.created, 1);
    assert_eq!(report.skipped_rows, 4);
    assert_eq!(books.products("", true).unwrap().len(), 1);
}

#[test]
fn user_mapping_overrides_headers() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let csv = "Artikel,Bezeichnung,Netto,Steuer\nX1,Schraube,0.10,19\n";
    let options = ImportOptions {
        mapping: BTreeMap::from([
            ("Artikel".to_string(), Some(Field::Code)),
            ("Netto".to_string(), Some(Field::Price)),
            ("Steuer".to_string(), Some(Field::VatRate)),
        ]),
        price_list: Some("Export".to_string()),
        ..ImportOptions::default()
    };
    let analysis = analyse(&mut books, ImportKind::Products, csv.as_bytes(), &options).unwrap();
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    commit(&mut books, &analysis, false).unwrap();
    assert_eq!(books.price_lists().unwrap()[0].name, "Export");
    assert_eq!(list_price(&mut books, "X1"), Some(dec!(0.10)));
}

#[test]
fn documents_import_as_drafts_or_issued_invoices() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Customers,
        b"name,address,postcode,city,country,vat_id\nNordlicht GmbH,Hafenweg 2,20095,Hamburg,DE,DE123456789\n",
    );
    let csv = "document,customer,issue_date,status,description,quantity,unit_price,discount_percent,vat_category,vat_rate\n\
               B,Nordlicht GmbH,2026-03-05,issued,\"Audit\nsecond line\",2,100.00,10,K,0\n\
               A,Nordlicht GmbH,2026-03-02,issued,Setup,1,50.00,,K,0\n\
               A,Nordlicht GmbH,2026-03-02,issued,Support,3,20.00,,K,0\n\
               C,Nordlicht GmbH,,draft,Training,1,400.00,,K,0\n";
    let analysis = analyse(
        &mut books,
        ImportKind::Documents,
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    assert!(books.list(&Default::default(), today()).unwrap().is_empty());
    let report = commit(&mut books, &analysis, false).unwrap();

    let by_key: BTreeMap<&str, (i64, Option<&str>)> = report
        .documents
        .iter()
        .map(|(key, id, number)| (key.as_str(), (*id, number.as_deref())))
        .collect();
    // A is dated before B, so it takes the first number.
    assert!(by_key["A"].1.unwrap().ends_with("1"), "{by_key:?}");
    assert!(by_key["B"].1.unwrap().ends_with("2"), "{by_key:?}");
    assert_eq!(by_key["C"].1, None);

    let a = books.view(by_key["A"].0, today()).unwrap();
    assert_eq!(a.document.content.lines.len(), 2);
    assert_eq!(a.totals.tax_exclusive_total, dec!(110.00));
    let b = books.view(by_key["B"].0, today()).unwrap();
    assert_eq!(
        b.document.content.lines[0].description,
        "Audit\nsecond line"
    );
    assert_eq!(b.totals.tax_exclusive_total, dec!(180.00));
    assert_eq!(b.document.content.lines[0].vat.category, VatCategory::K);
    let c = books.view(by_key["C"].0, today()).unwrap();
    assert!(!c.document.issued);
    assert_eq!(c.document.header.kind, DocumentKind::Invoice);
}

#[test]
fn document_rows_agree_and_name_customers() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Customers,
        b"name,address,city,country\nKnown SARL,1 rue,Lyon,FR\n",
    );
    let csv = "document;customer;issue_date;description;quantity;unit_price;vat_rate\n\
               1;Known SARL;02/03/2026;One;1;10,00;20\n\
               1;Known SARL;03/03/2026;Two;1;10,00;20\n\
               2;Unknown SA;02/03/2026;Three;1;10,00;20\n\
               3;Known SARL;02/03/2026;Four;1;10,00;5,5\n";

    let analysis = analyse(
        &mut books,
        ImportKind::Documents,
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(analysis.errors.len(), 2, "{:?}", analysis.errors);
    assert_eq!(analysis.errors[0].line, 3);
    assert_eq!(analysis.errors[0].column, "issue_date");
    assert_eq!(analysis.errors[1].line, 4);
    assert!(analysis.errors[1].reason.contains("Unknown SA"));
    assert_eq!(analysis.records.len(), 1);

    let report = commit(&mut books, &analysis, true).unwrap();
    // Document 1 is left out whole, with its two rows, and so is document 2.
    assert_eq!(report.skipped_rows, 3);
    let view = books.view(report.documents[0].1, today()).unwrap();
    assert_eq!(view.document.content.lines[0].vat.rate, dec!(5.5));
}

#[test]
fn exports_quote_and_total_documents() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Customers,
        format!(
            "name,address,city,country\n\"{}\",1 rue,Lyon,FR\n",
            TRICKY_NAME.replace('"', "\"\"")
        )
        .as_bytes(),
    );
    let csv = format!(
        "document,customer,issue_date,status,description,quantity,unit_price,vat_rate\n\
         1,\"{name}\",2026-02-10,issued,\"Pose, réglage\",2,45.50,20\n\
         1,\"{name}\",2026-02-10,issued,Fournitures,1,9.99,5.5\n",
        name = TRICKY_NAME.replace('"', "\"\"")
    );
    let report = import(&mut books, ImportKind::Documents, csv.as_bytes());
    let id = report.documents[0].1;
    books
        .record_payment(
            id,
            dec!(50),
            NaiveDate::from_ymd_opt(2026, 2, 20).unwrap(),
            "transfer",
            None,
        )
        .unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();

    let invoices = export(&mut books, ExportKind::Invoices, from, to).unwrap();
    let mut reader = csv::Reader::from_reader(invoices.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let headers = reader.headers().unwrap().clone();
    let value = |name: &str| rows[0][headers.iter().position(|h| h == name).unwrap()].to_string();
    assert_eq!(value("customer"), TRICKY_NAME);
    assert_eq!(value("tax_exclusive_total"), "100.99");
    assert_eq!(value("tax_total"), "18.75");
    assert_eq!(value("tax_inclusive_total"), "119.74");
    assert_eq!(value("paid"), "50.00");
    assert_eq!(value("balance"), "69.74");
    assert_eq!(value("status"), "partially_paid");

    let lines = export(&mut books, ExportKind::Lines, from, to).unwrap();
    let mut reader = csv::Reader::from_reader(lines.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][column("description")], "Pose, réglage");
    assert_eq!(&rows[0][column("net_amount")], "91.00");

    let payments =
        String::from_utf8(export(&mut books, ExportKind::Payments, from, to).unwrap()).unwrap();
    assert!(
        payments.contains(",2026-02-20,50.00,transfer,"),
        "{payments}"
    );

    let vat = String::from_utf8(export(&mut books, ExportKind::Vat, from, to).unwrap()).unwrap();
    assert!(vat.contains("2026-02,EUR,S,20,91.00,18.20"), "{vat}");
    assert!(vat.contains("2026-02,EUR,S,5.5,9.99,0.55"), "{vat}");
}

#[test]
fn exported_lines_import_back_identically() {
    let source = tempfile::tempdir().unwrap();
    let mut books = books_in(&source);
    import(
        &mut books,
        ImportKind::Customers,
        format!(
            "name,address,city,country,vat_id\n\"{}\",1 Weg,Hamburg,DE,DE123456789\n",
            TRICKY_NAME.replace('"', "\"\"")
        )
        .as_bytes(),
    );
    import(
        &mut books,
        ImportKind::Products,
        b"code,name,description,price,vat_rate,nature\nP-1,\"Rohr, verzinkt\",\"3/4\"\" ; 2 m\",1234.56,20,goods\n",
    );
    let csv = format!(
        "document,customer,issue_date,status,product_code,description,quantity,unit,unit_price,discount_percent,discount_amount,vat_category,vat_rate\n\
         1,\"{name}\",2026-02-10,issued,P-1,\"Rohr, verzinkt\n3/4\"\" ; 2 m\",1.5,MTR,1234.56,7.5,,K,0\n\
         1,\"{name}\",2026-02-10,issued,,Pose,2,HUR,45.125,,3.10,K,0\n",
        name = TRICKY_NAME.replace('"', "\"\"")
    );
    import(&mut books, ImportKind::Documents, csv.as_bytes());
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let customers = export(&mut books, ExportKind::Customers, from, to).unwrap();
    let products = export(&mut books, ExportKind::Products, from, to).unwrap();
    let lines = export(&mut books, ExportKind::Lines, from, to).unwrap();

    let target = tempfile::tempdir().unwrap();
    let mut other = books_in(&target);
    import(&mut other, ImportKind::Customers, &customers);
    import(&mut other, ImportKind::Products, &products);
    import(&mut other, ImportKind::Documents, &lines);
    assert_eq!(
        export(&mut other, ExportKind::Customers, from, to).unwrap(),
        customers
    );
    assert_eq!(
        export(&mut other, ExportKind::Products, from, to).unwrap(),
        products
    );
    assert_eq!(
        export(&mut other, ExportKind::Lines, from, to).unwrap(),
        lines
    );
    assert_eq!(
        export(&mut other, ExportKind::Invoices, from, to).unwrap(),
        export(&mut books, ExportKind::Invoices, from, to).unwrap()
    );

    // The French dialect (";" and decimal commas) reads back the same.
    let french =
        |books: &mut Books, kind| export_in(books, kind, from, to, CsvDialect::French).unwrap();
    let french_lines = french(&mut books, ExportKind::Lines);
    let text = String::from_utf8(french_lines.clone()).unwrap();
    assert!(text.contains(";1234,56;"), "{text}");
    let third = tempfile::tempdir().unwrap();
    let mut french_books = books_in(&third);
    import(
        &mut french_books,
        ImportKind::Customers,
        &french(&mut books, ExportKind::Customers),
    );
    import(
        &mut french_books,
        ImportKind::Products,
        &french(&mut books, ExportKind::Products),
    );
    import(&mut french_books, ImportKind::Documents, &french_lines);
    assert_eq!(
        export(&mut french_books, ExportKind::Customers, from, to).unwrap(),
        customers
    );
    assert_eq!(
        export(&mut french_books, ExportKind::Products, from, to).unwrap(),
        products
    );
    assert_eq!(
        export(&mut french_books, ExportKind::Lines, from, to).unwrap(),
        lines
    );
}

#[test]
fn reimport_keeps_values_the_file_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Products,
        b"code,name,description,unit,price,vat_rate,nature\nS1,Audit,Half a day on site,HUR,90.00,20,service\n",
    );
    import(
        &mut books,
        ImportKind::Customers,
        b"name,country,currency\nSwiss AG,CH,CHF\n",
    );
    let report = import(
        &mut books,
        ImportKind::Products,
        b"code,name,price,vat_rate\nS1,Audit sur site,95.00,20\n",
    );
    assert_eq!(report.updated, 1);
    let product = books.products("S1", true).unwrap().remove(0);
    assert_eq!(product.name, "Audit sur site");
    assert_eq!(product.description, "Half a day on site");
    assert_eq!(product.unit, "HUR");
    assert_eq!(product.nature, facturier::store::ProductNature::Service);
    assert_eq!(list_price(&mut books, "S1"), Some(dec!(95.00)));

    import(
        &mut books,
        ImportKind::Customers,
        b"name,city,country\nSwiss AG,Basel,CH\n",
    );
    let customer = books.customers("Swiss", true).unwrap().remove(0);
    assert_eq!(customer.currency.code(), "CHF");
    assert_eq!(customer.party.address.city, "Basel");
}

#[test]
fn catalogue_lines_take_the_price_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Products,
        b"code,name,price,vat_rate\nP1,Widget,12.50,20\n",
    );
    import(
        &mut books,
        ImportKind::Customers,
        b"name,address,city,country\nClient SARL,1 rue,Lyon,FR\n",
    );
    let report = import(
        &mut books,
        ImportKind::Documents,
        b"document,customer,issue_date,product_code,quantity\nD1,Client SARL,2026-04-01,P1,4\n",
    );
    let view = books.view(report.documents[0].1, today()).unwrap();
    assert_eq!(view.document.content.lines[0].unit_price, dec!(12.50));
    assert_eq!(view.document.content.lines[0].description, "Widget");
    assert_eq!(view.totals.tax_exclusive_total, dec!(50.00));
}

/// Issues an invoice to Nordlicht SARL with lines at two VAT rates, an
/// exempt line, a base quantity, both kinds of line discount, and
/// document-level allowances and charges with and without VAT.
fn invoice_with_allowances(books: &mut Books) -> i64 {
    import(
        books,
        ImportKind::Customers,
        b"name,address,postcode,city,country,siren,vat_id\nNordlicht SARL,2 quai Sud,69002,Lyon,FR,552100554,FR96552100554\n",
    );
    let customer_id = books.customers("Nordlicht", false).unwrap()[0].id;
    let input: facturier::input::DraftInput = serde_json::from_value(serde_json::json!({
        "customer_id": customer_id,
        "issue_date": "2026-04-14",
        "delivery_date": "2026-04-10",
        "purchase_order_ref": "PO-77",
        "note": "Livraison en deux fois; merci",
        "lines": [
            {"description": "Conseil", "quantity": "3", "unit": "HUR", "unit_price": "95.50",
             "discount": {"percent": "10"}, "vat": {"category": "S", "rate": "20"}},
            {"description": "Livres", "quantity": "250", "unit": "C62", "unit_price": "12.40",
             "base_quantity": "10", "discount": {"amount": "4.15"},
             "vat": {"category": "S", "rate": "5.5"}},
            {"description": "Formation", "quantity": "1", "unit_price": "600",
             "vat": {"category": "E", "exemption_code": "VATEX-EU-132",
                     "exemption_reason": "Exonération de TVA, article 261-4-4° du CGI"}}
        ],
        "allowances": [
            {"percent": "5", "reason": "Remise fidélité", "reason_code": "95",
             "vat": {"category": "S", "rate": "20"}},
            {"amount": "10", "reason": "Geste commercial"}
        ],
        "charges": [
            {"amount": "12.50", "reason": "Port, emballage", "reason_code": "FC",
             "vat": {"category": "S", "rate": "20"}}
        ]
    }))
    .unwrap();
    let id = books.create_draft(DocumentKind::Invoice, &input).unwrap();
    books.issue(id, None).unwrap();
    id
}

fn year_2026() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    )
}

/// Checks that `copy` has every value of `original` but its number.
fn assert_same_invoice(
    original: &facturier::books::DocumentView,
    copy: &facturier::books::DocumentView,
) {
    let (a, b) = (&original.document, &copy.document);
    assert_eq!(b.content.lines, a.content.lines);
    assert_eq!(b.content.allowances, a.content.allowances);
    assert_eq!(b.content.charges, a.content.charges);
    assert_eq!(b.header.buyer, a.header.buyer);
    assert_eq!(b.header.issue_date, a.header.issue_date);
    assert_eq!(b.header.delivery_date, a.header.delivery_date);
    assert_eq!(b.header.purchase_order_ref, a.header.purchase_order_ref);
    assert_eq!(b.header.note, a.header.note);
    assert_eq!(b.header.currency, a.header.currency);
    assert_eq!(copy.totals, original.totals);
    assert!(b.issued);
}

#[test]
fn allowances_and_charges_survive_round_trip() {
    let (from, to) = year_2026();
    let source = tempfile::tempdir().unwrap();
    let mut books = books_in(&source);
    let id = invoice_with_allowances(&mut books);
    let original = books.view(id, today()).unwrap();
    assert_eq!(original.document.content.allowances.len(), 2);
    assert_eq!(original.document.content.charges.len(), 1);
    assert!(original.totals.allowance_total > dec!(0));
    assert!(original.totals.charge_total > dec!(0));
    let customers = export(&mut books, ExportKind::Customers, from, to).unwrap();

    for dialect in [CsvDialect::Plain, CsvDialect::French] {
        let lines = export_in(&mut books, ExportKind::Lines, from, to, dialect).unwrap();
        let text = String::from_utf8(lines.clone()).unwrap();
        assert_eq!(text.lines().count(), 1 + 3 + 3, "{text}");

        let target = tempfile::tempdir().unwrap();
        let mut other = books_in(&target);
        import(&mut other, ImportKind::Customers, &customers);
        let report = import(&mut other, ImportKind::Documents, &lines);
        assert_eq!(report.documents.len(), 1, "{dialect:?}");
        let copy = other.view(report.documents[0].1, today()).unwrap();
        assert_same_invoice(&original, &copy);
        assert_eq!(
            export_in(&mut other, ExportKind::Lines, from, to, dialect).unwrap(),
            lines,
            "{dialect:?}"
        );
    }
}

#[test]
fn allowance_row_errors_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Customers,
        b"name,country\nNordlicht SARL,FR\n",
    );
    let csv = "document,customer,description,quantity,unit_price,vat_rate,allowance_charge,amount,percent\n\
               A,Nordlicht SARL,Audit,1,100,20,,,\n\
               A,Nordlicht SARL,Remise,,,,rebate,5,\n\
               B,Nordlicht SARL,Audit,1,100,20,,,\n\
               B,Nordlicht SARL,Port,,,20,charge,5,2\n\
               C,Nordlicht SARL,Audit,1,100,20,,,\n\
               C,Nordlicht SARL,Port,,,20,charge,,\n\
               D,Nordlicht SARL,Audit,1,100,20,,,\n\
               D,Nordlicht SARL,Port,,,20,frais,\"7,5\",\n";
    let options = ImportOptions {
        number_style: Some(NumberStyle::Plain),
        ..ImportOptions::default()
    };
    let analysis = analyse(&mut books, ImportKind::Documents, csv.as_bytes(), &options).unwrap();
    let errors: Vec<(u64, &str)> = analysis
        .errors
        .iter()
        .map(|error| (error.line, error.column.as_str()))
        .collect();
    assert_eq!(
        errors,
        vec![
            (3, "allowance_charge"),
            (5, "percent"),
            (7, "amount"),
            (9, "amount")
        ],
        "{:?}",
        analysis.errors
    );
    assert!(analysis.errors[0].reason.contains("\"rebate\""));
    assert!(analysis.errors[1].reason.contains("not both"));
}

#[test]
fn reimported_documents_not_duplicated() {
    let (from, to) = year_2026();
    let source = tempfile::tempdir().unwrap();
    let mut books = books_in(&source);
    invoice_with_allowances(&mut books);
    let customers = export(&mut books, ExportKind::Customers, from, to).unwrap();
    let lines = export(&mut books, ExportKind::Lines, from, to).unwrap();

    // A file exported from these books names documents by their number.
    let again = import(&mut books, ImportKind::Documents, &lines);
    assert_eq!(again.created, 0);
    assert_eq!(again.present.len(), 1);
    assert_eq!(books.list(&Default::default(), today()).unwrap().len(), 1);

    // In other books, the first import creates, the second finds the key.
    let target = tempfile::tempdir().unwrap();
    let mut other = books_in(&target);
    import(&mut other, ImportKind::Customers, &customers);
    let first = import(&mut other, ImportKind::Documents, &lines);
    assert_eq!(first.created, 1);
    assert!(first.present.is_empty());
    let analysis = analyse(
        &mut other,
        ImportKind::Documents,
        &lines,
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(analysis.expected.created, 0);
    assert_eq!(analysis.expected.present.len(), 1);
    let second = commit(&mut other, &analysis, false).unwrap();
    assert_eq!(second.created, 0);
    assert_eq!(second.unchanged, 1);
    let (key, id, number) = &second.present[0];
    assert_eq!(key, &first.documents[0].0);
    assert_eq!(id, &first.documents[0].1);
    assert_eq!(number, &first.documents[0].2);
    assert_eq!(other.list(&Default::default(), today()).unwrap().len(), 1);
}

#[test]
fn draft_key_reimport_finds_draft() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Customers,
        b"name,country\nNordlicht SARL,FR\n",
    );
    let csv = b"document,customer,description,quantity,unit_price,vat_rate\nQ-1,Nordlicht SARL,Audit,1,100,20\n";
    let first = import(&mut books, ImportKind::Documents, csv);
    assert_eq!(first.created, 1);
    let second = import(&mut books, ImportKind::Documents, csv);
    assert_eq!(second.created, 0);
    assert_eq!(second.present.len(), 1);

    // A discarded draft no longer counts as present.
    books.discard_draft(first.documents[0].1).unwrap();
    let third = import(&mut books, ImportKind::Documents, csv);
    assert_eq!(third.created, 1);
}

#[test]
fn explicit_columns_map_by_position() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    // Two blank headers and a repeated one: only a positional mapping works.
    let csv = "ref,,,ref\nX1,Schraube,0.10,19\n";
    let options = ImportOptions {
        columns: Some(vec![
            Some(Field::Code),
            Some(Field::Name),
            Some(Field::Price),
            Some(Field::VatRate),
        ]),
        ..ImportOptions::default()
    };
    let analysis = analyse(&mut books, ImportKind::Products, csv.as_bytes(), &options).unwrap();
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    let mapped: Vec<Option<Field>> = analysis.columns.iter().map(|(_, field)| *field).collect();
    assert_eq!(mapped, options.columns.clone().unwrap());
    commit(&mut books, &analysis, false).unwrap();
    assert_eq!(list_price(&mut books, "X1"), Some(dec!(0.10)));
}

#[test]
fn explicit_columns_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let csv = b"a,b,c\nX1,Schraube,19\n";
    let cases: [(Vec<Option<Field>>, &str, &str); 4] = [
        (
            vec![Some(Field::Code), Some(Field::Name)],
            "",
            "the mapping gives 2 column(s) but the file has 3",
        ),
        (
            vec![Some(Field::Code), Some(Field::Code), Some(Field::VatRate)],
            "b",
            "code is already mapped to \"a\"",
        ),
        (
            vec![Some(Field::Code), Some(Field::Name), Some(Field::Quantity)],
            "c",
            "quantity is not a column of a products import",
        ),
        (
            vec![Some(Field::Code), None, Some(Field::VatRate)],
            "",
            "no column is mapped to name",
        ),
    ];
    for (columns, column, reason) in cases {
        let options = ImportOptions {
            columns: Some(columns),
            ..ImportOptions::default()
        };
        let analysis = analyse(&mut books, ImportKind::Products, csv, &options).unwrap();
        assert_eq!(analysis.errors.len(), 1, "{:?}", analysis.errors);
        assert_eq!(analysis.errors[0].line, 1);
        assert_eq!(analysis.errors[0].column, column);
        assert!(
            analysis.errors[0].reason.starts_with(reason),
            "{}",
            analysis.errors[0].reason
        );
        assert!(analysis.records.is_empty());
    }
    assert!(books.products("", true).unwrap().is_empty());
}

/// Creates and issues one invoice per kind of payment terms. Each sets
/// every field of the draft format to a value other than its default, from
/// the buyer reference to line delivery dates, discounts, VAT exemptions,
/// allowances and charges. The second invoice is in US dollars with an
/// exchange rate. Returns the ids, oldest first.
fn invoices_with_every_field(books: &mut Books) -> Vec<i64> {
    import(
        books,
        ImportKind::Customers,
        "name,address,address_line2,postcode,city,country,siren,vat_id,email,payment_terms,\
         delivery_address_line1,delivery_address_line2,delivery_postcode,delivery_city,delivery_country\n\
         Nordlicht SARL,2 quai Sud,Bâtiment C,69002,Lyon,FR,552100554,FR96552100554,\
         compta@nordlicht.example,end_of_month:2,\"Quai n° 4, porte B\",\"Entrepôt \"\"Est\"\"\",13002,Marseille,FR\n"
            .as_bytes(),
    );
    let customer_id = books.customers("Nordlicht", false).unwrap()[0].id;
    let terms = [
        serde_json::json!({"type": "net", "days": 45}),
        serde_json::json!({"type": "end_of_month", "months": 1}),
        serde_json::json!({"type": "days_then_end_of_month", "days": 45}),
        serde_json::json!({"type": "end_of_month_then_days", "days": 10}),
    ];
    let mut ids = Vec::new();
    for (index, terms) in terms.into_iter().enumerate() {
        let day = 10 + u32::try_from(index).unwrap();
        let (currency, exchange_rate) = if index == 1 {
            (Some("USD"), Some("0.9215"))
        } else {
            (None, None)
        };
        let input: facturier::input::DraftInput = serde_json::from_value(serde_json::json!({
            "customer_id": customer_id,
            "currency": currency,
            "exchange_rate": exchange_rate,
            "issue_date": format!("2026-05-{day}"),
            "payment_terms": terms,
            "delivery_date": "2026-05-02",
            "purchase_order_ref": format!("PO-{index}"),
            "buyer_reference": format!("Service achats; réf. \"{index}\""),
            "note": "Livraison en deux fois,\nmerci",
            "price_locked": true,
            "lines": [
                {"product_code": null, "description": "Conseil, audit", "quantity": "3.25",
                 "unit": "HUR", "unit_price": "95.5050", "base_quantity": "1",
                 "discount": {"percent": "12.5"}, "vat": {"category": "S", "rate": "20"},
                 "delivery_date": "2026-04-28"},
                {"description": "Livres", "quantity": "250", "unit": "C62",
                 "unit_price": "12.40", "base_quantity": "10", "discount": {"amount": "4.15"},
                 "vat": {"category": "S", "rate": "5.5"}, "delivery_date": "2026-04-30"},
                {"description": "Formation", "quantity": "1", "unit": "DAY",
                 "unit_price": "600", "base_quantity": "1",
                 "vat": {"category": "E", "exemption_code": "VATEX-EU-132",
                         "exemption_reason": "Exonération de TVA, article 261-4-4° du CGI"}}
            ],
            "allowances": [
                {"percent": "5", "reason": "Remise fidélité", "reason_code": "95",
                 "vat": {"category": "S", "rate": "20"}},
                {"amount": "10", "reason": "Geste commercial"}
            ],
            "charges": [
                {"amount": "12.50", "reason": "Port, emballage", "reason_code": "FC",
                 "vat": {"category": "S", "rate": "20"}}
            ]
        }))
        .unwrap();
        let id = books.create_draft(DocumentKind::Invoice, &input).unwrap();
        books.issue(id, None).unwrap();
        ids.push(id);
    }
    ids
}

#[test]
fn every_field_survives_round_trip() {
    let (from, to) = year_2026();
    let source = tempfile::tempdir().unwrap();
    let mut books = books_in(&source);
    let ids = invoices_with_every_field(&mut books);
    let originals: Vec<_> = ids
        .iter()
        .map(|id| books.view(*id, today()).unwrap())
        .collect();
    let due_dates: Vec<_> = originals
        .iter()
        .map(|view| view.document.due_date)
        .collect();
    assert_eq!(
        due_dates,
        ["2026-06-24", "2026-06-30", "2026-06-30", "2026-06-10"]
            .map(|date| Some(date.parse::<NaiveDate>().unwrap()))
    );
    assert!(originals[1].company_totals.is_some());
    for view in &originals {
        let delivery = view.document.header.buyer.delivery_address.as_ref();
        assert_eq!(
            delivery.and_then(|address| address.line2.as_deref()),
            Some("Entrepôt \"Est\"")
        );
    }
    let customers = export(&mut books, ExportKind::Customers, from, to).unwrap();

    for dialect in [CsvDialect::Plain, CsvDialect::French] {
        let lines = export_in(&mut books, ExportKind::Lines, from, to, dialect).unwrap();
        let target = tempfile::tempdir().unwrap();
        let mut other = books_in(&target);
        import(&mut other, ImportKind::Customers, &customers);
        assert_eq!(
            export(&mut other, ExportKind::Customers, from, to).unwrap(),
            customers,
            "{dialect:?}"
        );
        let report = import(&mut other, ImportKind::Documents, &lines);
        assert_eq!(report.documents.len(), originals.len(), "{dialect:?}");
        for ((_, copy_id, _), original) in report.documents.iter().zip(&originals) {
            let copy = other.view(*copy_id, today()).unwrap();
            let (a, b) = (&original.document, &copy.document);
            assert_eq!(b.number, a.number, "{dialect:?}");
            assert_eq!(b.due_date, a.due_date, "{dialect:?}");
            assert_eq!(b.content, a.content, "{dialect:?}");
            assert_eq!(
                facturier::document::Header {
                    customer_id: a.header.customer_id,
                    price_list_id: a.header.price_list_id,
                    ..b.header.clone()
                },
                a.header,
                "{dialect:?}"
            );
            assert_eq!(copy.totals, original.totals, "{dialect:?}");
            assert_eq!(copy.company_totals, original.company_totals, "{dialect:?}");
        }
        assert_eq!(
            export_in(&mut other, ExportKind::Lines, from, to, dialect).unwrap(),
            lines,
            "{dialect:?}"
        );
        assert_eq!(
            export(&mut other, ExportKind::Invoices, from, to).unwrap(),
            export(&mut books, ExportKind::Invoices, from, to).unwrap(),
            "{dialect:?}"
        );
    }
}

/// Returns the errors the analysis of a documents file reports.
fn document_errors(books: &mut Books, csv: &str) -> Vec<String> {
    analyse(
        books,
        ImportKind::Documents,
        csv.as_bytes(),
        &ImportOptions::default(),
    )
    .unwrap()
    .errors
    .iter()
    .map(ToString::to_string)
    .collect()
}

#[test]
fn terms_and_due_date_errors_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    import(
        &mut books,
        ImportKind::Customers,
        b"name,country\nNordlicht SARL,FR\n",
    );
    let header = "document,customer,issue_date,status,description,quantity,unit_price,vat_rate,payment_terms,due_date,exchange_rate,line_delivery_date\n";
    let cases = [
        (
            "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,net:thirty,,,\n",
            "line 2, column \"payment_terms\": \"net:thirty\" is not payment terms",
        ),
        (
            "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,weekly:2,,,\n",
            "line 2, column \"payment_terms\": \"weekly:2\" is not payment terms: write net:30",
        ),
        (
            "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,net:30,2026-06-10,,\n",
            "line 2, column \"due_date\": due date 2026-06-10 differs from 2026-06-09, which payment terms net:30 give for issue date 2026-05-10",
        ),
        (
            "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,,2026-06-09,,\n",
            "line 2, column \"due_date\": due date 2026-06-09 needs the payment terms",
        ),
        (
            "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,,31/02/2026,,\n",
            "line 2, column \"due_date\": \"31/02/2026\" is not a date",
        ),
        (
            "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,,,-0.5,\n",
            "line 2, column \"exchange_rate\": exchange rate -0.5 must be above zero",
        ),
        (
            "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,,,,May 2\n",
            "line 2, column \"line_delivery_date\": \"May 2\" is not a date",
        ),
    ];
    for (row, expected) in cases {
        let errors = document_errors(&mut books, &format!("{header}{row}"));
        assert_eq!(errors.len(), 1, "{row}: {errors:?}");
        assert!(errors[0].starts_with(expected), "{row}: {errors:?}");
    }
    let customer_header =
        "name,country,payment_terms,delivery_address_line1,delivery_city,delivery_country\n";
    let customer_cases = [
        (
            "Sud SAS,FR,net:30,1 quai Nord,,FR\n",
            "line 2, column \"delivery_city\": the delivery city is empty",
        ),
        (
            "Sud SAS,FR,net:30,1 quai Nord,Marseille,Atlantis\n",
            "line 2, column \"delivery_country\": \"Atlantis\" is not a known country",
        ),
        (
            "Sud SAS,FR,30 jours,,,\n",
            "line 2, column \"payment_terms\": \"30 jours\" is not payment terms",
        ),
    ];
    for (row, expected) in customer_cases {
        let analysis = analyse(
            &mut books,
            ImportKind::Customers,
            format!("{customer_header}{row}").as_bytes(),
            &ImportOptions::default(),
        )
        .unwrap();
        let errors: Vec<String> = analysis.errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 1, "{row}: {errors:?}");
        assert!(errors[0].starts_with(expected), "{row}: {errors:?}");
    }
    let rows = "A,Nordlicht SARL,2026-05-10,issued,Audit,1,100,20,net:30,2026-06-09,,\n\
                A,Nordlicht SARL,2026-05-10,issued,Pose,1,50,20,net:45,,,\n";
    let errors = document_errors(&mut books, &format!("{header}{rows}"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(
            "line 3, column \"payment_terms\": \"net:45\" differs from \"net:30\" on line 2"
        ),
        "{errors:?}"
    );
    assert!(books.list(&Default::default(), today()).unwrap().is_empty());
}

#[test]
fn credit_note_rows_rejected() {
    let (from, to) = year_2026();
    let source = tempfile::tempdir().unwrap();
    let mut books = books_in(&source);
    let id = invoice_with_allowances(&mut books);
    let credit_note = books
        .cancel(id, None, NaiveDate::from_ymd_opt(2026, 4, 20))
        .unwrap();
    let customers = export(&mut books, ExportKind::Customers, from, to).unwrap();
    let lines = export(&mut books, ExportKind::Lines, from, to).unwrap();
    let text = String::from_utf8(lines.clone()).unwrap();
    assert!(
        text.lines()
            .any(|line| line.starts_with(&format!("{credit_note},credit_note,"))),
        "{text}"
    );

    let target = tempfile::tempdir().unwrap();
    let mut other = books_in(&target);
    import(&mut other, ImportKind::Customers, &customers);
    let analysis = analyse(
        &mut other,
        ImportKind::Documents,
        &lines,
        &ImportOptions::default(),
    )
    .unwrap();
    let errors: Vec<String> = analysis.errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(
            "\"credit_note\" is not a document kind: write invoice, quote or order (credit notes are made by cancelling an invoice)"
        ),
        "{errors:?}"
    );
    // The invoice itself still imports; its credit note is left out whole.
    assert_eq!(analysis.records.len(), 1);
    assert!(commit(&mut other, &analysis, false).is_err());
    let report = commit(&mut other, &analysis, true).unwrap();
    assert_eq!(report.documents.len(), 1);
    assert_eq!(report.skipped_rows, 6);
}

#[test]
fn invoices_export_matches_core_totals() {
    let (from, to) = year_2026();
    let dir = tempfile::tempdir().unwrap();
    let mut books = books_in(&dir);
    let mut ids = invoices_with_every_field(&mut books);
    books
        .record_payment(
            ids[0],
            dec!(100.05),
            NaiveDate::from_ymd_opt(2026, 5, 20).unwrap(),
            "transfer",
            None,
        )
        .unwrap();
    let credit_note = books
        .cancel(ids[2], None, NaiveDate::from_ymd_opt(2026, 5, 25))
        .unwrap();
    ids.push(books.find(&credit_note).unwrap());

    for dialect in [CsvDialect::Plain, CsvDialect::French] {
        let bytes = export_in(&mut books, ExportKind::Invoices, from, to, dialect).unwrap();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(if dialect == CsvDialect::French {
                b';'
            } else {
                b','
            })
            .from_reader(bytes.as_slice());
        let headers = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), ids.len(), "{dialect:?}");
        let style = match dialect {
            CsvDialect::Plain => NumberStyle::Plain,
            CsvDialect::French => NumberStyle::French,
        };
        for (row, id) in rows.iter().zip(&ids) {
            let view = books.view(*id, today()).unwrap();
            let text =
                |name: &str| row[headers.iter().position(|h| h == name).unwrap()].to_string();
            let number =
                |name: &str| facturier::money::parse_decimal(&text(name), style, "amount").unwrap();
            assert_eq!(Some(text("number")), view.document.number);
            assert_eq!(text("currency"), view.document.header.currency.code());
            assert_eq!(
                text("due_date"),
                view.document
                    .due_date
                    .map(|date| date.to_string())
                    .unwrap_or_default()
            );
            assert_eq!(
                number("tax_exclusive_total"),
                view.totals.tax_exclusive_total
            );
            assert_eq!(number("tax_total"), view.totals.tax_total);
            assert_eq!(
                number("tax_inclusive_total"),
                view.totals.tax_inclusive_total
            );
            assert_eq!(number("paid"), view.paid);
            assert_eq!(number("credited"), view.credited);
            assert_eq!(number("balance"), view.balance);
            // Amounts keep the currency's decimals, so "100.10" never reads
            // as "100.1".
            let decimals = view.document.header.currency.decimals();
            assert_eq!(
                number("tax_inclusive_total").scale(),
                decimals,
                "{dialect:?}"
            );
        }
    }
}
