//! Payment terms and the due date (EN 16931 BT-9) they give.
//!
//! Dates are `chrono::NaiveDate` calendar dates: no time and no time zone, so
//! nothing can shift them by a day when the machine's zone changes.

use std::fmt;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Rule that gives the due date from the invoice date.
///
/// French practice writes "45 jours fin de mois" for two different rules, so
/// both are separate variants: `DaysThenEndOfMonth` (add 45 days, then go to
/// the end of that month) and `EndOfMonthThenDays` (go to the end of the
/// invoice month, then add 45 days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentTerms {
    /// Due `days` days after the invoice date (0 means on receipt).
    Net { days: u32 },
    /// Due on the last day of the month `months` months after the invoice
    /// month: 0 is the end of the invoice month, 1 the end of the next month.
    EndOfMonth { months: u32 },
    /// Add `days` days, then go to the end of that month.
    DaysThenEndOfMonth { days: u32 },
    /// Go to the end of the invoice month, then add `days` days.
    EndOfMonthThenDays { days: u32 },
}

impl Default for PaymentTerms {
    /// 30 days net, the French statutory default when nothing is agreed.
    fn default() -> Self {
        PaymentTerms::Net { days: 30 }
    }
}

impl PaymentTerms {
    /// Computes the due date from the invoice date.
    pub fn due_date(&self, invoice_date: NaiveDate) -> Result<NaiveDate, TermsError> {
        let overflow = || TermsError::DateOutOfRange(invoice_date);
        match *self {
            PaymentTerms::Net { days } => invoice_date
                .checked_add_days(Days::new(days.into()))
                .ok_or_else(overflow),
            PaymentTerms::EndOfMonth { months } => invoice_date
                .checked_add_months(Months::new(months))
                .map(end_of_month)
                .ok_or_else(overflow),
            PaymentTerms::DaysThenEndOfMonth { days } => invoice_date
                .checked_add_days(Days::new(days.into()))
                .map(end_of_month)
                .ok_or_else(overflow),
            PaymentTerms::EndOfMonthThenDays { days } => end_of_month(invoice_date)
                .checked_add_days(Days::new(days.into()))
                .ok_or_else(overflow),
        }
    }

    /// The longest delay French law allows between two businesses (Code de
    /// commerce L441-10): 60 days from the invoice date, or 45 days end of
    /// month. Returns whether this term stays within it for `invoice_date`.
    pub fn within_legal_maximum(&self, invoice_date: NaiveDate) -> bool {
        let Ok(due) = self.due_date(invoice_date) else {
            return false;
        };
        let sixty_days = invoice_date.checked_add_days(Days::new(60));
        let forty_five_end_of_month = PaymentTerms::DaysThenEndOfMonth { days: 45 }
            .due_date(invoice_date)
            .ok();
        [sixty_days, forty_five_end_of_month]
            .into_iter()
            .flatten()
            .any(|limit| due <= limit)
    }

    /// French wording printed on documents.
    pub fn describe_fr(&self) -> String {
        match *self {
            PaymentTerms::Net { days: 0 } => "Paiement à réception".to_string(),
            PaymentTerms::Net { days } => format!("{days} jours net"),
            PaymentTerms::EndOfMonth { months: 0 } => "Fin de mois".to_string(),
            PaymentTerms::EndOfMonth { months } => format!("Fin de mois + {months} mois"),
            PaymentTerms::DaysThenEndOfMonth { days } => {
                format!("{days} jours fin de mois (date + {days} jours, puis fin de mois)")
            }
            PaymentTerms::EndOfMonthThenDays { days } => {
                format!("Fin de mois + {days} jours (fin du mois, puis {days} jours)")
            }
        }
    }

    /// English wording printed on documents.
    pub fn describe_en(&self) -> String {
        match *self {
            PaymentTerms::Net { days: 0 } => "Due on receipt".to_string(),
            PaymentTerms::Net { days } => format!("{days} days net"),
            PaymentTerms::EndOfMonth { months: 0 } => "End of month".to_string(),
            PaymentTerms::EndOfMonth { months } => {
                format!("End of the month, {months} month(s) after the invoice month")
            }
            PaymentTerms::DaysThenEndOfMonth { days } => {
                format!("{days} days, then end of month")
            }
            PaymentTerms::EndOfMonthThenDays { days } => {
                format!("End of month, then {days} days")
            }
        }
    }
}

impl fmt::Display for PaymentTerms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe_en())
    }
}

/// Returns the last day of the month that contains `date`.
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    #[error("the due date for invoice date {0} is out of the supported calendar range")]
    DateOutOfRange(NaiveDate),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn due_dates_for_each_term() {
        let cases = [
            (
                PaymentTerms::EndOfMonth { months: 1 },
                "2020-06-11",
                "2020-07-31",
            ),
            (
                PaymentTerms::EndOfMonth { months: 1 },
                "2025-02-15",
                "2025-03-31",
            ),
            (
                PaymentTerms::EndOfMonth { months: 1 },
                "2024-01-31",
                "2024-02-29",
            ),
            (
                PaymentTerms::EndOfMonth { months: 0 },
                "2024-02-10",
                "2024-02-29",
            ),
            (
                PaymentTerms::DaysThenEndOfMonth { days: 45 },
                "2021-09-13",
                "2021-10-31",
            ),
            (
                PaymentTerms::EndOfMonthThenDays { days: 45 },
                "2021-09-13",
                "2021-11-14",
            ),
            (PaymentTerms::Net { days: 30 }, "2024-01-31", "2024-03-01"),
            (PaymentTerms::Net { days: 0 }, "2024-06-27", "2024-06-27"),
            (PaymentTerms::Net { days: 60 }, "2023-12-15", "2024-02-13"),
        ];
        for (terms, invoice, expected) in cases {
            assert_eq!(
                terms.due_date(date(invoice)),
                Ok(date(expected)),
                "{terms:?} from {invoice}"
            );
        }
    }

    #[test]
    fn legal_maximum_allows_sixty_days_or_forty_five_end_of_month() {
        let invoice = date("2021-09-13");
        assert!(PaymentTerms::Net { days: 60 }.within_legal_maximum(invoice));
        assert!(PaymentTerms::DaysThenEndOfMonth { days: 45 }.within_legal_maximum(invoice));
        assert!(!PaymentTerms::Net { days: 90 }.within_legal_maximum(invoice));
    }

    #[test]
    fn terms_serialize_with_a_type_tag() {
        let json = serde_json::to_string(&PaymentTerms::EndOfMonthThenDays { days: 45 }).unwrap();
        assert_eq!(json, r#"{"type":"end_of_month_then_days","days":45}"#);
        let back: PaymentTerms = serde_json::from_str(&json).unwrap();
        assert_eq!(back, PaymentTerms::EndOfMonthThenDays { days: 45 });
    }
}
