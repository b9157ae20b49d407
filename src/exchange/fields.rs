//! The columns an import understands, the header names recognised for each
//! (English and French, as spreadsheets and other invoicing programs write
//! them), and the parsing of dates and country names.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::terms::PaymentTerms;

/// Kind of records a CSV file imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Customers,
    /// Products and services, with their prices into a price list.
    Products,
    /// Quotes, orders or invoices, one row per line, grouped by `document`.
    Documents,
}

/// A column an import understands. The export writes these names as its
/// headers (see `Field::key`), so an export reads back without a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Siren,
    Siret,
    VatId,
    AddressLine1,
    AddressLine2,
    Postcode,
    City,
    Country,
    Email,
    Currency,
    Code,
    Description,
    Unit,
    Price,
    VatCategory,
    VatRate,
    /// VATEX code of an exemption (BT-121).
    ExemptionCode,
    ExemptionReason,
    Nature,
    Document,
    Kind,
    Customer,
    CustomerSiren,
    CustomerVatId,
    IssueDate,
    DeliveryDate,
    ProductCode,
    Quantity,
    UnitPrice,
    /// Item price base quantity (BT-149): the unit price is for this many
    /// units.
    BaseQuantity,
    DiscountPercent,
    DiscountAmount,
    Status,
    Note,
    PurchaseOrderRef,
    /// Marks a row of a documents file as a document-level allowance
    /// (BG-20) or charge (BG-21) instead of a line.
    AllowanceCharge,
    /// Amount of an allowance or charge (BT-92, BT-99).
    Amount,
    /// Percentage of an allowance or charge (BT-94, BT-101).
    Percent,
    /// Reason code of an allowance (UNTDID 5189) or charge (UNTDID 7161).
    ReasonCode,
    /// Payment terms of a document, in the form `terms_text` writes, such as
    /// `net:30`.
    PaymentTerms,
    /// Payment due date (BT-9), checked against the payment terms.
    DueDate,
    /// Buyer reference (BT-10).
    BuyerReference,
    /// Company currency units for one unit of the document currency.
    ExchangeRate,
    /// Delivery date of one line, which may differ from the document's
    /// delivery date (BT-72).
    LineDeliveryDate,
    /// Customer's deliver-to address (BG-15): lines, postcode, city and
    /// country.
    DeliveryLine1,
    DeliveryLine2,
    DeliveryPostcode,
    DeliveryCity,
    DeliveryCountry,
}

impl Field {
    /// Returns the canonical header name.
    pub fn key(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Siren => "siren",
            Field::Siret => "siret",
            Field::VatId => "vat_id",
            Field::AddressLine1 => "address_line1",
            Field::AddressLine2 => "address_line2",
            Field::Postcode => "postcode",
            Field::City => "city",
            Field::Country => "country",
            Field::Email => "email",
            Field::Currency => "currency",
            Field::Code => "code",
            Field::Description => "description",
            Field::Unit => "unit",
            Field::Price => "price",
            Field::VatCategory => "vat_category",
            Field::VatRate => "vat_rate",
            Field::ExemptionCode => "exemption_code",
            Field::ExemptionReason => "exemption_reason",
            Field::Nature => "nature",
            Field::Document => "document",
            Field::Kind => "kind",
            Field::Customer => "customer",
            Field::CustomerSiren => "customer_siren",
            Field::CustomerVatId => "customer_vat_id",
            Field::IssueDate => "issue_date",
            Field::DeliveryDate => "delivery_date",
            Field::ProductCode => "product_code",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit_price",
            Field::BaseQuantity => "base_quantity",
            Field::DiscountPercent => "discount_percent",
            Field::DiscountAmount => "discount_amount",
            Field::Status => "status",
            Field::Note => "note",
            Field::PurchaseOrderRef => "purchase_order_ref",
            Field::AllowanceCharge => "allowance_charge",
            Field::Amount => "amount",
            Field::Percent => "percent",
            Field::ReasonCode => "reason_code",
            Field::PaymentTerms => "payment_terms",
            Field::DueDate => "due_date",
            Field::BuyerReference => "buyer_reference",
            Field::ExchangeRate => "exchange_rate",
            Field::LineDeliveryDate => "line_delivery_date",
            Field::DeliveryLine1 => "delivery_address_line1",
            Field::DeliveryLine2 => "delivery_address_line2",
            Field::DeliveryPostcode => "delivery_postcode",
            Field::DeliveryCity => "delivery_city",
            Field::DeliveryCountry => "delivery_country",
        }
    }

    /// Whether the column contains numbers, whose decimal style is detected
    /// per file.
    pub fn is_number(self) -> bool {
        matches!(
            self,
            Field::Price
                | Field::VatRate
                | Field::Quantity
                | Field::UnitPrice
                | Field::BaseQuantity
                | Field::DiscountPercent
                | Field::DiscountAmount
                | Field::Amount
                | Field::Percent
                | Field::ExchangeRate
        )
    }
}

impl ImportKind {
    /// Returns the columns of this kind with the header names recognised
    /// for each, written normalized (see `normalize_header`).
    pub fn columns(self) -> &'static [(Field, &'static [&'static str])] {
        match self {
            ImportKind::Customers => CUSTOMER_COLUMNS,
            ImportKind::Products => PRODUCT_COLUMNS,
            ImportKind::Documents => DOCUMENT_COLUMNS,
        }
    }

    /// Returns the name of the kind, as the command line writes it.
    pub fn key(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Products => "products",
            ImportKind::Documents => "documents",
        }
    }

    /// Columns without which no row can be imported.
    pub fn required(self) -> &'static [Field] {
        match self {
            ImportKind::Customers => &[Field::Name],
            ImportKind::Products => &[Field::Code, Field::Name],
            ImportKind::Documents => &[Field::Document, Field::Quantity],
        }
    }
}

const CUSTOMER_COLUMNS: &[(Field, &[&str])] = &[
    (
        Field::Name,
        &[
            "name",
            "legalname",
            "companyname",
            "company",
            "customer",
            "customername",
            "client",
            "nomclient",
            "nom",
            "raisonsociale",
            "societe",
            "denomination",
        ],
    ),
    (Field::Siren, &["siren", "nsiren", "numerosiren"]),
    (Field::Siret, &["siret", "nsiret", "numerosiret"]),
    (
        Field::VatId,
        &[
            "vatid",
            "vatnumber",
            "vat",
            "vatno",
            "tvaintracommunautaire",
            "ntva",
            "numerotva",
            "tva",
            "tvaintra",
            "ustidnr",
        ],
    ),
    (
        Field::AddressLine1,
        &[
            "addressline1",
            "address",
            "address1",
            "street",
            "adresse",
            "adresse1",
            "rue",
        ],
    ),
    (
        Field::AddressLine2,
        &[
            "addressline2",
            "address2",
            "adresse2",
            "complementadresse",
            "complement",
            "region",
        ],
    ),
    (
        Field::Postcode,
        &[
            "postcode",
            "postalcode",
            "zip",
            "zipcode",
            "codepostal",
            "cp",
            "plz",
        ],
    ),
    (
        Field::City,
        &["city", "town", "ville", "localite", "commune", "ort"],
    ),
    (
        Field::Country,
        &["country", "countrycode", "pays", "codepays", "land"],
    ),
    (
        Field::Email,
        &["email", "mail", "courriel", "emailaddress", "adressemail"],
    ),
    (Field::Currency, &["currency", "devise", "monnaie"]),
    (
        Field::PaymentTerms,
        &[
            "paymentterms",
            "terms",
            "conditionsdepaiement",
            "conditionsdereglement",
        ],
    ),
    (
        Field::DeliveryLine1,
        &[
            "deliveryaddressline1",
            "deliveryaddress",
            "adresselivraison",
        ],
    ),
    (
        Field::DeliveryLine2,
        &["deliveryaddressline2", "complementadresselivraison"],
    ),
    (
        Field::DeliveryPostcode,
        &["deliverypostcode", "codepostallivraison"],
    ),
    (Field::DeliveryCity, &["deliverycity", "villelivraison"]),
    (
        Field::DeliveryCountry,
        &["deliverycountry", "payslivraison"],
    ),
];

const PRODUCT_COLUMNS: &[(Field, &[&str])] = &[
    (
        Field::Code,
        &[
            "code",
            "sku",
            "productcode",
            "itemcode",
            "productid",
            "reference",
            "ref",
            "article",
            "codearticle",
            "artikelnummer",
        ],
    ),
    (
        Field::Name,
        &[
            "name",
            "productname",
            "product",
            "item",
            "designation",
            "libelle",
            "nom",
            "produit",
            "bezeichnung",
        ],
    ),
    (
        Field::Description,
        &[
            "description",
            "details",
            "descriptif",
            "beschreibung",
            "quantityperunit",
        ],
    ),
    (
        Field::Unit,
        &["unit", "unite", "unitcode", "uom", "einheit"],
    ),
    (
        Field::Price,
        &[
            "price",
            "unitprice",
            "priceexclvat",
            "netprice",
            "prix",
            "prixht",
            "prixunitaire",
            "prixunitaireht",
            "tarif",
            "puht",
            "preis",
        ],
    ),
    (
        Field::VatCategory,
        &["vatcategory", "categorietva", "vatcode", "codetva"],
    ),
    (
        Field::VatRate,
        &[
            "vatrate",
            "vat",
            "vatpercent",
            "tva",
            "tauxtva",
            "taux",
            "taxrate",
            "mwst",
            "ust",
        ],
    ),
    (
        Field::ExemptionCode,
        &["exemptioncode", "codeexoneration", "vatex"],
    ),
    (
        Field::ExemptionReason,
        &["exemptionreason", "motifexoneration", "mentionexoneration"],
    ),
    (Field::Nature, &["nature", "type", "kind", "goodsorservice"]),
];

const DOCUMENT_COLUMNS: &[(Field, &[&str])] = &[
    (
        Field::Document,
        &[
            "document",
            "documentkey",
            "number",
            "invoice",
            "invoicenumber",
            "invoiceid",
            "orderid",
            "order",
            "numero",
            "numerofacture",
            "nfacture",
            "facture",
            "piece",
            "ndocument",
        ],
    ),
    (
        Field::Kind,
        &["kind", "documenttype", "type", "typedocument"],
    ),
    (
        Field::Customer,
        &[
            "customer",
            "customername",
            "client",
            "companyname",
            "nomclient",
            "raisonsociale",
            "buyer",
        ],
    ),
    (
        Field::CustomerSiren,
        &["customersiren", "sirenclient", "siren"],
    ),
    (
        Field::CustomerVatId,
        &[
            "customervatid",
            "tvaclient",
            "customervatnumber",
            "buyervatid",
        ],
    ),
    (
        Field::IssueDate,
        &[
            "issuedate",
            "date",
            "invoicedate",
            "orderdate",
            "datefacture",
            "datedefacture",
            "dateemission",
        ],
    ),
    (
        Field::DeliveryDate,
        &[
            "deliverydate",
            "shippeddate",
            "datelivraison",
            "datedelivraison",
        ],
    ),
    (Field::Currency, &["currency", "devise"]),
    (
        Field::ProductCode,
        &[
            "productcode",
            "productid",
            "sku",
            "itemcode",
            "codearticle",
            "reference",
            "article",
        ],
    ),
    (
        Field::Description,
        &[
            "description",
            "designation",
            "libelle",
            "productname",
            "item",
        ],
    ),
    (
        Field::Quantity,
        &["quantity", "qty", "quantite", "qte", "menge"],
    ),
    (Field::Unit, &["unit", "unite", "unitcode"]),
    (
        Field::UnitPrice,
        &[
            "unitprice",
            "price",
            "prixunitaire",
            "prixunitaireht",
            "puht",
            "prix",
        ],
    ),
    (
        Field::BaseQuantity,
        &["basequantity", "quantitedebase", "pourquantite"],
    ),
    (
        Field::DiscountPercent,
        &[
            "discountpercent",
            "discount",
            "remise",
            "remisepourcent",
            "rabatt",
        ],
    ),
    (
        Field::DiscountAmount,
        &["discountamount", "montantremise", "remisemontant"],
    ),
    (
        Field::VatCategory,
        &["vatcategory", "categorietva", "vatcode"],
    ),
    (
        Field::VatRate,
        &["vatrate", "vat", "tva", "tauxtva", "taxrate"],
    ),
    (
        Field::ExemptionCode,
        &["exemptioncode", "codeexoneration", "vatex"],
    ),
    (
        Field::ExemptionReason,
        &["exemptionreason", "motifexoneration"],
    ),
    (Field::Status, &["status", "state", "statut", "etat"]),
    (Field::Note, &["note", "notes", "comment", "commentaire"]),
    (
        Field::PurchaseOrderRef,
        &[
            "purchaseorderref",
            "purchaseorder",
            "ponumber",
            "bondecommande",
        ],
    ),
    (
        Field::AllowanceCharge,
        &["allowancecharge", "remisefrais", "remiseoufrais"],
    ),
    (Field::Amount, &["amount", "montant"]),
    (Field::Percent, &["percent", "pourcentage"]),
    (Field::ReasonCode, &["reasoncode", "codemotif"]),
    (
        Field::PaymentTerms,
        &[
            "paymentterms",
            "terms",
            "conditionsdepaiement",
            "conditionsdereglement",
        ],
    ),
    (
        Field::DueDate,
        &["duedate", "dateecheance", "datedecheance", "echeance"],
    ),
    (
        Field::BuyerReference,
        &["buyerreference", "referenceacheteur", "referenceclient"],
    ),
    (
        Field::ExchangeRate,
        &["exchangerate", "tauxdechange", "tauxchange"],
    ),
    (
        Field::LineDeliveryDate,
        &["linedeliverydate", "datelivraisonligne"],
    ),
];

/// Lowercases a header, drops accents and keeps letters and digits only, so
/// "N° TVA", "n_tva" and "NTVA" compare equal.
pub fn normalize_header(header: &str) -> String {
    header
        .chars()
        .flat_map(char::to_lowercase)
        .map(fold_accent)
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

/// Maps each header to a column: a header named in `overrides` takes that
/// column (or none, when mapped to `None`), the others are recognised by
/// name. A column is taken by the first header that claims it.
pub fn map_headers(
    kind: ImportKind,
    headers: &[String],
    overrides: &BTreeMap<String, Option<Field>>,
) -> Vec<Option<Field>> {
    let mut taken: Vec<Field> = overrides.values().flatten().copied().collect();
    headers
        .iter()
        .map(|header| {
            if let Some(field) = overrides.get(header) {
                return *field;
            }
            let normalized = normalize_header(header);
            let field = kind
                .columns()
                .iter()
                .find(|(field, names)| {
                    !taken.contains(field) && names.contains(&normalized.as_str())
                })
                .map(|(field, _)| *field)?;
            taken.push(field);
            Some(field)
        })
        .collect()
}

/// Parses a date written as 2026-03-02, 02/03/2026 (day first, as in France),
/// 02.03.2026, or an ISO date followed by a time.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let trimmed = text.trim();
    let date_part = trimmed.split(['T', ' ']).next().unwrap_or(trimmed);
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(date_part, format).ok())
        .ok_or_else(|| format!("\"{trimmed}\" is not a date: write it as 2026-03-02 or 02/03/2026"))
}

/// Writes payment terms in the notation of the `payment_terms` column.
/// `net:30` is 30 days net, and `net:0` is payment on receipt.
/// `end_of_month:1` is the end of the month after the invoice month.
/// `days_then_end_of_month:45` adds 45 days, then goes to the end of that month.
/// `end_of_month_then_days:45` goes to the end of the invoice month, then adds 45 days.
pub fn terms_text(terms: PaymentTerms) -> String {
    match terms {
        PaymentTerms::Net { days } => format!("net:{days}"),
        PaymentTerms::EndOfMonth { months } => format!("end_of_month:{months}"),
        PaymentTerms::DaysThenEndOfMonth { days } => format!("days_then_end_of_month:{days}"),
        PaymentTerms::EndOfMonthThenDays { days } => format!("end_of_month_then_days:{days}"),
    }
}

/// Parses payment terms written as `terms_text` writes them.
pub fn parse_terms(text: &str) -> Result<PaymentTerms, String> {
    let trimmed = text.trim();
    let fix =
        "write net:30, end_of_month:1, days_then_end_of_month:45 or end_of_month_then_days:45";
    let Some((rule, count)) = trimmed.split_once(':') else {
        return Err(format!("\"{trimmed}\" is not payment terms: {fix}"));
    };
    let Ok(count) = count.trim().parse::<u32>() else {
        return Err(format!(
            "\"{trimmed}\" is not payment terms: the number after the colon must be a whole number of days or months, 0 or more; {fix}"
        ));
    };
    match rule.trim() {
        "net" => Ok(PaymentTerms::Net { days: count }),
        "end_of_month" => Ok(PaymentTerms::EndOfMonth { months: count }),
        "days_then_end_of_month" => Ok(PaymentTerms::DaysThenEndOfMonth { days: count }),
        "end_of_month_then_days" => Ok(PaymentTerms::EndOfMonthThenDays { days: count }),
        _ => Err(format!("\"{trimmed}\" is not payment terms: {fix}")),
    }
}

/// Reads a country as an ISO 3166-1 alpha-2 code, or as its English or
/// French name for the countries listed here.
pub fn parse_country(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.len() == 2 && trimmed.chars().all(|c| c.is_ascii_alphabetic()) {
        return Ok(trimmed.to_ascii_uppercase());
    }
    let normalized = normalize_header(trimmed);
    COUNTRY_NAMES
        .iter()
        .find(|(_, names)| names.contains(&normalized.as_str()))
        .map(|(code, _)| code.to_string())
        .ok_or_else(|| {
            format!("\"{trimmed}\" is not a known country: write its two-letter ISO code, such as FR, DE or US")
        })
}

/// Country names, normalized, for the EU members and frequent trading
/// partners.
const COUNTRY_NAMES: &[(&str, &[&str])] = &[
    ("AR", &["argentina", "argentine"]),
    ("AT", &["austria", "autriche", "osterreich"]),
    ("AU", &["australia", "australie"]),
    ("BE", &["belgium", "belgique", "belgie"]),
    ("BG", &["bulgaria", "bulgarie"]),
    ("BR", &["brazil", "bresil", "brasil"]),
    ("CA", &["canada"]),
    ("CH", &["switzerland", "suisse", "schweiz"]),
    ("CN", &["china", "chine"]),
    ("CY", &["cyprus", "chypre"]),
    (
        "CZ",
        &["czechia", "czechrepublic", "republiquetcheque", "tchequie"],
    ),
    ("DE", &["germany", "allemagne", "deutschland"]),
    ("DK", &["denmark", "danemark"]),
    ("EE", &["estonia", "estonie"]),
    ("ES", &["spain", "espagne", "espana"]),
    ("FI", &["finland", "finlande"]),
    ("FR", &["france"]),
    (
        "GB",
        &[
            "uk",
            "unitedkingdom",
            "greatbritain",
            "royaumeuni",
            "england",
        ],
    ),
    ("GR", &["greece", "grece"]),
    ("HR", &["croatia", "croatie"]),
    ("HU", &["hungary", "hongrie"]),
    ("IE", &["ireland", "irlande"]),
    ("IT", &["italy", "italie", "italia"]),
    ("JP", &["japan", "japon"]),
    ("LT", &["lithuania", "lituanie"]),
    ("LU", &["luxembourg"]),
    ("LV", &["latvia", "lettonie"]),
    ("MA", &["morocco", "maroc"]),
    ("MC", &["monaco"]),
    ("MT", &["malta", "malte"]),
    ("MX", &["mexico", "mexique"]),
    ("NL", &["netherlands", "paysbas", "holland", "nederland"]),
    ("NO", &["norway", "norvege"]),
    ("PL", &["poland", "pologne", "polska"]),
    ("PT", &["portugal"]),
    ("RO", &["romania", "roumanie"]),
    ("SE", &["sweden", "suede", "sverige"]),
    ("SI", &["slovenia", "slovenie"]),
    ("SK", &["slovakia", "slovaquie"]),
    ("TN", &["tunisia", "tunisie"]),
    (
        "US",
        &["usa", "unitedstates", "unitedstatesofamerica", "etatsunis"],
    ),
    ("VE", &["venezuela"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_normalize_accents_and_punctuation() {
        assert_eq!(normalize_header("N° TVA"), "ntva");
        assert_eq!(normalize_header("Prix unitaire HT"), "prixunitaireht");
        assert_eq!(normalize_header("vat_id"), "vatid");
        assert_eq!(normalize_header("Désignation"), "designation");
    }

    #[test]
    fn french_and_english_headers_map() {
        let headers: Vec<String> = ["Référence", "Désignation", "Prix HT", "TVA", "Colour"]
            .iter()
            .map(|h| h.to_string())
            .collect();
        let mapped = map_headers(ImportKind::Products, &headers, &BTreeMap::new());
        assert_eq!(
            mapped,
            vec![
                Some(Field::Code),
                Some(Field::Name),
                Some(Field::Price),
                Some(Field::VatRate),
                None
            ]
        );
    }

    #[test]
    fn overrides_win_over_recognised_names() {
        let headers = vec!["name".to_string(), "label".to_string()];
        let overrides = BTreeMap::from([
            ("label".to_string(), Some(Field::Name)),
            ("name".to_string(), Some(Field::Code)),
        ]);
        let mapped = map_headers(ImportKind::Products, &headers, &overrides);
        assert_eq!(mapped, vec![Some(Field::Code), Some(Field::Name)]);
    }

    #[test]
    fn dates_in_iso_and_french_order() {
        let expected = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(parse_date("2026-03-02"), Ok(expected));
        assert_eq!(parse_date("02/03/2026"), Ok(expected));
        assert_eq!(parse_date("02.03.2026"), Ok(expected));
        assert_eq!(parse_date("2026-03-02 00:00:00"), Ok(expected));
        assert!(parse_date("March 2").is_err());
    }

    #[test]
    fn payment_terms_text_reads_back() {
        let all = [
            PaymentTerms::Net { days: 0 },
            PaymentTerms::Net { days: 30 },
            PaymentTerms::EndOfMonth { months: 0 },
            PaymentTerms::EndOfMonth { months: 2 },
            PaymentTerms::DaysThenEndOfMonth { days: 45 },
            PaymentTerms::EndOfMonthThenDays { days: 15 },
        ];
        for terms in all {
            assert_eq!(parse_terms(&terms_text(terms)), Ok(terms));
        }
        assert_eq!(
            parse_terms(" net : 10 "),
            Ok(PaymentTerms::Net { days: 10 })
        );
        for invalid in ["30", "net:-1", "net:x", "weekly:2", "net:4.5", ""] {
            let error = parse_terms(invalid).unwrap_err();
            assert!(error.contains("net:30"), "{invalid}: {error}");
        }
    }

    #[test]
    fn countries_by_code_or_name() {
        assert_eq!(parse_country("fr"), Ok("FR".to_string()));
        assert_eq!(parse_country("Germany"), Ok("DE".to_string()));
        assert_eq!(parse_country("États-Unis"), Ok("US".to_string()));
        assert!(parse_country("Atlantis").is_err());
    }
}
