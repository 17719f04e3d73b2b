//! LIKE patterns built from what a caller typed.

use sea_orm::sea_query::LikeExpr;

/// `%text%` for LIKE with `\` as the escape character: lower-cased, and the
/// caller's `%`, `_` and `\` escaped so they match themselves.
pub(crate) fn contains_pattern(text: &str) -> LikeExpr {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    LikeExpr::new(escaped).escape('\\')
}
