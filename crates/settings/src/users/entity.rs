//! The sea-orm entities of tables `users`, `user_roles` and `user_capabilities`.

/// Table `users`.
pub mod user {
    use sea_orm::entity::prelude::*;

    /// One user row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// SUPER_ADMIN, INTERNAL or EXTERNAL.
        pub kind: String,
        /// Lower-cased e-mail address.
        pub email: Option<String>,
        /// Mobile number with country code (`+919876543210`).
        pub mobile: Option<String>,
        /// Full name.
        pub full_name: String,
        /// argon2 PHC string.
        pub password_hash: Option<String>,
        /// The organization of an INTERNAL user.
        pub organization_id: Option<Uuid>,
        /// The partner of an EXTERNAL user.
        pub partner_id: Option<Uuid>,
        /// Disabled users cannot log in and their sessions end.
        pub is_active: bool,
        /// The EXTERNAL user who created this sub-user.
        pub parent_user_id: Option<Uuid>,
        /// Base32 TOTP secret (set up, maybe not yet confirmed).
        pub totp_secret: Option<String>,
        /// Whether logins need the TOTP code.
        pub totp_enabled: bool,
        /// The last TOTP time step accepted, so a code is never used twice.
        pub totp_last_step: Option<i64>,
        /// Optimistic lock.
        pub version: i64,
        /// Creation time.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Table `user_roles`.
pub mod user_role {
    use sea_orm::entity::prelude::*;

    /// A role given to a user.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_roles")]
    pub struct Model {
        /// The user.
        #[sea_orm(primary_key, auto_increment = false)]
        pub user_id: Uuid,
        /// The role.
        #[sea_orm(primary_key, auto_increment = false)]
        pub role_code: String,
        /// When.
        pub granted_at: DateTimeUtc,
        /// By whom.
        pub granted_by: Option<Uuid>,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// Table `user_capabilities`.
pub mod user_capability {
    use sea_orm::entity::prelude::*;

    /// A capability granted directly to a user.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_capabilities")]
    pub struct Model {
        /// UUID v7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The user.
        pub user_id: Uuid,
        /// The capability.
        pub capability_code: String,
        /// When.
        pub granted_at: DateTimeUtc,
        /// By whom.
        pub granted_by: Option<Uuid>,
        /// Ends by itself at this time.
        pub expires_at: Option<DateTimeUtc>,
        /// Ended early at this time.
        pub revoked_at: Option<DateTimeUtc>,
    }

    /// No relations navigated.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

infra::versioned!(user::Model);
