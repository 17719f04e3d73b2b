//! Who acts on an application: staff (an [`Actor`] with capabilities), a
//! partner's user (an EXTERNAL actor carrying its `partner_id`), or the
//! applicant, known by the mobile number it verified.
//!
//! The applicant's credential is an onboarding token from an OTP verify of an
//! unknown number; issuing and checking that token is the HTTP layer's and
//! `user_auth`'s part. Once checked, the server calls the services with
//! [`Caller::Applicant`]: the actor of the request (anonymous, by client
//! address) and the verified mobile. An applicant works only the applications
//! started with its mobile and needs no capability. A partner's user holds
//! capabilities like staff but reaches only the application its partner was
//! approved from (`partner_id` equal to its own). Anything else is answered
//! as not found (404), revealing nothing; documents and their files are
//! reached only through an application the caller reaches.

use infra::{Actor, ServiceError};
use settings::users::normalize_mobile;
use uuid::Uuid;

use crate::entity::application;

/// The caller of an application operation.
#[derive(Clone, Debug)]
pub enum Caller<'a> {
    /// Staff, a system actor or a partner's user, checked by capability (a
    /// partner's user is also limited to its own partner).
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
            partner_id: match self {
                Self::Staff(actor) => actor.partner_id,
                Self::Applicant { .. } => None,
            },
        }
    }

    /// Whether the caller reaches `row` ([`Scope::reach`]).
    pub fn reach(&self, row: &application::Model) -> Result<(), ServiceError> {
        self.scope().reach(row)
    }
}

/// The applications a caller reaches: all (staff), those of one mobile (the
/// applicant), or the one of its partner (a partner's user).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// The applicant's mobile; none for staff.
    pub mobile: Option<String>,
    /// The partner of a partner's user; none for staff and the applicant.
    pub partner_id: Option<Uuid>,
}

impl Scope {
    /// Whether `row` is reached: staff always, the applicant only those of its
    /// mobile, a partner's user only its partner's (answered 404 otherwise,
    /// revealing nothing).
    pub fn reach(&self, row: &application::Model) -> Result<(), ServiceError> {
        let mobile_ok = self.mobile.as_deref().is_none_or(|m| m == row.contact_mobile);
        let partner_ok = self.partner_id.is_none_or(|p| row.partner_id == Some(p));
        if mobile_ok && partner_ok {
            Ok(())
        } else {
            Err(ServiceError::NotFound("application"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_limit_by_mobile_and_partner() {
        let partner = Uuid::now_v7();
        let staff = Actor::system();
        let mut user = Actor::system();
        user.partner_id = Some(partner);
        assert_eq!(Caller::staff(&staff).scope(), Scope::default());
        assert_eq!(Caller::staff(&user).scope().partner_id, Some(partner));
        let applicant = Caller::applicant(&staff, "9876543210").unwrap();
        assert_eq!(applicant.scope().mobile.as_deref(), Some("+919876543210"));
        assert_eq!(applicant.scope().partner_id, None);
    }
}
