//! Exact quantities and amounts: `rust_decimal` in the API and the domain,
//! stored as 64-bit integers scaled by 10^4 on both backends so that SQL
//! arithmetic stays exact and atomic.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Decimal places kept in storage.
pub const SCALE: u32 = 4;
const FACTOR: i64 = 10_000;

/// Why a decimal cannot be stored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// More than four decimal places.
    #[error("must have at most 4 decimal places")]
    TooPrecise,
    /// Outside what a scaled 64-bit integer holds.
    #[error("is too large")]
    OutOfRange,
    /// Below zero where only non-negative values make sense.
    #[error("must not be negative")]
    Negative,
    /// Not a decimal number.
    #[error("must be a decimal number such as \"1250.50\"")]
    NotANumber,
}

/// `value` as an integer count of 1/10^4 units.
pub fn to_scaled(value: Decimal) -> Result<i64, AmountError> {
    if value.normalize().scale() > SCALE {
        return Err(AmountError::TooPrecise);
    }
    let scaled = value
        .checked_mul(Decimal::from(FACTOR))
        .ok_or(AmountError::OutOfRange)?;
    i64::try_from(scaled.trunc()).map_err(|_| AmountError::OutOfRange)
}

/// The decimal an integer count of 1/10^4 units stands for.
pub fn from_scaled(scaled: i64) -> Decimal {
    Decimal::new(scaled, SCALE).normalize()
}

macro_rules! scaled_decimal {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Decimal);

        impl $name {
            /// Zero.
            pub const ZERO: Self = Self(Decimal::ZERO);

            /// Accepts `value` when it fits storage (at most 4 decimal places, 64-bit scaled).
            pub fn new(value: Decimal) -> Result<Self, AmountError> {
                to_scaled(value).map(|_| Self(value.normalize()))
            }

            /// Like [`Self::new`], refusing negative values.
            pub fn non_negative(value: Decimal) -> Result<Self, AmountError> {
                if value.is_sign_negative() && !value.is_zero() {
                    return Err(AmountError::Negative);
                }
                Self::new(value)
            }

            /// The value as stored: an integer count of 1/10^4 units.
            pub fn scaled(self) -> i64 {
                // `new` guarantees the value fits.
                to_scaled(self.0).unwrap_or_default()
            }

            /// The value of a stored integer.
            pub fn from_scaled(scaled: i64) -> Self {
                Self(from_scaled(scaled))
            }

            /// The exact decimal.
            pub fn value(self) -> Decimal {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = AmountError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(Decimal::from_str_exact(s.trim()).map_err(|_| AmountError::NotANumber)?)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum Raw {
                    Text(String),
                    Number(serde_json::Number),
                }
                let text = match Raw::deserialize(d)? {
                    Raw::Text(t) => t,
                    Raw::Number(n) => n.to_string(),
                };
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

scaled_decimal!(
    /// A quantity in some unit, exact to 4 decimal places; JSON as a string.
    Quantity
);
scaled_decimal!(
    /// An amount of money, exact to 4 decimal places; JSON as a string.
    Money
);

impl Money {
    /// The amount for presentation in INR: half-up to 2 decimal places.
    pub fn round_inr(self) -> Decimal {
        self.0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn scaled_round_trip_and_limits() {
        assert_eq!(to_scaled(d("1250.5")), Ok(12_505_000));
        assert_eq!(from_scaled(12_505_000), d("1250.5"));
        assert_eq!(to_scaled(d("0.00001")), Err(AmountError::TooPrecise));
        assert_eq!(to_scaled(d("1.10000")), Ok(11_000));
        assert_eq!(to_scaled(d("1000000000000000")), Err(AmountError::OutOfRange));
        assert_eq!(Quantity::non_negative(d("-1")), Err(AmountError::Negative));
    }

    #[test]
    fn json_accepts_strings_and_numbers() {
        let q: Quantity = serde_json::from_str("\"170.25\"").unwrap_or_default();
        assert_eq!(q.value(), d("170.25"));
        let n: Quantity = serde_json::from_str("170.25").unwrap_or_default();
        assert_eq!(n, q);
        assert_eq!(serde_json::to_string(&q).unwrap_or_default(), "\"170.25\"");
        assert!(serde_json::from_str::<Money>("\"abc\"").is_err());
    }

    #[test]
    fn inr_rounds_half_up() {
        assert_eq!(Money::new(d("10.005")).map(Money::round_inr), Ok(d("10.01")));
        assert_eq!(Money::new(d("10.0049")).map(Money::round_inr), Ok(d("10.00")));
    }
}
