//! Mobile one-time codes: the paths and the attacks, on both backends.

use std::sync::Arc;

use infra::testing::TestInfra;
use infra::{Actor, Infra};
use settings::users::CreateUser;
use user_auth::otp::CapturingSender;
use user_auth::{AuthConfig, AuthError, AuthService, ClientInfo, OtpLogin};

const MOBILE: &str = "+919876543210";

async fn setup(t: &TestInfra) -> (AuthService<infra::AppInfra>, CapturingSender) {
    let sender = CapturingSender::default();
    let auth = AuthService::start(t.infra().clone(), AuthConfig::default())
        .await
        .unwrap()
        .with_otp_sender(Arc::new(sender.clone()));
    (auth, sender)
}

async fn partner_user(t: &TestInfra) {
    let input = CreateUser {
        kind: "EXTERNAL".into(),
        mobile: Some("98765 43210".into()),
        full_name: "Ramesh Traders".into(),
        partner_id: Some(t.partner_row().await),
        ..CreateUser::default()
    };
    settings::users::UserService::new(t.infra().clone())
        .create(&Actor::system(), input, None)
        .await
        .unwrap();
}

fn client() -> ClientInfo {
    ClientInfo {
        ip: Some("198.51.100.4".into()),
        ..ClientInfo::default()
    }
}

async fn a_known_number_gets_a_session(t: TestInfra) {
    partner_user(&t).await;
    let (auth, sender) = setup(&t).await;
    auth.send_otp("9876543210", &client()).await.unwrap();
    let code = sender
        .last_code(MOBILE)
        .expect("a code went out through the sender");
    assert_eq!(code.len(), 6);
    match auth.verify_otp(MOBILE, &code, &client()).await.unwrap() {
        OtpLogin::Session {
            tokens,
            next_step,
            profile_complete,
        } => {
            assert_eq!((next_step, profile_complete), ("dashboard", true));
            let who = auth.authenticate(&tokens.access_token).await.unwrap();
            assert_eq!(who.actor.kind, infra::ActorKind::External);
        }
        other => panic!("expected a session, got {other:?}"),
    }
    assert!(
        matches!(
            auth.verify_otp(MOBILE, &code, &client()).await,
            Err(AuthError::InvalidOtp)
        ),
        "single use"
    );
}

async fn an_unknown_number_gets_an_onboarding_token_only(t: TestInfra) {
    let (auth, sender) = setup(&t).await;
    auth.send_otp("+14155550123", &client()).await.unwrap();
    let code = sender.last_code("+14155550123").unwrap();
    match auth.verify_otp("+14155550123", &code, &client()).await.unwrap() {
        OtpLogin::Onboarding {
            onboarding_token,
            next_step,
            profile_complete,
            ..
        } => {
            assert_eq!((next_step, profile_complete), ("start_onboarding", false));
            assert_eq!(
                auth.verify_onboarding(&onboarding_token).await.unwrap(),
                "+14155550123",
                "the token names the verified number"
            );
            assert!(
                matches!(
                    auth.authenticate(&onboarding_token).await,
                    Err(AuthError::InvalidToken)
                ),
                "not an access token"
            );
        }
        other => panic!("expected onboarding, got {other:?}"),
    }
}

/// Answers one application for one number, as the partners module does.
struct OneApplication(uuid::Uuid);

#[async_trait::async_trait]
impl user_auth::OnboardingLookup for OneApplication {
    async fn open_application(&self, mobile: &str) -> Result<Option<uuid::Uuid>, AuthError> {
        Ok((mobile == "+14155550123").then_some(self.0))
    }
}

async fn a_returning_applicant_continues_and_may_ask_again_at_once(t: TestInfra) {
    let (auth, sender) = setup(&t).await;
    let application = uuid::Uuid::now_v7();
    let auth = auth.with_onboarding_lookup(Arc::new(OneApplication(application)));
    auth.send_otp("+14155550123", &client()).await.unwrap();
    let code = sender.last_code("+14155550123").unwrap();
    let answer = auth.verify_otp("+14155550123", &code, &client()).await.unwrap();
    let json = serde_json::to_value(&answer).unwrap();
    assert_eq!(json["next_step"], "continue_onboarding");
    assert_eq!(json["application_id"], application.to_string());
    // The right code ended the cool-down: a new code goes out at once.
    auth.send_otp("+14155550123", &client()).await.unwrap();
    assert_eq!(sender.count(), 2);
    // That send starts a cool-down of its own.
    match auth.send_otp("+14155550123", &client()).await {
        Err(AuthError::TooManyCodes { .. }) => {}
        other => panic!("expected the cool-down, got {other:?}"),
    }
    let forged = auth.verify_onboarding("not.a.token").await;
    assert!(matches!(forged, Err(AuthError::InvalidToken)), "{forged:?}");
}

async fn three_wrong_tries_burn_the_code(t: TestInfra) {
    partner_user(&t).await;
    let (auth, sender) = setup(&t).await;
    auth.send_otp(MOBILE, &client()).await.unwrap();
    let code = sender.last_code(MOBILE).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..3 {
        assert!(matches!(
            auth.verify_otp(MOBILE, wrong, &client()).await,
            Err(AuthError::InvalidOtp)
        ));
    }
    assert!(
        matches!(
            auth.verify_otp(MOBILE, &code, &client()).await,
            Err(AuthError::InvalidOtp)
        ),
        "burned"
    );
}

async fn codes_expire_after_five_minutes(t: TestInfra) {
    partner_user(&t).await;
    let (auth, sender) = setup(&t).await;
    auth.send_otp(MOBILE, &client()).await.unwrap();
    let code = sender.last_code(MOBILE).unwrap();
    t.clock().advance(chrono::Duration::seconds(301));
    assert!(matches!(
        auth.verify_otp(MOBILE, &code, &client()).await,
        Err(AuthError::InvalidOtp)
    ));
}

async fn resends_wait_and_are_capped_per_hour(t: TestInfra) {
    let (auth, sender) = setup(&t).await;
    auth.send_otp(MOBILE, &client()).await.unwrap();
    match auth.send_otp(MOBILE, &client()).await {
        Err(AuthError::TooManyCodes { retry_after_secs }) => assert!((59..=60).contains(&retry_after_secs)),
        other => panic!("expected the cool-down, got {other:?}"),
    }
    for _ in 0..4 {
        t.clock().advance(chrono::Duration::seconds(61));
        auth.send_otp(MOBILE, &client()).await.unwrap();
    }
    t.clock().advance(chrono::Duration::seconds(61));
    assert!(
        matches!(
            auth.send_otp(MOBILE, &client()).await,
            Err(AuthError::TooManyCodes { .. })
        ),
        "6th send in the hour"
    );
    assert_eq!(sender.count(), 5);
    let bad = auth.send_otp("12345", &client()).await.unwrap_err();
    assert_eq!(infra::DomainError::field_errors(&bad)[0].field, "mobile");
}

async fn a_production_key_without_a_gateway_sends_nothing(t: TestInfra) {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let pem = ed25519_dalek::SigningKey::from_bytes(&[7; 32])
        .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .unwrap();
    let config = AuthConfig {
        signing: user_auth::SigningKeySource::Configured {
            kid: "prod-1".into(),
            private_pem: pem.to_string(),
            previous: Vec::new(),
        },
        ..AuthConfig::default()
    };
    let auth = AuthService::start(t.infra().clone(), config).await.unwrap();
    let refused = auth.send_otp(MOBILE, &ClientInfo::default()).await.unwrap_err();
    assert!(matches!(refused, AuthError::DeliveryUnavailable(_)), "{refused}");
    assert_eq!(infra::DomainError::code(&refused), "otp_delivery_unavailable");
}

infra::backend_tests!(
    a_production_key_without_a_gateway_sends_nothing,
    a_known_number_gets_a_session,
    an_unknown_number_gets_an_onboarding_token_only,
    a_returning_applicant_continues_and_may_ask_again_at_once,
    three_wrong_tries_burn_the_code,
    codes_expire_after_five_minutes,
    resends_wait_and_are_capped_per_hour,
);
