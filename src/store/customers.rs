//! Customer records.

use rusqlite::{OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};

use super::{Result, StoreError, json_from, json_to, now_utc};
use crate::document::{Address, Party};
use crate::money::Currency;
use crate::terms::PaymentTerms;

/// A customer of the company.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    #[serde(default)]
    pub id: i64,
    #[serde(flatten)]
    pub party: Party,
    #[serde(default)]
    pub currency: Currency,
    /// Agreed terms; `None` uses the company's default terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_terms: Option<PaymentTerms>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_list_id: Option<i64>,
    #[serde(default)]
    pub archived: bool,
}

const COLUMNS: &str = "id, name, siren, siret, vat_id, address_line1, address_line2, postcode, city, country, \
     delivery_line1, delivery_line2, delivery_postcode, delivery_city, delivery_country, \
     currency, payment_terms, price_list_id, email, archived";

fn from_row(row: &Row<'_>) -> rusqlite::Result<(Customer, String, Option<String>)> {
    let delivery_line1: Option<String> = row.get(10)?;
    let delivery_address = match delivery_line1 {
        Some(line1) => Some(Address {
            line1,
            line2: row.get(11)?,
            postcode: row.get::<_, Option<String>>(12)?.unwrap_or_default(),
            city: row.get::<_, Option<String>>(13)?.unwrap_or_default(),
            country: row.get::<_, Option<String>>(14)?.unwrap_or_default(),
        }),
        None => None,
    };
    let customer = Customer {
        id: row.get(0)?,
        party: Party {
            name: row.get(1)?,
            siren: row.get(2)?,
            siret: row.get(3)?,
            vat_id: row.get(4)?,
            address: Address {
                line1: row.get(5)?,
                line2: row.get(6)?,
                postcode: row.get(7)?,
                city: row.get(8)?,
                country: row.get(9)?,
            },
            delivery_address,
            email: row.get(18)?,
        },
        currency: Currency::EUR,
        payment_terms: None,
        price_list_id: row.get(17)?,
        archived: row.get(19)?,
    };
    Ok((customer, row.get(15)?, row.get(16)?))
}

fn finish(raw: (Customer, String, Option<String>)) -> Result<Customer> {
    let (mut customer, currency, terms) = raw;
    customer.currency = Currency::from_code(&currency).map_err(|error| StoreError::Corrupt {
        column: "customers.currency",
        value: currency.clone(),
        reason: error.to_string(),
    })?;
    customer.payment_terms = terms
        .map(|text| json_from("customers.payment_terms", &text))
        .transpose()?;
    Ok(customer)
}

/// Checks what the database cannot: a name, a two-letter country code and
/// well-formed French identifiers.
pub fn validate(customer: &Customer) -> Result<()> {
    let party = &customer.party;
    if party.name.trim().is_empty() {
        return Err(StoreError::Rejected(
            "the customer's legal name is empty: enter the name as registered".to_string(),
        ));
    }
    let country = party.address.country.trim();
    if !country.is_empty()
        && (country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()))
    {
        return Err(StoreError::Rejected(format!(
            "country \"{country}\" is not an ISO 3166 two-letter code: write FR, DE, BE..."
        )));
    }
    crate::identifiers::check_party(party).map_err(StoreError::Rejected)
}

pub fn insert(tx: &Transaction<'_>, customer: &Customer) -> Result<i64> {
    validate(customer)?;
    let party = &customer.party;
    let delivery = party.delivery_address.as_ref();
    tx.execute(
        "INSERT INTO customers (name, siren, siret, vat_id, address_line1, address_line2, postcode, city, country,
             delivery_line1, delivery_line2, delivery_postcode, delivery_city, delivery_country,
             currency, payment_terms, price_list_id, email, archived, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        params![
            party.name.trim(),
            party.siren,
            party.siret,
            party.vat_id,
            party.address.line1,
            party.address.line2,
            party.address.postcode,
            party.address.city,
            party.address.country,
            delivery.map(|a| a.line1.clone()),
            delivery.and_then(|a| a.line2.clone()),
            delivery.map(|a| a.postcode.clone()),
            delivery.map(|a| a.city.clone()),
            delivery.map(|a| a.country.clone()),
            customer.currency.code(),
            customer.payment_terms.as_ref().map(json_to),
            customer.price_list_id,
            party.email,
            customer.archived,
            now_utc(),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn update(tx: &Transaction<'_>, customer: &Customer) -> Result<()> {
    validate(customer)?;
    let party = &customer.party;
    let delivery = party.delivery_address.as_ref();
    let changed = tx.execute(
        "UPDATE customers SET name = ?2, siren = ?3, siret = ?4, vat_id = ?5, address_line1 = ?6,
             address_line2 = ?7, postcode = ?8, city = ?9, country = ?10, delivery_line1 = ?11,
             delivery_line2 = ?12, delivery_postcode = ?13, delivery_city = ?14, delivery_country = ?15,
             currency = ?16, payment_terms = ?17, price_list_id = ?18, email = ?19, archived = ?20
         WHERE id = ?1",
        params![
            customer.id,
            party.name.trim(),
            party.siren,
            party.siret,
            party.vat_id,
            party.address.line1,
            party.address.line2,
            party.address.postcode,
            party.address.city,
            party.address.country,
            delivery.map(|a| a.line1.clone()),
            delivery.and_then(|a| a.line2.clone()),
            delivery.map(|a| a.postcode.clone()),
            delivery.map(|a| a.city.clone()),
            delivery.map(|a| a.country.clone()),
            customer.currency.code(),
            customer.payment_terms.as_ref().map(json_to),
            customer.price_list_id,
            party.email,
            customer.archived,
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::Rejected(format!(
            "customer {} not found: list customers with `facturier customer list`",
            customer.id
        )));
    }
    Ok(())
}

pub fn get(tx: &Transaction<'_>, id: i64) -> Result<Option<Customer>> {
    let sql = format!("SELECT {COLUMNS} FROM customers WHERE id = ?1");
    tx.query_row(&sql, [id], from_row)
        .optional()?
        .map(finish)
        .transpose()
}

/// Finds a customer by exact legal name (case-insensitive), for imports and
/// inline customers that must not create duplicates.
pub fn find_by_name(tx: &Transaction<'_>, name: &str) -> Result<Option<Customer>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM customers WHERE name = ?1 COLLATE NOCASE ORDER BY id LIMIT 1"
    );
    tx.query_row(&sql, [name.trim()], from_row)
        .optional()?
        .map(finish)
        .transpose()
}

/// Lists customers whose name, SIREN, VAT id or city contains `search`.
pub fn list(tx: &Transaction<'_>, search: &str, include_archived: bool) -> Result<Vec<Customer>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM customers
         WHERE (?1 = '' OR name LIKE '%' || ?1 || '%' OR siren LIKE ?1 || '%'
                OR vat_id LIKE '%' || ?1 || '%' OR city LIKE '%' || ?1 || '%')
           AND (?2 OR archived = 0)
         ORDER BY name COLLATE NOCASE, id"
    );
    let mut statement = tx.prepare(&sql)?;
    let rows = statement.query_map(params![search.trim(), include_archived], from_row)?;
    rows.map(|raw| finish(raw?)).collect()
}

/// Archives a customer: it leaves the lists but every document keeps it.
/// Customers are never deleted once a document uses them.
pub fn set_archived(tx: &Transaction<'_>, id: i64, archived: bool) -> Result<()> {
    let changed = tx.execute(
        "UPDATE customers SET archived = ?2 WHERE id = ?1",
        params![id, archived],
    )?;
    if changed == 0 {
        return Err(StoreError::Rejected(format!("customer {id} not found")));
    }
    Ok(())
}

/// Deletes a customer that no document uses; a customer in use must be
/// archived instead.
pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<()> {
    let used: i64 = tx.query_row(
        "SELECT COUNT(*) FROM documents WHERE customer_id = ?1",
        [id],
        |row| row.get(0),
    )?;
    if used > 0 {
        return Err(StoreError::Rejected(format!(
            "customer {id} is used by {used} document(s) and cannot be deleted: archive it instead"
        )));
    }
    tx.execute("DELETE FROM customers WHERE id = ?1", [id])?;
    Ok(())
}
