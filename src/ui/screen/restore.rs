//! Restore from a backup, and the recovery screen the app opens on when the
//! books cannot be used at start. Both list the automatic backups, show what
//! the picked backup contains next to the current file, and ask for a
//! confirmation that names where the current file is kept aside.

use std::path::{Path, PathBuf};

use iced::widget::{Column, button, column, container, row, scrollable, text};
use iced::{Element, Fill};

use crate::backup::{BackupFile, BackupSummary, FileProblem};
use crate::ui::database::{BackupList, Reply, Request, StartProblem};
use crate::ui::i18n::Language;
use crate::ui::screen::{Action, confirm, error_banner};

#[derive(Debug, Clone)]
pub enum Message {
    /// Show what this backup file contains.
    Select(PathBuf),
    /// Pick a backup file in the system's file dialog; the app opens it.
    ChooseFile,
    /// The file picked in the dialog; none when the user cancelled.
    FilePicked(Option<PathBuf>),
    /// Ask to restore the selected backup.
    Restore,
    /// Restore the selected backup, after the confirmation.
    Confirm,
    /// Close the confirmation without restoring.
    Cancel,
    /// Close Facturier; the app handles it.
    Quit,
    Replied(Reply),
}

/// Reason the screen is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Opened from the settings, on books that work.
    Settings,
    /// Opened at start, because the books cannot be used.
    Recovery(StartProblem),
}

/// The backup file on display and what it contains: none while it is being
/// checked, an error when it cannot be restored.
#[derive(Debug, Clone)]
pub struct Selection {
    pub path: PathBuf,
    pub summary: Option<Result<BackupSummary, String>>,
}

#[derive(Debug)]
pub struct Restore {
    mode: Mode,
    backups: Option<BackupList>,
    selection: Option<Selection>,
    /// Path the current file is moved to, while the confirmation is on screen.
    confirming: Option<PathBuf>,
    restoring: bool,
    error: Option<String>,
}

impl Restore {
    /// Creates the screen and returns the request that lists the backups,
    /// when this mode offers a restore.
    pub fn new(mode: Mode) -> (Restore, Option<Request>) {
        let request = offers_restore(&mode).then_some(Request::ListBackups);
        let screen = Restore {
            mode,
            backups: None,
            selection: None,
            confirming: None,
            restoring: false,
            error: None,
        };
        (screen, request)
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn backups(&self) -> Option<&BackupList> {
        self.backups.as_ref()
    }

    pub fn selection(&self) -> Option<&Selection> {
        self.selection.as_ref()
    }

    /// Returns where the current file will be kept, while the confirmation
    /// is on screen.
    pub fn kept_aside(&self) -> Option<&Path> {
        self.confirming.as_deref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Select(path) | Message::FilePicked(Some(path)) => self.select(path),
            Message::FilePicked(None) | Message::ChooseFile | Message::Quit => Action::None,
            Message::Restore => {
                self.ask_confirmation();
                Action::None
            }
            Message::Confirm => self.confirm(),
            Message::Cancel => {
                self.confirming = None;
                Action::None
            }
            Message::Replied(reply) => self.replied(reply),
        }
    }

    fn select(&mut self, path: PathBuf) -> Action {
        self.confirming = None;
        self.error = None;
        let known = self
            .backups
            .as_ref()
            .and_then(|backups| backups.latest_good.as_ref())
            .filter(|latest| latest.path == path)
            .cloned();
        match known {
            Some(summary) => {
                self.selection = Some(Selection {
                    path,
                    summary: Some(Ok(summary)),
                });
                Action::None
            }
            None => {
                self.selection = Some(Selection {
                    path: path.clone(),
                    summary: None,
                });
                Action::Run(Request::DescribeBackup(path))
            }
        }
    }

    /// Shows the confirmation for a selected backup that passed its check,
    /// with the path where the current file will be kept.
    fn ask_confirmation(&mut self) {
        let restorable = self
            .selection
            .as_ref()
            .is_some_and(|selection| matches!(selection.summary, Some(Ok(_))));
        if let (true, Some(backups)) = (restorable, &self.backups) {
            self.confirming = Some(crate::backup::kept_aside_path(
                &backups.data_dir,
                chrono::Utc::now(),
            ));
        }
    }

    fn confirm(&mut self) -> Action {
        let (Some(aside), Some(selection)) = (self.confirming.take(), &self.selection) else {
            return Action::None;
        };
        self.restoring = true;
        self.error = None;
        Action::Run(Request::Restore {
            backup: selection.path.clone(),
            aside,
        })
    }

    fn replied(&mut self, reply: Reply) -> Action {
        match reply {
            Reply::Backups(Ok(backups)) => {
                if self.selection.is_none() {
                    self.selection = backups.latest_good.clone().map(|summary| Selection {
                        path: summary.path.clone(),
                        summary: Some(Ok(summary)),
                    });
                }
                self.backups = Some(backups);
            }
            Reply::Backups(Err(error)) => self.error = Some(error),
            Reply::BackupDescribed { path, summary } => {
                if let Some(selection) = &mut self.selection
                    && selection.path == path
                {
                    selection.summary = Some(summary);
                }
            }
            // The app reloads every screen after a restore that succeeded.
            Reply::Restored(Err(error)) => {
                self.restoring = false;
                self.error = Some(error);
            }
            _ => {}
        }
        Action::None
    }
}

/// Returns whether the screen offers a restore in this mode: from the
/// settings, and at start for a damaged database. A database written by a
/// newer version is sound, so the user updates Facturier instead.
fn offers_restore(mode: &Mode) -> bool {
    match mode {
        Mode::Settings => true,
        Mode::Recovery(StartProblem::Unusable { problem, .. }) => {
            matches!(problem, FileProblem::Damaged(_))
        }
        Mode::Recovery(_) => false,
    }
}

/// Keeps the first lines of an integrity check report, which can list
/// thousands of pages.
fn first_lines(report: &str, count: usize) -> String {
    let lines: Vec<&str> = report.lines().collect();
    if lines.len() <= count {
        return report.to_string();
    }
    format!("{} …", lines[..count].join("\n"))
}

impl Restore {
    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let mut content = Column::new().spacing(16).padding(24).max_width(1100);
        content = match &self.mode {
            Mode::Settings => content
                .push(text(language.pick("Restore from a backup", "Restaurer une sauvegarde")).size(24))
                .push(text(language.pick(
                    "Restoring replaces the books with a backup. The current file is moved aside as it is, never deleted.",
                    "La restauration remplace les livres par une sauvegarde. Le fichier actuel est mis de côté tel quel, jamais supprimé.",
                ))),
            Mode::Recovery(problem) => content.push(problem_view(problem, language)),
        };
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        if offers_restore(&self.mode) {
            content = content.push(self.comparison(language));
            if let Some(aside) = &self.confirming {
                content = content.push(self.confirmation(aside, language));
            }
            if self.restoring {
                content = content.push(text(
                    language.pick("Restoring the backup…", "Restauration de la sauvegarde…"),
                ));
            }
            content = content.push(self.backup_list(language));
        }
        if matches!(self.mode, Mode::Recovery(_)) {
            content = content.push(
                button(text(language.pick("Quit Facturier", "Quitter Facturier")))
                    .style(button::secondary)
                    .on_press(Message::Quit),
            );
        }
        scrollable(container(content).center_x(Fill))
            .height(Fill)
            .into()
    }

    /// Shows the current file and the selected backup side by side.
    fn comparison(&self, language: Language) -> Element<'_, Message> {
        let current: Element<'_, Message> = match self.backups.as_ref().map(|list| &list.current) {
            None => text(language.pick("Reading…", "Lecture…")).into(),
            Some(Ok(summary)) => summary_view(summary, language),
            // The recovery screen already describes what is wrong with it.
            Some(Err(_)) if matches!(self.mode, Mode::Recovery(_)) => text(language.pick(
                "Damaged, as described above. It will be kept aside as it is.",
                "Endommagé, comme décrit ci-dessus. Il sera mis de côté tel quel.",
            ))
            .into(),
            Some(Err(error)) => text(first_lines(error, 4)).into(),
        };
        let current = column![
            text(language.pick("Current file", "Fichier actuel")).size(18),
            current
        ]
        .spacing(6)
        .width(Fill);
        let selected: Element<'_, Message> = match &self.selection {
            None => text(language.pick(
                "No backup selected: pick one below.",
                "Aucune sauvegarde choisie : choisissez-en une ci-dessous.",
            ))
            .into(),
            Some(selection) => self.selection_view(selection, language),
        };
        let selected = column![
            text(language.pick("Backup to restore", "Sauvegarde à restaurer")).size(18),
            selected
        ]
        .spacing(6)
        .width(Fill);
        container(row![current, selected].spacing(24))
            .padding(12)
            .style(container::rounded_box)
            .into()
    }

    fn selection_view<'a>(
        &'a self,
        selection: &'a Selection,
        language: Language,
    ) -> Element<'a, Message> {
        let mut view = Column::new()
            .spacing(6)
            .push(text(selection.path.display().to_string()).size(12));
        view = match &selection.summary {
            None => view.push(text(language.pick(
                "Running the integrity check…",
                "Vérification d'intégrité en cours…",
            ))),
            Some(Ok(summary)) => view
                .push(summary_view(summary, language))
                .push(text(language.pick(
                    "Integrity check: passed",
                    "Vérification d'intégrité : réussie",
                )))
                .push(
                    button(text(
                        language.pick("Restore this backup", "Restaurer cette sauvegarde"),
                    ))
                    .style(button::primary)
                    .on_press_maybe(
                        (!self.restoring && self.confirming.is_none()).then_some(Message::Restore),
                    ),
                ),
            Some(Err(error)) => view.push(
                container(column![
                    text(language.pick(
                        "This backup cannot be restored:",
                        "Cette sauvegarde ne peut pas être restaurée :"
                    )),
                    text(first_lines(error, 4)),
                ])
                .padding(8)
                .style(container::danger),
            ),
        };
        view.into()
    }

    fn confirmation<'a>(&'a self, aside: &Path, language: Language) -> Element<'a, Message> {
        let backup = self
            .selection
            .as_ref()
            .map(|selection| selection.path.display().to_string())
            .unwrap_or_default();
        let question = match language {
            Language::English => format!(
                "Replace the current books with the backup {backup}? The current file will be kept aside, as it is, at {}. Nothing is deleted.",
                aside.display()
            ),
            Language::French => format!(
                "Remplacer les livres actuels par la sauvegarde {backup} ? Le fichier actuel sera mis de côté, tel quel, dans {}. Rien n'est supprimé.",
                aside.display()
            ),
        };
        confirm(
            question,
            (
                language.pick(
                    "Restore and keep the current file aside",
                    "Restaurer et garder le fichier actuel de côté",
                ),
                Message::Confirm,
            ),
            (language.pick("Cancel", "Annuler"), Message::Cancel),
        )
    }

    /// Lists the automatic backups, newest first, and the button that picks
    /// another file.
    fn backup_list(&self, language: Language) -> Element<'_, Message> {
        let mut list = Column::new().spacing(6);
        if let Some(backups) = &self.backups {
            let folder = backups.data_dir.join(crate::backup::BACKUP_FOLDER);
            if backups.files.is_empty() {
                list = list.push(text(format!(
                    "{} {}",
                    language.pick(
                        "No automatic backup was found in",
                        "Aucune sauvegarde automatique n'a été trouvée dans"
                    ),
                    folder.display()
                )));
            } else {
                list = list.push(
                    text(format!(
                        "{} {}",
                        language.pick("Automatic backups in", "Sauvegardes automatiques dans"),
                        folder.display()
                    ))
                    .size(18),
                );
            }
            for file in &backups.files {
                list = list.push(self.backup_row(file, backups, language));
            }
        }
        list = list.push(
            button(text(language.pick("Choose a file…", "Choisir un fichier…")))
                .on_press(Message::ChooseFile),
        );
        list.into()
    }

    fn backup_row<'a>(
        &'a self,
        file: &'a BackupFile,
        backups: &'a BackupList,
        language: Language,
    ) -> Element<'a, Message> {
        let written = file.modified.map_or_else(
            || language.pick("unknown date", "date inconnue").to_string(),
            |modified| {
                format!(
                    "{} {}",
                    language.date(modified.date_naive()),
                    modified.format("%H:%M")
                )
            },
        );
        let selected = self
            .selection
            .as_ref()
            .is_some_and(|selection| selection.path == file.path);
        let mut line = row![
            button(text(format!(
                "{written} · {}",
                language.file_size(file.size)
            )))
            .style(if selected {
                button::primary
            } else {
                button::secondary
            })
            .on_press(Message::Select(file.path.clone()))
        ]
        .spacing(8)
        .align_y(iced::Center);
        let latest_good = backups
            .latest_good
            .as_ref()
            .is_some_and(|latest| latest.path == file.path);
        if latest_good {
            line = line.push(text(
                language.pick("latest good backup", "dernière sauvegarde valide"),
            ));
        }
        line.into()
    }
}

/// Says what is wrong with the books at start, in plain words.
fn problem_view(problem: &StartProblem, language: Language) -> Element<'_, Message> {
    let (title, explanation) = match (problem, language) {
        (
            StartProblem::Unusable {
                database,
                problem: FileProblem::Damaged(reason),
            },
            Language::English,
        ) => (
            "Your books cannot be opened",
            format!(
                "The database file {} is damaged, so Facturier cannot read it safely. SQLite reports: {}\n\nFacturier has not written anything to it. Restore the latest good backup below: the damaged file is kept aside as it is, so nothing is lost.",
                database.display(),
                first_lines(reason, 3)
            ),
        ),
        (
            StartProblem::Unusable {
                database,
                problem: FileProblem::Damaged(reason),
            },
            Language::French,
        ) => (
            "Vos livres ne peuvent pas être ouverts",
            format!(
                "Le fichier de données {} est endommagé : Facturier ne peut pas le lire sans risque. SQLite signale : {}\n\nFacturier n'y a rien écrit. Restaurez ci-dessous la dernière sauvegarde valide : le fichier endommagé est mis de côté tel quel, rien n'est perdu.",
                database.display(),
                first_lines(reason, 3)
            ),
        ),
        (
            StartProblem::Unusable {
                database,
                problem: FileProblem::NewerSchema { found, known },
            },
            Language::English,
        ) => (
            "These books need a newer version of Facturier",
            format!(
                "The database file {} was written by a newer version of Facturier (schema version {found}; this version reads up to {known}). Install the newer version of Facturier to open it.\n\nNothing was written to the file. Restoring an older backup over it is not offered, because it would hide the work saved by the newer version.",
                database.display()
            ),
        ),
        (
            StartProblem::Unusable {
                database,
                problem: FileProblem::NewerSchema { found, known },
            },
            Language::French,
        ) => (
            "Ces livres demandent une version plus récente de Facturier",
            format!(
                "Le fichier de données {} a été écrit par une version plus récente de Facturier (schéma {found} ; cette version lit jusqu'au schéma {known}). Installez la version plus récente de Facturier pour l'ouvrir.\n\nRien n'a été écrit dans le fichier. La restauration d'une sauvegarde plus ancienne n'est pas proposée, car elle masquerait le travail enregistré par la version récente.",
                database.display()
            ),
        ),
        (StartProblem::AlreadyOpen(message), Language::English) => (
            "Facturier is already open",
            format!(
                "Another Facturier window or command is using this data folder. Switch to that window, or close it and start Facturier again.\n\n{message}"
            ),
        ),
        (StartProblem::AlreadyOpen(message), Language::French) => (
            "Facturier est déjà ouvert",
            format!(
                "Une autre fenêtre ou commande Facturier utilise ce dossier de données. Passez à cette fenêtre, ou fermez-la et relancez Facturier.\n\n{message}"
            ),
        ),
        (StartProblem::Failed(message), Language::English) => {
            ("Facturier cannot open its data folder", message.clone())
        }
        (StartProblem::Failed(message), Language::French) => (
            "Facturier ne peut pas ouvrir son dossier de données",
            message.clone(),
        ),
    };
    column![text(title).size(26), text(explanation)]
        .spacing(10)
        .into()
}

/// Shows what a database file contains: company, documents and last invoice.
fn summary_view(summary: &BackupSummary, language: Language) -> Element<'_, Message> {
    let company = summary
        .company
        .clone()
        .unwrap_or_else(|| language.pick("(not set)", "(non renseignée)").to_string());
    let last_invoice = match &summary.last_invoice {
        Some((number, date)) => format!(
            "{number} {} {}",
            language.pick("of", "du"),
            language.date(*date)
        ),
        None => language.pick("none", "aucune").to_string(),
    };
    column![
        text(format!(
            "{} {company}",
            language.pick("Company:", "Entreprise :")
        )),
        text(format!(
            "{} {}",
            language.pick("Documents:", "Documents :"),
            summary.documents
        )),
        text(format!(
            "{} {last_invoice}",
            language.pick("Last invoice:", "Dernière facture :")
        )),
    ]
    .spacing(2)
    .into()
}
