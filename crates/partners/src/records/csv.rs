//! CSV text for exports: RFC 4180 quoting, and every cell a spreadsheet would
//! read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) guarded with a leading `'`.

/// `cell` as a spreadsheet may open it safely: a leading `'` before a formula start.
pub fn guard(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// `cell` guarded ([`guard`]) and quoted when it holds a comma, a quote or a line break.
pub fn cell(cell: &str) -> String {
    let guarded = guard(cell);
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// One CSV line of `cells`, ending in CRLF.
pub fn line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut text = cells
        .iter()
        .map(|c| cell(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    text.push_str("\r\n");
    text
}

#[cfg(test)]
mod tests {
    use super::{cell, line};

    #[test]
    fn formula_cells_are_guarded_and_specials_quoted() {
        for (raw, written) in [
            ("Acme", "Acme"),
            ("=1+2", "'=1+2"),
            ("+91 98", "'+91 98"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\""),
            ("line\nbreak", "\"line\nbreak\""),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(cell(raw), written, "{raw:?}");
        }
        assert_eq!(line(&["a", "=b", "c,d"]), "a,'=b,\"c,d\"\r\n");
    }
}
