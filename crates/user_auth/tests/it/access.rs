//! Capabilities: roles, direct grants with expiry, and the user kind rule.

use infra::testing::TestInfra;
use infra::{DomainError, ErrorKind, Infra};
use settings::users::{GrantCapability, UserService};

use crate::support::{admin, login, services, staff};

async fn a_role_without_a_capability_is_forbidden(t: TestInfra) {
    let s = services(&t).await;
    admin(&s, "root@example.com").await;
    staff(&s, "staff@example.com", &["BACKOFFICE_STAFF"]).await;
    let pair = login(&s, "staff@example.com").await;
    let who = s.auth.authenticate(&pair.access_token).await.unwrap();
    assert!(who.actor.can("USER_READ"));
    assert!(!who.actor.can("USER_MANAGE"));
    let input = settings::users::CreateUser {
        kind: "EXTERNAL".into(),
        mobile: Some("+919876543210".into()),
        full_name: "Partner Person".into(),
        partner_id: Some(t.partner_row().await),
        ..Default::default()
    };
    let err = s.accounts.create_user(&who.actor, input).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(err.code(), "capability_missing");
}

async fn a_direct_grant_ends_at_its_expiry(t: TestInfra) {
    let s = services(&t).await;
    let root = admin(&s, "root@example.com").await;
    let user = staff(&s, "staff@example.com", &["BACKOFFICE_STAFF"]).await;
    let root_who = s
        .auth
        .authenticate(&login(&s, "root@example.com").await.access_token)
        .await
        .unwrap();
    assert_eq!(root_who.actor.user_id, Some(root.id));
    let users = UserService::new(t.infra().clone());
    let grant = GrantCapability {
        capability: "USER_MANAGE".into(),
        expires_at: Some(t.clock().now() + chrono::Duration::hours(1)),
    };
    let granted = users
        .grant_capability(&root_who.actor, user.id, grant)
        .await
        .unwrap()
        .value;
    assert_eq!(granted.capabilities[0].capability, "USER_MANAGE");
    let pair = login(&s, "staff@example.com").await;
    assert!(
        s.auth
            .authenticate(&pair.access_token)
            .await
            .unwrap()
            .actor
            .can("USER_MANAGE")
    );
    t.clock().advance(chrono::Duration::minutes(61));
    let later = s
        .auth
        .refresh(&pair.refresh_token, &Default::default())
        .await
        .unwrap();
    assert!(
        !s.auth
            .authenticate(&later.access_token)
            .await
            .unwrap()
            .actor
            .can("USER_MANAGE"),
        "expired grant"
    );
}

async fn the_database_enforces_the_user_kind_rule(t: TestInfra) {
    use infra::sea_orm::{ActiveModelTrait, Set};
    let now = t.clock().now();
    let bad = settings::users::entity::user::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        kind: Set("INTERNAL".into()),
        email: Set(Some("x@example.com".into())),
        mobile: Set(None),
        full_name: Set("No Organization".into()),
        password_hash: Set(None),
        organization_id: Set(None),
        partner_id: Set(None),
        is_active: Set(true),
        parent_user_id: Set(None),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    assert!(
        bad.insert(t.db()).await.is_err(),
        "an INTERNAL user without an organization is refused by the database"
    );
}

async fn validation_names_every_field(t: TestInfra) {
    let s = services(&t).await;
    let input = settings::users::CreateUser {
        kind: "INTERNAL".into(),
        email: Some("not-an-email".into()),
        password: Some("short".into()),
        full_name: "X".into(),
        roles: vec!["NO_SUCH_ROLE".into()],
        ..Default::default()
    };
    let err = s
        .accounts
        .create_user(&infra::Actor::system(), input)
        .await
        .unwrap_err();
    let fields: Vec<String> = err.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        ["password"],
        "the password policy is checked first, before hashing"
    );
    let input = settings::users::CreateUser {
        kind: "INTERNAL".into(),
        email: Some("not-an-email".into()),
        password: Some("long enough secret".into()),
        full_name: "X".into(),
        roles: vec!["NO_SUCH_ROLE".into()],
        ..Default::default()
    };
    let err = s
        .accounts
        .create_user(&infra::Actor::system(), input)
        .await
        .unwrap_err();
    let fields: Vec<String> = err.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["full_name", "email", "organization_id"]);
}

infra::backend_tests!(
    a_role_without_a_capability_is_forbidden,
    a_direct_grant_ends_at_its_expiry,
    the_database_enforces_the_user_kind_rule,
    validation_names_every_field,
);
