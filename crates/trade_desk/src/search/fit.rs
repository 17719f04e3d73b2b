//! The parts of a search score, each 0..=1 (DOMAIN.md, "Trade desk"):
//!
//! - quality: per parameter of the filter, 1 inside its `[min, max]`,
//!   reduced linearly by up to 0.5 with the distance from its `preferred`
//!   (0.5 at the farther bound), 0 outside or when the candidate does not
//!   state it; the mean over the filter's parameters; 1 when the filter
//!   names none. Without a `preferred`, every value inside scores 1.
//! - price (per base unit): 1 at or below the filter's `preferred_price`,
//!   linear to 0 at its `max_price`; with only a `max_price`, the
//!   preferred is the lowest price among the candidates; with only a
//!   `preferred_price`, above it scores 0; 1 when neither is given; a
//!   candidate without a price scores 0 when a price is given.
//! - proximity: 1 at the point, linear to 0 at the radius; 1 without a point.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// One parameter of a quality filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Range {
    /// Lowest value that fits.
    pub min: Option<Decimal>,
    /// Highest value that fits.
    pub max: Option<Decimal>,
    /// The value that fits best.
    pub preferred: Option<Decimal>,
}

/// The fit of `value` to `range` (see the module documentation).
pub fn parameter(range: &Range, value: Option<Decimal>) -> f64 {
    let Some(v) = value else { return 0.0 };
    if range.min.is_some_and(|m| v < m) || range.max.is_some_and(|m| v > m) {
        return 0.0;
    }
    let Some(p) = range.preferred else { return 1.0 };
    let span = if v < p {
        range.min.map(|m| p - m)
    } else {
        range.max.map(|m| m - p)
    };
    match span {
        Some(s) if s > Decimal::ZERO => {
            let off = ((v - p).abs() / s).to_f64().unwrap_or(1.0).min(1.0);
            1.0 - 0.5 * off
        }
        // No bound on that side, or the preferred is the bound: only the preferred itself is best.
        _ if v == p => 1.0,
        _ => 0.5,
    }
}

/// The mean fit over `ranges` of the values `value_of` gives; 1 without ranges.
pub fn quality<'a>(
    ranges: impl IntoIterator<Item = (&'a String, &'a Range)>,
    value_of: impl Fn(&str) -> Option<Decimal>,
) -> f64 {
    let (mut sum, mut n) = (0.0, 0u32);
    for (code, range) in ranges {
        sum += parameter(range, value_of(code));
        n += 1;
    }
    if n == 0 { 1.0 } else { sum / f64::from(n) }
}

/// The price fit of `price` between `preferred` and `max` (see the module documentation).
pub fn price(price: Option<Decimal>, preferred: Option<Decimal>, max: Option<Decimal>) -> f64 {
    if preferred.is_none() && max.is_none() {
        return 1.0;
    }
    let Some(p) = price else { return 0.0 };
    match (preferred, max) {
        (Some(best), _) if p <= best => 1.0,
        (Some(best), Some(worst)) if worst > best && p < worst => {
            ((worst - p) / (worst - best)).to_f64().unwrap_or(0.0)
        }
        (None, Some(worst)) if p < worst => 1.0,
        _ => 0.0,
    }
}

/// The proximity of a candidate `distance_km` away within `radius_km`.
pub fn proximity(distance_km: Option<f64>, radius_km: Option<f64>) -> f64 {
    match (distance_km, radius_km) {
        (Some(d), Some(r)) if r > 0.0 => (1.0 - d / r).clamp(0.0, 1.0),
        (None, Some(_)) => 0.0,
        _ => 1.0,
    }
}

/// `x` rounded to 4 places, as answered.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn quality_is_one_at_the_preferred_and_half_at_a_bound() {
        let r = Range {
            min: Some(d("28")),
            max: Some(d("32")),
            preferred: Some(d("30")),
        };
        assert_eq!(parameter(&r, Some(d("30"))), 1.0);
        assert_eq!(parameter(&r, Some(d("32"))), 0.5);
        assert_eq!(parameter(&r, Some(d("29"))), 0.75);
        assert_eq!(parameter(&r, Some(d("32.1"))), 0.0, "outside");
        assert_eq!(parameter(&r, None), 0.0, "missing");
        let open = Range {
            min: Some(d("28")),
            ..Range::default()
        };
        assert_eq!(parameter(&open, Some(d("40"))), 1.0, "no preferred: 1 inside");
        let ranges = [("a".to_owned(), r.clone()), ("b".to_owned(), open)];
        let q = quality(ranges.iter().map(|(c, r)| (c, r)), |c| {
            (c == "a").then(|| d("32"))
        });
        assert_eq!(q, 0.25, "mean of 0.5 and a missing 0");
        assert_eq!(quality(std::iter::empty(), |_| None), 1.0);
    }

    #[test]
    fn price_is_one_at_the_preferred_and_zero_at_the_max() {
        let (best, worst) = (Some(d("100")), Some(d("200")));
        assert_eq!(price(Some(d("90")), best, worst), 1.0);
        assert_eq!(price(Some(d("150")), best, worst), 0.5);
        assert_eq!(price(Some(d("200")), best, worst), 0.0);
        assert_eq!(price(Some(d("250")), best, worst), 0.0);
        assert_eq!(price(Some(d("250")), None, None), 1.0, "no price asked");
        assert_eq!(price(None, best, worst), 0.0, "no price stated");
        assert_eq!(price(Some(d("101")), best, None), 0.0);
    }

    #[test]
    fn proximity_falls_to_zero_at_the_radius() {
        assert_eq!(proximity(Some(0.0), Some(50.0)), 1.0);
        assert_eq!(proximity(Some(25.0), Some(50.0)), 0.5);
        assert_eq!(proximity(Some(60.0), Some(50.0)), 0.0);
        assert_eq!(proximity(None, None), 1.0);
        assert_eq!(round4(0.123_456), 0.1235);
    }
}
