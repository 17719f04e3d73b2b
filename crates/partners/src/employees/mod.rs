//! A partner's employees: its EXTERNAL users, one concept over the `users`
//! rows (the login identity) and `partner_employees` (role, status, who
//! invited whom). An employee is invited (`POST /partners/{id}/employees`),
//! becomes active at its first OTP login ([`EmployeeActivation`], the login
//! hook `user_auth` calls), and is disabled or enabled, never deleted; its
//! role (admin: PARTNER_ADMIN, employee: PARTNER_EMPLOYEE) can change.
//!
//! A partner has at most `max_employees` (default 2, staff may raise it)
//! enabled users besides its first admin (the user created at approval);
//! the count is taken under the partner's row lock, so concurrent invites
//! never pass it, and over it is 409 `employee_limit` (an enable counts too).
//! The same rule holds for sub-users ([`SubUserService`]) and for
//! EXTERNAL users created through settings. A suspended partner's changes
//! are refused first (403 `partner_suspended`).
//!
//! Staff need PARTNER_MANAGE to change and PARTNER_READ to read; the
//! partner's own admin (PARTNER_ADMIN holds PARTNER_MANAGE) manages its own
//! partner only, any other is answered as not found.
//!
//! Events on [`crate::TOPIC`], aggregate `partner` (so the `partner:{id}`
//! channel carries them), the employee in the payload (`partner_id`,
//! `user_id`): PartnerEmployeeInvited, PartnerEmployeeActivated,
//! PartnerEmployeeRoleChanged, PartnerEmployeeDisabled, PartnerEmployeeEnabled.
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use partners::employees::{EmployeeService, NewEmployee};
//!
//! # async fn demo(partner_id: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let employees = EmployeeService::new(infra, user_auth::AuthConfig::default());
//! let input = NewEmployee { full_name: "Asha Patel".into(), mobile: "9876500001".into(),
//!     email: None, role: "employee".into() };
//! let invited = employees.invite(&Actor::system(), partner_id, input).await?;
//! println!("{} is {}", invited.value.full_name, invited.value.status);
//! # Ok(()) }
//! ```

mod activation;
pub mod entity;
mod limit;
mod manage;
mod model;
pub mod sub_users;

pub use activation::EmployeeActivation;
pub use limit::{ensure_room, used_slots};
pub(crate) use manage::first_admin as manage_first_admin;
pub(crate) use model::of_partner as model_of_partner;
pub use model::{Employee, NewEmployee, RoleChange};
pub use sub_users::{CreateSubUser, SubUserService};

use infra::change::Change;
use infra::{Actor, Infra, ServiceError};
use uuid::Uuid;

use crate::entity::partner;
use crate::{PARTNER_MANAGE, PARTNER_READ, TOPIC};

/// The role of an admin employee.
pub const ADMIN_ROLE: &str = "PARTNER_ADMIN";
/// The role of an employee.
pub const EMPLOYEE_ROLE: &str = "PARTNER_EMPLOYEE";
/// The audit resource of an employee.
const RESOURCE: &str = "partner_employee";

/// The user role of employee role `role` (`admin` or `employee`).
pub fn role_code(role: &str) -> Option<&'static str> {
    match role {
        "admin" => Some(ADMIN_ROLE),
        "employee" => Some(EMPLOYEE_ROLE),
        _ => None,
    }
}

/// A partner's employees over any [`Infra`].
#[derive(Clone)]
pub struct EmployeeService<I: Infra> {
    infra: I,
    config: user_auth::AuthConfig,
}

impl<I: Infra> EmployeeService<I> {
    /// A service over `infra`; `config` says how long session revocations last.
    pub fn new(infra: I, config: user_auth::AuthConfig) -> Self {
        Self { infra, config }
    }
}

/// Refuses a caller that may not read: staff need PARTNER_READ; a partner's
/// users read their own partner's employees without it.
fn require_read(actor: &Actor) -> Result<(), ServiceError> {
    if actor.partner_id.is_some() {
        return Ok(());
    }
    infra::service_error::require(actor, PARTNER_READ)
}

/// Refuses a caller that may not change employees (PARTNER_MANAGE).
fn require_manage(actor: &Actor) -> Result<(), ServiceError> {
    infra::service_error::require(actor, PARTNER_MANAGE)
}

/// Refuses every change of a suspended partner (403 `partner_suspended`).
pub(crate) fn not_suspended(partner: &partner::Model) -> Result<(), ServiceError> {
    if partner.status == "suspended" {
        return Err(ServiceError::refused(
            "partner_suspended",
            "the partner is suspended; its changes are refused until it is reactivated",
        ));
    }
    Ok(())
}

/// The change `event` of employee `user` of `partner`: the partner's
/// aggregate and version, the audit row on the employee.
fn change<'a>(event: &'a str, action: &'a str, partner: &partner::Model, user: Uuid) -> Change<'a> {
    Change::new(TOPIC, event, action, "partner", partner.id, partner.version).on(RESOURCE, user)
}

/// The kit's error for an error of `user_auth` (its sessions).
pub(crate) fn service_error(e: user_auth::AuthError) -> ServiceError {
    match e {
        user_auth::AuthError::Service(e) => e,
        user_auth::AuthError::Infra(e) => ServiceError::Infra(e),
        _ => ServiceError::Infra(infra::InfraError::Invariant("sessions refused a change")),
    }
}
