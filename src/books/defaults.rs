//! Defaults offered to new documents: the VAT treatment of a line written in
//! without a catalogue product.

use rusqlite::{OptionalExtension, Transaction};
use rust_decimal::Decimal;

use crate::store::{self, Result};
use crate::vat::Vat;

/// Key of the default VAT in the `settings` table.
const DEFAULT_VAT_KEY: &str = "default_vat";

/// Returns the saved default VAT, or the French standard rate of 20 % when
/// none is saved.
pub(super) fn load_default_vat(tx: &Transaction<'_>) -> Result<Vat> {
    let json: Option<String> = tx
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [DEFAULT_VAT_KEY],
            |row| row.get(0),
        )
        .optional()?;
    match json {
        Some(json) => store::json_from("settings.default_vat", &json),
        None => Ok(Vat::standard(Decimal::from(20))),
    }
}

pub(super) fn save_default_vat(tx: &Transaction<'_>, vat: &Vat) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [DEFAULT_VAT_KEY, &store::json_to(vat)],
    )?;
    Ok(())
}
