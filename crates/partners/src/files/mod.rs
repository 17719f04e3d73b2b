//! The files behind partner documents: where they are kept
//! ([`DocumentStore`], any `object_store` backend), what they may be
//! ([`check_upload`]: PDF, JPEG or PNG by content, at most
//! [`MAX_DOCUMENT_BYTES`]) and what is recorded of them ([`FileFacts`]:
//! name, content type, size, SHA-256).
//!
//! Objects are keyed `applications/{application_id}/{document_id}`, so a
//! file is always reached through its document's row and that row's
//! application, and a key without a row is an orphan ([`crate::ApplicationService::sweep_orphans`]).

mod sniff;
mod store;

use bytes::Bytes;
use infra::ServiceError;
use sha2::{Digest, Sha256};

pub use sniff::{ContentType, sniff};
pub use store::{DEFAULT_DOCUMENT_STORE, DocumentStore, ObjectKey};

/// The largest document file accepted: 5 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;

/// The longest file name kept (longer names are cut at a character boundary).
const MAX_FILE_NAME_CHARS: usize = 255;

/// A file as uploaded.
#[derive(Clone, Debug, Default)]
pub struct Upload {
    /// The name the client gave it (kept for display only, never used as a path).
    pub file_name: Option<String>,
    /// The content.
    pub bytes: Bytes,
}

/// What is recorded of an accepted upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    /// The client's file name, trimmed, without directories, at most 255 characters.
    pub file_name: Option<String>,
    /// The content type found by content.
    pub content_type: ContentType,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// Checks `upload` (422 on field `file` when empty, over
/// [`MAX_DOCUMENT_BYTES`], or not a PDF, JPEG or PNG by its content) and
/// answers what to record of it.
pub fn check_upload(upload: &Upload) -> Result<FileFacts, ServiceError> {
    file_facts(upload).map_err(|message| ServiceError::field("file", message))
}

/// What to record of `upload`, or why it is refused.
pub(crate) fn file_facts(upload: &Upload) -> Result<FileFacts, &'static str> {
    let bytes = &upload.bytes;
    if bytes.is_empty() {
        return Err("must not be empty");
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err("must be at most 5 MiB");
    }
    let content_type = sniff(bytes).ok_or("must be a PDF, JPEG or PNG file")?;
    Ok(FileFacts {
        file_name: upload.file_name.as_deref().and_then(clean_file_name),
        content_type,
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// The last path segment of `name`, trimmed, without control characters,
/// at most 255 characters; none when nothing is left.
fn clean_file_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(bytes: &[u8]) -> Upload {
        Upload {
            file_name: Some("C:\\scans\\gst.pdf".into()),
            bytes: Bytes::copy_from_slice(bytes),
        }
    }

    #[test]
    fn uploads_are_checked_by_content_and_size() {
        let facts = check_upload(&upload(b"%PDF-1.7\n...")).unwrap();
        assert_eq!(facts.content_type, ContentType::Pdf);
        assert_eq!(facts.file_name.as_deref(), Some("gst.pdf"));
        assert_eq!(facts.size_bytes, 12);
        assert_eq!(facts.sha256.len(), 64);
        let field = |e: ServiceError| {
            infra::DomainError::field_errors(&e)
                .into_iter()
                .map(|f| f.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(field(check_upload(&upload(b"")).unwrap_err()), ["file"]);
        assert_eq!(field(check_upload(&upload(b"GIF89a....")).unwrap_err()), ["file"]);
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, 0);
        assert_eq!(field(check_upload(&upload(&big)).unwrap_err()), ["file"]);
        big.truncate(MAX_DOCUMENT_BYTES);
        assert!(check_upload(&upload(&big)).is_ok());
    }

    #[test]
    fn file_names_lose_directories_and_control_characters() {
        assert_eq!(clean_file_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_file_name(" a\u{0}b.png ").as_deref(), Some("ab.png"));
        assert_eq!(clean_file_name("dir/"), None);
        assert_eq!(clean_file_name(&"x".repeat(300)).map(|n| n.len()), Some(255));
    }
}
