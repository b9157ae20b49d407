//! EN 16931 e-invoices: the CII XML of an issued invoice or credit note.

pub mod cii;
mod xml;

pub use cii::EinvoiceError;
