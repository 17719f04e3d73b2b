//! E-mail domains for the shared-domain finding: a corporate domain links two
//! partners, a public mail domain (the list below, in one place) does not.

/// Public mail domains: shared by strangers, so never a finding.
pub const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.in",
    "yahoo.in",
    "ymail.com",
    "rediffmail.com",
    "rediff.com",
    "hotmail.com",
    "outlook.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "zoho.com",
    "zohomail.in",
    "mail.com",
    "gmx.com",
    "yandex.com",
];

/// Whether `domain` (lower case) is a public mail domain.
pub fn is_public(domain: &str) -> bool {
    PUBLIC_MAIL_DOMAINS.contains(&domain)
}

/// The lower-cased domain of `email` when it is a corporate one; `None`
/// for a public mail domain or something that is not an address.
pub fn corporate_domain(email: &str) -> Option<String> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if domain.is_empty() || !domain.contains('.') || is_public(&domain) {
        return None;
    }
    Some(domain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_domains_are_ignored_and_corporate_ones_kept() {
        assert_eq!(corporate_domain("a@gmail.com"), None);
        assert_eq!(corporate_domain("A@GMail.COM"), None);
        assert_eq!(
            corporate_domain("ravi@Cotton-Mills.in"),
            Some("cotton-mills.in".into())
        );
        assert_eq!(corporate_domain("not-an-address"), None);
        assert_eq!(corporate_domain("x@localhost"), None);
    }
}
