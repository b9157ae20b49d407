//! Settings: the company identity printed on every document, default
//! payment terms, late-payment penalty rate, the interface language, the
//! default VAT of new lines, the PDF template with its live preview and the
//! SMTP account.

mod preferences;
mod sections;

use std::path::PathBuf;

use iced::widget::{
    Column, button, checkbox, column, image, pick_list, row, scrollable, text, text_input,
};
use iced::{Element, Fill};

pub use preferences::{
    CategoryChoice, PaperChoice, PdfLanguageChoice, SecurityChoice, SmtpField, SmtpForm,
    TemplateForm, ThemeItem, VatForm,
};

use crate::document::{Address, Company, DocumentKind};
use crate::money::parse_decimal;
use crate::numbering::Series;
use crate::pdf;
use crate::terms::PaymentTerms;
use crate::ui::database::{Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::preview::{LogoInfo, PageImage};
use crate::ui::screen::{Action, error_banner};

/// A field of the company form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    LegalForm,
    ShareCapital,
    Siren,
    Siret,
    Rcs,
    VatId,
    Street,
    Postcode,
    City,
    Country,
    Iban,
    Bic,
    Email,
    TermsDays,
    LatePenaltyRate,
}

/// The company profile as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CompanyForm {
    base: Company,
    pub name: String,
    pub legal_form: String,
    pub share_capital: String,
    pub siren: String,
    pub siret: String,
    pub rcs: String,
    pub vat_id: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub iban: String,
    pub bic: String,
    pub email: String,
    pub terms_days: String,
    pub late_penalty_rate: String,
}

impl CompanyForm {
    pub fn from_company(company: &Company) -> CompanyForm {
        CompanyForm {
            base: company.clone(),
            name: company.name.clone(),
            legal_form: company.legal_form.clone(),
            share_capital: company.share_capital.clone(),
            siren: company.siren.clone(),
            siret: company.siret.clone(),
            rcs: company.rcs.clone(),
            vat_id: company.vat_id.clone(),
            street: company.address.line1.clone(),
            postcode: company.address.postcode.clone(),
            city: company.address.city.clone(),
            country: if company.address.country.is_empty() {
                "FR".to_string()
            } else {
                company.address.country.clone()
            },
            iban: company.iban.clone(),
            bic: company.bic.clone(),
            email: company.email.clone(),
            terms_days: match company.default_terms {
                PaymentTerms::Net { days } => days.to_string(),
                _ => String::new(),
            },
            late_penalty_rate: company.late_penalty_rate.normalize().to_string(),
        }
    }

    /// Creates a form for a new company, with the French defaults.
    pub fn new_company() -> CompanyForm {
        CompanyForm::from_company(&Company::default())
    }

    pub fn set(&mut self, field: Field, value: String) {
        let target = match field {
            Field::Name => &mut self.name,
            Field::LegalForm => &mut self.legal_form,
            Field::ShareCapital => &mut self.share_capital,
            Field::Siren => &mut self.siren,
            Field::Siret => &mut self.siret,
            Field::Rcs => &mut self.rcs,
            Field::VatId => &mut self.vat_id,
            Field::Street => &mut self.street,
            Field::Postcode => &mut self.postcode,
            Field::City => &mut self.city,
            Field::Country => &mut self.country,
            Field::Iban => &mut self.iban,
            Field::Bic => &mut self.bic,
            Field::Email => &mut self.email,
            Field::TermsDays => &mut self.terms_days,
            Field::LatePenaltyRate => &mut self.late_penalty_rate,
        };
        *target = value;
    }

    /// Builds the company to save. The error names the field and the fix.
    pub fn company(&self, language: Language) -> Result<Company, String> {
        if self.name.trim().is_empty() {
            return Err(language
                .pick(
                    "the legal name is missing: type the company's name",
                    "la raison sociale manque : saisissez le nom de l'entreprise",
                )
                .to_string());
        }
        let default_terms = match self.terms_days.trim() {
            "" => self.base.default_terms,
            days => PaymentTerms::Net {
                days: days.parse().map_err(|_| {
                    format!(
                        "{} \"{days}\"",
                        language.pick(
                            "default payment terms must be a whole number of days, such as 30; found",
                            "le délai de paiement par défaut doit être un nombre entier de jours, par exemple 30 ; saisi :"
                        )
                    )
                })?,
            },
        };
        let late_penalty_rate = parse_decimal(
            &self.late_penalty_rate,
            language.number_style(),
            "late-payment penalty rate",
        )
        .map_err(|error| error.to_string())?;
        let trimmed = |text: &str| text.trim().to_string();
        Ok(Company {
            name: trimmed(&self.name),
            legal_form: trimmed(&self.legal_form),
            share_capital: trimmed(&self.share_capital),
            siren: trimmed(&self.siren),
            siret: trimmed(&self.siret),
            rcs: trimmed(&self.rcs),
            vat_id: trimmed(&self.vat_id),
            address: Address {
                line1: trimmed(&self.street),
                line2: self.base.address.line2.clone(),
                postcode: trimmed(&self.postcode),
                city: trimmed(&self.city),
                country: self.country.trim().to_uppercase(),
            },
            iban: trimmed(&self.iban),
            bic: trimmed(&self.bic),
            email: trimmed(&self.email),
            default_terms,
            late_penalty_rate,
            ..self.base.clone()
        })
    }

    /// Shows the form's fields. `full` adds bank, e-mail and defaults.
    pub fn view<'a, Message: Clone + 'a>(
        &'a self,
        language: Language,
        full: bool,
        on_change: impl Fn(Field, String) -> Message + Copy + 'a,
    ) -> Element<'a, Message> {
        let field = |label: &'a str, value: &'a str, field: Field| {
            column![
                text(label).size(13),
                text_input(label, value).on_input(move |value| on_change(field, value))
            ]
            .spacing(2)
        };
        let mut form = column![
            row![
                field(
                    language.pick("Legal name", "Raison sociale"),
                    &self.name,
                    Field::Name
                ),
                field(
                    language.pick("Legal form (SAS, SARL…)", "Forme juridique (SAS, SARL…)"),
                    &self.legal_form,
                    Field::LegalForm
                ),
                field(
                    language.pick("Share capital", "Capital social"),
                    &self.share_capital,
                    Field::ShareCapital
                ),
            ]
            .spacing(8),
            row![
                field("SIREN", &self.siren, Field::Siren),
                field("SIRET", &self.siret, Field::Siret),
                field("RCS", &self.rcs, Field::Rcs),
                field(
                    language.pick("VAT number", "N° TVA intracommunautaire"),
                    &self.vat_id,
                    Field::VatId
                ),
            ]
            .spacing(8),
            row![
                field(
                    language.pick("Street", "Adresse"),
                    &self.street,
                    Field::Street
                ),
                field(
                    language.pick("Postcode", "Code postal"),
                    &self.postcode,
                    Field::Postcode
                ),
                field(language.pick("City", "Ville"), &self.city, Field::City),
                field(
                    language.pick("Country (FR)", "Pays (FR)"),
                    &self.country,
                    Field::Country
                ),
            ]
            .spacing(8),
        ]
        .spacing(10);
        if full {
            form = form.push(
                row![
                    field("IBAN", &self.iban, Field::Iban),
                    field("BIC", &self.bic, Field::Bic),
                    field(language.pick("E-mail", "E-mail"), &self.email, Field::Email),
                ]
                .spacing(8),
            );
            form = form.push(
                row![
                    field(
                        language.pick(
                            "Default payment terms (days)",
                            "Délai de paiement par défaut (jours)"
                        ),
                        &self.terms_days,
                        Field::TermsDays
                    ),
                    field(
                        language.pick(
                            "Late-payment penalty rate (%)",
                            "Taux des pénalités de retard (%)"
                        ),
                        &self.late_penalty_rate,
                        Field::LatePenaltyRate
                    ),
                ]
                .spacing(8),
            );
        }
        form.into()
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    FieldChanged(Field, String),
    LanguagePicked(Language),
    /// The app owns the theme and reads this message itself.
    ThemePicked(ThemeItem),
    Save,
    /// Back up the books to a file the user picks.
    Backup,
    /// The file picked for the backup; none when the user cancelled.
    BackupPathPicked(Option<PathBuf>),
    /// Open the restore screen; the app handles it.
    OpenRestore,
    /// A field of the new numbering series changed.
    SeriesCodeChanged(String),
    SeriesPatternChanged(String),
    SeriesKindPicked(SeriesKind),
    SeriesYearlyResetToggled(bool),
    SeriesDefaultToggled(bool),
    /// Add the new numbering series.
    AddSeries,
    AccentColorChanged(String),
    FooterChanged(String),
    PaperPicked(PaperChoice),
    PdfLanguagePicked(PdfLanguageChoice),
    /// Open the file dialog to pick a PNG logo.
    PickLogo,
    /// The logo file picked; none when the user cancelled.
    LogoPicked(Option<PathBuf>),
    RemoveLogo,
    SaveTemplate,
    /// The pause after a template edit is over. The number is the edit it
    /// follows, so only the last edit of a burst renders the preview.
    PreviewDue(u64),
    VatCategoryPicked(CategoryChoice),
    VatRateChanged(String),
    VatReasonChanged(String),
    SaveDefaultVat,
    SmtpFieldChanged(SmtpField, String),
    SmtpSecurityPicked(SecurityChoice),
    SaveSmtp,
    SendTestEmail,
    Replied(Reply),
}

/// A kind of document as offered in the series form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesKind(pub DocumentKind, pub Language);

impl std::fmt::Display for SeriesKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(kind_name(self.0, self.1))
    }
}

fn kind_name(kind: DocumentKind, language: Language) -> &'static str {
    match kind {
        DocumentKind::Invoice => language.pick("Invoices", "Factures"),
        DocumentKind::CreditNote => language.pick("Credit notes", "Avoirs"),
        DocumentKind::Quote => language.pick("Quotes", "Devis"),
        DocumentKind::Order => language.pick("Orders", "Commandes"),
    }
}

/// The form of a new numbering series.
#[derive(Debug)]
struct SeriesForm {
    code: String,
    kind: DocumentKind,
    pattern: String,
    yearly_reset: bool,
    is_default: bool,
}

impl Default for SeriesForm {
    fn default() -> SeriesForm {
        SeriesForm {
            code: String::new(),
            kind: DocumentKind::Invoice,
            pattern: "{YYYY}-{N:5}".to_string(),
            yearly_reset: true,
            is_default: false,
        }
    }
}

#[derive(Debug)]
pub struct Settings {
    form: CompanyForm,
    error: Option<String>,
    saved: bool,
    backup_notice: Option<String>,
    series: Vec<Series>,
    new_series: SeriesForm,
    template: TemplateForm,
    /// The template as saved; a logo change is saved onto it at once.
    saved_template: pdf::Template,
    logo: Option<LogoInfo>,
    /// The template as last rendered in the preview, or why it failed.
    preview: Option<Result<Preview, String>>,
    /// Number of the last template edit, for the preview's pause.
    template_edits: u64,
    template_error: Option<String>,
    template_notice: Option<String>,
    vat: VatForm,
    vat_error: Option<String>,
    vat_notice: Option<String>,
    smtp: SmtpForm,
    smtp_error: Option<String>,
    smtp_notice: Option<String>,
    /// The keyring failed, so the password is kept in memory for this run.
    keyring_warning: Option<String>,
    /// The app's theme, shown in the picker.
    theme: crate::ui::i18n::ThemeChoice,
}

/// The rendered first page of the specimen invoice.
#[derive(Debug, Clone)]
pub struct Preview {
    pub page: PageImage,
    handle: image::Handle,
}

/// How long the preview waits after a template edit before it renders, so
/// that typing a colour renders once and not at every key.
pub const PREVIEW_PAUSE: std::time::Duration = std::time::Duration::from_millis(300);

impl Settings {
    pub fn new(company: Option<&Company>) -> Settings {
        Settings {
            form: company
                .map(CompanyForm::from_company)
                .unwrap_or_else(CompanyForm::new_company),
            error: None,
            saved: false,
            backup_notice: None,
            series: Vec::new(),
            new_series: SeriesForm::default(),
            template: TemplateForm::default(),
            saved_template: pdf::Template::default(),
            logo: None,
            preview: None,
            template_edits: 0,
            template_error: None,
            template_notice: None,
            vat: VatForm::default(),
            vat_error: None,
            vat_notice: None,
            smtp: SmtpForm::default(),
            smtp_error: None,
            smtp_notice: None,
            keyring_warning: None,
            theme: crate::ui::i18n::ThemeChoice::System,
        }
    }

    /// Shows `theme` as the current choice in the theme picker.
    pub fn set_theme(&mut self, theme: crate::ui::i18n::ThemeChoice) {
        self.theme = theme;
    }

    pub fn template_form(&self) -> &TemplateForm {
        &self.template
    }

    pub fn logo(&self) -> Option<&LogoInfo> {
        self.logo.as_ref()
    }

    /// Returns the preview's page, or why it could not be rendered.
    pub fn preview(&self) -> Option<Result<&PageImage, &str>> {
        self.preview.as_ref().map(|preview| match preview {
            Ok(preview) => Ok(&preview.page),
            Err(error) => Err(error.as_str()),
        })
    }

    pub fn template_error(&self) -> Option<&str> {
        self.template_error.as_deref()
    }

    pub fn vat_form(&self) -> &VatForm {
        &self.vat
    }

    pub fn vat_error(&self) -> Option<&str> {
        self.vat_error.as_deref()
    }

    pub fn smtp_form(&self) -> &SmtpForm {
        &self.smtp
    }

    pub fn smtp_error(&self) -> Option<&str> {
        self.smtp_error.as_deref()
    }

    pub fn smtp_notice(&self) -> Option<&str> {
        self.smtp_notice.as_deref()
    }

    pub fn keyring_warning(&self) -> Option<&str> {
        self.keyring_warning.as_deref()
    }

    /// Saves a logo change onto the saved template, leaving the other
    /// template fields as saved until the user saves them.
    fn save_logo(&mut self, logo: Option<PathBuf>) -> Action {
        let template = pdf::Template {
            logo,
            ..self.saved_template.clone()
        };
        Action::Run(Request::SaveTemplate(Box::new(template)))
    }

    /// Counts a template edit and requests the preview after the pause.
    fn template_edited(&mut self) -> Action {
        self.template_notice = None;
        self.template_edited_keeping_notice()
    }

    fn template_edited_keeping_notice(&mut self) -> Action {
        self.template_edits += 1;
        Action::PreviewLater(self.template_edits)
    }

    pub fn series(&self) -> &[Series] {
        &self.series
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Shows an error that happened outside this screen's requests.
    pub fn show_error(&mut self, message: String) {
        self.error = Some(message);
    }

    pub fn backup_notice(&self) -> Option<&str> {
        self.backup_notice.as_deref()
    }

    pub fn update(&mut self, message: Message, language: Language) -> Action {
        match message {
            Message::FieldChanged(field, value) => {
                self.form.set(field, value);
                self.saved = false;
                Action::None
            }
            // The app owns the language and the theme; it reads these
            // messages itself.
            Message::LanguagePicked(_) | Message::ThemePicked(_) => Action::None,
            Message::Save => match self.form.company(language) {
                Ok(company) => {
                    self.error = None;
                    Action::Run(Request::SaveCompany(Box::new(company)))
                }
                Err(error) => {
                    self.error = Some(error);
                    Action::None
                }
            },
            Message::Replied(Reply::CompanySaved(Ok(company))) => {
                self.saved = true;
                self.form = CompanyForm::from_company(&company);
                Action::CompanySaved(Box::new(company))
            }
            Message::Replied(Reply::CompanySaved(Err(error))) => {
                self.error = Some(error);
                Action::None
            }
            Message::Backup => Action::PickBackupPath,
            Message::BackupPathPicked(Some(path)) => Action::Run(Request::Backup(path)),
            Message::BackupPathPicked(None) | Message::OpenRestore => Action::None,
            Message::Replied(Reply::BackedUp(Ok(path))) => {
                self.error = None;
                self.backup_notice = Some(format!(
                    "{} {}",
                    language.pick("Backup written to", "Sauvegarde écrite dans"),
                    path.display()
                ));
                Action::None
            }
            Message::Replied(Reply::BackedUp(Err(error))) => {
                self.error = Some(error);
                Action::None
            }
            Message::SeriesCodeChanged(code) => {
                self.new_series.code = code;
                Action::None
            }
            Message::SeriesPatternChanged(pattern) => {
                self.new_series.pattern = pattern;
                Action::None
            }
            Message::SeriesKindPicked(SeriesKind(kind, _)) => {
                self.new_series.kind = kind;
                Action::None
            }
            Message::SeriesYearlyResetToggled(yearly_reset) => {
                self.new_series.yearly_reset = yearly_reset;
                Action::None
            }
            Message::SeriesDefaultToggled(is_default) => {
                self.new_series.is_default = is_default;
                Action::None
            }
            Message::AddSeries => {
                let form = &self.new_series;
                Action::Run(Request::SaveSeries(Series {
                    id: 0,
                    kind: form.kind,
                    code: form.code.trim().to_string(),
                    pattern: form.pattern.trim().to_string(),
                    yearly_reset: form.yearly_reset,
                    is_default: form.is_default,
                }))
            }
            Message::Replied(Reply::Series(Ok(series))) => {
                let added = series.len() > self.series.len();
                self.series = series;
                if added {
                    self.new_series = SeriesForm::default();
                }
                self.error = None;
                Action::None
            }
            Message::Replied(Reply::Series(Err(error))) => {
                self.error = Some(error);
                Action::None
            }
            Message::Replied(reply) => self.preferences_replied(reply, language),
            message => self.update_preferences(message, language),
        }
    }

    /// Handles the messages of the template, default VAT and e-mail forms.
    fn update_preferences(&mut self, message: Message, language: Language) -> Action {
        match message {
            Message::AccentColorChanged(color) => {
                self.template.accent_color = color;
                self.template_edited()
            }
            Message::FooterChanged(footer) => {
                self.template.footer = footer;
                self.template_edited()
            }
            Message::PaperPicked(PaperChoice(paper, _)) => {
                self.template.paper = paper;
                self.template_edited()
            }
            Message::PdfLanguagePicked(PdfLanguageChoice(pdf_language, _)) => {
                self.template.language = pdf_language;
                self.template_edited()
            }
            Message::PickLogo => Action::PickLogo,
            Message::LogoPicked(Some(path)) => Action::Run(Request::InspectLogo(path)),
            Message::LogoPicked(None) => Action::None,
            Message::RemoveLogo => {
                self.template.logo = None;
                self.logo = None;
                self.save_logo(None)
            }
            Message::PreviewDue(edit) if edit == self.template_edits => {
                Action::Run(Request::PreviewTemplate(Box::new(self.template.template())))
            }
            Message::PreviewDue(_) => Action::None,
            Message::SaveTemplate => {
                self.template_notice = None;
                Action::Run(Request::SaveTemplate(Box::new(self.template.template())))
            }
            Message::VatCategoryPicked(CategoryChoice(category, _)) => {
                self.vat.pick_category(category);
                self.vat_notice = None;
                Action::None
            }
            Message::VatRateChanged(rate) => {
                self.vat.rate = rate;
                self.vat_notice = None;
                Action::None
            }
            Message::VatReasonChanged(reason) => {
                self.vat.exemption_reason = reason;
                self.vat_notice = None;
                Action::None
            }
            Message::SaveDefaultVat => match self.vat.vat(language) {
                Ok(vat) => {
                    self.vat_error = None;
                    Action::Run(Request::SaveDefaultVat(vat))
                }
                Err(error) => {
                    self.vat_error = Some(error);
                    Action::None
                }
            },
            Message::SmtpFieldChanged(field, value) => {
                self.smtp.set(field, value);
                self.smtp_notice = None;
                Action::None
            }
            Message::SmtpSecurityPicked(SecurityChoice(security, _)) => {
                self.smtp.pick_security(security);
                self.smtp_notice = None;
                Action::None
            }
            Message::SaveSmtp => match self.smtp.settings(language) {
                Ok(settings) => {
                    self.smtp_error = None;
                    let password = Some(self.smtp.password.clone()).filter(|p| !p.is_empty());
                    Action::Run(Request::SaveSmtp {
                        settings: Box::new(settings),
                        password,
                    })
                }
                Err(error) => {
                    self.smtp_error = Some(error);
                    Action::None
                }
            },
            Message::SendTestEmail => {
                self.smtp_error = None;
                self.smtp_notice = Some(
                    language
                        .pick("Sending the test message…", "Envoi du message d'essai…")
                        .to_string(),
                );
                Action::Run(Request::SendTestEmail)
            }
            _ => Action::None,
        }
    }

    fn preferences_replied(&mut self, reply: Reply, language: Language) -> Action {
        match reply {
            Reply::Preferences(Ok(preferences)) => {
                self.template = TemplateForm::from_template(&preferences.template);
                self.saved_template = preferences.template;
                match preferences.logo {
                    Some(Ok(logo)) => self.logo = Some(logo),
                    Some(Err(error)) => self.template_error = Some(error),
                    None => self.logo = None,
                }
                self.vat = VatForm::from_vat(&preferences.default_vat, language);
                self.smtp = SmtpForm::from_settings(preferences.smtp.as_ref());
                // The first preview needs no pause.
                Action::Run(Request::PreviewTemplate(Box::new(self.template.template())))
            }
            Reply::Preferences(Err(error)) => {
                self.error = Some(error);
                Action::None
            }
            Reply::Logo(Ok(logo)) => {
                let path = logo.path.clone();
                self.template.logo = Some(path.clone());
                self.logo = Some(logo);
                self.template_error = None;
                self.save_logo(Some(path))
            }
            Reply::Logo(Err(error)) | Reply::TemplateSaved(Err(error)) => {
                self.template_error = Some(error);
                Action::None
            }
            Reply::Preview(result) => {
                self.preview = Some(result.map(|page| Preview {
                    handle: image::Handle::from_rgba(page.width, page.height, page.rgba.clone()),
                    page,
                }));
                Action::None
            }
            Reply::TemplateSaved(Ok(template)) => {
                self.template.logo = template.logo.clone();
                self.saved_template = template;
                self.template_error = None;
                self.template_notice = Some(
                    language
                        .pick(
                            "Template saved. Documents already issued keep their archived PDF.",
                            "Modèle enregistré. Les documents déjà émis gardent leur PDF archivé.",
                        )
                        .to_string(),
                );
                self.template_edited_keeping_notice()
            }
            Reply::DefaultVatSaved(Ok(vat)) => {
                self.vat = VatForm::from_vat(&vat, language);
                self.vat_error = None;
                self.vat_notice = Some(language.pick("Saved.", "Enregistré.").to_string());
                Action::None
            }
            Reply::DefaultVatSaved(Err(error)) => {
                self.vat_error = Some(error);
                Action::None
            }
            Reply::SmtpSaved(Ok(saved)) => {
                self.smtp = SmtpForm::from_settings(Some(&saved.settings));
                self.smtp_error = None;
                self.smtp_notice = Some(language.pick("Saved.", "Enregistré.").to_string());
                self.keyring_warning = saved.keyring_error.map(|error| {
                    format!(
                        "{} ({error})",
                        language.pick(
                            "The system keyring is not available, so the password is kept in memory until Facturier closes and is never written to disk. Type it again after the next start, or start the desktop's keyring service.",
                            "Le trousseau du système n'est pas disponible : le mot de passe est gardé en mémoire jusqu'à la fermeture de Facturier et n'est jamais écrit sur le disque. Saisissez-le à nouveau au prochain démarrage, ou démarrez le service de trousseau du bureau."
                        )
                    )
                });
                Action::None
            }
            Reply::SmtpSaved(Err(error)) => {
                self.smtp_error = Some(error);
                self.smtp_notice = None;
                Action::None
            }
            Reply::TestEmailSent(Ok(to)) => {
                self.smtp_error = None;
                self.smtp_notice = Some(format!(
                    "{} {to}",
                    language.pick("Test message sent to", "Message d'essai envoyé à")
                ));
                Action::None
            }
            Reply::TestEmailSent(Err(error)) => {
                self.smtp_notice = None;
                self.smtp_error = Some(error);
                Action::None
            }
            _ => Action::None,
        }
    }

    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let mut content = Column::new()
            .spacing(14)
            .padding(16)
            .push(text(language.pick("Settings", "Paramètres")).size(24))
            .push(
                row![
                    text(language.pick("Language:", "Langue :")),
                    pick_list(Language::ALL, Some(language), Message::LanguagePicked),
                    text(language.pick("Theme:", "Thème :")),
                    pick_list(
                        crate::ui::i18n::ThemeChoice::ALL.map(|theme| ThemeItem(theme, language)),
                        Some(ThemeItem(self.theme, language)),
                        Message::ThemePicked
                    ),
                ]
                .spacing(8)
                .align_y(iced::Center),
            )
            .push(text(language.pick("Company identity", "Identité de l'entreprise")).size(18));
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        content = content.push(self.form.view(language, true, Message::FieldChanged));
        content = content.push(self.logo_row(language));
        let mut actions = row![
            button(text(language.pick("Save", "Enregistrer")))
                .style(button::primary)
                .on_press(Message::Save)
        ]
        .spacing(8);
        if self.saved {
            actions = actions.push(text(language.pick("Saved.", "Enregistré.")));
        }
        content = content.push(actions);
        content = content.push(text(language.pick("Backups", "Sauvegardes")).size(18));
        let mut backup = row![
            button(text(
                language.pick("Back up the books…", "Sauvegarder les livres…")
            ))
            .on_press(Message::Backup),
            button(text(
                language.pick("Restore from a backup…", "Restaurer une sauvegarde…")
            ))
            .on_press(Message::OpenRestore)
        ]
        .spacing(8)
        .align_y(iced::Center);
        if let Some(notice) = &self.backup_notice {
            backup = backup.push(text(notice));
        }
        content = content.push(backup);
        content = content.push(self.series_section(language));
        content = content.push(self.vat_section(language));
        content = content.push(self.template_section(language));
        content = content.push(self.smtp_section(language));
        scrollable(content).height(Fill).into()
    }
}

impl Settings {
    /// Lists the numbering series and offers a form to add one. A series
    /// that has numbered documents keeps its pattern, which the core checks.
    fn series_section(&self, language: Language) -> Element<'_, Message> {
        let mut section = Column::new()
            .spacing(6)
            .push(text(language.pick("Numbering series", "Séries de numérotation")).size(18));
        for series in &self.series {
            let mut flags = vec![if series.yearly_reset {
                language.pick("restarts each year", "repart de 1 chaque année")
            } else {
                language.pick("continuous", "continue")
            }];
            if series.is_default {
                flags.push(language.pick("default", "par défaut"));
            }
            section = section.push(text(format!(
                "{}  ·  {}  ·  {}  ·  {}",
                series.code,
                kind_name(series.kind, language),
                series.pattern,
                flags.join(", ")
            )));
        }
        let kinds: Vec<SeriesKind> = [
            DocumentKind::Invoice,
            DocumentKind::CreditNote,
            DocumentKind::Quote,
            DocumentKind::Order,
        ]
        .into_iter()
        .map(|kind| SeriesKind(kind, language))
        .collect();
        let form = &self.new_series;
        section = section.push(
            row![
                text_input(language.pick("Code", "Code"), &form.code)
                    .on_input(Message::SeriesCodeChanged)
                    .width(80),
                pick_list(
                    kinds,
                    Some(SeriesKind(form.kind, language)),
                    Message::SeriesKindPicked
                ),
                text_input("F{YYYY}-{N:5}", &form.pattern)
                    .on_input(Message::SeriesPatternChanged)
                    .width(180),
                checkbox(form.yearly_reset)
                    .label(language.pick("Restart each year", "Repartir de 1 chaque année"))
                    .on_toggle(Message::SeriesYearlyResetToggled),
                checkbox(form.is_default)
                    .label(language.pick(
                        "Use for new documents",
                        "Utiliser pour les nouveaux documents"
                    ))
                    .on_toggle(Message::SeriesDefaultToggled),
                button(text(language.pick("Add series", "Ajouter la série")))
                    .on_press(Message::AddSeries),
            ]
            .spacing(8)
            .align_y(iced::Center),
        );
        section.into()
    }
}
