//! Token checks: signature, algorithm, issuer, expiry.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use infra::Infra;
use infra::testing::TestInfra;
use user_auth::{AuthConfig, AuthError, AuthService};

use crate::support::{admin, login, services};

fn forge(header: &serde_json::Value, claims: &serde_json::Value, signature: &[u8]) -> String {
    let part = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    format!(
        "{}.{}.{}",
        part(header),
        part(claims),
        URL_SAFE_NO_PAD.encode(signature)
    )
}

fn parts(token: &str) -> (serde_json::Value, serde_json::Value) {
    let mut it = token.split('.');
    let mut next = || serde_json::from_slice(&URL_SAFE_NO_PAD.decode(it.next().unwrap()).unwrap()).unwrap();
    (next(), next())
}

async fn a_valid_token_authenticates(t: TestInfra) {
    let s = services(&t).await;
    let user = admin(&s, "root@example.com").await;
    let pair = login(&s, "root@example.com").await;
    let who = s.auth.authenticate(&pair.access_token).await.unwrap();
    assert_eq!(who.actor.user_id, Some(user.id));
    assert!(who.actor.can("USER_MANAGE"), "SUPER_ADMIN holds every capability");
    let (header, claims) = parts(&pair.access_token);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["kid"], "dev-1");
    assert_eq!(claims["iss"], "commodity-trade");
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
    let jwks = s.auth.jwks().await;
    assert_eq!(jwks.keys[0].kid, "dev-1");
    assert_eq!(jwks.keys[0].crv, "Ed25519");
}

async fn alg_none_is_refused(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let pair = login(&s, "root@example.com").await;
    let (_, claims) = parts(&pair.access_token);
    let none = forge(
        &serde_json::json!({"alg": "none", "typ": "JWT", "kid": "dev-1"}),
        &claims,
        b"",
    );
    assert!(matches!(
        s.auth.authenticate(&none).await,
        Err(AuthError::InvalidToken)
    ));
    let hmac = forge(
        &serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": "dev-1"}),
        &claims,
        b"x",
    );
    assert!(matches!(
        s.auth.authenticate(&hmac).await,
        Err(AuthError::InvalidToken)
    ));
}

async fn a_token_signed_by_another_key_is_refused(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let pair = login(&s, "root@example.com").await;
    // Same claims and kid, signed by a key of another database.
    let other = TestInfra::embedded().await;
    let foreign = AuthService::start(other.infra().clone(), AuthConfig::default())
        .await
        .unwrap();
    let forged = {
        let (header, claims) = parts(&pair.access_token);
        let keys = user_auth::keys::KeyRing::load(other.db(), foreign.config(), other.clock().now())
            .await
            .unwrap();
        let claims: user_auth::tokens::Claims = serde_json::from_value(claims).unwrap();
        let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        h.kid = header["kid"].as_str().map(str::to_owned);
        jsonwebtoken::encode(&h, &claims, keys.signing()).unwrap()
    };
    assert!(matches!(
        s.auth.authenticate(&forged).await,
        Err(AuthError::InvalidToken)
    ));
}

async fn a_wrong_issuer_is_refused(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let config = AuthConfig {
        issuer: "someone-else".into(),
        ..AuthConfig::default()
    };
    let other = AuthService::start(t.infra().clone(), config).await.unwrap();
    let pair = other
        .login(
            crate::support::request("root@example.com", crate::support::PASSWORD),
            &Default::default(),
        )
        .await
        .unwrap();
    assert!(matches!(
        s.auth.authenticate(&pair.access_token).await,
        Err(AuthError::InvalidToken)
    ));
}

async fn an_expired_token_is_refused(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let pair = login(&s, "root@example.com").await;
    t.clock().advance(chrono::Duration::minutes(14));
    assert!(s.auth.authenticate(&pair.access_token).await.is_ok());
    t.clock().advance(chrono::Duration::minutes(2));
    assert!(matches!(
        s.auth.authenticate(&pair.access_token).await,
        Err(AuthError::TokenExpired)
    ));
}

async fn rotated_keys_keep_verifying_old_tokens(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let before = login(&s, "root@example.com").await;
    let other = AuthService::start(t.infra().clone(), AuthConfig::default())
        .await
        .unwrap();
    let kid = user_auth::keys::rotate(t.db(), t.clock().now()).await.unwrap();
    s.auth.reload_keys().await.unwrap();
    let after = login(&s, "root@example.com").await;
    assert_eq!(parts(&after.access_token).0["kid"], kid.as_str());
    assert!(
        s.auth.authenticate(&before.access_token).await.is_ok(),
        "the old key still verifies"
    );
    assert_eq!(s.auth.jwks().await.keys.len(), 2);
    // Another instance that has not reloaded learns the new key on first sight.
    assert!(other.authenticate(&after.access_token).await.is_ok());
}

infra::backend_tests!(
    a_valid_token_authenticates,
    alg_none_is_refused,
    a_token_signed_by_another_key_is_refused,
    a_wrong_issuer_is_refused,
    an_expired_token_is_refused,
    rotated_keys_keep_verifying_old_tokens,
);
