//! Settings in the desktop app (default VAT, PDF template with its live
//! preview, logo, SMTP account) and sending e-mail from the editor. Messages
//! go through `App::handle`; every request runs on real SQLite books in a
//! temporary folder, and e-mail goes to a real SMTP server on 127.0.0.1.
// Helpers outside #[test] functions fail the test on any error, as the
// tests themselves do.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use facturier::books::Books;
use facturier::document::DocumentKind;
use facturier::email::Security;
use facturier::pdf::Template;
use facturier::ui::database::{self, Reply, Request};
use facturier::ui::i18n::Language;
use facturier::ui::screen::editor::{self, Dialog};
use facturier::ui::screen::settings::{self, CategoryChoice, SecurityChoice, SmtpField};
use facturier::ui::{App, Effect, Message, Page, Screen};
use facturier::vat::{Vat, VatCategory};
use iced_test::simulator::Simulator;
use rust_decimal_macros::dec;
use tempfile::TempDir;

use crate::pdf_common;
use crate::pdf_email::SmtpServer;

const INVOICE: &str = r#"{
    "customer": {"name": "Atelier Lenoir SARL", "email": "compta@lenoir.example",
        "address": {"line1": "4 rue Neuve", "postcode": "69003", "city": "Lyon", "country": "FR"}},
    "currency": "EUR", "issue_date": "2026-03-02",
    "lines": [{"description": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "45.00",
               "vat": {"category": "S", "rate": "20"}}]
}"#;

/// The app on books with a complete company. Requests run synchronously in
/// the order the app sends them, as the database thread would. A preview
/// pause ends at once, as its timer would.
struct Harness {
    app: App,
    books: Books,
    dir: TempDir,
}

impl Harness {
    fn new() -> Harness {
        let (dir, books) = pdf_common::books();
        let (app, effects) = App::new(None, Language::English);
        let mut harness = Harness { app, books, dir };
        harness.run(effects);
        harness
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Run(request) => {
                    let reply = database::execute(&mut self.books, request);
                    queue.extend(self.app.handle(Message::Replied(reply)));
                }
                Effect::PreviewLater(edit) => queue.extend(
                    self.app
                        .handle(Message::Settings(settings::Message::PreviewDue(edit))),
                ),
                _ => {}
            }
        }
    }

    fn send(&mut self, message: Message) {
        let effects = self.app.handle(message);
        self.run(effects);
    }

    fn set(&mut self, message: settings::Message) {
        self.send(Message::Settings(message));
    }

    fn edit(&mut self, message: editor::Message) {
        self.send(Message::Editor(message));
    }

    fn settings(&self) -> &settings::Settings {
        match self.app.screen() {
            Screen::Settings(settings) => settings,
            other => panic!("expected Settings, found {other:?}"),
        }
    }

    fn editor(&self) -> &editor::Editor {
        match self.app.screen() {
            Screen::Editor(editor) => editor,
            other => panic!("expected the editor, found {other:?}"),
        }
    }

    fn email_form(&self) -> &editor::EmailForm {
        match self.editor().dialog() {
            Some(Dialog::Email(form)) => form,
            other => panic!("expected the e-mail dialog, found {other:?}"),
        }
    }

    fn shows(&mut self, text: &str) -> bool {
        let mut ui =
            Simulator::with_size(iced::Settings::default(), (1400.0, 2400.0), self.app.view());
        ui.find(text).is_ok()
    }

    fn issued_invoice(&mut self) -> (i64, String) {
        let id = pdf_common::draft(&mut self.books, DocumentKind::Invoice, INVOICE);
        let number = self.books.issue(id, None).unwrap();
        (id, number)
    }

    fn preview_pixels(&self) -> Vec<u8> {
        match self.settings().preview() {
            Some(Ok(page)) => page.rgba.clone(),
            other => panic!("expected a preview, found {other:?}"),
        }
    }
}

/// Writes a 40 × 20 RGB PNG of one colour.
fn write_png(path: &Path) {
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = png::Encoder::new(file, 40, 20);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let pixels: Vec<u8> = (0..40 * 20).flat_map(|_| [200, 30, 30]).collect();
    encoder
        .write_header()
        .unwrap()
        .write_image_data(&pixels)
        .unwrap();
}

/// Counts the pixels of exactly this colour.
fn count_color(rgba: &[u8], rgb: [u8; 3]) -> usize {
    rgba.chunks_exact(4)
        .filter(|pixel| pixel[..3] == rgb)
        .count()
}

// Default VAT -----------------------------------------------------------------

#[test]
fn default_vat_is_twenty_percent_until_set() {
    let (_dir, mut books) = pdf_common::books();
    assert_eq!(books.default_vat().unwrap(), Vat::standard(dec!(20)));

    books
        .set_default_vat(&Vat {
            category: VatCategory::E,
            rate: dec!(0),
            exemption_code: None,
            exemption_reason: None,
        })
        .unwrap();

    let saved = books.default_vat().unwrap();
    assert_eq!(saved.category, VatCategory::E);
    assert_eq!(
        saved.exemption_reason.as_deref(),
        Some("TVA non applicable, art. 293 B du CGI")
    );
}

#[test]
fn default_vat_rejects_zero_standard_rate() {
    let (_dir, mut books) = pdf_common::books();
    let error = books
        .set_default_vat(&Vat::standard(dec!(0)))
        .unwrap_err()
        .to_string();
    assert!(error.contains("default VAT"), "{error}");
    assert!(error.contains("needs a rate above zero"), "{error}");
    assert_eq!(books.default_vat().unwrap(), Vat::standard(dec!(20)));
}

#[test]
fn settings_default_vat_applies_to_new_lines() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::VatCategoryPicked(CategoryChoice(
        VatCategory::S,
        Language::English,
    )));
    harness.set(settings::Message::VatRateChanged("5.5".to_string()));
    harness.set(settings::Message::SaveDefaultVat);
    assert_eq!(harness.settings().vat_error(), None);
    assert_eq!(
        harness.books.default_vat().unwrap(),
        Vat::standard(dec!(5.5))
    );

    harness.send(Message::Navigate(Page::New(DocumentKind::Invoice)));
    harness.edit(editor::Message::AddLine);
    harness.edit(editor::Message::AddLine);

    let lines = harness.editor().lines();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].vat, Vat::standard(dec!(5.5)));
    assert_eq!(lines[1].vat, Vat::standard(dec!(5.5)));
}

#[test]
fn settings_default_vat_exempt_takes_reason() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::VatCategoryPicked(CategoryChoice(
        VatCategory::AE,
        Language::English,
    )));
    assert_eq!(
        harness.settings().vat_form().exemption_reason,
        "Autoliquidation"
    );
    harness.set(settings::Message::SaveDefaultVat);

    let saved = harness.books.default_vat().unwrap();
    assert_eq!(saved.category, VatCategory::AE);
    assert_eq!(saved.rate, dec!(0));
    assert_eq!(saved.exemption_reason.as_deref(), Some("Autoliquidation"));
}

#[test]
fn settings_default_vat_bad_rate_is_named() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::VatRateChanged("vingt".to_string()));
    harness.set(settings::Message::SaveDefaultVat);
    let error = harness.settings().vat_error().unwrap().to_string();
    assert!(error.contains("vingt"), "{error}");
    assert_eq!(
        harness.books.default_vat().unwrap(),
        Vat::standard(dec!(20))
    );
}

// PDF template and preview ----------------------------------------------------

#[test]
fn preview_pixels_follow_accent_colour() {
    let (_dir, mut books) = pdf_common::books();
    let render = |books: &mut Books, accent: &str| {
        let template = Template {
            accent_color: accent.to_string(),
            ..Template::default()
        };
        match database::execute(books, Request::PreviewTemplate(Box::new(template))) {
            Reply::Preview(Ok(page)) => page,
            other => panic!("expected a preview, found {other:?}"),
        }
    };

    let blue = render(&mut books, "#1F4E79");
    let red = render(&mut books, "#C00000");

    assert_eq!((blue.width, blue.height), (red.width, red.height));
    assert_eq!(blue.rgba.len(), (blue.width * blue.height * 4) as usize);
    assert_ne!(blue.rgba, red.rgba, "the accent colour changed no pixel");
    // The table header band is filled with the accent colour.
    assert!(count_color(&blue.rgba, [0x1F, 0x4E, 0x79]) > 1000);
    assert_eq!(count_color(&blue.rgba, [0xC0, 0x00, 0x00]), 0);
    assert!(count_color(&red.rgba, [0xC0, 0x00, 0x00]) > 1000);
}

#[test]
fn preview_renders_on_letter_paper() {
    let (_dir, mut books) = pdf_common::books();
    let template = Template {
        paper: facturier::pdf::PaperSize::Letter,
        ..Template::default()
    };
    let Reply::Preview(Ok(page)) =
        database::execute(&mut books, Request::PreviewTemplate(Box::new(template)))
    else {
        panic!("no preview on Letter paper")
    };
    // 612 × 792 points at 1.5 pixels per point.
    assert_eq!((page.width, page.height), (918, 1188));
}

#[test]
fn settings_preview_updates_after_last_edit() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Settings));
    let before = harness.preview_pixels();

    // Two quick edits: only the pause after the last one renders.
    let first = harness
        .app
        .handle(Message::Settings(settings::Message::AccentColorChanged(
            "#00".to_string(),
        )));
    let second = harness
        .app
        .handle(Message::Settings(settings::Message::AccentColorChanged(
            "#C00000".to_string(),
        )));
    let [Effect::PreviewLater(stale)] = first.as_slice() else {
        panic!("expected a paused preview, found {first:?}")
    };
    let stale_effects = harness
        .app
        .handle(Message::Settings(settings::Message::PreviewDue(*stale)));
    assert!(stale_effects.is_empty(), "{stale_effects:?}");
    assert_eq!(harness.preview_pixels(), before);
    harness.run(second);

    let after = harness.preview_pixels();
    assert_ne!(after, before);
    assert!(count_color(&after, [0xC0, 0x00, 0x00]) > 1000);
    // Nothing is saved until the user saves.
    assert_eq!(harness.books.template().unwrap().accent_color, "#1F4E79");
}

#[test]
fn settings_bad_colour_shows_in_preview() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::AccentColorChanged("bleu".to_string()));
    let Some(Err(error)) = harness.settings().preview() else {
        panic!("expected a preview error")
    };
    assert!(error.contains("\"bleu\""), "{error}");

    harness.set(settings::Message::SaveTemplate);
    let error = harness.settings().template_error().unwrap().to_string();
    assert!(error.contains("#RRGGBB"), "{error}");
    assert_eq!(harness.books.template().unwrap().accent_color, "#1F4E79");
}

#[test]
fn settings_template_saved_with_every_field() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::AccentColorChanged("#336600".to_string()));
    harness.set(settings::Message::FooterChanged(
        "Merci de votre confiance".to_string(),
    ));
    harness.set(settings::Message::PaperPicked(settings::PaperChoice(
        facturier::pdf::PaperSize::Letter,
        Language::English,
    )));
    harness.set(settings::Message::PdfLanguagePicked(
        settings::PdfLanguageChoice(facturier::pdf::Language::English, Language::English),
    ));
    harness.set(settings::Message::SaveTemplate);

    let saved = harness.books.template().unwrap();
    assert_eq!(saved.accent_color, "#336600");
    assert_eq!(saved.footer, "Merci de votre confiance");
    assert_eq!(saved.paper, facturier::pdf::PaperSize::Letter);
    assert_eq!(saved.language, facturier::pdf::Language::English);
    assert!(harness.shows("Template saved. Documents already issued keep their archived PDF."));
}

#[test]
fn settings_template_keeps_issued_pdf() {
    let mut harness = Harness::new();
    let (id, _) = harness.issued_invoice();
    let archived = harness.books.pdf(id).unwrap();
    let sha256 = harness.books.archived_pdf_sha256(id).unwrap();

    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::AccentColorChanged("#C00000".to_string()));
    harness.set(settings::Message::FooterChanged(
        "Nouveau pied de page".to_string(),
    ));
    harness.set(settings::Message::SaveTemplate);
    assert_eq!(harness.books.template().unwrap().accent_color, "#C00000");

    assert!(
        harness.books.pdf(id).unwrap() == archived,
        "the issued invoice's PDF changed with the template"
    );
    assert_eq!(harness.books.archived_pdf_sha256(id).unwrap(), sha256);
}

#[test]
fn settings_logo_picked_saved_and_removed() {
    let mut harness = Harness::new();
    let logo = harness.dir.path().join("logo.png");
    write_png(&logo);
    harness.send(Message::Navigate(Page::Settings));

    let effects = harness
        .app
        .handle(Message::Settings(settings::Message::PickLogo));
    assert!(
        matches!(effects.as_slice(), [Effect::PickLogo]),
        "{effects:?}"
    );
    harness.set(settings::Message::LogoPicked(Some(logo.clone())));

    assert_eq!(harness.settings().template_error(), None);
    let logo_info = harness.settings().logo().unwrap();
    assert_eq!(
        (logo_info.thumbnail.width, logo_info.thumbnail.height),
        (40, 20)
    );
    assert_eq!(logo_info.file_size, std::fs::metadata(&logo).unwrap().len());
    assert_eq!(harness.books.template().unwrap().logo, Some(logo.clone()));
    assert!(harness.shows("logo.png · 40 × 20 px · 1 KB"));
    // The logo's red shows in the preview.
    assert!(count_color(&harness.preview_pixels(), [200, 30, 30]) > 500);

    harness.set(settings::Message::RemoveLogo);
    assert_eq!(harness.books.template().unwrap().logo, None);
    assert!(harness.settings().logo().is_none());
    assert_eq!(count_color(&harness.preview_pixels(), [200, 30, 30]), 0);
}

#[test]
fn settings_logo_not_png_is_rejected() {
    let mut harness = Harness::new();
    let not_png = harness.dir.path().join("logo.png");
    std::fs::write(&not_png, "GIF89a not a PNG").unwrap();
    harness.send(Message::Navigate(Page::Settings));

    harness.set(settings::Message::LogoPicked(Some(not_png.clone())));

    let error = harness.settings().template_error().unwrap().to_string();
    assert!(error.contains(&not_png.display().to_string()), "{error}");
    assert!(error.contains("not a valid PNG"), "{error}");
    assert!(error.contains("choose a PNG file"), "{error}");
    assert_eq!(harness.books.template().unwrap().logo, None);
    assert!(harness.settings().logo().is_none());
}

// SMTP account ----------------------------------------------------------------

fn fill_account(harness: &mut Harness, port: u16, username: &str, password: &str) {
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::SmtpSecurityPicked(SecurityChoice(
        Security::None,
        Language::English,
    )));
    for (field, value) in [
        (SmtpField::Host, "127.0.0.1".to_string()),
        (SmtpField::Port, port.to_string()),
        (SmtpField::Username, username.to_string()),
        (SmtpField::Password, password.to_string()),
        (
            SmtpField::From,
            "Atelier Facturier <compta@example.fr>".to_string(),
        ),
    ] {
        harness.set(settings::Message::SmtpFieldChanged(field, value));
    }
    harness.set(settings::Message::SaveSmtp);
}

#[test]
fn settings_smtp_password_never_in_database() {
    let mut harness = Harness::new();
    let password = "pw-settings-7d3f91";
    // A user name of its own: the passwords kept in memory are per process.
    fill_account(&mut harness, 2525, "settings-user", password);

    assert_eq!(harness.settings().smtp_error(), None);
    let saved = harness.books.smtp_settings().unwrap().unwrap();
    assert_eq!(saved.port, 2525);
    assert_eq!(saved.username, "settings-user");
    assert_eq!(saved.security, Security::None);
    assert_eq!(harness.settings().smtp_form().password, "");
    // Where the keyring fails (no D-Bus session), the screen shows where the
    // password is kept.
    if let Some(warning) = harness.settings().keyring_warning() {
        assert!(
            warning.contains("kept in memory until Facturier closes"),
            "{warning}"
        );
        assert!(warning.contains("keyring"), "{warning}");
    }
    // Keyring or memory, the password is found for sending.
    assert_eq!(
        facturier::email::load_password(&saved).unwrap().as_deref(),
        Some(password)
    );
    for entry in std::fs::read_dir(harness.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes
                    .windows(password.len())
                    .any(|w| w == password.as_bytes()),
                "the password is written in {}",
                path.display()
            );
        }
    }
}

#[test]
fn settings_smtp_bad_port_is_named() {
    let mut harness = Harness::new();
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::SmtpFieldChanged(
        SmtpField::Port,
        "five-eight-seven".to_string(),
    ));
    harness.set(settings::Message::SaveSmtp);
    let error = harness.settings().smtp_error().unwrap().to_string();
    assert!(error.contains("\"five-eight-seven\""), "{error}");
    assert!(harness.books.smtp_settings().unwrap().is_none());
}

#[test]
fn settings_smtp_none_rejected_off_loopback() {
    let mut harness = Harness::new();
    fill_account(&mut harness, 2525, "", "");
    harness.set(settings::Message::SmtpFieldChanged(
        SmtpField::Host,
        "smtp.example.com".to_string(),
    ));
    harness.set(settings::Message::SaveSmtp);
    let error = harness.settings().smtp_error().unwrap().to_string();
    assert!(error.contains("smtp.example.com"), "{error}");
    assert_eq!(
        harness.books.smtp_settings().unwrap().unwrap().host,
        "127.0.0.1"
    );
}

#[test]
fn settings_test_message_reaches_server() {
    let server = SmtpServer::start(&[]);
    let mut harness = Harness::new();
    fill_account(&mut harness, server.port, "", "");

    harness.set(settings::Message::SendTestEmail);

    assert_eq!(harness.settings().smtp_error(), None);
    assert_eq!(
        harness.settings().smtp_notice(),
        Some("Test message sent to compta@example.fr")
    );
    assert_eq!(server.received_count(), 1);
    let envelope: serde_json::Value =
        serde_json::from_slice(&server.received("message-1.json")).unwrap();
    assert_eq!(
        envelope["recipients"],
        serde_json::json!(["compta@example.fr"])
    );
}

#[test]
fn settings_test_message_names_connection_failure() {
    let mut harness = Harness::new();
    fill_account(&mut harness, closed_port(), "", "");
    harness.set(settings::Message::SendTestEmail);
    let error = harness.settings().smtp_error().unwrap().to_string();
    assert!(error.contains("could not connect"), "{error}");
}

/// Returns a loopback port that nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

// Sending from the editor -----------------------------------------------------

fn open_email_dialog(harness: &mut Harness, id: i64) {
    harness.send(Message::Navigate(Page::Open(id)));
    harness.edit(editor::Message::Email);
}

#[test]
fn editor_sends_archived_pdf_by_email() {
    let server = SmtpServer::start(&[]);
    let mut harness = Harness::new();
    fill_account(&mut harness, server.port, "", "");
    let (id, number) = harness.issued_invoice();
    open_email_dialog(&mut harness, id);

    let form = harness.email_form().clone();
    assert_eq!(form.to, "compta@lenoir.example");
    assert_eq!(
        form.subject,
        format!("Facture {number} · Atelier Facturier SAS")
    );
    assert_eq!(form.file_name, format!("{number}.pdf"));
    assert!(harness.editor().email_body().contains(&number));
    harness.edit(editor::Message::EmailToChanged(
        "compta@lenoir.example; direction@lenoir.example".to_string(),
    ));
    harness.edit(editor::Message::EmailSubjectChanged(format!(
        "Votre facture {number}"
    )));
    harness.edit(editor::Message::SendEmail);

    assert_eq!(harness.editor().dialog(), None);
    assert_eq!(
        harness.editor().notice(),
        Some("E-mail sent to compta@lenoir.example, direction@lenoir.example")
    );
    assert_eq!(server.received_count(), 1);
    let attachment = server.received(&format!("message-1-{number}.pdf"));
    let archived = harness.books.pdf(id).unwrap();
    assert!(
        attachment == archived,
        "the attachment differs from the archived PDF"
    );
    assert_eq!(
        facturier::journal::sha256_hex(&attachment),
        harness.books.archived_pdf_sha256(id).unwrap().unwrap()
    );
    let eml = String::from_utf8(server.received("message-1.eml")).unwrap();
    assert!(
        eml.contains(&format!("Subject: Votre facture {number}")),
        "{eml}"
    );
    let log = harness.editor().email_log().to_vec();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, "sent");
    assert_eq!(
        log[0].recipients,
        ["compta@lenoir.example", "direction@lenoir.example"]
    );
    assert!(harness.shows("Sending log"));
    assert!(harness.shows(&format!(
        "{}  ·  compta@lenoir.example, direction@lenoir.example  ·  sent",
        log[0].recorded_at
    )));
}

#[test]
fn editor_email_failure_keeps_message() {
    let mut harness = Harness::new();
    fill_account(&mut harness, closed_port(), "", "");
    let (id, _) = harness.issued_invoice();
    open_email_dialog(&mut harness, id);
    harness.edit(editor::Message::EmailSubjectChanged("Relance".to_string()));
    harness.edit(editor::Message::EmailBodyEdited(
        iced::widget::text_editor::Action::Edit(iced::widget::text_editor::Edit::Insert('!')),
    ));
    let body = harness.editor().email_body();

    harness.edit(editor::Message::SendEmail);

    let form = harness.email_form().clone();
    let error = form.error.clone().unwrap();
    assert!(error.contains("could not connect"), "{error}");
    assert!(!form.sending);
    assert_eq!(form.subject, "Relance");
    assert_eq!(form.to, "compta@lenoir.example");
    assert_eq!(harness.editor().email_body(), body);
    assert!(body.starts_with('!'), "{body}");
    let log = harness.editor().email_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, "failed");
    assert!(harness.shows("The message is kept here: correct it and send again."));
}

#[test]
fn editor_email_refused_recipient_named() {
    let server = SmtpServer::start(&[]);
    let mut harness = Harness::new();
    fill_account(&mut harness, server.port, "", "");
    let (id, _) = harness.issued_invoice();
    open_email_dialog(&mut harness, id);
    harness.edit(editor::Message::EmailToChanged(
        "refused@lenoir.example".to_string(),
    ));
    harness.edit(editor::Message::SendEmail);

    let error = harness.email_form().error.clone().unwrap();
    assert!(error.contains("refused a recipient"), "{error}");
    assert_eq!(server.received_count(), 0);
}

#[test]
fn editor_email_without_recipient_asks_for_one() {
    let mut harness = Harness::new();
    fill_account(&mut harness, closed_port(), "", "");
    let (id, _) = harness.issued_invoice();
    open_email_dialog(&mut harness, id);
    harness.edit(editor::Message::EmailToChanged(" , ".to_string()));
    harness.edit(editor::Message::SendEmail);

    let error = harness.email_form().error.clone().unwrap();
    assert!(error.contains("no recipient"), "{error}");
    assert!(harness.editor().email_log().is_empty());
}

#[test]
fn editor_email_without_account_offers_mail_app() {
    let mut harness = Harness::new();
    let (id, _) = harness.issued_invoice();
    open_email_dialog(&mut harness, id);
    let form = harness.email_form();
    assert!(!form.has_account);
    assert!(harness.shows("Set the e-mail account in Settings to send from here."));
    assert!(harness.shows("Compose in my mail app"));
}

#[test]
fn email_recipients_split_on_commas_and_semicolons() {
    assert_eq!(
        editor::recipients(" a@x.fr, b@y.fr;c@z.fr ;; "),
        ["a@x.fr", "b@y.fr", "c@z.fr"]
    );
    assert!(editor::recipients("  ").is_empty());
}

// Themes ----------------------------------------------------------------------

/// Renders the current view with `theme` through the simulator's tiny-skia
/// renderer, writes it to `folder` and returns its RGBA pixels.
fn snapshot(harness: &Harness, theme: &iced::Theme, folder: &Path, name: &str) -> Vec<u8> {
    // Settings is drawn whole, down to the preview and the e-mail account.
    let height = if name.starts_with("settings") {
        2100.0
    } else {
        820.0
    };
    let mut ui = Simulator::with_size(
        iced::Settings::default(),
        (1280.0, height),
        harness.app.view(),
    );
    let shot = ui.snapshot(theme).unwrap();
    assert!(
        shot.matches_image(folder.join(format!("{name}.png")))
            .unwrap()
    );
    let written = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&format!("{name}-"))
        })
        .unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(written).unwrap(),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    pixels.truncate(info.buffer_size());
    pixels
}

fn mean_luminance(rgba: &[u8]) -> f64 {
    let pixels = rgba.len() / 4;
    let sum: u64 = rgba
        .chunks_exact(4)
        .map(|p| (u64::from(p[0]) * 299 + u64::from(p[1]) * 587 + u64::from(p[2]) * 114) / 1000)
        .sum();
    sum as f64 / pixels as f64
}

/// Every screen is drawn in the light and the dark theme; the dark one is
/// dark and neither is blank. Set FACTURIER_SCREENSHOT_DIR to keep the
/// images for a look.
#[test]
fn screens_render_in_both_themes() {
    let unused_port = closed_port();
    let mut harness = Harness::new();
    fill_account(&mut harness, unused_port, "", "");
    let (id, _) = harness.issued_invoice();
    let screenshot_dir = std::env::var_os("FACTURIER_SCREENSHOT_DIR").map(PathBuf::from);
    let scratch = tempfile::tempdir().unwrap();
    let folder = screenshot_dir.unwrap_or_else(|| scratch.path().to_path_buf());
    std::fs::create_dir_all(&folder).unwrap();

    let mut screens: Vec<(&str, Message)> = vec![
        ("board", Message::Navigate(Page::Board)),
        ("customers", Message::Navigate(Page::Customers)),
        ("catalogue", Message::Navigate(Page::Catalogue)),
        ("settings", Message::Navigate(Page::Settings)),
        ("editor", Message::Navigate(Page::Open(id))),
    ];
    screens.push(("email-dialog", Message::Editor(editor::Message::Email)));
    for (name, message) in screens {
        harness.send(message);
        let light = snapshot(
            &harness,
            &iced::Theme::Light,
            &folder,
            &format!("{name}-light"),
        );
        let dark = snapshot(
            &harness,
            &iced::Theme::Dark,
            &folder,
            &format!("{name}-dark"),
        );
        let first = &light[..4];
        assert!(
            light.chunks_exact(4).any(|pixel| pixel != first),
            "{name} is blank in the light theme"
        );
        assert!(
            mean_luminance(&dark) + 60.0 < mean_luminance(&light),
            "{name}: dark {} is not darker than light {}",
            mean_luminance(&dark),
            mean_luminance(&light)
        );
    }
}

#[test]
fn theme_choice_is_the_apps() {
    let mut harness = Harness::new();
    assert_eq!(harness.app.theme(), None);
    harness.send(Message::Navigate(Page::Settings));
    harness.set(settings::Message::ThemePicked(settings::ThemeItem(
        facturier::ui::i18n::ThemeChoice::Dark,
        Language::English,
    )));
    assert_eq!(harness.app.theme(), Some(iced::Theme::Dark));

    let dir = tempfile::tempdir().unwrap();
    facturier::ui::i18n::ThemeChoice::Dark
        .save(dir.path())
        .unwrap();
    assert_eq!(
        facturier::ui::i18n::ThemeChoice::load_saved(dir.path()),
        Some(facturier::ui::i18n::ThemeChoice::Dark)
    );
}

#[test]
fn edited_email_draft_keeps_edits() {
    let mut harness = Harness::new();
    let (id, number) = harness.issued_invoice();
    let to = ["direction@lenoir.example".to_string()];

    let eml = harness
        .books
        .edited_email_draft(id, &to, "Relance amiable", "Bonjour,\nrelance.\n")
        .unwrap();

    let eml = String::from_utf8(eml).unwrap();
    assert!(eml.contains("Subject: Relance amiable"), "{eml}");
    assert!(eml.contains("To: direction@lenoir.example"), "{eml}");
    assert!(eml.contains("X-Unsent: 1"), "{eml}");
    assert!(eml.contains(&format!("{number}.pdf")), "{eml}");
    let log = harness.books.email_log(id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].outcome, "draft");
    assert_eq!(log[0].recipients, to);
}

#[test]
fn editor_compose_failure_keeps_dialog() {
    let mut harness = Harness::new();
    let (id, _) = harness.issued_invoice();
    open_email_dialog(&mut harness, id);
    harness.edit(editor::Message::EmailSubjectChanged("Relance".to_string()));
    harness.edit(editor::Message::EmailToChanged(
        "not an address".to_string(),
    ));

    harness.edit(editor::Message::ComposeInMailApp);

    let form = harness.email_form().clone();
    let error = form.error.clone().unwrap();
    assert!(error.contains("\"not an address\""), "{error}");
    assert_eq!(form.subject, "Relance");
    assert!(harness.editor().email_log().is_empty());
}
