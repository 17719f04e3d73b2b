//! Login, lockout, refresh rotation and reuse, logout and revocation.

use std::sync::Arc;

use infra::testing::TestInfra;
use infra::{Actor, Infra};
use user_auth::{AuthConfig, AuthError, AuthService, ClientInfo};

use crate::support::{PASSWORD, admin, login, request, services, staff};

async fn wrong_password_and_unknown_account_look_alike(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let wrong = s
        .auth
        .login(
            request("root@example.com", "not the password"),
            &ClientInfo::default(),
        )
        .await;
    let unknown = s
        .auth
        .login(request("nobody@example.com", PASSWORD), &ClientInfo::default())
        .await;
    assert!(matches!(wrong, Err(AuthError::InvalidCredentials)));
    assert!(matches!(unknown, Err(AuthError::InvalidCredentials)));
}

async fn five_failures_lock_the_account_for_fifteen_minutes(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    for _ in 0..5 {
        let r = s
            .auth
            .login(
                request("root@example.com", "nope nope nope"),
                &ClientInfo::default(),
            )
            .await;
        assert!(matches!(r, Err(AuthError::InvalidCredentials)));
    }
    let locked = s
        .auth
        .login(request("root@example.com", PASSWORD), &ClientInfo::default())
        .await;
    match locked {
        Err(AuthError::Locked { retry_after_secs }) => {
            assert!((890..=900).contains(&retry_after_secs), "{retry_after_secs}")
        }
        other => panic!("expected a lock, got {other:?}"),
    }
    // Unknown accounts lock the same way: nothing tells them apart.
    for _ in 0..5 {
        let _ = s
            .auth
            .login(
                request("ghost@example.com", "nope nope nope"),
                &ClientInfo::default(),
            )
            .await;
    }
    assert!(matches!(
        s.auth
            .login(request("ghost@example.com", PASSWORD), &ClientInfo::default())
            .await,
        Err(AuthError::Locked { .. })
    ));
    t.clock().advance(chrono::Duration::minutes(16));
    assert!(
        s.auth
            .login(request("root@example.com", PASSWORD), &ClientInfo::default())
            .await
            .is_ok()
    );
}

async fn login_opens_a_session_with_the_device(t: TestInfra) {
    let s = services(&t).await;
    let user = admin(&s, "root@example.com").await;
    let client = ClientInfo {
        user_agent: Some("Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120.0 Mobile Safari/537.36".into()),
        ip: Some("203.0.113.9".into()),
        request_id: Some("req-login".into()),
    };
    s.auth
        .login(request("ROOT@example.com", PASSWORD), &client)
        .await
        .unwrap();
    use infra::sea_orm::EntityTrait;
    let sessions = user_auth::sessions::entity::session::Entity::find()
        .all(t.db())
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].user_id, user.id);
    assert_eq!(sessions[0].device_type, "mobile");
    assert_eq!(sessions[0].device_os.as_deref(), Some("Android"));
    assert_eq!(sessions[0].ip.as_deref(), Some("203.0.113.9"));
}

async fn refresh_rotates_and_a_replay_ends_the_session(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let first = login(&s, "root@example.com").await;
    let second = s
        .auth
        .refresh(&first.refresh_token, &ClientInfo::default())
        .await
        .unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);
    assert!(s.auth.authenticate(&second.access_token).await.is_ok());
    t.clock().advance(chrono::Duration::seconds(3));
    let replay = s.auth.refresh(&first.refresh_token, &ClientInfo::default()).await;
    assert!(matches!(replay, Err(AuthError::RefreshTokenReused)), "{replay:?}");
    // The whole session is over: the newest tokens stop working too.
    assert!(matches!(
        s.auth.authenticate(&second.access_token).await,
        Err(AuthError::Revoked)
    ));
    assert!(matches!(
        s.auth
            .refresh(&second.refresh_token, &ClientInfo::default())
            .await,
        Err(AuthError::InvalidRefreshToken)
    ));
    assert!(matches!(
        s.auth.refresh("made-up", &ClientInfo::default()).await,
        Err(AuthError::InvalidRefreshToken)
    ));
}

async fn parallel_refreshes_within_the_grace_window_all_succeed(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let pair = login(&s, "root@example.com").await;
    let auth = Arc::new(s.auth.clone());
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (auth, token) = (auth.clone(), pair.refresh_token.clone());
        tasks.push(tokio::spawn(async move {
            auth.refresh(&token, &ClientInfo::default()).await
        }));
    }
    let mut pairs = Vec::new();
    for task in tasks {
        pairs.push(
            task.await
                .unwrap()
                .expect("a parallel refresh within the grace window succeeds"),
        );
    }
    for p in &pairs {
        assert!(
            auth.authenticate(&p.access_token).await.is_ok(),
            "the session is still live"
        );
    }
    let next = auth
        .refresh(&pairs[0].refresh_token, &ClientInfo::default())
        .await;
    assert!(next.is_ok());
}

async fn logout_is_seen_by_every_instance(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let pair = login(&s, "root@example.com").await;
    let other_infra = t.another_instance().await;
    let other = AuthService::start(other_infra, AuthConfig::default())
        .await
        .unwrap();
    assert!(other.authenticate(&pair.access_token).await.is_ok());
    let who = s.auth.authenticate(&pair.access_token).await.unwrap();
    s.auth.logout(&who).await.unwrap();
    assert!(matches!(
        s.auth.authenticate(&pair.access_token).await,
        Err(AuthError::Revoked)
    ));
    assert!(matches!(
        other.authenticate(&pair.access_token).await,
        Err(AuthError::Revoked)
    ));
    assert!(matches!(
        s.auth.refresh(&pair.refresh_token, &ClientInfo::default()).await,
        Err(AuthError::InvalidRefreshToken)
    ));
}

async fn a_revoked_session_is_refused_even_when_kv_lost_the_mark(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let pair = login(&s, "root@example.com").await;
    let who = s.auth.authenticate(&pair.access_token).await.unwrap();
    s.auth.logout(&who).await.unwrap();
    t.kv().clear_prefix().await.unwrap();
    assert!(matches!(
        s.auth.authenticate(&pair.access_token).await,
        Err(AuthError::Revoked)
    ));
}

async fn disabling_a_user_ends_its_sessions(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let user = staff(&s, "staff@example.com", &["BACKOFFICE_STAFF"]).await;
    let pair = login(&s, "staff@example.com").await;
    s.accounts
        .set_active(&Actor::system(), user.id, false)
        .await
        .unwrap();
    assert!(matches!(
        s.auth.authenticate(&pair.access_token).await,
        Err(AuthError::Revoked)
    ));
    assert!(matches!(
        s.auth
            .login(request("staff@example.com", PASSWORD), &ClientInfo::default())
            .await,
        Err(AuthError::InvalidCredentials)
    ));
    s.accounts
        .set_active(&Actor::system(), user.id, true)
        .await
        .unwrap();
    assert!(
        matches!(
            s.auth.authenticate(&pair.access_token).await,
            Err(AuthError::Revoked)
        ),
        "old sessions stay ended"
    );
    assert!(
        s.auth
            .login(request("staff@example.com", PASSWORD), &ClientInfo::default())
            .await
            .is_ok()
    );
}

infra::backend_tests!(
    wrong_password_and_unknown_account_look_alike,
    five_failures_lock_the_account_for_fifteen_minutes,
    login_opens_a_session_with_the_device,
    refresh_rotates_and_a_replay_ends_the_session,
    parallel_refreshes_within_the_grace_window_all_succeed,
    logout_is_seen_by_every_instance,
    a_revoked_session_is_refused_even_when_kv_lost_the_mark,
    disabling_a_user_ends_its_sessions,
);
