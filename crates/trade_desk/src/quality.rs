//! Quality by parameter code: what an availability states (`{code: value}`)
//! and what a requirement asks for (`{code: {min, max, preferred}}`),
//! checked against the commodity's quality parameters (settings). Numbers
//! come as decimal strings or JSON numbers, at most 4 places; they are kept
//! as decimal strings. Every broken rule names its field, `quality.<code>`
//! (or `quality.<code>.min` and the like), all at once.

use std::collections::BTreeMap;

use infra::Validator;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};
use settings::commodities::entity::parameter;

/// Longest text value of a TEXT parameter.
pub const MAX_TEXT: usize = 100;

/// A parameter's rule, from its catalogue row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Its code, such as `staple_length`.
    pub code: String,
    /// NUMERIC, RANGE or TEXT.
    pub param_type: String,
    /// Lowest value allowed.
    pub min: Option<Decimal>,
    /// Highest value allowed.
    pub max: Option<Decimal>,
    /// Whether an availability must state it.
    pub mandatory: bool,
}

impl From<&parameter::Model> for Spec {
    fn from(m: &parameter::Model) -> Self {
        Self {
            code: m
                .code
                .clone()
                .unwrap_or_else(|| settings::commodities::parameter_codes::slug(&m.name)),
            param_type: m.param_type.clone(),
            min: m.min_value.map(infra::money::from_scaled),
            max: m.max_value.map(infra::money::from_scaled),
            mandatory: m.is_mandatory,
        }
    }
}

impl Spec {
    fn is_text(&self) -> bool {
        self.param_type == "TEXT"
    }

    fn within(&self, value: Decimal) -> bool {
        self.min.is_none_or(|m| value >= m) && self.max.is_none_or(|m| value <= m)
    }

    fn bounds(&self) -> String {
        match (self.min, self.max) {
            (Some(min), Some(max)) => format!("must lie within {min}..{max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            (None, None) => "must be a number".into(),
        }
    }
}

/// A decimal from a JSON number or a decimal string: `None` when it is
/// neither or has more than 4 places.
pub fn number(value: &Value) -> Option<Decimal> {
    let parsed = match value {
        Value::String(s) => Decimal::from_str_exact(s.trim()).ok(),
        Value::Number(n) => {
            let text = n.to_string();
            Decimal::from_str_exact(&text)
                .or_else(|_| Decimal::from_scientific(&text))
                .ok()
        }
        _ => None,
    }?;
    let parsed = parsed.normalize();
    (parsed.scale() <= infra::money::SCALE).then_some(parsed)
}

const NUMBER: &str =
    "must be a number (a JSON number or a decimal string such as \"28.5\"), at most 4 decimal places";

fn unknown(specs: &[Spec]) -> String {
    let known: Vec<&str> = specs.iter().map(|s| s.code.as_str()).collect();
    if known.is_empty() {
        "is not a quality parameter: this commodity has none".into()
    } else {
        format!(
            "is not a quality parameter of this commodity; known: {}",
            known.join(", ")
        )
    }
}

/// One numeric field `field` of `value`, within the spec's bounds.
fn bounded(v: &mut Validator, spec: &Spec, field: &str, value: &Value) -> Option<Decimal> {
    let Some(n) = number(value) else {
        v.check(false, field, NUMBER);
        return None;
    };
    v.check(spec.within(n), field, &spec.bounds());
    Some(n)
}

/// An availability's stated quality: every code known, every mandatory
/// parameter present; NUMERIC a number within bounds, RANGE a number or
/// `{"min", "max"}` within bounds, TEXT a string of at most 100
/// characters. Answers the values as stored (numbers as decimal strings).
pub fn check_values(specs: &[Spec], input: &Map<String, Value>, v: &mut Validator) -> Value {
    let mut out = BTreeMap::new();
    for spec in specs.iter().filter(|s| s.mandatory) {
        v.check(
            input.contains_key(&spec.code),
            &format!("quality.{}", spec.code),
            "is required for this commodity",
        );
    }
    for (code, value) in input {
        let field = format!("quality.{code}");
        let Some(spec) = specs.iter().find(|s| &s.code == code) else {
            v.check(false, &field, &unknown(specs));
            continue;
        };
        if spec.is_text() {
            let text = value.as_str().map(str::trim).filter(|t| !t.is_empty());
            let fits = text.is_some_and(|t| t.chars().count() <= MAX_TEXT);
            v.check(fits, &field, "must be text of 1 to 100 characters");
            if let Some(text) = text.filter(|_| fits) {
                out.insert(code.clone(), json!(text));
            }
            continue;
        }
        match value {
            Value::Object(span) if spec.param_type == "RANGE" => {
                let min = span
                    .get("min")
                    .and_then(|m| bounded(v, spec, &format!("{field}.min"), m));
                let max = span
                    .get("max")
                    .and_then(|m| bounded(v, spec, &format!("{field}.max"), m));
                v.check(
                    span.keys().all(|k| k == "min" || k == "max") && span.len() == 2,
                    &field,
                    "must be a number or {\"min\", \"max\"}",
                );
                if let (Some(min), Some(max)) = (min, max) {
                    v.check(min <= max, &format!("{field}.max"), "must not be below min");
                    out.insert(
                        code.clone(),
                        json!({ "min": min.to_string(), "max": max.to_string() }),
                    );
                }
            }
            _ => {
                if let Some(n) = bounded(v, spec, &field, value) {
                    out.insert(code.clone(), json!(n.to_string()));
                }
            }
        }
    }
    json!(out)
}

/// A requirement's asked quality: every code known; for NUMERIC and RANGE
/// `{"min", "max", "preferred"}` (at least one, each within the parameter's
/// bounds, min <= preferred <= max); for TEXT `{"preferred": text}`.
/// Answers the ranges as stored (numbers as decimal strings).
pub fn check_ranges(specs: &[Spec], input: &Map<String, Value>, v: &mut Validator) -> Value {
    let mut out = BTreeMap::new();
    for (code, value) in input {
        let field = format!("quality.{code}");
        let Some(spec) = specs.iter().find(|s| &s.code == code) else {
            v.check(false, &field, &unknown(specs));
            continue;
        };
        let Some(range) = value.as_object() else {
            v.check(
                false,
                &field,
                "must be an object {\"min\", \"max\", \"preferred\"}",
            );
            continue;
        };
        if spec.is_text() {
            let text = range.get("preferred").and_then(Value::as_str).map(str::trim);
            let fits = range.len() == 1 && text.is_some_and(|t| (1..=MAX_TEXT).contains(&t.chars().count()));
            v.check(
                fits,
                &field,
                "must be {\"preferred\": text of 1 to 100 characters} for a TEXT parameter",
            );
            if let Some(text) = text.filter(|_| fits) {
                out.insert(code.clone(), json!({ "preferred": text }));
            }
            continue;
        }
        let known = range
            .keys()
            .all(|k| ["min", "max", "preferred"].contains(&k.as_str()));
        v.check(
            known && !range.is_empty(),
            &field,
            "must name min, max or preferred (and nothing else)",
        );
        let mut parts = BTreeMap::new();
        for part in ["min", "max", "preferred"] {
            if let Some(value) = range.get(part)
                && let Some(n) = bounded(v, spec, &format!("{field}.{part}"), value)
            {
                parts.insert(part, n);
            }
        }
        let (min, max, preferred) = (parts.get("min"), parts.get("max"), parts.get("preferred"));
        if let (Some(min), Some(max)) = (min, max) {
            v.check(min <= max, &format!("{field}.max"), "must not be below min");
        }
        if let (Some(min), Some(p)) = (min, preferred) {
            v.check(min <= p, &format!("{field}.preferred"), "must not be below min");
        }
        if let (Some(max), Some(p)) = (max, preferred) {
            v.check(p <= max, &format!("{field}.preferred"), "must not be above max");
        }
        let stored: BTreeMap<&str, String> = parts.iter().map(|(k, n)| (*k, n.to_string())).collect();
        out.insert(code.clone(), json!(stored));
    }
    json!(out)
}

#[cfg(test)]
#[path = "quality_tests.rs"]
mod tests;
