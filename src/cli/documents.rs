//! `facturier pdf`, `print` and `template`: printed documents.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use facturier::books::Books;
use facturier::email::{self, SmtpSettings};
use facturier::pdf::Template;

use super::{find, print_json, read_json_file, to_message};

#[derive(Debug, Subcommand)]
pub enum TemplateCommand {
    /// Sets the PDF template from a JSON file: logo, accent_color, footer,
    /// paper (a4 or letter), language (french or english).
    Set {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Prints the PDF template as JSON.
    Show,
}

pub fn template(books: &mut Books, command: TemplateCommand) -> Result<(), String> {
    match command {
        TemplateCommand::Set { json } => {
            let template: Template = read_json_file(&json)?;
            books.set_template(&template).map_err(to_message)
        }
        TemplateCommand::Show => {
            let template = books.template().map_err(to_message)?;
            print_json(&serde_json::to_value(&template).map_err(|error| error.to_string())?);
            Ok(())
        }
    }
}

/// Writes the PDF of document `key` to `output`.
pub fn export(books: &mut Books, key: &str, output: &Path) -> Result<(), String> {
    let id = find(books, key)?;
    let bytes = books.pdf(id).map_err(to_message)?;
    std::fs::write(output, bytes)
        .map_err(|error| format!("cannot write {}: {error}", output.display()))
}

/// Writes the PDF to the temporary folder and prints it: on the default
/// printer where the print system has one, else through the system's PDF
/// viewer.
pub fn print(books: &mut Books, key: &str) -> Result<(), String> {
    let id = find(books, key)?;
    let bytes = books.pdf(id).map_err(to_message)?;
    let path = facturier::desktop::write_temporary(key, "pdf", &bytes)?;
    match facturier::desktop::print(&path, key)? {
        facturier::desktop::Printed::Sent { printer, job } => {
            outln!("{key} sent to the printer {printer} (job {job})");
        }
        facturier::desktop::Printed::Opened(path) => {
            outln!(
                "{} opened in the system viewer; print it from there",
                path.display()
            );
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum SmtpCommand {
    /// Sets the SMTP account from a JSON file: host, port, security
    /// (starttls, tls, or none for a server on this machine), username, from,
    /// and optionally ca_certificate (a PEM file).
    Set {
        #[arg(long, value_name = "FILE")]
        json: PathBuf,
    },
    /// Prints the SMTP account as JSON (never the password).
    Show,
    /// Reads the SMTP password from standard input and stores it in the
    /// operating system's keyring.
    Password,
}

pub fn smtp(books: &mut Books, command: SmtpCommand) -> Result<(), String> {
    match command {
        SmtpCommand::Set { json } => {
            let settings: SmtpSettings = read_json_file(&json)?;
            books.set_smtp_settings(&settings).map_err(to_message)
        }
        SmtpCommand::Show => {
            let settings = books.smtp_settings().map_err(to_message)?;
            print_json(&serde_json::to_value(&settings).map_err(|error| error.to_string())?);
            Ok(())
        }
        SmtpCommand::Password => {
            let settings = books.smtp_settings().map_err(to_message)?.ok_or(
                "no SMTP account is set: set one first with `facturier smtp set --json FILE`",
            )?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).map_err(|error| {
                format!("cannot read the password from standard input: {error}")
            })?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.is_empty() {
                return Err("the password read from standard input is empty".to_string());
            }
            email::store_password(&settings, password).map_err(|error| error.to_string())?;
            outln!("password stored in the system keyring");
            Ok(())
        }
    }
}

/// Sends document `key` by e-mail, or writes it as an .eml draft.
pub fn send(books: &mut Books, key: &str, to: &[String], eml: Option<&Path>) -> Result<(), String> {
    let id = find(books, key)?;
    if let Some(path) = eml {
        let bytes = books.email_draft(id, to).map_err(to_message)?;
        std::fs::write(path, bytes)
            .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        outln!(
            "{} written: open it with your mail app to send it",
            path.display()
        );
        return Ok(());
    }
    let recipients = books.send_email(id, to, None).map_err(to_message)?;
    outln!("sent to {}", recipients.join(", "));
    Ok(())
}

/// Prints every sending attempt of document `key`, oldest first.
pub fn email_log(books: &mut Books, key: &str) -> Result<(), String> {
    let id = find(books, key)?;
    for entry in books.email_log(id).map_err(to_message)? {
        let error = entry
            .error
            .map(|error| format!("  {error}"))
            .unwrap_or_default();
        outln!(
            "{}  {:<6}  {}{error}",
            entry.recorded_at,
            entry.outcome,
            entry.recipients.join(", ")
        );
    }
    Ok(())
}
