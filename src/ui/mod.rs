//! The desktop app, built with iced. Only this module imports iced, and the
//! core does not depend on it. The app owns navigation and sends every database
//! request to one worker thread (see `database`), so `update` and `view`
//! never wait on SQLite.

// Messages carry database replies by value; each is moved once per event, so
// their size difference costs nothing worth a box.
#![allow(clippy::large_enum_variant)]

pub mod database;
pub mod i18n;
pub mod preview;
pub mod screen;

use std::path::PathBuf;

use iced::keyboard::{self, Key, key::Named};
use iced::widget::{button, column, container, row, text};
use iced::{Element, Fill, Subscription, Task};

use crate::backup::RestoreOutcome;
use crate::document::{Company, DocumentKind};
use crate::exchange::ImportKind;
use database::{Database, Reply, Request, StartProblem};
use i18n::{Language, ThemeChoice};
use screen::{
    Action, board, catalogue, customers, editor, export, import, restore, settings, welcome,
};

/// The screen on display.
#[derive(Debug)]
pub enum Screen {
    /// Waiting for the company profile at start.
    Loading,
    Welcome(welcome::Welcome),
    Board(board::Board),
    Editor(Box<editor::Editor>),
    Customers(customers::Customers),
    Catalogue(catalogue::Catalogue),
    Settings(settings::Settings),
    Import(Box<import::Import>),
    Export(export::Export),
    /// Restore from a backup, or the recovery screen when the books cannot
    /// be used at start.
    Restore(restore::Restore),
}

/// A destination of the navigation bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Board,
    Customers,
    Catalogue,
    Settings,
    /// The CSV import wizard, on this kind of records.
    Import(ImportKind),
    /// The CSV exports for the accountant.
    Export,
    /// The restore screen, from the settings.
    Restore,
    New(DocumentKind),
    Open(crate::document::DocumentId),
}

#[derive(Debug, Clone)]
pub enum Message {
    /// A reply from the database thread, for the current screen.
    Replied(Reply),
    Welcome(welcome::Message),
    Board(board::Message),
    Editor(editor::Message),
    Customers(customers::Message),
    Catalogue(catalogue::Message),
    Settings(settings::Message),
    Import(import::Message),
    Export(export::Message),
    Restore(restore::Message),
    /// Go to a page. With an edited draft, the user confirms first.
    Navigate(Page),
    /// Leave the edited draft without saving.
    ConfirmLeave,
    /// Stay on the edited draft.
    StayOnPage,
    /// The language choice was written to the data folder, or failed.
    LanguageSaved(Result<(), String>),
    /// The theme choice was written to the data folder, or failed.
    ThemeSaved(Result<(), String>),
    /// A key press no widget used.
    KeyPressed(Key, keyboard::Modifiers),
}

/// Work the app requests from the runtime after a message. Tests read these
/// instead of running tasks.
#[derive(Debug, Clone)]
pub enum Effect {
    Run(Request),
    Focus(&'static str),
    FocusNext,
    FocusPrevious,
    /// Open the save dialog for a backup file.
    PickBackupPath,
    /// Open the file dialog to pick a backup to restore.
    PickRestoreFile,
    /// Close the window, which stops the app.
    Quit,
    /// Open the save dialog for a PDF, proposing this file name.
    PickPdfPath(String),
    /// Open the file dialog for a CSV file to import.
    PickImportFile,
    /// Open the save dialog for a CSV export, proposing this file name.
    PickExportPath(String),
    /// Save the language choice in this folder.
    SaveLanguage(PathBuf, Language),
    /// Save the theme choice in this folder.
    SaveTheme(PathBuf, ThemeChoice),
    /// Open the file dialog for a PNG logo.
    PickLogo,
    /// Wait `settings::PREVIEW_PAUSE`, then send `PreviewDue` with this edit
    /// number to Settings.
    PreviewLater(u64),
}

pub struct App {
    database: Option<Database>,
    pub language: Language,
    pub theme: ThemeChoice,
    company: Option<Company>,
    screen: Screen,
    /// A page the user asked for while a draft has unsaved changes.
    leaving_to: Option<Page>,
    /// The folder where the language choice is saved; none in tests.
    preferences_dir: Option<PathBuf>,
    /// Message about the last restore, shown above the board until the user
    /// navigates.
    notice: Option<String>,
}

impl App {
    /// Creates an app on `database` (none in tests, which run requests
    /// themselves) and returns it with the effects that load it.
    pub fn new(database: Option<Database>, language: Language) -> (App, Vec<Effect>) {
        let app = App {
            database,
            language,
            theme: ThemeChoice::System,
            company: None,
            screen: Screen::Loading,
            leaving_to: None,
            preferences_dir: None,
            notice: None,
        };
        (app, vec![Effect::Run(Request::Start)])
    }

    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    pub fn company(&self) -> Option<&Company> {
        self.company.as_ref()
    }

    /// Returns the message about the last restore, while it is on screen.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Returns whether the "leave without saving?" question is on screen.
    pub fn is_asking_to_leave(&self) -> bool {
        self.leaving_to.is_some()
    }

    /// Handles a message and returns what must run next.
    pub fn handle(&mut self, message: Message) -> Vec<Effect> {
        let language = self.language;
        let action = match message {
            Message::Replied(Reply::Company(result)) if matches!(self.screen, Screen::Loading) => {
                return self.company_loaded(result);
            }
            Message::Replied(Reply::Started(result)) => return self.started(result),
            Message::Replied(Reply::Restored(Ok(outcome))) => return self.restored(&outcome),
            Message::Replied(reply) => self.route_reply(reply),
            Message::Welcome(message) => match &mut self.screen {
                Screen::Welcome(welcome) => welcome.update(message, language),
                _ => Action::None,
            },
            Message::Board(message) => match &mut self.screen {
                Screen::Board(board) => board.update(message),
                _ => Action::None,
            },
            Message::Editor(message) => match &mut self.screen {
                Screen::Editor(editor) => editor.update(message, language),
                _ => Action::None,
            },
            Message::Customers(message) => match &mut self.screen {
                Screen::Customers(customers) => customers.update(message),
                _ => Action::None,
            },
            Message::Catalogue(message) => match &mut self.screen {
                Screen::Catalogue(catalogue) => catalogue.update(message, language),
                _ => Action::None,
            },
            Message::Settings(settings::Message::LanguagePicked(language)) => {
                self.language = language;
                return match &self.preferences_dir {
                    Some(dir) => vec![Effect::SaveLanguage(dir.clone(), language)],
                    None => Vec::new(),
                };
            }
            Message::Settings(settings::Message::ThemePicked(settings::ThemeItem(theme, _))) => {
                self.theme = theme;
                if let Screen::Settings(settings) = &mut self.screen {
                    settings.set_theme(theme);
                }
                return match &self.preferences_dir {
                    Some(dir) => vec![Effect::SaveTheme(dir.clone(), theme)],
                    None => Vec::new(),
                };
            }
            Message::ThemeSaved(result) => {
                if let (Err(error), Screen::Settings(settings)) = (result, &mut self.screen) {
                    tracing::warn!(%error, "the theme choice could not be saved");
                    settings.show_error(error);
                }
                Action::None
            }
            Message::LanguageSaved(result) => {
                if let (Err(error), Screen::Settings(settings)) = (result, &mut self.screen) {
                    tracing::warn!(%error, "the language choice could not be saved");
                    settings.show_error(error);
                }
                Action::None
            }
            Message::Settings(settings::Message::OpenRestore) => {
                return self.navigate(Page::Restore);
            }
            Message::Restore(restore::Message::ChooseFile) => return vec![Effect::PickRestoreFile],
            Message::Restore(restore::Message::Quit) => return vec![Effect::Quit],
            Message::Restore(message) => match &mut self.screen {
                Screen::Restore(screen) => screen.update(message),
                _ => Action::None,
            },
            Message::Settings(message) => match &mut self.screen {
                Screen::Settings(settings) => settings.update(message, language),
                _ => Action::None,
            },
            Message::Import(message) => match &mut self.screen {
                Screen::Import(import) => import.update(message),
                _ => Action::None,
            },
            Message::Export(message) => match &mut self.screen {
                Screen::Export(export) => export.update(message, language),
                _ => Action::None,
            },
            Message::Navigate(page) => return self.navigate(page),
            Message::ConfirmLeave => match self.leaving_to.take() {
                Some(page) => return self.go(page),
                None => Action::None,
            },
            Message::StayOnPage => {
                self.leaving_to = None;
                Action::None
            }
            Message::KeyPressed(key, modifiers) => return self.key_pressed(&key, modifiers),
        };
        self.perform(action)
    }

    fn company_loaded(&mut self, result: Result<Option<Company>, String>) -> Vec<Effect> {
        match result {
            Ok(Some(company)) => {
                self.company = Some(company);
                self.go(Page::Board)
            }
            Ok(None) => {
                self.screen = Screen::Welcome(welcome::Welcome::new());
                Vec::new()
            }
            Err(error) => {
                // The welcome screen shows the error where the user acts.
                tracing::error!("the company profile could not be read");
                let mut welcome = welcome::Welcome::new();
                let _ = welcome.update(
                    welcome::Message::Replied(Reply::CompanySaved(Err(error))),
                    self.language,
                );
                self.screen = Screen::Welcome(welcome);
                Vec::new()
            }
        }
    }

    /// Opens the board, the welcome screen, or the recovery screen, after
    /// the database thread opened the data folder.
    fn started(&mut self, result: Result<Option<Company>, StartProblem>) -> Vec<Effect> {
        match result {
            Ok(company) => self.company_loaded(Ok(company)),
            Err(problem) => {
                tracing::error!("the app opened on the recovery screen");
                self.company = None;
                self.leaving_to = None;
                let (screen, request) = restore::Restore::new(restore::Mode::Recovery(problem));
                self.screen = Screen::Restore(screen);
                request.into_iter().map(Effect::Run).collect()
            }
        }
    }

    /// Reloads everything from the restored books, starting as at launch.
    fn restored(&mut self, outcome: &RestoreOutcome) -> Vec<Effect> {
        let language = self.language;
        let mut notice = format!(
            "{} {}.",
            language.pick("Restored from the backup", "Restauré depuis la sauvegarde"),
            outcome.restored.path.display()
        );
        if let Some(aside) = &outcome.kept_aside {
            notice.push_str(&format!(
                " {} {}.",
                language.pick(
                    "The previous file was kept as",
                    "L'ancien fichier a été conservé sous"
                ),
                aside.display()
            ));
        }
        self.notice = Some(notice);
        self.company = None;
        self.leaving_to = None;
        self.screen = Screen::Loading;
        vec![Effect::Run(Request::Start)]
    }

    fn route_reply(&mut self, reply: Reply) -> Action {
        let language = self.language;
        match &mut self.screen {
            Screen::Loading => Action::None,
            Screen::Welcome(welcome) => welcome.update(welcome::Message::Replied(reply), language),
            Screen::Board(board) => board.update(board::Message::Replied(reply)),
            Screen::Editor(editor) => editor.update(editor::Message::Replied(reply), language),
            Screen::Customers(customers) => customers.update(customers::Message::Replied(reply)),
            Screen::Catalogue(catalogue) => {
                catalogue.update(catalogue::Message::Replied(reply), language)
            }
            Screen::Settings(settings) => {
                settings.update(settings::Message::Replied(reply), language)
            }
            Screen::Import(import) => import.update(import::Message::Replied(reply)),
            Screen::Export(export) => export.update(export::Message::Replied(reply), language),
            Screen::Restore(screen) => screen.update(restore::Message::Replied(reply)),
        }
    }

    fn perform(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::None => Vec::new(),
            Action::Run(request) => vec![Effect::Run(request)],
            Action::Open(id) => self.navigate(Page::Open(id)),
            Action::New(kind) => self.navigate(Page::New(kind)),
            Action::Home => self.navigate(Page::Board),
            Action::CompanySaved(company) => {
                let first_start = self.company.is_none();
                self.company = Some(*company);
                if first_start {
                    self.go(Page::Board)
                } else {
                    Vec::new()
                }
            }
            Action::Focus(id) => vec![Effect::Focus(id)],
            Action::PickBackupPath => vec![Effect::PickBackupPath],
            Action::PickPdfPath(name) => vec![Effect::PickPdfPath(name)],
            Action::PickImportFile => vec![Effect::PickImportFile],
            Action::PickExportPath(name) => vec![Effect::PickExportPath(name)],
            Action::Show(page) => self.navigate(page),
            Action::PickLogo => vec![Effect::PickLogo],
            Action::PreviewLater(edit) => vec![Effect::PreviewLater(edit)],
        }
    }

    fn editing_draft(&self) -> bool {
        matches!(&self.screen, Screen::Editor(editor) if editor.is_dirty())
    }

    fn navigate(&mut self, page: Page) -> Vec<Effect> {
        if self.company.is_none() {
            return Vec::new();
        }
        if self.editing_draft() {
            self.leaving_to = Some(page);
            return Vec::new();
        }
        self.go(page)
    }

    fn go(&mut self, page: Page) -> Vec<Effect> {
        self.leaving_to = None;
        // The notice stays on the first screen after a restore, the board.
        if !matches!(self.screen, Screen::Loading) {
            self.notice = None;
        }
        match page {
            Page::Board => {
                let (board, requests) = board::Board::new();
                self.screen = Screen::Board(board);
                requests.into_iter().map(Effect::Run).collect()
            }
            Page::Customers => {
                let (customers, request) = customers::Customers::new();
                self.screen = Screen::Customers(customers);
                vec![Effect::Run(request)]
            }
            Page::Catalogue => {
                let (catalogue, requests) = catalogue::Catalogue::new();
                self.screen = Screen::Catalogue(catalogue);
                requests.into_iter().map(Effect::Run).collect()
            }
            Page::Settings => {
                let mut settings = settings::Settings::new(self.company.as_ref());
                settings.set_theme(self.theme);
                self.screen = Screen::Settings(settings);
                vec![
                    Effect::Run(Request::LoadSeries),
                    Effect::Run(Request::LoadPreferences),
                ]
            }
            Page::Import(kind) => {
                self.screen = Screen::Import(Box::new(import::Import::new(kind)));
                Vec::new()
            }
            Page::Export => {
                self.screen =
                    Screen::Export(export::Export::new(crate::books::today(), self.language));
                Vec::new()
            }
            Page::Restore => {
                let (screen, request) = restore::Restore::new(restore::Mode::Settings);
                self.screen = Screen::Restore(screen);
                request.into_iter().map(Effect::Run).collect()
            }
            Page::New(kind) => {
                self.screen = Screen::Editor(Box::new(editor::Editor::new()));
                vec![Effect::Run(Request::NewDraft {
                    kind,
                    customer_id: None,
                })]
            }
            Page::Open(id) => {
                self.screen = Screen::Editor(Box::new(editor::Editor::new()));
                vec![Effect::Run(Request::OpenDocument(id))]
            }
        }
    }

    fn key_pressed(&mut self, key: &Key, modifiers: keyboard::Modifiers) -> Vec<Effect> {
        match key.as_ref() {
            Key::Named(Named::Tab) if modifiers.shift() => vec![Effect::FocusPrevious],
            Key::Named(Named::Tab) => vec![Effect::FocusNext],
            Key::Named(Named::Escape) => {
                if self.leaving_to.take().is_none() {
                    match &mut self.screen {
                        Screen::Editor(editor) => {
                            editor.close_dialog();
                        }
                        Screen::Customers(customers) => {
                            customers.close_dialog();
                        }
                        Screen::Catalogue(catalogue) => {
                            catalogue.close_dialog();
                        }
                        _ => {}
                    }
                }
                Vec::new()
            }
            Key::Named(Named::Enter) if matches!(self.screen, Screen::Editor(_)) => {
                self.handle(Message::Editor(editor::Message::AddLine))
            }
            Key::Character("s") if modifiers.command() => match self.screen {
                Screen::Editor(_) => self.handle(Message::Editor(editor::Message::Save)),
                Screen::Settings(_) => self.handle(Message::Settings(settings::Message::Save)),
                _ => Vec::new(),
            },
            Key::Character("n") if modifiers.command() => {
                self.navigate(Page::New(DocumentKind::Invoice))
            }
            Key::Character("f") if modifiers.command() => match self.screen {
                Screen::Board(_) => vec![Effect::Focus(board::SEARCH_ID)],
                Screen::Editor(_) => vec![Effect::Focus(editor::CUSTOMER_SEARCH_ID)],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// Handles a message for iced and turns its effects into tasks.
    pub fn update(&mut self, message: Message) -> Task<Message> {
        let effects = self.handle(message);
        Task::batch(effects.into_iter().map(|effect| self.task(effect)))
    }

    fn task(&self, effect: Effect) -> Task<Message> {
        use iced::widget::operation;
        match effect {
            Effect::Run(request) => match &self.database {
                Some(database) => Task::perform(database.clone().call(request), Message::Replied),
                None => Task::none(),
            },
            Effect::Focus(id) => operation::focus(id),
            Effect::FocusNext => operation::focus_next(),
            Effect::FocusPrevious => operation::focus_previous(),
            Effect::SaveLanguage(dir, language) => Task::perform(
                async move {
                    language.save(&dir).map_err(|error| {
                        format!(
                            "the language choice could not be saved in {}: {error}",
                            dir.display()
                        )
                    })
                },
                Message::LanguageSaved,
            ),
            Effect::PickBackupPath => {
                let name = format!("facturier-{}.sqlite3", crate::books::today());
                let dialog = rfd::AsyncFileDialog::new()
                    .set_file_name(name)
                    .add_filter("SQLite", &["sqlite3"])
                    .save_file();
                Task::perform(dialog, |picked| {
                    let path = picked.map(|handle| handle.path().to_path_buf());
                    Message::Settings(settings::Message::BackupPathPicked(path))
                })
            }
            Effect::PickImportFile => {
                let dialog = rfd::AsyncFileDialog::new()
                    .add_filter("CSV", &["csv", "txt", "tsv"])
                    .pick_file();
                Task::perform(dialog, |picked| {
                    let path = picked.map(|handle| handle.path().to_path_buf());
                    Message::Import(import::Message::FilePicked(path))
                })
            }
            Effect::PickExportPath(name) => {
                let dialog = rfd::AsyncFileDialog::new()
                    .set_file_name(name)
                    .add_filter("CSV", &["csv"])
                    .save_file();
                Task::perform(dialog, |picked| {
                    let path = picked.map(|handle| handle.path().to_path_buf());
                    Message::Export(export::Message::PathPicked(path))
                })
            }
            Effect::PickRestoreFile => {
                let dialog = rfd::AsyncFileDialog::new()
                    .add_filter("SQLite", &["sqlite3", "sqlite", "db"])
                    .pick_file();
                Task::perform(dialog, |picked| {
                    let path = picked.map(|handle| handle.path().to_path_buf());
                    Message::Restore(restore::Message::FilePicked(path))
                })
            }
            Effect::Quit => iced::exit(),
            Effect::SaveTheme(dir, theme) => Task::perform(
                async move {
                    theme.save(&dir).map_err(|error| {
                        format!(
                            "the theme choice could not be saved in {}: {error}",
                            dir.display()
                        )
                    })
                },
                Message::ThemeSaved,
            ),
            Effect::PickLogo => {
                let dialog = rfd::AsyncFileDialog::new()
                    .add_filter("PNG", &["png", "PNG"])
                    .pick_file();
                Task::perform(dialog, |picked| {
                    let path = picked.map(|handle| handle.path().to_path_buf());
                    Message::Settings(settings::Message::LogoPicked(path))
                })
            }
            Effect::PreviewLater(edit) => Task::perform(
                async {
                    // iced runs without an async timer here, so a short-lived
                    // thread measures the pause.
                    let (done, waited) = iced::futures::channel::oneshot::channel();
                    std::thread::spawn(move || {
                        std::thread::sleep(settings::PREVIEW_PAUSE);
                        let _ = done.send(());
                    });
                    let _ = waited.await;
                },
                move |()| Message::Settings(settings::Message::PreviewDue(edit)),
            ),
            Effect::PickPdfPath(name) => {
                let dialog = rfd::AsyncFileDialog::new()
                    .set_file_name(name)
                    .add_filter("PDF", &["pdf"])
                    .save_file();
                Task::perform(dialog, |picked| {
                    let path = picked.map(|handle| handle.path().to_path_buf());
                    Message::Editor(editor::Message::PdfPathPicked(path))
                })
            }
        }
    }

    pub fn subscription(&self) -> Subscription<Message> {
        keyboard::listen().filter_map(|event| match event {
            keyboard::Event::KeyPressed { key, modifiers, .. } => {
                Some(Message::KeyPressed(key, modifiers))
            }
            _ => None,
        })
    }

    /// Returns the theme picked in Settings, or none to follow the system.
    pub fn theme(&self) -> Option<iced::Theme> {
        match self.theme {
            ThemeChoice::System => None,
            ThemeChoice::Light => Some(iced::Theme::Light),
            ThemeChoice::Dark => Some(iced::Theme::Dark),
        }
    }

    pub fn title(&self) -> String {
        match &self.company {
            Some(company) => format!("Facturier · {}", company.name),
            None => "Facturier".to_string(),
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let language = self.language;
        let body: Element<'_, Message> = match &self.screen {
            Screen::Loading => container(text(
                language.pick("Opening the books…", "Ouverture des livres…"),
            ))
            .center(Fill)
            .into(),
            Screen::Welcome(welcome) => welcome.view(language).map(Message::Welcome),
            Screen::Board(board) => board.view(language).map(Message::Board),
            Screen::Editor(editor) => editor.view(language).map(Message::Editor),
            Screen::Customers(customers) => customers.view(language).map(Message::Customers),
            Screen::Catalogue(catalogue) => catalogue.view(language).map(Message::Catalogue),
            Screen::Settings(settings) => settings.view(language).map(Message::Settings),
            Screen::Import(import) => import.view(language).map(Message::Import),
            Screen::Export(export) => export.view(language).map(Message::Export),
            Screen::Restore(screen) => screen.view(language).map(Message::Restore),
        };
        if self.company.is_none() {
            return body;
        }
        let body = match self.leaving_to {
            Some(_) => container(screen::confirm(
                language
                    .pick(
                        "This draft has unsaved changes. Leave it and lose them?",
                        "Ce brouillon a des modifications non enregistrées. Le quitter et les perdre ?",
                    )
                    .to_string(),
                (language.pick("Leave without saving", "Quitter sans enregistrer"), Message::ConfirmLeave),
                (language.pick("Stay (Escape)", "Rester (Échap)"), Message::StayOnPage),
            ))
            .padding(32)
            .center_x(Fill)
            .into(),
            None => body,
        };
        match &self.notice {
            Some(notice) => column![
                self.navigation(),
                container(text(notice.as_str()))
                    .padding(10)
                    .width(Fill)
                    .style(container::success),
                body
            ]
            .into(),
            None => column![self.navigation(), body].into(),
        }
    }

    fn navigation(&self) -> Element<'_, Message> {
        let language = self.language;
        let tab = |label: &'static str, page: Page, active: bool| {
            button(text(label))
                .style(if active {
                    button::primary
                } else {
                    button::text
                })
                .on_press(Message::Navigate(page))
        };
        let on_board = matches!(self.screen, Screen::Board(_));
        let on_customers = matches!(self.screen, Screen::Customers(_));
        let on_catalogue = matches!(self.screen, Screen::Catalogue(_));
        let on_settings = matches!(self.screen, Screen::Settings(_) | Screen::Restore(_));
        let on_import = matches!(self.screen, Screen::Import(_));
        let on_export = matches!(self.screen, Screen::Export(_));
        container(
            row![
                text("Facturier").size(20),
                tab(
                    language.pick("Board", "Tableau de bord"),
                    Page::Board,
                    on_board
                ),
                tab(
                    language.pick("Customers", "Clients"),
                    Page::Customers,
                    on_customers
                ),
                tab(
                    language.pick("Catalogue", "Catalogue"),
                    Page::Catalogue,
                    on_catalogue
                ),
                tab(
                    language.pick("Import", "Importer"),
                    Page::Import(ImportKind::Customers),
                    on_import
                ),
                tab(language.pick("Exports", "Exports"), Page::Export, on_export),
                tab(
                    language.pick("Settings", "Paramètres"),
                    Page::Settings,
                    on_settings
                ),
                iced::widget::space::horizontal(),
                text(
                    self.company
                        .as_ref()
                        .map(|company| company.name.clone())
                        .unwrap_or_default()
                ),
            ]
            .spacing(12)
            .align_y(iced::Center),
        )
        .padding([8, 16])
        .style(container::rounded_box)
        .width(Fill)
        .into()
    }
}

/// Opens the app window on the books in `data_dir`. The theme follows the
/// system's light or dark mode unless the user picked one in Settings.
pub fn run(data_dir: PathBuf) -> iced::Result {
    tracing::info!("desktop app started");
    let result = iced::application(
        move || {
            let database = Database::start(data_dir.clone());
            let language = Language::load_saved(&data_dir).unwrap_or_else(Language::from_system);
            let (mut app, effects) = App::new(Some(database), language);
            app.theme = ThemeChoice::load_saved(&data_dir).unwrap_or_default();
            app.preferences_dir = Some(data_dir.clone());
            let tasks: Vec<Task<Message>> =
                effects.into_iter().map(|effect| app.task(effect)).collect();
            (app, Task::batch(tasks))
        },
        App::update,
        App::view,
    )
    .title(App::title)
    .theme(App::theme)
    .subscription(App::subscription)
    .window_size((1280.0, 820.0))
    .run();
    tracing::info!("desktop app stopped");
    result
}
