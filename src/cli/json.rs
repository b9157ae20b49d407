//! JSON output of the command line. Amounts are strings with exactly the
//! currency's decimals; totals carry their EN 16931 names.

use facturier::books::{Board, BoardEntry, DocumentView, ListedDocument};
use facturier::calc::AppliedAllowanceCharge;
use facturier::document::{DocumentKind, InvoiceStatus, LineDiscount};
use facturier::money::Currency;
use facturier::vat::Vat;
use rust_decimal::Decimal;
use serde_json::{Value, json};

fn amount(currency: Currency, value: Decimal) -> Value {
    Value::String(currency.format_plain(value))
}

fn plain(value: Decimal) -> Value {
    Value::String(value.normalize().to_string())
}

/// Formats a unit price with at least the currency's decimals ("45.00",
/// "2.5450"), keeping any further decimals it has.
fn price(currency: Currency, value: Decimal) -> Value {
    let mut scaled = value.normalize();
    if scaled.scale() < currency.decimals() {
        scaled.rescale(currency.decimals());
    }
    Value::String(scaled.to_string())
}

fn vat_json(vat: &Vat) -> Value {
    json!({
        "category": vat.category.code(),
        "rate": plain(vat.rate),
        "exemption_code": vat.exemption_code,
        "exemption_reason": vat.exemption_reason,
    })
}

/// Names a document's status: the invoice status, the quote or order
/// status, or "issued" for a credit note.
pub fn status_word(kind: DocumentKind, status: InvoiceStatus, stage: Option<&str>) -> String {
    match (kind, status) {
        (_, InvoiceStatus::Draft) if kind.is_legal() => "draft".to_string(),
        (DocumentKind::Quote | DocumentKind::Order, _) => stage.unwrap_or("draft").to_string(),
        (DocumentKind::CreditNote, _) => "issued".to_string(),
        (DocumentKind::Invoice, status) => status.as_str().to_string(),
    }
}

fn allowance_json(currency: Currency, entry: &AppliedAllowanceCharge) -> Value {
    json!({
        "amount": amount(currency, entry.amount),
        "base_amount": entry.base_amount.map(|base| amount(currency, base)),
        "percent": entry.percent.map(plain),
        "reason": entry.reason,
        "reason_code": entry.reason_code,
        "vat": vat_json(&entry.vat),
    })
}

/// Builds the whole document as `invoice show --json` prints it.
pub fn document(view: &DocumentView) -> Value {
    let document = &view.document;
    let header = &document.header;
    let totals = &view.totals;
    let currency = totals.currency;
    let lines: Vec<Value> = document
        .content
        .lines
        .iter()
        .zip(&totals.lines)
        .enumerate()
        .map(|(index, (line, amounts))| {
            let discount = match line.discount {
                Some(LineDiscount::Percent(percent)) => json!({"percent": plain(percent)}),
                Some(LineDiscount::Amount(value)) => json!({"amount": amount(currency, value)}),
                None => Value::Null,
            };
            json!({
                "line": index + 1,
                "item_code": line.item_code,
                "description": line.description,
                "quantity": plain(line.quantity),
                "unit": line.unit,
                "unit_price": price(currency, line.unit_price),
                "base_quantity": plain(line.base_quantity),
                "discount": discount,
                "vat": vat_json(&line.vat),
                "delivery_date": line.delivery_date,
                "price_source": line.price_source,
                "gross_amount": amount(currency, amounts.gross_amount),
                "allowance_amount": amount(currency, amounts.allowance_amount),
                "net_amount": amount(currency, amounts.net_amount),
            })
        })
        .collect();
    let breakdown: Vec<Value> = totals
        .vat_breakdown
        .iter()
        .map(|entry| {
            json!({
                "category": entry.vat.category.code(),
                "rate": plain(entry.vat.rate),
                "taxable_amount": amount(currency, entry.taxable_amount),
                "tax_amount": amount(currency, entry.tax_amount),
                "exemption_code": entry.vat.exemption_code,
                "exemption_reason": entry.vat.exemption_reason,
            })
        })
        .collect();
    let payments: Vec<Value> = view
        .payments
        .iter()
        .map(|payment| {
            json!({
                "id": payment.id,
                "date": payment.date,
                "amount": amount(currency, payment.amount),
                "method": payment.method,
                "reference": payment.reference,
            })
        })
        .collect();
    let company_currency = view.company_totals.as_ref().map(|converted| {
        json!({
            "currency": converted.currency.code(),
            "exchange_rate": plain(converted.exchange_rate),
            "tax_exclusive_total": amount(converted.currency, converted.tax_exclusive_total),
            "tax_total": amount(converted.currency, converted.tax_total),
            "tax_inclusive_total": amount(converted.currency, converted.tax_inclusive_total),
        })
    });
    let mut object = json!({
        "id": document.id,
        "type": header.kind.as_str(),
        "type_code": header.kind.type_code(),
        "number": document.number,
        "status": status_word(header.kind, view.status, document.stage.as_deref()),
        "overdue": view.overdue,
        "issue_date": header.issue_date,
        "due_date": document.due_date,
        "delivery_date": header.delivery_date,
        "payment_terms": header.payment_terms,
        "currency": currency.code(),
        "exchange_rate": header.exchange_rate.map(plain),
        "price_list_id": header.price_list_id,
        "price_locked": header.price_locked,
        "purchase_order_ref": header.purchase_order_ref,
        "buyer_reference": header.buyer_reference,
        "note": header.note,
        "customer_id": header.customer_id,
        "buyer": header.buyer,
        "seller": document.seller,
        "corrects": view.corrects.as_ref().map(|(number, date)| json!({"number": number, "issue_date": date})),
        "credit_notes": view.credit_notes,
        "content_sha256": document.content_sha256,
    });
    let amounts = json!({
        "lines": lines,
        "allowances": totals.allowances.iter().map(|entry| allowance_json(currency, entry)).collect::<Vec<_>>(),
        "charges": totals.charges.iter().map(|entry| allowance_json(currency, entry)).collect::<Vec<_>>(),
        "line_net_total": amount(currency, totals.line_net_total),
        "allowance_total": amount(currency, totals.allowance_total),
        "charge_total": amount(currency, totals.charge_total),
        "tax_exclusive_total": amount(currency, totals.tax_exclusive_total),
        "tax_total": amount(currency, totals.tax_total),
        "tax_inclusive_total": amount(currency, totals.tax_inclusive_total),
        "paid_amount": amount(currency, totals.paid_amount),
        "rounding_amount": amount(currency, totals.rounding_amount),
        "amount_due": amount(currency, totals.amount_due),
        "credited_amount": amount(currency, view.credited),
        "balance": amount(currency, view.balance),
        "vat_breakdown": breakdown,
        "company_currency": company_currency,
        "payments": payments,
    });
    if let (Some(target), Value::Object(extra)) = (object.as_object_mut(), amounts) {
        target.extend(extra);
    }
    object
}

/// Builds one row of `invoice list --json`.
pub fn listed(row: &ListedDocument) -> Value {
    let currency = row.currency;
    json!({
        "id": row.id,
        "number": row.number,
        "type": row.kind.as_str(),
        "issue_date": row.issue_date,
        "due_date": row.due_date,
        "status": status_word(row.kind, row.status, row.stage.as_deref()),
        "overdue": row.overdue,
        "customer": row.customer_name,
        "currency": currency.code(),
        "tax_exclusive_total": amount(currency, row.tax_exclusive_total),
        "tax_total": amount(currency, row.tax_total),
        "tax_inclusive_total": amount(currency, row.tax_inclusive_total),
        "paid_amount": amount(currency, row.paid),
        "credited_amount": amount(currency, row.credited),
        "amount_due": amount(currency, row.balance),
    })
}

fn entry(currency: Currency, entry: &BoardEntry) -> Value {
    json!({
        "count": entry.count,
        "total": amount(currency, entry.total),
        "due": amount(currency, entry.due),
    })
}

/// Builds the status board as `board --json` prints it.
pub fn board(board: &Board) -> Value {
    let currency = board.currency;
    json!({
        "currency": currency.code(),
        "draft": entry(currency, &board.draft),
        "open": entry(currency, &board.open),
        "partial": entry(currency, &board.partial),
        "paid": entry(currency, &board.paid),
        "cancelled": entry(currency, &board.cancelled),
        "overdue": entry(currency, &board.overdue),
        "revenue": amount(currency, board.revenue),
        "receivables": amount(currency, board.receivables),
        "unconverted": board.unconverted,
    })
}
