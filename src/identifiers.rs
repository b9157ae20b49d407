//! Checks of French company identifiers (SIREN, SIRET) and VAT numbers.

use crate::document::Party;

/// Removes the spaces people type inside identifiers ("732 829 320").
pub fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .collect()
}

/// Luhn checksum, which INSEE uses for SIREN and SIRET numbers.
fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (index, c) in digits.chars().rev().enumerate() {
        let Some(mut digit) = c.to_digit(10) else {
            return false;
        };
        if index % 2 == 1 {
            digit *= 2;
            if digit > 9 {
                digit -= 9;
            }
        }
        sum += digit;
    }
    sum % 10 == 0
}

/// Checks a SIREN: 9 digits with a valid Luhn key.
pub fn check_siren(siren: &str) -> Result<String, String> {
    let compacted = compact(siren);
    if compacted.len() != 9 || !compacted.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "SIREN \"{siren}\" must have 9 digits, such as 732 829 320"
        ));
    }
    if !luhn_valid(&compacted) {
        return Err(format!(
            "SIREN \"{siren}\" has an invalid check digit: check it on the Kbis extract"
        ));
    }
    Ok(compacted)
}

/// Checks a SIRET: 14 digits with a valid Luhn key. La Poste's
/// establishments (SIREN 356 000 000) use a digit sum divisible by 5 instead.
pub fn check_siret(siret: &str) -> Result<String, String> {
    let compacted = compact(siret);
    if compacted.len() != 14 || !compacted.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!(
            "SIRET \"{siret}\" must have 14 digits: the 9-digit SIREN then 5 digits"
        ));
    }
    let la_poste = compacted.starts_with("356000000")
        && compacted
            .chars()
            .filter_map(|c| c.to_digit(10))
            .sum::<u32>()
            % 5
            == 0;
    if !la_poste && !luhn_valid(&compacted) {
        return Err(format!(
            "SIRET \"{siret}\" has an invalid check digit: check it on the Kbis extract"
        ));
    }
    Ok(compacted)
}

/// Checks a VAT identifier: a two-letter country prefix and 2 to 13 letters
/// or digits. French numbers are checked fully: FR, a 2-digit key, the SIREN,
/// with key = (12 + 3 × (SIREN mod 97)) mod 97.
pub fn check_vat_id(vat_id: &str) -> Result<String, String> {
    let compacted = compact(vat_id).to_ascii_uppercase();
    let prefix_ok = compacted.len() >= 4
        && compacted[..2].chars().all(|c| c.is_ascii_uppercase())
        && compacted[2..].chars().all(|c| c.is_ascii_alphanumeric())
        && compacted.len() <= 15;
    if !prefix_ok {
        return Err(format!(
            "VAT number \"{vat_id}\" must start with the country code and have 2 to 13 letters or digits, such as FR40303265045"
        ));
    }
    if let Some(rest) = compacted.strip_prefix("FR") {
        let (key, siren) = rest.split_at(2.min(rest.len()));
        if siren.len() != 9 || !siren.chars().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "French VAT number \"{vat_id}\" must be FR, a 2-character key and the 9-digit SIREN"
            ));
        }
        if let (Ok(key), Ok(number)) = (key.parse::<u64>(), siren.parse::<u64>()) {
            if key != (12 + 3 * (number % 97)) % 97 {
                return Err(format!(
                    "French VAT number \"{vat_id}\" has a key that does not match its SIREN"
                ));
            }
        }
    }
    Ok(compacted)
}

/// Checks the identifiers a party carries, when present.
pub fn check_party(party: &Party) -> Result<(), String> {
    if let Some(siren) = party.siren.as_deref().filter(|s| !s.trim().is_empty()) {
        check_siren(siren)?;
    }
    if let Some(siret) = party.siret.as_deref().filter(|s| !s.trim().is_empty()) {
        let siret = check_siret(siret)?;
        if let Some(siren) = party.siren.as_deref().filter(|s| !s.trim().is_empty()) {
            if !siret.starts_with(&compact(siren)) {
                return Err(format!("SIRET {siret} does not start with SIREN {siren}"));
            }
        }
    }
    if let Some(vat_id) = party.vat_id.as_deref().filter(|s| !s.trim().is_empty()) {
        check_vat_id(vat_id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn siren_luhn() {
        assert_eq!(check_siren("732 829 320"), Ok("732829320".to_string()));
        assert!(check_siren("732829321").is_err());
        assert!(check_siren("12345").is_err());
    }

    #[test]
    fn siret_luhn_and_la_poste() {
        assert!(check_siret("73282932000074").is_ok());
        assert!(check_siret("73282932000075").is_err());
        assert!(check_siret("35600000000048").is_ok());
    }

    #[test]
    fn french_vat_key_matches_siren() {
        assert!(check_vat_id("FR44732829320").is_ok());
        assert!(check_vat_id("FR45732829320").is_err());
        assert!(check_vat_id("DE123456789").is_ok());
        assert!(check_vat_id("123").is_err());
    }
}
