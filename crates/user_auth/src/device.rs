//! A session's device, read from the User-Agent header.

/// What a User-Agent says about the device.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// Browser or client name (Chrome, Firefox, Safari, Edge, curl, okhttp, ...).
    pub name: Option<String>,
    /// mobile, tablet, desktop, bot or unknown.
    pub kind: &'static str,
    /// Android, iOS, Windows, macOS, Linux, or absent.
    pub os: Option<String>,
}

/// Reads `user_agent` (absent or unknown: kind `unknown`).
pub fn parse(user_agent: Option<&str>) -> Device {
    let Some(ua) = user_agent.filter(|ua| !ua.trim().is_empty()) else {
        return Device {
            kind: "unknown",
            ..Device::default()
        };
    };
    let lower = ua.to_lowercase();
    let os = [
        ("android", "Android"),
        ("iphone", "iOS"),
        ("ipad", "iOS"),
        ("windows", "Windows"),
        ("mac os x", "macOS"),
        ("cros", "ChromeOS"),
        ("linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, name)| (*name).to_owned());
    let name = [
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chrome/", "Chrome"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
        ("okhttp", "okhttp"),
        ("dart", "Dart"),
        ("reqwest", "reqwest"),
        ("postman", "Postman"),
    ]
    .iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, name)| (*name).to_owned());
    let kind = if lower.contains("bot") || lower.contains("spider") || lower.contains("crawl") {
        "bot"
    } else if lower.contains("ipad") || lower.contains("tablet") {
        "tablet"
    } else if lower.contains("mobi") || lower.contains("iphone") || lower.contains("android") {
        "mobile"
    } else if os.is_some() {
        "desktop"
    } else {
        "unknown"
    };
    Device { name, kind, os }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_agents() {
        let phone = parse(Some(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
        ));
        assert_eq!(
            (phone.kind, phone.os.as_deref(), phone.name.as_deref()),
            ("mobile", Some("Android"), Some("Chrome"))
        );
        let mac = parse(Some(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15",
        ));
        assert_eq!(
            (mac.kind, mac.os.as_deref(), mac.name.as_deref()),
            ("desktop", Some("macOS"), Some("Safari"))
        );
        assert_eq!(parse(Some("curl/8.5.0")).name.as_deref(), Some("curl"));
        assert_eq!(parse(None).kind, "unknown");
    }
}
