//! The views of the logo, default VAT, PDF template and e-mail account
//! sections of Settings.

use iced::widget::{Column, button, column, container, image, pick_list, row, text, text_input};
use iced::{Element, Fill};

use super::{
    CategoryChoice, Message, PaperChoice, PdfLanguageChoice, SecurityChoice, Settings, SmtpField,
};
use crate::email::Security;
use crate::pdf::{self, PaperSize};
use crate::ui::i18n::Language;
use crate::ui::screen::error_banner;
use crate::vat::VatCategory;

/// Width of the preview image on screen, in logical pixels.
const PREVIEW_WIDTH: f32 = 460.0;

fn notice<'a>(message: &'a str) -> Element<'a, Message> {
    container(text(message))
        .padding(8)
        .style(container::success)
        .width(Fill)
        .into()
}

fn labelled<'a>(label: &'a str, field: impl Into<Element<'a, Message>>) -> Element<'a, Message> {
    column![text(label).size(13), field.into()]
        .spacing(2)
        .into()
}

impl Settings {
    /// Shows the logo printed on documents: its thumbnail, pixel size and
    /// file size, with buttons to pick another PNG or remove it.
    pub(super) fn logo_row(&self, language: Language) -> Element<'_, Message> {
        let mut logo_row = row![text(language.pick("Logo:", "Logo :"))]
            .spacing(10)
            .align_y(iced::Center);
        match &self.logo {
            Some(logo) => {
                let thumbnail = &logo.thumbnail;
                logo_row = logo_row
                    .push(
                        container(
                            image(image::Handle::from_rgba(
                                thumbnail.width,
                                thumbnail.height,
                                thumbnail.rgba.clone(),
                            ))
                            .height(48),
                        )
                        .padding(4)
                        .style(container::bordered_box),
                    )
                    .push(text(format!(
                        "{} · {} × {} px · {} {}",
                        logo.path
                            .file_name()
                            .map(|name| name.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        thumbnail.width,
                        thumbnail.height,
                        logo.file_size.div_ceil(1024),
                        language.pick("KB", "Ko"),
                    )))
                    .push(
                        button(text(language.pick("Change…", "Changer…")))
                            .style(button::secondary)
                            .on_press(Message::PickLogo),
                    )
                    .push(
                        button(text(language.pick("Remove the logo", "Retirer le logo")))
                            .style(button::secondary)
                            .on_press(Message::RemoveLogo),
                    );
            }
            None => {
                logo_row = logo_row.push(text(language.pick("none", "aucun"))).push(
                    button(text(language.pick("Choose a PNG…", "Choisir un PNG…")))
                        .style(button::secondary)
                        .on_press(Message::PickLogo),
                );
            }
        }
        logo_row.into()
    }

    /// Shows the default VAT of new lines written in the editor.
    pub(super) fn vat_section(&self, language: Language) -> Element<'_, Message> {
        let categories: Vec<CategoryChoice> = VatCategory::ALL
            .into_iter()
            .map(|category| CategoryChoice(category, language))
            .collect();
        let form = &self.vat;
        let mut fields = row![labelled(
            language.pick("Category", "Catégorie"),
            pick_list(
                categories,
                Some(CategoryChoice(form.category, language)),
                Message::VatCategoryPicked
            ),
        )]
        .spacing(8)
        .align_y(iced::Bottom);
        if form.category == VatCategory::S {
            fields = fields.push(labelled(
                language.pick("Rate (%)", "Taux (%)"),
                text_input("20", &form.rate)
                    .on_input(Message::VatRateChanged)
                    .width(90),
            ));
        } else {
            fields = fields.push(labelled(
                language.pick(
                    "Exemption reason printed on the invoice",
                    "Mention d'exonération imprimée sur la facture",
                ),
                text_input("", &form.exemption_reason)
                    .on_input(Message::VatReasonChanged)
                    .width(480),
            ));
        }
        fields = fields.push(
            button(text(
                language.pick("Save the default VAT", "Enregistrer la TVA par défaut"),
            ))
            .on_press(Message::SaveDefaultVat),
        );
        let mut section = Column::new()
            .spacing(8)
            .push(text(language.pick("Default VAT", "TVA par défaut")).size(18))
            .push(text(language.pick(
                "Proposed for each new line written in the editor; a catalogue product keeps its own VAT.",
                "Proposée pour chaque nouvelle ligne saisie dans l'éditeur ; un produit du catalogue garde sa propre TVA.",
            )).size(13));
        if let Some(error) = &self.vat_error {
            section = section.push(error_banner(language, error));
        }
        section = section.push(fields);
        if let Some(message) = &self.vat_notice {
            section = section.push(notice(message));
        }
        section.into()
    }

    /// Shows the PDF template form beside the live preview of a specimen
    /// invoice rendered with the values typed.
    pub(super) fn template_section(&self, language: Language) -> Element<'_, Message> {
        let form = &self.template;
        let papers: Vec<PaperChoice> = [PaperSize::A4, PaperSize::Letter]
            .into_iter()
            .map(|paper| PaperChoice(paper, language))
            .collect();
        let languages: Vec<PdfLanguageChoice> = [pdf::Language::French, pdf::Language::English]
            .into_iter()
            .map(|pdf_language| PdfLanguageChoice(pdf_language, language))
            .collect();
        let mut fields = Column::new()
            .spacing(10)
            .width(Fill)
            .push(labelled(
                language.pick(
                    "Accent colour (#RRGGBB) of the title and table header",
                    "Couleur d'accent (#RRGGBB) du titre et de l'en-tête du tableau",
                ),
                text_input("#1F4E79", &form.accent_color)
                    .on_input(Message::AccentColorChanged)
                    .width(160),
            ))
            .push(labelled(
                language.pick(
                    "Footer text printed on every page",
                    "Pied de page imprimé sur chaque page",
                ),
                text_input("", &form.footer).on_input(Message::FooterChanged),
            ))
            .push(
                row![
                    labelled(
                        language.pick("Paper size", "Format du papier"),
                        pick_list(
                            papers,
                            Some(PaperChoice(form.paper, language)),
                            Message::PaperPicked
                        ),
                    ),
                    labelled(
                        language.pick("Language of documents", "Langue des documents"),
                        pick_list(
                            languages,
                            Some(PdfLanguageChoice(form.language, language)),
                            Message::PdfLanguagePicked
                        ),
                    ),
                ]
                .spacing(12),
            )
            .push(
                text(language.pick(
                    "The logo is chosen with the company identity above.",
                    "Le logo se choisit avec l'identité de l'entreprise, plus haut.",
                ))
                .size(13),
            )
            .push(
                button(text(
                    language.pick("Save the template", "Enregistrer le modèle"),
                ))
                .style(button::primary)
                .on_press(Message::SaveTemplate),
            );
        if let Some(error) = &self.template_error {
            fields = fields.push(error_banner(language, error));
        }
        if let Some(message) = &self.template_notice {
            fields = fields.push(notice(message));
        }
        let preview: Element<'_, Message> = match &self.preview {
            Some(Ok(preview)) => container(
                image(preview.handle.clone())
                    .width(PREVIEW_WIDTH)
                    .filter_method(image::FilterMethod::Linear),
            )
            .padding(1)
            .style(container::bordered_box)
            .into(),
            Some(Err(error)) => container(text(format!(
                "{} {error}",
                language.pick("No preview:", "Pas d'aperçu :")
            )))
            .width(PREVIEW_WIDTH)
            .padding(10)
            .style(container::danger)
            .into(),
            None => container(text(
                language.pick("Rendering the preview…", "Rendu de l'aperçu…"),
            ))
            .width(PREVIEW_WIDTH)
            .padding(10)
            .into(),
        };
        column![
            text(language.pick("PDF template", "Modèle PDF")).size(18),
            text(language.pick(
                "The preview shows the first page of a specimen invoice, rendered as the PDF will be.",
                "L'aperçu montre la première page d'une facture spécimen, rendue comme le sera le PDF.",
            ))
            .size(13),
            row![fields, preview].spacing(16),
        ]
        .spacing(8)
        .into()
    }

    /// Shows the SMTP account form, the keyring warning and the test button.
    pub(super) fn smtp_section<'a>(&'a self, language: Language) -> Element<'a, Message> {
        let form = &self.smtp;
        let securities: Vec<SecurityChoice> = [Security::Starttls, Security::Tls, Security::None]
            .into_iter()
            .map(|security| SecurityChoice(security, language))
            .collect();
        let field = |label: &'a str, value: &'a str, field: SmtpField| {
            labelled(
                label,
                text_input(label, value)
                    .on_input(move |value| Message::SmtpFieldChanged(field, value)),
            )
        };
        let mut section = Column::new()
            .spacing(8)
            .push(text(language.pick("E-mail account (SMTP)", "Compte e-mail (SMTP)")).size(18));
        if let Some(error) = &self.smtp_error {
            section = section.push(error_banner(language, error));
        }
        section = section
            .push(
                row![
                    field(
                        language.pick("Server (host)", "Serveur (hôte)"),
                        &form.host,
                        SmtpField::Host
                    ),
                    field("Port", &form.port, SmtpField::Port),
                    labelled(
                        language.pick("Security", "Sécurité"),
                        pick_list(
                            securities,
                            Some(SecurityChoice(form.security, language)),
                            Message::SmtpSecurityPicked
                        ),
                    ),
                ]
                .spacing(8),
            )
            .push(
                row![
                    field(
                        language.pick("User name", "Identifiant"),
                        &form.username,
                        SmtpField::Username
                    ),
                    labelled(
                        language.pick(
                            "Password (kept in the system keyring)",
                            "Mot de passe (gardé dans le trousseau du système)"
                        ),
                        text_input("", &form.password)
                            .secure(true)
                            .on_input(|value| Message::SmtpFieldChanged(
                                SmtpField::Password,
                                value
                            )),
                    ),
                    field(
                        language.pick("Sender (Name <address>)", "Expéditeur (Nom <adresse>)"),
                        &form.from,
                        SmtpField::From
                    ),
                ]
                .spacing(8),
            )
            .push(
                row![
                    button(text(
                        language.pick("Save the account", "Enregistrer le compte")
                    ))
                    .style(button::primary)
                    .on_press(Message::SaveSmtp),
                    button(text(
                        language.pick("Send test message", "Envoyer un message d'essai")
                    ))
                    .style(button::secondary)
                    .on_press(Message::SendTestEmail),
                ]
                .spacing(8),
            );
        if let Some(warning) = &self.keyring_warning {
            section = section.push(
                container(text(warning))
                    .padding(8)
                    .style(container::warning)
                    .width(Fill),
            );
        }
        if let Some(message) = &self.smtp_notice {
            section = section.push(notice(message));
        }
        section.into()
    }
}
