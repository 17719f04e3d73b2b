//! Party links (insider trading): whether two partners are linked — the same
//! entity, master and branch, two branches of one master, one corporate
//! group, or a shared GSTIN or PAN — with every reason, for many pairs with
//! one query.
//!
//! ```no_run
//! # async fn demo(db: &infra::sea_orm::DatabaseConnection, buyer: uuid::Uuid, seller: uuid::Uuid) -> Result<(), infra::ServiceError> {
//! let answers = partners::links::links(db, &[(buyer, seller)]).await?;
//! if answers[0].is_linked() {
//!     println!("refused: {:?}", answers[0].reasons);
//! }
//! # Ok(()) }
//! ```

use std::collections::{BTreeSet, HashMap};

use infra::ServiceError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::partner;

/// Why two partners are linked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkReason {
    /// The same partner.
    SameEntity,
    /// One is the other's master partner.
    MasterAndBranch,
    /// Both are branches of one master.
    BranchesOfOneMaster,
    /// Both belong to one corporate group.
    CorporateGroup,
    /// Both hold one GSTIN.
    SharedGstin,
    /// Both hold one PAN.
    SharedPan,
}

/// The answer for one pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The first partner of the pair.
    pub a: Uuid,
    /// The second partner of the pair.
    pub b: Uuid,
    /// Every reason they are linked; empty when they are not.
    pub reasons: Vec<LinkReason>,
}

impl Link {
    /// Whether any reason links them.
    pub fn is_linked(&self) -> bool {
        !self.reasons.is_empty()
    }
}

fn same<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x == y)
}

/// Every reason partners `a` and `b` are linked (pure).
pub fn reasons(a: &partner::Model, b: &partner::Model) -> Vec<LinkReason> {
    let mut found = BTreeSet::new();
    if a.id == b.id {
        found.insert(LinkReason::SameEntity);
    }
    if a.master_partner_id == Some(b.id) || b.master_partner_id == Some(a.id) {
        found.insert(LinkReason::MasterAndBranch);
    }
    if same(&a.master_partner_id, &b.master_partner_id) && a.id != b.id {
        found.insert(LinkReason::BranchesOfOneMaster);
    }
    if same(&a.corporate_group_key, &b.corporate_group_key) && a.id != b.id {
        found.insert(LinkReason::CorporateGroup);
    }
    if same(&a.gstin, &b.gstin) && a.id != b.id {
        found.insert(LinkReason::SharedGstin);
    }
    if same(&a.pan, &b.pan) && a.id != b.id {
        found.insert(LinkReason::SharedPan);
    }
    found.into_iter().collect()
}

/// The answer for each pair of `pairs`, in order, reading every partner named with one query.
/// A partner that does not exist links to nothing but itself.
pub async fn links<C: ConnectionTrait>(db: &C, pairs: &[(Uuid, Uuid)]) -> Result<Vec<Link>, ServiceError> {
    let ids: BTreeSet<Uuid> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
    let rows: HashMap<Uuid, partner::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        partner::Entity::find()
            .filter(partner::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect()
    };
    Ok(links_among(&rows, pairs))
}

/// The answer for each pair of `pairs`, in order, from partner `rows` a
/// caller read already (pure; a partner missing from `rows` links to
/// nothing but itself).
pub fn links_among(rows: &HashMap<Uuid, partner::Model>, pairs: &[(Uuid, Uuid)]) -> Vec<Link> {
    pairs
        .iter()
        .map(|&(a, b)| {
            let reasons = match (rows.get(&a), rows.get(&b)) {
                (Some(x), Some(y)) => reasons(x, y),
                _ if a == b => vec![LinkReason::SameEntity],
                _ => Vec::new(),
            };
            Link { a, b, reasons }
        })
        .collect()
}

/// Whether `a` and `b` are linked, and why.
pub async fn linked<C: ConnectionTrait>(db: &C, a: Uuid, b: Uuid) -> Result<Link, ServiceError> {
    Ok(links(db, &[(a, b)]).await?.remove(0))
}
