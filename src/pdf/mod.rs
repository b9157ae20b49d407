//! PDF rendering of quotes, order confirmations, invoices and credit notes.
//!
//! `render` turns a `DocumentView` into PDF bytes with printpdf (without its
//! HTML feature) and the embedded DejaVu Sans fonts. Every amount printed
//! comes from the view's `Totals`; nothing is recomputed here. The module
//! does not depend on the GUI. The desktop app calls `render` for its
//! preview, the command line for `facturier pdf`, and `Books::issue` calls it
//! once to archive an invoice or credit note exactly as issued.

mod content;
mod fonts;
mod labels;
mod layout;
mod subset;

use serde::{Deserialize, Serialize};

use crate::books::DocumentView;
use crate::document::Company;

pub use labels::Language;

/// Paper size of the rendered pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperSize {
    /// ISO 216 A4, 210 × 297 mm.
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl PaperSize {
    /// Width and height in points (1/72 in).
    pub fn points(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (595.28, 841.89),
            PaperSize::Letter => (612.0, 792.0),
        }
    }
}

/// The user's layout choices, stored as JSON under the settings key
/// "template".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Template {
    /// PNG file printed at the top left of the first page.
    pub logo: Option<std::path::PathBuf>,
    /// Colour of the title and of the table header, as "#RRGGBB".
    pub accent_color: String,
    /// Free text printed at the bottom of every page.
    pub footer: String,
    pub paper: PaperSize,
    pub language: Language,
}

impl Default for Template {
    fn default() -> Self {
        Template {
            logo: None,
            accent_color: "#1F4E79".to_string(),
            footer: String::new(),
            paper: PaperSize::A4,
            language: Language::French,
        }
    }
}

impl Template {
    /// Checks the values a user can get wrong, naming the field to fix. The
    /// footer text is printed on every page, so a character the embedded
    /// fonts lack is rejected here rather than when a document is rendered.
    pub fn validated(self) -> Result<Template, PdfError> {
        layout::parse_color(&self.accent_color)?;
        check_printable("the footer text", &self.footer)?;
        if let Some(path) = &self.logo {
            if !path.is_file() {
                return Err(PdfError::Logo {
                    path: path.display().to_string(),
                    reason: "the file does not exist".to_string(),
                });
            }
        }
        Ok(self)
    }
}

/// The nature of the operation that French law requires on an invoice
/// (Code de commerce R123-237 via article 242 nonies A of annex II to the
/// CGI): a supply of goods, of services, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    Goods,
    #[default]
    Services,
    Both,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    #[error(
        "the character {character:?} (U+{code:04X}) in \"{text}\" has no glyph in the embedded font: replace it with a Latin, Greek or Cyrillic character",
        code = *character as u32
    )]
    UnsupportedCharacter { character: char, text: String },
    /// Characters without a glyph in the embedded fonts, found in the text of
    /// a printed field (such as "the customer's name").
    #[error("{}", unprintable_message(field, text, characters))]
    UnprintableText {
        field: String,
        text: String,
        characters: Vec<char>,
    },
    #[error("invalid accent colour \"{0}\": write it as #RRGGBB, such as #1F4E79")]
    InvalidColor(String),
    #[error("logo {path}: {reason}; choose a PNG file or clear \"logo\"")]
    Logo { path: String, reason: String },
    #[error("{0}")]
    Font(String),
    #[error("writing the PDF failed: {0}")]
    Write(String),
}

/// Lists, once each, the characters of `text` that the embedded DejaVu Sans
/// faces cannot show, so that a caller can reject them before rendering.
pub fn unprintable_characters(text: &str) -> Result<Vec<char>, PdfError> {
    layout::unprintable_characters(text)
}

/// Checks that the embedded DejaVu Sans faces can show every character of
/// `text`, printed as `field`. Returns `PdfError::UnprintableText` listing
/// the characters they cannot show, once each.
pub fn check_printable(field: &str, text: &str) -> Result<(), PdfError> {
    let characters = layout::unprintable_characters(text)?;
    if characters.is_empty() {
        return Ok(());
    }
    Err(PdfError::UnprintableText {
        field: field.to_string(),
        text: text.to_string(),
        characters,
    })
}

/// Characters of the field's text quoted in an unprintable-character message.
const QUOTED_CHARACTERS: usize = 60;

fn unprintable_message(field: &str, text: &str, characters: &[char]) -> String {
    let listed: Vec<String> = characters.iter().map(char::to_string).collect();
    let codes: Vec<String> = characters
        .iter()
        .map(|character| format!("U+{:04X}", u32::from(*character)))
        .collect();
    // A long description is cut, since the field name already locates it.
    let mut quoted: String = text.chars().take(QUOTED_CHARACTERS).collect();
    if text.chars().count() > QUOTED_CHARACTERS {
        quoted.push('…');
    }
    format!(
        "{field} (\"{quoted}\") contains {} ({}), which the PDF font DejaVu Sans cannot show: write {} in Latin letters (a transliteration), or in Greek or Cyrillic",
        listed.join(" "),
        codes.join(", "),
        if characters.len() == 1 { "it" } else { "them" }
    )
}

/// Returns the title and number a document prints on every page, such as
/// "Facture F2026-00001": the title of its PDF metadata.
pub fn caption(view: &DocumentView, seller: &Company, language: Language) -> String {
    content::Printed {
        view,
        seller,
        labels: labels::Labels::of(language),
        nature: Nature::default(),
    }
    .page_caption()
}

/// Renders a document to PDF bytes.
///
/// `seller` is the company as frozen on an issued document, or the current
/// company for a draft. `nature` is printed on invoices and credit notes.
pub fn render(
    view: &DocumentView,
    seller: &Company,
    template: &Template,
    nature: Nature,
) -> Result<Vec<u8>, PdfError> {
    let labels = labels::Labels::of(template.language);
    let accent = layout::parse_color(&template.accent_color)?;
    // A logo file moved or deleted since the template was saved must not
    // block issuing an invoice: the document is printed without it.
    let logo = match template.logo.as_deref().map(layout::Logo::load) {
        Some(Ok(logo)) => Some(logo),
        Some(Err(error)) => {
            tracing::warn!(%error, "logo left out of the PDF");
            None
        }
        None => None,
    };
    let mut sheet = layout::Sheet::new(template.paper, accent);
    let document = content::Printed {
        view,
        seller,
        labels,
        nature,
    };
    document.lay_out(&mut sheet, logo.as_ref())?;
    let footer = content::footer_lines(&document, &template.footer);
    sheet.finish(&footer, &document.page_caption(), labels)
}
