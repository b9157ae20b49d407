//! First start: a short welcome that creates the company profile.

use iced::widget::{Column, button, column, container, row, scrollable, text};
use iced::{Element, Fill};

use crate::ui::database::{Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::settings::{CompanyForm, Field};
use crate::ui::screen::{Action, error_banner};

#[derive(Debug, Clone)]
pub enum Message {
    FieldChanged(Field, String),
    Create,
    /// Fill this empty data folder with the demo company.
    OpenDemo,
    Replied(Reply),
}

#[derive(Debug)]
pub struct Welcome {
    form: CompanyForm,
    error: Option<String>,
    /// The demo company is being created, which takes a few seconds.
    creating_demo: bool,
}

impl Default for Welcome {
    fn default() -> Welcome {
        Welcome {
            form: CompanyForm::new_company(),
            error: None,
            creating_demo: false,
        }
    }
}

impl Welcome {
    pub fn new() -> Welcome {
        Welcome::default()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn update(&mut self, message: Message, language: Language) -> Action {
        match message {
            Message::FieldChanged(field, value) => {
                self.form.set(field, value);
                Action::None
            }
            Message::Create => match self.form.company(language) {
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
                Action::CompanySaved(Box::new(company))
            }
            Message::Replied(Reply::CompanySaved(Err(error))) => {
                self.error = Some(error);
                Action::None
            }
            Message::OpenDemo => {
                self.error = None;
                self.creating_demo = true;
                Action::Run(Request::CreateDemo)
            }
            Message::Replied(Reply::DemoCreated(Ok(company))) => {
                self.creating_demo = false;
                Action::CompanySaved(Box::new(company))
            }
            Message::Replied(Reply::DemoCreated(Err(error))) => {
                self.creating_demo = false;
                self.error = Some(error);
                Action::None
            }
            Message::Replied(_) => Action::None,
        }
    }

    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let mut content = Column::new()
            .spacing(14)
            .padding(24)
            .max_width(900)
            .push(text(language.pick("Welcome to Facturier", "Bienvenue dans Facturier")).size(28))
            .push(text(language.pick(
                "Your invoices stay on this computer. Start with your company's identity: it is printed on every invoice, and the legal mentions are checked against it before issuing.",
                "Vos factures restent sur cet ordinateur. Commencez par l'identité de votre entreprise : elle figure sur chaque facture, et les mentions légales sont vérifiées avant l'émission.",
            )));
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        content = content.push(self.form.view(language, false, Message::FieldChanged));
        content = content.push(
            row![
                button(text(
                    language.pick("Create my company", "Créer mon entreprise")
                ))
                .style(button::primary)
                .on_press(Message::Create),
                column![
                    button(text(
                        language.pick("Open demo data", "Ouvrir les données de démonstration")
                    ))
                    .style(button::secondary)
                    .on_press_maybe((!self.creating_demo).then_some(Message::OpenDemo)),
                    text(if self.creating_demo {
                        language.pick(
                            "Creating the demo company from the Northwind sample data…",
                            "Création de l'entreprise de démonstration à partir des données Northwind…",
                        )
                    } else {
                        language.pick(
                            "A French company with 91 customers and 830 invoices, from the Northwind sample data",
                            "Une entreprise française avec 91 clients et 830 factures, d'après les données Northwind",
                        )
                    })
                    .size(12),
                ]
                .spacing(2),
            ]
            .spacing(12),
        );
        scrollable(container(content).center_x(Fill))
            .height(Fill)
            .into()
    }
}
