//! Northwind through the CSV import a user takes, and the demo company,
//! checked against order-line amounts computed from the original database.

// A failed unwrap fails the test, which is what a test should do.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use chrono::Datelike;
use facturier::books::{Books, today};
use facturier::document::{DocumentKind, InvoiceStatus};
use facturier::exchange::{ImportKind, ImportOptions, analyse, commit};
use facturier::store::documents::ListFilter;
use facturier::vat::VatCategory;
use rusqlite::Connection;
use rust_decimal::Decimal;

fn northwind() -> Connection {
    let path = crate::common::shared_material("data/northwind/northwind.sqlite");
    Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|error| panic!("cannot open {}: {error}", path.display()))
}

/// Prices and discounts are float4 in Northwind, so the SQL works in whole
/// cents and whole percent: a line is round(price × quantity × (100 −
/// discount %) / 100) cents, rounded half up (every amount is positive).
const LINE_CENTS: &str = "(CAST(ROUND(unit_price * 100) AS INTEGER) * quantity
        * (100 - CAST(ROUND(discount * 100) AS INTEGER)) + 50) / 100";

/// Order id to the sum of its rounded line amounts, in cents.
fn expected_order_cents(db: &Connection) -> BTreeMap<i64, i64> {
    let sql = format!("SELECT order_id, SUM({LINE_CENTS}) FROM order_details GROUP BY order_id");
    db.prepare(&sql)
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn cents(amount: Decimal) -> i64 {
    assert_eq!(amount.scale(), 2, "{amount} is not in cents");
    i64::try_from(amount.mantissa()).unwrap()
}

/// Writes the rows of `sql` as CSV with the given header.
fn table_csv(db: &Connection, header: &[&str], sql: &str) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).unwrap();
    let mut statement = db.prepare(sql).unwrap();
    let columns = statement.column_count();
    let mut rows = statement.query([]).unwrap();
    while let Some(row) = rows.next().unwrap() {
        let fields: Vec<String> = (0..columns)
            .map(|index| match row.get_ref(index).unwrap() {
                rusqlite::types::ValueRef::Null => String::new(),
                rusqlite::types::ValueRef::Integer(value) => value.to_string(),
                rusqlite::types::ValueRef::Text(text) => String::from_utf8(text.to_vec()).unwrap(),
                other => panic!("unexpected value {other:?} in {sql}"),
            })
            .collect();
        writer.write_record(&fields).unwrap();
    }
    writer.into_inner().unwrap()
}

fn import(books: &mut Books, kind: ImportKind, bytes: &[u8]) -> facturier::exchange::ImportReport {
    let analysis = analyse(books, kind, bytes, &ImportOptions::default()).unwrap();
    assert!(
        analysis.errors.is_empty(),
        "{:?}",
        &analysis.errors[..analysis.errors.len().min(5)]
    );
    commit(books, &analysis, false).unwrap()
}

#[test]
fn northwind_csv_import_matches_sql_amounts() {
    let db = northwind();
    let dir = tempfile::tempdir().unwrap();
    let mut books = Books::open(&dir.path().join("data")).unwrap();
    books.set_company(&facturier::demo::demo_company()).unwrap();

    // Headers as Northwind names them; the import recognises them.
    let customers = table_csv(
        &db,
        &[
            "company_name",
            "address",
            "region",
            "postal_code",
            "city",
            "country",
        ],
        "SELECT company_name, address, region, postal_code, city, country FROM customers",
    );
    let report = import(&mut books, ImportKind::Customers, &customers);
    assert_eq!(report.created, 91);

    let products = table_csv(
        &db,
        &[
            "product_id",
            "product_name",
            "quantity_per_unit",
            "unit_price",
            "vat_rate",
        ],
        "SELECT product_id, product_name, quantity_per_unit,
                printf('%.2f', unit_price), '5.5' FROM products",
    );
    let report = import(&mut books, ImportKind::Products, &products);
    assert_eq!(report.created, 77);
    assert_eq!(report.prices, 77);

    // The discount goes in as the amount Northwind took off each line: a
    // percentage would be rounded on its own, as EN 16931 rounds a line
    // allowance (BT-136), and 53 lines would then differ by a cent.
    let documents = table_csv(
        &db,
        &[
            "order_id", "company_name", "order_date", "status", "product_id", "quantity",
            "unit_price", "discount_amount", "vat_rate",
        ],
        &format!(
            "SELECT d.order_id, c.company_name, o.order_date, 'issued', d.product_id, d.quantity,
                    printf('%.2f', CAST(ROUND(d.unit_price * 100) AS INTEGER) / 100.0),
                    printf('%.2f', (CAST(ROUND(d.unit_price * 100) AS INTEGER) * d.quantity - {LINE_CENTS}) / 100.0),
                    '5.5'
             FROM order_details d JOIN orders o USING (order_id) JOIN customers c USING (customer_id)
             ORDER BY o.order_date, d.order_id, d.product_id"
        ),
    );
    let report = import(&mut books, ImportKind::Documents, &documents);
    assert_eq!(report.documents.len(), 830);

    let expected = expected_order_cents(&db);
    assert_eq!(expected.len(), 830);
    let mut lines = 0;
    for (key, id, number) in &report.documents {
        let view = books.view(*id, today()).unwrap();
        let order: i64 = key.parse().unwrap();
        assert!(number.is_some(), "order {order} was not issued");
        assert_eq!(
            cents(view.totals.tax_exclusive_total),
            expected[&order],
            "order {order}, invoice {number:?}"
        );
        lines += view.document.content.lines.len();
    }
    assert_eq!(lines, 2155);
}

#[test]
fn demo_company_is_northwind_with_french_vat() {
    let db = northwind();
    let dir = tempfile::tempdir().unwrap();
    let mut books = Books::open_exclusive(&dir.path().join("data")).unwrap();
    assert!(facturier::demo::is_fresh(&mut books).unwrap());
    let summary = facturier::demo::create(&mut books).unwrap();
    assert!(!facturier::demo::is_fresh(&mut books).unwrap());
    assert_eq!(summary.customers, 91);
    assert_eq!(summary.products, 77);
    assert_eq!(summary.invoices, 830);
    assert_eq!(books.customers("", true).unwrap().len(), 91);
    assert_eq!(books.products("", true).unwrap().len(), 77);

    let today = today();
    let listed = books.list(&ListFilter::default(), today).unwrap();
    let invoices: Vec<_> = listed
        .iter()
        .filter(|row| row.kind == DocumentKind::Invoice)
        .collect();
    assert_eq!(invoices.len(), 830);
    let credit_notes = listed
        .iter()
        .filter(|row| row.kind == DocumentKind::CreditNote)
        .count();
    assert_eq!(credit_notes, summary.credit_notes);

    // The latest order falls in the current year, never after today.
    let latest = invoices
        .iter()
        .filter_map(|row| row.issue_date)
        .max()
        .unwrap();
    assert!(latest <= today);
    assert!(latest.year() == today.year() || latest.year() == today.year() - 1);

    // Numbers follow the dates within each year.
    let mut by_number: Vec<_> = invoices
        .iter()
        .map(|row| (row.number.clone().unwrap(), row.issue_date.unwrap()))
        .collect();
    by_number.sort();
    for pair in by_number.windows(2) {
        if pair[0].1.year() == pair[1].1.year() {
            assert!(pair[0].1 <= pair[1].1, "{pair:?} are not in date order");
        }
    }

    // Every status of the mix is present.
    for status in [
        InvoiceStatus::Paid,
        InvoiceStatus::Partial,
        InvoiceStatus::Open,
        InvoiceStatus::Cancelled,
    ] {
        assert!(
            invoices.iter().any(|row| row.status == status),
            "no {status:?} invoice"
        );
    }
    assert!(invoices.iter().any(|row| row.overdue), "no overdue invoice");

    // Totals excluding VAT equal Northwind's line amounts.
    let expected = expected_order_cents(&db);
    let mut seen_categories = BTreeMap::new();
    let mut lines = 0;
    for row in &invoices {
        let view = books.view(row.id, today).unwrap();
        let reference = view.document.header.purchase_order_ref.clone().unwrap();
        let order: i64 = reference.trim_start_matches("Northwind ").parse().unwrap();
        assert_eq!(
            cents(view.totals.tax_exclusive_total),
            expected[&order],
            "order {order}"
        );
        lines += view.document.content.lines.len();
        let buyer = &view.document.header.buyer;
        for line in &view.document.content.lines {
            let category = line.vat.category;
            match buyer.address.country.as_str() {
                "FR" => {
                    assert_eq!(category, VatCategory::S);
                    assert!(
                        line.vat.rate == Decimal::new(55, 1) || line.vat.rate == Decimal::from(20)
                    );
                }
                "DE" | "SE" | "ES" | "AT" | "IT" | "PT" | "IE" | "BE" | "DK" | "FI" | "PL" => {
                    assert_eq!(category, VatCategory::K);
                    assert!(buyer.vat_id.is_some());
                    assert!(
                        line.vat
                            .exemption_reason
                            .as_deref()
                            .unwrap()
                            .contains("262 ter I")
                    );
                }
                _ => {
                    assert_eq!(category, VatCategory::G);
                    assert!(
                        line.vat
                            .exemption_reason
                            .as_deref()
                            .unwrap()
                            .contains("exportation")
                    );
                }
            }
            seen_categories.insert((category, line.vat.rate.normalize()), ());
        }
    }
    assert_eq!(lines, 2155);
    assert_eq!(seen_categories.len(), 4, "{seen_categories:?}");
}
