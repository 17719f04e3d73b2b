//! Identity: users, roles, capabilities, grants, sessions, refresh tokens and
//! token signing keys; seeds the capability catalogue and the system roles.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_identity"
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Kind,
    Email,
    Mobile,
    FullName,
    PasswordHash,
    OrganizationId,
    PartnerId,
    IsActive,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Capabilities {
    Table,
    Code,
    Area,
    Description,
}

#[derive(DeriveIden)]
enum Roles {
    Table,
    Code,
    Name,
    Description,
    UserKind,
}

#[derive(DeriveIden)]
enum RoleCapabilities {
    Table,
    RoleCode,
    CapabilityCode,
}

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    UserId,
    RoleCode,
    GrantedAt,
    GrantedBy,
}

#[derive(DeriveIden)]
enum UserCapabilities {
    Table,
    Id,
    UserId,
    CapabilityCode,
    GrantedAt,
    GrantedBy,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    UserAgent,
    DeviceName,
    DeviceType,
    DeviceOs,
    Ip,
    CreatedAt,
    LastActiveAt,
    ExpiresAt,
    RevokedAt,
    RevokedReason,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    SessionId,
    TokenHash,
    IssuedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum SigningKeys {
    Table,
    Kid,
    PrivateKey,
    PublicKey,
    CreatedAt,
    RetiredAt,
}

/// (code, area, description) of every capability.
const CAPABILITIES: &[(&str, &str, &str)] = &[
    (
        "USER_MANAGE",
        "USER",
        "Create users, assign roles, grant capabilities, disable and enable users",
    ),
    ("USER_READ", "USER", "List and read users"),
    ("ROLE_READ", "USER", "List roles and their capabilities"),
    ("ORG_CREATE", "ORG", "Create organizations"),
    ("ORG_READ", "ORG", "Read organizations and their children"),
    ("ORG_UPDATE", "ORG", "Change organizations and their children"),
    ("ORG_DELETE", "ORG", "Delete organizations"),
    ("LOCATION_CREATE", "LOCATION", "Create locations"),
    ("LOCATION_READ", "LOCATION", "Read locations"),
    ("LOCATION_UPDATE", "LOCATION", "Change and delete locations"),
    ("COMMODITY_CREATE", "COMMODITY", "Create commodities"),
    ("COMMODITY_READ", "COMMODITY", "Read commodities, units and terms"),
    (
        "COMMODITY_UPDATE",
        "COMMODITY",
        "Change commodities, parameters, terms and commissions",
    ),
    (
        "PARTNER_ONBOARD",
        "PARTNER",
        "Start and submit onboarding applications",
    ),
    ("PARTNER_READ", "PARTNER", "Read business partners"),
    ("PARTNER_APPROVE", "PARTNER", "Decide onboarding applications"),
    (
        "PARTNER_MANAGE",
        "PARTNER",
        "Manage partner employees, locations and KYC",
    ),
    ("AVAILABILITY_CREATE", "TRADE", "Post seller availabilities"),
    ("AVAILABILITY_READ", "TRADE", "Search availabilities"),
    ("AVAILABILITY_APPROVE", "TRADE", "Approve availabilities"),
    (
        "AVAILABILITY_RESERVE",
        "TRADE",
        "Reserve, release and sell availability quantities",
    ),
    ("REQUIREMENT_CREATE", "TRADE", "Post buyer requirements"),
    ("REQUIREMENT_READ", "TRADE", "Read requirements"),
    ("MATCHING_EXECUTE", "TRADE", "Run matching"),
    ("RISK_ASSESS", "RISK", "Run risk assessments"),
    ("RISK_READ", "RISK", "Read risk assessments and exposure"),
    (
        "EVENTS_MANAGE",
        "OPERATIONS",
        "Re-queue or discard failed outbox events",
    ),
    ("AUDIT_READ", "OPERATIONS", "Read the audit log"),
];

/// (code, name, user kind, capabilities) of the seeded roles; `*` is every capability.
const ROLES: &[(&str, &str, &str, &[&str])] = &[
    ("PLATFORM_ADMIN", "Platform administrator", "INTERNAL", &["*"]),
    (
        "BACKOFFICE_MANAGER",
        "Back-office manager",
        "INTERNAL",
        &[
            "USER_MANAGE",
            "USER_READ",
            "ROLE_READ",
            "ORG_CREATE",
            "ORG_READ",
            "ORG_UPDATE",
            "ORG_DELETE",
            "LOCATION_CREATE",
            "LOCATION_READ",
            "LOCATION_UPDATE",
            "COMMODITY_CREATE",
            "COMMODITY_READ",
            "COMMODITY_UPDATE",
            "PARTNER_ONBOARD",
            "PARTNER_READ",
            "PARTNER_APPROVE",
            "PARTNER_MANAGE",
            "AVAILABILITY_READ",
            "AVAILABILITY_APPROVE",
            "AVAILABILITY_RESERVE",
            "REQUIREMENT_READ",
            "MATCHING_EXECUTE",
            "RISK_ASSESS",
            "RISK_READ",
            "AUDIT_READ",
        ],
    ),
    (
        "BACKOFFICE_STAFF",
        "Back-office staff",
        "INTERNAL",
        &[
            "USER_READ",
            "ROLE_READ",
            "ORG_READ",
            "LOCATION_CREATE",
            "LOCATION_READ",
            "LOCATION_UPDATE",
            "COMMODITY_READ",
            "COMMODITY_UPDATE",
            "PARTNER_ONBOARD",
            "PARTNER_READ",
            "AVAILABILITY_READ",
            "REQUIREMENT_READ",
            "MATCHING_EXECUTE",
            "RISK_READ",
        ],
    ),
    (
        "PARTNER_ADMIN",
        "Partner administrator",
        "EXTERNAL",
        &[
            "PARTNER_READ",
            "PARTNER_MANAGE",
            "LOCATION_READ",
            "COMMODITY_READ",
            "AVAILABILITY_CREATE",
            "AVAILABILITY_READ",
            "AVAILABILITY_RESERVE",
            "REQUIREMENT_CREATE",
            "REQUIREMENT_READ",
        ],
    ),
    (
        "PARTNER_EMPLOYEE",
        "Partner employee",
        "EXTERNAL",
        &[
            "LOCATION_READ",
            "COMMODITY_READ",
            "AVAILABILITY_CREATE",
            "AVAILABILITY_READ",
            "REQUIREMENT_CREATE",
            "REQUIREMENT_READ",
        ],
    ),
];

fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn nullable_timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(ColumnDef::new(Users::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Users::Kind).string_len(16).not_null())
                    .col(ColumnDef::new(Users::Email).string_len(320).null().unique_key())
                    .col(ColumnDef::new(Users::Mobile).string_len(20).null().unique_key())
                    .col(ColumnDef::new(Users::FullName).string_len(200).not_null())
                    .col(ColumnDef::new(Users::PasswordHash).text().null())
                    .col(ColumnDef::new(Users::OrganizationId).uuid().null())
                    .col(ColumnDef::new(Users::PartnerId).uuid().null())
                    .col(ColumnDef::new(Users::IsActive).boolean().not_null().default(true))
                    .col(ColumnDef::new(Users::Version).big_integer().not_null().default(1))
                    .col(timestamp(Users::CreatedAt))
                    .col(timestamp(Users::UpdatedAt))
                    // The user kind rule, enforced by the database as well as the code.
                    .check(Expr::cust(
                        "(kind = 'SUPER_ADMIN' AND organization_id IS NULL AND partner_id IS NULL) \
                         OR (kind = 'INTERNAL' AND organization_id IS NOT NULL AND partner_id IS NULL) \
                         OR (kind = 'EXTERNAL' AND partner_id IS NOT NULL AND organization_id IS NULL)",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("ix_users_organization", Users::OrganizationId),
            ("ix_users_partner", Users::PartnerId),
        ] {
            manager
                .create_index(Index::create().name(name).table(Users::Table).col(col).to_owned())
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Capabilities::Table)
                    .col(
                        ColumnDef::new(Capabilities::Code)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Capabilities::Area).string_len(32).not_null())
                    .col(ColumnDef::new(Capabilities::Description).text().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Roles::Table)
                    .col(
                        ColumnDef::new(Roles::Code)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Roles::Name).string_len(200).not_null())
                    .col(ColumnDef::new(Roles::Description).text().null())
                    .col(ColumnDef::new(Roles::UserKind).string_len(16).not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoleCapabilities::Table)
                    .col(
                        ColumnDef::new(RoleCapabilities::RoleCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(RoleCapabilities::CapabilityCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(RoleCapabilities::RoleCode)
                            .col(RoleCapabilities::CapabilityCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleCapabilities::Table, RoleCapabilities::RoleCode)
                            .to(Roles::Table, Roles::Code)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RoleCapabilities::Table, RoleCapabilities::CapabilityCode)
                            .to(Capabilities::Table, Capabilities::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserRoles::Table)
                    .col(ColumnDef::new(UserRoles::UserId).uuid().not_null())
                    .col(ColumnDef::new(UserRoles::RoleCode).string_len(64).not_null())
                    .col(timestamp(UserRoles::GrantedAt))
                    .col(ColumnDef::new(UserRoles::GrantedBy).uuid().null())
                    .primary_key(Index::create().col(UserRoles::UserId).col(UserRoles::RoleCode))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserRoles::Table, UserRoles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserRoles::Table, UserRoles::RoleCode)
                            .to(Roles::Table, Roles::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UserCapabilities::Table)
                    .col(
                        ColumnDef::new(UserCapabilities::Id)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(UserCapabilities::UserId).uuid().not_null())
                    .col(
                        ColumnDef::new(UserCapabilities::CapabilityCode)
                            .string_len(64)
                            .not_null(),
                    )
                    .col(timestamp(UserCapabilities::GrantedAt))
                    .col(ColumnDef::new(UserCapabilities::GrantedBy).uuid().null())
                    .col(nullable_timestamp(UserCapabilities::ExpiresAt))
                    .col(nullable_timestamp(UserCapabilities::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserCapabilities::Table, UserCapabilities::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UserCapabilities::Table, UserCapabilities::CapabilityCode)
                            .to(Capabilities::Table, Capabilities::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_user_capabilities_user")
                    .table(UserCapabilities::Table)
                    .col(UserCapabilities::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(ColumnDef::new(Sessions::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(Sessions::UserId).uuid().not_null())
                    .col(ColumnDef::new(Sessions::UserAgent).string_len(512).null())
                    .col(ColumnDef::new(Sessions::DeviceName).string_len(64).null())
                    .col(ColumnDef::new(Sessions::DeviceType).string_len(16).not_null())
                    .col(ColumnDef::new(Sessions::DeviceOs).string_len(32).null())
                    .col(ColumnDef::new(Sessions::Ip).string_len(64).null())
                    .col(timestamp(Sessions::CreatedAt))
                    .col(timestamp(Sessions::LastActiveAt))
                    .col(timestamp(Sessions::ExpiresAt))
                    .col(nullable_timestamp(Sessions::RevokedAt))
                    .col(ColumnDef::new(Sessions::RevokedReason).string_len(64).null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_sessions_user")
                    .table(Sessions::Table)
                    .col(Sessions::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(ColumnDef::new(RefreshTokens::Id).uuid().not_null().primary_key())
                    .col(ColumnDef::new(RefreshTokens::SessionId).uuid().not_null())
                    .col(
                        ColumnDef::new(RefreshTokens::TokenHash)
                            .string_len(64)
                            .not_null()
                            .unique_key(),
                    )
                    .col(timestamp(RefreshTokens::IssuedAt))
                    .col(timestamp(RefreshTokens::ExpiresAt))
                    .col(nullable_timestamp(RefreshTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RefreshTokens::Table, RefreshTokens::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_session")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::SessionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SigningKeys::Table)
                    .col(
                        ColumnDef::new(SigningKeys::Kid)
                            .string_len(64)
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(SigningKeys::PrivateKey).text().null())
                    .col(ColumnDef::new(SigningKeys::PublicKey).string_len(64).not_null())
                    .col(timestamp(SigningKeys::CreatedAt))
                    .col(nullable_timestamp(SigningKeys::RetiredAt))
                    .to_owned(),
            )
            .await?;

        seed(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SigningKeys::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Sessions::Table.into_iden(),
            UserCapabilities::Table.into_iden(),
            UserRoles::Table.into_iden(),
            RoleCapabilities::Table.into_iden(),
            Roles::Table.into_iden(),
            Capabilities::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

async fn seed(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let mut caps = Query::insert();
    caps.into_table(Capabilities::Table).columns([
        Capabilities::Code,
        Capabilities::Area,
        Capabilities::Description,
    ]);
    for (code, area, description) in CAPABILITIES {
        caps.values_panic([(*code).into(), (*area).into(), (*description).into()]);
    }
    manager.exec_stmt(caps).await?;

    let mut roles = Query::insert();
    roles
        .into_table(Roles::Table)
        .columns([Roles::Code, Roles::Name, Roles::UserKind]);
    let mut grants = Query::insert();
    grants
        .into_table(RoleCapabilities::Table)
        .columns([RoleCapabilities::RoleCode, RoleCapabilities::CapabilityCode]);
    for (code, name, kind, capabilities) in ROLES {
        roles.values_panic([(*code).into(), (*name).into(), (*kind).into()]);
        let all: Vec<&str> = CAPABILITIES.iter().map(|c| c.0).collect();
        let list: &[&str] = if capabilities.first() == Some(&"*") {
            &all
        } else {
            capabilities
        };
        for capability in list {
            grants.values_panic([(*code).into(), (*capability).into()]);
        }
    }
    manager.exec_stmt(roles).await?;
    manager.exec_stmt(grants).await
}
