//! Who acts on an application: staff (an [`Actor`] with capabilities), or
//! the applicant, known by the mobile number it verified.
//!
//! The applicant's credential is an onboarding token from an OTP verify of an
//! unknown number; issuing and checking that token is the HTTP layer's and
//! `user_auth`'s part. Once checked, the server calls the services with
//! [`Caller::Applicant`]: the actor of the request (anonymous, by client
//! address) and the verified mobile. An applicant works only the applications
//! started with its mobile and needs no capability; anything else is answered
//! as not found.

use infra::{Actor, ServiceError};
use settings::users::normalize_mobile;

use crate::entity::application;

/// The caller of an application operation.
#[derive(Clone, Debug)]
pub enum Caller<'a> {
    /// Staff or a system actor, checked by capability.
    Staff(&'a Actor),
    /// The applicant, by its verified mobile (`+919876543210`).
    Applicant {
        /// The request's actor (audit rows, idempotency scope).
        actor: &'a Actor,
        /// The verified mobile, normalized.
        mobile: String,
    },
}

impl<'a> Caller<'a> {
    /// Staff acting with `actor`'s capabilities.
    pub fn staff(actor: &'a Actor) -> Self {
        Self::Staff(actor)
    }

    /// The applicant holding `mobile` (normalized here), acting through `actor`.
    pub fn applicant(actor: &'a Actor, mobile: &str) -> Result<Self, ServiceError> {
        let mobile = normalize_mobile(mobile).map_err(|m| ServiceError::field("mobile", m))?;
        Ok(Self::Applicant { actor, mobile })
    }

    /// The actor of the request.
    pub fn actor(&self) -> &'a Actor {
        match self {
            Self::Staff(actor) | Self::Applicant { actor, .. } => actor,
        }
    }

    /// The applicant's mobile, when the applicant acts.
    pub fn mobile(&self) -> Option<&str> {
        match self {
            Self::Staff(_) => None,
            Self::Applicant { mobile, .. } => Some(mobile),
        }
    }

    /// Staff need `capability`; the applicant needs none here (see [`Caller::reach`]).
    pub fn require(&self, capability: &str) -> Result<(), ServiceError> {
        match self {
            Self::Staff(actor) => infra::service_error::require(actor, capability),
            Self::Applicant { .. } => Ok(()),
        }
    }

    /// What the caller reaches, owned, to carry into a write.
    pub fn scope(&self) -> Scope {
        Scope {
            mobile: self.mobile().map(str::to_owned),
        }
    }

    /// Whether the caller reaches `row` ([`Scope::reach`]).
    pub fn reach(&self, row: &application::Model) -> Result<(), ServiceError> {
        self.scope().reach(row)
    }
}

/// The applications a caller reaches: all (staff), or those of one mobile (the applicant).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// The applicant's mobile; none for staff.
    pub mobile: Option<String>,
}

impl Scope {
    /// Whether `row` is reached: staff always, the applicant only its own
    /// (answered 404 otherwise, revealing nothing).
    pub fn reach(&self, row: &application::Model) -> Result<(), ServiceError> {
        match self.mobile.as_deref() {
            Some(mobile) if mobile != row.contact_mobile => Err(ServiceError::NotFound("application")),
            _ => Ok(()),
        }
    }
}
