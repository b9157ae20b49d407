//! The JSON draft format read by `invoice create --json` (and by quotes and
//! orders), documented in docs/json-formats.md.
//!
//! Amounts, quantities and rates are JSON strings ("45.00"), never JSON
//! numbers, because a JSON number is read as a float by most tools.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::document::{Address, LineDiscount, Party};
use crate::money::{NumberStyle, parse_decimal};
use crate::terms::PaymentTerms;
use crate::vat::{Vat, VatCategory};

/// A draft document as written in JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// An existing customer by id.
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// A customer given inline; it is matched by legal name (and SIREN when
    /// given) against existing customers, and created when new.
    #[serde(default)]
    pub customer: Option<CustomerInput>,
    #[serde(default)]
    pub currency: Option<String>,
    /// Company currency units for one unit of the document currency.
    #[serde(default)]
    pub exchange_rate: Option<DecimalText>,
    #[serde(default, deserialize_with = "optional_date")]
    pub issue_date: Option<NaiveDate>,
    #[serde(default)]
    pub payment_terms: Option<PaymentTerms>,
    #[serde(default, deserialize_with = "optional_date")]
    pub delivery_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "optional_date")]
    pub valid_until: Option<NaiveDate>,
    #[serde(default)]
    pub purchase_order_ref: Option<String>,
    #[serde(default)]
    pub buyer_reference: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub price_list_id: Option<i64>,
    #[serde(default)]
    pub price_locked: bool,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub allowances: Vec<AllowanceChargeInput>,
    #[serde(default)]
    pub charges: Vec<AllowanceChargeInput>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    #[serde(default)]
    pub siren: Option<String>,
    #[serde(default)]
    pub siret: Option<String>,
    #[serde(default)]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub delivery_address: Option<Address>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub payment_terms: Option<PaymentTerms>,
    #[serde(default)]
    pub price_list_id: Option<i64>,
}

impl CustomerInput {
    pub fn party(&self) -> Party {
        let blank_to_none =
            |text: &Option<String>| text.as_ref().filter(|t| !t.trim().is_empty()).cloned();
        Party {
            name: self.name.trim().to_string(),
            siren: blank_to_none(&self.siren),
            siret: blank_to_none(&self.siret),
            vat_id: blank_to_none(&self.vat_id),
            address: self.address.clone(),
            delivery_address: self.delivery_address.clone(),
            email: blank_to_none(&self.email),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// A catalogue item by code; description, unit, VAT and price default to
    /// the catalogue's.
    #[serde(default)]
    pub product_code: Option<String>,
    #[serde(default)]
    pub product_id: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
    pub quantity: DecimalText,
    #[serde(default)]
    pub unit: Option<String>,
    /// Written-in price; a catalogue line without it takes the price list's.
    #[serde(default)]
    pub unit_price: Option<DecimalText>,
    #[serde(default)]
    pub base_quantity: Option<DecimalText>,
    #[serde(default)]
    pub discount: Option<DiscountInput>,
    #[serde(default)]
    pub vat: Option<VatInput>,
    #[serde(default, deserialize_with = "optional_date")]
    pub delivery_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum DiscountInput {
    Percent(DecimalText),
    Amount(DecimalText),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VatInput {
    pub category: String,
    #[serde(default)]
    pub rate: Option<DecimalText>,
    #[serde(default)]
    pub exemption_code: Option<String>,
    #[serde(default)]
    pub exemption_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowanceChargeInput {
    #[serde(default)]
    pub amount: Option<DecimalText>,
    #[serde(default)]
    pub percent: Option<DecimalText>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub vat: Option<VatInput>,
}

/// Reads an optional calendar date written "YYYY-MM-DD", with an error that
/// names the value.
fn optional_date<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            serde::de::Error::custom(format!(
                "\"{text}\" is not a valid date: write it as YYYY-MM-DD, such as 2026-03-02"
            ))
        })
}

/// A decimal written as a JSON string. A JSON number is rejected with a
/// message, because it has usually been through a float already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalText(pub String);

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(DecimalText(text)),
            serde_json::Value::Number(number) => Err(serde::de::Error::custom(format!(
                "write the number {number} as a string, \"{number}\", so that it is read exactly"
            ))),
            other => Err(serde::de::Error::custom(format!(
                "expected a decimal number as a string such as \"45.00\", found {other}"
            ))),
        }
    }
}

impl DecimalText {
    pub fn parse(&self, path: &str, what: &'static str) -> Result<rust_decimal::Decimal, String> {
        parse_decimal(&self.0, NumberStyle::Plain, what).map_err(|error| format!("{path}: {error}"))
    }
}

impl VatInput {
    pub fn to_vat(&self, path: &str) -> Result<Vat, String> {
        let category = VatCategory::from_code(&self.category)
            .map_err(|error| format!("{path}.category: {error}"))?;
        let rate = match &self.rate {
            Some(rate) => rate.parse(&format!("{path}.rate"), "VAT rate")?,
            None if category == VatCategory::S => {
                return Err(format!(
                    "{path}.rate: category S needs a rate, such as \"20\""
                ));
            }
            None => rust_decimal::Decimal::ZERO,
        };
        Vat {
            category,
            rate,
            exemption_code: self.exemption_code.clone(),
            exemption_reason: self.exemption_reason.clone(),
        }
        .validated()
        .map_err(|error| format!("{path}: {error}"))
    }
}

impl DiscountInput {
    pub fn to_discount(&self, path: &str) -> Result<LineDiscount, String> {
        Ok(match self {
            DiscountInput::Percent(text) => LineDiscount::Percent(
                text.parse(&format!("{path}.percent"), "discount percentage")?,
            ),
            DiscountInput::Amount(text) => {
                LineDiscount::Amount(text.parse(&format!("{path}.amount"), "discount amount")?)
            }
        })
    }
}

/// Parses a draft from JSON text, naming the field and position of an error.
pub fn parse_draft(json: &str) -> Result<DraftInput, String> {
    serde_json::from_str(json).map_err(|error| format!("invalid draft JSON: {error}"))
}
