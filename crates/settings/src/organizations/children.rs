//! The organization as a parent of children (GST registrations, bank
//! accounts, financial years, document series), served by the kit's generic
//! [`infra::children::ChildService`]: ORG_READ reads them, ORG_UPDATE changes
//! them, INTERNAL users reach only their own organization's, and a change locks
//! the organization's row so changes to one organization's children run one
//! at a time.

use infra::children::Parent;
use infra::{Actor, ServiceError};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::access::{check_scope, live};
use super::entity::organization;
use super::{ORG_READ, ORG_UPDATE, TOPIC};

pub use infra::children::{Child, ChildService};

/// The parent of organization children.
pub struct OrganizationParent;

impl Parent for OrganizationParent {
    const AGGREGATE: &'static str = "organization";
    const TOPIC: &'static str = TOPIC;
    const COLUMN: &'static str = "organization_id";
    const READ: &'static str = ORG_READ;
    const UPDATE: &'static str = ORG_UPDATE;
    type Model = organization::Model;

    fn id(parent: &organization::Model) -> Uuid {
        parent.id
    }

    fn version(parent: &organization::Model) -> i64 {
        parent.version
    }

    async fn load<C: ConnectionTrait + Sync>(
        db: &C,
        actor: &Actor,
        id: Uuid,
        lock: bool,
    ) -> Result<organization::Model, ServiceError> {
        check_scope(actor, id)?;
        live(db, id, lock).await
    }
}

/// Whether `org_id` has no child of table `E` yet (its first one gets the flag).
pub(crate) async fn is_first<E: sea_orm::EntityTrait, D: ConnectionTrait>(
    db: &D,
    org_id: Uuid,
) -> Result<bool, ServiceError> {
    infra::rows::is_first::<E, D>(db, OrganizationParent::COLUMN, org_id).await
}

/// Clears boolean column `flag` on every other child of the organization, so
/// at most one holds it (one primary GSTIN, one default account).
pub(crate) async fn clear_flag<E: sea_orm::EntityTrait>(
    tx: &infra::write::WriteTx,
    org_id: Uuid,
    keep: Uuid,
    flag: &'static str,
) -> Result<(), ServiceError> {
    infra::rows::clear_flag::<E>(tx, OrganizationParent::COLUMN, org_id, keep, flag).await
}
