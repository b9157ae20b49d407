//! The issue checklist: the French and EU mandatory mentions an invoice
//! needs before it may be issued (Code général des impôts art. 242 nonies A
//! of annex II, Code de commerce L441-9, EU directive 2006/112/EC art. 226).
//!
//! A missing mandatory mention blocks issuing; what is only advisable, or
//! becomes mandatory later, is a warning.

use chrono::NaiveDate;
use serde::Serialize;

use crate::document::{Company, Content, Header, Party};
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
    findings
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
