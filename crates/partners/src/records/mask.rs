//! Masking of the identifiers lists, exports and logs never show in full: the
//! PAN and bank account numbers keep their last 4 characters.

use crate::model::Partner;

/// `value` with every character but the last 4 replaced by `*`; values of 4
/// characters or fewer are masked entirely.
pub fn last4(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = if chars.len() > 4 { 4 } else { 0 };
    let hidden = chars.len() - keep;
    let mut masked: String = "*".repeat(hidden);
    masked.extend(&chars[hidden..]);
    masked
}

/// `partner` with its PAN and bank account number masked ([`last4`]).
pub fn partner(mut partner: Partner) -> Partner {
    partner.pan = partner.pan.as_deref().map(last4);
    if let Some(bank) = partner.bank.as_mut() {
        bank.account_number = last4(&bank.account_number);
    }
    partner
}

#[cfg(test)]
mod tests {
    use super::last4;

    #[test]
    fn keeps_the_last_four_only() {
        for (value, masked) in [
            ("AAPFU0001F", "******001F"),
            ("50100012345678", "**********5678"),
            ("12345", "*2345"),
            ("1234", "****"),
            ("12", "**"),
            ("", ""),
            ("ÄÖÜßabcd", "****abcd"),
        ] {
            assert_eq!(last4(value), masked, "{value}");
        }
    }
}
