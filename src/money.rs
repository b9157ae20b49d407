//! Exact money: ISO 4217 currencies, half-away-from-zero rounding and strict
//! parsing of the numbers that users type.
//!
//! Every amount is a `rust_decimal::Decimal`. Nothing here, or anywhere in the
//! crate, converts money to or from floating point.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Rounds `value` to `decimals` places, halves away from zero
/// (18.525 → 18.53, −61.085 → −61.09).
///
/// This is the only rounding function that money code calls; `Decimal::round_dp`
/// rounds halves to even and is banned in `clippy.toml`.
pub fn round_half_away(value: Decimal, decimals: u32) -> Decimal {
    let mut rounded =
        value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    // Keep exactly `decimals` places so that 168.1 prints as 168.10.
    rounded.rescale(decimals);
    rounded
}

/// An ISO 4217 currency with the number of decimals of its minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    decimals: u32,
}

/// Active ISO 4217 alphabetic codes (fund codes left out) with the decimals
/// of their minor unit, and the usual symbol where one exists.
const CURRENCIES: &[(&str, u32, &str)] = &[
    ("AED", 2, "د.إ"),
    ("AFN", 2, ""),
    ("ALL", 2, ""),
    ("AMD", 2, ""),
    ("AOA", 2, ""),
    ("ARS", 2, "$"),
    ("AUD", 2, "$"),
    ("AWG", 2, ""),
    ("AZN", 2, ""),
    ("BAM", 2, ""),
    ("BBD", 2, ""),
    ("BDT", 2, ""),
    ("BGN", 2, "лв"),
    ("BHD", 3, "BD"),
    ("BIF", 0, ""),
    ("BMD", 2, ""),
    ("BND", 2, ""),
    ("BOB", 2, ""),
    ("BRL", 2, "R$"),
    ("BSD", 2, ""),
    ("BTN", 2, ""),
    ("BWP", 2, ""),
    ("BYN", 2, ""),
    ("BZD", 2, ""),
    ("CAD", 2, "$"),
    ("CDF", 2, ""),
    ("CHF", 2, "CHF"),
    ("CLP", 0, "$"),
    ("CNY", 2, "¥"),
    ("COP", 2, "$"),
    ("CRC", 2, ""),
    ("CUP", 2, ""),
    ("CVE", 2, ""),
    ("CZK", 2, "Kč"),
    ("DJF", 0, ""),
    ("DKK", 2, "kr"),
    ("DOP", 2, ""),
    ("DZD", 2, "DA"),
    ("EGP", 2, "E£"),
    ("ERN", 2, ""),
    ("ETB", 2, ""),
    ("EUR", 2, "€"),
    ("FJD", 2, ""),
    ("FKP", 2, ""),
    ("GBP", 2, "£"),
    ("GEL", 2, ""),
    ("GHS", 2, ""),
    ("GIP", 2, ""),
    ("GMD", 2, ""),
    ("GNF", 0, ""),
    ("GTQ", 2, ""),
    ("GYD", 2, ""),
    ("HKD", 2, "$"),
    ("HNL", 2, ""),
    ("HTG", 2, ""),
    ("HUF", 2, "Ft"),
    ("IDR", 2, "Rp"),
    ("ILS", 2, "₪"),
    ("INR", 2, "₹"),
    ("IQD", 3, ""),
    ("IRR", 2, ""),
    ("ISK", 0, "kr"),
    ("JMD", 2, ""),
    ("JOD", 3, "JD"),
    ("JPY", 0, "¥"),
    ("KES", 2, ""),
    ("KGS", 2, ""),
    ("KHR", 2, ""),
    ("KMF", 0, ""),
    ("KPW", 2, ""),
    ("KRW", 0, "₩"),
    ("KWD", 3, "KD"),
    ("KYD", 2, ""),
    ("KZT", 2, ""),
    ("LAK", 2, ""),
    ("LBP", 2, ""),
    ("LKR", 2, ""),
    ("LRD", 2, ""),
    ("LSL", 2, ""),
    ("LYD", 3, ""),
    ("MAD", 2, "DH"),
    ("MDL", 2, ""),
    ("MGA", 2, ""),
    ("MKD", 2, ""),
    ("MMK", 2, ""),
    ("MNT", 2, ""),
    ("MOP", 2, ""),
    ("MRU", 2, ""),
    ("MUR", 2, ""),
    ("MVR", 2, ""),
    ("MWK", 2, ""),
    ("MXN", 2, "$"),
    ("MYR", 2, "RM"),
    ("MZN", 2, ""),
    ("NAD", 2, ""),
    ("NGN", 2, "₦"),
    ("NIO", 2, ""),
    ("NOK", 2, "kr"),
    ("NPR", 2, ""),
    ("NZD", 2, "$"),
    ("OMR", 3, "RO"),
    ("PAB", 2, ""),
    ("PEN", 2, ""),
    ("PGK", 2, ""),
    ("PHP", 2, "₱"),
    ("PKR", 2, ""),
    ("PLN", 2, "zł"),
    ("PYG", 0, ""),
    ("QAR", 2, "QR"),
    ("RON", 2, "lei"),
    ("RSD", 2, "дин"),
    ("RUB", 2, "₽"),
    ("RWF", 0, ""),
    ("SAR", 2, "SR"),
    ("SBD", 2, ""),
    ("SCR", 2, ""),
    ("SDG", 2, ""),
    ("SEK", 2, "kr"),
    ("SGD", 2, "$"),
    ("SHP", 2, ""),
    ("SLE", 2, ""),
    ("SOS", 2, ""),
    ("SRD", 2, ""),
    ("SSP", 2, ""),
    ("STN", 2, ""),
    ("SVC", 2, ""),
    ("SYP", 2, ""),
    ("SZL", 2, ""),
    ("THB", 2, "฿"),
    ("TJS", 2, ""),
    ("TMT", 2, ""),
    ("TND", 3, "DT"),
    ("TOP", 2, ""),
    ("TRY", 2, "₺"),
    ("TTD", 2, ""),
    ("TWD", 2, "$"),
    ("TZS", 2, ""),
    ("UAH", 2, "₴"),
    ("UGX", 0, ""),
    ("USD", 2, "$"),
    ("UYU", 2, ""),
    ("UZS", 2, ""),
    ("VES", 2, ""),
    ("VND", 0, "₫"),
    ("VUV", 0, ""),
    ("WST", 2, ""),
    ("XAF", 0, "FCFA"),
    ("XCD", 2, ""),
    ("XCG", 2, ""),
    ("XOF", 0, "CFA"),
    ("XPF", 0, "F"),
    ("YER", 2, ""),
    ("ZAR", 2, "R"),
    ("ZMW", 2, ""),
    ("ZWG", 2, ""),
];

impl Currency {
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        decimals: 2,
    };

    /// Looks up an ISO 4217 code; lowercase input is accepted.
    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(known, _, _)| *known == upper)
            .map(|(known, decimals, _)| Currency {
                code: known.as_bytes().try_into().unwrap_or(*b"XXX"),
                decimals: *decimals,
            })
            .ok_or_else(|| MoneyError::UnknownCurrency(code.to_string()))
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of decimals of the minor unit (EUR 2, JPY 0, KWD 3).
    pub fn decimals(&self) -> u32 {
        self.decimals
    }

    /// Returns the usual symbol, for display only (empty when the code itself
    /// is printed); documents also print the code.
    pub fn symbol(&self) -> &'static str {
        CURRENCIES
            .iter()
            .find(|(known, _, _)| known.as_bytes() == self.code)
            .map(|(_, _, symbol)| *symbol)
            .unwrap_or("")
    }

    /// Rounds an amount to this currency's minor unit, halves away from zero.
    pub fn round(&self, amount: Decimal) -> Decimal {
        round_half_away(amount, self.decimals)
    }

    /// Formats an amount with exactly the currency's decimals and a dot as the
    /// decimal separator ("168.10"), the form used in JSON, CSV and XML.
    pub fn format_plain(&self, amount: Decimal) -> String {
        self.round(amount).to_string()
    }
}

impl Default for Currency {
    /// The euro, the currency of a French company unless its settings name another.
    fn default() -> Self {
        Currency::EUR
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Currency::from_code(&code).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("unknown currency \"{0}\": use an ISO 4217 code such as EUR, USD, GBP, CHF or JPY")]
    UnknownCurrency(String),
    #[error("\"{value}\" is not a valid {what}: {reason}")]
    InvalidNumber {
        value: String,
        what: &'static str,
        reason: String,
    },
}

/// Number style a user writes in. JSON and CSV exchange files use `Plain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NumberStyle {
    /// Digits, an optional leading minus and a dot as decimal separator: "1234.50".
    #[default]
    Plain,
    /// French: comma or dot as decimal separator, spaces (also no-break and
    /// narrow no-break spaces) between thousands, and dots between thousands
    /// when a decimal comma follows or when there are several: "1 234,50",
    /// "1.234,56", "1.234.567". A single dot alone is decimal: "1234.5".
    French,
    /// English: dot as decimal separator, commas or spaces between thousands:
    /// "1,234.50".
    English,
}

/// Parses a number typed by a user or read from a file, never through a float.
///
/// `what` names the field in the error ("amount", "quantity", "unit price").
/// Grouping separators must split the integer part in groups of three digits,
/// so "1,5" in English or "12 34" in French are rejected instead of guessed.
pub fn parse_decimal(
    text: &str,
    style: NumberStyle,
    what: &'static str,
) -> Result<Decimal, MoneyError> {
    let invalid = |reason: &str| MoneyError::InvalidNumber {
        value: text.to_string(),
        what,
        reason: reason.to_string(),
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid("it is empty; type a number such as 1234.50"));
    }
    let (negative, body) = match trimmed
        .strip_prefix('-')
        .or_else(|| trimmed.strip_prefix('−'))
    {
        Some(rest) => (true, rest.trim_start()),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };

    let (decimal_separators, group_separators): (&[char], &[char]) = match style {
        NumberStyle::Plain => (&['.'], &[]),
        NumberStyle::French => (&[',', '.'], &[' ', '\u{a0}', '\u{202f}', '.']),
        NumberStyle::English => (&['.'], &[',', ' ', '\u{a0}', '\u{202f}']),
    };

    // French: a comma is the decimal separator; without one, a single dot
    // is, and several dots are thousands separators.
    let decimal_position = match style {
        NumberStyle::French => body.rfind(',').or_else(|| {
            let dots = body.matches('.').count();
            if dots == 1 { body.find('.') } else { None }
        }),
        _ => body.rfind(|c| decimal_separators.contains(&c)),
    };
    let (integer_part, fraction_part) = match decimal_position {
        Some(position) => {
            let separator_len = body[position..].chars().next().map_or(1, char::len_utf8);
            (&body[..position], Some(&body[position + separator_len..]))
        }
        None => (body, None),
    };

    let digits =
        integer_digits(integer_part, group_separators).map_err(|reason| invalid(&reason))?;
    let mut canonical = String::with_capacity(body.len() + 1);
    if negative {
        canonical.push('-');
    }
    canonical.push_str(&digits);
    if let Some(fraction) = fraction_part {
        if fraction.is_empty() || !fraction.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid(
                "the decimal part must be digits only; write it like 1234.50 or 1 234,50",
            ));
        }
        canonical.push('.');
        canonical.push_str(fraction);
    }
    Decimal::from_str_exact(&canonical).map_err(|_| invalid("it has too many digits"))
}

/// Checks the integer part and strips its grouping separators.
fn integer_digits(integer_part: &str, group_separators: &[char]) -> Result<String, String> {
    if integer_part.is_empty() {
        return Ok("0".to_string());
    }
    let groups: Vec<&str> = integer_part
        .split(|c| group_separators.contains(&c))
        .collect();
    for group in &groups {
        if group.is_empty() || !group.chars().all(|c| c.is_ascii_digit()) {
            return Err(
                "it contains characters other than digits and separators; write it like 1234.50 or 1 234,50"
                    .to_string(),
            );
        }
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|group| group.len() != 3))
    {
        return Err(
            "thousands separators must split the number in groups of three digits".to_string(),
        );
    }
    Ok(groups.concat())
}

/// Rejects a value with more decimals than `max` ("quantity 1.23456 has 5
/// decimals, at most 4 are allowed").
pub fn check_scale(value: Decimal, max: u32, what: &'static str) -> Result<Decimal, MoneyError> {
    let normalized = value.normalize();
    if normalized.scale() > max {
        return Err(MoneyError::InvalidNumber {
            value: value.to_string(),
            what,
            reason: format!(
                "it has {} decimals, at most {max} are allowed",
                normalized.scale()
            ),
        });
    }
    Ok(value)
}

/// Formats an amount for a person: grouped thousands and the locale's decimal
/// separator, always with the currency's decimals ("1 481,47" in French,
/// "1,481.47" in English). The grouping space in French is U+202F.
pub fn format_grouped(amount: Decimal, decimals: u32, style: NumberStyle) -> String {
    let rounded = round_half_away(amount, decimals);
    let text = rounded.abs().to_string();
    let (integer, fraction) = match text.split_once('.') {
        Some((integer, fraction)) => (integer, Some(fraction)),
        None => (text.as_str(), None),
    };
    let (group_separator, decimal_separator) = match style {
        NumberStyle::French => ("\u{202f}", ","),
        NumberStyle::English => (",", "."),
        NumberStyle::Plain => ("", "."),
    };
    let mut grouped = String::new();
    for (index, digit) in integer.chars().enumerate() {
        if index > 0 && (integer.len() - index) % 3 == 0 {
            grouped.push_str(group_separator);
        }
        grouped.push(digit);
    }
    let mut out = String::new();
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(fraction) = fraction {
        out.push_str(decimal_separator);
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounding_halves_away_from_zero() {
        assert_eq!(round_half_away(dec!(18.525), 2), dec!(18.53));
        assert_eq!(round_half_away(dec!(-61.085), 2), dec!(-61.09));
        assert_eq!(round_half_away(dec!(74.9925), 2), dec!(74.99));
        assert_eq!(round_half_away(dec!(0.125), 2), dec!(0.13));
        assert_eq!(round_half_away(dec!(2.5), 0), dec!(3));
    }

    #[test]
    fn rounding_keeps_trailing_zeros() {
        assert_eq!(round_half_away(dec!(168.1), 2).to_string(), "168.10");
        assert_eq!(round_half_away(dec!(26.8394), 2).to_string(), "26.84");
        assert_eq!(round_half_away(dec!(5), 2).to_string(), "5.00");
    }

    #[test]
    fn currency_decimals_follow_iso_4217() {
        assert_eq!(Currency::from_code("EUR").map(|c| c.decimals()), Ok(2));
        assert_eq!(Currency::from_code("jpy").map(|c| c.decimals()), Ok(0));
        assert_eq!(Currency::from_code("KWD").map(|c| c.decimals()), Ok(3));
        let error = Currency::from_code("EURO").unwrap_err().to_string();
        assert!(error.contains("\"EURO\""), "{error}");
    }

    #[test]
    fn parse_plain_rejects_grouping_and_commas() {
        assert_eq!(
            parse_decimal("1234.5", NumberStyle::Plain, "amount"),
            Ok(dec!(1234.5))
        );
        assert_eq!(
            parse_decimal("-0.50", NumberStyle::Plain, "amount"),
            Ok(dec!(-0.50))
        );
        assert!(parse_decimal("1,5", NumberStyle::Plain, "amount").is_err());
        assert!(parse_decimal("1e3", NumberStyle::Plain, "amount").is_err());
        assert!(parse_decimal("", NumberStyle::Plain, "amount").is_err());
        assert!(parse_decimal("12.", NumberStyle::Plain, "amount").is_err());
    }

    #[test]
    fn parse_french_accepts_spaces_and_decimal_comma() {
        let french = NumberStyle::French;
        assert_eq!(
            parse_decimal("1 234,50", french, "amount"),
            Ok(dec!(1234.50))
        );
        assert_eq!(
            parse_decimal("1\u{202f}234,50", french, "amount"),
            Ok(dec!(1234.50))
        );
        assert_eq!(
            parse_decimal("1\u{a0}234,5", french, "amount"),
            Ok(dec!(1234.5))
        );
        assert_eq!(
            parse_decimal("1.234,56", french, "amount"),
            Ok(dec!(1234.56))
        );
        assert_eq!(parse_decimal("1234.5", french, "amount"), Ok(dec!(1234.5)));
        assert_eq!(parse_decimal("0,5", french, "amount"), Ok(dec!(0.5)));
        assert!(parse_decimal("12 34,5", french, "amount").is_err());
        assert!(parse_decimal("1,2,3", french, "amount").is_err());
        assert_eq!(
            parse_decimal("1.234.567", french, "amount"),
            Ok(dec!(1234567))
        );
        assert!(parse_decimal("1.23.4", french, "amount").is_err());
    }

    #[test]
    fn parse_english_accepts_comma_grouping() {
        let english = NumberStyle::English;
        assert_eq!(
            parse_decimal("1,234.50", english, "amount"),
            Ok(dec!(1234.50))
        );
        assert_eq!(
            parse_decimal("1,234,567", english, "amount"),
            Ok(dec!(1234567))
        );
        assert!(parse_decimal("1,5", english, "amount").is_err());
        assert!(parse_decimal("12,34.5", english, "amount").is_err());
    }

    #[test]
    fn parse_error_names_value_and_field() {
        let error = parse_decimal("12abc", NumberStyle::French, "quantity")
            .unwrap_err()
            .to_string();
        assert!(error.contains("\"12abc\""), "{error}");
        assert!(error.contains("quantity"), "{error}");
    }

    #[test]
    fn scale_check_names_the_limit() {
        assert!(check_scale(dec!(1.2345), 4, "quantity").is_ok());
        assert!(check_scale(dec!(1.23450), 4, "quantity").is_ok());
        let error = check_scale(dec!(1.23456), 4, "quantity")
            .unwrap_err()
            .to_string();
        assert!(error.contains("at most 4"), "{error}");
    }

    #[test]
    fn grouped_formatting_per_locale() {
        assert_eq!(
            format_grouped(dec!(1481.47), 2, NumberStyle::English),
            "1,481.47"
        );
        assert_eq!(
            format_grouped(dec!(1481.47), 2, NumberStyle::French),
            "1\u{202f}481,47"
        );
        assert_eq!(
            format_grouped(dec!(-1234567.5), 2, NumberStyle::English),
            "-1,234,567.50"
        );
        assert_eq!(format_grouped(dec!(950), 0, NumberStyle::English), "950");
    }
}
