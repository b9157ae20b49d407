//! E-mail of documents through a real SMTP server (Python aiosmtpd) that
//! each test starts on 127.0.0.1.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use crate::pdf_common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use facturier::books::Books;
use facturier::document::DocumentKind;
use facturier::email::{Security, SmtpSettings};
use pdf_common::{books, draft};
use tempfile::TempDir;

const INVOICE: &str = r#"{
    "customer": {"name": "Atelier Lenoir SARL", "email": "compta@lenoir.example",
        "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
    "currency": "EUR", "issue_date": "2026-03-02",
    "lines": [{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
               "vat": {"category": "S", "rate": "20"}}]
}"#;

/// The aiosmtpd server process; closing its standard input stops it.
pub(crate) struct SmtpServer {
    child: Child,
    pub(crate) port: u16,
    output: TempDir,
}

impl SmtpServer {
    pub(crate) fn start(extra: &[&str]) -> SmtpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let output = tempfile::tempdir().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(output.path())
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("python3 could not be started ({error}): install python3 and `pip install aiosmtpd`"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.trim() != "ready" {
            let output = child.wait_with_output().unwrap();
            panic!(
                "the test SMTP server did not start; is aiosmtpd installed (`pip install aiosmtpd`)?\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        SmtpServer {
            child,
            port,
            output,
        }
    }

    pub(crate) fn settings(&self, username: &str, security: Security) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".to_string(),
            port: self.port,
            security,
            username: username.to_string(),
            from: "Atelier Facturier <compta@example.fr>".to_string(),
            ca_certificate: None,
        }
    }

    pub(crate) fn received(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.output.path().join(name))
            .unwrap_or_else(|_| panic!("the server received no {name}"))
    }

    pub(crate) fn received_count(&self) -> usize {
        std::fs::read_dir(self.output.path())
            .unwrap()
            .filter(|entry| {
                entry
                    .as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|e| e == "eml")
            })
            .count()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        if self.child.wait().is_err() {
            let _ = self.child.kill();
        }
    }
}

fn issued(books: &mut Books) -> (i64, String) {
    let id = draft(books, DocumentKind::Invoice, INVOICE);
    let number = books.issue(id, None).unwrap();
    (id, number)
}

#[test]
fn sent_attachment_arrives_byte_identical() {
    let server = SmtpServer::start(&[]);
    let (_dir, mut books) = books();
    books
        .set_smtp_settings(&server.settings("", Security::None))
        .unwrap();
    let (id, number) = issued(&mut books);

    let recipients = books.send_email(id, &[], None).unwrap();

    assert_eq!(recipients, ["compta@lenoir.example"]);
    let attachment = server.received(&format!("message-1-{number}.pdf"));
    assert!(
        attachment == books.pdf(id).unwrap(),
        "the attachment differs from the archived PDF"
    );
    let envelope: serde_json::Value =
        serde_json::from_slice(&server.received("message-1.json")).unwrap();
    assert_eq!(
        envelope["recipients"],
        serde_json::json!(["compta@lenoir.example"])
    );
    let eml = String::from_utf8(server.received("message-1.eml")).unwrap();
    assert!(eml.contains(&format!("Subject: Facture {number}")), "{eml}");
    let log = books.email_log(id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, "sent");
    assert_eq!(log[0].recipients, ["compta@lenoir.example"]);
    assert_eq!(log[0].error, None);
}

#[test]
fn wrong_password_fails_as_authentication_and_keeps_message() {
    let server = SmtpServer::start(&["--password", "s3cret"]);
    let (_dir, mut books) = books();
    books
        .set_smtp_settings(&server.settings("sender", Security::None))
        .unwrap();
    let (id, number) = issued(&mut books);

    let error = books
        .send_email(id, &[], Some("wrong"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("authentication failed"), "{error}");
    assert!(error.contains("kept"), "{error}");
    assert_eq!(server.received_count(), 0);
    let log = books.email_log(id).unwrap();
    assert_eq!(log[0].outcome, "failed");
    let kept = String::from_utf8(
        log[0]
            .message
            .clone()
            .expect("the failed message is not kept"),
    )
    .unwrap();
    assert!(kept.contains(&format!("{number}.pdf")), "{kept}");

    books.send_email(id, &[], Some("s3cret")).unwrap();
    assert_eq!(server.received_count(), 1);
    assert_eq!(books.email_log(id).unwrap()[1].outcome, "sent");
}

#[test]
fn refused_recipient_is_named_as_cause() {
    let server = SmtpServer::start(&[]);
    let (_dir, mut books) = books();
    books
        .set_smtp_settings(&server.settings("", Security::None))
        .unwrap();
    let (id, _) = issued(&mut books);

    let to = ["refused@lenoir.example".to_string()];
    let error = books.send_email(id, &to, None).unwrap_err().to_string();

    assert!(error.contains("refused a recipient"), "{error}");
    let log = books.email_log(id).unwrap();
    assert_eq!(log[0].outcome, "failed");
    assert_eq!(log[0].recipients, to);
    assert!(log[0].error.as_deref().unwrap().contains("550"));
}

#[test]
fn closed_port_fails_as_connection() {
    let (_dir, mut books) = books();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let settings = SmtpSettings {
        host: "127.0.0.1".to_string(),
        port,
        security: Security::None,
        username: String::new(),
        from: "compta@example.fr".to_string(),
        ca_certificate: None,
    };
    books.set_smtp_settings(&settings).unwrap();
    let (id, _) = issued(&mut books);

    let error = books.send_email(id, &[], None).unwrap_err().to_string();

    assert!(error.contains("could not connect"), "{error}");
    assert_eq!(books.email_log(id).unwrap()[0].outcome, "failed");
}

/// Makes a self-signed certificate for "localhost" with the openssl tool.
fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
        ])
        .args(["-addext", "subjectAltName=DNS:localhost"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .args(["-addext", "extendedKeyUsage=serverAuth"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|error| {
            panic!("openssl could not be run ({error}): apt-get install openssl")
        });
    assert!(status.success(), "openssl failed to make a certificate");
    (cert, key)
}

#[test]
fn starttls_with_password_delivers() {
    let certificates = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(certificates.path());
    let server = SmtpServer::start(&[
        "--password",
        "s3cret",
        "--cert",
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
    ]);
    let (_dir, mut books) = books();
    let mut settings = server.settings("sender", Security::Starttls);
    settings.host = "localhost".to_string();
    settings.ca_certificate = Some(cert);
    books.set_smtp_settings(&settings).unwrap();
    let (id, number) = issued(&mut books);

    books.send_email(id, &[], Some("s3cret")).unwrap();

    let attachment = server.received(&format!("message-1-{number}.pdf"));
    assert!(attachment == books.pdf(id).unwrap());
}

#[test]
fn implicit_tls_with_password_delivers() {
    let certificates = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(certificates.path());
    let server = SmtpServer::start(&[
        "--password",
        "s3cret",
        "--cert",
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
        "--implicit-tls",
    ]);
    let (_dir, mut books) = books();
    let mut settings = server.settings("sender", Security::Tls);
    settings.host = "localhost".to_string();
    settings.ca_certificate = Some(cert);
    books.set_smtp_settings(&settings).unwrap();
    let (id, number) = issued(&mut books);

    books.send_email(id, &[], Some("s3cret")).unwrap();

    let attachment = server.received(&format!("message-1-{number}.pdf"));
    assert!(attachment == books.pdf(id).unwrap());
}

#[test]
fn eml_draft_carries_pdf_for_mail_app() {
    let (dir, mut books) = books();
    let (id, number) = issued(&mut books);

    let eml = books
        .email_draft(id, &["autre@lenoir.example".to_string()])
        .unwrap();

    let path = dir.path().join("draft.eml");
    std::fs::write(&path, &eml).unwrap();
    let text = String::from_utf8(eml).unwrap();
    assert!(text.contains("X-Unsent: 1"), "{text}");
    assert!(text.contains("To: autre@lenoir.example"), "{text}");
    let extracted = dir.path().join("attachment.pdf");
    let script = "import email, email.policy, sys\n\
        m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)\n\
        part = next(m.iter_attachments())\n\
        open(sys.argv[2], 'wb').write(part.get_payload(decode=True))\n\
        print(part.get_filename())";
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .arg(&extracted)
        .output()
        .expect("python3 could not be run: install python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8(output.stdout).unwrap().trim(),
        format!("{number}.pdf")
    );
    assert!(std::fs::read(&extracted).unwrap() == books.pdf(id).unwrap());
    assert_eq!(books.email_log(id).unwrap()[0].outcome, "draft");
}

#[test]
fn draft_document_cannot_be_emailed() {
    let (_dir, mut books) = books();
    let id = draft(&mut books, DocumentKind::Invoice, INVOICE);
    let error = books.email_draft(id, &[]).unwrap_err().to_string();
    assert!(error.contains("issue it before sending"), "{error}");
}
