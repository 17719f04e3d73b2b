//! Amounts of money as a trade note writes them: in Indian words (lakh and
//! crore, paise) and in figures grouped the Indian way (`12,34,567.89`).
//! Both round half-up to the paisa first.
//!
//! ```
//! use rust_decimal::Decimal;
//! use trade_desk::trades::words::{indian_figures, rupees_in_words};
//!
//! let amount = Decimal::new(123_456_789, 2); // 1234567.89
//! assert_eq!(
//!     rupees_in_words(amount),
//!     "Rupees Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven and Eighty-Nine Paise Only"
//! );
//! assert_eq!(indian_figures(amount), "12,34,567.89");
//! ```

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

const ONES: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];

const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

const CRORE: u128 = 10_000_000;
const LAKH: u128 = 100_000;
const THOUSAND: u128 = 1_000;

/// Rupees and paise of `amount`, half-up to the paisa, without its sign.
fn rupees_and_paise(amount: Decimal) -> (u128, u32) {
    let rounded = amount
        .abs()
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let rupees = rounded.trunc();
    let paise = ((rounded - rupees) * Decimal::ONE_HUNDRED)
        .to_u32()
        .unwrap_or_default();
    (rupees.to_u128().unwrap_or_default(), paise)
}

/// 1..=99 in words, tens and ones joined by a hyphen (`Sixty-Seven`).
fn below_hundred(n: u128) -> String {
    let n = usize::try_from(n).unwrap_or_default();
    match n {
        0..=19 => ONES[n].to_owned(),
        _ if n % 10 == 0 => TENS[n / 10].to_owned(),
        _ => format!("{}-{}", TENS[n / 10], ONES[n % 10]),
    }
}

/// 1..=999 in words.
fn below_thousand(n: u128) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    match (hundreds, rest) {
        (0, _) => below_hundred(rest),
        (_, 0) => format!("{} Hundred", below_hundred(hundreds)),
        _ => format!("{} Hundred {}", below_hundred(hundreds), below_hundred(rest)),
    }
}

/// A positive whole number in the Indian system: crore, lakh, thousand,
/// hundred; a count of crores above 99 is itself written in lakh and
/// thousand (`One Lakh Crore`).
fn indian(n: u128) -> String {
    let mut parts = Vec::new();
    let crores = n / CRORE;
    if crores > 0 {
        parts.push(format!("{} Crore", indian(crores)));
    }
    let lakhs = n % CRORE / LAKH;
    if lakhs > 0 {
        parts.push(format!("{} Lakh", below_hundred(lakhs)));
    }
    let thousands = n % LAKH / THOUSAND;
    if thousands > 0 {
        parts.push(format!("{} Thousand", below_hundred(thousands)));
    }
    let rest = n % THOUSAND;
    if rest > 0 {
        parts.push(below_thousand(rest));
    }
    parts.join(" ")
}

/// `amount` in Indian words, as a trade note prints it: `Rupees … Only`,
/// with `and … Paise` when there are paise. Zero is `Rupees Zero Only`;
/// paise alone are `Rupees Zero and Fifty Paise Only`; a negative amount
/// starts with `Minus`. Rounds half-up to the paisa first.
///
/// ```
/// use rust_decimal::Decimal;
/// use trade_desk::trades::words::rupees_in_words;
///
/// assert_eq!(rupees_in_words(Decimal::new(25_000_000_000, 0)), "Rupees Two Thousand Five Hundred Crore Only");
/// assert_eq!(rupees_in_words(Decimal::ZERO), "Rupees Zero Only");
/// ```
pub fn rupees_in_words(amount: Decimal) -> String {
    let (rupees, paise) = rupees_and_paise(amount);
    let sign = if amount.is_sign_negative() && (rupees, paise) != (0, 0) {
        "Minus "
    } else {
        ""
    };
    let whole = if rupees == 0 {
        ONES[0].to_owned()
    } else {
        indian(rupees)
    };
    if paise == 0 {
        format!("{sign}Rupees {whole} Only")
    } else {
        let paise = below_hundred(u128::from(paise));
        format!("{sign}Rupees {whole} and {paise} Paise Only")
    }
}

/// `amount` in figures with Indian digit grouping and both paise places
/// (`1,00,00,000.00`), half-up to the paisa; a negative amount starts with `-`.
///
/// ```
/// use rust_decimal::Decimal;
/// use trade_desk::trades::words::indian_figures;
///
/// assert_eq!(indian_figures(Decimal::new(1_000_000_005, 3)), "10,00,000.01");
/// ```
pub fn indian_figures(amount: Decimal) -> String {
    let (rupees, paise) = rupees_and_paise(amount);
    let digits = rupees.to_string();
    let grouped = if digits.len() <= 3 {
        digits
    } else {
        let (head, last3) = digits.split_at(digits.len() - 3);
        let mut pairs: Vec<&str> = Vec::new();
        let mut end = head.len();
        while end > 0 {
            let start = end.saturating_sub(2);
            pairs.push(&head[start..end]);
            end = start;
        }
        pairs.reverse();
        format!("{},{last3}", pairs.join(","))
    };
    let sign = if amount.is_sign_negative() && (rupees, paise) != (0, 0) {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{paise:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn words_table() {
        let cases = [
            ("0", "Rupees Zero Only"),
            ("0.004", "Rupees Zero Only"),
            ("0.005", "Rupees Zero and One Paise Only"),
            ("0.5", "Rupees Zero and Fifty Paise Only"),
            ("1", "Rupees One Only"),
            ("11", "Rupees Eleven Only"),
            ("20", "Rupees Twenty Only"),
            ("21.07", "Rupees Twenty-One and Seven Paise Only"),
            ("100", "Rupees One Hundred Only"),
            ("101", "Rupees One Hundred One Only"),
            (
                "999.99",
                "Rupees Nine Hundred Ninety-Nine and Ninety-Nine Paise Only",
            ),
            ("999.995", "Rupees One Thousand Only"),
            ("1000", "Rupees One Thousand Only"),
            ("15019", "Rupees Fifteen Thousand Nineteen Only"),
            (
                "99999",
                "Rupees Ninety-Nine Thousand Nine Hundred Ninety-Nine Only",
            ),
            ("100000", "Rupees One Lakh Only"),
            ("100001", "Rupees One Lakh One Only"),
            (
                "1234567.89",
                "Rupees Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven and Eighty-Nine Paise Only",
            ),
            ("10000000", "Rupees One Crore Only"),
            ("10050000", "Rupees One Crore Fifty Thousand Only"),
            (
                "123456789.10",
                "Rupees Twelve Crore Thirty-Four Lakh Fifty-Six Thousand Seven Hundred Eighty-Nine and Ten Paise Only",
            ),
            ("1000000000000", "Rupees One Lakh Crore Only"),
            ("-42.5", "Minus Rupees Forty-Two and Fifty Paise Only"),
            ("-0.001", "Rupees Zero Only"),
        ];
        for (amount, words) in cases {
            assert_eq!(rupees_in_words(d(amount)), words, "{amount}");
        }
    }

    #[test]
    fn figures_table() {
        let cases = [
            ("0", "0.00"),
            ("7.5", "7.50"),
            ("999.999", "1,000.00"),
            ("1000", "1,000.00"),
            ("12345", "12,345.00"),
            ("123456", "1,23,456.00"),
            ("1234567.89", "12,34,567.89"),
            ("10000000", "1,00,00,000.00"),
            ("123456789012.345", "1,23,45,67,89,012.35"),
            ("-1500.1", "-1,500.10"),
        ];
        for (amount, figures) in cases {
            assert_eq!(indian_figures(d(amount)), figures, "{amount}");
        }
    }
}
