//! Roles: named sets of capabilities for one user kind, and the seeded ones
//! (PLATFORM_ADMIN, BACKOFFICE_MANAGER, BACKOFFICE_STAFF, PARTNER_ADMIN, PARTNER_EMPLOYEE).

use std::collections::BTreeMap;

use infra::{Actor, Infra};
use sea_orm::{EntityTrait, QueryOrder};
use serde::Serialize;

use crate::error::{SettingsError, require};

/// The sea-orm entities of tables `roles` and `role_capabilities`.
pub mod entity {
    /// Table `roles`.
    pub mod role {
        use sea_orm::entity::prelude::*;

        /// One role.
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "roles")]
        pub struct Model {
            /// Upper snake case code.
            #[sea_orm(primary_key, auto_increment = false)]
            pub code: String,
            /// Display name.
            pub name: String,
            /// What the role is for.
            pub description: Option<String>,
            /// The kind of user it may be given to (INTERNAL or EXTERNAL).
            pub user_kind: String,
        }

        /// No relations navigated.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }

    /// Table `role_capabilities`.
    pub mod role_capability {
        use sea_orm::entity::prelude::*;

        /// A capability a role grants.
        #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
        #[sea_orm(table_name = "role_capabilities")]
        pub struct Model {
            /// The role.
            #[sea_orm(primary_key, auto_increment = false)]
            pub role_code: String,
            /// The capability.
            #[sea_orm(primary_key, auto_increment = false)]
            pub capability_code: String,
        }

        /// No relations navigated.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    }
}

/// A role with its capabilities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Role {
    /// Upper snake case code, as given in `roles` of a user.
    pub code: String,
    /// Display name.
    pub name: String,
    /// The kind of user it may be given to.
    pub user_kind: String,
    /// Capability codes, sorted.
    pub capabilities: Vec<String>,
}

/// Reads roles.
#[derive(Clone)]
pub struct RoleService<I: Infra> {
    infra: I,
}

impl<I: Infra> RoleService<I> {
    /// A service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// Every role with its capabilities; needs ROLE_READ.
    pub async fn list(&self, actor: &Actor) -> Result<Vec<Role>, SettingsError> {
        require(actor, crate::capabilities::ROLE_READ)?;
        load_all(self.infra.db()).await
    }
}

/// Every role with its capabilities, by code.
pub async fn load_all<C: sea_orm::ConnectionTrait>(db: &C) -> Result<Vec<Role>, SettingsError> {
    let roles = entity::role::Entity::find()
        .order_by_asc(entity::role::Column::Code)
        .all(db)
        .await?;
    let mut caps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for grant in entity::role_capability::Entity::find().all(db).await? {
        caps.entry(grant.role_code)
            .or_default()
            .push(grant.capability_code);
    }
    Ok(roles
        .into_iter()
        .map(|r| {
            let mut capabilities = caps.remove(&r.code).unwrap_or_default();
            capabilities.sort();
            Role {
                code: r.code,
                name: r.name,
                user_kind: r.user_kind,
                capabilities,
            }
        })
        .collect())
}
