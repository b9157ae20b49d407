//! E-mail of documents: the SMTP settings, the message for a document, and
//! the log of every sending.

use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;

use crate::document::{DocumentId, DocumentKind};
use crate::email::{EmailError, Outgoing, SmtpSettings};
use crate::pdf::Language;
use crate::store::{self, Result, StoreError};

/// Key of the SMTP settings in the `settings` table.
const SMTP_KEY: &str = "smtp";

/// One sending attempt, as logged on the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmailLogEntry {
    pub id: i64,
    pub recorded_at: String,
    pub recipients: Vec<String>,
    /// "sent", "failed" or "draft" (an .eml file written for the mail app).
    pub outcome: String,
    pub error: Option<String>,
    /// The whole message of a failed attempt, kept so it can be sent again.
    #[serde(skip)]
    pub message: Option<Vec<u8>>,
}

pub(super) fn load_smtp(tx: &Transaction<'_>) -> Result<Option<SmtpSettings>> {
    let json: Option<String> = tx
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [SMTP_KEY],
            |row| row.get(0),
        )
        .optional()?;
    json.map(|json| store::json_from("settings.smtp", &json))
        .transpose()
}

pub(super) fn save_smtp(tx: &Transaction<'_>, settings: &SmtpSettings) -> Result<()> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [SMTP_KEY, &store::json_to(settings)],
    )?;
    Ok(())
}

/// Builds the e-mail for a document, with subject and text in the
/// template's language and the PDF attached under the document number.
pub(super) fn outgoing(
    view: &super::DocumentView,
    seller_name: &str,
    from: &str,
    to: Vec<String>,
    language: Language,
    pdf: Vec<u8>,
) -> Outgoing {
    let number = view.document.number.clone().unwrap_or_default();
    let french = language == Language::French;
    let title = match (view.document.header.kind, french) {
        (DocumentKind::Quote, true) => "Devis",
        (DocumentKind::Quote, false) => "Quote",
        (DocumentKind::Order, true) => "Confirmation de commande",
        (DocumentKind::Order, false) => "Order confirmation",
        (DocumentKind::Invoice, true) => "Facture",
        (DocumentKind::Invoice, false) => "Invoice",
        (DocumentKind::CreditNote, true) => "Avoir",
        (DocumentKind::CreditNote, false) => "Credit note",
    };
    let body = if french {
        format!(
            "Bonjour,\n\nVeuillez trouver ci-joint le document {title} {number}.\n\nCordialement,\n{seller_name}\n"
        )
    } else {
        format!(
            "Hello,\n\nPlease find attached {title} {number}.\n\nKind regards,\n{seller_name}\n"
        )
    };
    Outgoing {
        from: from.to_string(),
        to,
        subject: format!("{title} {number} · {seller_name}"),
        body,
        file_name: format!("{number}.pdf"),
        pdf,
    }
}

pub(super) fn log(
    tx: &Transaction<'_>,
    id: DocumentId,
    recipients: &[String],
    outcome: &str,
    error: Option<&EmailError>,
    message: Option<&[u8]>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO email_log (document_id, recorded_at, recipients, outcome, error, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            id,
            store::now_utc(),
            store::json_to(&recipients),
            outcome,
            error.map(ToString::to_string),
            message,
        ],
    )?;
    Ok(())
}

pub(super) fn entries(tx: &Transaction<'_>, id: DocumentId) -> Result<Vec<EmailLogEntry>> {
    let mut statement = tx.prepare(
        "SELECT id, recorded_at, recipients, outcome, error, message FROM email_log
         WHERE document_id = ?1 ORDER BY id",
    )?;
    let rows = statement.query_map([id], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
            row.get::<_, Option<String>>(4)?,
            row.get::<_, Option<Vec<u8>>>(5)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (id, recorded_at, recipients, outcome, error, message) = row?;
        entries.push(EmailLogEntry {
            id,
            recorded_at,
            recipients: store::json_from("email_log.recipients", &recipients)?,
            outcome,
            error,
            message,
        });
    }
    Ok(entries)
}

pub(super) fn to_store_error(error: EmailError) -> StoreError {
    StoreError::Rejected(error.to_string())
}
