//! Sending documents by e-mail through the user's SMTP account, or as an
//! .eml draft that the user's mail app opens.
//!
//! The SMTP settings live in the database; the password never does. It is
//! kept in the operating system's keyring (macOS Keychain, Windows
//! Credential Manager, the Secret Service on Linux desktops), or given for
//! one run in the FACTURIER_SMTP_PASSWORD environment variable.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};
use serde::{Deserialize, Serialize};

/// Environment variable that gives the SMTP password for one run, in place
/// of the keyring.
pub const PASSWORD_VARIABLE: &str = "FACTURIER_SMTP_PASSWORD";

/// Service name under which the keyring stores the SMTP password.
const KEYRING_SERVICE: &str = "facturier-smtp";

/// How long a connection or a reply may take before sending fails.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Transport security of the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (usually port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption; accepted only for a server on this machine.
    None,
}

/// The user's SMTP account, stored as JSON under the settings key "smtp".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    #[serde(default)]
    pub security: Security,
    /// Login name; empty when the server takes mail without authentication.
    #[serde(default)]
    pub username: String,
    /// Sender address, "Name <address>" or a bare address.
    pub from: String,
    /// A PEM root certificate to trust besides the usual ones, for a server
    /// with its own certificate authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificate: Option<PathBuf>,
}

impl SmtpSettings {
    /// Checks the settings, naming the field to fix.
    pub fn validated(self) -> Result<SmtpSettings, EmailError> {
        if self.host.trim().is_empty() {
            return Err(EmailError::Settings(
                "\"host\" is empty: give the SMTP server name".into(),
            ));
        }
        if self.port == 0 {
            return Err(EmailError::Settings(
                "\"port\" is 0: use 587 for STARTTLS or 465 for TLS".into(),
            ));
        }
        if self.security == Security::None && !is_loopback(&self.host) {
            return Err(EmailError::Settings(format!(
                "\"security\": \"none\" sends the password and the invoice unencrypted, so it is accepted only for a server on this machine, not {}: use \"starttls\" or \"tls\"",
                self.host
            )));
        }
        parse_mailbox(&self.from, "from")?;
        Ok(self)
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim();
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// Failure to prepare or send an e-mail, by cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("invalid SMTP settings: {0}")]
    Settings(String),
    #[error("invalid e-mail address \"{address}\" in {field}: write it as name@example.com")]
    Address { address: String, field: String },
    #[error("{0}")]
    NoRecipient(String),
    #[error("the message could not be built: {0}")]
    Message(String),
    #[error(
        "authentication failed at the SMTP server: {0}; check the user name and set the password again with `facturier smtp password`"
    )]
    Authentication(String),
    #[error(
        "could not connect to the SMTP server: {0}; check the host, the port and the security setting"
    )]
    Connection(String),
    #[error("the SMTP server refused a recipient: {0}; check the address")]
    RecipientRefused(String),
    #[error("sending failed: {0}")]
    Other(String),
    #[error("{0}")]
    Keyring(String),
}

impl EmailError {
    /// Returns the short name of the cause, for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            EmailError::Authentication(_) => "authentication",
            EmailError::Connection(_) => "connection",
            EmailError::RecipientRefused(_) => "recipient_refused",
            _ => "other",
        }
    }
}

fn parse_mailbox(text: &str, field: &str) -> Result<Mailbox, EmailError> {
    text.trim().parse().map_err(|_| EmailError::Address {
        address: text.to_string(),
        field: field.to_string(),
    })
}

/// An e-mail carrying one document as a PDF attachment.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
    /// Attachment file name, such as "F2026-00001.pdf".
    pub file_name: String,
    pub pdf: Vec<u8>,
}

impl Outgoing {
    /// Builds the MIME message: a text part and the PDF attachment.
    pub fn message(&self) -> Result<Message, EmailError> {
        if self.to.is_empty() {
            return Err(EmailError::NoRecipient(
                "the customer has no e-mail address: give one with --to".into(),
            ));
        }
        let mut builder = Message::builder()
            .from(parse_mailbox(&self.from, "from")?)
            .subject(&self.subject);
        for address in &self.to {
            builder = builder.to(parse_mailbox(address, "to")?);
        }
        let pdf_type = ContentType::parse("application/pdf")
            .map_err(|error| EmailError::Message(error.to_string()))?;
        builder
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain(self.body.clone()))
                    .singlepart(
                        Attachment::new(self.file_name.clone()).body(self.pdf.clone(), pdf_type),
                    ),
            )
            .map_err(|error| EmailError::Message(error.to_string()))
    }

    /// Formats the message as an .eml file marked unsent (`X-Unsent: 1`),
    /// which Outlook and Thunderbird open as a draft ready to send.
    pub fn eml_draft(&self) -> Result<Vec<u8>, EmailError> {
        let mut message = self.message()?;
        message.headers_mut().insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Unsent"),
            "1".to_string(),
        ));
        Ok(message.formatted())
    }
}

/// Builds a short message from the account's sender to `to`, to check the
/// SMTP settings without sending a document.
pub fn test_message(settings: &SmtpSettings, to: &str) -> Result<Message, EmailError> {
    Message::builder()
        .from(parse_mailbox(&settings.from, "from")?)
        .to(parse_mailbox(to, "to")?)
        .subject("Facturier : message d'essai / test message")
        .singlepart(SinglePart::plain(
            "Ce message vérifie les réglages SMTP de Facturier.\n\nThis message checks Facturier's SMTP settings.\n"
                .to_string(),
        ))
        .map_err(|error| EmailError::Message(error.to_string()))
}

/// Sends `message` through the SMTP account.
pub fn send(
    settings: &SmtpSettings,
    password: Option<&str>,
    message: &Message,
) -> Result<(), EmailError> {
    let host = settings.host.trim();
    let tls = || -> Result<TlsParameters, EmailError> {
        let mut builder = TlsParameters::builder(host.to_string());
        if let Some(path) = &settings.ca_certificate {
            let pem = std::fs::read(path).map_err(|error| {
                EmailError::Settings(format!(
                    "\"ca_certificate\" {} cannot be read: {error}",
                    path.display()
                ))
            })?;
            let certificate = Certificate::from_pem(&pem).map_err(|error| {
                EmailError::Settings(format!(
                    "\"ca_certificate\" {} is not a PEM certificate: {error}",
                    path.display()
                ))
            })?;
            builder = builder.add_root_certificate(certificate);
        }
        builder
            .build_rustls()
            .map_err(|error| EmailError::Connection(error.to_string()))
    };
    let security = match settings.security {
        Security::Starttls => Tls::Required(tls()?),
        Security::Tls => Tls::Wrapper(tls()?),
        Security::None => Tls::None,
    };
    let mut transport = SmtpTransport::builder_dangerous(host)
        .port(settings.port)
        .tls(security)
        .timeout(Some(SMTP_TIMEOUT));
    if !settings.username.trim().is_empty() {
        let password = password.ok_or_else(|| {
            EmailError::Keyring(format!(
                "no SMTP password is stored for {}: set it with `facturier smtp password`",
                settings.username
            ))
        })?;
        transport = transport.credentials(Credentials::new(
            settings.username.trim().to_string(),
            password.to_string(),
        ));
    }
    transport
        .build()
        .send(message)
        .map(|_| ())
        .map_err(|error| classify(&error))
}

/// Sorts an SMTP failure by cause from its reply code. Codes 530, 534, 535
/// and 538 are authentication replies (RFC 4954), and 550 to 553 reject a
/// mailbox (RFC 5321). A failure without a reply is a connection or TLS
/// problem.
fn classify(error: &lettre::transport::smtp::Error) -> EmailError {
    let text = error.to_string();
    match error.status().map(|code| code.to_string()) {
        Some(code) if ["530", "534", "535", "538"].contains(&code.as_str()) => {
            EmailError::Authentication(text)
        }
        Some(code) if ["550", "551", "552", "553"].contains(&code.as_str()) => {
            EmailError::RecipientRefused(text)
        }
        Some(_) => EmailError::Other(text),
        None if error.is_tls() || error.is_timeout() || !error.is_client() => {
            EmailError::Connection(text)
        }
        None => EmailError::Other(text),
    }
}

fn keyring_entry(settings: &SmtpSettings) -> Result<keyring::Entry, EmailError> {
    keyring::Entry::new(KEYRING_SERVICE, &account_key(settings)).map_err(keyring_error)
}

fn keyring_error(error: keyring::Error) -> EmailError {
    EmailError::Keyring(format!(
        "the system keyring is not available ({error}): start the desktop's keyring service (GNOME Keyring or KWallet on Linux), or give the password for this run in {PASSWORD_VARIABLE}"
    ))
}

/// Stores the SMTP password in the operating system's keyring.
pub fn store_password(settings: &SmtpSettings, password: &str) -> Result<(), EmailError> {
    keyring_entry(settings)?
        .set_password(password)
        .map_err(keyring_error)
}

/// Passwords typed in this run while the keyring was unavailable, by
/// "user@host". They live in this process's memory only and are never
/// written to disk.
static SESSION_PASSWORDS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn account_key(settings: &SmtpSettings) -> String {
    format!("{}@{}", settings.username.trim(), settings.host.trim())
}

/// Keeps the SMTP password in memory until the process exits, for a
/// machine whose keyring is unavailable.
pub fn remember_password_for_session(settings: &SmtpSettings, password: &str) {
    let key = account_key(settings);
    let mut passwords = SESSION_PASSWORDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    passwords.retain(|(account, _)| *account != key);
    passwords.push((key, password.to_string()));
}

fn session_password(settings: &SmtpSettings) -> Option<String> {
    let key = account_key(settings);
    SESSION_PASSWORDS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .find(|(account, _)| *account == key)
        .map(|(_, password)| password.clone())
}

/// Returns the SMTP password from FACTURIER_SMTP_PASSWORD when it is set,
/// else the one kept in memory for this run, else the keyring's, or `None`
/// when the account needs none or none is stored.
pub fn load_password(settings: &SmtpSettings) -> Result<Option<String>, EmailError> {
    if let Ok(password) = std::env::var(PASSWORD_VARIABLE) {
        return Ok(Some(password));
    }
    if settings.username.trim().is_empty() {
        return Ok(None);
    }
    if let Some(password) = session_password(settings) {
        return Ok(Some(password));
    }
    match keyring_entry(settings)?.get_password() {
        Ok(password) => Ok(Some(password)),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(error) => Err(keyring_error(error)),
    }
}
