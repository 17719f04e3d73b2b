//! What other modules do when a session opens: [`LoginHook`], called inside
//! the transaction that opens the session (password or OTP), so its change
//! commits with the session or not at all. Modules above this one implement
//! it (partners activate an invited employee at its first login) and the
//! application wires it in with [`crate::AuthService::with_login_hook`].

use futures::future::BoxFuture;
use infra::ServiceError;
use infra::write::WriteTx;
use settings::users::entity::user;

/// Runs inside the transaction that opens a session for `user`.
pub trait LoginHook: Send + Sync + 'static {
    /// A session of `user` is being opened in `tx`; an error refuses the login.
    fn session_opened<'a>(
        &'a self,
        tx: &'a WriteTx,
        user: &'a user::Model,
    ) -> BoxFuture<'a, Result<(), ServiceError>>;
}
