//! Parameter codes: the snake_case key of a quality parameter, unique per
//! commodity. A parameter created without one gets the slug of its name.

/// The slug of `name`: lower-case ASCII letters and digits, every other run
/// of characters one `_`, no `_` at either end; a leading digit gets `p_`;
/// nothing left is `parameter`. `Staple Length` -> `staple_length`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut out = out.trim_end_matches('_').to_owned();
    out.truncate(64);
    let out = out.trim_end_matches('_').to_owned();
    match out.chars().next() {
        None => "parameter".into(),
        Some(c) if c.is_ascii_digit() => format!("p_{out}"),
        Some(_) => out,
    }
}

/// Whether `code` is a valid parameter code: 2..=64 characters of `a-z`,
/// `0-9` and `_`, starting with a letter, not ending with `_`.
pub fn is_valid(code: &str) -> bool {
    let bytes = code.as_bytes();
    (2..=64).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && !code.ends_with('_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_codes() {
        assert_eq!(slug("Staple Length"), "staple_length");
        assert_eq!(slug("  Micronaire (µg/inch) "), "micronaire_g_inch");
        assert_eq!(slug("2.5% Span"), "p_2_5_span");
        assert_eq!(slug("—"), "parameter");
        for name in ["Staple Length", "2.5% Span", "Trash %", &"x".repeat(90)] {
            assert!(is_valid(&slug(name)), "{name}");
        }
    }

    #[test]
    fn codes_are_snake_case() {
        assert!(is_valid("staple_length") && is_valid("rd2"));
        for bad in ["Staple", "staple-length", "_x", "x_", "9x", "x", ""] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
