//! EN 16931 e-invoices: the CII XML of an issued invoice or credit note.

pub mod cii;
pub mod facturx;
mod xml;

pub use cii::EinvoiceError;
