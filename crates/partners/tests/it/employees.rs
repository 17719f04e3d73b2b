//! Employees: the limit (also under concurrent invites on PostgreSQL), the
//! first OTP login activating, disabling and enabling, roles, reach across
//! partners, a suspended partner refused first, their events, and the
//! partner's own view (`/partners/me`).

use std::sync::Arc;

use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, AppInfra, DomainError, ErrorKind, Infra};
use partners::PartnerService;
use partners::employees::{EmployeeActivation, EmployeeService, NewEmployee, RoleChange};
use partners::me::MeService;
use user_auth::otp::CapturingSender;
use user_auth::{AuthConfig, AuthError, AuthService, ClientInfo, OtpLogin};
use uuid::Uuid;

use crate::records::approved;
use crate::support::{fields, manager, mobile};

fn employees(t: &TestInfra) -> EmployeeService<AppInfra> {
    EmployeeService::new(t.infra().clone(), AuthConfig::default())
}

fn admin_of(partner: Uuid) -> Actor {
    let mut actor = Actor::user(ActorKind::External, Uuid::now_v7(), ["PARTNER_MANAGE".to_owned()]);
    actor.partner_id = Some(partner);
    actor
}

fn person(n: u32, role: &str) -> NewEmployee {
    NewEmployee {
        full_name: format!("Employee {n}"),
        mobile: mobile(500 + n),
        email: None,
        role: role.into(),
    }
}

async fn events(t: &TestInfra, partner: Uuid) -> Vec<String> {
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .filter(|e| e.aggregate_id == partner.to_string() && e.event_type.starts_with("PartnerEmployee"))
        .map(|e| e.event_type)
        .collect()
}

async fn the_limit_roles_reach_and_suspension(t: TestInfra) {
    let seller = approved(&t, 1).await;
    let other = approved(&t, 2).await;
    let service = employees(&t);
    let own = admin_of(seller.id);
    let bad = service
        .invite(
            &own,
            seller.id,
            NewEmployee {
                role: "boss".into(),
                mobile: "12".into(),
                ..person(0, "x")
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&bad), ["mobile", "role"]);
    let one = service
        .invite(&own, seller.id, person(1, "employee"))
        .await
        .unwrap()
        .value;
    assert_eq!((one.status.as_str(), one.role.as_str()), ("invited", "employee"));
    let two = service
        .invite(&own, seller.id, person(2, "admin"))
        .await
        .unwrap()
        .value;
    let third = service
        .invite(&own, seller.id, person(3, "employee"))
        .await
        .unwrap_err();
    assert_eq!(
        (third.kind(), third.code()),
        (ErrorKind::Conflict, "employee_limit")
    );
    let listed = service.list(&own, seller.id).await.unwrap();
    assert_eq!(listed.len(), 3, "the first admin and two employees");
    assert!(listed[0].first_admin && listed[0].role == "admin");

    let stranger = service
        .invite(&admin_of(other.id), seller.id, person(4, "employee"))
        .await;
    assert_eq!(stranger.unwrap_err().kind(), ErrorKind::NotFound);

    let demoted = service
        .set_role(
            &own,
            seller.id,
            two.user_id,
            RoleChange {
                role: "employee".into(),
            },
            Some(1),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(demoted.role, "employee");
    let first = listed[0].user_id;
    let refused = service
        .set_role(
            &manager(),
            seller.id,
            first,
            RoleChange {
                role: "employee".into(),
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "first_admin");

    let off = service.disable(&own, seller.id, one.user_id).await.unwrap().value;
    assert_eq!(off.status, "disabled");
    service
        .invite(&own, seller.id, person(3, "employee"))
        .await
        .unwrap();
    let back = service.enable(&own, seller.id, one.user_id).await.unwrap_err();
    assert_eq!(
        back.code(),
        "employee_limit",
        "an enable counts against the limit too"
    );

    let staff = manager();
    PartnerService::new(t.infra().clone())
        .suspend(&staff, seller.id, "unpaid invoices".into())
        .await
        .unwrap();
    let suspended = service
        .invite(&staff, seller.id, person(1, ""))
        .await
        .unwrap_err();
    assert_eq!(suspended.code(), "partner_suspended", "before any other rule");
    assert_eq!(
        events(&t, seller.id).await,
        [
            "PartnerEmployeeInvited",
            "PartnerEmployeeInvited",
            "PartnerEmployeeRoleChanged",
            "PartnerEmployeeDisabled",
            "PartnerEmployeeInvited"
        ]
    );
}

async fn the_first_login_activates_and_disabling_ends_logins(t: TestInfra) {
    let seller = approved(&t, 1).await;
    let sender = CapturingSender::default();
    let auth = AuthService::start(t.infra().clone(), AuthConfig::default())
        .await
        .unwrap()
        .with_otp_sender(Arc::new(sender.clone()))
        .with_login_hook(Arc::new(EmployeeActivation));
    let service = employees(&t);
    let own = admin_of(seller.id);
    let one = service
        .invite(&own, seller.id, person(1, "employee"))
        .await
        .unwrap()
        .value;
    let number = one.mobile.clone().unwrap();
    let login = |n: &str| {
        let (auth, sender, n) = (auth.clone(), sender.clone(), n.to_owned());
        async move {
            auth.send_otp(&n, &ClientInfo::default()).await.unwrap();
            let code = sender.last_code(&n).unwrap();
            auth.verify_otp(&n, &code, &ClientInfo::default()).await
        }
    };
    let first = login(&number).await.unwrap();
    let OtpLogin::Session { tokens, .. } = first else {
        panic!("a session")
    };
    let listed = service.list(&own, seller.id).await.unwrap();
    let me = listed.iter().find(|e| e.user_id == one.user_id).unwrap();
    assert_eq!(me.status, "active");
    assert!(me.activated_at.is_some());
    t.clock().advance(chrono::Duration::seconds(61));
    login(&number).await.unwrap();
    assert_eq!(
        events(&t, seller.id).await,
        ["PartnerEmployeeInvited", "PartnerEmployeeActivated"]
    );

    service.disable(&own, seller.id, one.user_id).await.unwrap();
    assert!(matches!(
        auth.authenticate(&tokens.access_token).await,
        Err(AuthError::Revoked)
    ));
    t.clock().advance(chrono::Duration::seconds(61));
    let refused = login(&number).await.unwrap_err();
    assert!(
        matches!(refused, AuthError::InvalidOtp),
        "a disabled employee cannot log in"
    );
}

async fn the_partner_s_own_view(t: TestInfra) {
    let seller = approved(&t, 1).await;
    let service = employees(&t);
    service
        .invite(&admin_of(seller.id), seller.id, person(1, "employee"))
        .await
        .unwrap();
    let me = MeService::new(t.infra().clone());
    let mut user = Actor::user(ActorKind::External, Uuid::now_v7(), []);
    user.partner_id = Some(seller.id);
    let view = me.view(&user).await.unwrap();
    assert_eq!(view.partner.id, seller.id);
    assert_eq!(view.capabilities, seller.capabilities);
    assert_eq!(view.kyc.status, "verified");
    assert!(view.kyc.days_left.unwrap() >= 364);
    assert_eq!(view.employees.len(), 2);
    assert_eq!(view.locations.len(), 1, "the principal place");
    assert!(view.pending_amendments.is_empty());
    let staff = me.view(&manager()).await.unwrap_err();
    assert_eq!(
        (staff.kind(), staff.code()),
        (ErrorKind::Forbidden, "not_a_partner_user")
    );
}

async fn ten_concurrent_invites_never_pass_the_limit(t: TestInfra) {
    let seller = approved(&t, 1).await;
    let service = employees(&t);
    let own = admin_of(seller.id);
    let mut tasks = Vec::new();
    for n in 0..10 {
        let (service, own) = (service.clone(), own.clone());
        tasks.push(tokio::spawn(async move {
            service.invite(&own, seller.id, person(n, "employee")).await
        }));
    }
    let mut invited = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => invited += 1,
            Err(e) => assert_eq!(e.code(), "employee_limit"),
        }
    }
    assert_eq!(invited, 2);
    assert_eq!(
        partners::employees::used_slots(t.db(), seller.id).await.unwrap(),
        2
    );
}

infra::backend_tests!(
    the_limit_roles_reach_and_suspension,
    the_first_login_activates_and_disabling_ends_logins,
    the_partner_s_own_view
);
infra::postgres_tests!(ten_concurrent_invites_never_pass_the_limit);
