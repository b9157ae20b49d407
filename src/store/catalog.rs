//! The catalogue: products and services, and price lists.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row, Transaction, params};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Result, StoreError, decimal_from, optional_date_from};
use crate::money::Currency;
use crate::vat::{Vat, VatCategory};

/// Whether an item is delivered goods or a performed service; the invoice
/// must state the nature of the operation (goods, services or both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductNature {
    Goods,
    #[default]
    Service,
}

impl ProductNature {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductNature::Goods => "goods",
            ProductNature::Service => "service",
        }
    }
}

/// A product or service of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    #[serde(default)]
    pub id: i64,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// UN/ECE Recommendation 20 unit code.
    #[serde(default = "default_unit")]
    pub unit: String,
    pub vat: Vat,
    #[serde(default)]
    pub nature: ProductNature,
    #[serde(default)]
    pub archived: bool,
}

fn default_unit() -> String {
    "C62".to_string()
}

/// A named price list in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    pub currency: Currency,
    #[serde(default)]
    pub archived: bool,
}

/// The price of a product in a price list over a validity period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceListItem {
    pub price_list_id: i64,
    pub product_id: i64,
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    pub base_quantity: Decimal,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

const PRODUCT_COLUMNS: &str = "id, code, name, description, unit, vat_category, vat_rate, exemption_code, exemption_reason, nature, archived";

type RawProduct = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    bool,
);

fn product_row(row: &Row<'_>) -> rusqlite::Result<RawProduct> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
    ))
}

fn product_from(raw: RawProduct) -> Result<Product> {
    let (
        id,
        code,
        name,
        description,
        unit,
        category,
        rate,
        exemption_code,
        exemption_reason,
        nature,
        archived,
    ) = raw;
    let category = VatCategory::from_code(&category).map_err(|error| StoreError::Corrupt {
        column: "products.vat_category",
        value: category.clone(),
        reason: error.to_string(),
    })?;
    Ok(Product {
        id,
        code,
        name,
        description,
        unit,
        vat: Vat {
            category,
            rate: decimal_from("products.vat_rate", &rate)?,
            exemption_code,
            exemption_reason,
        },
        nature: if nature == "goods" {
            ProductNature::Goods
        } else {
            ProductNature::Service
        },
        archived,
    })
}

fn validate_product(product: &Product) -> Result<Vat> {
    if product.code.trim().is_empty() || product.name.trim().is_empty() {
        return Err(StoreError::Rejected(
            "a product needs a code and a name: fill both in".to_string(),
        ));
    }
    crate::units::check_unit(&product.unit).map_err(StoreError::Rejected)?;
    product
        .vat
        .clone()
        .validated()
        .map_err(|error| StoreError::Rejected(format!("product {}: {error}", product.code)))
}

pub fn insert_product(tx: &Transaction<'_>, product: &Product) -> Result<i64> {
    let vat = validate_product(product)?;
    tx.execute(
        "INSERT INTO products (code, name, description, unit, vat_category, vat_rate, exemption_code, exemption_reason, nature, archived)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            product.code.trim(),
            product.name.trim(),
            product.description,
            product.unit,
            vat.category.code(),
            vat.rate.to_string(),
            vat.exemption_code,
            vat.exemption_reason,
            product.nature.as_str(),
            product.archived,
        ],
    )
    .map_err(|error| match error {
        rusqlite::Error::SqliteFailure(failure, _) if failure.code == rusqlite::ErrorCode::ConstraintViolation => {
            StoreError::Rejected(format!("product code \"{}\" already exists: choose another code", product.code))
        }
        other => other.into(),
    })?;
    Ok(tx.last_insert_rowid())
}

pub fn update_product(tx: &Transaction<'_>, product: &Product) -> Result<()> {
    let vat = validate_product(product)?;
    let changed = tx.execute(
        "UPDATE products SET code = ?2, name = ?3, description = ?4, unit = ?5, vat_category = ?6, vat_rate = ?7,
             exemption_code = ?8, exemption_reason = ?9, nature = ?10, archived = ?11 WHERE id = ?1",
        params![
            product.id,
            product.code.trim(),
            product.name.trim(),
            product.description,
            product.unit,
            vat.category.code(),
            vat.rate.to_string(),
            vat.exemption_code,
            vat.exemption_reason,
            product.nature.as_str(),
            product.archived,
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::Rejected(format!(
            "product {} not found",
            product.id
        )));
    }
    Ok(())
}

pub fn get_product(tx: &Transaction<'_>, id: i64) -> Result<Option<Product>> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = ?1");
    tx.query_row(&sql, [id], product_row)
        .optional()?
        .map(product_from)
        .transpose()
}

pub fn find_product_by_code(tx: &Transaction<'_>, code: &str) -> Result<Option<Product>> {
    let sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE code = ?1");
    tx.query_row(&sql, [code.trim()], product_row)
        .optional()?
        .map(product_from)
        .transpose()
}

/// Lists products whose code or name contains `search`.
pub fn list_products(
    tx: &Transaction<'_>,
    search: &str,
    include_archived: bool,
) -> Result<Vec<Product>> {
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products
         WHERE (?1 = '' OR code LIKE '%' || ?1 || '%' OR name LIKE '%' || ?1 || '%')
           AND (?2 OR archived = 0)
         ORDER BY code"
    );
    let mut statement = tx.prepare(&sql)?;
    let rows = statement.query_map(params![search.trim(), include_archived], product_row)?;
    rows.map(|raw| product_from(raw?)).collect()
}

pub fn insert_price_list(tx: &Transaction<'_>, list: &PriceList) -> Result<i64> {
    if list.name.trim().is_empty() {
        return Err(StoreError::Rejected(
            "a price list needs a name".to_string(),
        ));
    }
    tx.execute(
        "INSERT INTO price_lists (name, currency, archived) VALUES (?1, ?2, ?3)",
        params![list.name.trim(), list.currency.code(), list.archived],
    )?;
    Ok(tx.last_insert_rowid())
}

pub fn get_price_list(tx: &Transaction<'_>, id: i64) -> Result<Option<PriceList>> {
    tx.query_row(
        "SELECT id, name, currency, archived FROM price_lists WHERE id = ?1",
        [id],
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get::<_, String>(2)?,
                row.get(3)?,
            ))
        },
    )
    .optional()?
    .map(|(id, name, currency, archived)| {
        Ok(PriceList {
            id,
            name,
            currency: Currency::from_code(&currency).map_err(|error| StoreError::Corrupt {
                column: "price_lists.currency",
                value: currency.clone(),
                reason: error.to_string(),
            })?,
            archived,
        })
    })
    .transpose()
}

pub fn list_price_lists(tx: &Transaction<'_>) -> Result<Vec<PriceList>> {
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM price_lists ORDER BY name")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter()
        .filter_map(|id| get_price_list(tx, id).transpose())
        .collect()
}

/// Sets a product's price in a price list from `valid_from`; an existing
/// price with the same start date is replaced.
pub fn set_price(tx: &Transaction<'_>, item: &PriceListItem) -> Result<()> {
    if item.unit_price.is_sign_negative() {
        return Err(StoreError::Rejected(format!(
            "price {} is negative: catalogue prices are zero or more",
            item.unit_price
        )));
    }
    if item.base_quantity <= Decimal::ZERO {
        return Err(StoreError::Rejected(format!(
            "base quantity {} must be above zero",
            item.base_quantity
        )));
    }
    crate::money::check_scale(item.unit_price, crate::calc::PRICE_DECIMALS, "unit price")
        .map_err(|error| StoreError::Rejected(error.to_string()))?;
    // SQLite's UNIQUE treats NULLs as distinct, so a price without a start
    // date would never conflict with the previous one: it is updated here.
    if item.valid_from.is_none() {
        let updated = tx.execute(
            "UPDATE price_list_items SET unit_price = ?3, base_quantity = ?4, valid_to = ?5
             WHERE price_list_id = ?1 AND product_id = ?2 AND valid_from IS NULL",
            params![
                item.price_list_id,
                item.product_id,
                item.unit_price.to_string(),
                item.base_quantity.to_string(),
                item.valid_to.map(|d| d.to_string()),
            ],
        )?;
        if updated > 0 {
            return Ok(());
        }
    }
    tx.execute(
        "INSERT INTO price_list_items (price_list_id, product_id, unit_price, base_quantity, valid_from, valid_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (price_list_id, product_id, valid_from)
         DO UPDATE SET unit_price = excluded.unit_price, base_quantity = excluded.base_quantity, valid_to = excluded.valid_to",
        params![
            item.price_list_id,
            item.product_id,
            item.unit_price.to_string(),
            item.base_quantity.to_string(),
            item.valid_from.map(|d| d.to_string()),
            item.valid_to.map(|d| d.to_string()),
        ],
    )?;
    Ok(())
}

/// The price of `product_id` in `price_list_id` valid on `date`: the one
/// with the latest start date among those whose period contains `date`.
pub fn price_on(
    tx: &Transaction<'_>,
    price_list_id: i64,
    product_id: i64,
    date: NaiveDate,
) -> Result<Option<PriceListItem>> {
    let date_text = date.to_string();
    let raw = tx
        .query_row(
            "SELECT unit_price, base_quantity, valid_from, valid_to FROM price_list_items
             WHERE price_list_id = ?1 AND product_id = ?2
               AND (valid_from IS NULL OR valid_from <= ?3)
               AND (valid_to IS NULL OR valid_to >= ?3)
             ORDER BY valid_from IS NULL, valid_from DESC LIMIT 1",
            params![price_list_id, product_id, date_text],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                ))
            },
        )
        .optional()?;
    raw.map(|(price, base, from, to)| {
        Ok(PriceListItem {
            price_list_id,
            product_id,
            unit_price: decimal_from("price_list_items.unit_price", &price)?,
            base_quantity: decimal_from("price_list_items.base_quantity", &base)?,
            valid_from: optional_date_from("price_list_items.valid_from", from)?,
            valid_to: optional_date_from("price_list_items.valid_to", to)?,
        })
    })
    .transpose()
}
