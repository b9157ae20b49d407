//! The editor's e-mail dialog and the document's sending log. An issued
//! document is sent with the PDF archived at issue, through the SMTP account
//! of Settings, or handed to the user's mail app as an .eml draft.

use iced::widget::{Column, button, column, container, row, text, text_editor, text_input};
use iced::{Element, Fill};

use super::{Dialog, Editor, Message};
use crate::books::mail::EmailLogEntry;
use crate::ui::database::{EmailDraft, Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::{Action, error_banner};

/// Id of the recipients field.
pub const EMAIL_TO_ID: &str = "editor-email-to";

/// The e-mail being written in the dialog. The text is in the editor's
/// `email_body`, because iced's text editor content is not comparable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailForm {
    /// Recipients as typed, separated by commas or semicolons.
    pub to: String,
    pub subject: String,
    /// Name of the attached PDF.
    pub file_name: String,
    pub has_account: bool,
    /// A sending is under way: Send waits for its outcome.
    pub sending: bool,
    /// Error of the last sending. The message stays in the dialog.
    pub error: Option<String>,
}

/// Splits recipients typed as "a@x.fr, b@y.fr; c@z.fr".
pub fn recipients(typed: &str) -> Vec<String> {
    typed
        .split([',', ';'])
        .map(str::trim)
        .filter(|address| !address.is_empty())
        .map(str::to_string)
        .collect()
}

impl Editor {
    /// Returns the document's sending log, oldest first.
    pub fn email_log(&self) -> &[EmailLogEntry] {
        self.opened
            .as_ref()
            .map(|opened| opened.email_log.as_slice())
            .unwrap_or_default()
    }

    /// Returns the e-mail text as typed in the dialog.
    pub fn email_body(&self) -> String {
        self.email_body.text()
    }

    fn email_form(&mut self) -> Option<&mut EmailForm> {
        match &mut self.dialog {
            Some(Dialog::Email(form)) => Some(form),
            _ => None,
        }
    }

    /// Handles the messages of the e-mail dialog.
    pub(super) fn update_email(&mut self, message: Message, language: Language) -> Action {
        match message {
            Message::Email => match self.id() {
                Some(id) => Action::Run(Request::LoadEmail(id)),
                None => Action::None,
            },
            Message::EmailToChanged(to) => {
                if let Some(form) = self.email_form() {
                    form.to = to;
                }
                Action::None
            }
            Message::EmailSubjectChanged(subject) => {
                if let Some(form) = self.email_form() {
                    form.subject = subject;
                }
                Action::None
            }
            Message::EmailBodyEdited(action) => {
                self.email_body.perform(action);
                Action::None
            }
            Message::SendEmail => self.send_email(language),
            Message::ComposeInMailApp => self.compose_in_mail_app(),
            _ => Action::None,
        }
    }

    /// Hands the message as edited to the user's mail app. Without
    /// recipients typed, the draft goes to the customer's address.
    fn compose_in_mail_app(&mut self) -> Action {
        let Some(id) = self.id() else {
            return Action::None;
        };
        let body = self.email_body.text();
        let Some(form) = self.email_form() else {
            return Action::None;
        };
        form.error = None;
        Action::Run(Request::ComposeEditedEmail {
            id,
            to: recipients(&form.to),
            subject: form.subject.clone(),
            body,
        })
    }

    fn send_email(&mut self, language: Language) -> Action {
        let Some(id) = self.id() else {
            return Action::None;
        };
        let body = self.email_body.text();
        let Some(form) = self.email_form() else {
            return Action::None;
        };
        let to = recipients(&form.to);
        if to.is_empty() {
            form.error = Some(
                language
                    .pick(
                        "no recipient: type the customer's e-mail address",
                        "aucun destinataire : saisissez l'adresse e-mail du client",
                    )
                    .to_string(),
            );
            return Action::None;
        }
        form.error = None;
        form.sending = true;
        Action::Run(Request::SendEmail {
            id,
            to,
            subject: form.subject.clone(),
            body,
        })
    }

    /// Handles the replies to the dialog's requests; returns false for any
    /// other reply.
    pub(super) fn email_replied(&mut self, reply: &Reply, language: Language) -> bool {
        match reply {
            Reply::EmailDraft(Ok(draft)) => self.open_email_dialog(draft),
            Reply::EmailDraft(Err(error)) => self.error = Some(error.clone()),
            // The .eml draft was handed to the mail app, or failed. On
            // failure the dialog stays open, so nothing typed is lost.
            Reply::Exported(result) if self.email_form().is_some() => match result {
                Ok(path) => {
                    self.dialog = None;
                    self.notice = Some(path.clone());
                }
                Err(error) => {
                    if let Some(form) = self.email_form() {
                        form.error = Some(error.clone());
                    }
                }
            },
            Reply::EmailSent { result, log } => {
                if let Some(opened) = &mut self.opened {
                    opened.email_log = log.clone();
                }
                match result {
                    Ok(to) => {
                        self.dialog = None;
                        self.notice = Some(format!(
                            "{} {}",
                            language.pick("E-mail sent to", "E-mail envoyé à"),
                            to.join(", ")
                        ));
                    }
                    Err(error) => {
                        if let Some(form) = self.email_form() {
                            form.sending = false;
                            form.error = Some(error.clone());
                        }
                    }
                }
            }
            _ => return false,
        }
        true
    }

    fn open_email_dialog(&mut self, draft: &EmailDraft) {
        self.email_body = text_editor::Content::with_text(&draft.body);
        self.error = None;
        self.dialog = Some(Dialog::Email(EmailForm {
            to: draft.to.join(", "),
            subject: draft.subject.clone(),
            file_name: draft.file_name.clone(),
            has_account: draft.has_account,
            sending: false,
            error: None,
        }));
    }

    pub(super) fn email_dialog_view<'a>(
        &'a self,
        language: Language,
        form: &'a EmailForm,
    ) -> Element<'a, Message> {
        let mut dialog = Column::new()
            .spacing(10)
            .push(text(language.pick("Send by e-mail", "Envoyer par e-mail")).size(22));
        if let Some(error) = &form.error {
            dialog = dialog.push(error_banner(language, error));
            dialog = dialog.push(text(language.pick(
                "The message is kept here: correct it and send again.",
                "Le message est conservé ici : corrigez-le et renvoyez-le.",
            )));
        }
        dialog = dialog
            .push(
                column![
                    text(language.pick(
                        "To (separate addresses with commas)",
                        "À (séparez les adresses par des virgules)"
                    ))
                    .size(13),
                    text_input("client@example.fr", &form.to)
                        .id(EMAIL_TO_ID)
                        .on_input(Message::EmailToChanged),
                ]
                .spacing(2),
            )
            .push(
                column![
                    text(language.pick("Subject", "Objet")).size(13),
                    text_input("", &form.subject).on_input(Message::EmailSubjectChanged),
                ]
                .spacing(2),
            )
            .push(
                text_editor(&self.email_body)
                    .height(180)
                    .on_action(Message::EmailBodyEdited),
            )
            .push(text(format!(
                "{} {}",
                language.pick("Attached:", "Pièce jointe :"),
                form.file_name
            )));
        let mut send = button(text(if form.sending {
            language.pick("Sending…", "Envoi…")
        } else {
            language.pick("Send", "Envoyer")
        }))
        .style(button::primary);
        if form.has_account && !form.sending {
            send = send.on_press(Message::SendEmail);
        }
        let mut actions = row![
            send,
            button(text(
                language.pick("Compose in my mail app", "Rédiger dans ma messagerie")
            ))
            .style(button::secondary)
            .on_press(Message::ComposeInMailApp),
            button(text(language.pick("Close (Escape)", "Fermer (Échap)")))
                .style(button::secondary)
                .on_press(Message::CloseDialog),
        ]
        .spacing(8);
        if !form.has_account {
            actions = actions.push(text(language.pick(
                "Set the e-mail account in Settings to send from here.",
                "Réglez le compte e-mail dans Paramètres pour envoyer d'ici.",
            )));
        }
        container(dialog.push(actions))
            .padding(16)
            .width(Fill)
            .style(container::bordered_box)
            .into()
    }

    /// Lists every sending attempt of the document: when, to whom, and the
    /// outcome with the reason of a failure.
    pub(super) fn email_log_section(&self, language: Language) -> Option<Element<'_, Message>> {
        let log = self.email_log();
        if log.is_empty() {
            return None;
        }
        let mut section = Column::new()
            .spacing(4)
            .push(text(language.pick("Sending log", "Historique des envois")).size(18));
        for entry in log {
            let outcome = match entry.outcome.as_str() {
                "sent" => language.pick("sent", "envoyé"),
                "failed" => language.pick("failed", "échec"),
                "draft" => language.pick("draft for the mail app", "brouillon pour la messagerie"),
                other => other,
            };
            let mut line = format!(
                "{}  ·  {}  ·  {outcome}",
                entry.recorded_at,
                entry.recipients.join(", ")
            );
            if let Some(error) = &entry.error {
                line.push_str(&format!(" ({error})"));
            }
            let style: fn(&iced::Theme) -> iced::widget::text::Style = if entry.outcome == "failed"
            {
                iced::widget::text::danger
            } else {
                iced::widget::text::default
            };
            section = section.push(text(line).style(style));
        }
        Some(
            container(section)
                .padding(12)
                .style(container::rounded_box)
                .width(Fill)
                .into(),
        )
    }
}
