//! The one computation of document totals, following the EN 16931 model.
//!
//! Line net amount (BT-131) = quantity × net price ÷ base quantity − line
//! allowance, rounded to the currency's decimals. The VAT breakdown groups
//! line nets and document allowances and charges by (category, rate); each
//! group's VAT (BT-117) is its taxable amount (BT-116) × rate ÷ 100, rounded
//! once. VAT is never rounded per line and summed. Every screen, PDF, export
//! and command shows the `Totals` this module returns and recomputes nothing.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::document::{AllowanceCharge, Content, Line, LineDiscount};
use crate::money::{Currency, check_scale};
use crate::vat::{Vat, VatCategory, VatError};

/// Amounts of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineAmounts {
    /// Quantity × price ÷ base quantity, rounded: the base of a percentage
    /// discount (BT-137).
    pub gross_amount: Decimal,
    /// Line allowance amount (BT-136), zero when the line has no discount.
    pub allowance_amount: Decimal,
    /// Line net amount (BT-131).
    pub net_amount: Decimal,
}

/// A document-level allowance or charge after the computation, with a single
/// VAT category and rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedAllowanceCharge {
    pub is_charge: bool,
    /// Base amount (BT-93 / BT-100) when given as a percentage.
    pub base_amount: Option<Decimal>,
    /// Percentage (BT-94 / BT-101) exactly as entered.
    pub percent: Option<Decimal>,
    /// Amount (BT-92 / BT-99).
    pub amount: Decimal,
    pub reason: String,
    pub reason_code: Option<String>,
    pub vat: Vat,
}

/// One VAT breakdown entry (BG-23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatBreakdown {
    pub vat: Vat,
    /// VAT category taxable amount (BT-116).
    pub taxable_amount: Decimal,
    /// VAT category tax amount (BT-117).
    pub tax_amount: Decimal,
}

/// Every total of a document (BG-22), in the document currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub currency: Currency,
    pub lines: Vec<LineAmounts>,
    pub allowances: Vec<AppliedAllowanceCharge>,
    pub charges: Vec<AppliedAllowanceCharge>,
    /// Sum of invoice line net amounts (BT-106).
    pub line_net_total: Decimal,
    /// Sum of allowances on document level (BT-107).
    pub allowance_total: Decimal,
    /// Sum of charges on document level (BT-108).
    pub charge_total: Decimal,
    /// Invoice total amount without VAT (BT-109).
    pub tax_exclusive_total: Decimal,
    /// Invoice total VAT amount (BT-110).
    pub tax_total: Decimal,
    /// Invoice total amount with VAT (BT-112).
    pub tax_inclusive_total: Decimal,
    /// Paid amount (BT-113).
    pub paid_amount: Decimal,
    /// Rounding amount (BT-114).
    pub rounding_amount: Decimal,
    /// Amount due for payment (BT-115).
    pub amount_due: Decimal,
    pub vat_breakdown: Vec<VatBreakdown>,
}

/// Totals converted once to the company (accounting) currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyCurrencyTotals {
    pub currency: Currency,
    /// Company currency units for one document currency unit.
    pub exchange_rate: Decimal,
    pub tax_exclusive_total: Decimal,
    /// Invoice total VAT amount in accounting currency (BT-111).
    pub tax_total: Decimal,
    pub tax_inclusive_total: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    #[error("line {line}: {source}")]
    Vat { line: usize, source: VatError },
    #[error("line {line}: {message}")]
    Line { line: usize, message: String },
    #[error("document {what} {index}: {message}")]
    AllowanceCharge {
        what: &'static str,
        index: usize,
        message: String,
    },
}

/// The maximum decimals of quantities and unit prices.
pub const QUANTITY_DECIMALS: u32 = 4;
pub const PRICE_DECIMALS: u32 = 4;

type GroupKey = (VatCategory, Decimal);

/// Computes every total of `content` in `currency`, with `paid_amount`
/// already paid and an optional `rounding_amount` (BT-114).
pub fn compute(
    content: &Content,
    currency: Currency,
    paid_amount: Decimal,
    rounding_amount: Decimal,
) -> Result<Totals, CalcError> {
    let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
    let mut line_amounts = Vec::with_capacity(content.lines.len());

    for (index, line) in content.lines.iter().enumerate() {
        let number = index + 1;
        let vat = line
            .vat
            .clone()
            .validated()
            .map_err(|source| CalcError::Vat {
                line: number,
                source,
            })?;
        let amounts = line_amounts_of(line, currency).map_err(|message| CalcError::Line {
            line: number,
            message,
        })?;
        let group = groups
            .entry(vat.group_key())
            .or_insert_with(|| Group::new(vat));
        group.line_net += amounts.net_amount;
        line_amounts.push(amounts);
    }

    let allowances = apply_document_level(&content.allowances, false, &mut groups, currency)?;
    let charges = apply_document_level(&content.charges, true, &mut groups, currency)?;

    let line_net_total: Decimal = line_amounts.iter().map(|line| line.net_amount).sum();
    let allowance_total: Decimal = allowances.iter().map(|part| part.amount).sum();
    let charge_total: Decimal = charges.iter().map(|part| part.amount).sum();
    let tax_exclusive_total = line_net_total - allowance_total + charge_total;

    let vat_breakdown: Vec<VatBreakdown> = groups
        .into_values()
        .map(|group| {
            let taxable_amount = currency.round(group.line_net - group.allowances + group.charges);
            let tax_amount = currency.round(taxable_amount * group.vat.rate / Decimal::ONE_HUNDRED);
            VatBreakdown {
                vat: group.vat,
                taxable_amount,
                tax_amount,
            }
        })
        .collect();
    let tax_total: Decimal = vat_breakdown.iter().map(|entry| entry.tax_amount).sum();
    let tax_inclusive_total = tax_exclusive_total + tax_total;
    let amount_due = tax_inclusive_total - paid_amount + rounding_amount;

    Ok(Totals {
        currency,
        lines: line_amounts,
        allowances,
        charges,
        line_net_total: currency.round(line_net_total),
        allowance_total: currency.round(allowance_total),
        charge_total: currency.round(charge_total),
        tax_exclusive_total: currency.round(tax_exclusive_total),
        tax_total: currency.round(tax_total),
        tax_inclusive_total: currency.round(tax_inclusive_total),
        paid_amount: currency.round(paid_amount),
        rounding_amount: currency.round(rounding_amount),
        amount_due: currency.round(amount_due),
        vat_breakdown,
    })
}

impl Totals {
    /// Converts the document totals once into the company currency with a
    /// frozen exchange rate; lines are never converted one by one.
    pub fn in_company_currency(
        &self,
        company: Currency,
        exchange_rate: Decimal,
    ) -> CompanyCurrencyTotals {
        CompanyCurrencyTotals {
            currency: company,
            exchange_rate,
            tax_exclusive_total: company.round(self.tax_exclusive_total * exchange_rate),
            tax_total: company.round(self.tax_total * exchange_rate),
            tax_inclusive_total: company.round(self.tax_inclusive_total * exchange_rate),
        }
    }
}

struct Group {
    vat: Vat,
    line_net: Decimal,
    allowances: Decimal,
    charges: Decimal,
}

impl Group {
    fn new(vat: Vat) -> Group {
        Group {
            vat,
            line_net: Decimal::ZERO,
            allowances: Decimal::ZERO,
            charges: Decimal::ZERO,
        }
    }
}

fn line_amounts_of(line: &Line, currency: Currency) -> Result<LineAmounts, String> {
    check_scale(line.quantity, QUANTITY_DECIMALS, "quantity").map_err(|e| e.to_string())?;
    check_scale(line.unit_price, PRICE_DECIMALS, "unit price").map_err(|e| e.to_string())?;
    if line.unit_price.is_sign_negative() && !line.unit_price.is_zero() {
        // EN 16931 BR-27: the item net price is never negative; a refund is a
        // negative quantity or a credit note.
        return Err(format!(
            "unit price {} is negative: use a negative quantity for a return, or a credit note",
            line.unit_price
        ));
    }
    if line.base_quantity <= Decimal::ZERO {
        return Err(format!(
            "base quantity {} must be above zero (1 when the price is per unit)",
            line.base_quantity
        ));
    }
    if line.description.trim().is_empty() {
        return Err("the description is empty: name the product or service".to_string());
    }

    let gross_exact = line.quantity * line.unit_price / line.base_quantity;
    let gross_amount = currency.round(gross_exact);
    let allowance_amount = match line.discount {
        None => Decimal::ZERO,
        Some(LineDiscount::Percent(percent)) => {
            if percent.is_sign_negative() || percent > Decimal::ONE_HUNDRED {
                return Err(format!("discount {percent} % must be between 0 and 100"));
            }
            currency.round(gross_amount * percent / Decimal::ONE_HUNDRED)
        }
        Some(LineDiscount::Amount(amount)) => {
            if amount.is_sign_negative() {
                return Err(format!("discount amount {amount} must not be negative"));
            }
            currency.round(amount)
        }
    };
    // The allowance is already rounded, so rounding the difference equals
    // rounding the exact gross first: BT-131 stays round(qty × price) − BT-136.
    let net_amount = currency.round(gross_exact - allowance_amount);
    Ok(LineAmounts {
        gross_amount,
        allowance_amount,
        net_amount,
    })
}

/// Turns document-level allowances or charges into parts with one VAT group
/// each, and adds them to the groups.
fn apply_document_level(
    entries: &[AllowanceCharge],
    is_charge: bool,
    groups: &mut BTreeMap<GroupKey, Group>,
    currency: Currency,
) -> Result<Vec<AppliedAllowanceCharge>, CalcError> {
    let what = if is_charge { "charge" } else { "allowance" };
    let mut applied = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let fail = |message: String| CalcError::AllowanceCharge {
            what,
            index: index + 1,
            message,
        };
        let parts = split_entry(entry, groups, currency).map_err(fail)?;
        for (key, base_amount, amount, vat) in parts {
            let group = groups.entry(key).or_insert_with(|| Group::new(vat.clone()));
            if is_charge {
                group.charges += amount;
            } else {
                group.allowances += amount;
            }
            applied.push(AppliedAllowanceCharge {
                is_charge,
                base_amount,
                percent: entry.percent,
                amount,
                reason: entry.reason.clone(),
                reason_code: entry.reason_code.clone(),
                vat,
            });
        }
    }
    Ok(applied)
}

type Part = (GroupKey, Option<Decimal>, Decimal, Vat);

fn split_entry(
    entry: &AllowanceCharge,
    groups: &BTreeMap<GroupKey, Group>,
    currency: Currency,
) -> Result<Vec<Part>, String> {
    match (entry.amount, entry.percent) {
        (Some(_), Some(_)) => {
            return Err("give either an amount or a percentage, not both".to_string());
        }
        (None, None) => return Err("give an amount or a percentage".to_string()),
        (Some(amount), None) if amount.is_sign_negative() => {
            return Err(format!("amount {amount} must not be negative"));
        }
        (None, Some(percent)) if percent.is_sign_negative() || percent > Decimal::ONE_HUNDRED => {
            return Err(format!("percentage {percent} must be between 0 and 100"));
        }
        _ => {}
    }

    if let Some(vat) = &entry.vat {
        let vat = vat.clone().validated().map_err(|e| e.to_string())?;
        let key = vat.group_key();
        return Ok(match entry.percent {
            Some(percent) => {
                let base = groups
                    .get(&key)
                    .map_or(Decimal::ZERO, |group| group.line_net);
                let amount = currency.round(base * percent / Decimal::ONE_HUNDRED);
                vec![(key, Some(base), amount, vat)]
            }
            None => vec![(
                key,
                None,
                currency.round(entry.amount.unwrap_or_default()),
                vat,
            )],
        });
    }

    // No VAT given: split over every group that has lines.
    let bases: Vec<(GroupKey, Decimal, Vat)> = groups
        .iter()
        .filter(|(_, group)| !group.line_net.is_zero())
        .map(|(key, group)| (*key, group.line_net, group.vat.clone()))
        .collect();
    if bases.is_empty() {
        return Err(
            "there are no lines to spread it over: add lines first or give its VAT category and rate"
                .to_string(),
        );
    }
    if let Some(percent) = entry.percent {
        return Ok(bases
            .into_iter()
            .map(|(key, base, vat)| {
                let amount = currency.round(base * percent / Decimal::ONE_HUNDRED);
                (key, Some(base), amount, vat)
            })
            .collect());
    }
    let amount = currency.round(entry.amount.unwrap_or_default());
    let shares = prorate(
        amount,
        &bases.iter().map(|(_, base, _)| *base).collect::<Vec<_>>(),
        currency,
    )?;
    Ok(bases
        .into_iter()
        .zip(shares)
        .map(|((key, _, vat), share)| (key, None, share, vat))
        .collect())
}

/// Splits `amount` in proportion to `bases`, rounding each share to the
/// currency and giving the leftover minor units to the largest remainders, so
/// the shares always add up to `amount` exactly.
pub fn prorate(
    amount: Decimal,
    bases: &[Decimal],
    currency: Currency,
) -> Result<Vec<Decimal>, String> {
    let total: Decimal = bases.iter().sum();
    if total.is_zero() {
        return Err("the lines add up to zero, so it cannot be split by amount: give its VAT category and rate".to_string());
    }
    let unit = Decimal::new(1, currency.decimals());
    let exact: Vec<Decimal> = bases.iter().map(|base| amount * base / total).collect();
    let mut shares: Vec<Decimal> = exact
        .iter()
        .map(|share| {
            share
                .round_dp_with_strategy(currency.decimals(), rust_decimal::RoundingStrategy::ToZero)
        })
        .collect();
    let mut leftover = amount - shares.iter().sum::<Decimal>();
    let mut order: Vec<usize> = (0..bases.len()).collect();
    order.sort_by(|a, b| {
        (exact[*b] - shares[*b])
            .abs()
            .cmp(&(exact[*a] - shares[*a]).abs())
    });
    for index in order.into_iter().cycle().take(bases.len() * 2) {
        if leftover.is_zero() {
            break;
        }
        let step = if leftover.is_sign_negative() {
            -unit
        } else {
            unit
        };
        shares[index] += step;
        leftover -= step;
    }
    Ok(shares
        .into_iter()
        .map(|share| currency.round(share))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn prorate_always_sums_to_amount() {
        let eur = Currency::EUR;
        let shares = prorate(dec!(10.00), &[dec!(1), dec!(1), dec!(1)], eur).unwrap();
        assert_eq!(shares.iter().sum::<Decimal>(), dec!(10.00));
        assert_eq!(shares, vec![dec!(3.34), dec!(3.33), dec!(3.33)]);
        let shares = prorate(dec!(15.00), &[dec!(100), dec!(50)], eur).unwrap();
        assert_eq!(shares, vec![dec!(10.00), dec!(5.00)]);
    }

    #[test]
    fn prorate_rejects_zero_base() {
        assert!(prorate(dec!(1), &[dec!(0)], Currency::EUR).is_err());
    }
}
