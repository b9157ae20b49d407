//! The printed content of a document, block by block: seller, document
//! data, buyer, line table, VAT breakdown, totals and the legal mentions.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fonts::Weight;
use super::labels::{Labels, Language};
use super::layout::{Align, BLACK, Cell, GREY, Logo, MARGIN, Row, Sheet, WHITE, printable, wrap};
use super::{Nature, PdfError};
use crate::books::DocumentView;
use crate::document::{Address, Company, DocumentKind, LineDiscount, Party};
use crate::money::format_grouped;
use crate::units::unit_name;
use crate::vat::VatCategory;

const BODY: f32 = 8.5;
const SMALL: f32 = 7.5;
const TITLE: f32 = 16.0;

/// A document with everything needed to print it.
pub struct Printed<'a> {
    pub view: &'a DocumentView,
    pub seller: &'a Company,
    pub labels: &'a Labels,
    pub nature: Nature,
}

/// Text of one cell before it is placed: content, size, weight, colour.
fn cell(x: f32, width: f32, align: Align, text: String, size: f32, weight: Weight) -> Cell {
    Cell {
        x,
        width,
        align,
        text,
        size,
        weight,
        color: BLACK,
    }
}

impl Printed<'_> {
    fn kind(&self) -> DocumentKind {
        self.view.document.header.kind
    }

    fn title(&self) -> &'static str {
        match self.kind() {
            DocumentKind::Quote => self.labels.quote,
            DocumentKind::Order => self.labels.order,
            DocumentKind::Invoice => self.labels.invoice,
            DocumentKind::CreditNote => self.labels.credit_note,
        }
    }

    /// Title and number, or the draft notice, printed on every page.
    pub fn page_caption(&self) -> String {
        match &self.view.document.number {
            Some(number) => format!("{} {number}", self.title()),
            None => format!("{} ({})", self.title(), self.labels.draft),
        }
    }

    fn date(&self, date: NaiveDate) -> String {
        match self.labels.language {
            Language::French => date.format("%d/%m/%Y").to_string(),
            Language::English => date.format("%Y-%m-%d").to_string(),
        }
    }

    fn number(&self, value: Decimal, decimals: u32) -> String {
        format_grouped(value, decimals, self.labels.number_style)
    }

    fn amount(&self, value: Decimal) -> String {
        self.number(value, self.view.totals.currency.decimals())
    }

    fn money(&self, value: Decimal) -> String {
        let currency = self.view.totals.currency;
        let symbol = match currency.symbol() {
            "" => currency.code(),
            symbol => symbol,
        };
        format!("{} {symbol}", self.amount(value))
    }

    /// Formats a decimal (quantity, rate) without trailing zeros.
    fn decimal(&self, value: Decimal) -> String {
        let text = value.normalize().to_string();
        match self.labels.language {
            Language::French => text.replace('.', ","),
            Language::English => text,
        }
    }

    fn percent(&self, value: Decimal) -> String {
        match self.labels.language {
            Language::French => format!("{}\u{a0}%", self.decimal(value)),
            Language::English => format!("{}%", self.decimal(value)),
        }
    }

    fn labelled(&self, label: &str, value: &str) -> String {
        format!("{label}{}{value}", self.labels.colon())
    }

    /// Lays out every block of the document on the sheet.
    pub fn lay_out(&self, sheet: &mut Sheet, logo: Option<&Logo>) -> Result<(), PdfError> {
        if let Some(logo) = logo {
            sheet.place_logo(logo);
        }
        let half = sheet.text_width() / 2.0 - 10.0;
        let right = MARGIN + sheet.text_width() / 2.0 + 10.0;
        let seller = self.seller_lines(half)?;
        let heading = self.heading_lines(sheet, half)?;
        for row in side_by_side(seller, heading, MARGIN, right) {
            sheet.place(&row);
        }
        sheet.place(&Row::gap(14.0));
        let buyer = self.buyer_lines(
            self.labels.billed_to,
            &self.view.document.header.buyer,
            None,
            half,
        )?;
        let delivery = match &self.view.document.header.buyer.delivery_address {
            Some(address) if *address != self.view.document.header.buyer.address => self
                .buyer_lines(
                    self.labels.deliver_to,
                    &self.view.document.header.buyer,
                    Some(address),
                    half,
                )?,
            _ => Vec::new(),
        };
        for row in side_by_side(delivery, buyer, MARGIN, right) {
            sheet.place(&row);
        }
        sheet.place(&Row::gap(10.0));
        for row in self.preamble_rows(sheet.text_width())? {
            sheet.place(&row);
        }
        self.lay_out_lines(sheet)?;
        let closing = self.closing_rows(sheet)?;
        sheet.place_together(&closing);
        Ok(())
    }

    fn seller_lines(&self, width: f32) -> Result<Vec<Row>, PdfError> {
        let seller = self.seller;
        let labels = self.labels;
        let mut rows = text_rows(&seller.name, MARGIN, width, BODY + 1.5, Weight::Bold)?;
        let mut plain = Vec::new();
        let mut form = seller.legal_form.trim().to_string();
        if !seller.share_capital.trim().is_empty() {
            form = format!("{form} {} {}", labels.capital, seller.share_capital.trim());
        }
        plain.push(form);
        plain.extend(address_lines(&seller.address));
        let mut registry = Vec::new();
        if !seller.siren.trim().is_empty() {
            registry.push(format!("{} {}", labels.siren, seller.siren.trim()));
        }
        if !seller.rcs.trim().is_empty() {
            registry.push(seller.rcs.trim().to_string());
        }
        plain.push(registry.join(" · "));
        if !seller.vat_id.trim().is_empty() {
            plain.push(self.labelled(labels.vat_id, seller.vat_id.trim()));
        }
        plain.push(
            [seller.email.trim(), seller.phone.trim()]
                .into_iter()
                .filter(|text| !text.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
        );
        for line in plain.iter().filter(|line| !line.trim().is_empty()) {
            rows.extend(text_rows(line, MARGIN, width, BODY, Weight::Regular)?);
        }
        Ok(rows)
    }

    fn heading_lines(&self, sheet: &Sheet, width: f32) -> Result<Vec<Row>, PdfError> {
        let x = MARGIN + sheet.text_width() - width;
        let document = &self.view.document;
        let header = &document.header;
        let labels = self.labels;
        // A long title shrinks to stay on one line.
        let title = self.title().to_uppercase();
        let size = fitted_size(&title, width, TITLE, Weight::Bold)?;
        let mut rows = vec![Row::new(TITLE).with(Cell {
            color: sheet.accent,
            ..cell(x, width, Align::Left, title, size, Weight::Bold)
        })];

        let number = match &document.number {
            Some(number) => number.clone(),
            None => labels.draft.to_string(),
        };
        rows.extend(text_rows(
            &format!("N° {number}"),
            x,
            width,
            BODY + 2.0,
            Weight::Bold,
        )?);

        let mut fields = Vec::new();
        if let Some(date) = header.issue_date {
            fields.push((labels.issue_date, self.date(date)));
        }
        if let Some(date) = header.delivery_date {
            fields.push((labels.delivery_date, self.date(date)));
        }
        if let Some(date) = document.due_date {
            fields.push((labels.due_date, self.date(date)));
        }
        if self.kind() == DocumentKind::Quote {
            if let Some(date) = header.valid_until {
                fields.push((labels.valid_until, self.date(date)));
            }
        }
        if let Some(reference) = header
            .purchase_order_ref
            .as_deref()
            .filter(|r| !r.trim().is_empty())
        {
            fields.push((labels.purchase_order, reference.to_string()));
        }
        if let Some(reference) = header
            .buyer_reference
            .as_deref()
            .filter(|r| !r.trim().is_empty())
        {
            fields.push((labels.buyer_reference, reference.to_string()));
        }
        for (label, value) in fields {
            rows.extend(text_rows(
                &self.labelled(label, &value),
                x,
                width,
                BODY,
                Weight::Regular,
            )?);
        }
        Ok(rows)
    }

    fn buyer_lines(
        &self,
        label: &str,
        buyer: &Party,
        delivery: Option<&Address>,
        width: f32,
    ) -> Result<Vec<Row>, PdfError> {
        let mut rows = Vec::new();
        let mut heading = Row::new(SMALL);
        heading.cells.push(Cell {
            color: GREY,
            ..cell(
                0.0,
                width,
                Align::Left,
                printable(label)?,
                SMALL,
                Weight::Regular,
            )
        });
        rows.push(heading);
        rows.extend(text_rows(
            &buyer.name,
            0.0,
            width,
            BODY + 1.0,
            Weight::Bold,
        )?);
        let address = delivery.unwrap_or(&buyer.address);
        let mut lines = address_lines(address);
        if delivery.is_none() {
            if let Some(siren) = buyer.siren.as_deref().filter(|s| !s.trim().is_empty()) {
                lines.push(format!("{} {}", self.labels.siren, siren.trim()));
            }
            if let Some(vat_id) = buyer.vat_id.as_deref().filter(|s| !s.trim().is_empty()) {
                lines.push(self.labelled(self.labels.vat_id, vat_id.trim()));
            }
        }
        for line in lines {
            rows.extend(text_rows(&line, 0.0, width, BODY, Weight::Regular)?);
        }
        Ok(rows)
    }

    /// Builds the credit note's reference to the invoice it corrects, and the
    /// free note.
    fn preamble_rows(&self, width: f32) -> Result<Vec<Row>, PdfError> {
        let mut rows = Vec::new();
        if let Some((number, date)) = &self.view.corrects {
            let text = format!("{} {number} ({})", self.labels.corrects, self.date(*date));
            rows.extend(text_rows(&text, MARGIN, width, BODY, Weight::Bold)?);
        }
        if let Some(note) = self
            .view
            .document
            .header
            .note
            .as_deref()
            .filter(|n| !n.trim().is_empty())
        {
            rows.extend(text_rows(note, MARGIN, width, BODY, Weight::Regular)?);
        }
        if !rows.is_empty() {
            rows.push(Row::gap(6.0));
        }
        Ok(rows)
    }

    /// Returns the left edge, width and alignment of each column of the line
    /// table: description, quantity, unit, unit price, VAT rate, discount and
    /// net amount. The description column takes the width the others leave.
    fn columns(&self, sheet: &Sheet) -> [(f32, f32, Align); 7] {
        let widths = [0.0, 46.0, 44.0, 62.0, 38.0, 50.0, 66.0];
        let fixed: f32 = widths.iter().sum();
        let description = sheet.text_width() - fixed;
        let mut x = MARGIN;
        let mut columns = [(0.0, 0.0, Align::Left); 7];
        for (index, width) in widths.iter().enumerate() {
            let width = if index == 0 { description } else { *width };
            let align = if index == 0 || index == 2 {
                Align::Left
            } else {
                Align::Right
            };
            // Cells keep 3 points of padding from the column edges.
            columns[index] = (x + 3.0, width - 6.0, align);
            x += width;
        }
        columns
    }

    fn table_header(&self, sheet: &Sheet) -> Result<Vec<Row>, PdfError> {
        let labels = self.labels;
        let titles = [
            labels.description,
            labels.quantity,
            labels.unit,
            labels.unit_price,
            labels.vat_rate,
            labels.discount,
            labels.net_amount,
        ];
        let columns = self.columns(sheet);
        let mut wrapped = Vec::new();
        for (title, (_, width, _)) in titles.iter().zip(columns) {
            wrapped.push(wrap(title, width, SMALL, Weight::Bold)?);
        }
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        let mut rows = Vec::new();
        for line in 0..height {
            let mut row = Row::new(SMALL);
            row.band = Some(sheet.accent);
            for (lines, (x, width, align)) in wrapped.iter().zip(columns) {
                if let Some(text) = lines.get(line) {
                    row.cells.push(Cell {
                        color: WHITE,
                        ..cell(x, width, align, text.clone(), SMALL, Weight::Bold)
                    });
                }
            }
            rows.push(row);
        }
        Ok(rows)
    }

    fn lay_out_lines(&self, sheet: &mut Sheet) -> Result<(), PdfError> {
        let header = self.table_header(sheet)?;
        let header_height: f32 = header.iter().map(|row| row.height).sum();
        // The header is never left alone at the foot of a page.
        if sheet.remaining() < header_height + 3.0 * BODY {
            sheet.new_page();
        }
        sheet.start_table(header);
        let columns = self.columns(sheet);
        let lines = &self.view.document.content.lines;
        let french = self.labels.language == Language::French;
        for (index, line) in lines.iter().enumerate() {
            let amounts = self.view.totals.lines.get(index);
            let mut description = line.description.clone();
            if let Some(code) = line.item_code.as_deref().filter(|c| !c.trim().is_empty()) {
                description = format!("[{}] {description}", code.trim());
            }
            let discount = match line.discount {
                Some(LineDiscount::Percent(rate)) => format!("-{}", self.percent(rate)),
                Some(LineDiscount::Amount(amount)) => format!("-{}", self.amount(amount)),
                None => String::new(),
            };
            let mut unit_price = self.number(
                line.unit_price,
                self.view
                    .totals
                    .currency
                    .decimals()
                    .max(line.unit_price.normalize().scale()),
            );
            if line.base_quantity != Decimal::ONE {
                unit_price = format!("{unit_price} / {}", self.decimal(line.base_quantity));
            }
            let figures = [
                self.decimal(line.quantity),
                unit_name(&line.unit, french).to_string(),
                unit_price,
                self.vat_label(line.vat.category, line.vat.rate),
                discount,
                amounts
                    .map(|a| self.amount(a.net_amount))
                    .unwrap_or_default(),
            ];
            let (x, width, _) = columns[0];
            let description_lines = wrap(&printable(&description)?, width, BODY, Weight::Regular)?;
            for (number, text) in description_lines.into_iter().enumerate() {
                let mut row =
                    Row::new(BODY).with(cell(x, width, Align::Left, text, BODY, Weight::Regular));
                if number == 0 {
                    for (value, (x, width, align)) in figures.iter().zip(&columns[1..]) {
                        let value = printable(value)?;
                        let size = fitted_size(&value, *width, BODY, Weight::Regular)?;
                        row = row.with(cell(*x, *width, *align, value, size, Weight::Regular));
                    }
                }
                sheet.place(&row);
            }
            sheet.place(&Row::gap(3.0));
        }
        sheet.end_table();
        Ok(())
    }

    fn vat_label(&self, category: VatCategory, rate: Decimal) -> String {
        match category {
            VatCategory::S => self.percent(rate),
            other => other.code().to_string(),
        }
    }

    /// Builds the block that closes the document: allowances, charges, VAT
    /// breakdown, totals and legal mentions. It is kept on one page, the last.
    // NOTE: a block taller than a whole page (dozens of exemption wordings)
    // flows over two pages, and the totals then sit on the second to last.
    fn closing_rows(&self, sheet: &Sheet) -> Result<Vec<Row>, PdfError> {
        let mut rows = vec![Row::gap(8.0)];
        rows.extend(self.allowance_rows(sheet)?);
        rows.extend(self.breakdown_rows(sheet)?);
        rows.push(Row::gap(6.0));
        rows.extend(self.total_rows(sheet)?);
        rows.push(Row::gap(10.0));
        for mention in self.mentions() {
            rows.extend(text_rows(
                &mention,
                MARGIN,
                sheet.text_width(),
                SMALL + 0.5,
                Weight::Regular,
            )?);
        }
        Ok(rows)
    }

    fn allowance_rows(&self, sheet: &Sheet) -> Result<Vec<Row>, PdfError> {
        let totals = &self.view.totals;
        let mut rows = Vec::new();
        let width = sheet.text_width();
        for (entry, label, sign) in totals
            .allowances
            .iter()
            .map(|a| (a, self.labels.allowance, "-"))
            .chain(totals.charges.iter().map(|c| (c, self.labels.charge, "")))
        {
            let mut text = label.to_string();
            if !entry.reason.trim().is_empty() {
                text = self.labelled(label, entry.reason.trim());
            }
            if let Some(percent) = entry.percent {
                text = format!(
                    "{text} ({} × {})",
                    self.percent(percent),
                    self.amount(entry.base_amount.unwrap_or_default())
                );
            }
            text = format!(
                "{text}, {} {}",
                self.labels.vat_rate,
                self.vat_label(entry.vat.category, entry.vat.rate)
            );
            rows.push(
                Row::new(BODY)
                    .with(cell(
                        MARGIN,
                        width - 90.0,
                        Align::Left,
                        printable(&text)?,
                        BODY,
                        Weight::Regular,
                    ))
                    .with(cell(
                        MARGIN + width - 90.0,
                        90.0,
                        Align::Right,
                        format!("{sign}{}", self.amount(entry.amount)),
                        BODY,
                        Weight::Regular,
                    )),
            );
        }
        if !rows.is_empty() {
            rows.push(Row::gap(6.0));
        }
        Ok(rows)
    }

    fn breakdown_rows(&self, sheet: &Sheet) -> Result<Vec<Row>, PdfError> {
        let labels = self.labels;
        let x = MARGIN;
        let mut rows = vec![
            Row::new(SMALL)
                .with(cell(
                    x,
                    120.0,
                    Align::Left,
                    labels.vat_breakdown.to_string(),
                    SMALL,
                    Weight::Bold,
                ))
                .with(cell(
                    x + 110.0,
                    80.0,
                    Align::Right,
                    labels.taxable_amount.to_string(),
                    SMALL,
                    Weight::Bold,
                ))
                .with(cell(
                    x + 190.0,
                    80.0,
                    Align::Right,
                    labels.vat_amount.to_string(),
                    SMALL,
                    Weight::Bold,
                )),
        ];
        let _ = sheet;
        for entry in &self.view.totals.vat_breakdown {
            let label = match entry.vat.category {
                VatCategory::S => format!("{} {}", labels.vat_rate, self.percent(entry.vat.rate)),
                other => format!("{} {} (0 %)", labels.vat_rate, other.code()),
            };
            rows.push(
                Row::new(BODY)
                    .with(cell(x, 120.0, Align::Left, label, BODY, Weight::Regular))
                    .with(cell(
                        x + 110.0,
                        80.0,
                        Align::Right,
                        self.amount(entry.taxable_amount),
                        BODY,
                        Weight::Regular,
                    ))
                    .with(cell(
                        x + 190.0,
                        80.0,
                        Align::Right,
                        self.amount(entry.tax_amount),
                        BODY,
                        Weight::Regular,
                    )),
            );
        }
        Ok(rows)
    }

    fn total_rows(&self, sheet: &Sheet) -> Result<Vec<Row>, PdfError> {
        let totals = &self.view.totals;
        let labels = self.labels;
        let mut entries: Vec<(&str, Decimal, Weight)> = Vec::new();
        if !totals.allowances.is_empty() || !totals.charges.is_empty() {
            entries.push((
                labels.line_net_total,
                totals.line_net_total,
                Weight::Regular,
            ));
        }
        if !totals.allowances.is_empty() {
            entries.push((
                labels.allowance_total,
                -totals.allowance_total,
                Weight::Regular,
            ));
        }
        if !totals.charges.is_empty() {
            entries.push((labels.charge_total, totals.charge_total, Weight::Regular));
        }
        entries.push((
            labels.tax_exclusive_total,
            totals.tax_exclusive_total,
            Weight::Regular,
        ));
        entries.push((labels.tax_total, totals.tax_total, Weight::Regular));
        entries.push((
            labels.tax_inclusive_total,
            totals.tax_inclusive_total,
            Weight::Bold,
        ));
        if !totals.paid_amount.is_zero() || !totals.rounding_amount.is_zero() {
            entries.push((labels.paid_amount, -totals.paid_amount, Weight::Regular));
        }
        if self.kind() == DocumentKind::Invoice {
            entries.push((labels.amount_due, totals.amount_due, Weight::Bold));
        }

        let value_width = 100.0;
        let right = MARGIN + sheet.text_width();
        let label_x = right - value_width - 150.0;
        let mut rows = vec![Row::new(SMALL).with(Cell {
            color: GREY,
            ..cell(
                right - 250.0,
                250.0,
                Align::Right,
                format!("{} {}", labels.amounts_in, totals.currency.code()),
                SMALL,
                Weight::Regular,
            )
        })];
        for (label, value, weight) in entries {
            rows.push(
                Row::new(BODY + 1.0)
                    .with(cell(
                        label_x,
                        150.0,
                        Align::Left,
                        label.to_string(),
                        BODY + 1.0,
                        weight,
                    ))
                    .with(cell(
                        right - value_width,
                        value_width,
                        Align::Right,
                        self.money(value),
                        BODY + 1.0,
                        weight,
                    )),
            );
        }
        Ok(rows)
    }

    /// Lists the legal mentions that apply to this document, one paragraph
    /// each.
    fn mentions(&self) -> Vec<String> {
        let labels = self.labels;
        let seller = self.seller;
        let header = &self.view.document.header;
        let legal = self.kind().is_legal();
        let mut mentions = Vec::new();
        let terms = match labels.language {
            Language::French => header.payment_terms.describe_fr(),
            Language::English => header.payment_terms.describe_en(),
        };
        let mut payment = self.labelled(labels.payment_terms, &terms);
        if let Some(due) = self.view.document.due_date {
            payment = format!(
                "{payment} · {}",
                self.labelled(labels.due_date, &self.date(due))
            );
        }
        if self.kind() != DocumentKind::CreditNote {
            mentions.push(payment);
        }

        let mut bank = Vec::new();
        if !seller.iban.trim().is_empty() {
            bank.push(format!("IBAN {}", seller.iban.trim()));
        }
        if !seller.bic.trim().is_empty() {
            bank.push(format!("BIC {}", seller.bic.trim()));
        }
        if !bank.is_empty() && self.kind() != DocumentKind::CreditNote {
            mentions.push(self.labelled(labels.bank, &bank.join(" · ")));
        }

        if self.kind() == DocumentKind::Invoice {
            mentions.push(match seller.early_payment_discount.trim() {
                "" => labels.no_early_discount.to_string(),
                discount => self.labelled(labels.early_discount, discount),
            });
            mentions.push(format!(
                "{} {} ({})",
                labels.late_penalty,
                self.percent(seller.late_penalty_rate),
                match labels.language {
                    Language::French => "exigibles dès le lendemain de la date d'échéance",
                    Language::English => "due from the day after the due date",
                }
            ));
            mentions.push(labels.recovery_indemnity.to_string());
        }

        if legal {
            let nature = match self.nature {
                Nature::Goods => labels.goods,
                Nature::Services => labels.services,
                Nature::Both => labels.goods_and_services,
            };
            mentions.push(self.labelled(labels.nature, nature));
            if seller.vat_on_debits {
                mentions.push(labels.vat_on_debits.to_string());
            }
        }

        let mut reasons: Vec<String> = Vec::new();
        for entry in &self.view.totals.vat_breakdown {
            let vat = &entry.vat;
            let reason = vat
                .exemption_reason
                .clone()
                .filter(|r| !r.trim().is_empty())
                .or_else(|| {
                    vat.category
                        .default_exemption()
                        .map(|(_, text)| text.to_string())
                });
            if let Some(reason) = reason {
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
        }
        mentions.extend(reasons);
        mentions
    }
}

/// Builds the footer lines: the seller's legal identity, repeated on every
/// page, then the template's footer text.
pub fn footer_lines(document: &Printed<'_>, footer: &str) -> Vec<String> {
    let seller = document.seller;
    let labels = document.labels;
    let mut parts = vec![seller.name.trim().to_string()];
    if !seller.legal_form.trim().is_empty() {
        let mut form = seller.legal_form.trim().to_string();
        if !seller.share_capital.trim().is_empty() {
            form = format!("{form} {} {}", labels.capital, seller.share_capital.trim());
        }
        parts.push(form);
    }
    if !seller.rcs.trim().is_empty() {
        parts.push(seller.rcs.trim().to_string());
    } else if !seller.siren.trim().is_empty() {
        parts.push(format!("{} {}", labels.siren, seller.siren.trim()));
    }
    if !seller.vat_id.trim().is_empty() {
        parts.push(format!("{} {}", labels.vat_id, seller.vat_id.trim()));
    }
    let mut lines = vec![parts.join(" · ")];
    lines.extend(
        footer
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string),
    );
    lines
}

fn address_lines(address: &Address) -> Vec<String> {
    let mut lines = vec![address.line1.trim().to_string()];
    if let Some(line2) = &address.line2 {
        lines.push(line2.trim().to_string());
    }
    lines.push(
        format!("{} {}", address.postcode.trim(), address.city.trim())
            .trim()
            .to_string(),
    );
    lines.push(address.country.trim().to_string());
    lines.retain(|line| !line.is_empty());
    lines
}

/// Wraps `text` into one row per line.
fn text_rows(
    text: &str,
    x: f32,
    width: f32,
    size: f32,
    weight: Weight,
) -> Result<Vec<Row>, PdfError> {
    Ok(wrap(&printable(text)?, width, size, weight)?
        .into_iter()
        .map(|line| Row::new(size).with(cell(x, width, Align::Left, line, size, weight)))
        .collect())
}

/// Returns the font size at which `text` fits `width`, at most `size`, so a
/// very large amount shrinks instead of spilling into the next column.
fn fitted_size(text: &str, width: f32, size: f32, weight: Weight) -> Result<f32, PdfError> {
    let natural = super::fonts::Face::get(weight)?.width(text, size);
    Ok(if natural > width {
        size * width / natural
    } else {
        size
    })
}

/// Pairs two columns of rows line by line. Cells laid out from x = 0 (left of
/// the margin) move to `left_x` or `right_x`; cells already placed keep their
/// position.
fn side_by_side(left: Vec<Row>, right: Vec<Row>, left_x: f32, right_x: f32) -> Vec<Row> {
    let count = left.len().max(right.len());
    let mut left = left.into_iter();
    let mut right = right.into_iter();
    let mut rows = Vec::new();
    for _ in 0..count {
        let mut row = Row::default();
        for (source, offset) in [(left.next(), left_x), (right.next(), right_x)] {
            if let Some(source) = source {
                row.height = row.height.max(source.height);
                for mut cell in source.cells {
                    if cell.x < MARGIN {
                        cell.x += offset;
                    }
                    row.cells.push(cell);
                }
            }
        }
        rows.push(row);
    }
    rows
}
