//! The status board, the home screen: count and total per invoice status,
//! invoiced versus collected over twelve months, and one page of documents
//! found by number or customer as the user types.

use chrono::{Datelike, NaiveDate};
use iced::widget::{
    Column, button, column, container, pick_list, row, scrollable, space, text, text_input,
};
use iced::{Element, Fill, Length};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::books::{BoardEntry, ListedDocument, today};
use crate::document::{DocumentId, DocumentKind, InvoiceStatus};
use crate::store::Customer;
use crate::store::documents::ListFilter;
use crate::ui::database::{BoardPage, MonthFigures, PAGE_SIZE, Reply, Request};
use crate::ui::i18n::Language;
use crate::ui::screen::Action;

/// Id of the search field, focused by Ctrl+F.
pub const SEARCH_ID: &str = "board-search";

/// Height in pixels of the tallest bar of the chart.
const CHART_HEIGHT: f32 = 120.0;

/// The issue-date window of the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    #[default]
    All,
    ThisMonth,
    LastThreeMonths,
    ThisYear,
    LastTwelveMonths,
}

impl Period {
    const ALL: [Period; 5] = [
        Period::All,
        Period::ThisMonth,
        Period::LastThreeMonths,
        Period::ThisYear,
        Period::LastTwelveMonths,
    ];

    /// First and last issue dates of the period, as of `today`.
    pub fn range(self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let first_of_month = today.with_day(1).unwrap_or(today);
        let back = |months| first_of_month.checked_sub_months(chrono::Months::new(months));
        let from = match self {
            Period::All => return (None, None),
            Period::ThisMonth => Some(first_of_month),
            Period::LastThreeMonths => back(2),
            Period::ThisYear => today.with_ordinal(1),
            Period::LastTwelveMonths => back(11),
        };
        (from, Some(today))
    }
}

/// A period as shown in the picker, in the interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodChoice(pub Period, pub Language);

impl std::fmt::Display for PeriodChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let language = self.1;
        formatter.write_str(match self.0 {
            Period::All => language.pick("All dates", "Toutes les dates"),
            Period::ThisMonth => language.pick("This month", "Ce mois-ci"),
            Period::LastThreeMonths => language.pick("Last 3 months", "3 derniers mois"),
            Period::ThisYear => language.pick("This year", "Cette année"),
            Period::LastTwelveMonths => language.pick("Last 12 months", "12 derniers mois"),
        })
    }
}

/// A kind of document in the filter picker; none is every kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindChoice(pub Option<DocumentKind>, pub Language);

impl std::fmt::Display for KindChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let language = self.1;
        formatter.write_str(match self.0 {
            None => language.pick("All documents", "Tous les documents"),
            Some(DocumentKind::Invoice) => language.pick("Invoices", "Factures"),
            Some(DocumentKind::CreditNote) => language.pick("Credit notes", "Avoirs"),
            Some(DocumentKind::Quote) => language.pick("Quotes", "Devis"),
            Some(DocumentKind::Order) => language.pick("Orders", "Commandes"),
        })
    }
}

/// A customer in the filter picker; id 0 is "every customer".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerChoice {
    pub id: i64,
    pub name: String,
}

impl std::fmt::Display for CustomerChoice {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.name)
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The search text changed; the list follows at once.
    SearchChanged(String),
    PeriodPicked(PeriodChoice),
    CustomerPicked(CustomerChoice),
    /// Show one kind of document (quotes, orders…) or all of them.
    KindPicked(KindChoice),
    PreviousPage,
    NextPage,
    /// Open the document of a row.
    Open(DocumentId),
    /// Start a new quote, order or invoice.
    New(DocumentKind),
    Replied(Reply),
}

#[derive(Debug, Default)]
pub struct Board {
    search: String,
    period: Period,
    customer: Option<CustomerChoice>,
    kind: Option<DocumentKind>,
    customers: Vec<Customer>,
    page: usize,
    data: Option<BoardPage>,
    error: Option<String>,
    /// The filter of the latest load sent. Replies may arrive out of order,
    /// so a page loaded for another filter is dropped.
    requested: Option<ListFilter>,
}

impl Board {
    /// Creates a board with nothing loaded and the requests that load it.
    pub fn new() -> (Board, Vec<Request>) {
        let mut board = Board::default();
        let requests = vec![
            board.request(),
            Request::SearchCustomers {
                search: String::new(),
                include_archived: true,
            },
        ];
        (board, requests)
    }

    /// Returns the loaded figures, once they are there.
    pub fn data(&self) -> Option<&BoardPage> {
        self.data.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    fn filter(&self) -> ListFilter {
        let (from, to) = self.period.range(today());
        ListFilter {
            kind: self.kind,
            customer_id: self
                .customer
                .as_ref()
                .map(|choice| choice.id)
                .filter(|id| *id != 0),
            from,
            to,
            search: self.search.trim().to_string(),
        }
    }

    fn request(&mut self) -> Request {
        let filter = self.filter();
        self.requested = Some(filter.clone());
        Request::LoadBoard {
            filter,
            page: self.page,
        }
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::SearchChanged(search) => {
                self.search = search;
                self.page = 0;
                Action::Run(self.request())
            }
            Message::PeriodPicked(PeriodChoice(period, _)) => {
                self.period = period;
                self.page = 0;
                Action::Run(self.request())
            }
            Message::KindPicked(KindChoice(kind, _)) => {
                self.kind = kind;
                self.page = 0;
                Action::Run(self.request())
            }
            Message::CustomerPicked(choice) => {
                self.customer = Some(choice);
                self.page = 0;
                Action::Run(self.request())
            }
            Message::PreviousPage => {
                self.page = self.page.saturating_sub(1);
                Action::Run(self.request())
            }
            Message::NextPage => {
                self.page += 1;
                Action::Run(self.request())
            }
            Message::Open(id) => Action::Open(id),
            Message::New(kind) => Action::New(kind),
            Message::Replied(reply) => {
                self.replied(reply);
                Action::None
            }
        }
    }

    fn replied(&mut self, reply: Reply) {
        match reply {
            Reply::Board(Ok(page))
                if self
                    .requested
                    .as_ref()
                    .is_some_and(|requested| *requested != page.filter) => {}
            Reply::Board(Ok(page)) => {
                self.page = page.page;
                self.data = Some(*page);
                self.error = None;
            }
            Reply::Customers(Ok(customers)) => self.customers = customers,
            Reply::Board(Err(error)) | Reply::Customers(Err(error)) => self.error = Some(error),
            _ => {}
        }
    }

    pub fn view(&self, language: Language) -> Element<'_, Message> {
        let mut content = Column::new().spacing(16).push(self.toolbar(language));
        if let Some(error) = &self.error {
            content = content.push(super::error_banner(language, error));
        }
        if let Some(data) = &self.data {
            content = content
                .push(status_cards(language, data))
                .push(chart(language, data))
                .push(document_list(language, data));
        } else if self.error.is_none() {
            content = content.push(text(language.pick("Loading…", "Chargement…")));
        }
        scrollable(content.padding(16)).height(Fill).into()
    }

    fn toolbar(&self, language: Language) -> Element<'_, Message> {
        let kinds: Vec<KindChoice> = [
            None,
            Some(DocumentKind::Invoice),
            Some(DocumentKind::CreditNote),
            Some(DocumentKind::Quote),
            Some(DocumentKind::Order),
        ]
        .into_iter()
        .map(|kind| KindChoice(kind, language))
        .collect();
        let periods: Vec<PeriodChoice> = Period::ALL
            .iter()
            .map(|period| PeriodChoice(*period, language))
            .collect();
        let mut customers = vec![CustomerChoice {
            id: 0,
            name: language
                .pick("All customers", "Tous les clients")
                .to_string(),
        }];
        customers.extend(self.customers.iter().map(|customer| CustomerChoice {
            id: customer.id,
            name: customer.party.name.clone(),
        }));
        let customer = self.customer.clone().or_else(|| customers.first().cloned());
        let search = row![
            text_input(
                language.pick(
                    "Search by number or customer (Ctrl+F)",
                    "Rechercher un numéro ou un client (Ctrl+F)"
                ),
                &self.search
            )
            .id(SEARCH_ID)
            .on_input(Message::SearchChanged)
            .width(Fill),
            button(text(language.pick("New quote", "Nouveau devis")))
                .on_press(Message::New(DocumentKind::Quote)),
            button(text(language.pick("New order", "Nouvelle commande")))
                .on_press(Message::New(DocumentKind::Order)),
            button(text(
                language.pick("New invoice (Ctrl+N)", "Nouvelle facture (Ctrl+N)")
            ))
            .style(button::primary)
            .on_press(Message::New(DocumentKind::Invoice)),
        ]
        .spacing(8);
        let filters = row![
            pick_list(
                periods,
                Some(PeriodChoice(self.period, language)),
                Message::PeriodPicked
            ),
            pick_list(customers, customer, Message::CustomerPicked),
            pick_list(
                kinds,
                Some(KindChoice(self.kind, language)),
                Message::KindPicked
            ),
        ]
        .spacing(8);
        column![search, filters].spacing(8).into()
    }
}

/// Returns the name of an invoice status in `language`.
pub fn status_name(language: Language, status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Draft => language.pick("Draft", "Brouillon"),
        InvoiceStatus::Open => language.pick("Open", "Émise"),
        InvoiceStatus::Partial => language.pick("Partially paid", "Payée en partie"),
        InvoiceStatus::Paid => language.pick("Paid", "Payée"),
        InvoiceStatus::Cancelled => language.pick("Cancelled", "Annulée"),
    }
}

fn status_cards(language: Language, data: &BoardPage) -> Element<'_, Message> {
    let board = &data.board;
    let card = |title: &'static str, entry: &BoardEntry, danger: bool| -> Element<'_, Message> {
        let card = container(
            column![
                text(title).size(14),
                text(entry.count.to_string()).size(26),
                text(language.money(entry.total, board.currency)).size(14),
            ]
            .spacing(4),
        )
        .padding(12)
        .width(Fill);
        if danger {
            card.style(container::danger).into()
        } else {
            card.style(container::rounded_box).into()
        }
    };
    let statuses = [
        (InvoiceStatus::Draft, &board.draft),
        (InvoiceStatus::Open, &board.open),
        (InvoiceStatus::Partial, &board.partial),
        (InvoiceStatus::Paid, &board.paid),
        (InvoiceStatus::Cancelled, &board.cancelled),
    ];
    let mut cards = row![].spacing(8);
    for (status, entry) in statuses {
        cards = cards.push(card(status_name(language, status), entry, false));
    }
    cards = cards.push(card(
        language.pick("Overdue", "En retard"),
        &board.overdue,
        board.overdue.count > 0,
    ));
    let mut summary = column![
        cards,
        text(format!(
            "{} {}   ·   {} {}",
            language.pick("Revenue excl. VAT:", "Chiffre d'affaires HT :"),
            language.money(board.revenue, board.currency),
            language.pick("Receivables:", "À encaisser :"),
            language.money(board.receivables, board.currency),
        )),
    ]
    .spacing(8);
    if board.unconverted > 0 {
        summary = summary.push(text(format!(
            "{} {}",
            board.unconverted,
            language.pick(
                "document(s) without an amount in the company currency (drafts, or another currency without an exchange rate) are counted but left out of the amounts.",
                "document(s) sans montant dans la devise de l'entreprise (brouillons, ou autre devise sans taux de change) sont comptés mais exclus des montants."
            )
        )));
    }
    summary.into()
}

/// Invoiced versus collected per month, as pairs of bars scaled to the
/// largest amount of the twelve months.
fn chart(language: Language, data: &BoardPage) -> Element<'_, Message> {
    let largest = data
        .months
        .iter()
        .flat_map(|month| [month.invoiced, month.collected])
        .max()
        .unwrap_or_default();
    let bar_height = |amount: Decimal| -> f32 {
        if largest <= Decimal::ZERO || amount <= Decimal::ZERO {
            return 1.0;
        }
        let share = (amount / largest).to_f32().unwrap_or(0.0);
        (share * CHART_HEIGHT).max(1.0)
    };
    let bar = |amount: Decimal, style: fn(&iced::Theme) -> container::Style| {
        container(space())
            .width(12)
            .height(bar_height(amount))
            .style(style)
    };
    let mut bars = row![]
        .spacing(12)
        .align_y(iced::Bottom)
        .height(CHART_HEIGHT + 24.0);
    for month in &data.months {
        bars = bars.push(month_bars(
            language,
            month,
            bar(month.invoiced, container::primary),
            bar(month.collected, container::success),
        ));
    }
    container(
        column![
            text(language.pick(
                "Invoiced (blue) and collected (green) per month, last 12 months",
                "Facturé (bleu) et encaissé (vert) par mois, 12 derniers mois"
            )),
            bars,
        ]
        .spacing(8),
    )
    .padding(12)
    .style(container::rounded_box)
    .into()
}

fn month_bars<'a>(
    language: Language,
    month: &MonthFigures,
    invoiced: container::Container<'a, Message>,
    collected: container::Container<'a, Message>,
) -> Element<'a, Message> {
    let label = match language {
        Language::French => format!("{:02}/{:02}", month.month.month(), month.month.year() % 100),
        Language::English => month.month.format("%b %y").to_string(),
    };
    column![
        row![invoiced, collected].spacing(2).align_y(iced::Bottom),
        text(label).size(11)
    ]
    .spacing(4)
    .align_x(iced::Center)
    .into()
}

fn kind_name(language: Language, kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Quote => language.pick("Quote", "Devis"),
        DocumentKind::Order => language.pick("Order", "Commande"),
        DocumentKind::Invoice => language.pick("Invoice", "Facture"),
        DocumentKind::CreditNote => language.pick("Credit note", "Avoir"),
    }
}

fn document_list(language: Language, data: &BoardPage) -> Element<'_, Message> {
    let header = row![
        text(language.pick("Number", "Numéro")).width(Length::FillPortion(2)),
        text(language.pick("Type", "Type")).width(Length::FillPortion(1)),
        text(language.pick("Customer", "Client")).width(Length::FillPortion(3)),
        text(language.pick("Date", "Date")).width(Length::FillPortion(1)),
        text(language.pick("Status", "Statut")).width(Length::FillPortion(2)),
        text(language.pick("Total incl. VAT", "Total TTC")).width(Length::FillPortion(2)),
        text(language.pick("Balance", "Reste dû")).width(Length::FillPortion(2)),
    ]
    .spacing(8)
    .padding([0, 8]);
    let mut list = Column::new().spacing(2).push(header);
    for row_data in &data.rows {
        list = list.push(document_row(language, row_data));
    }
    if data.rows.is_empty() {
        list = list.push(text(language.pick(
            "No document matches. Change the search or the filters, or create a document.",
            "Aucun document ne correspond. Modifiez la recherche ou les filtres, ou créez un document.",
        )));
    }
    let pages = data.matching.div_ceil(PAGE_SIZE).max(1);
    let pager = row![
        button(text("‹")).on_press_maybe((data.page > 0).then_some(Message::PreviousPage)),
        text(format!(
            "{} {} / {}  ({} {})",
            language.pick("Page", "Page"),
            data.page + 1,
            pages,
            data.matching,
            language.pick("documents", "documents")
        )),
        button(text("›")).on_press_maybe((data.page + 1 < pages).then_some(Message::NextPage)),
    ]
    .spacing(8)
    .align_y(iced::Center);
    column![list, pager].spacing(8).into()
}

fn document_row(language: Language, document: &ListedDocument) -> Element<'_, Message> {
    let mut status = match (document.kind, document.stage.as_deref()) {
        (DocumentKind::Quote | DocumentKind::Order, Some(stage)) if document.number.is_some() => {
            stage.to_string()
        }
        // An issued credit note has no payment status of its own.
        (DocumentKind::CreditNote, _) if document.number.is_some() => {
            language.pick("Issued", "Émis").to_string()
        }
        _ => status_name(language, document.status).to_string(),
    };
    if document.overdue {
        status = format!("{status} · {}", language.pick("overdue", "en retard"));
    }
    let cells = row![
        text(
            document
                .number
                .clone()
                .unwrap_or_else(|| language.pick("(draft)", "(brouillon)").to_string())
        )
        .width(Length::FillPortion(2)),
        text(kind_name(language, document.kind)).width(Length::FillPortion(1)),
        text(&document.customer_name).width(Length::FillPortion(3)),
        text(
            document
                .issue_date
                .map(|date| language.date(date))
                .unwrap_or_default()
        )
        .width(Length::FillPortion(1)),
        text(status)
            .width(Length::FillPortion(2))
            .style(if document.overdue {
                text::danger
            } else {
                text::default
            }),
        text(language.money(document.tax_inclusive_total, document.currency))
            .width(Length::FillPortion(2)),
        text(language.money(document.balance, document.currency)).width(Length::FillPortion(2)),
    ]
    .spacing(8);
    button(cells)
        .style(button::text)
        .width(Fill)
        .on_press(Message::Open(document.id))
        .into()
}
