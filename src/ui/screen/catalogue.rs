//! The catalogue: products and services with their unit and VAT, and the
//! price lists that give their prices. Items are archived, never deleted,
//! because documents keep referring to them.

use iced::widget::{
    Column, button, checkbox, column, pick_list, row, scrollable, text, text_input,
};
use iced::{Element, Fill, Length};

use crate::money::{Currency, parse_decimal};
use crate::store::{PriceList, PriceListItem, Product, ProductNature};
use crate::ui::database::{Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::editor::{VatChoice, vat_presets};
use crate::ui::screen::{Action, error_banner};
use crate::vat::Vat;

/// A field of the product form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Code,
    Name,
    Description,
    Unit,
}

/// A price list in a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListChoice(pub PriceList);

impl std::fmt::Display for ListChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{} ({})", self.0.name, self.0.currency.code())
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    SearchChanged(String),
    New,
    Edit(Box<Product>),
    FieldChanged(Field, String),
    VatPicked(VatChoice),
    GoodsToggled(bool),
    Save,
    SetArchived(Box<Product>, bool),
    CloseForm,
    ListNameChanged(String),
    ListCurrencyChanged(String),
    AddList,
    PriceListPicked(ListChoice),
    PriceProductChanged(String),
    PriceChanged(String),
    SetPrice,
    /// Open the CSV import wizard on products.
    ImportCsv,
    Replied(Reply),
}

#[derive(Debug, Default)]
pub struct Catalogue {
    search: String,
    products: Vec<Product>,
    lists: Vec<PriceList>,
    editing: Option<Product>,
    list_name: String,
    list_currency: String,
    price_list: Option<ListChoice>,
    price_product: String,
    price: String,
    error: Option<String>,
    notice: Option<String>,
}

impl Catalogue {
    pub fn new() -> (Catalogue, Vec<Request>) {
        let catalogue = Catalogue {
            list_currency: "EUR".to_string(),
            ..Catalogue::default()
        };
        let requests = vec![
            Request::SearchProducts(String::new()),
            Request::LoadPriceLists,
        ];
        (catalogue, requests)
    }

    pub fn products(&self) -> &[Product] {
        &self.products
    }

    pub fn price_lists(&self) -> &[PriceList] {
        &self.lists
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Closes the product form; returns whether it was open.
    pub fn close_dialog(&mut self) -> bool {
        self.editing.take().is_some()
    }

    pub fn update(&mut self, message: Message, language: Language) -> Action {
        match message {
            Message::SearchChanged(search) => {
                self.search = search.clone();
                Action::Run(Request::SearchProducts(search))
            }
            Message::New => {
                self.editing = Some(Product {
                    id: 0,
                    code: String::new(),
                    name: String::new(),
                    description: String::new(),
                    unit: "C62".to_string(),
                    vat: Vat::standard(rust_decimal::Decimal::from(20)),
                    nature: ProductNature::Service,
                    archived: false,
                });
                Action::None
            }
            Message::Edit(product) => {
                self.editing = Some(*product);
                Action::None
            }
            Message::FieldChanged(field, value) => {
                if let Some(product) = &mut self.editing {
                    match field {
                        Field::Code => product.code = value,
                        Field::Name => product.name = value,
                        Field::Description => product.description = value,
                        Field::Unit => product.unit = value.trim().to_uppercase(),
                    }
                }
                Action::None
            }
            Message::VatPicked(VatChoice(vat, _)) => {
                if let Some(product) = &mut self.editing {
                    product.vat = vat;
                }
                Action::None
            }
            Message::GoodsToggled(goods) => {
                if let Some(product) = &mut self.editing {
                    product.nature = if goods {
                        ProductNature::Goods
                    } else {
                        ProductNature::Service
                    };
                }
                Action::None
            }
            Message::Save => match self.editing.clone() {
                Some(product) => Action::Run(Request::SaveProduct(Box::new(product))),
                None => Action::None,
            },
            Message::SetArchived(product, archived) => {
                Action::Run(Request::SaveProduct(Box::new(Product {
                    archived,
                    ..*product
                })))
            }
            Message::CloseForm => {
                self.editing = None;
                Action::None
            }
            Message::ListNameChanged(name) => {
                self.list_name = name;
                Action::None
            }
            Message::ListCurrencyChanged(code) => {
                self.list_currency = code;
                Action::None
            }
            Message::AddList => self.add_list(),
            Message::PriceListPicked(choice) => {
                self.price_list = Some(choice);
                Action::None
            }
            Message::PriceProductChanged(code) => {
                self.price_product = code;
                Action::None
            }
            Message::PriceChanged(price) => {
                self.price = price;
                Action::None
            }
            Message::SetPrice => self.set_price(language),
            Message::ImportCsv => Action::Show(crate::ui::Page::Import(
                crate::exchange::ImportKind::Products,
            )),
            Message::Replied(reply) => self.replied(reply, language),
        }
    }

    fn add_list(&mut self) -> Action {
        let currency = match Currency::from_code(self.list_currency.trim()) {
            Ok(currency) => currency,
            Err(error) => {
                self.error = Some(error.to_string());
                return Action::None;
            }
        };
        Action::Run(Request::SavePriceList(PriceList {
            id: 0,
            name: self.list_name.trim().to_string(),
            currency,
            archived: false,
        }))
    }

    fn set_price(&mut self, language: Language) -> Action {
        let Some(ListChoice(list)) = &self.price_list else {
            self.error = Some(
                language
                    .pick("pick a price list first", "choisissez d'abord un tarif")
                    .to_string(),
            );
            return Action::None;
        };
        let code = self.price_product.trim();
        let Some(product) = self.products.iter().find(|product| product.code == code) else {
            self.error = Some(format!(
                "{} \"{code}\"; {}",
                language.pick("no product has the code", "aucun produit n'a le code"),
                language.pick(
                    "type the code shown in the list",
                    "saisissez le code affiché dans la liste"
                )
            ));
            return Action::None;
        };
        let unit_price = match parse_decimal(&self.price, language.number_style(), "unit price") {
            Ok(price) => price,
            Err(error) => {
                self.error = Some(error.to_string());
                return Action::None;
            }
        };
        self.error = None;
        Action::Run(Request::SetPrice(PriceListItem {
            price_list_id: list.id,
            product_id: product.id,
            unit_price,
            base_quantity: rust_decimal::Decimal::ONE,
            valid_from: None,
            valid_to: None,
        }))
    }

    fn replied(&mut self, reply: Reply, language: Language) -> Action {
        match reply {
            Reply::Products(Ok(products)) => {
                self.products = products;
                self.error = None;
                Action::None
            }
            Reply::ProductSaved(Ok(_)) => {
                self.editing = None;
                self.error = None;
                Action::Run(Request::SearchProducts(self.search.clone()))
            }
            Reply::PriceLists(Ok(lists)) => {
                self.lists = lists;
                self.list_name.clear();
                self.error = None;
                Action::None
            }
            Reply::PriceSet(Ok(repriced)) => {
                self.price.clear();
                self.notice = Some(format!(
                    "{} {repriced}",
                    language.pick(
                        "Price saved. Unlocked drafts repriced:",
                        "Prix enregistré. Brouillons non verrouillés mis à jour :"
                    )
                ));
                Action::None
            }
            Reply::Products(Err(error))
            | Reply::ProductSaved(Err(error))
            | Reply::PriceLists(Err(error))
            | Reply::PriceSet(Err(error)) => {
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
            .push(text(language.pick("Catalogue", "Catalogue")).size(24))
            .push(
                row![
                    text_input(
                        language.pick("Search by code or name", "Rechercher par code ou nom"),
                        &self.search
                    )
                    .on_input(Message::SearchChanged),
                    button(text(
                        language.pick("New product or service", "Nouveau produit ou service")
                    ))
                    .style(button::primary)
                    .on_press(Message::New),
                    button(text(language.pick("Import from CSV…", "Importer un CSV…")))
                        .on_press(Message::ImportCsv),
                ]
                .spacing(8),
            );
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        if let Some(notice) = &self.notice {
            content = content.push(text(notice));
        }
        if let Some(product) = &self.editing {
            content = content.push(product_form(language, product));
        }
        for product in &self.products {
            content = content.push(
                row![
                    text(&product.code).width(Length::FillPortion(1)),
                    text(&product.name).width(Length::FillPortion(3)),
                    text(crate::units::unit_name(
                        &product.unit,
                        language == Language::French
                    ))
                    .width(Length::FillPortion(1)),
                    text(VatChoice(product.vat.clone(), language).to_string())
                        .width(Length::FillPortion(2)),
                    button(text(language.pick("Edit", "Modifier")))
                        .on_press(Message::Edit(Box::new(product.clone()))),
                    button(text(language.pick("Archive", "Archiver")))
                        .on_press(Message::SetArchived(Box::new(product.clone()), true)),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        content = content.push(self.price_lists_view(language));
        scrollable(content).height(Fill).into()
    }

    fn price_lists_view(&self, language: Language) -> Element<'_, Message> {
        let mut section = Column::new()
            .spacing(8)
            .push(text(language.pick("Price lists", "Tarifs")).size(20));
        for list in &self.lists {
            section = section.push(text(ListChoice(list.clone()).to_string()));
        }
        let choices: Vec<ListChoice> = self.lists.iter().cloned().map(ListChoice).collect();
        section
            .push(
                row![
                    text_input(
                        language.pick("New price list name", "Nom du nouveau tarif"),
                        &self.list_name
                    )
                    .on_input(Message::ListNameChanged),
                    text_input("EUR", &self.list_currency)
                        .on_input(Message::ListCurrencyChanged)
                        .width(80),
                    button(text(language.pick("Add price list", "Ajouter le tarif")))
                        .on_press(Message::AddList),
                ]
                .spacing(8),
            )
            .push(
                row![
                    pick_list(choices, self.price_list.clone(), Message::PriceListPicked)
                        .placeholder(language.pick("Price list", "Tarif")),
                    text_input(
                        language.pick("Product code", "Code produit"),
                        &self.price_product
                    )
                    .on_input(Message::PriceProductChanged),
                    text_input(
                        language.pick("Unit price excl. VAT", "Prix unitaire HT"),
                        &self.price
                    )
                    .on_input(Message::PriceChanged)
                    .on_submit(Message::SetPrice),
                    button(text(language.pick("Set price", "Fixer le prix")))
                        .on_press(Message::SetPrice),
                ]
                .spacing(8),
            )
            .into()
    }
}

fn product_form<'a>(language: Language, product: &'a Product) -> Element<'a, Message> {
    let field = |label: &'a str, value: &'a str, field: Field| {
        text_input(label, value).on_input(move |value| Message::FieldChanged(field, value))
    };
    let options: Vec<VatChoice> = vat_presets()
        .into_iter()
        .map(|vat| VatChoice(vat, language))
        .collect();
    column![
        row![
            field(language.pick("Code", "Code"), &product.code, Field::Code).width(140),
            field(language.pick("Name", "Nom"), &product.name, Field::Name),
            field(
                language.pick(
                    "Unit (UN/ECE code: C62, HUR, DAY…)",
                    "Unité (code UN/ECE : C62, HUR, DAY…)"
                ),
                &product.unit,
                Field::Unit
            )
            .width(240),
        ]
        .spacing(6),
        row![
            field(
                language.pick("Description", "Description"),
                &product.description,
                Field::Description
            ),
            pick_list(
                options,
                Some(VatChoice(product.vat.clone(), language)),
                Message::VatPicked
            ),
            checkbox(product.nature == ProductNature::Goods)
                .label(language.pick("Goods (not a service)", "Bien (pas un service)"))
                .on_toggle(Message::GoodsToggled),
        ]
        .spacing(6)
        .align_y(iced::Center),
        row![
            button(text(
                language.pick("Save product", "Enregistrer le produit")
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
