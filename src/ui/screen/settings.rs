//! Settings: the company identity printed on every document, default
//! payment terms, late-payment penalty rate and the interface language.

use std::path::PathBuf;

use iced::widget::{
    Column, button, checkbox, column, container, pick_list, row, scrollable, text, text_input,
};
use iced::{Element, Fill};

use crate::document::{Address, Company, DocumentKind};
use crate::money::parse_decimal;
use crate::numbering::Series;
use crate::terms::PaymentTerms;
use crate::ui::database::{Reply, Request};
use crate::ui::i18n::Language;
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
        let company: Company =
            serde_json::from_value(serde_json::json!({ "name": "" })).unwrap_or_default();
        CompanyForm::from_company(&company)
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
}

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
        }
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
            // The app owns the language; it reads this message itself.
            Message::LanguagePicked(_) => Action::None,
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
            Message::Replied(_) => Action::None,
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
                ]
                .spacing(8)
                .align_y(iced::Center),
            )
            .push(text(language.pick("Company identity", "Identité de l'entreprise")).size(18));
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        content = content.push(self.form.view(language, true, Message::FieldChanged));
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
        content = content.push(
            container(text(language.pick(
                "The PDF template and the e-mail account are set from the command line for now (`facturier template set`, `facturier smtp set`).",
                "Le modèle PDF et le compte e-mail se règlent pour l'instant en ligne de commande (`facturier template set`, `facturier smtp set`).",
            )))
            .padding(10)
            .style(container::rounded_box),
        );
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
