//! Shared set-up: services over a test infrastructure and seeded users.

use infra::testing::TestInfra;
use infra::{Actor, AppInfra};
use settings::users::{CreateUser, User};
use user_auth::{AccountService, AuthConfig, AuthService, ClientInfo, LoginRequest, TokenPair};

pub const PASSWORD: &str = "correct horse battery";

pub struct Auth {
    pub infra: AppInfra,
    pub auth: AuthService<AppInfra>,
    pub accounts: AccountService<AppInfra>,
}

pub async fn services(t: &TestInfra) -> Auth {
    let config = AuthConfig::default();
    Auth {
        infra: t.infra().clone(),
        auth: AuthService::start(t.infra().clone(), config.clone())
            .await
            .unwrap(),
        accounts: AccountService::new(t.infra().clone(), config),
    }
}

pub async fn admin(s: &Auth, email: &str) -> User {
    s.accounts
        .create_super_admin(email, PASSWORD, "Admin")
        .await
        .unwrap()
}

/// An INTERNAL user of a fresh organization with `roles`, created by the system.
pub async fn staff(s: &Auth, email: &str, roles: &[&str]) -> User {
    let orgs = settings::organizations::OrganizationService::new(s.infra.clone());
    let org = settings::organizations::CreateOrganization {
        name: format!("Organization of {email}"),
        legal_name: "Organization Private Limited".into(),
        ..Default::default()
    };
    let org = orgs.create(&Actor::system(), org).await.unwrap().value;
    let input = CreateUser {
        kind: "INTERNAL".into(),
        email: Some(email.into()),
        password: Some(PASSWORD.into()),
        full_name: "Staff Member".into(),
        organization_id: Some(org.id),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        ..CreateUser::default()
    };
    s.accounts
        .create_user(&Actor::system(), input)
        .await
        .unwrap()
        .value
}

pub async fn login(s: &Auth, email: &str) -> TokenPair {
    s.auth
        .login(request(email, PASSWORD), &ClientInfo::default())
        .await
        .unwrap()
}

pub fn request(email: &str, password: &str) -> LoginRequest {
    LoginRequest {
        email: email.into(),
        password: password.into(),
    }
}
