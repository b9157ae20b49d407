//! Interface language: French or English, from the system locale unless the
//! user picks one, with numbers and dates written the way each reads them.

use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::{Currency, NumberStyle, format_grouped};

/// The language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    French,
    #[default]
    English,
}

impl Language {
    /// Both languages, in the order the language picker shows them.
    pub const ALL: [Language; 2] = [Language::French, Language::English];

    /// Returns the language of the system locale (`LC_ALL`, `LC_MESSAGES`, `LANG`):
    /// French for any `fr` locale, English otherwise.
    pub fn from_system() -> Language {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.is_empty())
            .unwrap_or_default();
        Language::from_locale(&locale)
    }

    /// Returns the language of a POSIX locale name such as "fr_FR.UTF-8".
    pub fn from_locale(locale: &str) -> Language {
        if locale.to_ascii_lowercase().starts_with("fr") {
            Language::French
        } else {
            Language::English
        }
    }

    /// Returns the text in this language: `english` or `french`.
    pub fn pick<'a>(self, english: &'a str, french: &'a str) -> &'a str {
        match self {
            Language::French => french,
            Language::English => english,
        }
    }

    /// Returns how this language writes and reads numbers.
    pub fn number_style(self) -> NumberStyle {
        match self {
            Language::French => NumberStyle::French,
            Language::English => NumberStyle::English,
        }
    }

    /// Formats an amount with grouped thousands and the currency's decimals, followed
    /// by its ISO 4217 code: "1 481,47 EUR" or "1,481.47 EUR".
    pub fn money(self, amount: Decimal, currency: Currency) -> String {
        format!(
            "{} {}",
            self.number(amount, currency.decimals()),
            currency.code()
        )
    }

    /// Formats a number with `decimals` decimals, grouped the way this
    /// language does.
    pub fn number(self, amount: Decimal, decimals: u32) -> String {
        format_grouped(amount, decimals, self.number_style())
    }

    /// Formats a quantity or rate without trailing zeros ("2,5" or "2.5").
    pub fn decimal(self, value: Decimal) -> String {
        let text = value.normalize().to_string();
        match self {
            Language::French => text.replace('.', ","),
            Language::English => text,
        }
    }

    /// Formats a calendar date: "31/01/2026" in French, "2026-01-31" in
    /// English.
    pub fn date(self, date: NaiveDate) -> String {
        match self {
            Language::French => date.format("%d/%m/%Y").to_string(),
            Language::English => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// Formats a file size in decimal units with one decimal: "30.5 MB" in
    /// English, "30,5 Mo" in French (kilo and mega are 1000 and 1000²).
    pub fn file_size(self, bytes: u64) -> String {
        let (divisor, unit) = if bytes >= 1_000_000 {
            (1_000_000, self.pick("MB", "Mo"))
        } else {
            (1_000, self.pick("kB", "ko"))
        };
        let size = Decimal::from(bytes) / Decimal::from(divisor);
        format!("{} {unit}", self.number(size, 1))
    }

    /// Parses a date typed in this language's form, or in ISO 8601 form.
    pub fn parse_date(self, text: &str) -> Option<NaiveDate> {
        let text = text.trim();
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
            .ok()
    }
}

/// Name of the file, in the data folder, that stores the language the user
/// picked in the settings.
pub const LANGUAGE_FILE: &str = "interface-language";

impl Language {
    /// Returns the language saved in `data_dir`, if the user picked one.
    pub fn load_saved(data_dir: &Path) -> Option<Language> {
        let text = std::fs::read_to_string(data_dir.join(LANGUAGE_FILE)).ok()?;
        match text.trim() {
            "fr" => Some(Language::French),
            "en" => Some(Language::English),
            _ => None,
        }
    }

    /// Saves this language as the user's choice in `data_dir`.
    pub fn save(self, data_dir: &Path) -> std::io::Result<()> {
        let code = match self {
            Language::French => "fr",
            Language::English => "en",
        };
        std::fs::create_dir_all(data_dir)?;
        std::fs::write(data_dir.join(LANGUAGE_FILE), code)
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Language::French => "Français",
            Language::English => "English",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn locale_picks_language() {
        assert_eq!(Language::from_locale("fr_FR.UTF-8"), Language::French);
        assert_eq!(Language::from_locale("fr_BE"), Language::French);
        assert_eq!(Language::from_locale("en_GB.UTF-8"), Language::English);
        assert_eq!(Language::from_locale("C"), Language::English);
    }

    #[test]
    fn money_follows_language() {
        let eur = Currency::EUR;
        assert_eq!(
            Language::French.money(dec!(1481.47), eur),
            "1\u{202f}481,47 EUR"
        );
        assert_eq!(Language::English.money(dec!(1481.47), eur), "1,481.47 EUR");
    }

    #[test]
    fn saved_language_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Language::load_saved(dir.path()), None);
        for language in Language::ALL {
            language.save(dir.path()).unwrap();
            assert_eq!(Language::load_saved(dir.path()), Some(language));
        }
    }

    #[test]
    fn dates_round_trip() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        for language in Language::ALL {
            assert_eq!(language.parse_date(&language.date(date)), Some(date));
        }
    }
}

/// Name of the file, in the data folder, that stores the colour theme the
/// user picked in the settings.
pub const THEME_FILE: &str = "interface-theme";

/// The colour theme of the window: the system's light or dark mode, or one
/// of the two whatever the system uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeChoice {
    /// Follows the system's mode, as iced reads it at start (or the
    /// ICED_THEME environment variable, such as ICED_THEME=Dark, when set).
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    /// The three choices, in the order the picker shows them.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    pub fn name(self, language: Language) -> &'static str {
        match self {
            ThemeChoice::System => language.pick("Same as the system", "Comme le système"),
            ThemeChoice::Light => language.pick("Light", "Clair"),
            ThemeChoice::Dark => language.pick("Dark", "Sombre"),
        }
    }

    /// Returns the theme saved in `data_dir`, if the user picked one.
    pub fn load_saved(data_dir: &Path) -> Option<ThemeChoice> {
        let text = std::fs::read_to_string(data_dir.join(THEME_FILE)).ok()?;
        match text.trim() {
            "system" => Some(ThemeChoice::System),
            "light" => Some(ThemeChoice::Light),
            "dark" => Some(ThemeChoice::Dark),
            _ => None,
        }
    }

    /// Saves this theme as the user's choice in `data_dir`.
    pub fn save(self, data_dir: &Path) -> std::io::Result<()> {
        let code = match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
        };
        std::fs::create_dir_all(data_dir)?;
        std::fs::write(data_dir.join(THEME_FILE), code)
    }
}
