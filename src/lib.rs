//! Facturier's core: exact money, EN 16931 totals, documents, gapless
//! numbering and the append-only store. Nothing here depends on a GUI; the
//! desktop app and the command line are both clients of this crate.

pub mod backup;
pub mod books;
pub mod calc;
pub mod compliance;
pub mod demo;
pub mod desktop;
pub mod document;
pub mod einvoice;
pub mod email;
pub mod exchange;
pub mod identifiers;
pub mod input;
pub mod journal;
pub mod money;
pub mod numbering;
pub mod paths;
pub mod pdf;
pub mod store;
pub mod terms;
#[cfg(feature = "gui")]
pub mod ui;
pub mod units;
pub mod vat;
pub mod verify;
