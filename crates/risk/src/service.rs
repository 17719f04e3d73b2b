//! [`LedgerService`]: the exposure ledger, the performance record and the
//! exposure monitor over any [`Infra`], with the access rule they share:
//! staff reach every partner, a partner's own users only theirs (any other
//! is not found).

use infra::{Actor, Infra, ServiceError};
use uuid::Uuid;

/// The ledger, performance and monitor services.
#[derive(Clone)]
pub struct LedgerService<I: Infra> {
    pub(crate) infra: I,
}

impl<I: Infra> LedgerService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }
}

/// Whether `actor` reaches partner `id` (404 `partner` otherwise).
pub(crate) fn reach(actor: &Actor, id: Uuid) -> Result<(), ServiceError> {
    match actor.partner_id {
        Some(own) if own != id => Err(ServiceError::NotFound("partner")),
        _ => Ok(()),
    }
}
