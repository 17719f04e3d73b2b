//! User management: scopes, validation, versions, events and audit rows.

use infra::sea_orm::{EntityTrait, PaginatorTrait};
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, DomainError, ErrorKind, Infra, PageRequest};
use settings::SettingsError;
use settings::roles::RoleService;
use settings::users::{CreateUser, UpdateUser, User, UserFilter, UserService};
use uuid::Uuid;

use crate::organizations::organization;

fn manager(org: Uuid) -> Actor {
    let caps = ["USER_MANAGE", "USER_READ", "ROLE_READ"].map(str::to_owned);
    let mut actor = Actor::user(ActorKind::Internal, Uuid::now_v7(), caps);
    actor.organization_id = Some(org);
    actor
}

fn internal(email: &str, org: Uuid, roles: &[&str]) -> CreateUser {
    CreateUser {
        kind: "INTERNAL".into(),
        email: Some(email.into()),
        full_name: format!("User {email}"),
        organization_id: Some(org),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        ..CreateUser::default()
    }
}

async fn create(
    users: &UserService<infra::AppInfra>,
    actor: &Actor,
    input: CreateUser,
) -> Result<User, SettingsError> {
    users
        .create(actor, input, Some("$argon2id$stand-in".into()))
        .await
        .map(|w| w.value)
}

async fn rows(t: &TestInfra) -> (u64, u64) {
    (
        infra::outbox::entity::Entity::find().count(t.db()).await.unwrap(),
        infra::audit::entity::Entity::find().count(t.db()).await.unwrap(),
    )
}

async fn each_change_writes_one_event_and_one_audit_row(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let org = organization(&t, "Org").await.id;
    let base = rows(&t).await;
    let user = create(
        &users,
        &manager(org),
        internal("a@example.com", org, &["BACKOFFICE_STAFF"]),
    )
    .await
    .unwrap();
    assert_eq!(rows(&t).await, (base.0 + 1, base.1 + 1));
    let events = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    let event = events.iter().find(|e| e.topic == "user-events").unwrap();
    assert_eq!(
        (event.topic.as_str(), event.event_type.as_str()),
        ("user-events", "UserCreated")
    );
    assert_eq!(event.aggregate_id, user.id.to_string());
    let update = UpdateUser {
        full_name: Some("Renamed Person".into()),
        ..UpdateUser::default()
    };
    let updated = users
        .update(&manager(org), user.id, update, Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!(updated.version, 2);
    assert_eq!(rows(&t).await, (base.0 + 2, base.1 + 2));
    let events = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    let changes = &events
        .iter()
        .find(|e| e.event_type == "UserUpdated")
        .unwrap()
        .payload["changes"];
    assert_eq!(changes["full_name"]["new"], "Renamed Person");
    assert!(changes.get("email").is_none(), "only changed fields");
}

async fn a_stale_version_is_refused(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let org = organization(&t, "Org").await.id;
    let user = create(&users, &manager(org), internal("a@example.com", org, &[]))
        .await
        .unwrap();
    let rename = |n: &str| UpdateUser {
        full_name: Some(n.into()),
        ..UpdateUser::default()
    };
    users
        .update(&manager(org), user.id, rename("First Name"), Some(1))
        .await
        .unwrap();
    let err = users
        .update(&manager(org), user.id, rename("Second Name"), Some(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, SettingsError::StaleVersion { sent: 1, current: 2 }),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::PreconditionFailed);
}

async fn internal_managers_stay_in_their_organization(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let (mine, theirs) = (
        organization(&t, "Mine").await.id,
        organization(&t, "Theirs").await.id,
    );
    let colleague = create(&users, &manager(mine), internal("mine@example.com", mine, &[]))
        .await
        .unwrap();
    let other = create(
        &users,
        &Actor::system(),
        internal("theirs@example.com", theirs, &[]),
    )
    .await
    .unwrap();
    let refused = create(&users, &manager(mine), internal("x@example.com", theirs, &[]))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    assert!(matches!(
        users.get(&manager(mine), other.id).await,
        Err(SettingsError::NotFound(_))
    ));
    assert!(users.get(&manager(mine), colleague.id).await.is_ok());
    let page = users
        .list(&manager(mine), UserFilter::default(), PageRequest::default())
        .await
        .unwrap();
    let ids: Vec<Uuid> = page.items.iter().map(|u| u.id).collect();
    assert_eq!(ids, [colleague.id]);
    let rename = UpdateUser {
        full_name: Some("Not Yours".into()),
        ..UpdateUser::default()
    };
    assert_eq!(
        users
            .update(&manager(mine), other.id, rename, None)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Forbidden
    );
}

async fn emails_are_unique_and_roles_must_fit_the_kind(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let org = organization(&t, "Org").await.id;
    create(&users, &manager(org), internal("a@example.com", org, &[]))
        .await
        .unwrap();
    let dup = create(&users, &manager(org), internal("A@Example.com", org, &[]))
        .await
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);
    assert_eq!(dup.field_errors()[0].field, "email");
    let wrong = create(
        &users,
        &manager(org),
        internal(
            "b@example.com",
            org,
            &["BACKOFFICE_STAFF", "PARTNER_ADMIN", "NOPE"],
        ),
    )
    .await
    .unwrap_err();
    let fields: Vec<String> = wrong.field_errors().into_iter().map(|f| f.field).collect();
    assert_eq!(fields, ["roles[1]", "roles[2]"]);
    let admin_role = create(&users, &manager(org), internal("c@example.com", org, &[]))
        .await
        .unwrap();
    let err = users
        .assign_roles(&manager(org), admin_role.id, vec!["PLATFORM_ADMIN".into()])
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Forbidden,
        "only a SUPER_ADMIN gives PLATFORM_ADMIN"
    );
}

async fn lists_page_with_cursors(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let org = organization(&t, "Org").await.id;
    for i in 0..5 {
        create(
            &users,
            &Actor::system(),
            internal(&format!("u{i}@example.com"), org, &[]),
        )
        .await
        .unwrap();
    }
    let first = users
        .list(
            &manager(org),
            UserFilter::default(),
            PageRequest::parse(Some(2), None).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let mut seen: Vec<Uuid> = first.items.iter().map(|u| u.id).collect();
    let mut cursor = first.next_cursor;
    while let Some(c) = cursor {
        let page = users
            .list(
                &manager(org),
                UserFilter::default(),
                PageRequest::parse(Some(2), Some(&c)).unwrap(),
            )
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|u| u.id));
        cursor = page.next_cursor;
    }
    assert_eq!(seen.len(), 5);
    let filtered = UserFilter {
        q: Some("U3@".into()),
        ..UserFilter::default()
    };
    let found = users
        .list(&manager(org), filtered, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].email.as_deref(), Some("u3@example.com"));
}

async fn seeded_roles_are_listed(t: TestInfra) {
    let roles = RoleService::new(t.infra().clone())
        .list(&manager(Uuid::now_v7()))
        .await
        .unwrap();
    let codes: Vec<&str> = roles.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "BACKOFFICE_MANAGER",
            "BACKOFFICE_STAFF",
            "PARTNER_ADMIN",
            "PARTNER_EMPLOYEE",
            "PLATFORM_ADMIN"
        ]
    );
    let staff = roles.iter().find(|r| r.code == "BACKOFFICE_STAFF").unwrap();
    assert!(
        !staff.capabilities.contains(&"USER_MANAGE".to_owned()),
        "no user management"
    );
    let nobody = Actor::user(ActorKind::External, Uuid::now_v7(), []);
    assert!(RoleService::new(t.infra().clone()).list(&nobody).await.is_err());
}

async fn search_text_matches_wildcards_literally(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let org = organization(&t, "Org").await.id;
    for email in ["ann_lee@example.com", "annxlee@example.com", "bob@example.com"] {
        create(&users, &Actor::system(), internal(email, org, &[]))
            .await
            .unwrap();
    }
    let found = |q: &str| {
        let (users, q) = (users.clone(), q.to_owned());
        async move {
            let filter = UserFilter {
                q: Some(q),
                ..UserFilter::default()
            };
            let page = users
                .list(&manager(org), filter, PageRequest::default())
                .await
                .unwrap();
            let mut emails: Vec<String> = page.items.into_iter().filter_map(|u| u.email).collect();
            emails.sort();
            emails
        }
    };
    assert_eq!(
        found("ann_").await,
        ["ann_lee@example.com"],
        "_ is a character, not a wildcard"
    );
    assert!(found("%").await.is_empty(), "% is a character, not a wildcard");
    assert_eq!(found("ANN").await.len(), 2, "case-insensitive");
}

async fn partner_users_need_a_real_partner(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let external = |partner_id: Uuid| CreateUser {
        kind: "EXTERNAL".into(),
        mobile: Some("9876543210".into()),
        full_name: "Partner Person".into(),
        partner_id: Some(partner_id),
        ..CreateUser::default()
    };
    let err = users
        .create(&Actor::system(), external(Uuid::now_v7()), None)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(err.field_errors()[0].field, "partner_id");
    let partner = t.partner_row().await;
    let user = users
        .create(&Actor::system(), external(partner), None)
        .await
        .unwrap()
        .value;
    assert_eq!(user.partner_id, Some(partner));
    if t.db().get_database_backend() == infra::sea_orm::DbBackend::Postgres {
        let sql = format!(
            "UPDATE users SET partner_id = '{}' WHERE id = '{}'",
            Uuid::now_v7(),
            user.id
        );
        let refused = infra::sea_orm::ConnectionTrait::execute_unprepared(t.db(), &sql).await;
        assert!(refused.is_err(), "the foreign key refuses an invented partner");
    }
}

async fn partner_users_stay_within_the_employee_limit(t: TestInfra) {
    let users = UserService::new(t.infra().clone());
    let partner = t.partner_row().await;
    let external = |n: u32| CreateUser {
        kind: "EXTERNAL".into(),
        mobile: Some(format!("98765000{n:02}")),
        full_name: format!("Partner Person {n}"),
        partner_id: Some(partner),
        ..CreateUser::default()
    };
    for n in 0..3 {
        users.create(&Actor::system(), external(n), None).await.unwrap();
    }
    let err = users
        .create(&Actor::system(), external(3), None)
        .await
        .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "employee_limit"),
        "two besides the first admin"
    );
}

infra::backend_tests!(
    partner_users_stay_within_the_employee_limit,
    partner_users_need_a_real_partner,
    search_text_matches_wildcards_literally,
    each_change_writes_one_event_and_one_audit_row,
    a_stale_version_is_refused,
    internal_managers_stay_in_their_organization,
    emails_are_unique_and_roles_must_fit_the_kind,
    lists_page_with_cursors,
    seeded_roles_are_listed,
);
