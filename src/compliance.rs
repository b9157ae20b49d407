//! The issue checklist: the French and EU mandatory mentions an invoice
//! needs before it may be issued (Code général des impôts art. 242 nonies A
//! of annex II, Code de commerce L441-9, EU directive 2006/112/EC art. 226).
//!
//! A missing mandatory mention blocks issuing; what is only advisable, or
//! becomes mandatory later, is a warning. So does any printed text with
//! characters that the embedded PDF fonts lack, because the PDF archived at
//! issue could not be rendered.

use chrono::NaiveDate;
use serde::Serialize;

use crate::document::{Address, Company, Content, Header, Party};
use crate::pdf;
use crate::vat::VatCategory;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Issuing is refused until it is fixed.
    Blocking,
    /// Issuing is allowed, and the user sees the warning.
    Warning,
}

/// One item of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Stable identifier of the mention, such as "seller.siren".
    pub code: &'static str,
    /// Message naming what is missing and how to fix it, in plain words.
    pub message: String,
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

fn blank_option(text: &Option<String>) -> bool {
    text.as_deref().is_none_or(blank)
}

/// Lists what an invoice or credit note lacks before it can be issued.
pub fn check(
    company: Option<&Company>,
    header: &Header,
    buyer: &Party,
    content: &Content,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut add = |severity, code, message: String| {
        findings.push(Finding {
            severity,
            code,
            message,
        })
    };
    use Severity::{Blocking, Warning};

    let Some(company) = company else {
        add(
            Blocking,
            "seller",
            "the seller's identity is missing: set the company first (`facturier company set --json FILE`, or Settings in the app)".to_string(),
        );
        return findings;
    };

    // Seller identity.
    if blank(&company.name) {
        add(
            Blocking,
            "seller.name",
            "the seller's legal name is missing: fill it in the company settings".to_string(),
        );
    }
    if !company.address.is_complete() {
        add(
            Blocking,
            "seller.address",
            "the seller's address is incomplete: give street, city and two-letter country code in the company settings".to_string(),
        );
    }
    let french_seller = company.address.country.trim() == "FR";
    if french_seller && blank(&company.siren) {
        add(
            Blocking,
            "seller.siren",
            "the seller's SIREN is missing: it is a mandatory mention on French invoices"
                .to_string(),
        );
    }
    let categories: Vec<VatCategory> = content.lines.iter().map(|line| line.vat.category).collect();
    let charges_vat = categories
        .iter()
        .any(|category| *category != VatCategory::E);
    if charges_vat && blank(&company.vat_id) {
        add(
            Blocking,
            "seller.vat_id",
            "the seller's VAT number is missing: it is mandatory unless every line is VAT exempt (category E, franchise en base)".to_string(),
        );
    }
    if french_seller && blank(&company.legal_form) {
        add(
            Warning,
            "seller.legal_form",
            "the seller's legal form (SARL, SAS, EI...) is missing".to_string(),
        );
    }
    if french_seller
        && blank(&company.share_capital)
        && !matches!(
            company.legal_form.trim(),
            "EI" | "EIRL" | "Micro-entreprise"
        )
    {
        add(
            Warning,
            "seller.share_capital",
            "the seller's share capital is missing: companies must print it".to_string(),
        );
    }
    if french_seller && blank(&company.rcs) {
        add(
            Warning,
            "seller.rcs",
            "the seller's RCS or RM registration is missing".to_string(),
        );
    }
    // Code de commerce L441-10 sets the floor at three times the legal
    // interest rate. That rate changes every half-year, so only a rate of
    // zero or below is refused here: it is under the floor in any period.
    if french_seller && company.late_penalty_rate <= rust_decimal::Decimal::ZERO {
        add(
            Blocking,
            "seller.late_penalty_rate",
            format!(
                "the late-payment penalty rate is {} %: French law requires at least three times the legal interest rate; set a rate such as 10 % in the company settings",
                company.late_penalty_rate.normalize()
            ),
        );
    }
    if blank(&company.iban) {
        add(
            Warning,
            "seller.iban",
            "no IBAN is set: the customer will not see where to pay".to_string(),
        );
    }

    // Buyer identity.
    if blank(&buyer.name) {
        add(
            Blocking,
            "buyer.name",
            "the customer's legal name is missing".to_string(),
        );
    }
    if !buyer.address.is_complete() {
        add(
            Blocking,
            "buyer.address",
            "the customer's billing address is incomplete: give street, city and two-letter country code".to_string(),
        );
    }
    let needs_buyer_vat = categories
        .iter()
        .any(|category| matches!(category, VatCategory::AE | VatCategory::K));
    if needs_buyer_vat && blank_option(&buyer.vat_id) {
        add(
            Blocking,
            "buyer.vat_id",
            "the customer's VAT number is missing: reverse charge and intra-EU supplies must show it".to_string(),
        );
    }
    if buyer.address.country.trim() == "FR" && blank_option(&buyer.siren) {
        add(
            Warning,
            "buyer.siren",
            "the customer's SIREN is missing: French e-invoicing makes it a mandatory mention for French business customers".to_string(),
        );
    }

    // Content.
    if content.lines.is_empty() {
        add(
            Blocking,
            "lines",
            "the document has no lines: add at least one product or service".to_string(),
        );
    }
    if header.currency != company.currency && header.exchange_rate.is_none() {
        add(
            Blocking,
            "exchange_rate",
            format!(
                "the document is in {} but the company accounts in {}: give the exchange rate so that VAT can be stated in {}",
                header.currency, company.currency, company.currency
            ),
        );
    }
    if header.delivery_date.is_none()
        && content
            .lines
            .iter()
            .all(|line| line.delivery_date.is_none())
    {
        add(
            Warning,
            "delivery_date",
            "no delivery or service date: the invoice date will be taken as the date of the sale"
                .to_string(),
        );
    }
    if let Some(issue_date) = header.issue_date {
        check_terms(header, issue_date, &mut add);
    }
    findings.extend(unprintable(company, header, buyer, content));
    findings
}

/// Code of the findings about characters the PDF fonts cannot show.
pub const UNPRINTABLE: &str = "unprintable_characters";

/// Lists one blocking finding per printed field that contains characters the
/// embedded DejaVu Sans fonts cannot show, such as Chinese or Japanese
/// ideographs: the field, the characters, and the fix.
pub fn unprintable(
    seller: &Company,
    header: &Header,
    buyer: &Party,
    content: &Content,
) -> Vec<Finding> {
    printed_fields(seller, header, buyer, content)
        .into_iter()
        .filter_map(|(field, text)| unprintable_finding(&field, &text))
        .collect()
}

/// Returns the blocking finding for `text` printed as `field` (such as "the
/// customer's name"), or `None` when the fonts show every character.
pub fn unprintable_finding(field: &str, text: &str) -> Option<Finding> {
    match pdf::check_printable(field, text) {
        Ok(()) => None,
        Err(error @ pdf::PdfError::UnprintableText { .. }) => Some(Finding {
            severity: Severity::Blocking,
            code: UNPRINTABLE,
            message: error.to_string(),
        }),
        Err(error) => {
            // Without the fonts nothing can be rendered at all, and the
            // rendering reports that error itself.
            tracing::error!(%error, "font coverage not checked");
            None
        }
    }
}

/// Returns the blocking finding for a saved template's footer text that
/// contains characters the fonts cannot show. Saving a template rejects such a
/// footer, but a template saved by an older version may still contain one.
pub fn unprintable_footer(template: &pdf::Template) -> Option<Finding> {
    unprintable_finding(FOOTER_FIELD, &template.footer)
}

/// Name of the template's footer text in findings and errors.
pub const FOOTER_FIELD: &str = "the template's footer text";

/// Lists the fields a PDF prints from the seller, the buyer and the
/// document, in the order they are printed, each with its name in plain
/// words.
// The template's footer text is printed too: `unprintable_footer` checks it.
fn printed_fields(
    seller: &Company,
    header: &Header,
    buyer: &Party,
    content: &Content,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut add = |field: &str, text: &str| fields.push((field.to_string(), text.to_string()));
    add("the seller's name", &seller.name);
    add("the seller's legal form", &seller.legal_form);
    add("the seller's share capital", &seller.share_capital);
    add("the seller's address", &address_text(&seller.address));
    add("the seller's SIREN", &seller.siren);
    add("the seller's RCS registration", &seller.rcs);
    add("the seller's VAT number", &seller.vat_id);
    add("the seller's e-mail address", &seller.email);
    add("the seller's phone number", &seller.phone);

    add("the customer's name", &buyer.name);
    add(
        "the customer's billing address",
        &address_text(&buyer.address),
    );
    if let Some(address) = &buyer.delivery_address {
        add("the customer's delivery address", &address_text(address));
    }

    let optional = [
        ("the customer's SIREN", &buyer.siren),
        ("the customer's VAT number", &buyer.vat_id),
        ("the purchase order reference", &header.purchase_order_ref),
        ("the buyer reference", &header.buyer_reference),
        ("the note", &header.note),
    ];
    for (field, text) in optional {
        if let Some(text) = text {
            add(field, text);
        }
    }
    add("the seller's IBAN", &seller.iban);
    add("the seller's BIC", &seller.bic);
    add(
        "the seller's early-payment discount conditions",
        &seller.early_payment_discount,
    );

    for (index, line) in content.lines.iter().enumerate() {
        let number = index + 1;
        add(
            &format!("the description of line {number}"),
            &line.description,
        );
        if let Some(code) = &line.item_code {
            add(&format!("the item code of line {number}"), code);
        }
        if let Some(reason) = &line.vat.exemption_reason {
            add(
                &format!("the VAT exemption reason of line {number}"),
                reason,
            );
        }
    }

    let entries = [
        ("allowance", &content.allowances),
        ("charge", &content.charges),
    ];
    for (kind, list) in entries {
        for (index, entry) in list.iter().enumerate() {
            let number = index + 1;
            add(
                &format!("the reason of document {kind} {number}"),
                &entry.reason,
            );
            let exemption = entry
                .vat
                .as_ref()
                .and_then(|vat| vat.exemption_reason.as_ref());
            if let Some(reason) = exemption {
                let field = format!("the VAT exemption reason of document {kind} {number}");
                add(&field, reason);
            }
        }
    }
    fields
}

fn address_text(address: &Address) -> String {
    let parts = [
        Some(&address.line1),
        address.line2.as_ref(),
        Some(&address.postcode),
        Some(&address.city),
        Some(&address.country),
    ];
    let parts: Vec<&str> = parts.into_iter().flatten().map(String::as_str).collect();
    parts.join(" ")
}

fn check_terms(
    header: &Header,
    issue_date: NaiveDate,
    add: &mut impl FnMut(Severity, &'static str, String),
) {
    if !header.payment_terms.within_legal_maximum(issue_date) {
        add(
            Severity::Warning,
            "payment_terms",
            format!(
                "payment terms \"{}\" exceed the French legal maximum between businesses (60 days, or 45 days end of month)",
                header.payment_terms
            ),
        );
    }
}

/// Joins the blocking findings into one message, or returns `None` when
/// there is none.
pub fn blocking_message(findings: &[Finding]) -> Option<String> {
    let blocking: Vec<&str> = findings
        .iter()
        .filter(|finding| finding.severity == Severity::Blocking)
        .map(|finding| finding.message.as_str())
        .collect();
    (!blocking.is_empty()).then(|| format!("cannot issue: {}", blocking.join("; ")))
}
