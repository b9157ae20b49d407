//! Catalogue prices, price lists and the price lock, from quote to invoice.

use crate::common;

use common::{Fixture, dec};
use facturier::books::today;
use facturier::document::{DocumentKind, PriceSource};
use facturier::input::parse_draft;
use facturier::store::{PriceList, PriceListItem, Product, ProductNature};
use facturier::vat::Vat;

struct Catalogue {
    fixture: Fixture,
    list: i64,
    product: i64,
}

fn catalogue() -> Catalogue {
    let mut fixture = Fixture::new();
    let list = fixture
        .books
        .add_price_list(&PriceList {
            id: 0,
            name: "Tarif 2026".to_string(),
            currency: facturier::money::Currency::EUR,
            archived: false,
        })
        .expect("price list");
    let product = fixture
        .books
        .add_product(&Product {
            id: 0,
            code: "AUD-1".to_string(),
            name: "Audit".to_string(),
            description: String::new(),
            unit: "HUR".to_string(),
            vat: Vat::standard(dec("20")),
            nature: ProductNature::Service,
            archived: false,
        })
        .expect("product");
    set_price(&mut fixture, list, product, "80.00");
    Catalogue {
        fixture,
        list,
        product,
    }
}

fn set_price(fixture: &mut Fixture, list: i64, product: i64, price: &str) -> Vec<i64> {
    fixture
        .books
        .set_price(&PriceListItem {
            price_list_id: list,
            product_id: product,
            unit_price: dec(price),
            base_quantity: dec("1"),
            valid_from: None,
            valid_to: None,
        })
        .expect("set price")
}

fn draft_json(list: i64, locked: bool) -> String {
    format!(
        r#"{{"customer": {{"name": "Atelier Lenoir SARL", "address": {{"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}}}},
            "issue_date": "2026-03-02", "price_list_id": {list}, "price_locked": {locked},
            "lines": [{{"product_code": "AUD-1", "quantity": "2"}},
                      {{"description": "Déplacement", "quantity": "1", "unit_price": "35.00", "vat": {{"category": "S", "rate": "20"}}}}]}}"#
    )
}

#[test]
fn catalogue_lines_take_the_price_list_price() {
    let mut catalogue = catalogue();
    let input = parse_draft(&draft_json(catalogue.list, false)).expect("json");
    let id = catalogue
        .fixture
        .books
        .create_draft(DocumentKind::Invoice, &input)
        .expect("draft");
    let view = catalogue.fixture.books.view(id, today()).expect("view");
    let lines = &view.document.content.lines;
    assert_eq!(lines[0].unit_price, dec("80.00"));
    assert_eq!(lines[0].price_source, PriceSource::Catalogue);
    assert_eq!(lines[0].unit, "HUR");
    assert_eq!(lines[0].description, "Audit");
    assert_eq!(lines[1].price_source, PriceSource::Manual);
    assert_eq!(view.totals.tax_exclusive_total, dec("195.00"));
}

#[test]
fn unlocked_draft_follows_price_changes_and_locked_one_keeps_its_prices() {
    let mut catalogue = catalogue();
    let unlocked_input = parse_draft(&draft_json(catalogue.list, false)).expect("json");
    let locked_input = parse_draft(&draft_json(catalogue.list, true)).expect("json");
    let books = &mut catalogue.fixture.books;
    let unlocked = books
        .create_draft(DocumentKind::Invoice, &unlocked_input)
        .expect("draft");
    let locked = books
        .create_draft(DocumentKind::Invoice, &locked_input)
        .expect("draft");

    let repriced = set_price(
        &mut catalogue.fixture,
        catalogue.list,
        catalogue.product,
        "90.00",
    );
    assert_eq!(repriced, [unlocked]);
    let books = &mut catalogue.fixture.books;
    let unlocked_view = books.view(unlocked, today()).expect("view");
    assert_eq!(
        unlocked_view.document.content.lines[0].unit_price,
        dec("90.00")
    );
    assert_eq!(
        unlocked_view.document.content.lines[1].unit_price,
        dec("35.00"),
        "written-in price kept"
    );
    assert_eq!(unlocked_view.totals.tax_exclusive_total, dec("215.00"));
    assert_eq!(
        unlocked_view.document.stored_totals.tax_exclusive_total,
        dec("215.00")
    );

    let locked_view = books.view(locked, today()).expect("view");
    assert_eq!(
        locked_view.document.content.lines[0].unit_price,
        dec("80.00")
    );

    // Unlocking shows, then applies, what changes.
    let preview = books.price_changes(locked).expect("preview");
    assert_eq!(preview.len(), 1);
    assert_eq!(preview[0].line, 1);
    assert_eq!(preview[0].current_price, dec("80.00"));
    assert_eq!(preview[0].list_price, dec("90.00"));
    let still_locked = books.view(locked, today()).expect("view");
    assert_eq!(
        still_locked.document.content.lines[0].unit_price,
        dec("80.00"),
        "preview changes nothing"
    );
    let applied = books.set_price_lock(locked, false).expect("unlock");
    assert_eq!(applied, preview);
    let unlocked_now = books.view(locked, today()).expect("view");
    assert_eq!(
        unlocked_now.document.content.lines[0].unit_price,
        dec("90.00")
    );
    assert!(!unlocked_now.document.header.price_locked);
}

#[test]
fn conversion_carries_lines_and_price_lock() {
    let mut catalogue = catalogue();
    let input = parse_draft(&draft_json(catalogue.list, true)).expect("json");
    let books = &mut catalogue.fixture.books;
    let quote = books
        .create_draft(DocumentKind::Quote, &input)
        .expect("quote");
    books.issue(quote, None).expect("send");
    let order = books.convert(quote, DocumentKind::Order).expect("order");
    let invoice = books
        .convert(order, DocumentKind::Invoice)
        .expect("invoice");

    set_price(
        &mut catalogue.fixture,
        catalogue.list,
        catalogue.product,
        "99.00",
    );
    let books = &mut catalogue.fixture.books;
    let quote_view = books.view(quote, today()).expect("quote");
    let invoice_view = books.view(invoice, today()).expect("invoice");
    assert_eq!(quote_view.document.stage.as_deref(), Some("accepted"));
    assert!(invoice_view.document.header.price_locked);
    assert_eq!(
        invoice_view.document.header.price_list_id,
        Some(catalogue.list)
    );
    assert_eq!(invoice_view.document.content, quote_view.document.content);
    assert_eq!(
        invoice_view.document.content.lines[0].unit_price,
        dec("80.00")
    );
    assert_eq!(invoice_view.document.source_id, Some(order));
    let order_view = books.view(order, today()).expect("order");
    assert_eq!(order_view.document.stage.as_deref(), Some("fulfilled"));

    let error = books
        .convert(invoice, DocumentKind::Order)
        .expect_err("backwards")
        .to_string();
    assert!(error.contains("cannot be converted"), "{error}");
}

#[test]
fn issuing_an_unlocked_draft_freezes_the_current_list_price() {
    let mut catalogue = catalogue();
    let input = parse_draft(&draft_json(catalogue.list, false)).expect("json");
    let id = catalogue
        .fixture
        .books
        .create_draft(DocumentKind::Invoice, &input)
        .expect("draft");
    let number = catalogue.fixture.books.issue(id, None).expect("issue");
    let repriced = set_price(
        &mut catalogue.fixture,
        catalogue.list,
        catalogue.product,
        "120.00",
    );
    assert!(
        repriced.is_empty(),
        "issued invoices never follow the price list"
    );
    let view = catalogue.fixture.books.view(id, today()).expect("view");
    assert_eq!(view.document.number.as_deref(), Some(number.as_str()));
    assert_eq!(view.document.content.lines[0].unit_price, dec("80.00"));
    let error = catalogue
        .fixture
        .books
        .set_price_lock(id, false)
        .expect_err("issued")
        .to_string();
    assert!(error.contains("final"), "{error}");
}

#[test]
fn dated_prices_apply_on_the_document_date() {
    let mut catalogue = catalogue();
    catalogue
        .fixture
        .books
        .set_price(&PriceListItem {
            price_list_id: catalogue.list,
            product_id: catalogue.product,
            unit_price: dec("85.00"),
            base_quantity: dec("1"),
            valid_from: Some("2026-03-01".parse().expect("date")),
            valid_to: None,
        })
        .expect("dated price");
    let input = parse_draft(&draft_json(catalogue.list, false)).expect("json");
    let id = catalogue
        .fixture
        .books
        .create_draft(DocumentKind::Invoice, &input)
        .expect("draft");
    let view = catalogue.fixture.books.view(id, today()).expect("view");
    assert_eq!(view.document.content.lines[0].unit_price, dec("85.00"));
    let earlier = draft_json(catalogue.list, false).replace("2026-03-02", "2026-02-27");
    let id = catalogue
        .fixture
        .books
        .create_draft(DocumentKind::Invoice, &parse_draft(&earlier).expect("json"))
        .expect("draft");
    let view = catalogue.fixture.books.view(id, today()).expect("view");
    assert_eq!(view.document.content.lines[0].unit_price, dec("80.00"));
}

#[test]
fn customers_in_use_are_archived_not_deleted() {
    let mut fixture = Fixture::new();
    fixture.issued(&common::invoice_json(
        "2026-01-05",
        &common::line("1", "10.00", "20"),
        "",
    ));
    let customers = fixture.books.customers("Lenoir", false).expect("customers");
    assert_eq!(customers.len(), 1);
    let id = customers[0].id;
    let error = fixture
        .books
        .store()
        .write(|tx| facturier::store::customers::delete(tx, id))
        .expect_err("in use")
        .to_string();
    assert!(error.contains("archive"), "{error}");
    fixture
        .books
        .set_customer_archived(id, true)
        .expect("archive");
    assert!(
        fixture
            .books
            .customers("Lenoir", false)
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        fixture.books.customers("Lenoir", true).expect("list").len(),
        1
    );
}
