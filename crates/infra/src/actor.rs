//! The caller of a service method: who acts, for which organization or partner,
//! with which capabilities, within which request.

use std::collections::BTreeSet;

use uuid::Uuid;

use crate::idempotency::IdempotencyKey;

/// What kind of principal acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActorKind {
    /// Jobs, consumers and the relay acting on their own.
    System,
    /// An unauthenticated caller, known only by its address.
    Anonymous,
    /// A platform administrator: no organization, no partner, every capability.
    SuperAdmin,
    /// Back-office staff of an organization.
    Internal,
    /// A business partner's person.
    External,
}

impl ActorKind {
    /// The upper snake case name stored in audit rows and tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::System => "SYSTEM",
            ActorKind::Anonymous => "ANONYMOUS",
            ActorKind::SuperAdmin => "SUPER_ADMIN",
            ActorKind::Internal => "INTERNAL",
            ActorKind::External => "EXTERNAL",
        }
    }
}

/// The caller of a service method. Services check authorization against it, so a
/// library caller gets the same checks as an HTTP caller.
#[derive(Clone, Debug)]
pub struct Actor {
    /// The principal's kind.
    pub kind: ActorKind,
    /// The user, for authenticated callers.
    pub user_id: Option<Uuid>,
    /// The organization of an INTERNAL user.
    pub organization_id: Option<Uuid>,
    /// The business partner of an EXTERNAL user.
    pub partner_id: Option<Uuid>,
    /// Capability codes in force (upper snake case).
    pub capabilities: BTreeSet<String>,
    /// The session the request belongs to.
    pub session_id: Option<Uuid>,
    /// The request id, carried into audit rows, events and logs.
    pub request_id: Option<String>,
    /// The client address, which scopes idempotency keys of anonymous callers.
    pub client_addr: Option<String>,
    /// The idempotency key of the request, if it carried one.
    pub idempotency: Option<IdempotencyKey>,
    /// The verified mobile of an applicant (an onboarding token, no user yet),
    /// which scopes its idempotency keys.
    pub mobile: Option<String>,
}

impl Actor {
    /// The platform itself, for jobs and consumers: every capability.
    pub fn system() -> Self {
        Self::base(ActorKind::System)
    }

    /// An unauthenticated caller at `client_addr`.
    pub fn anonymous(client_addr: impl Into<String>) -> Self {
        Self {
            client_addr: Some(client_addr.into()),
            ..Self::base(ActorKind::Anonymous)
        }
    }

    /// An applicant without a user yet, known by the `mobile` it verified
    /// (normalized, `+919876543210`), calling from `client_addr`.
    pub fn applicant(mobile: impl Into<String>, client_addr: Option<String>) -> Self {
        Self {
            mobile: Some(mobile.into()),
            client_addr,
            ..Self::base(ActorKind::Anonymous)
        }
    }

    /// An authenticated user of `kind` with the given capabilities.
    pub fn user(kind: ActorKind, user_id: Uuid, capabilities: impl IntoIterator<Item = String>) -> Self {
        Self {
            user_id: Some(user_id),
            capabilities: capabilities.into_iter().collect(),
            ..Self::base(kind)
        }
    }

    fn base(kind: ActorKind) -> Self {
        Self {
            kind,
            user_id: None,
            organization_id: None,
            partner_id: None,
            capabilities: BTreeSet::new(),
            session_id: None,
            request_id: None,
            client_addr: None,
            idempotency: None,
            mobile: None,
        }
    }

    /// The same actor acting within request `request_id`.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// The same actor carrying an idempotency key for its next write.
    pub fn with_idempotency(mut self, key: IdempotencyKey) -> Self {
        self.idempotency = Some(key);
        self
    }

    /// Whether the actor holds `capability`; SYSTEM and SUPER_ADMIN hold all.
    pub fn can(&self, capability: &str) -> bool {
        matches!(self.kind, ActorKind::System | ActorKind::SuperAdmin)
            || self.capabilities.contains(capability)
    }

    /// Who owns idempotency keys sent by this actor: the user, else the
    /// applicant's mobile, else the client address, so two callers never collide.
    pub fn idempotency_scope(&self) -> String {
        match (self.user_id, &self.mobile, &self.client_addr) {
            (Some(user), _, _) => format!("user:{user}"),
            (None, Some(mobile), _) => format!("mobile:{mobile}"),
            (None, None, Some(addr)) => format!("addr:{addr}"),
            (None, None, None) => "system".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_and_scopes() {
        let id = Uuid::now_v7();
        let staff = Actor::user(ActorKind::Internal, id, ["ORG_CREATE".to_owned()]);
        assert!(staff.can("ORG_CREATE"));
        assert!(!staff.can("ORG_UPDATE"));
        assert!(Actor::system().can("ANYTHING"));
        assert_eq!(staff.idempotency_scope(), format!("user:{id}"));
        let applicant = Actor::applicant("+919876543210", Some("10.0.0.1".into()));
        assert_eq!(applicant.idempotency_scope(), "mobile:+919876543210");
        assert!(!applicant.can("PARTNER_READ"));
        assert_eq!(Actor::anonymous("10.0.0.1").idempotency_scope(), "addr:10.0.0.1");
    }
}
