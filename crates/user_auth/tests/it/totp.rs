//! The TOTP second factor: set-up, two-step login, replay within a step, disable.

use infra::Infra;
use infra::testing::TestInfra;
use user_auth::{AuthError, ClientInfo, LoginStep, totp};

use crate::support::{PASSWORD, admin, login, request, services};

fn code_now(t: &TestInfra, secret: &str) -> String {
    let step = t.clock().now().timestamp().div_euclid(totp::STEP_SECS);
    totp::code_at(secret, step).unwrap()
}

async fn a_login_with_totp_takes_two_steps_and_codes_work_once(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let who = s
        .auth
        .authenticate(&login(&s, "root@example.com").await.access_token)
        .await
        .unwrap();
    let setup = s.auth.totp_setup(&who.actor).await.unwrap();
    assert!(setup.provisioning_uri.starts_with("otpauth://totp/"));
    let wrong = if code_now(&t, &setup.secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert!(matches!(
        s.auth.totp_confirm(&who.actor, wrong).await,
        Err(AuthError::InvalidTotp)
    ));
    s.auth
        .totp_confirm(&who.actor, &code_now(&t, &setup.secret))
        .await
        .unwrap();

    assert!(matches!(
        s.auth
            .login(request("root@example.com", PASSWORD), &ClientInfo::default())
            .await,
        Err(AuthError::SecondFactorRequired)
    ));
    t.clock().advance(chrono::Duration::seconds(totp::STEP_SECS));
    let LoginStep::SecondFactor {
        second_factor_token, ..
    } = s
        .auth
        .begin_login(request("root@example.com", PASSWORD), &ClientInfo::default())
        .await
        .unwrap()
    else {
        panic!("expected the second step");
    };
    assert!(
        matches!(
            s.auth.authenticate(&second_factor_token).await,
            Err(AuthError::InvalidToken)
        ),
        "not an access token"
    );
    let malformed = s
        .auth
        .login_totp(&second_factor_token, "12ab", &ClientInfo::default())
        .await
        .unwrap_err();
    assert_eq!(
        infra::DomainError::field_errors(&malformed)[0].field,
        "code",
        "a malformed code names its field"
    );
    let code = code_now(&t, &setup.secret);
    let pair = s
        .auth
        .login_totp(&second_factor_token, &code, &ClientInfo::default())
        .await
        .unwrap();
    assert!(s.auth.authenticate(&pair.access_token).await.is_ok());
    let replay = s
        .auth
        .login_totp(&second_factor_token, &code, &ClientInfo::default())
        .await;
    assert!(
        matches!(replay, Err(AuthError::InvalidTotp)),
        "the same code within its step is refused"
    );

    t.clock().advance(chrono::Duration::seconds(totp::STEP_SECS));
    s.auth
        .totp_disable(&who.actor, &code_now(&t, &setup.secret))
        .await
        .unwrap();
    assert!(
        s.auth
            .login(request("root@example.com", PASSWORD), &ClientInfo::default())
            .await
            .is_ok()
    );
}

async fn a_right_password_does_not_reset_second_factor_guesses(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    let who = s
        .auth
        .authenticate(&login(&s, "root@example.com").await.access_token)
        .await
        .unwrap();
    let setup = s.auth.totp_setup(&who.actor).await.unwrap();
    s.auth
        .totp_confirm(&who.actor, &code_now(&t, &setup.secret))
        .await
        .unwrap();
    let wrong = if code_now(&t, &setup.secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    // Each round: the right password, then a wrong code. The fifth wrong code locks.
    let mut locked = false;
    for _ in 0..6 {
        let step = s
            .auth
            .begin_login(request("root@example.com", PASSWORD), &ClientInfo::default())
            .await;
        let Ok(LoginStep::SecondFactor {
            second_factor_token, ..
        }) = step
        else {
            locked = matches!(step, Err(AuthError::Locked { .. }));
            break;
        };
        let guess = s
            .auth
            .login_totp(&second_factor_token, wrong, &ClientInfo::default())
            .await;
        if matches!(guess, Err(AuthError::Locked { .. })) {
            locked = true;
            break;
        }
    }
    assert!(locked, "guessing codes between password logins locks the account");
}

infra::backend_tests!(
    a_login_with_totp_takes_two_steps_and_codes_work_once,
    a_right_password_does_not_reset_second_factor_guesses
);
