//! Exports for the accountant: choose the export and the period, then a file
//! in the save dialog; the core's CSV export is written there.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use iced::widget::{Column, button, checkbox, pick_list, row, text, text_input};
use iced::{Element, Fill};

use crate::exchange::{CsvDialect, ExportKind};
use crate::ui::database::{Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::{Action, error_banner};

/// Every export, in the order the picker shows them.
pub const KINDS: [ExportKind; 6] = [
    ExportKind::Invoices,
    ExportKind::Lines,
    ExportKind::Payments,
    ExportKind::Vat,
    ExportKind::Customers,
    ExportKind::Products,
];

/// An export in the export picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindChoice(pub ExportKind, pub Language);

impl std::fmt::Display for KindChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let KindChoice(kind, language) = self;
        formatter.write_str(match kind {
            ExportKind::Invoices => language.pick(
                "Invoices and credit notes, with totals",
                "Factures et avoirs, avec leurs totaux",
            ),
            ExportKind::Lines => language.pick(
                "Lines of invoices and credit notes",
                "Lignes des factures et avoirs",
            ),
            ExportKind::Payments => language.pick("Payments received", "Paiements reçus"),
            ExportKind::Vat => language.pick(
                "VAT collected per rate and month",
                "TVA collectée par taux et par mois",
            ),
            ExportKind::Customers => language.pick("Customers", "Clients"),
            ExportKind::Products => language.pick("Products with prices", "Produits avec prix"),
        })
    }
}

/// Returns the file name proposed in the save dialog.
fn file_name(kind: ExportKind, from: NaiveDate, to: NaiveDate) -> String {
    let name = match kind {
        ExportKind::Invoices => "invoices",
        ExportKind::Lines => "lines",
        ExportKind::Payments => "payments",
        ExportKind::Vat => "vat",
        ExportKind::Customers => return "customers.csv".to_string(),
        ExportKind::Products => return "products.csv".to_string(),
    };
    format!("{name}-{from}-{to}.csv")
}

/// Returns whether an export covers a period of issue dates.
fn has_period(kind: ExportKind) -> bool {
    !matches!(kind, ExportKind::Customers | ExportKind::Products)
}

#[derive(Debug, Clone)]
pub enum Message {
    KindPicked(KindChoice),
    FromChanged(String),
    ToChanged(String),
    /// Write `;` and decimal commas, as French accounting programs read.
    FrenchToggled(bool),
    /// Check the period and open the save dialog.
    Export,
    /// The save dialog closed, with the chosen file or none.
    PathPicked(Option<PathBuf>),
    Replied(Reply),
}

#[derive(Debug)]
pub struct Export {
    kind: ExportKind,
    from: String,
    to: String,
    french: bool,
    /// The checked period of the export waiting for its file.
    period: Option<(NaiveDate, NaiveDate)>,
    written: Option<(PathBuf, usize)>,
    error: Option<String>,
}

impl Export {
    /// Opens the screen on the invoices export of the current year to date.
    pub fn new(today: NaiveDate, language: Language) -> Export {
        let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        Export {
            kind: ExportKind::Invoices,
            from: language.date(first),
            to: language.date(today),
            french: language == Language::French,
            period: None,
            written: None,
            error: None,
        }
    }

    /// Returns the file written last and its number of data rows.
    pub fn written(&self) -> Option<&(PathBuf, usize)> {
        self.written.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    fn dialect(&self) -> CsvDialect {
        if self.french {
            CsvDialect::French
        } else {
            CsvDialect::Plain
        }
    }

    /// Reads the period, or names the date at fault.
    fn period(&self, language: Language) -> Result<(NaiveDate, NaiveDate), String> {
        if !has_period(self.kind) {
            return Ok((NaiveDate::MIN, NaiveDate::MAX));
        }
        let read = |value: &str, which: &str| {
            language.parse_date(value).ok_or_else(|| {
                format!(
                    "{which} \"{value}\" {}",
                    language.pick(
                        "is not a date: write it as 2026-03-31 or 31/03/2026",
                        "n'est pas une date : écrivez-la 31/03/2026 ou 2026-03-31"
                    )
                )
            })
        };
        let from = read(
            &self.from,
            language.pick("The start date", "La date de début"),
        )?;
        let to = read(&self.to, language.pick("The end date", "La date de fin"))?;
        if from > to {
            return Err(format!(
                "{} {} {} {}",
                language.pick("The start date", "La date de début"),
                language.date(from),
                language.pick("is after the end date", "est après la date de fin"),
                language.date(to)
            ));
        }
        Ok((from, to))
    }

    pub fn update(&mut self, message: Message, language: Language) -> Action {
        match message {
            Message::KindPicked(KindChoice(kind, _)) => self.kind = kind,
            Message::FromChanged(value) => self.from = value,
            Message::ToChanged(value) => self.to = value,
            Message::FrenchToggled(french) => self.french = french,
            Message::Export => match self.period(language) {
                Ok((from, to)) => {
                    self.error = None;
                    self.period = Some((from, to));
                    return Action::PickExportPath(file_name(self.kind, from, to));
                }
                Err(error) => self.error = Some(error),
            },
            Message::PathPicked(None) => self.period = None,
            Message::PathPicked(Some(path)) => {
                if let Some((from, to)) = self.period.take() {
                    return Action::Run(Request::ExportCsv {
                        kind: self.kind,
                        from,
                        to,
                        dialect: self.dialect(),
                        path,
                    });
                }
            }
            Message::Replied(Reply::CsvExported(Ok(written))) => {
                self.error = None;
                self.written = Some(written);
            }
            Message::Replied(Reply::CsvExported(Err(error))) => self.error = Some(error),
            Message::Replied(_) => {}
        }
        Action::None
    }

    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let kinds: Vec<KindChoice> = KINDS
            .iter()
            .map(|kind| KindChoice(*kind, language))
            .collect();
        let mut content = Column::new()
            .spacing(12)
            .padding(16)
            .push(
                text(language.pick(
                    "Exports for the accountant",
                    "Exports pour l'expert-comptable",
                ))
                .size(24),
            )
            .push(pick_list(
                kinds,
                Some(KindChoice(self.kind, language)),
                Message::KindPicked,
            ));
        if has_period(self.kind) {
            content = content.push(
                row![
                    text(language.pick("Issued from", "Émis du")),
                    text_input("2026-01-01", &self.from)
                        .on_input(Message::FromChanged)
                        .width(160),
                    text(language.pick("to", "au")),
                    text_input("2026-12-31", &self.to)
                        .on_input(Message::ToChanged)
                        .width(160),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        } else {
            content = content.push(text(language.pick(
                "This export lists every record, whatever the period.",
                "Cet export liste tous les enregistrements, quelle que soit la période.",
            )));
        }
        content = content
            .push(
                checkbox(self.french)
                    .label(language.pick(
                        "\";\" and decimal commas (French spreadsheets and accounting programs)",
                        "« ; » et virgules décimales (tableurs et logiciels comptables français)",
                    ))
                    .on_toggle(Message::FrenchToggled),
            )
            .push(
                button(text(
                    language.pick("Export to a file…", "Exporter vers un fichier…"),
                ))
                .style(button::primary)
                .on_press(Message::Export),
            );
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        if let Some((path, rows)) = &self.written {
            content = content.push(text(format!(
                "{} {} ({rows} {})",
                language.pick("Written to", "Écrit dans"),
                path.display(),
                language.pick("row(s) after the header", "ligne(s) après l'en-tête"),
            )));
        }
        content.width(Fill).into()
    }
}
