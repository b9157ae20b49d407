//! Business documents (quotes, orders, invoices, credit notes) and the
//! parties on them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::terms::PaymentTerms;
use crate::vat::Vat;

/// Row id of a stored document.
pub type DocumentId = i64;

/// The kind of a document; `Invoice` and `CreditNote` are the legal ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Quote,
    Order,
    Invoice,
    CreditNote,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Quote => "quote",
            DocumentKind::Order => "order",
            DocumentKind::Invoice => "invoice",
            DocumentKind::CreditNote => "credit_note",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentKind> {
        [
            DocumentKind::Quote,
            DocumentKind::Order,
            DocumentKind::Invoice,
            DocumentKind::CreditNote,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }

    /// UNTDID 1001 document type code (BT-3): 380 commercial invoice, 381
    /// credit note. Quotes and orders are not EN 16931 documents.
    pub fn type_code(self) -> Option<u16> {
        match self {
            DocumentKind::Invoice => Some(380),
            DocumentKind::CreditNote => Some(381),
            DocumentKind::Quote | DocumentKind::Order => None,
        }
    }

    /// Whether issuing freezes the document and draws a gapless number.
    pub fn is_legal(self) -> bool {
        matches!(self, DocumentKind::Invoice | DocumentKind::CreditNote)
    }
}

/// A postal address; `country` is an ISO 3166-1 alpha-2 code (BT-40, BT-55).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    #[serde(default)]
    pub line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
}

impl Address {
    pub fn is_complete(&self) -> bool {
        !self.line1.trim().is_empty()
            && !self.city.trim().is_empty()
            && self.country.trim().len() == 2
    }
}

/// The buyer as printed on a document. Issuing copies the customer record
/// into the document, so a later change to the customer never alters an
/// issued invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Legal name (BT-44 for the buyer, BT-27 for the seller).
    pub name: String,
    /// SIREN, 9 digits (legal registration identifier, BT-47 / BT-30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siren: Option<String>,
    /// SIRET, 14 digits: the SIREN followed by the establishment number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siret: Option<String>,
    /// VAT identifier with its country prefix (BT-48 / BT-31).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<String>,
    #[serde(default)]
    pub address: Address,
    /// Delivery address (BG-15) when it differs from the billing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The seller: the company that uses Facturier, with its legal mentions and
/// defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub name: String,
    /// Legal form: SARL, SAS, EURL, EI...
    #[serde(default)]
    pub legal_form: String,
    /// Share capital as printed ("10 000 €"); companies must print it.
    #[serde(default)]
    pub share_capital: String,
    #[serde(default)]
    pub siren: String,
    #[serde(default)]
    pub siret: String,
    /// Trade register entry, "RCS Lyon 123 456 789".
    #[serde(default)]
    pub rcs: String,
    #[serde(default)]
    pub vat_id: String,
    #[serde(default)]
    pub address: Address,
    #[serde(default)]
    pub iban: String,
    #[serde(default)]
    pub bic: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    /// Accounting currency (BT-6 refers to it when a document is in another).
    #[serde(default = "default_currency")]
    pub currency: Currency,
    #[serde(default)]
    pub default_terms: PaymentTerms,
    /// Late-payment penalty rate in percent a year (Code de commerce L441-10).
    #[serde(
        default = "default_late_penalty_rate",
        with = "rust_decimal::serde::str"
    )]
    pub late_penalty_rate: Decimal,
    /// Early-payment discount conditions, or empty for "no discount granted".
    #[serde(default)]
    pub early_payment_discount: String,
    /// "Option pour le paiement de la taxe d'après les débits".
    #[serde(default)]
    pub vat_on_debits: bool,
}

fn default_currency() -> Currency {
    Currency::EUR
}

/// Three times the French legal interest rate is the floor; 10 % a year is a
/// common contractual rate and the usual default of French invoicing tools.
fn default_late_penalty_rate() -> Decimal {
    Decimal::TEN
}

/// An empty profile with the same defaults as a profile read without those
/// fields: EUR, net 30 days and the 10 % late-payment rate, never 0 %.
impl Default for Company {
    fn default() -> Company {
        Company {
            name: String::new(),
            legal_form: String::new(),
            share_capital: String::new(),
            siren: String::new(),
            siret: String::new(),
            rcs: String::new(),
            vat_id: String::new(),
            address: Address::default(),
            iban: String::new(),
            bic: String::new(),
            email: String::new(),
            phone: String::new(),
            currency: default_currency(),
            default_terms: PaymentTerms::default(),
            late_penalty_rate: default_late_penalty_rate(),
            early_payment_discount: String::new(),
            vat_on_debits: false,
        }
    }
}

impl Company {
    pub fn as_party(&self) -> Party {
        Party {
            name: self.name.clone(),
            siren: non_empty(&self.siren),
            siret: non_empty(&self.siret),
            vat_id: non_empty(&self.vat_id),
            address: self.address.clone(),
            delivery_address: None,
            email: non_empty(&self.email),
        }
    }
}

fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// A line discount (EN 16931 BG-27 line allowance): a percentage of the line
/// amount, or a fixed amount for the whole line (never per unit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineDiscount {
    Percent(#[serde(with = "rust_decimal::serde::str")] Decimal),
    Amount(#[serde(with = "rust_decimal::serde::str")] Decimal),
}

/// Where a line's price comes from: catalogue lines follow the document's
/// price list while pricing is unlocked; written-in lines keep the typed price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    #[default]
    Manual,
    Catalogue,
}

/// One document line (BG-25).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<i64>,
    /// Seller's item identifier (BT-155), copied from the catalogue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_code: Option<String>,
    /// Item name and description (BT-153, BT-154).
    pub description: String,
    /// Invoiced quantity (BT-129), up to 4 decimals.
    #[serde(with = "rust_decimal::serde::str")]
    pub quantity: Decimal,
    /// UN/ECE Recommendation 20 unit code (BT-130): C62 one, HUR hour, DAY day, KGM kilogram.
    pub unit: String,
    /// Item net price excluding VAT (BT-146), up to 4 decimals.
    #[serde(with = "rust_decimal::serde::str")]
    pub unit_price: Decimal,
    /// Item price base quantity (BT-149): the price is for this many units.
    #[serde(with = "rust_decimal::serde::str")]
    pub base_quantity: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount: Option<LineDiscount>,
    pub vat: Vat,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_date: Option<NaiveDate>,
    #[serde(default)]
    pub price_source: PriceSource,
}

/// A document-level allowance (BG-20, a discount) or charge (BG-21, freight).
///
/// Either `amount` or `percent` is set. Without `vat`, the computation splits
/// it over every VAT group of the document, in proportion to each group's line
/// net amounts, so that each part has a single category and rate (BR-S-08).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowanceCharge {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub amount: Option<Decimal>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    pub percent: Option<Decimal>,
    #[serde(default)]
    pub reason: String,
    /// UNTDID 5189 (allowances) or 7161 (charges) reason code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat: Option<Vat>,
}

/// The priced content of a document: what the totals are computed from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub lines: Vec<Line>,
    #[serde(default)]
    pub allowances: Vec<AllowanceCharge>,
    #[serde(default)]
    pub charges: Vec<AllowanceCharge>,
}

/// Status of a quote; only quotes have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Draft,
    Sent,
    Accepted,
    Refused,
    Expired,
}

/// Status of a sales order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Open,
    Fulfilled,
    Cancelled,
}

/// Status of an invoice or credit note, as the status board groups them.
/// Everything past `Draft` is derived from the stored payments and credit
/// notes, never stored; `overdue` is a separate flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Open,
    Partial,
    Paid,
    Cancelled,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Open => "open",
            InvoiceStatus::Partial => "partial",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Cancelled => "cancelled",
        }
    }
}

/// Header fields of a document, apart from its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub kind: DocumentKind,
    pub customer_id: Option<i64>,
    pub buyer: Party,
    pub currency: Currency,
    /// Units of company currency for one unit of document currency, frozen
    /// at issue; `None` when the document is in the company currency.
    pub exchange_rate: Option<Decimal>,
    pub price_list_id: Option<i64>,
    pub price_locked: bool,
    /// Planned issue date of a draft, the legal date once issued (BT-2).
    pub issue_date: Option<NaiveDate>,
    pub payment_terms: PaymentTerms,
    /// Actual delivery date (BT-72).
    pub delivery_date: Option<NaiveDate>,
    /// Purchase order reference (BT-13).
    pub purchase_order_ref: Option<String>,
    /// Buyer reference (BT-10).
    pub buyer_reference: Option<String>,
    /// Free note (BT-22).
    pub note: Option<String>,
    /// Validity end of a quote.
    pub valid_until: Option<NaiveDate>,
}
