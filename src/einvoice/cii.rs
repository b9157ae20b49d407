//! UN/CEFACT Cross Industry Invoice (CII D16B) in the EN 16931 profile, the
//! XML that Factur-X embeds in its PDF.
//!
//! Every figure comes from the document's `Totals`; nothing is recomputed.
//! Element order follows the CII XSD sequences, which validators enforce.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::xml::Writer;
use crate::books::DocumentView;
use crate::calc::{AppliedAllowanceCharge, LineAmounts};
use crate::document::{Address, Company, DocumentKind, Line, LineDiscount, Party};
use crate::money::Currency;
use crate::vat::{Vat, VatCategory};

/// Specification identifier (BT-24) of the EN 16931 core invoice, which the
/// Factur-X EN 16931 profile uses as is.
pub const EN16931_GUIDELINE: &str = "urn:cen.eu:en16931:2017";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EinvoiceError {
    #[error("{0} is a draft without a number: issue it before exporting its e-invoice")]
    Draft(String),
    #[error("a {0} is not an invoice: only invoices and credit notes have an EN 16931 e-invoice")]
    NotAnInvoice(&'static str),
    #[error(
        "currency {0} has 3 decimals but EN 16931 amounts have at most 2: invoice in another currency to export an e-invoice"
    )]
    TooManyDecimals(Currency),
}

fn date_102(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

fn amount(currency: Currency, value: Decimal) -> String {
    currency.format_plain(value)
}

/// Formats a rate or quantity without trailing zeros ("20", "5.5", "0.45").
fn plain(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Formats a unit price with at least two decimals, keeping up to the four
/// it may have.
fn price(value: Decimal) -> String {
    let mut scaled = value.normalize();
    if scaled.scale() < 2 {
        scaled.rescale(2);
    }
    scaled.to_string()
}

fn date_element(writer: &mut Writer, name: &'static str, date: NaiveDate) {
    writer.start(name);
    writer.text_with("udt:DateTimeString", &[("format", "102")], &date_102(date));
    writer.end();
}

/// Writes the XML of an issued invoice or credit note. `seller` is the
/// company frozen on the document at issue.
pub fn write(view: &DocumentView, seller: &Company) -> Result<String, EinvoiceError> {
    let document = &view.document;
    let header = &document.header;
    let kind = header.kind;
    let Some(type_code) = kind.type_code() else {
        return Err(EinvoiceError::NotAnInvoice(kind.as_str()));
    };
    let (Some(number), Some(issue_date), true) =
        (&document.number, header.issue_date, document.issued)
    else {
        return Err(EinvoiceError::Draft(format!(
            "{} {}",
            kind.as_str().replace('_', " "),
            document.id
        )));
    };
    let currency = header.currency;
    if currency.decimals() > 2 {
        return Err(EinvoiceError::TooManyDecimals(currency));
    }

    let mut writer = Writer::new();
    writer.start_with(
        "rsm:CrossIndustryInvoice",
        &[
            ("xmlns:rsm", "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"),
            ("xmlns:qdt", "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"),
            (
                "xmlns:ram",
                "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
            ),
            ("xmlns:udt", "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"),
        ],
    );
    writer.start("rsm:ExchangedDocumentContext");
    writer.start("ram:GuidelineSpecifiedDocumentContextParameter");
    writer.text("ram:ID", EN16931_GUIDELINE);
    writer.end();
    writer.end();

    writer.start("rsm:ExchangedDocument");
    writer.text("ram:ID", number);
    writer.text("ram:TypeCode", &type_code.to_string());
    date_element(&mut writer, "ram:IssueDateTime", issue_date);
    write_notes(&mut writer, view, seller);
    writer.end();

    writer.start("rsm:SupplyChainTradeTransaction");
    let lines = document.content.lines.iter().zip(&view.totals.lines);
    for (index, (line, amounts)) in lines.enumerate() {
        write_line(&mut writer, index + 1, line, amounts, currency);
    }
    write_agreement(&mut writer, view, seller);
    write_delivery(&mut writer, view, issue_date);
    write_settlement(&mut writer, view, seller);
    writer.end();
    Ok(writer.finish())
}

/// Tells whether any line is outside the scope of VAT: EN 16931 then forbids
/// VAT identifiers on the invoice (BR-O-02 to BR-O-04).
fn outside_scope(view: &DocumentView) -> bool {
    view.document
        .content
        .lines
        .iter()
        .any(|line| line.vat.category == VatCategory::O)
}

/// Writes the French legal mentions as invoice notes (BT-21 subject code, BT-22 text).
fn write_notes(writer: &mut Writer, view: &DocumentView, seller: &Company) {
    let mut note = |code: &str, content: String| {
        writer.start("ram:IncludedNote");
        writer.text("ram:Content", &content);
        writer.text("ram:SubjectCode", code);
        writer.end();
    };
    if let Some(text) = view
        .document
        .header
        .note
        .as_deref()
        .filter(|text| !text.trim().is_empty())
    {
        note("AAI", text.to_string());
    }
    let mut legal = vec![seller.name.clone()];
    if !seller.legal_form.trim().is_empty() {
        legal.push(seller.legal_form.clone());
    }
    if !seller.share_capital.trim().is_empty() {
        legal.push(format!("au capital de {}", seller.share_capital));
    }
    if !seller.rcs.trim().is_empty() {
        legal.push(seller.rcs.clone());
    }
    note("REG", legal.join(", "));
    if view.document.header.kind == DocumentKind::Invoice {
        note(
            "PMD",
            format!(
                "Pénalités de retard : {} % par an, exigibles dès le lendemain de la date d'échéance.",
                plain(seller.late_penalty_rate)
            ),
        );
        note(
            "PMT",
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €."
                .to_string(),
        );
        let early = seller.early_payment_discount.trim();
        note(
            "AAB",
            if early.is_empty() {
                "Pas d'escompte pour paiement anticipé.".to_string()
            } else {
                early.to_string()
            },
        );
    }
    if seller.vat_on_debits {
        note(
            "TXD",
            "Option pour le paiement de la taxe d'après les débits.".to_string(),
        );
    }
}

fn write_line(
    writer: &mut Writer,
    number: usize,
    line: &Line,
    amounts: &LineAmounts,
    currency: Currency,
) {
    writer.start("ram:IncludedSupplyChainTradeLineItem");
    writer.start("ram:AssociatedDocumentLineDocument");
    writer.text("ram:LineID", &number.to_string());
    writer.end();

    let mut parts = line.description.splitn(2, '\n');
    let name = parts.next().unwrap_or_default().trim();
    let description = parts.next().map(str::trim).filter(|text| !text.is_empty());
    writer.start("ram:SpecifiedTradeProduct");
    writer.optional_text("ram:SellerAssignedID", line.item_code.as_deref());
    writer.text("ram:Name", if name.is_empty() { "-" } else { name });
    writer.optional_text("ram:Description", description);
    writer.end();

    writer.start("ram:SpecifiedLineTradeAgreement");
    writer.start("ram:NetPriceProductTradePrice");
    writer.text("ram:ChargeAmount", &price(line.unit_price));
    if line.base_quantity != Decimal::ONE {
        writer.text_with(
            "ram:BasisQuantity",
            &[("unitCode", &line.unit)],
            &plain(line.base_quantity),
        );
    }
    writer.end();
    writer.end();

    writer.start("ram:SpecifiedLineTradeDelivery");
    writer.text_with(
        "ram:BilledQuantity",
        &[("unitCode", &line.unit)],
        &plain(line.quantity),
    );
    writer.end();

    writer.start("ram:SpecifiedLineTradeSettlement");
    write_tax_category(writer, "ram:ApplicableTradeTax", &line.vat);
    if let Some(date) = line.delivery_date {
        writer.start("ram:BillingSpecifiedPeriod");
        date_element(writer, "ram:StartDateTime", date);
        date_element(writer, "ram:EndDateTime", date);
        writer.end();
    }
    if let Some(discount) = line.discount {
        writer.start("ram:SpecifiedTradeAllowanceCharge");
        writer.start("ram:ChargeIndicator");
        writer.text("udt:Indicator", "false");
        writer.end();
        if let LineDiscount::Percent(percent) = discount {
            // The percentage is written exactly as entered, so that base ×
            // percentage rounds back to the amount written (BT-136).
            writer.text("ram:CalculationPercent", &plain(percent));
            writer.text("ram:BasisAmount", &amount(currency, amounts.gross_amount));
        }
        writer.text(
            "ram:ActualAmount",
            &amount(currency, amounts.allowance_amount),
        );
        writer.text("ram:Reason", "Remise");
        writer.end();
    }
    writer.start("ram:SpecifiedTradeSettlementLineMonetarySummation");
    writer.text("ram:LineTotalAmount", &amount(currency, amounts.net_amount));
    writer.end();
    writer.end();
    writer.end();
}

/// Writes the category and rate of a line or of a document-level
/// allowance or charge. Category O carries no rate (BR-O-05).
fn write_tax_category(writer: &mut Writer, element: &'static str, vat: &Vat) {
    writer.start(element);
    writer.text("ram:TypeCode", "VAT");
    writer.text("ram:CategoryCode", vat.category.code());
    if vat.category != VatCategory::O {
        writer.text("ram:RateApplicablePercent", &plain(vat.rate));
    }
    writer.end();
}

fn write_address(writer: &mut Writer, address: &Address) {
    writer.start("ram:PostalTradeAddress");
    writer.optional_text("ram:PostcodeCode", Some(&address.postcode));
    writer.optional_text("ram:LineOne", Some(&address.line1));
    writer.optional_text("ram:LineTwo", address.line2.as_deref());
    writer.optional_text("ram:CityName", Some(&address.city));
    writer.text("ram:CountryID", address.country.trim());
    writer.end();
}

fn write_party(
    writer: &mut Writer,
    element: &'static str,
    party: &Party,
    with_vat_id: bool,
    tax_number: Option<&str>,
) {
    writer.start(element);
    writer.text("ram:Name", &party.name);
    if let Some(siren) = party
        .siren
        .as_deref()
        .filter(|siren| !siren.trim().is_empty())
    {
        writer.start("ram:SpecifiedLegalOrganization");
        // ISO 6523 scheme 0002 is the French SIREN.
        writer.text_with(
            "ram:ID",
            &[("schemeID", "0002")],
            &crate::identifiers::compact(siren),
        );
        writer.end();
    }
    write_address(writer, &party.address);
    if let Some(email) = party
        .email
        .as_deref()
        .filter(|email| !email.trim().is_empty())
    {
        writer.start("ram:URIUniversalCommunication");
        writer.text_with("ram:URIID", &[("schemeID", "EM")], email.trim());
        writer.end();
    }
    let vat_id = party
        .vat_id
        .as_deref()
        .filter(|id| with_vat_id && !id.trim().is_empty());
    if let Some(vat_id) = vat_id {
        writer.start("ram:SpecifiedTaxRegistration");
        writer.text_with(
            "ram:ID",
            &[("schemeID", "VA")],
            &crate::identifiers::compact(vat_id),
        );
        writer.end();
    } else if let Some(number) = tax_number {
        // A seller without a VAT number (franchise en base) gives its local
        // tax registration (BT-32), which BR-E-02 accepts instead.
        writer.start("ram:SpecifiedTaxRegistration");
        writer.text_with("ram:ID", &[("schemeID", "FC")], number);
        writer.end();
    }
    writer.end();
}

fn write_agreement(writer: &mut Writer, view: &DocumentView, seller: &Company) {
    let header = &view.document.header;
    let with_vat_ids = !outside_scope(view);
    writer.start("ram:ApplicableHeaderTradeAgreement");
    writer.optional_text("ram:BuyerReference", header.buyer_reference.as_deref());
    let siren = crate::identifiers::compact(&seller.siren);
    let tax_number = (!siren.is_empty() && with_vat_ids).then_some(siren.as_str());
    write_party(
        writer,
        "ram:SellerTradeParty",
        &seller.as_party(),
        with_vat_ids,
        tax_number,
    );
    write_party(
        writer,
        "ram:BuyerTradeParty",
        &header.buyer,
        with_vat_ids,
        None,
    );
    if let Some(order) = header
        .purchase_order_ref
        .as_deref()
        .filter(|order| !order.trim().is_empty())
    {
        writer.start("ram:BuyerOrderReferencedDocument");
        writer.text("ram:IssuerAssignedID", order.trim());
        writer.end();
    }
    writer.end();
}

fn write_delivery(writer: &mut Writer, view: &DocumentView, issue_date: NaiveDate) {
    let header = &view.document.header;
    let intra_community = view
        .totals
        .vat_breakdown
        .iter()
        .any(|entry| entry.vat.category == VatCategory::K);
    writer.start("ram:ApplicableHeaderTradeDelivery");
    // Intra-community supplies must state where the goods went (BR-IC-12).
    let ship_to = header
        .buyer
        .delivery_address
        .as_ref()
        .or(intra_community.then_some(&header.buyer.address));
    if let Some(address) = ship_to {
        writer.start("ram:ShipToTradeParty");
        write_address(writer, address);
        writer.end();
    }
    // Without a separate delivery date the sale is dated by the invoice
    // (French rule), and stating it keeps the delivery element non-empty
    // and satisfies BR-IC-11 for intra-community supplies.
    let delivery = header.delivery_date.or(Some(issue_date));
    if let Some(date) = delivery {
        writer.start("ram:ActualDeliverySupplyChainEvent");
        date_element(writer, "ram:OccurrenceDateTime", date);
        writer.end();
    }
    writer.end();
}

fn write_document_allowance(
    writer: &mut Writer,
    entry: &AppliedAllowanceCharge,
    currency: Currency,
) {
    writer.start("ram:SpecifiedTradeAllowanceCharge");
    writer.start("ram:ChargeIndicator");
    writer.text(
        "udt:Indicator",
        if entry.is_charge { "true" } else { "false" },
    );
    writer.end();
    if let (Some(percent), Some(base)) = (entry.percent, entry.base_amount) {
        writer.text("ram:CalculationPercent", &plain(percent));
        writer.text("ram:BasisAmount", &amount(currency, base));
    }
    writer.text("ram:ActualAmount", &amount(currency, entry.amount));
    writer.optional_text("ram:ReasonCode", entry.reason_code.as_deref());
    let reason = if entry.reason.trim().is_empty() {
        if entry.is_charge { "Frais" } else { "Remise" }
    } else {
        entry.reason.trim()
    };
    writer.text("ram:Reason", reason);
    write_tax_category(writer, "ram:CategoryTradeTax", &entry.vat);
    writer.end();
}

fn write_settlement(writer: &mut Writer, view: &DocumentView, seller: &Company) {
    let document = &view.document;
    let header = &document.header;
    let totals = &view.totals;
    let currency = header.currency;
    let accounting = view
        .company_totals
        .as_ref()
        .filter(|converted| converted.currency != currency);

    writer.start("ram:ApplicableHeaderTradeSettlement");
    if let Some(converted) = accounting {
        writer.text("ram:TaxCurrencyCode", converted.currency.code());
    }
    writer.text("ram:InvoiceCurrencyCode", currency.code());
    let iban = crate::identifiers::compact(&seller.iban);
    if !iban.is_empty() {
        writer.start("ram:SpecifiedTradeSettlementPaymentMeans");
        // UNTDID 4461 code 58: SEPA credit transfer.
        writer.text("ram:TypeCode", "58");
        writer.start("ram:PayeePartyCreditorFinancialAccount");
        writer.text("ram:IBANID", &iban);
        writer.end();
        if !seller.bic.trim().is_empty() {
            writer.start("ram:PayeeSpecifiedCreditorFinancialInstitution");
            writer.text("ram:BICID", seller.bic.trim());
            writer.end();
        }
        writer.end();
    }
    for entry in &totals.vat_breakdown {
        writer.start("ram:ApplicableTradeTax");
        writer.text("ram:CalculatedAmount", &amount(currency, entry.tax_amount));
        writer.text("ram:TypeCode", "VAT");
        let reason = entry.vat.exemption_reason.as_deref();
        if entry.vat.category.requires_exemption_reason() {
            writer.optional_text("ram:ExemptionReason", reason);
        }
        writer.text("ram:BasisAmount", &amount(currency, entry.taxable_amount));
        writer.text("ram:CategoryCode", entry.vat.category.code());
        if entry.vat.category.requires_exemption_reason() {
            writer.optional_text(
                "ram:ExemptionReasonCode",
                entry.vat.exemption_code.as_deref(),
            );
        }
        if seller.vat_on_debits && entry.vat.category == VatCategory::S {
            // UNTDID 2005 code 5: VAT is due on the invoice date.
            writer.text("ram:DueDateTypeCode", "5");
        }
        if entry.vat.category != VatCategory::O {
            writer.text("ram:RateApplicablePercent", &plain(entry.vat.rate));
        }
        writer.end();
    }
    for entry in totals.allowances.iter().chain(&totals.charges) {
        write_document_allowance(writer, entry, currency);
    }
    writer.start("ram:SpecifiedTradePaymentTerms");
    writer.text("ram:Description", &header.payment_terms.describe_fr());
    if let Some(due) = document.due_date {
        date_element(writer, "ram:DueDateDateTime", due);
    }
    writer.end();

    // The e-invoice states the document as issued: later payments are not
    // part of it, so nothing is prepaid and the whole total is due.
    let due = totals.tax_inclusive_total + totals.rounding_amount;
    writer.start("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    writer.text(
        "ram:LineTotalAmount",
        &amount(currency, totals.line_net_total),
    );
    writer.text(
        "ram:ChargeTotalAmount",
        &amount(currency, totals.charge_total),
    );
    writer.text(
        "ram:AllowanceTotalAmount",
        &amount(currency, totals.allowance_total),
    );
    writer.text(
        "ram:TaxBasisTotalAmount",
        &amount(currency, totals.tax_exclusive_total),
    );
    writer.text_with(
        "ram:TaxTotalAmount",
        &[("currencyID", currency.code())],
        &amount(currency, totals.tax_total),
    );
    if let Some(converted) = accounting {
        // BT-111: the VAT total in the accounting currency, converted once.
        writer.text_with(
            "ram:TaxTotalAmount",
            &[("currencyID", converted.currency.code())],
            &amount(converted.currency, converted.tax_total),
        );
    }
    writer.text(
        "ram:RoundingAmount",
        &amount(currency, totals.rounding_amount),
    );
    writer.text(
        "ram:GrandTotalAmount",
        &amount(currency, totals.tax_inclusive_total),
    );
    writer.text("ram:TotalPrepaidAmount", &amount(currency, Decimal::ZERO));
    writer.text("ram:DuePayableAmount", &amount(currency, due));
    writer.end();

    if let Some((invoice_number, invoice_date)) = &view.corrects {
        writer.start("ram:InvoiceReferencedDocument");
        writer.text("ram:IssuerAssignedID", invoice_number);
        writer.start("ram:FormattedIssueDateTime");
        writer.text_with(
            "qdt:DateTimeString",
            &[("format", "102")],
            &date_102(*invoice_date),
        );
        writer.end();
        writer.end();
    }
    writer.end();
}
