//! The integration tests, gathered in one test binary.
//!
//! Each module below is one area of the product. They share one binary
//! because every test binary links the whole application: one link instead
//! of two dozen keeps the debug build small and quick.

mod common;
mod pdf_common;

mod backup;
mod board_index;
mod cli;
mod cli_data;
mod crash;
mod credit_notes;
mod dates;
#[cfg(target_os = "linux")]
mod desktop;
mod einvoice;
mod exchange;
mod facturx;
#[cfg(feature = "gui")]
mod gui;
#[cfg(feature = "gui")]
mod gui_import;
#[cfg(feature = "gui")]
mod gui_restore;
#[cfg(feature = "gui")]
mod gui_settings;
mod keyring;
mod northwind;
mod numbering;
mod payments;
mod pdf_archive;
mod pdf_cli;
mod pdf_documents;
mod pdf_email;
mod pdf_glyphs;
mod pdf_pagination;
mod pricing;
mod store_rules;
mod totals;
