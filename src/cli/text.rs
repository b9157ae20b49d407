//! Plain-text output of the command line, for people.

use std::path::Path;

use facturier::books::{
    Board, BoardEntry, Books, DocumentView, ListedDocument, PriceChange, VatReportRow, today,
};
use facturier::money::{NumberStyle, format_grouped};
use facturier::store::documents::ListFilter;

use super::json::status_word;

fn money(value: rust_decimal::Decimal, decimals: u32) -> String {
    format_grouped(value, decimals, NumberStyle::English)
}

/// Prints the data folder, the company and the board: `facturier status`,
/// and `facturier` with no command when built without the desktop app.
pub fn welcome(books: &mut Books, data_dir: &Path) -> Result<(), String> {
    outln!("Facturier {}", env!("CARGO_PKG_VERSION"));
    outln!("Data folder: {}", data_dir.display());
    match books.company().map_err(|error| error.to_string())? {
        Some(company) => outln!("Company: {}", company.name),
        None => outln!("No company yet: start with `facturier company set --json company.json`."),
    }
    let board = books
        .board(&ListFilter::default(), today())
        .map_err(|error| error.to_string())?;
    board_text(&board);
    outln!();
    outln!(
        "The desktop window is not built yet; every operation is available from the command line."
    );
    outln!("Run `facturier --help` for the commands.");
    Ok(())
}

pub fn board(board: &Board) {
    board_text(board);
}

fn board_text(board: &Board) {
    let decimals = board.currency.decimals();
    let row = |label: &str, entry: &BoardEntry| {
        outln!(
            "{label:<16}{:>7}  {:>16} {}  (due {})",
            entry.count,
            money(entry.total, decimals),
            board.currency,
            money(entry.due, decimals)
        );
    };
    row("Draft", &board.draft);
    row("Open", &board.open);
    row("Partially paid", &board.partial);
    row("Paid", &board.paid);
    row("Cancelled", &board.cancelled);
    row("Overdue", &board.overdue);
    outln!(
        "Revenue excl. VAT {} {}, receivables {} {}",
        money(board.revenue, decimals),
        board.currency,
        money(board.receivables, decimals),
        board.currency
    );
}

pub fn document(view: &DocumentView) {
    let document = &view.document;
    let header = &document.header;
    let totals = &view.totals;
    let decimals = totals.currency.decimals();
    outln!(
        "{} {}  [{}{}]",
        header.kind.as_str().replace('_', " "),
        document
            .number
            .as_deref()
            .unwrap_or("(draft, no number yet)"),
        status_word(header.kind, view.status, document.stage.as_deref()),
        if view.overdue { ", overdue" } else { "" }
    );
    outln!("Customer: {}", header.buyer.name);
    if let Some(date) = header.issue_date {
        outln!("Issue date: {date}");
    }
    if let Some(due) = document.due_date {
        outln!("Due date: {due} ({})", header.payment_terms);
    }
    if let Some((number, date)) = &view.corrects {
        outln!("Cancels invoice {number} of {date}");
    }
    outln!();
    for (index, (line, amounts)) in document.content.lines.iter().zip(&totals.lines).enumerate() {
        outln!(
            "{:>3}. {:<40} {:>10} {:<4} x {:>12}  VAT {} {}%  = {:>12}",
            index + 1,
            line.description.lines().next().unwrap_or_default(),
            line.quantity.normalize(),
            line.unit,
            line.unit_price.normalize(),
            line.vat.category,
            line.vat.rate.normalize(),
            money(amounts.net_amount, decimals)
        );
    }
    outln!();
    for entry in &totals.vat_breakdown {
        outln!(
            "VAT {} {:>5}%  base {:>14}  VAT {:>12}",
            entry.vat.category,
            entry.vat.rate.normalize(),
            money(entry.taxable_amount, decimals),
            money(entry.tax_amount, decimals)
        );
    }
    let currency = totals.currency;
    outln!(
        "Total excl. VAT  {:>14} {currency}",
        money(totals.tax_exclusive_total, decimals)
    );
    outln!(
        "Total VAT        {:>14} {currency}",
        money(totals.tax_total, decimals)
    );
    outln!(
        "Total incl. VAT  {:>14} {currency}",
        money(totals.tax_inclusive_total, decimals)
    );
    outln!(
        "Paid             {:>14} {currency}",
        money(totals.paid_amount, decimals)
    );
    if !view.credited.is_zero() {
        outln!(
            "Credited         {:>14} {currency}",
            money(view.credited, decimals)
        );
    }
    outln!(
        "Balance          {:>14} {currency}",
        money(view.balance, decimals)
    );
    for payment in &view.payments {
        outln!(
            "  payment {} on {}: {} {currency} by {}",
            payment.id,
            payment.date,
            money(payment.amount, decimals),
            payment.method
        );
    }
}

pub fn list(rows: &[ListedDocument]) {
    for row in rows {
        outln!(
            "{:>6}  {:<12} {:<16} {:<10} {:<10} {:<32} {:>14} {}",
            row.id,
            row.kind.as_str(),
            row.number.as_deref().unwrap_or("-"),
            row.issue_date
                .map(|date| date.to_string())
                .unwrap_or_default(),
            status_word(row.kind, row.status, row.stage.as_deref())
                + if row.overdue { "!" } else { "" },
            row.customer_name.chars().take(32).collect::<String>(),
            money(row.tax_inclusive_total, row.currency.decimals()),
            row.currency
        );
    }
}

pub fn price_changes(changes: &[PriceChange]) {
    if changes.is_empty() {
        outln!("no price changes");
    }
    for change in changes {
        outln!(
            "line {}: {} {} -> {}",
            change.line,
            change.description,
            change.current_price.normalize(),
            change.list_price.normalize()
        );
    }
}

pub fn vat_report(rows: &[VatReportRow]) {
    for row in rows {
        outln!(
            "{}  {}  {:<2} {:>5}%  base {:>14}  VAT {:>12}",
            row.month,
            row.currency,
            row.category,
            row.rate.normalize(),
            money(row.taxable_amount, row.currency.decimals()),
            money(row.tax_amount, row.currency.decimals())
        );
    }
}
