//! [`DocumentStore`]: the object store document files live in, chosen by
//! `DOCUMENT_STORE_URL` (a local directory by default, in memory for tests,
//! S3 with the `s3` feature), and [`ObjectKey`], the key of one file.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use infra::{InfraError, ServiceError};
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use uuid::Uuid;

/// Where document files go when nothing is configured: a local directory.
pub const DEFAULT_DOCUMENT_STORE: &str = "./data/documents";

/// The top folder of application documents in the store.
const APPLICATIONS: &str = "applications";

/// The key of one document's file: `applications/{application_id}/{document_id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjectKey {
    /// The application the document belongs to.
    pub application_id: Uuid,
    /// The document (its row in `partner_documents`).
    pub document_id: Uuid,
}

impl ObjectKey {
    /// The key of document `document_id` of application `application_id`.
    pub fn new(application_id: Uuid, document_id: Uuid) -> Self {
        Self {
            application_id,
            document_id,
        }
    }

    /// The key as a store path.
    pub fn path(&self) -> Path {
        Path::from_iter([
            APPLICATIONS.to_owned(),
            self.application_id.to_string(),
            self.document_id.to_string(),
        ])
    }

    /// The key `path` names, if it is one of ours.
    pub fn parse(path: &Path) -> Option<Self> {
        let parts: Vec<String> = path.parts().map(|p| p.as_ref().to_owned()).collect();
        match parts.as_slice() {
            [top, app, doc] if top == APPLICATIONS => {
                Some(Self::new(Uuid::parse_str(app).ok()?, Uuid::parse_str(doc).ok()?))
            }
            _ => None,
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path())
    }
}

/// The store of document files: any [`ObjectStore`], shared.
#[derive(Clone)]
pub struct DocumentStore {
    inner: Arc<dyn ObjectStore>,
}

impl fmt::Debug for DocumentStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentStore({})", self.inner)
    }
}

fn config(message: String) -> ServiceError {
    ServiceError::Infra(InfraError::Config(message))
}

/// A store failure as a service error (answered 503, a retry may succeed; logged with its cause).
fn failed(action: &str, key: &dyn fmt::Display, e: object_store::Error) -> ServiceError {
    ServiceError::Infra(InfraError::Files(format!("{action} {key}: {e}")))
}

impl DocumentStore {
    /// A store over `store`.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Self { inner: store }
    }

    /// The store `DOCUMENT_STORE_URL` names: a plain path or `file://` path
    /// (a local directory, created if missing), `memory://` (in memory, for
    /// tests) or, with the `s3` feature, `s3://bucket/prefix` (credentials
    /// and region from the AWS environment variables).
    pub fn from_url(url: &str) -> Result<Self, ServiceError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(config("DOCUMENT_STORE_URL must not be empty".into()));
        }
        if url == "memory://" || url == "memory:" {
            return Ok(Self::memory());
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            return s3(rest);
        }
        if let Some(path) = url.strip_prefix("file://") {
            return Self::local(path);
        }
        if url.contains("://") {
            return Err(config(format!(
                "DOCUMENT_STORE_URL {url}: must be a directory, file://, memory:// or s3:// URL"
            )));
        }
        Self::local(url)
    }

    /// A store in memory (tests, demos): files last as long as the process.
    pub fn memory() -> Self {
        Self::new(Arc::new(InMemory::new()))
    }

    /// A store in local directory `path`, created if missing.
    pub fn local(path: impl AsRef<std::path::Path>) -> Result<Self, ServiceError> {
        let path = path.as_ref();
        std::fs::create_dir_all(path)
            .map_err(|e| config(format!("DOCUMENT_STORE_URL {}: {e}", path.display())))?;
        let store = LocalFileSystem::new_with_prefix(path)
            .map_err(|e| config(format!("DOCUMENT_STORE_URL {}: {e}", path.display())))?;
        Ok(Self::new(Arc::new(store)))
    }

    /// The default local store ([`DEFAULT_DOCUMENT_STORE`]), touching
    /// nothing until used: its directory is made by the first upload.
    pub fn default_local() -> Self {
        Self::lazy_local(DEFAULT_DOCUMENT_STORE)
    }

    /// A store in local directory `path` that makes the directory on the
    /// first write (a missing one lists as empty).
    fn lazy_local(path: impl AsRef<std::path::Path>) -> Self {
        let path = path.as_ref();
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let parts: Vec<String> = absolute
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        Self::new(Arc::new(PrefixStore::new(
            LocalFileSystem::new(),
            Path::from_iter(parts),
        )))
    }

    /// The underlying object store.
    pub fn object_store(&self) -> &Arc<dyn ObjectStore> {
        &self.inner
    }

    /// Writes `bytes` under `key` (replacing what was there).
    pub async fn put(&self, key: &ObjectKey, bytes: Bytes) -> Result<(), ServiceError> {
        self.inner
            .put(&key.path(), PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
            .map_err(|e| failed("put", key, e))
    }

    /// The content under `key`, or none.
    pub async fn get(&self, key: &ObjectKey) -> Result<Option<Bytes>, ServiceError> {
        let found = match self.inner.get(&key.path()).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(failed("get", key, e)),
        };
        found.bytes().await.map(Some).map_err(|e| failed("read", key, e))
    }

    /// Removes the object under `key`; one already gone is fine.
    pub async fn delete(&self, key: &ObjectKey) -> Result<(), ServiceError> {
        match self.inner.delete(&key.path()).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed("delete", key, e)),
        }
    }

    /// Every document object with its last-modified time (objects of other
    /// shapes under the store are ignored).
    pub async fn keys(&self) -> Result<Vec<(ObjectKey, DateTime<Utc>)>, ServiceError> {
        let top = Path::from(APPLICATIONS);
        let metas: Vec<object_store::ObjectMeta> = self
            .inner
            .list(Some(&top))
            .try_collect()
            .await
            .map_err(|e| failed("list", &top, e))?;
        Ok(metas
            .into_iter()
            .filter_map(|m| ObjectKey::parse(&m.location).map(|k| (k, m.last_modified)))
            .collect())
    }
}

#[cfg(feature = "s3")]
fn s3(rest: &str) -> Result<DocumentStore, ServiceError> {
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(config("DOCUMENT_STORE_URL s3://: the bucket is missing".into()));
    }
    let store = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .build()
        .map_err(|e| config(format!("DOCUMENT_STORE_URL s3://{rest}: {e}")))?;
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() {
        return Ok(DocumentStore::new(Arc::new(store)));
    }
    let prefix = Path::parse(prefix).map_err(|e| config(format!("DOCUMENT_STORE_URL s3://{rest}: {e}")))?;
    Ok(DocumentStore::new(Arc::new(PrefixStore::new(store, prefix))))
}

#[cfg(not(feature = "s3"))]
fn s3(rest: &str) -> Result<DocumentStore, ServiceError> {
    Err(config(format!(
        "DOCUMENT_STORE_URL s3://{rest}: S3 needs the partners crate built with its `s3` feature"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_foreign_paths_are_ignored() {
        let key = ObjectKey::new(Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(ObjectKey::parse(&key.path()), Some(key));
        assert!(key.to_string().starts_with("applications/"));
        assert_eq!(ObjectKey::parse(&Path::from("applications/x/y")), None);
        assert_eq!(ObjectKey::parse(&Path::from("other/a/b/c")), None);
    }

    #[tokio::test]
    async fn a_lazy_local_store_makes_its_directory_on_the_first_write() {
        let dir = std::env::temp_dir().join(format!("documents-{}", Uuid::now_v7()));
        let store = DocumentStore::lazy_local(dir.join("nested"));
        assert!(!dir.exists());
        assert!(store.keys().await.unwrap().is_empty());
        let key = ObjectKey::new(Uuid::now_v7(), Uuid::now_v7());
        store.put(&key, Bytes::from_static(b"%PDF-1")).await.unwrap();
        assert!(dir.join("nested").join(key.to_string()).is_file());
        assert_eq!(store.get(&key).await.unwrap().as_deref(), Some(&b"%PDF-1"[..]));
        assert_eq!(store.keys().await.unwrap().len(), 1);
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn urls_choose_the_backend() {
        assert!(format!("{:?}", DocumentStore::from_url("memory://").unwrap()).contains("InMemory"));
        let dir = std::env::temp_dir().join(format!("documents-{}", Uuid::now_v7()));
        let url = format!("file://{}", dir.display());
        assert!(DocumentStore::from_url(&url).is_ok());
        assert!(dir.is_dir());
        assert!(DocumentStore::from_url(dir.to_str().unwrap()).is_ok());
        let _ = std::fs::remove_dir_all(&dir);
        let err = DocumentStore::from_url("ftp://host/x").unwrap_err().to_string();
        assert!(err.contains("DOCUMENT_STORE_URL"), "{err}");
        assert!(DocumentStore::from_url("").is_err());
        #[cfg(not(feature = "s3"))]
        {
            let err = DocumentStore::from_url("s3://bucket/docs")
                .unwrap_err()
                .to_string();
            assert!(err.contains("DOCUMENT_STORE_URL") && err.contains("s3"), "{err}");
        }
    }
}
