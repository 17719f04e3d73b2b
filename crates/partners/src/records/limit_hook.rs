//! What other modules do when a partner's credit limit changes:
//! [`CreditLimitHook`], called inside the transaction that changes it, so
//! their change commits with the new limit or not at all. The risk module
//! implements it (the exposure band is recomputed against the new limit) and
//! the application wires it in with
//! [`PartnerService::with_credit_limit_hook`](super::PartnerService::with_credit_limit_hook).

use futures::future::BoxFuture;
use infra::ServiceError;
use infra::write::WriteTx;
use uuid::Uuid;

/// Runs inside the transaction that changes a partner's credit limit.
pub trait CreditLimitHook: Send + Sync + 'static {
    /// Partner `partner_id`'s credit limit moved from `old` to `new`
    /// (scaled INR, as stored) in `tx`; an error refuses the change.
    fn credit_limit_changed<'a>(
        &'a self,
        tx: &'a WriteTx,
        partner_id: Uuid,
        old: i64,
        new: i64,
    ) -> BoxFuture<'a, Result<(), ServiceError>>;
}
