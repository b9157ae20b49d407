//! The document editor, for quotes, orders and invoices: customer picked or
//! created inline, lines from the catalogue or written in, live totals from
//! `calc::compute`, the issue checklist, payments and cancellation. An
//! issued document opens read-only.

mod email;

pub use email::{EMAIL_TO_ID, EmailForm, recipients};

use iced::widget::{
    Column, button, column, container, pick_list, row, scrollable, text, text_editor, text_input,
};
use iced::{Element, Fill, Length};
use rust_decimal::Decimal;

use crate::books::today;
use crate::calc::{self, Totals};
use crate::compliance::{Finding, Severity};
use crate::document::{
    Address, AllowanceCharge, Content, DocumentId, DocumentKind, Header, Line, LineDiscount, Party,
    PriceSource,
};
use crate::money::parse_decimal;
use crate::store::{Customer, Product};
use crate::terms::PaymentTerms;
use crate::ui::database::{Opened, Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::{Action, board::status_name, error_banner};
use crate::vat::{Vat, VatCategory};

/// Id of the customer search field, focused by Ctrl+F in the editor.
pub const CUSTOMER_SEARCH_ID: &str = "editor-customer-search";

/// A line as typed: every number stays text until it is parsed on save or
/// for the live totals, so a half-typed "12," is never lost.
#[derive(Debug, Clone, PartialEq)]
pub struct LineForm {
    pub product_id: Option<i64>,
    pub item_code: Option<String>,
    pub price_source: PriceSource,
    pub base_quantity: Decimal,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    /// Line discount: "10 %" for a percentage, "5.00" for an amount, empty
    /// for none.
    pub discount: String,
    pub vat: Vat,
    pub delivery_date: String,
}

/// A field of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineField {
    Description,
    Quantity,
    Unit,
    UnitPrice,
    Discount,
    DeliveryDate,
}

/// A VAT treatment in the picker, in the interface language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatChoice(pub Vat, pub Language);

impl std::fmt::Display for VatChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let VatChoice(vat, language) = self;
        match vat.category {
            VatCategory::S => write!(formatter, "{} %", language.decimal(vat.rate)),
            VatCategory::Z => {
                formatter.write_str(language.pick("0 % (zero rate)", "0 % (taux zéro)"))
            }
            VatCategory::E => formatter.write_str(language.pick("Exempt", "Exonéré")),
            VatCategory::AE => {
                formatter.write_str(language.pick("Reverse charge", "Autoliquidation"))
            }
            VatCategory::K => {
                formatter.write_str(language.pick("Intra-EU supply", "Livraison intra-UE"))
            }
            VatCategory::G => {
                formatter.write_str(language.pick("Export outside the EU", "Export hors UE"))
            }
            VatCategory::O => formatter
                .write_str(language.pick("Outside the scope of VAT", "Hors champ de la TVA")),
        }
    }
}

/// Lists the French rates and the exemption categories offered in the picker.
pub fn vat_presets() -> Vec<Vat> {
    let mut presets: Vec<Vat> = [20, 10, 55, 21]
        .iter()
        .map(|&tenths| {
            let rate = if tenths > 20 {
                Decimal::new(tenths, 1)
            } else {
                Decimal::from(tenths)
            };
            Vat::standard(rate)
        })
        .collect();
    presets.extend(
        [
            VatCategory::Z,
            VatCategory::E,
            VatCategory::AE,
            VatCategory::K,
            VatCategory::G,
            VatCategory::O,
        ]
        .into_iter()
        .map(Vat::exempt),
    );
    presets
}

#[derive(Debug, Clone)]
pub enum Message {
    CustomerSearchChanged(String),
    CustomerPicked(Box<Customer>),
    /// Show the inline form that creates a customer.
    NewCustomer,
    NewCustomerChanged(CustomerField, String),
    SaveNewCustomer,
    ProductSearchChanged(String),
    ProductPicked(Box<Product>),
    AddLine,
    LineChanged(usize, LineField, String),
    LineVatPicked(usize, VatChoice),
    MoveLineUp(usize),
    MoveLineDown(usize),
    RemoveLine(usize),
    DiscountChanged(String),
    ChargeChanged(String),
    ChargeReasonChanged(String),
    TermsDaysChanged(String),
    IssueDateChanged(String),
    DeliveryDateChanged(String),
    NoteChanged(String),
    Save,
    /// Save, then open the issue checklist.
    Issue,
    ConfirmIssue,
    CloseDialog,
    PaymentAmountChanged(String),
    PaymentDateChanged(String),
    PaymentMethodChanged(String),
    /// Record the payment typed, or save the change to the one being edited.
    RecordPayment,
    /// Load a recorded payment into the payment fields to change it.
    EditPayment(i64),
    DeletePayment(i64),
    /// Ask to cancel the invoice with a credit note.
    Cancel,
    ConfirmCancel,
    Convert(DocumentKind),
    /// Set the status of an issued quote (accepted, refused, expired) or
    /// order (fulfilled, cancelled).
    SetStage(&'static str),
    TogglePriceLock,
    /// Save the document's PDF to a file the user picks.
    ExportPdf,
    /// The user picked where to save the PDF, or cancelled.
    PdfPathPicked(Option<std::path::PathBuf>),
    /// Open the PDF in the system viewer to print it.
    Print,
    /// Open the e-mail dialog of an issued document.
    Email,
    EmailToChanged(String),
    EmailSubjectChanged(String),
    EmailBodyEdited(text_editor::Action),
    /// Send the e-mail through the SMTP account set in Settings.
    SendEmail,
    /// Open an .eml draft with the PDF attached in the user's mail program.
    ComposeInMailApp,
    Back,
    Replied(Reply),
}

/// A field of the inline customer form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomerField {
    Name,
    Street,
    Postcode,
    City,
    Country,
    Siren,
    VatId,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerForm {
    pub name: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub siren: String,
    pub vat_id: String,
}

/// The dialog shown over the editor.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    Checklist(Vec<Finding>),
    ConfirmCancel,
    Email(EmailForm),
}

#[derive(Debug, Default)]
pub struct Editor {
    opened: Option<Opened>,
    header: Option<Header>,
    lines: Vec<LineForm>,
    /// Document discount, written like a line discount.
    discount: String,
    /// Document charge: "12.50" or "2 %".
    charge: String,
    charge_reason: String,
    /// The first stored allowance and charge, whose reason, code and VAT the
    /// two fields above keep; later ones are carried over unchanged.
    allowance_template: Option<AllowanceCharge>,
    other_allowances: Vec<AllowanceCharge>,
    charge_template: Option<AllowanceCharge>,
    other_charges: Vec<AllowanceCharge>,
    terms_days: String,
    /// Issue date (BT-2) as typed. When empty, the invoice takes the date
    /// it is issued on.
    issue_date: String,
    /// Delivery date (BT-72) as typed.
    delivery_date: String,
    note: String,
    customer_search: String,
    customers: Vec<Customer>,
    new_customer: Option<CustomerForm>,
    product_search: String,
    products: Vec<Product>,
    payment_amount: String,
    payment_date: String,
    payment_method: String,
    /// The recorded payment the payment fields are changing.
    editing_payment: Option<i64>,
    dialog: Option<Dialog>,
    /// Run the checklist once the pending save is written.
    issue_after_save: bool,
    dirty: bool,
    error: Option<String>,
    notice: Option<String>,
    /// Text of the e-mail in the e-mail dialog.
    email_body: text_editor::Content,
}

impl Editor {
    /// Creates an editor waiting for its document.
    pub fn new() -> Editor {
        Editor {
            payment_date: String::new(),
            payment_method: "transfer".to_string(),
            ..Editor::default()
        }
    }

    pub fn id(&self) -> Option<DocumentId> {
        self.opened.as_ref().map(|opened| opened.view.document.id)
    }

    /// Proposes a file name for the PDF: the document number, or the draft.
    fn pdf_file_name(&self, id: DocumentId) -> String {
        let number = self
            .opened
            .as_ref()
            .and_then(|opened| opened.view.document.number.clone());
        format!("{}.pdf", number.unwrap_or_else(|| format!("draft-{id}")))
    }

    pub fn opened(&self) -> Option<&Opened> {
        self.opened.as_ref()
    }

    pub fn lines(&self) -> &[LineForm] {
        &self.lines
    }

    pub fn dialog(&self) -> Option<&Dialog> {
        self.dialog.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Returns whether the form contains changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    fn is_read_only(&self) -> bool {
        self.opened
            .as_ref()
            .is_none_or(|opened| opened.view.document.issued)
    }

    /// Closes the open dialog; returns whether one was open.
    pub fn close_dialog(&mut self) -> bool {
        self.dialog.take().is_some()
    }

    pub fn update(&mut self, message: Message, language: Language) -> Action {
        match message {
            Message::CustomerSearchChanged(search) => {
                self.customer_search = search.clone();
                Action::Run(Request::SearchCustomers {
                    search,
                    include_archived: false,
                })
            }
            Message::CustomerPicked(customer) => self.customer_picked(*customer),
            Message::NewCustomer => {
                self.new_customer = Some(CustomerForm {
                    name: self.customer_search.clone(),
                    country: "FR".to_string(),
                    ..CustomerForm::default()
                });
                Action::None
            }
            Message::NewCustomerChanged(field, value) => {
                if let Some(form) = &mut self.new_customer {
                    set_customer_field(form, field, value);
                }
                Action::None
            }
            Message::SaveNewCustomer => self.save_new_customer(),
            Message::ProductSearchChanged(search) => {
                self.product_search = search.clone();
                Action::Run(Request::SearchProducts(search))
            }
            Message::ProductPicked(product) => {
                self.add_product_line(*product);
                // Saving fills the new line with its price-list price. While
                // another field holds a half-typed value, the line waits for
                // the next save instead of showing that field's error.
                match self.save(language) {
                    Action::Run(request) => Action::Run(request),
                    _ => {
                        self.error = None;
                        Action::None
                    }
                }
            }
            Message::AddLine => self.add_line(),
            Message::LineChanged(index, field, value) => {
                if let Some(line) = self.lines.get_mut(index) {
                    set_line_field(line, field, value);
                    self.dirty = true;
                }
                Action::None
            }
            Message::LineVatPicked(index, VatChoice(vat, _)) => {
                if let Some(line) = self.lines.get_mut(index) {
                    line.vat = vat;
                    self.dirty = true;
                }
                Action::None
            }
            Message::MoveLineUp(index) => {
                if index > 0 && index < self.lines.len() {
                    self.lines.swap(index - 1, index);
                    self.dirty = true;
                }
                Action::None
            }
            Message::MoveLineDown(index) => {
                if index + 1 < self.lines.len() {
                    self.lines.swap(index, index + 1);
                    self.dirty = true;
                }
                Action::None
            }
            Message::RemoveLine(index) => {
                if index < self.lines.len() {
                    self.lines.remove(index);
                    self.dirty = true;
                }
                Action::None
            }
            Message::DiscountChanged(value) => self.edit(|editor| editor.discount = value),
            Message::ChargeChanged(value) => self.edit(|editor| editor.charge = value),
            Message::ChargeReasonChanged(value) => self.edit(|editor| editor.charge_reason = value),
            Message::TermsDaysChanged(value) => self.edit(|editor| editor.terms_days = value),
            Message::IssueDateChanged(value) => self.edit(|editor| editor.issue_date = value),
            Message::DeliveryDateChanged(value) => self.edit(|editor| editor.delivery_date = value),
            Message::NoteChanged(value) => self.edit(|editor| editor.note = value),
            Message::Save => self.save(language),
            Message::Issue => {
                let action = self.save(language);
                self.issue_after_save = matches!(action, Action::Run(_));
                action
            }
            Message::ConfirmIssue => self.confirm_issue(),
            Message::CloseDialog => {
                self.dialog = None;
                Action::None
            }
            Message::PaymentAmountChanged(value) => {
                self.payment_amount = value;
                Action::None
            }
            Message::PaymentDateChanged(value) => {
                self.payment_date = value;
                Action::None
            }
            Message::PaymentMethodChanged(value) => {
                self.payment_method = value;
                Action::None
            }
            Message::RecordPayment => self.record_payment(language),
            Message::EditPayment(payment_id) => {
                self.edit_payment(payment_id, language);
                Action::None
            }
            Message::DeletePayment(payment_id) => match self.id() {
                Some(id) => Action::Run(Request::DeletePayment { id, payment_id }),
                None => Action::None,
            },
            Message::Cancel => {
                self.dialog = Some(Dialog::ConfirmCancel);
                Action::None
            }
            Message::ConfirmCancel => {
                self.dialog = None;
                match self.id() {
                    Some(id) => Action::Run(Request::Cancel(id)),
                    None => Action::None,
                }
            }
            Message::SetStage(stage) => match self.id() {
                Some(id) => Action::Run(Request::SetStage { id, stage }),
                None => Action::None,
            },
            Message::Convert(target) => match self.id() {
                Some(id) => Action::Run(Request::Convert { id, target }),
                None => Action::None,
            },
            Message::TogglePriceLock => self.toggle_price_lock(language),
            Message::ExportPdf => match self.id() {
                Some(id) => Action::PickPdfPath(self.pdf_file_name(id)),
                None => Action::None,
            },
            Message::PdfPathPicked(Some(path)) => match self.id() {
                Some(id) => Action::Run(Request::ExportPdf { id, path }),
                None => Action::None,
            },
            Message::PdfPathPicked(None) => Action::None,
            Message::Print => match self.id() {
                Some(id) => Action::Run(Request::PrintPdf(id)),
                None => Action::None,
            },
            Message::Email
            | Message::EmailToChanged(_)
            | Message::EmailSubjectChanged(_)
            | Message::EmailBodyEdited(_)
            | Message::SendEmail
            | Message::ComposeInMailApp => self.update_email(message, language),
            Message::Back => Action::Home,
            Message::Replied(reply) => self.replied(reply, language),
        }
    }

    fn edit(&mut self, change: impl FnOnce(&mut Editor)) -> Action {
        change(self);
        self.dirty = true;
        Action::None
    }

    fn customer_picked(&mut self, customer: Customer) -> Action {
        if let Some(header) = &mut self.header {
            header.customer_id = Some(customer.id);
            header.buyer = customer.party.clone();
            // The price list and currency follow the customer; saving moves
            // unlocked catalogue lines to that list's prices.
            header.currency = customer.currency;
            header.price_list_id = customer.price_list_id;
            if let Some(terms) = customer.payment_terms {
                header.payment_terms = terms;
                if let PaymentTerms::Net { days } = terms {
                    self.terms_days = days.to_string();
                }
            }
        }
        self.customer_search = customer.party.name.clone();
        self.customers.clear();
        self.new_customer = None;
        self.dirty = true;
        Action::None
    }

    fn save_new_customer(&mut self) -> Action {
        let Some(form) = &self.new_customer else {
            return Action::None;
        };
        let blank_to_none =
            |text: &str| Some(text.trim().to_string()).filter(|text| !text.is_empty());
        let customer = Customer {
            id: 0,
            party: Party {
                name: form.name.trim().to_string(),
                siren: blank_to_none(&form.siren),
                siret: None,
                vat_id: blank_to_none(&form.vat_id),
                address: Address {
                    line1: form.street.trim().to_string(),
                    line2: None,
                    postcode: form.postcode.trim().to_string(),
                    city: form.city.trim().to_string(),
                    country: form.country.trim().to_uppercase(),
                },
                delivery_address: None,
                email: None,
            },
            currency: self
                .header
                .as_ref()
                .map(|header| header.currency)
                .unwrap_or_default(),
            payment_terms: None,
            price_list_id: None,
            archived: false,
        };
        Action::Run(Request::SaveCustomer(Box::new(customer)))
    }

    fn add_line(&mut self) -> Action {
        if self.is_read_only() {
            return Action::None;
        }
        // A line written in takes the default VAT of Settings.
        let vat = self
            .opened
            .as_ref()
            .map(|opened| opened.default_vat.clone())
            .unwrap_or_else(|| Vat::standard(Decimal::from(20)));
        self.lines.push(LineForm {
            product_id: None,
            item_code: None,
            price_source: PriceSource::Manual,
            base_quantity: Decimal::ONE,
            description: String::new(),
            quantity: "1".to_string(),
            unit: "C62".to_string(),
            unit_price: String::new(),
            discount: String::new(),
            vat,
            delivery_date: String::new(),
        });
        self.dirty = true;
        Action::Focus(LAST_LINE_ID)
    }

    fn add_product_line(&mut self, product: Product) {
        if self.is_read_only() {
            return;
        }
        let description = if product.description.trim().is_empty() {
            product.name.clone()
        } else {
            format!("{}\n{}", product.name, product.description)
        };
        // The price comes from the customer's price list when the draft is
        // saved; until then it is blank.
        self.lines.push(LineForm {
            product_id: Some(product.id),
            item_code: Some(product.code.clone()),
            price_source: PriceSource::Catalogue,
            base_quantity: Decimal::ONE,
            description,
            quantity: "1".to_string(),
            unit: product.unit.clone(),
            unit_price: String::new(),
            discount: String::new(),
            vat: product.vat.clone(),
            delivery_date: String::new(),
        });
        self.product_search.clear();
        self.products.clear();
        self.dirty = true;
    }

    /// Builds the content from the form; the error names the line and field
    /// at fault and the form of number expected.
    pub fn content(&self, language: Language) -> Result<Content, String> {
        let style = language.number_style();
        let mut lines = Vec::with_capacity(self.lines.len());
        for (index, form) in self.lines.iter().enumerate() {
            let at = |error: String| {
                format!("{} {}: {error}", language.pick("line", "ligne"), index + 1)
            };
            let number = |text: &str, what| {
                parse_decimal(text, style, what).map_err(|error| at(error.to_string()))
            };
            let unit_price = if form.unit_price.trim().is_empty()
                && form.price_source == PriceSource::Catalogue
            {
                Decimal::ZERO
            } else {
                number(&form.unit_price, "unit price")?
            };
            let discount = match parse_share(&form.discount, style, "discount").map_err(at)? {
                None => None,
                Some(Share::Percent(percent)) => Some(LineDiscount::Percent(percent)),
                Some(Share::Amount(amount)) => Some(LineDiscount::Amount(amount)),
            };
            let delivery_date = if form.delivery_date.trim().is_empty() {
                None
            } else {
                Some(language.parse_date(&form.delivery_date).ok_or_else(|| {
                    at(format!(
                        "the delivery date \"{}\" is invalid; write it as {}",
                        form.delivery_date,
                        language.pick("2026-01-31", "31/01/2026")
                    ))
                })?)
            };
            lines.push(Line {
                product_id: form.product_id,
                item_code: form.item_code.clone(),
                description: form.description.trim().to_string(),
                quantity: number(&form.quantity, "quantity")?,
                unit: form.unit.trim().to_string(),
                unit_price,
                base_quantity: form.base_quantity,
                discount,
                vat: form.vat.clone(),
                delivery_date,
                price_source: form.price_source,
            });
        }
        let document_vat = lines.first().map(|line| line.vat.clone());
        let mut allowances = Vec::new();
        if let Some(share) = parse_share(&self.discount, style, "document discount")? {
            let template = self.allowance_template.clone().unwrap_or(AllowanceCharge {
                amount: None,
                percent: None,
                reason: language.pick("Discount", "Remise").to_string(),
                reason_code: Some("95".to_string()),
                vat: document_vat.clone(),
            });
            allowances.push(share.apply(template));
        }
        allowances.extend(self.other_allowances.iter().cloned());
        let mut charges = Vec::new();
        if let Some(share) = parse_share(&self.charge, style, "charge")? {
            let mut template = self.charge_template.clone().unwrap_or(AllowanceCharge {
                amount: None,
                percent: None,
                reason: String::new(),
                reason_code: None,
                vat: document_vat,
            });
            template.reason = if self.charge_reason.trim().is_empty() {
                language.pick("Charges", "Frais").to_string()
            } else {
                self.charge_reason.trim().to_string()
            };
            charges.push(share.apply(template));
        }
        charges.extend(self.other_charges.iter().cloned());
        Ok(Content {
            lines,
            allowances,
            charges,
        })
    }

    /// Computes the totals shown: the stored result for an issued document,
    /// else `calc::compute` on the form as typed.
    pub fn totals(&self, language: Language) -> Result<Totals, String> {
        let opened = self.opened.as_ref().ok_or_else(String::new)?;
        if opened.view.document.issued {
            return Ok(opened.view.totals.clone());
        }
        let content = self.content(language)?;
        let currency = self
            .header
            .as_ref()
            .map(|header| header.currency)
            .unwrap_or_default();
        calc::compute(&content, currency, Decimal::ZERO, Decimal::ZERO)
            .map_err(|error| error.to_string())
    }

    fn header_for_save(&self, language: Language) -> Result<Header, String> {
        let mut header = self.header.clone().ok_or_else(String::new)?;
        if !self.terms_days.trim().is_empty() {
            let days: u32 = self.terms_days.trim().parse().map_err(|_| {
                format!(
                    "{} \"{}\"",
                    language.pick(
                        "payment terms must be a whole number of days, such as 30; found",
                        "le délai de paiement doit être un nombre entier de jours, par exemple 30 ; saisi :"
                    ),
                    self.terms_days
                )
            })?;
            header.payment_terms = PaymentTerms::Net { days };
        }
        header.note = Some(self.note.trim().to_string()).filter(|note| !note.is_empty());
        header.issue_date = optional_date(
            language,
            &self.issue_date,
            language.pick("issue date", "date d'émission"),
        )?;
        header.delivery_date = optional_date(
            language,
            &self.delivery_date,
            language.pick("delivery date", "date de livraison"),
        )?;
        Ok(header)
    }

    fn save(&mut self, language: Language) -> Action {
        let Some(id) = self.id() else {
            return Action::None;
        };
        if self.is_read_only() {
            return Action::None;
        }
        let built = self
            .header_for_save(language)
            .and_then(|header| Ok((header, self.content(language)?)));
        match built {
            Ok((header, content)) => {
                self.error = None;
                Action::Run(Request::SaveDraft {
                    id,
                    header: Box::new(header),
                    content: Box::new(content),
                })
            }
            Err(error) => {
                self.error = Some(error);
                Action::None
            }
        }
    }

    fn confirm_issue(&mut self) -> Action {
        let blocked = match &self.dialog {
            Some(Dialog::Checklist(findings)) => findings
                .iter()
                .any(|finding| finding.severity == Severity::Blocking),
            _ => true,
        };
        match self.id() {
            Some(id) if !blocked => {
                self.dialog = None;
                Action::Run(Request::Issue(id))
            }
            _ => Action::None,
        }
    }

    fn record_payment(&mut self, language: Language) -> Action {
        let Some(id) = self.id() else {
            return Action::None;
        };
        let amount = match parse_decimal(
            &self.payment_amount,
            language.number_style(),
            "payment amount",
        ) {
            Ok(amount) => amount,
            Err(error) => {
                self.error = Some(error.to_string());
                return Action::None;
            }
        };
        let date = if self.payment_date.trim().is_empty() {
            today()
        } else {
            match language.parse_date(&self.payment_date) {
                Some(date) => date,
                None => {
                    self.error = Some(format!(
                        "{} \"{}\"; {} {}",
                        language.pick("invalid payment date", "date de paiement invalide"),
                        self.payment_date,
                        language.pick("write it as", "écrivez-la sous la forme"),
                        language.pick("2026-01-31", "31/01/2026")
                    ));
                    return Action::None;
                }
            }
        };
        self.error = None;
        let method = self.payment_method.trim().to_string();
        match self.editing_payment {
            Some(payment_id) => Action::Run(Request::ChangePayment {
                id,
                payment_id,
                amount,
                date,
                method,
            }),
            None => Action::Run(Request::RecordPayment {
                id,
                amount,
                date,
                method,
            }),
        }
    }

    fn edit_payment(&mut self, payment_id: i64, language: Language) {
        let Some(opened) = &self.opened else {
            return;
        };
        let Some(payment) = opened
            .view
            .payments
            .iter()
            .find(|payment| payment.id == payment_id)
        else {
            return;
        };
        self.payment_amount = language.decimal(payment.amount);
        self.payment_date = language.date(payment.date);
        self.payment_method = payment.method.clone();
        self.editing_payment = Some(payment_id);
    }

    fn toggle_price_lock(&mut self, language: Language) -> Action {
        if self.dirty {
            self.error = Some(
                language
                    .pick(
                        "Save the draft first: locking or unlocking prices works on the saved draft.",
                        "Enregistrez d'abord le brouillon : le verrouillage des prix s'applique au brouillon enregistré.",
                    )
                    .to_string(),
            );
            return Action::None;
        }
        match (self.id(), &self.header) {
            (Some(id), Some(header)) => Action::Run(Request::SetPriceLock {
                id,
                locked: !header.price_locked,
            }),
            _ => Action::None,
        }
    }

    fn replied(&mut self, reply: Reply, language: Language) -> Action {
        if self.email_replied(&reply, language) {
            return Action::None;
        }
        match reply {
            Reply::Document(Ok(opened)) => {
                let new_draft = !opened.view.document.issued
                    && opened.view.document.header.buyer.name.is_empty();
                self.load(opened);
                if std::mem::take(&mut self.issue_after_save) {
                    if let Some(id) = self.id() {
                        return Action::Run(Request::Checklist(id));
                    }
                }
                // A new draft starts with its customer.
                if new_draft {
                    return Action::Focus(CUSTOMER_SEARCH_ID);
                }
            }
            Reply::Checklist(Ok(findings)) => self.dialog = Some(Dialog::Checklist(findings)),
            Reply::Issued(Ok((number, opened))) => {
                self.load(opened);
                self.notice = Some(number);
            }
            Reply::Cancelled(Ok((number, opened))) => {
                self.load(opened);
                self.notice = Some(number);
            }
            Reply::Exported(Ok(path)) => self.notice = Some(path),
            Reply::Printed(Ok(printed)) => self.notice = Some(printed_notice(&printed, language)),
            Reply::Customers(Ok(customers)) => self.customers = customers,
            Reply::Products(Ok(products)) => self.products = products,
            Reply::CustomerSaved(Ok(customer)) => return self.customer_picked(customer),
            Reply::Document(Err(error))
            | Reply::Checklist(Err(error))
            | Reply::Issued(Err(error))
            | Reply::Cancelled(Err(error))
            | Reply::Exported(Err(error))
            | Reply::Printed(Err(error))
            | Reply::Customers(Err(error))
            | Reply::Products(Err(error))
            | Reply::CustomerSaved(Err(error)) => {
                self.issue_after_save = false;
                self.error = Some(error);
            }
            _ => {}
        }
        Action::None
    }

    /// Replaces the form with a document as stored.
    fn load(&mut self, opened: Opened) {
        let document = &opened.view.document;
        let style = |value: Decimal| value.normalize().to_string();
        self.lines = document
            .content
            .lines
            .iter()
            .map(|line| LineForm {
                product_id: line.product_id,
                item_code: line.item_code.clone(),
                price_source: line.price_source,
                base_quantity: line.base_quantity,
                description: line.description.clone(),
                quantity: style(line.quantity),
                unit: line.unit.clone(),
                unit_price: style(line.unit_price),
                discount: match line.discount {
                    Some(LineDiscount::Percent(percent)) => format!("{} %", style(percent)),
                    Some(LineDiscount::Amount(amount)) => style(amount),
                    None => String::new(),
                },
                vat: line.vat.clone(),
                delivery_date: line
                    .delivery_date
                    .map(|date| date.to_string())
                    .unwrap_or_default(),
            })
            .collect();
        let mut allowances = document.content.allowances.iter().cloned();
        self.allowance_template = allowances.next();
        self.other_allowances = allowances.collect();
        self.discount = self
            .allowance_template
            .as_ref()
            .map(share_text)
            .unwrap_or_default();
        let mut charges = document.content.charges.iter().cloned();
        self.charge_template = charges.next();
        self.other_charges = charges.collect();
        self.charge = self
            .charge_template
            .as_ref()
            .map(share_text)
            .unwrap_or_default();
        self.charge_reason = self
            .charge_template
            .as_ref()
            .map(|charge| charge.reason.clone())
            .unwrap_or_default();
        self.issue_date = document
            .header
            .issue_date
            .map(|date| date.to_string())
            .unwrap_or_default();
        self.delivery_date = document
            .header
            .delivery_date
            .map(|date| date.to_string())
            .unwrap_or_default();
        self.terms_days = match document.header.payment_terms {
            PaymentTerms::Net { days } => days.to_string(),
            _ => String::new(),
        };
        self.note = document.header.note.clone().unwrap_or_default();
        self.customer_search = document.header.buyer.name.clone();
        self.header = Some(document.header.clone());
        self.opened = Some(opened);
        self.payment_amount.clear();
        self.payment_date.clear();
        self.editing_payment = None;
        self.dirty = false;
        self.error = None;
    }
}

/// Parses an optional date field; the error names the field and the form.
fn optional_date(
    language: Language,
    text: &str,
    field: &str,
) -> Result<Option<chrono::NaiveDate>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    language.parse_date(text).map(Some).ok_or_else(|| {
        format!(
            "{field} \"{text}\" {} {}",
            language.pick(
                "is invalid; write it as",
                "invalide ; écrivez-la sous la forme"
            ),
            language.pick("2026-01-31", "31/01/2026")
        )
    })
}

/// A discount or charge as typed: a percentage or an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Share {
    Percent(Decimal),
    Amount(Decimal),
}

impl Share {
    fn apply(self, template: AllowanceCharge) -> AllowanceCharge {
        let (amount, percent) = match self {
            Share::Percent(percent) => (None, Some(percent)),
            Share::Amount(amount) => (Some(amount), None),
        };
        AllowanceCharge {
            amount,
            percent,
            ..template
        }
    }
}

/// Parses "10 %" as a percentage and "5.00" as an amount. Empty text is no
/// discount or charge.
fn parse_share(
    text: &str,
    style: crate::money::NumberStyle,
    what: &'static str,
) -> Result<Option<Share>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parse =
        |number: &str| parse_decimal(number, style, what).map_err(|error| error.to_string());
    match text.strip_suffix('%') {
        Some(number) => Ok(Some(Share::Percent(parse(number)?))),
        None => Ok(Some(Share::Amount(parse(text)?))),
    }
}

/// Writes a stored allowance or charge as field text.
fn share_text(allowance: &AllowanceCharge) -> String {
    match (allowance.percent, allowance.amount) {
        (Some(percent), _) => format!("{} %", percent.normalize()),
        (None, Some(amount)) => amount.normalize().to_string(),
        (None, None) => String::new(),
    }
}

/// Id of the description field of the last line, focused when a line is added.
pub const LAST_LINE_ID: &str = "editor-last-line";

fn set_customer_field(form: &mut CustomerForm, field: CustomerField, value: String) {
    let target = match field {
        CustomerField::Name => &mut form.name,
        CustomerField::Street => &mut form.street,
        CustomerField::Postcode => &mut form.postcode,
        CustomerField::City => &mut form.city,
        CustomerField::Country => &mut form.country,
        CustomerField::Siren => &mut form.siren,
        CustomerField::VatId => &mut form.vat_id,
    };
    *target = value;
}

fn set_line_field(line: &mut LineForm, field: LineField, value: String) {
    match field {
        LineField::Description => line.description = value,
        LineField::Quantity => line.quantity = value,
        LineField::Unit => line.unit = value,
        LineField::UnitPrice => {
            // A price typed by hand stays as typed: the price list no longer
            // moves it.
            line.unit_price = value;
            line.price_source = PriceSource::Manual;
        }
        LineField::Discount => line.discount = value,
        LineField::DeliveryDate => line.delivery_date = value,
    }
}

fn kind_title(language: Language, kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Quote => language.pick("Quote", "Devis"),
        DocumentKind::Order => language.pick("Order", "Commande"),
        DocumentKind::Invoice => language.pick("Invoice", "Facture"),
        DocumentKind::CreditNote => language.pick("Credit note", "Avoir"),
    }
}

// Views ---------------------------------------------------------------------

impl Editor {
    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let Some(opened) = &self.opened else {
            let mut waiting = Column::new().padding(16).spacing(12);
            if let Some(error) = &self.error {
                waiting = waiting.push(error_banner(language, error));
            } else {
                waiting = waiting.push(text(language.pick("Loading…", "Chargement…")));
            }
            return waiting
                .push(button(text(language.pick("Back", "Retour"))).on_press(Message::Back))
                .into();
        };
        if let Some(dialog) = &self.dialog {
            return container(self.dialog_view(language, dialog))
                .padding(32)
                .center_x(Fill)
                .into();
        }
        let mut content = Column::new()
            .spacing(14)
            .padding(16)
            .push(self.title_bar(language, opened));
        if let Some(error) = &self.error {
            content = content.push(error_banner(language, error));
        }
        if let Some(notice) = &self.notice {
            content = content.push(
                container(text(notice))
                    .padding(10)
                    .style(container::success)
                    .width(Fill),
            );
        }
        content = content.push(self.customer_section(language));
        content = content.push(self.lines_section(language));
        content = content.push(self.totals_section(language));
        if opened.view.document.issued && opened.view.document.header.kind == DocumentKind::Invoice
        {
            content = content.push(self.payments_section(language, opened));
        }
        if let Some(log) = self.email_log_section(language) {
            content = content.push(log);
        }
        scrollable(content).height(Fill).into()
    }

    fn title_bar(&self, language: Language, opened: &Opened) -> Element<'_, Message> {
        let document = &opened.view.document;
        let kind = document.header.kind;
        let number = document
            .number
            .clone()
            .unwrap_or_else(|| language.pick("draft", "brouillon").to_string());
        let status = if document.issued && kind == DocumentKind::Invoice {
            let mut status = status_name(language, opened.view.status).to_string();
            if opened.view.overdue {
                status.push_str(language.pick(" · overdue", " · en retard"));
            }
            status
        } else if document.issued && kind == DocumentKind::CreditNote {
            language.pick("Issued", "Émis").to_string()
        } else if document.issued {
            document.stage.clone().unwrap_or_default()
        } else {
            status_name(language, crate::document::InvoiceStatus::Draft).to_string()
        };
        let mut bar = row![
            button(text(language.pick("← Board", "← Tableau de bord"))).on_press(Message::Back),
            text(format!("{} {number}", kind_title(language, kind))).size(22),
            text(status),
            iced::widget::space::horizontal(),
        ]
        .spacing(10)
        .align_y(iced::Center);
        if !document.issued {
            bar = bar
                .push(
                    button(text(language.pick("Save (Ctrl+S)", "Enregistrer (Ctrl+S)")))
                        .on_press(Message::Save),
                )
                .push(
                    button(text(language.pick("Issue…", "Émettre…")))
                        .style(button::primary)
                        .on_press(Message::Issue),
                );
        }
        if document.issued
            && kind == DocumentKind::Invoice
            && opened.view.status != crate::document::InvoiceStatus::Cancelled
        {
            bar = bar.push(
                button(text(
                    language.pick("Cancel with a credit note", "Annuler par un avoir"),
                ))
                .style(button::danger)
                .on_press(Message::Cancel),
            );
        }
        if document.issued {
            let stages: &[(&'static str, &str)] = match kind {
                DocumentKind::Quote => &[
                    ("accepted", language.pick("Accepted", "Accepté")),
                    ("refused", language.pick("Refused", "Refusé")),
                    ("expired", language.pick("Expired", "Expiré")),
                ],
                DocumentKind::Order => &[
                    ("fulfilled", language.pick("Fulfilled", "Livrée")),
                    ("cancelled", language.pick("Cancelled", "Annulée")),
                ],
                DocumentKind::Invoice | DocumentKind::CreditNote => &[],
            };
            for (stage, label) in stages {
                if document.stage.as_deref() != Some(*stage) {
                    bar = bar.push(
                        button(text(*label))
                            .style(button::secondary)
                            .on_press(Message::SetStage(stage)),
                    );
                }
            }
        }
        if kind == DocumentKind::Quote {
            bar = bar.push(
                button(text(
                    language.pick("Convert to order", "Transformer en commande"),
                ))
                .on_press(Message::Convert(DocumentKind::Order)),
            );
        }
        if matches!(kind, DocumentKind::Quote | DocumentKind::Order) {
            bar = bar.push(
                button(text(language.pick("Create invoice", "Créer la facture")))
                    .on_press(Message::Convert(DocumentKind::Invoice)),
            );
        }
        let mut outputs = vec![
            (
                language.pick("Export PDF", "Exporter en PDF"),
                Message::ExportPdf,
            ),
            (language.pick("Print", "Imprimer"), Message::Print),
        ];
        // Only an issued document is sent: a draft may still change.
        if self.is_read_only() {
            outputs.push((
                language.pick("E-mail", "Envoyer par e-mail"),
                Message::Email,
            ));
        }
        for (label, message) in outputs {
            bar = bar.push(
                button(text(label))
                    .style(button::secondary)
                    .on_press(message),
            );
        }
        bar.wrap().into()
    }

    fn customer_section(&self, language: Language) -> Element<'_, Message> {
        let header = self.header.as_ref();
        let read_only = self.is_read_only();
        let buyer = header.map(|header| &header.buyer);
        let mut section = Column::new().spacing(8);
        let buyer_line = match buyer {
            Some(buyer) if !buyer.name.is_empty() => format!(
                "{}{}",
                buyer.name,
                if buyer.address.city.is_empty() {
                    String::new()
                } else {
                    format!(", {}", buyer.address.city)
                }
            ),
            _ => language
                .pick("No customer yet", "Pas encore de client")
                .to_string(),
        };
        let currency = header
            .map(|header| header.currency.code().to_string())
            .unwrap_or_default();
        section = section.push(
            row![
                text(language.pick("Customer:", "Client :")),
                text(buyer_line).size(18),
                text(format!(
                    "{} {currency}",
                    language.pick("· currency", "· devise")
                )),
            ]
            .spacing(8),
        );
        if read_only {
            return container(section)
                .padding(12)
                .style(container::rounded_box)
                .width(Fill)
                .into();
        }
        section = section.push(
            row![
                text_input(
                    language.pick(
                        "Search a customer by name, SIREN or city",
                        "Rechercher un client par nom, SIREN ou ville"
                    ),
                    &self.customer_search
                )
                .id(CUSTOMER_SEARCH_ID)
                .on_input(Message::CustomerSearchChanged),
                button(text(language.pick("New customer", "Nouveau client")))
                    .on_press(Message::NewCustomer),
            ]
            .spacing(8),
        );
        for customer in self.customers.iter().take(8) {
            section = section.push(
                button(text(format!(
                    "{} · {}",
                    customer.party.name, customer.party.address.city
                )))
                .style(button::text)
                .on_press(Message::CustomerPicked(Box::new(customer.clone()))),
            );
        }
        if let Some(form) = &self.new_customer {
            section = section.push(new_customer_form(language, form));
        }
        let terms = row![
            text(language.pick("Payment terms (days):", "Délai de paiement (jours) :")),
            text_input("30", &self.terms_days)
                .on_input(Message::TermsDaysChanged)
                .width(80),
            text(language.pick("Note:", "Note :")),
            text_input("", &self.note).on_input(Message::NoteChanged),
        ]
        .spacing(8)
        .align_y(iced::Center);
        section = section.push(terms);
        let dates = row![
            text(language.pick(
                "Issue date (empty: today):",
                "Date d'émission (vide : aujourd'hui) :"
            )),
            text_input(language.pick("2026-01-31", "31/01/2026"), &self.issue_date)
                .on_input(Message::IssueDateChanged)
                .width(130),
            text(language.pick("Delivery date:", "Date de livraison :")),
            text_input(
                language.pick("2026-01-31", "31/01/2026"),
                &self.delivery_date
            )
            .on_input(Message::DeliveryDateChanged)
            .width(130),
        ]
        .spacing(8)
        .align_y(iced::Center);
        section = section.push(dates);
        container(section)
            .padding(12)
            .style(container::rounded_box)
            .width(Fill)
            .into()
    }

    fn lines_section(&self, language: Language) -> Element<'_, Message> {
        let read_only = self.is_read_only();
        let header = row![
            text(language.pick("Description", "Désignation")).width(Length::FillPortion(5)),
            text(language.pick("Quantity", "Quantité")).width(Length::FillPortion(1)),
            text(language.pick("Unit", "Unité")).width(Length::FillPortion(1)),
            text(language.pick("Unit price", "Prix unitaire")).width(Length::FillPortion(2)),
            text(language.pick("Discount", "Remise")).width(Length::FillPortion(1)),
            text(language.pick("VAT", "TVA")).width(Length::FillPortion(2)),
            text(language.pick("Delivery", "Livraison")).width(Length::FillPortion(2)),
            text(if read_only {
                language.pick("Net amount", "Montant HT")
            } else {
                ""
            })
            .width(Length::FillPortion(2)),
        ]
        .spacing(6);
        let mut section = Column::new().spacing(6).push(header);
        match self.opened.as_ref().filter(|_| read_only) {
            Some(opened) => {
                let totals = &opened.view.totals;
                for (index, line) in opened.view.document.content.lines.iter().enumerate() {
                    section = section.push(stored_line_row(
                        language,
                        line,
                        totals.lines.get(index),
                        totals.currency,
                    ));
                }
            }
            None => {
                let count = self.lines.len();
                for (index, line) in self.lines.iter().enumerate() {
                    section = section.push(line_row(language, index, count, line));
                }
            }
        }
        if !read_only {
            let mut adder = row![
                button(text(
                    language.pick("Add a line (Enter)", "Ajouter une ligne (Entrée)")
                ))
                .on_press(Message::AddLine),
                text_input(
                    language.pick(
                        "Add from the catalogue: search by code or name",
                        "Ajouter depuis le catalogue : code ou nom"
                    ),
                    &self.product_search
                )
                .on_input(Message::ProductSearchChanged),
            ]
            .spacing(8);
            if let Some(header) = &self.header {
                adder = adder.push(
                    button(text(if header.price_locked {
                        language.pick("Prices locked: unlock", "Prix verrouillés : déverrouiller")
                    } else {
                        language.pick(
                            "Prices follow the list: lock",
                            "Prix selon le tarif : verrouiller",
                        )
                    }))
                    .on_press(Message::TogglePriceLock),
                );
            }
            section = section.push(adder);
            for product in self.products.iter().take(8) {
                section = section.push(
                    button(text(format!("{} · {}", product.code, product.name)))
                        .style(button::text)
                        .on_press(Message::ProductPicked(Box::new(product.clone()))),
                );
            }
            section = section.push(self.price_changes_view(language));
        }
        container(section)
            .padding(12)
            .style(container::rounded_box)
            .width(Fill)
            .into()
    }

    fn price_changes_view(&self, language: Language) -> Element<'_, Message> {
        let changes = self
            .opened
            .as_ref()
            .map(|opened| opened.price_changes.as_slice())
            .unwrap_or_default();
        if changes.is_empty() {
            return Column::new().into();
        }
        let mut list = Column::new().spacing(2).push(text(language.pick(
            "Following the price list would change:",
            "Suivre le tarif changerait :",
        )));
        for change in changes {
            list = list.push(text(format!(
                "{} {} ({}): {} → {}",
                language.pick("line", "ligne"),
                change.line,
                change.description,
                language.decimal(change.current_price),
                language.decimal(change.list_price)
            )));
        }
        list.into()
    }

    fn totals_section(&self, language: Language) -> Element<'_, Message> {
        let mut section = Column::new().spacing(6);
        if !self.is_read_only() {
            section = section.push(
                row![
                    text(language.pick("Document discount:", "Remise globale :")),
                    text_input(
                        language.pick("5 % or 20.00", "5 % ou 20,00"),
                        &self.discount
                    )
                    .on_input(Message::DiscountChanged)
                    .width(80),
                    text(language.pick("Charge:", "Frais :")),
                    text_input(language.pick("12.50", "12,50"), &self.charge)
                        .on_input(Message::ChargeChanged)
                        .width(100),
                    text_input(
                        language.pick("reason, such as Shipping", "motif, par exemple Port"),
                        &self.charge_reason
                    )
                    .on_input(Message::ChargeReasonChanged),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        match self.totals(language) {
            Ok(totals) => section = section.push(totals_view(language, &totals)),
            Err(error) if !error.is_empty() => {
                section = section.push(text(format!(
                    "{} {error}",
                    language.pick("Totals not computed:", "Totaux non calculés :")
                )))
            }
            Err(_) => {}
        }
        container(section)
            .padding(12)
            .style(container::rounded_box)
            .width(Fill)
            .into()
    }

    fn payments_section(&self, language: Language, opened: &Opened) -> Element<'_, Message> {
        let currency = opened.view.totals.currency;
        let mut section = Column::new().spacing(6).push(text(format!(
            "{} {} · {} {} · {} {}",
            language.pick("Paid", "Payé"),
            language.money(opened.view.paid, currency),
            language.pick("credited", "avoirs"),
            language.money(opened.view.credited, currency),
            language.pick("balance", "reste dû"),
            language.money(opened.view.balance, currency),
        )));
        for payment in &opened.view.payments {
            section = section.push(
                row![
                    text(format!(
                        "{} · {} · {}",
                        language.date(payment.date),
                        language.money(payment.amount, currency),
                        payment.method
                    )),
                    button(text(language.pick("Edit", "Modifier")))
                        .on_press(Message::EditPayment(payment.id)),
                    button(text(language.pick("Delete", "Supprimer")))
                        .style(button::danger)
                        .on_press(Message::DeletePayment(payment.id)),
                ]
                .spacing(8)
                .align_y(iced::Center),
            );
        }
        if opened.view.balance > Decimal::ZERO || self.editing_payment.is_some() {
            let record = if self.editing_payment.is_some() {
                language.pick("Save payment change", "Enregistrer la modification")
            } else {
                language.pick("Record payment", "Enregistrer le paiement")
            };
            section = section.push(
                row![
                    text_input(language.pick("Amount", "Montant"), &self.payment_amount)
                        .on_input(Message::PaymentAmountChanged)
                        .on_submit(Message::RecordPayment)
                        .width(140),
                    text_input(
                        language.pick("Date (today)", "Date (aujourd'hui)"),
                        &self.payment_date
                    )
                    .on_input(Message::PaymentDateChanged)
                    .width(160),
                    text_input(language.pick("Method", "Moyen"), &self.payment_method)
                        .on_input(Message::PaymentMethodChanged)
                        .width(140),
                    button(text(record))
                        .style(button::primary)
                        .on_press(Message::RecordPayment),
                ]
                .spacing(8),
            );
        }
        container(section)
            .padding(12)
            .style(container::rounded_box)
            .width(Fill)
            .into()
    }

    fn dialog_view<'a>(&'a self, language: Language, dialog: &'a Dialog) -> Element<'a, Message> {
        let content = match dialog {
            Dialog::Checklist(findings) => checklist_view(language, findings),
            Dialog::Email(form) => self.email_dialog_view(language, form),
            Dialog::ConfirmCancel => super::confirm(
                language
                    .pick(
                        "Cancel this invoice? A credit note for its full amount is issued; the invoice itself stays as issued.",
                        "Annuler cette facture ? Un avoir de son montant total est émis ; la facture reste telle qu'émise.",
                    )
                    .to_string(),
                (language.pick("Issue the credit note", "Émettre l'avoir"), Message::ConfirmCancel),
                (language.pick("Keep the invoice (Escape)", "Garder la facture (Échap)"), Message::CloseDialog),
            ),
        };
        container(content).max_width(720).into()
    }
}

fn checklist_view(language: Language, findings: &[Finding]) -> Element<'_, Message> {
    let blocking = findings
        .iter()
        .filter(|finding| finding.severity == Severity::Blocking)
        .count();
    let mut list = Column::new()
        .spacing(8)
        .push(text(language.pick("Issue checklist", "Vérifications avant émission")).size(22));
    if findings.is_empty() {
        list = list.push(text(language.pick(
            "Every mandatory mention is present.",
            "Toutes les mentions obligatoires sont présentes.",
        )));
    }
    for finding in findings {
        let (label, style): (&str, fn(&iced::Theme) -> iced::widget::text::Style) =
            match finding.severity {
                Severity::Blocking => (
                    language.pick("Missing", "Manquant"),
                    iced::widget::text::danger,
                ),
                Severity::Warning => (
                    language.pick("Warning", "Avertissement"),
                    iced::widget::text::warning,
                ),
            };
        list = list.push(text(format!("{label}: {}", finding.message)).style(style));
    }
    let mut actions = row![].spacing(8);
    if blocking > 0 {
        list = list.push(text(language.pick(
            "This document cannot be issued until the missing mentions are filled in.",
            "Ce document ne peut pas être émis tant que les mentions manquantes ne sont pas renseignées.",
        )));
    } else {
        actions = actions.push(
            button(text(language.pick("Issue now", "Émettre maintenant")))
                .style(button::primary)
                .on_press(Message::ConfirmIssue),
        );
    }
    actions = actions.push(
        button(text(language.pick("Close (Escape)", "Fermer (Échap)")))
            .on_press(Message::CloseDialog),
    );
    container(list.push(actions))
        .padding(16)
        .style(container::bordered_box)
        .into()
}

fn new_customer_form<'a>(language: Language, form: &'a CustomerForm) -> Element<'a, Message> {
    let field = |placeholder: &'a str, value: &'a str, field: CustomerField| {
        text_input(placeholder, value)
            .on_input(move |value| Message::NewCustomerChanged(field, value))
    };
    column![
        row![
            field(
                language.pick("Legal name", "Raison sociale"),
                &form.name,
                CustomerField::Name
            ),
            field("SIREN", &form.siren, CustomerField::Siren),
            field(
                language.pick("VAT number", "N° TVA"),
                &form.vat_id,
                CustomerField::VatId
            ),
        ]
        .spacing(6),
        row![
            field(
                language.pick("Street", "Adresse"),
                &form.street,
                CustomerField::Street
            ),
            field(
                language.pick("Postcode", "Code postal"),
                &form.postcode,
                CustomerField::Postcode
            ),
            field(
                language.pick("City", "Ville"),
                &form.city,
                CustomerField::City
            ),
            field(
                language.pick("Country (FR)", "Pays (FR)"),
                &form.country,
                CustomerField::Country
            )
            .width(90),
            button(text(language.pick("Create customer", "Créer le client")))
                .style(button::primary)
                .on_press(Message::SaveNewCustomer),
        ]
        .spacing(6),
    ]
    .spacing(6)
    .into()
}

/// Shows a line of an issued document with its net amount from the stored
/// totals.
fn stored_line_row<'a>(
    language: Language,
    line: &'a Line,
    amounts: Option<&calc::LineAmounts>,
    currency: crate::money::Currency,
) -> Element<'a, Message> {
    let decimals = currency.decimals();
    let discount = match line.discount {
        Some(LineDiscount::Percent(percent)) => format!("{} %", language.decimal(percent)),
        Some(LineDiscount::Amount(amount)) => language.number(amount, decimals),
        None => String::new(),
    };
    row![
        text(&line.description).width(Length::FillPortion(5)),
        text(language.decimal(line.quantity)).width(Length::FillPortion(1)),
        text(crate::units::unit_name(
            &line.unit,
            language == Language::French
        ))
        .width(Length::FillPortion(1)),
        text(language.number(line.unit_price, decimals.max(line.unit_price.scale())))
            .width(Length::FillPortion(2)),
        text(discount).width(Length::FillPortion(1)),
        text(VatChoice(line.vat.clone(), language).to_string()).width(Length::FillPortion(2)),
        text(
            line.delivery_date
                .map(|date| language.date(date))
                .unwrap_or_default()
        )
        .width(Length::FillPortion(2)),
        text(
            amounts
                .map(|amounts| language.money(amounts.net_amount, currency))
                .unwrap_or_default()
        )
        .width(Length::FillPortion(2)),
    ]
    .spacing(6)
    .into()
}

fn line_row<'a>(
    language: Language,
    index: usize,
    count: usize,
    line: &'a LineForm,
) -> Element<'a, Message> {
    let input = |value: &'a str, field: LineField| {
        text_input("", value)
            .on_input(move |value| Message::LineChanged(index, field, value))
            .on_submit(Message::AddLine)
    };
    let mut description = input(&line.description, LineField::Description);
    if index + 1 == count {
        description = description.id(LAST_LINE_ID);
    }
    let mut options: Vec<VatChoice> = vat_presets()
        .into_iter()
        .map(|vat| VatChoice(vat, language))
        .collect();
    let current = VatChoice(line.vat.clone(), language);
    if !options.contains(&current) {
        options.push(current.clone());
    }
    row![
        description.width(Length::FillPortion(5)),
        input(&line.quantity, LineField::Quantity).width(Length::FillPortion(1)),
        input(&line.unit, LineField::Unit).width(Length::FillPortion(1)),
        input(&line.unit_price, LineField::UnitPrice).width(Length::FillPortion(2)),
        input(&line.discount, LineField::Discount).width(Length::FillPortion(1)),
        pick_list(
            options,
            Some(current),
            move |choice| Message::LineVatPicked(index, choice)
        )
        .width(Length::FillPortion(2)),
        input(&line.delivery_date, LineField::DeliveryDate).width(Length::FillPortion(2)),
        row![
            button(text("↑")).on_press_maybe((index > 0).then_some(Message::MoveLineUp(index))),
            button(text("↓"))
                .on_press_maybe((index + 1 < count).then_some(Message::MoveLineDown(index))),
            button(text("✕"))
                .style(button::danger)
                .on_press(Message::RemoveLine(index)),
        ]
        .spacing(2)
        .width(Length::FillPortion(2)),
    ]
    .spacing(6)
    .into()
}

fn totals_view<'a>(language: Language, totals: &Totals) -> Element<'a, Message> {
    let currency = totals.currency;
    let money = |amount| language.money(amount, currency);
    let mut column = Column::new().spacing(4).align_x(iced::Right).width(Fill);
    column = column.push(text(format!(
        "{} {}",
        language.pick("Lines net total:", "Total des lignes HT :"),
        money(totals.line_net_total)
    )));
    if !totals.allowance_total.is_zero() {
        column = column.push(text(format!(
            "{} −{}",
            language.pick("Discounts:", "Remises :"),
            money(totals.allowance_total)
        )));
    }
    if !totals.charge_total.is_zero() {
        column = column.push(text(format!(
            "{} {}",
            language.pick("Charges:", "Frais :"),
            money(totals.charge_total)
        )));
    }
    column = column.push(text(format!(
        "{} {}",
        language.pick("Total excl. VAT:", "Total HT :"),
        money(totals.tax_exclusive_total)
    )));
    for breakdown in &totals.vat_breakdown {
        column = column.push(text(format!(
            "{} {} {} {} → {}",
            language.pick("VAT", "TVA"),
            VatChoice(breakdown.vat.clone(), language),
            language.pick("on", "sur"),
            money(breakdown.taxable_amount),
            money(breakdown.tax_amount)
        )));
    }
    column = column.push(text(format!(
        "{} {}",
        language.pick("VAT total:", "Total TVA :"),
        money(totals.tax_total)
    )));
    column = column.push(
        text(format!(
            "{} {}",
            language.pick("Total incl. VAT:", "Total TTC :"),
            money(totals.tax_inclusive_total)
        ))
        .size(20),
    );
    column.into()
}

/// Tells where Print sent the document.
fn printed_notice(printed: &crate::desktop::Printed, language: Language) -> String {
    match printed {
        crate::desktop::Printed::Sent { printer, job } => match language {
            Language::English => format!("Sent to the printer {printer} (job {job})"),
            Language::French => format!("Envoyé à l'imprimante {printer} (travail {job})"),
        },
        crate::desktop::Printed::Opened(path) => match language {
            Language::English => format!(
                "Opened in the PDF viewer, which prints it: {}",
                path.display()
            ),
            Language::French => format!(
                "Ouvert dans la visionneuse PDF, qui l'imprime : {}",
                path.display()
            ),
        },
    }
}
