//! Customers: list with search, create, edit and archive. A customer is
//! archived, never deleted, because issued documents keep referring to it.

use iced::widget::{Column, button, column, row, scrollable, text, text_input};
use iced::{Element, Fill, Length};

use crate::document::{Address, Party};
use crate::store::Customer;
use crate::ui::database::{Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::{Action, error_banner};

/// A field of the customer form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Siren,
    VatId,
    Street,
    Postcode,
    City,
    Country,
    Email,
}

#[derive(Debug, Clone)]
pub enum Message {
    SearchChanged(String),
    ShowArchived(bool),
    New,
    Edit(Box<Customer>),
    FieldChanged(Field, String),
    Save,
    SetArchived(i64, bool),
    CloseForm,
    /// Open the CSV import wizard on customers.
    ImportCsv,
    Replied(Reply),
}

#[derive(Debug, Default)]
pub struct Customers {
    search: String,
    show_archived: bool,
    list: Vec<Customer>,
    editing: Option<Customer>,
    error: Option<String>,
}

impl Customers {
    pub fn new() -> (Customers, Request) {
        let screen = Customers::default();
        let request = screen.request();
        (screen, request)
    }

    pub fn list(&self) -> &[Customer] {
        &self.list
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Closes the customer form; returns whether it was open.
    pub fn close_dialog(&mut self) -> bool {
        self.editing.take().is_some()
    }

    fn request(&self) -> Request {
        Request::SearchCustomers {
            search: self.search.clone(),
            include_archived: self.show_archived,
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::SearchChanged(search) => {
                self.search = search;
                Action::Run(self.request())
            }
            Message::ShowArchived(show) => {
                self.show_archived = show;
                Action::Run(self.request())
            }
            Message::New => {
                let mut customer = Customer::default();
                customer.party.address.country = "FR".to_string();
                self.editing = Some(customer);
                Action::None
            }
            Message::Edit(customer) => {
                self.editing = Some(*customer);
                Action::None
            }
            Message::FieldChanged(field, value) => {
                if let Some(customer) = &mut self.editing {
                    set_field(&mut customer.party, field, value);
                }
                Action::None
            }
            Message::Save => match self.editing.clone() {
                Some(customer) => Action::Run(Request::SaveCustomer(Box::new(customer))),
                None => Action::None,
            },
            Message::SetArchived(id, archived) => {
                Action::Run(Request::ArchiveCustomer { id, archived })
            }
            Message::CloseForm => {
                self.editing = None;
                Action::None
            }
            Message::ImportCsv => Action::Show(crate::ui::Page::Import(
                crate::exchange::ImportKind::Customers,
            )),
            Message::Replied(reply) => self.replied(reply),
        }
    }

    fn replied(&mut self, reply: Reply) -> Action {
        match reply {
            Reply::Customers(Ok(list)) => {
                self.list = list;
                self.error = None;
                Action::None
            }
            Reply::CustomerSaved(Ok(_)) => {
                self.editing = None;
                self.error = None;
                Action::Run(self.request())
            }
            Reply::Customers(Err(error)) | Reply::CustomerSaved(Err(error)) => {
                self.error = Some(error);
                Action::None
            }
            _ => Action::None,
        }
    }

    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let mut content = Column::new()
            .spacing(12)
            .padding(16)
            .push(text(language.pick("Customers", "Clients")).size(24))
            .push(
                row![
                    text_input(
                        language.pick(
                            "Search by name, SIREN, VAT number or city",
                            "Rechercher par nom, SIREN, n° TVA ou ville"
                        ),
                        &self.search
                    )
                    .on_input(Message::SearchChanged),
                    iced::widget::checkbox(self.show_archived)
                        .label(language.pick("Show archived", "Afficher les archivés"))
                        .on_toggle(Message::ShowArchived),
                    button(text(language.pick("New customer", "Nouveau client")))
                        .style(button::primary)
                        .on_press(Message::New),
                    button(text(language.pick("Import from CSV…", "Importer un CSV…")))
                        .on_press(Message::ImportCsv),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        if let Some(customer) = &self.editing {
            content = content.push(form(language, customer));
        }
        for customer in &self.list {
            let archive = if customer.archived {
                button(text(language.pick("Restore", "Restaurer")))
                    .on_press(Message::SetArchived(customer.id, false))
            } else {
                button(text(language.pick("Archive", "Archiver")))
                    .on_press(Message::SetArchived(customer.id, true))
            };
            content = content.push(
                row![
                    text(&customer.party.name).width(Length::FillPortion(3)),
                    text(customer.party.siren.clone().unwrap_or_default())
                        .width(Length::FillPortion(2)),
                    text(&customer.party.address.city).width(Length::FillPortion(2)),
                    text(customer.currency.code().to_string()).width(Length::FillPortion(1)),
                    button(text(language.pick("Edit", "Modifier")))
                        .on_press(Message::Edit(Box::new(customer.clone()))),
                    archive,
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        scrollable(content).height(Fill).into()
    }
}

fn set_field(party: &mut Party, field: Field, value: String) {
    let optional = |value: String| Some(value).filter(|value| !value.trim().is_empty());
    let address: &mut Address = &mut party.address;
    match field {
        Field::Name => party.name = value,
        Field::Siren => party.siren = optional(value),
        Field::VatId => party.vat_id = optional(value),
        Field::Street => address.line1 = value,
        Field::Postcode => address.postcode = value,
        Field::City => address.city = value,
        Field::Country => address.country = value.trim().to_uppercase(),
        Field::Email => party.email = optional(value),
    }
}

fn form<'a>(language: Language, customer: &'a Customer) -> Element<'a, Message> {
    let party = &customer.party;
    let field = |label: &'a str, value: &'a str, field: Field| {
        text_input(label, value).on_input(move |value| Message::FieldChanged(field, value))
    };
    column![
        row![
            field(
                language.pick("Legal name", "Raison sociale"),
                &party.name,
                Field::Name
            ),
            field(
                "SIREN",
                party.siren.as_deref().unwrap_or_default(),
                Field::Siren
            ),
            field(
                language.pick("VAT number", "N° TVA"),
                party.vat_id.as_deref().unwrap_or_default(),
                Field::VatId
            ),
            field(
                language.pick("E-mail", "E-mail"),
                party.email.as_deref().unwrap_or_default(),
                Field::Email
            ),
        ]
        .spacing(6),
        row![
            field(
                language.pick("Street", "Adresse"),
                &party.address.line1,
                Field::Street
            ),
            field(
                language.pick("Postcode", "Code postal"),
                &party.address.postcode,
                Field::Postcode
            ),
            field(
                language.pick("City", "Ville"),
                &party.address.city,
                Field::City
            ),
            field(
                language.pick("Country (FR)", "Pays (FR)"),
                &party.address.country,
                Field::Country
            ),
        ]
        .spacing(6),
        row![
            button(text(
                language.pick("Save customer", "Enregistrer le client")
            ))
            .style(button::primary)
            .on_press(Message::Save),
            button(text(language.pick("Close (Escape)", "Fermer (Échap)")))
                .on_press(Message::CloseForm),
        ]
        .spacing(8),
    ]
    .spacing(6)
    .into()
}
