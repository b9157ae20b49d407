//! The screens of the app. Each owns its state and `Message`, and returns an
//! `Action` so that the app alone decides navigation and runs the requests.

pub mod board;
pub mod catalogue;
pub mod customers;
pub mod editor;
pub mod export;
pub mod import;
pub mod restore;
pub mod settings;
pub mod welcome;

use iced::Element;
use iced::widget::{button, container, row, text};

use crate::document::{Company, DocumentId, DocumentKind};
use crate::ui::database::Request;
use crate::ui::i18n::Language;

/// The request a screen makes to the app after a message.
#[derive(Debug, Clone)]
pub enum Action {
    None,
    /// Run a request on the database thread; its reply comes back to the
    /// current screen.
    Run(Request),
    /// Open a document in the editor.
    Open(DocumentId),
    /// Create a new draft of this kind and open it.
    New(DocumentKind),
    /// Go back to the board.
    Home,
    /// The company profile was saved.
    CompanySaved(Box<Company>),
    /// Move the keyboard focus to the widget with this id.
    Focus(&'static str),
    /// Ask the user where to save a backup of the books.
    PickBackupPath,
    /// Ask the user where to save a document's PDF, proposing this name.
    PickPdfPath(String),
    /// Ask the user for a CSV file to import.
    PickImportFile,
    /// Ask the user where to save a CSV export, proposing this name.
    PickExportPath(String),
    /// Go to another page.
    Show(crate::ui::Page),
    /// Ask the user for a PNG logo file.
    PickLogo,
    /// Send `settings::Message::PreviewDue` with this edit number after
    /// `settings::PREVIEW_PAUSE`.
    PreviewLater(u64),
}

/// Shows an error where it happened: what failed and what to do.
pub fn error_banner<'a, Message: 'a>(language: Language, message: &str) -> Element<'a, Message> {
    container(text(format!(
        "{} {message}",
        language.pick("Error:", "Erreur :")
    )))
    .padding(10)
    .width(iced::Fill)
    .style(container::danger)
    .into()
}

/// Shows a confirmation in place of the screen's content.
pub fn confirm<'a, Message: Clone + 'a>(
    question: String,
    yes: (&'a str, Message),
    no: (&'a str, Message),
) -> Element<'a, Message> {
    container(
        iced::widget::column![
            text(question),
            row![
                button(text(yes.0)).style(button::danger).on_press(yes.1),
                button(text(no.0)).on_press(no.1)
            ]
            .spacing(8)
        ]
        .spacing(12),
    )
    .padding(16)
    .style(container::bordered_box)
    .into()
}
