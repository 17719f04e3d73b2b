//! Content types by magic bytes: the first bytes of a file decide what it
//! is, never its name or the type a client claims.

use serde::{Deserialize, Serialize};

/// The content types a document file may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ContentType {
    /// `application/pdf`, starting `%PDF-`.
    Pdf,
    /// `image/jpeg`, starting `FF D8 FF`.
    Jpeg,
    /// `image/png`, starting with the 8-byte PNG signature.
    Png,
}

impl ContentType {
    /// The media type, such as `application/pdf`.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The content type of media type `mime`, if it is one of the three.
    pub fn from_mime(mime: &str) -> Option<Self> {
        [Self::Pdf, Self::Jpeg, Self::Png]
            .into_iter()
            .find(|t| t.mime() == mime)
    }
}

const PDF: &[u8] = b"%PDF-";
const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// What `bytes` are by their first bytes: a PDF, JPEG or PNG, or none.
pub fn sniff(bytes: &[u8]) -> Option<ContentType> {
    [
        (PDF, ContentType::Pdf),
        (JPEG, ContentType::Jpeg),
        (PNG, ContentType::Png),
    ]
    .into_iter()
    .find(|(magic, _)| bytes.starts_with(magic))
    .map(|(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide() {
        assert_eq!(sniff(b"%PDF-1.4 ..."), Some(ContentType::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(ContentType::Jpeg));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some(ContentType::Png)
        );
        assert_eq!(sniff(b"%PDF"), None);
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G']), None);
        assert_eq!(sniff(b"<html>"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(ContentType::from_mime("image/png"), Some(ContentType::Png));
        assert_eq!(ContentType::from_mime("text/html"), None);
    }
}
