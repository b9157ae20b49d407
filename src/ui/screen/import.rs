//! The CSV import wizard, in four steps: choose what to import and the file,
//! map the file's columns to fields, preview the records as they will be
//! imported with every invalid row, then import. Nothing is written before
//! the user presses an import button, and the import is one transaction.

use std::path::{Path, PathBuf};

use iced::widget::{Column, button, column, container, pick_list, row, scrollable, text};
use iced::{Element, Fill, Length};

use crate::exchange::import::Record;
use crate::exchange::{Analysis, Field, ImportKind, ImportReport};
use crate::ui::Page;
use crate::ui::database::{Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::{Action, error_banner};

/// How many records the preview shows.
pub const PREVIEW_RECORDS: usize = 5;

/// How many sample values the mapping step shows per column.
const SAMPLES: usize = 3;

/// A step of the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Choose the kind of records and the file.
    Choose,
    /// Map each column of the file to a field.
    Mapping,
    /// See the first records as parsed and every invalid row.
    Preview,
    /// The import is written; its summary is shown.
    Done,
}

/// A kind of import in the kind picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindChoice(pub ImportKind, pub Language);

impl std::fmt::Display for KindChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let KindChoice(kind, language) = self;
        formatter.write_str(match kind {
            ImportKind::Customers => language.pick("Customers", "Clients"),
            ImportKind::Products => language.pick(
                "Products and services, with prices",
                "Produits et services, avec leurs prix",
            ),
            ImportKind::Documents => language.pick(
                "Documents (one row per line)",
                "Documents (une ligne par ligne de document)",
            ),
        })
    }
}

/// The field a column maps to in the column picker: a field of the kind,
/// or none to ignore the column. Required fields are marked with `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldChoice {
    pub field: Option<Field>,
    pub required: bool,
    pub language: Language,
}

impl std::fmt::Display for FieldChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.field {
            None => formatter.write_str(self.language.pick("(ignore)", "(ignorer)")),
            Some(field) => {
                write!(formatter, "{}", field_label(field, self.language))?;
                if self.required {
                    formatter.write_str(" *")?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    KindPicked(KindChoice),
    /// Open the file dialog.
    PickFile,
    /// The file dialog closed, with the chosen file or none.
    FilePicked(Option<PathBuf>),
    /// The user mapped the column at this index.
    ColumnMapped(usize, FieldChoice),
    ShowPreview,
    BackToMapping,
    ImportAll,
    /// Import the valid records and leave out the reported rows.
    ImportSkipping,
    /// Leave the wizard without importing anything.
    Cancel,
    /// Start again with another file.
    StartOver,
    /// Open the screen that lists what was imported.
    ShowImported,
    Replied(Reply),
}

#[derive(Debug)]
pub struct Import {
    kind: ImportKind,
    path: Option<PathBuf>,
    analysis: Option<Box<Analysis>>,
    /// The field of each column of the file, in file order.
    columns: Vec<Option<Field>>,
    step: Step,
    report: Option<ImportReport>,
    /// Whether a request is on the database thread.
    busy: bool,
    error: Option<String>,
}

impl Import {
    pub fn new(kind: ImportKind) -> Import {
        Import {
            kind,
            path: None,
            analysis: None,
            columns: Vec::new(),
            step: Step::Choose,
            report: None,
            busy: false,
            error: None,
        }
    }

    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    pub fn step(&self) -> Step {
        self.step
    }

    pub fn analysis(&self) -> Option<&Analysis> {
        self.analysis.as_deref()
    }

    pub fn columns(&self) -> &[Option<Field>] {
        &self.columns
    }

    pub fn report(&self) -> Option<&ImportReport> {
        self.report.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Returns the required fields that no column is mapped to.
    pub fn missing_fields(&self) -> Vec<Field> {
        self.kind
            .required()
            .iter()
            .filter(|field| !self.columns.contains(&Some(**field)))
            .copied()
            .collect()
    }

    /// Returns whether "Import all" applies: a checked file without any
    /// invalid row.
    pub fn can_import_all(&self) -> bool {
        !self.busy
            && self
                .analysis
                .as_ref()
                .is_some_and(|analysis| analysis.errors.is_empty() && !analysis.records.is_empty())
    }

    /// Returns whether importing with the reported rows skipped applies:
    /// the file has invalid rows and valid records.
    pub fn can_import_skipping(&self) -> bool {
        !self.busy
            && self
                .analysis
                .as_ref()
                .is_some_and(|analysis| !analysis.errors.is_empty() && !analysis.records.is_empty())
    }

    fn analyse(&mut self, columns: Option<Vec<Option<Field>>>) -> Action {
        let Some(path) = self.path.clone() else {
            return Action::None;
        };
        self.busy = true;
        self.error = None;
        Action::Run(Request::AnalyseImport {
            kind: self.kind,
            path,
            columns,
        })
    }

    fn commit(&mut self, skip_invalid: bool) -> Action {
        let Some(analysis) = self.analysis.clone() else {
            return Action::None;
        };
        self.busy = true;
        self.error = None;
        Action::Run(Request::CommitImport {
            analysis,
            skip_invalid,
        })
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::KindPicked(KindChoice(kind, _)) => {
                self.kind = kind;
                self.columns.clear();
                self.analysis = None;
                self.step = Step::Choose;
                self.analyse(None)
            }
            Message::PickFile => Action::PickImportFile,
            Message::FilePicked(None) => Action::None,
            Message::FilePicked(Some(path)) => {
                self.path = Some(path);
                self.columns.clear();
                self.analysis = None;
                self.step = Step::Choose;
                self.analyse(None)
            }
            Message::ColumnMapped(index, choice) => {
                let Some(slot) = self.columns.get_mut(index) else {
                    return Action::None;
                };
                *slot = choice.field;
                self.analyse(Some(self.columns.clone()))
            }
            Message::ShowPreview => {
                if self.analysis.is_some() && self.missing_fields().is_empty() && !self.busy {
                    self.step = Step::Preview;
                }
                Action::None
            }
            Message::BackToMapping => {
                self.step = Step::Mapping;
                Action::None
            }
            Message::ImportAll if self.can_import_all() => self.commit(false),
            Message::ImportSkipping if self.can_import_skipping() => self.commit(true),
            Message::ImportAll | Message::ImportSkipping => Action::None,
            Message::Cancel | Message::StartOver => {
                *self = Import::new(self.kind);
                Action::None
            }
            Message::ShowImported => Action::Show(match self.kind {
                ImportKind::Customers => Page::Customers,
                ImportKind::Products => Page::Catalogue,
                ImportKind::Documents => Page::Board,
            }),
            Message::Replied(reply) => self.replied(reply),
        }
    }

    fn replied(&mut self, reply: Reply) -> Action {
        match reply {
            Reply::ImportAnalysed(Ok(analysis)) => {
                self.busy = false;
                self.columns = analysis.columns.iter().map(|(_, field)| *field).collect();
                self.analysis = Some(analysis);
                if self.step == Step::Choose {
                    self.step = Step::Mapping;
                }
            }
            Reply::Imported(Ok(report)) => {
                self.busy = false;
                self.report = Some(report);
                self.step = Step::Done;
            }
            Reply::ImportAnalysed(Err(error)) | Reply::Imported(Err(error)) => {
                self.busy = false;
                self.error = Some(error);
            }
            _ => {}
        }
        Action::None
    }

    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let mut content = Column::new()
            .spacing(12)
            .padding(16)
            .push(text(language.pick("Import from a CSV file", "Importer un fichier CSV")).size(24))
            .push(self.steps(language));
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        if self.busy {
            content = content.push(text(language.pick("Working…", "Traitement…")));
        }
        content = match self.step {
            Step::Choose => content.push(self.choose_view(language)),
            Step::Mapping => content.push(self.mapping_view(language)),
            Step::Preview => content.push(self.preview_view(language)),
            Step::Done => content.push(self.done_view(language)),
        };
        scrollable(content).height(Fill).into()
    }

    fn steps(&self, language: Language) -> Element<'_, Message> {
        let names = [
            (Step::Choose, language.pick("1. File", "1. Fichier")),
            (Step::Mapping, language.pick("2. Columns", "2. Colonnes")),
            (Step::Preview, language.pick("3. Preview", "3. Aperçu")),
            (Step::Done, language.pick("4. Import", "4. Import")),
        ];
        let mut steps = row![].spacing(16);
        for (step, name) in names {
            let label = text(name);
            steps = steps.push(if step == self.step {
                label.style(text::primary)
            } else {
                label
            });
        }
        steps.into()
    }

    fn choose_view(&self, language: Language) -> Element<'_, Message> {
        let kinds: Vec<KindChoice> = [
            ImportKind::Customers,
            ImportKind::Products,
            ImportKind::Documents,
        ]
        .into_iter()
        .map(|kind| KindChoice(kind, language))
        .collect();
        let mut choose = column![
            row![
                text(language.pick("What to import", "Que faut-il importer")),
                pick_list(
                    kinds,
                    Some(KindChoice(self.kind, language)),
                    Message::KindPicked
                ),
            ]
            .spacing(8)
            .align_y(iced::Center),
            text(language.pick(
                "The first line of the file names the columns. Separators \",\" or \";\", decimal commas, UTF-8 (with or without BOM) and Windows-1252 files are recognised.",
                "La première ligne du fichier nomme les colonnes. Les séparateurs « , » ou « ; », les virgules décimales, l'UTF-8 (avec ou sans BOM) et le Windows-1252 sont reconnus.",
            )),
            button(text(language.pick("Choose a CSV file…", "Choisir un fichier CSV…")))
                .style(button::primary)
                .on_press_maybe((!self.busy).then_some(Message::PickFile)),
        ]
        .spacing(10);
        if let Some(path) = &self.path {
            choose = choose.push(text(file_name(path)));
        }
        choose.into()
    }

    fn mapping_view(&self, language: Language) -> Element<'_, Message> {
        let Some(analysis) = &self.analysis else {
            return column![].into();
        };
        let required = self.kind.required();
        let mut choices = vec![FieldChoice {
            field: None,
            required: false,
            language,
        }];
        choices.extend(self.kind.columns().iter().map(|(field, _)| FieldChoice {
            field: Some(*field),
            required: required.contains(field),
            language,
        }));
        let mut mapping = Column::new().spacing(6).push(text(file_summary(
            self.path.as_deref(),
            analysis,
            language,
        )));
        mapping = mapping.push(
            row![
                text(language.pick("Column", "Colonne"))
                    .width(Length::FillPortion(2))
                    .style(text::secondary),
                text(language.pick("Sample values", "Exemples de valeurs"))
                    .width(Length::FillPortion(4))
                    .style(text::secondary),
                text(language.pick("Imported as", "Importée comme"))
                    .width(Length::FillPortion(3))
                    .style(text::secondary),
            ]
            .spacing(8),
        );
        for (index, (header, _)) in analysis.columns.iter().enumerate() {
            let field = self.columns.get(index).copied().flatten();
            let samples: Vec<&str> = analysis
                .preview
                .iter()
                .filter_map(|fields| fields.get(index))
                .map(|value| value.trim())
                .filter(|value| !value.is_empty())
                .take(SAMPLES)
                .collect();
            let selected = FieldChoice {
                field,
                required: field.is_some_and(|field| required.contains(&field)),
                language,
            };
            let header = if header.is_empty() {
                format!("({} {})", language.pick("column", "colonne"), index + 1)
            } else {
                header.clone()
            };
            mapping = mapping.push(
                row![
                    text(header).width(Length::FillPortion(2)),
                    text(samples.join(" · ")).width(Length::FillPortion(4)),
                    pick_list(choices.clone(), Some(selected), move |choice| {
                        Message::ColumnMapped(index, choice)
                    })
                    .width(Length::FillPortion(3)),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        mapping = mapping.push(self.required_notes(language));
        let missing = self.missing_fields();
        let can_preview = missing.is_empty() && !self.busy;
        mapping
            .push(
                row![
                    button(text(language.pick("Cancel", "Annuler")))
                        .style(button::secondary)
                        .on_press(Message::Cancel),
                    button(text(language.pick("Preview", "Aperçu")))
                        .style(button::primary)
                        .on_press_maybe(can_preview.then_some(Message::ShowPreview)),
                ]
                .spacing(8),
            )
            .into()
    }

    /// Lists the required fields, and those that no column is mapped to.
    fn required_notes(&self, language: Language) -> Column<'_, Message> {
        let required = self.kind.required();
        let required_names: Vec<&str> = required
            .iter()
            .map(|field| field_label(*field, language))
            .collect();
        let mut notes = Column::new().spacing(6).push(text(format!(
            "{} {}",
            language.pick("* Required:", "* Obligatoire :"),
            required_names.join(", ")
        )));
        let missing = self.missing_fields();
        if !missing.is_empty() {
            let names: Vec<&str> = missing
                .iter()
                .map(|field| field_label(*field, language))
                .collect();
            notes = notes.push(
                container(text(format!(
                    "{} {}",
                    language.pick(
                        "Map a column to each required field. Missing:",
                        "Associez une colonne à chaque champ obligatoire. Manquant :"
                    ),
                    names.join(", ")
                )))
                .padding(8)
                .width(Fill)
                .style(container::danger),
            );
        }
        notes
    }

    fn preview_view(&self, language: Language) -> Element<'_, Message> {
        let Some(analysis) = &self.analysis else {
            return column![].into();
        };
        let mut preview = Column::new().spacing(8);
        preview = preview.push(text(counts_summary(analysis, language)));
        preview = preview.push(text(expected_summary(&analysis.expected, language)));
        preview = preview.push(
            text(language.pick(
                "First records, as they will be imported:",
                "Premiers enregistrements, tels qu'ils seront importés :",
            ))
            .style(text::secondary),
        );
        preview = preview.push(record_row(record_headers(self.kind, language)));
        for record in analysis.records.iter().take(PREVIEW_RECORDS) {
            preview = preview.push(record_row(record_cells(record, language)));
        }
        if !analysis.errors.is_empty() {
            preview = preview.push(
                text(format!(
                    "{} ({})",
                    language.pick("Errors", "Erreurs"),
                    analysis.errors.len()
                ))
                .style(text::danger),
            );
            preview = preview.push(text(language.pick(
                "Correct these rows in the file and choose it again, or import without them.",
                "Corrigez ces lignes dans le fichier et choisissez-le à nouveau, ou importez sans elles.",
            )));
            for error in &analysis.errors {
                preview = preview.push(text(error_text(error, language)));
            }
        }
        let skipped = analysis.skipped_rows();
        preview
            .push(
                row![
                    button(text(language.pick("Import all", "Tout importer")))
                        .style(button::primary)
                        .on_press_maybe(self.can_import_all().then_some(Message::ImportAll)),
                    button(text(format!(
                        "{} {skipped} {}",
                        language.pick("Import, skipping the", "Importer en ignorant les"),
                        language.pick("reported rows", "lignes signalées"),
                    )))
                    .style(button::secondary)
                    .on_press_maybe(
                        self.can_import_skipping()
                            .then_some(Message::ImportSkipping)
                    ),
                    button(text(
                        language.pick("Back to columns", "Retour aux colonnes")
                    ))
                    .style(button::secondary)
                    .on_press(Message::BackToMapping),
                    button(text(language.pick("Cancel", "Annuler")))
                        .style(button::secondary)
                        .on_press(Message::Cancel),
                ]
                .spacing(8),
            )
            .into()
    }

    fn done_view(&self, language: Language) -> Element<'_, Message> {
        let Some(report) = &self.report else {
            return column![].into();
        };
        let mut done = Column::new().spacing(8).push(text(format!(
            "{} {} {}, {} {}, {} {}, {} {}.",
            language.pick("Import finished:", "Import terminé :"),
            report.created,
            language.pick("created", "créé(s)"),
            report.updated,
            language.pick("updated", "mis à jour"),
            report.unchanged,
            language.pick("unchanged", "inchangé(s)"),
            report.skipped_rows,
            language.pick("row(s) skipped", "ligne(s) ignorée(s)"),
        )));
        if report.prices > 0 {
            done = done.push(text(format!(
                "{} {}",
                report.prices,
                language.pick("price(s) set", "prix enregistré(s)")
            )));
        }
        for (key, _, number) in &report.documents {
            let number = number
                .clone()
                .unwrap_or_else(|| language.pick("draft", "brouillon").to_string());
            done = done.push(text(format!("{key} → {number}")));
        }
        for (key, _, number) in &report.present {
            let number = number
                .clone()
                .unwrap_or_else(|| language.pick("a draft", "un brouillon").to_string());
            done = done.push(text(format!(
                "{key}: {} {number}",
                language.pick("already imported as", "déjà importé comme"),
            )));
        }
        let show = match self.kind {
            ImportKind::Customers => language.pick("Show the customers", "Voir les clients"),
            ImportKind::Products => language.pick("Show the catalogue", "Voir le catalogue"),
            ImportKind::Documents => language.pick("Show the board", "Voir le tableau de bord"),
        };
        done.push(
            row![
                button(text(show))
                    .style(button::primary)
                    .on_press(Message::ShowImported),
                button(text(
                    language.pick("Import another file", "Importer un autre fichier")
                ))
                .style(button::secondary)
                .on_press(Message::StartOver),
            ]
            .spacing(8),
        )
        .into()
    }
}

/// Returns the label of a field in `language`.
pub fn field_label(field: Field, language: Language) -> &'static str {
    let (english, french) = match field {
        Field::Name => ("Name", "Nom"),
        Field::Siren => ("SIREN", "SIREN"),
        Field::Siret => ("SIRET", "SIRET"),
        Field::VatId => ("VAT number", "N° TVA"),
        Field::AddressLine1 => ("Address", "Adresse"),
        Field::AddressLine2 => ("Address line 2", "Complément d'adresse"),
        Field::Postcode => ("Postcode", "Code postal"),
        Field::City => ("City", "Ville"),
        Field::Country => ("Country", "Pays"),
        Field::Email => ("E-mail", "E-mail"),
        Field::Currency => ("Currency", "Devise"),
        Field::Code => ("Product code", "Code produit"),
        Field::Description => ("Description", "Description"),
        Field::Unit => ("Unit", "Unité"),
        Field::Price => ("Price excl. VAT", "Prix HT"),
        Field::VatCategory => ("VAT category", "Catégorie de TVA"),
        Field::VatRate => ("VAT rate", "Taux de TVA"),
        Field::ExemptionCode => ("Exemption code (VATEX)", "Code d'exonération (VATEX)"),
        Field::ExemptionReason => ("Exemption wording", "Mention d'exonération"),
        Field::Nature => ("Goods or service", "Bien ou service"),
        Field::Document => ("Document key", "Clé du document"),
        Field::Kind => ("Document kind", "Type de document"),
        Field::Customer => ("Customer", "Client"),
        Field::CustomerSiren => ("Customer SIREN", "SIREN du client"),
        Field::CustomerVatId => ("Customer VAT number", "N° TVA du client"),
        Field::IssueDate => ("Issue date", "Date d'émission"),
        Field::DeliveryDate => ("Delivery date", "Date de livraison"),
        Field::ProductCode => ("Product code", "Code produit"),
        Field::Quantity => ("Quantity", "Quantité"),
        Field::UnitPrice => ("Unit price excl. VAT", "Prix unitaire HT"),
        Field::BaseQuantity => ("Price base quantity", "Quantité de base du prix"),
        Field::DiscountPercent => ("Discount %", "Remise %"),
        Field::DiscountAmount => ("Discount amount", "Montant de remise"),
        Field::Status => ("Status (issued or draft)", "Statut (émise ou brouillon)"),
        Field::Note => ("Note", "Note"),
        Field::PurchaseOrderRef => ("Purchase order", "Bon de commande"),
        Field::AllowanceCharge => ("Allowance or charge", "Remise ou frais (pied de document)"),
        Field::Amount => ("Amount", "Montant"),
        Field::Percent => ("Percentage", "Pourcentage"),
        Field::ReasonCode => ("Reason code", "Code motif"),
        Field::PaymentTerms => ("Payment terms", "Conditions de paiement"),
        Field::DueDate => ("Due date", "Date d'échéance"),
        Field::BuyerReference => ("Buyer reference", "Référence acheteur"),
        Field::ExchangeRate => ("Exchange rate", "Taux de change"),
        Field::LineDeliveryDate => ("Line delivery date", "Date de livraison de la ligne"),
        Field::DeliveryLine1 => ("Delivery address", "Adresse de livraison"),
        Field::DeliveryLine2 => (
            "Delivery address line 2",
            "Complément d'adresse de livraison",
        ),
        Field::DeliveryPostcode => ("Delivery postcode", "Code postal de livraison"),
        Field::DeliveryCity => ("Delivery city", "Ville de livraison"),
        Field::DeliveryCountry => ("Delivery country", "Pays de livraison"),
    };
    language.pick(english, french)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Describes the file as read: rows, encoding, separator and number style.
fn file_summary(path: Option<&Path>, analysis: &Analysis, language: Language) -> String {
    let separator = match analysis.separator {
        '\t' => language.pick("tab", "tabulation").to_string(),
        other => format!("\"{other}\""),
    };
    let numbers = match analysis.number_style {
        crate::money::NumberStyle::French => language.pick("decimal comma", "virgule décimale"),
        crate::money::NumberStyle::English => {
            language.pick("decimal point, grouped", "point décimal, groupé")
        }
        crate::money::NumberStyle::Plain => language.pick("decimal point", "point décimal"),
    };
    format!(
        "{}: {} {}, {}{}, {} {separator}, {numbers}",
        path.map(file_name).unwrap_or_default(),
        analysis.rows,
        language.pick("row(s)", "ligne(s)"),
        analysis.encoding.name(),
        if analysis.had_bom { " (BOM)" } else { "" },
        language.pick("separator", "séparateur"),
    )
}

fn counts_summary(analysis: &Analysis, language: Language) -> String {
    let invalid_lines = {
        let mut lines: Vec<u64> = analysis.errors.iter().map(|error| error.line).collect();
        lines.dedup();
        lines.len()
    };
    format!(
        "{} {}: {} {}, {} {}.",
        analysis.rows,
        language.pick("row(s)", "ligne(s)"),
        analysis.records.len(),
        language.pick("record(s) ready to import", "enregistrement(s) prêt(s)"),
        invalid_lines,
        language.pick("invalid row(s)", "ligne(s) invalide(s)"),
    )
}

/// Describes what the import will do, from the trial import.
fn expected_summary(expected: &ImportReport, language: Language) -> String {
    let mut summary = format!(
        "{} {} {}, {} {}, {} {}",
        language.pick("Importing will give:", "L'import donnera :"),
        expected.created,
        language.pick("new", "nouveau(x)"),
        expected.updated,
        language.pick("updated", "mis à jour"),
        expected.unchanged,
        language.pick("unchanged", "inchangé(s)"),
    );
    if !expected.present.is_empty() {
        summary.push_str(&format!(
            ", {} {}",
            expected.present.len(),
            language.pick(
                "document(s) already imported, not created again",
                "document(s) déjà importé(s), non recréé(s)"
            )
        ));
    }
    summary.push('.');
    summary
}

/// Writes an invalid row as "Line 3, column "SIREN": reason".
pub fn error_text(error: &crate::exchange::RowError, language: Language) -> String {
    if error.column.is_empty() {
        format!(
            "{} {}: {}",
            language.pick("Line", "Ligne"),
            error.line,
            error.reason
        )
    } else {
        format!(
            "{} {}, {} \"{}\": {}",
            language.pick("Line", "Ligne"),
            error.line,
            language.pick("column", "colonne"),
            error.column,
            error.reason
        )
    }
}

fn record_headers(kind: ImportKind, language: Language) -> Vec<String> {
    let names: &[(&str, &str)] = match kind {
        ImportKind::Customers => &[
            ("Line", "Ligne"),
            ("Name", "Nom"),
            ("SIREN", "SIREN"),
            ("VAT number", "N° TVA"),
            ("Address", "Adresse"),
            ("Country", "Pays"),
            ("Currency", "Devise"),
        ],
        ImportKind::Products => &[
            ("Line", "Ligne"),
            ("Code", "Code"),
            ("Name", "Nom"),
            ("Unit", "Unité"),
            ("Price excl. VAT", "Prix HT"),
            ("VAT", "TVA"),
            ("Nature", "Nature"),
        ],
        ImportKind::Documents => &[
            ("Lines", "Lignes"),
            ("Key", "Clé"),
            ("Kind", "Type"),
            ("Customer", "Client"),
            ("Issue date", "Date d'émission"),
            ("Lines", "Lignes"),
            ("Status", "Statut"),
        ],
    };
    names
        .iter()
        .map(|(english, french)| language.pick(english, french).to_string())
        .collect()
}

/// Returns the parsed values of a record, one per preview column.
fn record_cells(record: &Record, language: Language) -> Vec<String> {
    match record {
        Record::Customer(record) => {
            let party = &record.customer.party;
            vec![
                record.line.to_string(),
                party.name.clone(),
                party.siren.clone().unwrap_or_default(),
                party.vat_id.clone().unwrap_or_default(),
                format!(
                    "{}, {} {}",
                    party.address.line1, party.address.postcode, party.address.city
                ),
                party.address.country.clone(),
                record.customer.currency.code().to_string(),
            ]
        }
        Record::Product(record) => {
            let product = &record.product;
            vec![
                record.line.to_string(),
                product.code.clone(),
                product.name.clone(),
                product.unit.clone(),
                record
                    .price
                    .map(|price| language.decimal(price))
                    .unwrap_or_default(),
                format!(
                    "{} {} %",
                    product.vat.category.code(),
                    language.decimal(product.vat.rate)
                ),
                product.nature.as_str().to_string(),
            ]
        }
        Record::Document(record) => {
            let first = record.lines.first().copied().unwrap_or(0);
            let last = record.lines.last().copied().unwrap_or(0);
            vec![
                format!("{first}–{last}"),
                record.key.clone(),
                record.kind.as_str().to_string(),
                record.customer.name.clone(),
                record
                    .issue_date
                    .map(|date| language.date(date))
                    .unwrap_or_default(),
                record.input.lines.len().to_string(),
                if record.issue {
                    language.pick("issue", "émettre").to_string()
                } else {
                    language.pick("draft", "brouillon").to_string()
                },
            ]
        }
    }
}

fn record_row<'a>(cells: Vec<String>) -> Element<'a, Message> {
    let mut line = row![].spacing(8);
    for (index, cell) in cells.into_iter().enumerate() {
        let width = if index == 0 { 1 } else { 2 };
        line = line.push(text(cell).width(Length::FillPortion(width)));
    }
    line.into()
}
