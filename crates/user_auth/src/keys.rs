//! Token signing keys: the one that signs, the ones that still verify, and
//! their JWKS. In development a key is generated once and kept in table
//! `signing_keys`, so every instance on the database shares it; rotation adds
//! a new key that signs while the old ones verify until their tokens expire.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use sea_orm::sea_query::{ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::Serialize;

use crate::config::{AuthConfig, SigningKeySource};
use crate::error::AuthError;

/// The sea-orm entity of table `signing_keys`.
pub mod entity {
    use sea_orm::entity::prelude::*;

    /// One signing key.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "signing_keys")]
    pub struct Model {
        /// Key id, put in token headers.
        #[sea_orm(primary_key, auto_increment = false)]
        pub kid: String,
        /// PKCS#8 DER, base64 (development keys only).
        pub private_key: Option<String>,
        /// Raw Ed25519 public key, base64url.
        pub public_key: String,
        /// When it was made.
        pub created_at: DateTimeUtc,
        /// When a newer key replaced it for signing.
        pub retired_at: Option<DateTimeUtc>,
    }

    /// No relations.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// One public key in JWKS form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Jwk {
    /// `OKP`.
    pub kty: &'static str,
    /// `Ed25519`.
    pub crv: &'static str,
    /// The public key, base64url.
    pub x: String,
    /// Key id.
    pub kid: String,
    /// `EdDSA`.
    pub alg: &'static str,
    /// `sig`.
    #[serde(rename = "use")]
    pub usage: &'static str,
}

/// The public keys, as served at `/.well-known/jwks.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Jwks {
    /// Every key that may verify a live token.
    pub keys: Vec<Jwk>,
}

/// The signing key and every verifying key.
#[derive(Clone)]
pub struct KeyRing {
    kid: String,
    secret: [u8; 32],
    signing: EncodingKey,
    verifying: HashMap<String, DecodingKey>,
    jwks: Jwks,
}

impl KeyRing {
    /// Loads (and in development creates) the keys `config` names.
    pub async fn load<C: ConnectionTrait>(
        db: &C,
        config: &AuthConfig,
        now: DateTime<Utc>,
    ) -> Result<Self, AuthError> {
        match &config.signing {
            SigningKeySource::Configured {
                kid,
                private_pem,
                previous,
            } => {
                let key = SigningKey::from_pkcs8_pem(private_pem).map_err(|e| {
                    AuthError::Keys(format!("JWT_SIGNING_KEY is not an Ed25519 PKCS#8 PEM key: {e}"))
                })?;
                let mut publics = vec![(kid.clone(), key.verifying_key().to_bytes().to_vec())];
                for (old_kid, x) in previous {
                    let raw = URL_SAFE_NO_PAD
                        .decode(x)
                        .map_err(|_| AuthError::Keys(format!("previous key {old_kid} is not base64url")))?;
                    publics.push((old_kid.clone(), raw));
                }
                Self::build(kid.clone(), &key, publics)
            }
            SigningKeySource::Database => {
                let mut rows = usable(db, config, now).await?;
                if rows.is_empty() {
                    insert_generated(db, "dev-1", now).await?;
                    rows = usable(db, config, now).await?;
                }
                let current = rows
                    .iter()
                    .find(|r| r.retired_at.is_none() && r.private_key.is_some())
                    .ok_or_else(|| AuthError::Keys("no current signing key in table signing_keys".into()))?;
                let der = STANDARD
                    .decode(current.private_key.as_deref().unwrap_or_default())
                    .map_err(|e| AuthError::Keys(format!("stored key {} is not base64: {e}", current.kid)))?;
                let key = SigningKey::from_pkcs8_der(&der)
                    .map_err(|e| AuthError::Keys(format!("stored key {} is not PKCS#8: {e}", current.kid)))?;
                let mut publics = Vec::new();
                for row in &rows {
                    let raw = URL_SAFE_NO_PAD.decode(&row.public_key).map_err(|_| {
                        AuthError::Keys(format!("stored public key {} is not base64url", row.kid))
                    })?;
                    publics.push((row.kid.clone(), raw));
                }
                Self::build(current.kid.clone(), &key, publics)
            }
        }
    }

    fn build(kid: String, key: &SigningKey, publics: Vec<(String, Vec<u8>)>) -> Result<Self, AuthError> {
        let der = key.to_pkcs8_der().map_err(|e| AuthError::Keys(e.to_string()))?;
        let signing = EncodingKey::from_ed_der(der.as_bytes());
        let mut verifying = HashMap::new();
        let mut keys = Vec::new();
        for (kid, raw) in publics {
            keys.push(Jwk {
                kty: "OKP",
                crv: "Ed25519",
                x: URL_SAFE_NO_PAD.encode(&raw),
                kid: kid.clone(),
                alg: "EdDSA",
                usage: "sig",
            });
            verifying.insert(kid, DecodingKey::from_ed_der(&raw));
        }
        let secret = {
            use sha2::Digest;
            let mut hash = sha2::Sha256::new();
            hash.update(b"commodity-trade/otp-hmac-key/v1");
            hash.update(key.to_bytes());
            hash.finalize().into()
        };
        Ok(Self {
            secret,
            kid,
            signing,
            verifying,
            jwks: Jwks { keys },
        })
    }

    /// The id of the signing key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// A 32-byte secret derived from the signing key, shared by every instance
    /// that shares the key: the HMAC key of one-time codes.
    pub fn derived_secret(&self) -> &[u8; 32] {
        &self.secret
    }

    /// The signing key.
    pub fn signing(&self) -> &EncodingKey {
        &self.signing
    }

    /// The verifying key with id `kid`.
    pub fn verifying(&self, kid: &str) -> Option<&DecodingKey> {
        self.verifying.get(kid)
    }

    /// The public keys.
    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }
}

/// Development keys that sign or may still verify a live token.
async fn usable<C: ConnectionTrait>(
    db: &C,
    config: &AuthConfig,
    now: DateTime<Utc>,
) -> Result<Vec<entity::Model>, AuthError> {
    let horizon = now - config.access_ttl - config.leeway;
    Ok(entity::Entity::find()
        .filter(
            entity::Column::RetiredAt
                .is_null()
                .or(entity::Column::RetiredAt.gt(horizon)),
        )
        .order_by_desc(entity::Column::CreatedAt)
        .all(db)
        .await?)
}

async fn insert_generated<C: ConnectionTrait>(
    db: &C,
    kid: &str,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let mut seed = [0u8; 32];
    rand::fill(&mut seed);
    let key = SigningKey::from_bytes(&seed);
    let der = key.to_pkcs8_der().map_err(|e| AuthError::Keys(e.to_string()))?;
    let row = entity::ActiveModel {
        kid: Set(kid.to_owned()),
        private_key: Set(Some(STANDARD.encode(der.as_bytes()))),
        public_key: Set(URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes())),
        created_at: Set(now),
        retired_at: Set(None),
    };
    // Instances starting together race here: the first insert wins, all read it back.
    entity::Entity::insert(row)
        .on_conflict(OnConflict::column(entity::Column::Kid).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Rotates the development key: a new key signs from now on; the old ones keep
/// verifying until their last token expires. Returns the new key id.
pub async fn rotate<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<String, AuthError> {
    let kid = format!("dev-{}", infra::ids::new_id().simple());
    entity::Entity::update_many()
        .col_expr(entity::Column::RetiredAt, sea_orm::sea_query::Expr::value(now))
        .filter(entity::Column::RetiredAt.is_null())
        .exec(db)
        .await?;
    insert_generated(db, &kid, now).await?;
    Ok(kid)
}
