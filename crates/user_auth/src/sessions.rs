//! Sessions (one per login) and their rotating refresh tokens, and the kv
//! marks that make a revocation visible to every instance at once.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use infra::Kv;
use infra::change::Change;
use infra::write::WriteTx;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::AuthConfig;
use crate::device;
use crate::error::AuthError;
use crate::partner_facts::PartnerLookup;
use crate::service::ClientInfo;

/// The sea-orm entities of tables `sessions` and `refresh_tokens`.
pub mod entity {
    /// Table `sessions`.
    pub mod session {
        use sea_orm::entity::prelude::*;

        /// One login's session.
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "sessions")]
        pub struct Model {
            /// UUID v7; the `sid` claim.
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            /// Whose.
            pub user_id: Uuid,
            /// The User-Agent at login.
            pub user_agent: Option<String>,
            /// Browser or client name.
            pub device_name: Option<String>,
            /// mobile, tablet, desktop, bot or unknown.
            pub device_type: String,
            /// Operating system.
            pub device_os: Option<String>,
            /// Client address at login.
            pub ip: Option<String>,
            /// Login time.
            pub created_at: DateTimeUtc,
            /// Last login or refresh.
            pub last_active_at: DateTimeUtc,
            /// Ends unless refreshed before.
            pub expires_at: DateTimeUtc,
            /// When it was ended.
            pub revoked_at: Option<DateTimeUtc>,
            /// Why: logout, revoked, refresh_token_reused, user_disabled.
            pub revoked_reason: Option<String>,
        }

        /// No relations navigated.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// Table `refresh_tokens`.
    pub mod refresh_token {
        use sea_orm::entity::prelude::*;

        /// One issued refresh token (only its hash is kept).
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "refresh_tokens")]
        pub struct Model {
            /// UUID v7.
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: Uuid,
            /// The session it renews.
            pub session_id: Uuid,
            /// SHA-256 of the token, hex.
            pub token_hash: String,
            /// When issued.
            pub issued_at: DateTimeUtc,
            /// When it stops working.
            pub expires_at: DateTimeUtc,
            /// When it was exchanged for a new pair.
            pub used_at: Option<DateTimeUtc>,
        }

        /// No relations navigated.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
}

use entity::{refresh_token, session};

/// SHA-256 (hex) of a refresh token; tokens have 256 random bits, so a plain hash suffices.
pub fn hash_token(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

/// Opens a session for `user_id` and returns it with its first refresh token.
pub async fn open(
    tx: &WriteTx,
    user_id: Uuid,
    client: &ClientInfo,
    config: &AuthConfig,
) -> Result<(session::Model, String), AuthError> {
    let now = tx.now();
    let device = device::parse(client.user_agent.as_deref());
    let row = session::ActiveModel {
        id: Set(infra::ids::new_id()),
        user_id: Set(user_id),
        user_agent: Set(client
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(512).collect())),
        device_name: Set(device.name),
        device_type: Set(device.kind.to_owned()),
        device_os: Set(device.os),
        ip: Set(client.ip.clone()),
        created_at: Set(now),
        last_active_at: Set(now),
        expires_at: Set(now + config.refresh_ttl),
        revoked_at: Set(None),
        revoked_reason: Set(None),
    }
    .insert(tx.db())
    .await?;
    let refresh = issue_refresh(tx, row.id, config).await?;
    tx.audit(
        "session.create",
        "session",
        &row.id.to_string(),
        Some(serde_json::json!({"user_id": user_id})),
    )
    .await?;
    Ok((row, refresh))
}

/// A new refresh token for `session_id`.
pub async fn issue_refresh(tx: &WriteTx, session_id: Uuid, config: &AuthConfig) -> Result<String, AuthError> {
    let mut secret = [0u8; 32];
    rand::fill(&mut secret);
    let raw = URL_SAFE_NO_PAD.encode(secret);
    refresh_token::ActiveModel {
        id: Set(infra::ids::new_id()),
        session_id: Set(session_id),
        token_hash: Set(hash_token(&raw)),
        issued_at: Set(tx.now()),
        expires_at: Set(tx.now() + config.refresh_ttl),
        used_at: Set(None),
    }
    .insert(tx.db())
    .await?;
    Ok(raw)
}

/// Marks the refresh token used; `true` when this call did it (the winner of a race).
pub async fn mark_used(tx: &WriteTx, token_id: Uuid) -> Result<bool, AuthError> {
    let result = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(tx.now()))
        .filter(refresh_token::Column::Id.eq(token_id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(tx.db())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records activity on a session and extends its life.
pub async fn touch(tx: &WriteTx, session_id: Uuid, config: &AuthConfig) -> Result<(), AuthError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastActiveAt, Expr::value(tx.now()))
        .col_expr(
            session::Column::ExpiresAt,
            Expr::value(tx.now() + config.refresh_ttl),
        )
        .filter(session::Column::Id.eq(session_id))
        .exec(tx.db())
        .await?;
    Ok(())
}

/// Ends the sessions matched by `filter` (not yet ended) for `reason`, with an
/// audit row and a SessionRevoked event each; returns their ids.
async fn revoke_where(
    tx: &WriteTx,
    filter: sea_orm::Condition,
    reason: &str,
) -> Result<Vec<Uuid>, AuthError> {
    let open: Vec<session::Model> = session::Entity::find()
        .filter(filter)
        .filter(session::Column::RevokedAt.is_null())
        .all(tx.db())
        .await?;
    for s in &open {
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(tx.now()))
            .col_expr(session::Column::RevokedReason, Expr::value(reason))
            .filter(session::Column::Id.eq(s.id))
            .exec(tx.db())
            .await?;
        let payload = serde_json::json!({"session_id": s.id, "user_id": s.user_id, "reason": reason});
        // A session has no version of its own: its one change is its end.
        let change = Change::new(
            crate::TOPIC,
            "SessionRevoked",
            "session.revoke",
            "session",
            s.id,
            1,
        );
        tx.record(change, payload).await?;
    }
    Ok(open.into_iter().map(|s| s.id).collect())
}

/// Ends one session.
pub async fn revoke(tx: &WriteTx, session_id: Uuid, reason: &str) -> Result<Vec<Uuid>, AuthError> {
    revoke_where(
        tx,
        sea_orm::Condition::all().add(session::Column::Id.eq(session_id)),
        reason,
    )
    .await
}

/// Ends every session of a user but `keep`.
pub async fn revoke_others(
    tx: &WriteTx,
    user_id: Uuid,
    keep: Uuid,
    reason: &str,
) -> Result<Vec<Uuid>, AuthError> {
    let filter = sea_orm::Condition::all()
        .add(session::Column::UserId.eq(user_id))
        .add(session::Column::Id.ne(keep));
    revoke_where(tx, filter, reason).await
}

/// Ends every session of a user.
pub async fn revoke_all_for_user(tx: &WriteTx, user_id: Uuid, reason: &str) -> Result<Vec<Uuid>, AuthError> {
    revoke_where(
        tx,
        sea_orm::Condition::all().add(session::Column::UserId.eq(user_id)),
        reason,
    )
    .await
}

fn session_mark(sid: Uuid) -> String {
    format!("auth:revoked:sid:{sid}")
}

fn token_mark(jti: Uuid) -> String {
    format!("auth:revoked:jti:{jti}")
}

/// Publishes revocations to every instance (after the commit); the database
/// row stays the durable record, so a lost kv write is still caught.
pub async fn publish_revoked(kv: &Kv, sessions: &[Uuid], tokens: &[Uuid], config: &AuthConfig) {
    let ttl = config.revocation_ttl();
    for key in sessions
        .iter()
        .map(|s| session_mark(*s))
        .chain(tokens.iter().map(|t| token_mark(*t)))
    {
        if let Err(e) = kv.set(&key, b"1", ttl).await {
            tracing::warn!(error = %e, "revocation not published to the kv store; the database check still applies");
        }
    }
    for sid in sessions {
        principal_cache(kv).invalidate(&sid.to_string()).await;
    }
}

/// The kv keys of the revocation marks of session `sid` and token `jti`.
pub fn mark_keys(sid: Uuid, jti: Uuid) -> [String; 2] {
    [session_mark(sid), token_mark(jti)]
}

/// Whether the kv store has a revocation for the session or the token.
pub async fn is_marked_revoked(kv: &Kv, sid: Uuid, jti: Option<Uuid>) -> Result<bool, AuthError> {
    let mut keys = vec![session_mark(sid)];
    keys.extend(jti.map(token_mark));
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    Ok(kv.request_check(&keys, None).await?.marked)
}

/// Who a live session belongs to: what every request needs from the session
/// and user rows, cached per session and forgotten when the session is revoked.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Principal {
    /// The user.
    pub user_id: Uuid,
    /// The user's kind.
    pub kind: String,
    /// Organization of an INTERNAL user.
    pub organization_id: Option<Uuid>,
    /// Partner of an EXTERNAL user.
    pub partner_id: Option<Uuid>,
    /// The partner's rate-limit tier, when the partner is known.
    #[serde(default)]
    pub partner_tier: Option<String>,
    /// Whether the partner is suspended (writes are refused).
    #[serde(default)]
    pub partner_suspended: bool,
    /// When the session ends unless refreshed.
    pub session_expires_at: DateTime<Utc>,
}

/// How long a principal stays cached at most.
const PRINCIPAL_TTL: std::time::Duration = std::time::Duration::from_secs(30);

fn principal_cache(kv: &Kv) -> infra::Cache {
    infra::Cache::new(kv, "principal", PRINCIPAL_TTL)
}

/// Forgets the cached principal of session `sid` on every instance.
pub async fn forget_principal(kv: &Kv, sid: Uuid) {
    principal_cache(kv).invalidate(&sid.to_string()).await;
}

/// The principal of session `sid` if it is live at `now` and belongs to
/// `user_id`, whose account is active, with its partner's facts from `lookup`;
/// through the cache, which revocation and partner changes clear.
pub async fn principal<I: infra::Infra>(
    infra: &I,
    lookup: Option<&dyn PartnerLookup>,
    sid: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Principal, AuthError> {
    let db = infra.db();
    let found = principal_cache(infra.kv())
        .get_or_load(
            &sid.to_string(),
            |p: &Principal| p.session_expires_at > now,
            || async move {
                let row = session::Entity::find_by_id(sid)
                    .one(db)
                    .await?
                    .ok_or(AuthError::Revoked)?;
                if !is_live(&row, now) {
                    return Err(AuthError::Revoked);
                }
                let user = settings::users::find(db, row.user_id)
                    .await?
                    .filter(|u| u.is_active)
                    .ok_or(AuthError::Revoked)?;
                let facts = match (lookup, user.partner_id) {
                    (Some(lookup), Some(partner)) => lookup.facts(db, partner).await?,
                    _ => None,
                };
                Ok(Principal {
                    user_id: user.id,
                    kind: user.kind,
                    organization_id: user.organization_id,
                    partner_id: user.partner_id,
                    partner_tier: facts.as_ref().map(|f| f.rate_limit_tier.clone()),
                    partner_suspended: facts.is_some_and(|f| f.suspended),
                    session_expires_at: row.expires_at,
                })
            },
        )
        .await?;
    if found.user_id != user_id {
        return Err(AuthError::Revoked);
    }
    Ok(found)
}

/// The principal of session `sid` from this instance's near cache alone, if
/// it is there, current, live at `now` and belongs to `user_id`.
pub fn near_principal(kv: &Kv, sid: Uuid, user_id: Uuid, now: DateTime<Utc>) -> Option<Principal> {
    principal_cache(kv)
        .near_value(&sid.to_string(), |p: &Principal| p.session_expires_at > now)
        .filter(|p| p.user_id == user_id)
}

/// Whether the session row allows use at `now`.
pub fn is_live(row: &session::Model, now: DateTime<Utc>) -> bool {
    row.revoked_at.is_none() && row.expires_at > now
}
