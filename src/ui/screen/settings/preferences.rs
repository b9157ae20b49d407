//! The forms of Settings besides the company: PDF template, default VAT of
//! new lines and the SMTP account. Each keeps what the user typed as text
//! and builds the core's value on save, with an error naming the field.

use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::email::{Security, SmtpSettings};
use crate::money::parse_decimal;
use crate::pdf::{self, PaperSize, Template};
use crate::ui::i18n::{Language, ThemeChoice};
use crate::vat::{Vat, VatCategory};

/// A colour theme in the picker, in the interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThemeItem(pub ThemeChoice, pub Language);

impl std::fmt::Display for ThemeItem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.0.name(self.1))
    }
}

/// A paper size in the picker, in the interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaperChoice(pub PaperSize, pub Language);

impl std::fmt::Display for PaperChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self.0 {
            PaperSize::A4 => "A4 (210 × 297 mm)",
            PaperSize::Letter => self
                .1
                .pick("US Letter (8.5 × 11 in)", "US Letter (8,5 × 11 in)"),
        })
    }
}

/// The language of printed documents in the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdfLanguageChoice(pub pdf::Language, pub Language);

impl std::fmt::Display for PdfLanguageChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self.0 {
            pdf::Language::French => self.1.pick("French", "Français"),
            pdf::Language::English => self.1.pick("English", "Anglais"),
        })
    }
}

/// A VAT category (EN 16931 BT-151) in the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CategoryChoice(pub VatCategory, pub Language);

impl std::fmt::Display for CategoryChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let language = self.1;
        let name = match self.0 {
            VatCategory::S => language.pick("Standard or reduced rate", "Taux normal ou réduit"),
            VatCategory::Z => language.pick("Zero rate", "Taux zéro"),
            VatCategory::E => language.pick("Exempt", "Exonéré"),
            VatCategory::AE => language.pick("Reverse charge", "Autoliquidation"),
            VatCategory::K => language.pick("Intra-EU supply", "Livraison intra-UE"),
            VatCategory::G => language.pick("Export outside the EU", "Export hors UE"),
            VatCategory::O => language.pick("Outside the scope of VAT", "Hors champ de la TVA"),
        };
        write!(formatter, "{} ({name})", self.0.code())
    }
}

/// The transport security of the SMTP account in the picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityChoice(pub Security, pub Language);

impl std::fmt::Display for SecurityChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self.0 {
            Security::Starttls => "STARTTLS (587)",
            Security::Tls => self.1.pick("Implicit TLS (465)", "TLS implicite (465)"),
            Security::None => self.1.pick(
                "None (a server on this computer only)",
                "Aucune (serveur sur cet ordinateur uniquement)",
            ),
        })
    }
}

/// The PDF template as edited.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateForm {
    pub accent_color: String,
    pub footer: String,
    pub paper: PaperSize,
    pub language: pdf::Language,
    pub logo: Option<PathBuf>,
}

impl TemplateForm {
    pub fn from_template(template: &Template) -> TemplateForm {
        TemplateForm {
            accent_color: template.accent_color.clone(),
            footer: template.footer.clone(),
            paper: template.paper,
            language: template.language,
            logo: template.logo.clone(),
        }
    }

    /// Builds the template; the core checks the colour and the logo file.
    pub fn template(&self) -> Template {
        Template {
            logo: self.logo.clone(),
            accent_color: self.accent_color.trim().to_string(),
            footer: self.footer.trim_end().to_string(),
            paper: self.paper,
            language: self.language,
        }
    }
}

/// The default VAT of new lines as edited.
#[derive(Debug, Clone, PartialEq)]
pub struct VatForm {
    pub category: VatCategory,
    pub rate: String,
    pub exemption_reason: String,
}

impl Default for VatForm {
    fn default() -> VatForm {
        VatForm::from_vat(&Vat::standard(Decimal::from(20)), Language::English)
    }
}

impl VatForm {
    pub fn from_vat(vat: &Vat, language: Language) -> VatForm {
        VatForm {
            category: vat.category,
            rate: language.decimal(vat.rate),
            exemption_reason: vat.exemption_reason.clone().unwrap_or_default(),
        }
    }

    /// Picks a category: an exempt one takes rate 0 and its default wording.
    pub fn pick_category(&mut self, category: VatCategory) {
        self.category = category;
        if category == VatCategory::S {
            self.exemption_reason.clear();
            if self.rate.trim().is_empty() || self.rate.trim() == "0" {
                self.rate = "20".to_string();
            }
        } else {
            self.rate = "0".to_string();
            self.exemption_reason = category
                .default_exemption()
                .map(|(_, reason)| reason.to_string())
                .unwrap_or_default();
        }
    }

    /// Builds the VAT treatment; the core checks that rate and category fit.
    pub fn vat(&self, language: Language) -> Result<Vat, String> {
        let rate = if self.category == VatCategory::S {
            parse_decimal(&self.rate, language.number_style(), "default VAT rate")
                .map_err(|error| error.to_string())?
        } else {
            Decimal::ZERO
        };
        let reason = self.exemption_reason.trim();
        let needs_reason = self.category.requires_exemption_reason();
        Ok(Vat {
            category: self.category,
            rate,
            exemption_code: if needs_reason {
                self.category
                    .default_exemption()
                    .map(|(code, _)| code.to_string())
            } else {
                None
            },
            exemption_reason: (needs_reason && !reason.is_empty()).then(|| reason.to_string()),
        })
    }
}

/// A text field of the SMTP account form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpField {
    Host,
    Port,
    Username,
    From,
    Password,
}

/// The SMTP account as edited. The password is only sent to the keyring on
/// save and is cleared from the form afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct SmtpForm {
    pub host: String,
    pub port: String,
    pub security: Security,
    pub username: String,
    pub from: String,
    pub password: String,
    ca_certificate: Option<PathBuf>,
}

impl Default for SmtpForm {
    fn default() -> SmtpForm {
        SmtpForm {
            host: String::new(),
            port: "587".to_string(),
            security: Security::Starttls,
            username: String::new(),
            from: String::new(),
            password: String::new(),
            ca_certificate: None,
        }
    }
}

impl SmtpForm {
    pub fn from_settings(settings: Option<&SmtpSettings>) -> SmtpForm {
        match settings {
            Some(settings) => SmtpForm {
                host: settings.host.clone(),
                port: settings.port.to_string(),
                security: settings.security,
                username: settings.username.clone(),
                from: settings.from.clone(),
                password: String::new(),
                ca_certificate: settings.ca_certificate.clone(),
            },
            None => SmtpForm::default(),
        }
    }

    pub fn set(&mut self, field: SmtpField, value: String) {
        let target = match field {
            SmtpField::Host => &mut self.host,
            SmtpField::Port => &mut self.port,
            SmtpField::Username => &mut self.username,
            SmtpField::From => &mut self.from,
            SmtpField::Password => &mut self.password,
        };
        *target = value;
    }

    /// Picks the security and proposes its usual port when the port is one
    /// of the usual ones.
    pub fn pick_security(&mut self, security: Security) {
        self.security = security;
        if ["", "25", "465", "587"].contains(&self.port.trim()) {
            self.port = match security {
                Security::Starttls => "587",
                Security::Tls => "465",
                Security::None => "25",
            }
            .to_string();
        }
    }

    /// Builds the account; the core checks the host, the sender and the
    /// security.
    pub fn settings(&self, language: Language) -> Result<SmtpSettings, String> {
        let port: u16 = self.port.trim().parse().map_err(|_| {
            format!(
                "{} \"{}\"",
                language.pick(
                    "the SMTP port must be a number from 1 to 65535, such as 587; found",
                    "le port SMTP doit être un nombre de 1 à 65535, par exemple 587 ; saisi :"
                ),
                self.port
            )
        })?;
        Ok(SmtpSettings {
            host: self.host.trim().to_string(),
            port,
            security: self.security,
            username: self.username.trim().to_string(),
            from: self.from.trim().to_string(),
            ca_certificate: self.ca_certificate.clone(),
        })
    }
}
