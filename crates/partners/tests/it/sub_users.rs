//! Sub-users: the employee limit, who may act on whom, and ended sessions.

use std::sync::Arc;

use infra::testing::TestInfra;
use infra::{Actor, DomainError, ErrorKind, Infra};
use partners::employees::{CreateSubUser, EmployeeActivation, SubUserService};
use settings::users::CreateUser;
use user_auth::otp::CapturingSender;
use user_auth::{AuthConfig, AuthError, AuthService, ClientInfo, OtpLogin};

struct Partner {
    auth: AuthService<infra::AppInfra>,
    sender: CapturingSender,
    subs: SubUserService<infra::AppInfra>,
}

async fn setup(t: &TestInfra) -> Partner {
    let sender = CapturingSender::default();
    let auth = AuthService::start(t.infra().clone(), AuthConfig::default())
        .await
        .unwrap()
        .with_otp_sender(Arc::new(sender.clone()))
        .with_login_hook(Arc::new(EmployeeActivation));
    Partner {
        auth,
        sender,
        subs: SubUserService::new(t.infra().clone(), AuthConfig::default()),
    }
}

/// Logs `mobile` in by OTP and answers the caller.
async fn otp_login(p: &Partner, mobile: &str) -> user_auth::Authenticated {
    p.auth.authenticate(&otp_token(p, mobile).await).await.unwrap()
}

/// Logs `mobile` in by OTP and answers the access token.
async fn otp_token(p: &Partner, mobile: &str) -> String {
    p.auth.send_otp(mobile, &ClientInfo::default()).await.unwrap();
    let code = p.sender.last_code(mobile).unwrap();
    match p
        .auth
        .verify_otp(mobile, &code, &ClientInfo::default())
        .await
        .unwrap()
    {
        OtpLogin::Session { tokens, .. } => tokens.access_token,
        other => panic!("expected a session, got {other:?}"),
    }
}

async fn partner_user(t: &TestInfra, mobile: &str) {
    let input = CreateUser {
        kind: "EXTERNAL".into(),
        mobile: Some(mobile.into()),
        full_name: "Ramesh Traders".into(),
        partner_id: Some(t.partner_row().await),
        ..CreateUser::default()
    };
    settings::users::UserService::new(t.infra().clone())
        .create(&Actor::system(), input, None)
        .await
        .unwrap();
}

fn sub(mobile: &str) -> CreateSubUser {
    CreateSubUser {
        mobile: mobile.into(),
        full_name: "Field Person".into(),
    }
}

async fn a_parent_has_at_most_two_who_log_in_by_otp(t: TestInfra) {
    partner_user(&t, "+919800000001").await;
    let p = setup(&t).await;
    let parent = otp_login(&p, "+919800000001").await;
    let first = p.subs.create(&parent.actor, sub("+919800000002")).await.unwrap();
    assert_eq!(first.partner_id, parent.actor.partner_id, "inherits the partner");
    assert_eq!(first.roles, ["PARTNER_EMPLOYEE"]);
    p.subs.create(&parent.actor, sub("+919800000003")).await.unwrap();
    let third = p
        .subs
        .create(&parent.actor, sub("+919800000004"))
        .await
        .unwrap_err();
    assert_eq!(third.code(), "employee_limit");
    assert_eq!(p.subs.list(&parent.actor).await.unwrap().len(), 2);
    let child = otp_login(&p, "+919800000002").await;
    let refused = p
        .subs
        .create(&child.actor, sub("+919800000005"))
        .await
        .unwrap_err();
    assert_eq!(
        refused.kind(),
        ErrorKind::Forbidden,
        "a sub-user cannot create sub-users"
    );
}

async fn a_disabled_sub_user_loses_its_open_session(t: TestInfra) {
    partner_user(&t, "+919800000001").await;
    partner_user(&t, "+919800000009").await;
    let p = setup(&t).await;
    let parent = otp_login(&p, "+919800000001").await;
    let stranger = otp_login(&p, "+919800000009").await;
    let child = p.subs.create(&parent.actor, sub("+919800000002")).await.unwrap();
    let token = otp_token(&p, "+919800000002").await;
    assert!(p.auth.authenticate(&token).await.is_ok());
    let not_theirs = p
        .subs
        .set_active(&stranger.actor, child.id, false)
        .await
        .unwrap_err();
    assert_eq!(
        not_theirs.kind(),
        ErrorKind::NotFound,
        "another parent's sub-user is not found"
    );
    p.subs.set_active(&parent.actor, child.id, false).await.unwrap();
    assert!(matches!(
        p.auth.authenticate(&token).await,
        Err(AuthError::Revoked)
    ));
    p.subs.set_active(&parent.actor, child.id, true).await.unwrap();
    t.clock().advance(chrono::Duration::seconds(61)); // past the resend cool-down
    let again = otp_token(&p, "+919800000002").await;
    assert!(p.auth.authenticate(&again).await.is_ok());
    p.subs.delete(&parent.actor, child.id).await.unwrap();
    assert!(matches!(
        p.auth.authenticate(&again).await,
        Err(AuthError::Revoked)
    ));
    assert!(p.subs.list(&parent.actor).await.unwrap().is_empty());
    let kept = settings::users::find(t.db(), child.id).await.unwrap().unwrap();
    assert!(!kept.is_active, "removed means disabled, never deleted");
    assert_eq!(kept.parent_user_id, None);
}

infra::backend_tests!(
    a_parent_has_at_most_two_who_log_in_by_otp,
    a_disabled_sub_user_loses_its_open_session
);
