//! The demo company: a French seller whose customers, catalogue and invoices
//! come from the Northwind sample database (Microsoft, Ms-PL; the licence is
//! in `assets/northwind/LICENSE`). The data ships inside the binary as the
//! CSV files of `assets/northwind/`, so the demo needs nothing on disk.
//!
//! Every order becomes an issued invoice, numbered per year in the order of
//! its date. Dates move by whole years so that the latest order falls in the
//! current year (one year earlier when that date is still ahead of today).
//! VAT follows the customer's country: French customers pay 5.5 % on food
//! and 20 % on alcoholic drinks and confectionery, other EU customers get
//! intra-EU supplies (category K) and the rest exports (category G), each
//! with its legal exemption wording. The paid, partially paid, open, overdue
//! and cancelled mix is derived from the order dates, so every run gives the
//! same books for the same current date.

use std::collections::BTreeMap;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::books::{Batch, Books, today};
use crate::document::{Address, Company, DocumentKind, Party};
use crate::exchange::fields::parse_country;
use crate::input::{DecimalText, DiscountInput, DraftInput, LineInput, VatInput};
use crate::money::round_half_away;
use crate::store::documents::ListFilter;
use crate::store::{
    Customer, PriceList, PriceListItem, Product, ProductNature, Result, StoreError,
};
use crate::vat::{Vat, VatCategory};

const CUSTOMERS: &str = include_str!("../assets/northwind/customers.csv");
const PRODUCTS: &str = include_str!("../assets/northwind/products.csv");
const ORDERS: &str = include_str!("../assets/northwind/orders.csv");
const ORDER_LINES: &str = include_str!("../assets/northwind/order_lines.csv");

/// Name of the demo's price list.
pub const PRICE_LIST: &str = "Tarif général";

/// Products taxed at the French standard rate (20 %): alcoholic drinks
/// (beers, wine, liqueurs), confectionery and chocolate. The other Northwind
/// products are food and soft drinks, at the reduced rate of 5.5 %.
/// NOTE: French law taxes some chocolates at 5.5 %; the demo simplifies by
/// putting every chocolate product at 20 %.
const STANDARD_RATE_PRODUCTS: &[u32] = &[2, 25, 26, 27, 34, 35, 38, 39, 48, 49, 50, 67, 70, 75, 76];

/// EU member states other than France, whose business customers receive
/// intra-EU supplies.
const EU_COUNTRIES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "GR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Counts of the records the demo created.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DemoSummary {
    pub customers: usize,
    pub products: usize,
    pub invoices: usize,
    pub credit_notes: usize,
    pub payments: usize,
}

#[derive(Debug, Deserialize)]
struct NorthwindCustomer {
    customer_id: String,
    company_name: String,
    address: String,
    city: String,
    region: String,
    postal_code: String,
    country: String,
}

#[derive(Debug, Deserialize)]
struct NorthwindProduct {
    product_id: u32,
    product_name: String,
    quantity_per_unit: String,
    unit_price: Decimal,
}

#[derive(Debug, Deserialize)]
struct NorthwindOrder {
    order_id: u32,
    customer_id: String,
    order_date: NaiveDate,
    shipped_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
struct NorthwindLine {
    order_id: u32,
    product_id: u32,
    unit_price: Decimal,
    quantity: u32,
    /// Fraction of the line amount, 0.15 for 15 %.
    discount: Decimal,
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<Vec<T>> {
    csv::Reader::from_reader(text.as_bytes())
        .deserialize()
        .collect::<std::result::Result<Vec<T>, _>>()
        .map_err(|error| StoreError::Rejected(format!("the demo data {name} is invalid: {error}")))
}

/// Returns the demo seller. Its identifiers are fictitious but well-formed: SIREN
/// 999 999 998 passes the Luhn check and FR11 is its VAT key.
pub fn demo_company() -> Company {
    Company {
        name: "Comptoir Northwind SAS".to_string(),
        legal_form: "SAS".to_string(),
        share_capital: "50 000 €".to_string(),
        siren: "999999998".to_string(),
        rcs: "RCS Lyon 999 999 998".to_string(),
        vat_id: "FR11999999998".to_string(),
        address: Address {
            line1: "8 rue de la Charité".to_string(),
            line2: None,
            postcode: "69002".to_string(),
            city: "Lyon".to_string(),
            country: "FR".to_string(),
        },
        iban: "FR7630006000011234567890189".to_string(),
        bic: "AGRIFRPP".to_string(),
        email: "compta@comptoir-northwind.example".to_string(),
        ..Company::default()
    }
}

/// Returns whether the books contain nothing yet (no company, customer,
/// product or document), which is when the first-start screen offers the
/// demo.
pub fn is_fresh(books: &mut Books) -> Result<bool> {
    Ok(books.company()?.is_none()
        && books.customers("", true)?.is_empty()
        && books.products("", true)?.is_empty()
        && books.list(&ListFilter::default(), today())?.is_empty())
}

/// Creates the demo company in books that contain nothing yet, in one
/// transaction.
pub fn create(books: &mut Books) -> Result<DemoSummary> {
    if !is_fresh(books)? {
        return Err(StoreError::Rejected(
            "the demo company can only be created in an empty data folder, and this one already contains data: choose a new folder with --data-dir".to_string(),
        ));
    }
    let data = DemoData::load()?;
    let today = today();
    let summary = books.batch(|batch| data.create(batch, today))?;
    tracing::info!(invoices = summary.invoices, "demo company created");
    Ok(summary)
}

struct DemoData {
    customers: Vec<NorthwindCustomer>,
    products: Vec<NorthwindProduct>,
    orders: Vec<NorthwindOrder>,
    lines: BTreeMap<u32, Vec<NorthwindLine>>,
}

/// The later events of an issued demo invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Paid(NaiveDate),
    /// Half of the total paid on the date.
    PartiallyPaid(NaiveDate),
    Unpaid,
    /// Cancelled by a credit note on the date.
    Cancelled(NaiveDate),
}

impl DemoData {
    fn load() -> Result<DemoData> {
        let mut lines: BTreeMap<u32, Vec<NorthwindLine>> = BTreeMap::new();
        for line in parse::<NorthwindLine>("order_lines.csv", ORDER_LINES)? {
            lines.entry(line.order_id).or_default().push(line);
        }
        let mut orders = parse::<NorthwindOrder>("orders.csv", ORDERS)?;
        orders.sort_by_key(|order| (order.order_date, order.order_id));
        Ok(DemoData {
            customers: parse("customers.csv", CUSTOMERS)?,
            products: parse("products.csv", PRODUCTS)?,
            orders,
            lines,
        })
    }

    fn create(&self, batch: &Batch<'_, '_>, today: NaiveDate) -> Result<DemoSummary> {
        let mut summary = DemoSummary::default();
        batch.set_company(&demo_company())?;
        let price_list_id = batch.add_price_list(&PriceList {
            id: 0,
            name: PRICE_LIST.to_string(),
            currency: crate::money::Currency::EUR,
            archived: false,
        })?;
        for product in &self.products {
            let id = batch.add_product(&catalogue_product(product))?;
            batch.set_price(&PriceListItem {
                price_list_id,
                product_id: id,
                unit_price: product.unit_price,
                base_quantity: Decimal::ONE,
                valid_from: None,
                valid_to: None,
            })?;
            summary.products += 1;
        }
        let mut customers: BTreeMap<&str, (i64, String)> = BTreeMap::new();
        for (index, source) in self.customers.iter().enumerate() {
            let customer = demo_customer(source, index)?;
            let country = customer.party.address.country.clone();
            let id = batch.add_customer(&customer)?;
            customers.insert(source.customer_id.as_str(), (id, country));
            summary.customers += 1;
        }

        let latest = self
            .orders
            .iter()
            .map(|order| order.order_date)
            .max()
            .unwrap_or(today);
        let years = years_to_shift(latest, today);
        let shift = |date: NaiveDate| shift_years(date, years);
        let latest = shift(latest);

        let mut follow_ups: Vec<(i64, Outcome)> = Vec::new();
        for order in &self.orders {
            let (customer_id, country) =
                customers.get(order.customer_id.as_str()).ok_or_else(|| {
                    StoreError::Rejected(format!(
                        "demo order {} names unknown customer {}",
                        order.order_id, order.customer_id
                    ))
                })?;
            let issue_date = shift(order.order_date);
            let input = self.invoice_input(order, *customer_id, country, issue_date, &shift);
            let id = batch.create_draft(DocumentKind::Invoice, &input)?;
            batch.issue(id, Some(issue_date))?;
            summary.invoices += 1;
            let outcome = outcome_of(
                order,
                issue_date,
                order.shipped_date.map(&shift),
                latest,
                today,
            );
            follow_ups.push((id, outcome));
        }

        for (id, outcome) in &follow_ups {
            let (date, share) = match *outcome {
                Outcome::Paid(date) => (date, Decimal::ONE),
                Outcome::PartiallyPaid(date) => (date, Decimal::new(5, 1)),
                _ => continue,
            };
            let total = batch.view(*id, date)?.totals.tax_inclusive_total;
            let amount = round_half_away(total * share, 2);
            if amount > Decimal::ZERO {
                batch.record_payment(*id, amount, date, "transfer", None)?;
                summary.payments += 1;
            }
        }

        // Credit notes have their own series, so they are issued in date
        // order after every invoice.
        let mut cancellations: Vec<(NaiveDate, i64)> = follow_ups
            .iter()
            .filter_map(|(id, outcome)| match outcome {
                Outcome::Cancelled(date) => Some((*date, *id)),
                _ => None,
            })
            .collect();
        cancellations.sort();
        for (date, id) in cancellations {
            batch.cancel(id, None, Some(date))?;
            summary.credit_notes += 1;
        }
        Ok(summary)
    }

    fn invoice_input(
        &self,
        order: &NorthwindOrder,
        customer_id: i64,
        country: &str,
        issue_date: NaiveDate,
        shift: &impl Fn(NaiveDate) -> NaiveDate,
    ) -> DraftInput {
        let lines = self
            .lines
            .get(&order.order_id)
            .map(|lines| {
                lines
                    .iter()
                    .map(|line| invoice_line(line, country))
                    .collect()
            })
            .unwrap_or_default();
        DraftInput {
            customer_id: Some(customer_id),
            customer: None,
            currency: Some("EUR".to_string()),
            exchange_rate: None,
            issue_date: Some(issue_date),
            payment_terms: None,
            delivery_date: order.shipped_date.map(shift),
            valid_until: None,
            purchase_order_ref: Some(format!("Northwind {}", order.order_id)),
            buyer_reference: None,
            note: None,
            price_list_id: None,
            price_locked: true,
            lines,
            allowances: Vec::new(),
            charges: Vec::new(),
        }
    }
}

/// Whole years that bring `latest` into the year of `today`, or into the
/// year before when that date would still be ahead of today. The shifted
/// `latest` is therefore on or before `today`, and less than a year before
/// it. The result is negative for a `today` before `latest`'s year.
fn years_to_shift(latest: NaiveDate, today: NaiveDate) -> i32 {
    let years = today.year() - latest.year();
    if shift_years(latest, years) > today {
        years - 1
    } else {
        years
    }
}

/// Moves `date` by whole years; 29 February becomes 28 February in a
/// common year. Shifting keeps the order of dates, so invoices numbered in
/// date order stay chronological.
fn shift_years(date: NaiveDate, years: i32) -> NaiveDate {
    let months = Months::new(12 * years.unsigned_abs());
    let shifted = if years >= 0 {
        date.checked_add_months(months)
    } else {
        date.checked_sub_months(months)
    };
    shifted.unwrap_or(date)
}

/// The demo's rule for what became of an invoice, from its dates:
/// - an order Northwind never shipped was cancelled by a credit note two
///   weeks after its date;
/// - invoices of the last 45 days before the latest order are still unpaid
///   (open, or overdue once their 30 days have passed);
/// - of the others, those dated the 10th, 20th or 30th of a month were
///   half paid, and those dated the 5th, 15th or 25th were not paid at all
///   (overdue);
/// - the rest were paid in full 30 days after shipping.
///
/// Payment and cancellation dates never pass today.
fn outcome_of(
    order: &NorthwindOrder,
    issue_date: NaiveDate,
    shipped: Option<NaiveDate>,
    latest: NaiveDate,
    today: NaiveDate,
) -> Outcome {
    let capped = |date: NaiveDate| date.min(today).max(issue_date);
    let Some(shipped) = shipped else {
        return Outcome::Cancelled(capped(issue_date + chrono::Days::new(14)));
    };
    if (latest - issue_date).num_days() <= 45 {
        return Outcome::Unpaid;
    }
    let payment_date = capped(shipped + chrono::Days::new(30));
    match order.order_date.day() % 10 {
        0 => Outcome::PartiallyPaid(payment_date),
        5 => Outcome::Unpaid,
        _ => Outcome::Paid(payment_date),
    }
}

fn catalogue_product(product: &NorthwindProduct) -> Product {
    let rate = if STANDARD_RATE_PRODUCTS.contains(&product.product_id) {
        Decimal::from(20)
    } else {
        Decimal::new(55, 1)
    };
    Product {
        id: 0,
        code: product_code(product.product_id),
        name: product.product_name.clone(),
        description: product.quantity_per_unit.clone(),
        unit: "C62".to_string(),
        vat: Vat::standard(rate),
        nature: ProductNature::Goods,
        archived: false,
    }
}

fn product_code(product_id: u32) -> String {
    format!("NW{product_id:03}")
}

fn demo_customer(source: &NorthwindCustomer, index: usize) -> Result<Customer> {
    let country = parse_country(&source.country).map_err(StoreError::Rejected)?;
    let non_empty = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_string());
    let vat_id = EU_COUNTRIES
        .contains(&country.as_str())
        .then(|| fictitious_vat_id(&country, index + 1));
    Ok(Customer {
        id: 0,
        party: Party {
            name: source.company_name.clone(),
            siren: None,
            siret: None,
            vat_id,
            address: Address {
                line1: source.address.clone(),
                line2: non_empty(&source.region),
                postcode: source.postal_code.clone(),
                city: source.city.clone(),
                country,
            },
            delivery_address: None,
            email: None,
        },
        ..Customer::default()
    })
}

/// Makes a VAT identifier in the national format of `country` from nines
/// and the customer's number. Intra-EU supplies must print the customer's
/// VAT identifier, but Northwind has none, so the demo makes up these
/// clearly fictitious ones. They belong to no real business.
fn fictitious_vat_id(country: &str, number: usize) -> String {
    match country {
        "AT" => format!("ATU99{number:06}"),
        "BE" => format!("BE0999{number:06}"),
        "DK" | "FI" => format!("{country}99{number:06}"),
        "ES" => format!("ESX99{number:05}Z"),
        "IE" => format!("IE99{number:05}W"),
        "IT" => format!("IT99{number:09}"),
        "PL" => format!("PL99{number:08}"),
        "SE" => format!("SE99{number:08}01"),
        _ => format!("{country}99{number:07}"),
    }
}

/// Builds the invoice line of a Northwind order line. Northwind's line
/// amount is unit price × quantity × (1 − discount), rounded to the cent.
/// The discount is therefore given as the amount that takes quantity × price
/// down to that line amount. A percentage would be rounded on its own, as
/// EN 16931 rounds a line allowance (BT-136), and could differ by a cent.
fn invoice_line(line: &NorthwindLine, country: &str) -> LineInput {
    let gross = line.unit_price * Decimal::from(line.quantity);
    let net = round_half_away(gross * (Decimal::ONE - line.discount), 2);
    let discount =
        (gross > net).then(|| DiscountInput::Amount(DecimalText((gross - net).to_string())));
    let vat = match country {
        "FR" => None,
        country if EU_COUNTRIES.contains(&country) => Some(exempt(VatCategory::K)),
        _ => Some(exempt(VatCategory::G)),
    };
    LineInput {
        product_code: Some(product_code(line.product_id)),
        product_id: None,
        description: None,
        quantity: DecimalText(line.quantity.to_string()),
        unit: None,
        unit_price: Some(DecimalText(line.unit_price.to_string())),
        base_quantity: None,
        discount,
        vat,
        delivery_date: None,
    }
}

fn exempt(category: VatCategory) -> VatInput {
    let vat = Vat::exempt(category);
    VatInput {
        category: category.code().to_string(),
        rate: Some(DecimalText("0".to_string())),
        exemption_code: vat.exemption_code,
        exemption_reason: vat.exemption_reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn shift_keeps_latest_order_in_the_past() {
        let latest = date("1998-05-06");
        for (today, years) in [
            ("2026-12-04", 28),
            ("2026-05-06", 28),
            ("2026-05-05", 27),
            ("2026-01-10", 27),
            ("2027-01-01", 28),
            ("2028-02-29", 29),
            ("1998-05-06", 0),
            ("1998-01-01", -1),
        ] {
            assert_eq!(years_to_shift(latest, date(today)), years, "today {today}");
        }
    }

    #[test]
    fn shift_for_every_day_of_three_years() {
        // A leap day as the latest order checks the 28 February fallback.
        for latest in [date("1998-05-06"), date("1996-02-29"), date("1997-12-31")] {
            let mut today = date("2027-01-01");
            while today <= date("2029-12-31") {
                let years = years_to_shift(latest, today);
                let shifted = shift_years(latest, years);
                assert!(
                    shifted <= today,
                    "{latest} shifted to {shifted} after {today}"
                );
                assert!(
                    shift_years(latest, years + 1) > today,
                    "{latest} shifted to {shifted}, more than a year before {today}"
                );
                assert!(
                    shifted.year() == today.year() || shifted.year() == today.year() - 1,
                    "{latest} shifted to {shifted} for {today}"
                );
                today = today.succ_opt().unwrap();
            }
        }
    }

    #[test]
    fn shifted_orders_stay_past_and_ordered() {
        let data = DemoData::load().unwrap();
        let latest = data
            .orders
            .iter()
            .map(|order| order.order_date)
            .max()
            .unwrap();
        for today in [
            "2026-01-10",
            "2026-05-05",
            "2026-05-06",
            "2026-12-04",
            "2028-03-01",
        ] {
            let today = date(today);
            let years = years_to_shift(latest, today);
            let shifted: Vec<NaiveDate> = data
                .orders
                .iter()
                .map(|order| shift_years(order.order_date, years))
                .collect();
            assert!(
                shifted.iter().all(|issue| *issue <= today),
                "an invoice is dated after {today}"
            );
            assert!(
                shifted.windows(2).all(|pair| pair[0] <= pair[1]),
                "shifted dates out of order for {today}"
            );
            assert_eq!(
                shifted.last().map(|last| last.year() >= today.year() - 1),
                Some(true)
            );
        }
    }

    #[test]
    fn fictitious_vat_ids_are_well_formed() {
        for country in EU_COUNTRIES {
            let vat_id = fictitious_vat_id(country, 91);
            assert!(
                crate::identifiers::check_vat_id(&vat_id).is_ok(),
                "{vat_id}"
            );
            assert!(vat_id.starts_with(country), "{vat_id}");
        }
    }

    #[test]
    fn discount_amount_gives_northwind_line_amount() {
        let line = NorthwindLine {
            order_id: 1,
            product_id: 1,
            unit_price: Decimal::new(1745, 2),
            quantity: 30,
            discount: Decimal::new(15, 2),
        };
        let input = invoice_line(&line, "DE");
        assert!(matches!(
            input.discount,
            Some(DiscountInput::Amount(DecimalText(ref amount))) if amount == "78.52"
        ));
    }
}
