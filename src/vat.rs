//! VAT categories (UNTDID 5305 subset used by EN 16931) and the exemption
//! wording each one needs.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// VAT category code, EN 16931 BT-151 / BT-118.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum VatCategory {
    /// Standard or reduced rate.
    S,
    /// Zero rated goods.
    Z,
    /// Exempt from VAT (for instance the French "franchise en base").
    E,
    /// Reverse charge ("autoliquidation").
    AE,
    /// Intra-community supply of goods or services, VAT exempt for the seller.
    K,
    /// Export outside the EU, VAT exempt.
    G,
    /// Services outside the scope of VAT.
    O,
}

impl VatCategory {
    pub const ALL: [VatCategory; 7] = [
        VatCategory::S,
        VatCategory::Z,
        VatCategory::E,
        VatCategory::AE,
        VatCategory::K,
        VatCategory::G,
        VatCategory::O,
    ];

    pub fn code(self) -> &'static str {
        match self {
            VatCategory::S => "S",
            VatCategory::Z => "Z",
            VatCategory::E => "E",
            VatCategory::AE => "AE",
            VatCategory::K => "K",
            VatCategory::G => "G",
            VatCategory::O => "O",
        }
    }

    pub fn from_code(code: &str) -> Result<VatCategory, VatError> {
        VatCategory::ALL
            .into_iter()
            .find(|category| category.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| VatError::UnknownCategory(code.to_string()))
    }

    /// Tells whether EN 16931 requires an exemption reason text or code (BR-E-10,
    /// BR-AE-10, BR-IC-10, BR-G-10, BR-O-10) for this category.
    pub fn requires_exemption_reason(self) -> bool {
        !matches!(self, VatCategory::S | VatCategory::Z)
    }

    /// Returns the exemption code (VATEX list) and French legal wording
    /// proposed by default for a category, when the user gives none.
    pub fn default_exemption(self) -> Option<(&'static str, &'static str)> {
        match self {
            VatCategory::S | VatCategory::Z => None,
            VatCategory::E => Some((
                "VATEX-FR-FRANCHISE",
                "TVA non applicable, art. 293 B du CGI",
            )),
            VatCategory::AE => Some(("VATEX-EU-AE", "Autoliquidation")),
            VatCategory::K => Some((
                "VATEX-EU-IC",
                "Exonération de TVA, article 262 ter I du CGI (livraison intracommunautaire)",
            )),
            VatCategory::G => Some((
                "VATEX-EU-G",
                "Exonération de TVA, article 262 I du CGI (exportation)",
            )),
            VatCategory::O => Some((
                "VATEX-EU-O",
                "Opération hors du champ d'application de la TVA",
            )),
        }
    }
}

impl fmt::Display for VatCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The VAT treatment of a line, an allowance or a charge: category, rate in
/// percent, and the exemption reason where the category needs one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Vat {
    pub category: VatCategory,
    /// Rate in percent ("20" for 20 %); zero for every category but S.
    #[serde(with = "rust_decimal::serde::str")]
    pub rate: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption_reason: Option<String>,
}

impl Vat {
    pub fn standard(rate: Decimal) -> Vat {
        Vat {
            category: VatCategory::S,
            rate,
            exemption_code: None,
            exemption_reason: None,
        }
    }

    /// Builds a zero-rate treatment with the default exemption wording of its category.
    pub fn exempt(category: VatCategory) -> Vat {
        let (code, reason) = category.default_exemption().unzip();
        Vat {
            category,
            rate: Decimal::ZERO,
            exemption_code: code.map(str::to_string),
            exemption_reason: reason.map(str::to_string),
        }
    }

    /// Checks the EN 16931 rules that tie a rate to its category: S has a
    /// positive rate (BR-S-05), the others a zero rate (BR-Z-05, BR-E-05,
    /// BR-AE-05, BR-IC-05, BR-G-05, BR-O-05), and exempt categories carry a
    /// reason. A missing reason is filled with the category's default wording.
    pub fn validated(mut self) -> Result<Vat, VatError> {
        if self.rate.is_sign_negative() || self.rate > Decimal::ONE_HUNDRED {
            return Err(VatError::RateOutOfRange(self.rate));
        }
        if self.category == VatCategory::S && self.rate.is_zero() {
            return Err(VatError::StandardRateZero);
        }
        if self.category != VatCategory::S && !self.rate.is_zero() {
            return Err(VatError::RateNotZero {
                category: self.category,
                rate: self.rate,
            });
        }
        if self.category.requires_exemption_reason() {
            let blank = |text: &Option<String>| text.as_deref().is_none_or(|t| t.trim().is_empty());
            if blank(&self.exemption_reason) && blank(&self.exemption_code) {
                let (code, reason) = self.category.default_exemption().unzip();
                self.exemption_code = code.map(str::to_string);
                self.exemption_reason = reason.map(str::to_string);
            }
        } else {
            self.exemption_code = None;
            self.exemption_reason = None;
        }
        self.rate = self.rate.normalize();
        Ok(self)
    }

    /// Returns the key of a VAT breakdown group (BG-23): category and rate.
    pub fn group_key(&self) -> (VatCategory, Decimal) {
        (self.category, self.rate.normalize())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VatError {
    #[error("unknown VAT category \"{0}\": use S, Z, E, AE, K, G or O")]
    UnknownCategory(String),
    #[error("VAT rate {0} is out of range: give a percentage between 0 and 100, such as 20 or 5.5")]
    RateOutOfRange(Decimal),
    #[error(
        "VAT category S (standard rate) needs a rate above zero: give the rate, such as 20, or use category Z, E, AE, K, G or O"
    )]
    StandardRateZero,
    #[error(
        "VAT category {category} must have rate 0, not {rate}: use category S for a taxed line"
    )]
    RateNotZero {
        category: VatCategory,
        rate: Decimal,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn standard_rate_must_be_positive() {
        assert_eq!(
            Vat::standard(dec!(0)).validated(),
            Err(VatError::StandardRateZero)
        );
        assert!(Vat::standard(dec!(20)).validated().is_ok());
        assert!(Vat::standard(dec!(120)).validated().is_err());
    }

    #[test]
    fn exempt_categories_need_zero_rate() {
        let mut vat = Vat::exempt(VatCategory::AE);
        vat.rate = dec!(20);
        assert!(matches!(vat.validated(), Err(VatError::RateNotZero { .. })));
    }

    #[test]
    fn exempt_categories_get_default_wording() {
        let vat = Vat {
            category: VatCategory::E,
            rate: dec!(0),
            exemption_code: None,
            exemption_reason: None,
        }
        .validated()
        .unwrap();
        assert_eq!(
            vat.exemption_reason.as_deref(),
            Some("TVA non applicable, art. 293 B du CGI")
        );
    }

    #[test]
    fn group_key_ignores_trailing_zeros() {
        assert_eq!(
            Vat::standard(dec!(5.50)).group_key(),
            Vat::standard(dec!(5.5)).group_key()
        );
    }

    #[test]
    fn category_codes_round_trip() {
        for category in VatCategory::ALL {
            assert_eq!(VatCategory::from_code(category.code()), Ok(category));
        }
        assert!(VatCategory::from_code("X").is_err());
    }
}
