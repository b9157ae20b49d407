//! Printed documents: the template settings, rendering a document with the
//! seller and nature it prints, and the PDF archived at issue.
//!
//! An invoice or credit note is rendered once, when it is issued, as a
//! Factur-X PDF that embeds its CII XML. Its bytes and their SHA-256 go into
//! `issued_pdfs`, whose SQLite triggers reject any
//! update or delete. Every later export, print or e-mail returns
//! those bytes, so a change to the company or the template never alters a
//! document already sent.

use chrono::{NaiveDate, Utc};
use rusqlite::{OptionalExtension, Transaction};

use super::{DocumentView, load_company, view};
use crate::compliance::{self, Finding};
use crate::document::{Company, DocumentId};
use crate::einvoice::{EinvoiceError, cii, facturx};
use crate::journal;
use crate::pdf::{self, Nature, Template};
use crate::store::{self, ProductNature, Result, StoreError, catalog};

/// Key of the template settings in the `settings` table.
const TEMPLATE_KEY: &str = "template";

pub(super) fn load_template(tx: &Transaction<'_>) -> Result<Template> {
    let json: Option<String> = tx
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [TEMPLATE_KEY],
            |row| row.get(0),
        )
        .optional()?;
    match json {
        Some(json) => store::json_from("settings.template", &json),
        None => Ok(Template::default()),
    }
}

/// Returns the blocking finding for the saved template's footer text when it
/// contains characters the PDF fonts cannot show.
pub(super) fn footer_finding(tx: &Transaction<'_>) -> Result<Option<Finding>> {
    Ok(compliance::unprintable_footer(&load_template(tx)?))
}

pub(super) fn save_template(tx: &Transaction<'_>, template: &Template) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [TEMPLATE_KEY, &store::json_to(template)],
    )?;
    Ok(())
}

/// Derives the nature of the operation from the catalogue products on the
/// lines: goods, services, or both. A line typed in without a product counts
/// as services, so a document without catalogue lines is services.
pub(super) fn nature(tx: &Transaction<'_>, view: &DocumentView) -> Result<Nature> {
    let (mut goods, mut services) = (false, false);
    for line in &view.document.content.lines {
        let nature = match line.product_id {
            Some(id) => catalog::get_product(tx, id)?.map(|product| product.nature),
            None => None,
        };
        match nature.unwrap_or(ProductNature::Service) {
            ProductNature::Goods => goods = true,
            ProductNature::Service => services = true,
        }
    }
    Ok(match (goods, services) {
        (true, true) => Nature::Both,
        (true, false) => Nature::Goods,
        _ => Nature::Services,
    })
}

/// Renders a document as it prints now: the frozen seller for an issued
/// document, the current company for a draft.
pub(super) fn render(
    tx: &Transaction<'_>,
    view: &DocumentView,
    template: &Template,
) -> Result<Vec<u8>> {
    let seller = seller(tx, view)?;
    render_for(tx, view, &seller, template)
}

/// Returns the seller a document prints: frozen at issue, else the current
/// company.
fn seller(tx: &Transaction<'_>, view: &DocumentView) -> Result<Company> {
    Ok(match &view.document.seller {
        Some(seller) => seller.clone(),
        None => load_company(tx)?.unwrap_or_else(Company::default),
    })
}

fn render_for(
    tx: &Transaction<'_>,
    view: &DocumentView,
    seller: &Company,
    template: &Template,
) -> Result<Vec<u8>> {
    // The same findings as the issue checklist, so that a draft's preview
    // names the field to fix instead of only the first missing glyph.
    let document = &view.document;
    let header = &document.header;
    let mut findings = compliance::unprintable(seller, header, &header.buyer, &document.content);
    findings.extend(compliance::unprintable_footer(template));
    if !findings.is_empty() {
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        return Err(StoreError::Rejected(format!(
            "the PDF could not be rendered: {}",
            messages.join("; ")
        )));
    }
    let nature = nature(tx, view)?;
    pdf::render(view, seller, template, nature)
        .map_err(|error| StoreError::Rejected(format!("the PDF could not be rendered: {error}")))
}

/// Renders the just-issued document `id` as a Factur-X PDF and stores the
/// bytes for good; returns their SHA-256 for the journal.
pub(super) fn archive_issued(
    tx: &Transaction<'_>,
    id: DocumentId,
    today: NaiveDate,
) -> Result<String> {
    let issued = view(tx, id, today)?;
    let template = load_template(tx)?;
    let seller = seller(tx, &issued)?;
    let rendered = render_for(tx, &issued, &seller, &template)?;
    let bytes = facturx_pdf(&issued, &seller, &template, rendered)?;
    let sha256 = journal::sha256_hex(&bytes);
    tx.execute(
        "INSERT INTO issued_pdfs (document_id, bytes, sha256) VALUES (?1, ?2, ?3)",
        rusqlite::params![id, bytes, sha256],
    )?;
    Ok(sha256)
}

/// Embeds the document's CII XML in its rendered PDF, which becomes a
/// Factur-X PDF/A-3b: the archived invoice is then both the print and the
/// e-invoice, from the same view.
///
/// EN 16931 amounts have at most two decimals, so a document in a currency
/// with three (such as the Kuwaiti dinar) has no e-invoice: its plain PDF is
/// archived instead, and the omission is logged.
fn facturx_pdf(
    issued: &DocumentView,
    seller: &Company,
    template: &Template,
    rendered: Vec<u8>,
) -> Result<Vec<u8>> {
    let xml = match cii::write(issued, seller) {
        Ok(xml) => xml,
        Err(EinvoiceError::TooManyDecimals(currency)) => {
            tracing::warn!(
                document = issued.document.id,
                currency = currency.code(),
                "archived without an embedded e-invoice: the currency has 3 decimals"
            );
            return Ok(rendered);
        }
        Err(error) => return Err(StoreError::Rejected(error.to_string())),
    };
    let metadata = facturx::Metadata {
        title: pdf::caption(issued, seller, template.language),
        created: Utc::now(),
    };
    facturx::embed(&rendered, &xml, &metadata)
        .map_err(|error| StoreError::Rejected(error.to_string()))
}

/// Returns the archived PDF of an issued invoice or credit note, with its
/// SHA-256.
pub(super) fn stored(tx: &Transaction<'_>, id: DocumentId) -> Result<Option<(Vec<u8>, String)>> {
    Ok(tx
        .query_row(
            "SELECT bytes, sha256 FROM issued_pdfs WHERE document_id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}
