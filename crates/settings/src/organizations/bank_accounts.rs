//! Bank accounts: holder, bank, number, IFSC, and one default per organization.

use chrono::{DateTime, Utc};
use infra::Validator;
use infra::write::WriteTx;
use sea_orm::{ActiveModelTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::children::{Child, clear_flag, is_first};
use super::entity::bank_account as bank;
use crate::error::SettingsError;
use crate::tax_ids::is_ifsc;
use infra::rows::save;

/// A bank account as callers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankAccount {
    /// Id.
    pub id: Uuid,
    /// The organization.
    pub organization_id: Uuid,
    /// Name on the account.
    pub account_holder: String,
    /// Bank.
    pub bank_name: String,
    /// Account number.
    pub account_number: String,
    /// IFSC.
    pub ifsc: String,
    /// The organization's default account.
    pub is_default: bool,
    /// Version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<bank::Model> for BankAccount {
    fn from(m: bank::Model) -> Self {
        Self {
            id: m.id,
            organization_id: m.organization_id,
            account_holder: m.account_holder,
            bank_name: m.bank_name,
            account_number: m.account_number,
            ifsc: m.ifsc,
            is_default: m.is_default,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new bank account.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateBankAccount {
    /// Name on the account, 2..200.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub account_holder: String,
    /// Bank, 2..200.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub bank_name: String,
    /// 6 to 18 digits.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{6,18}$"))]
    pub account_number: String,
    /// Four letters, 0, six letters or digits.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z]{4}0[A-Z0-9]{6}$"))]
    pub ifsc: String,
    /// Make it the default (the first account always is).
    pub is_default: Option<bool>,
}

/// Changes to a bank account.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateBankAccount {
    /// New holder.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub account_holder: Option<String>,
    /// New bank.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub bank_name: Option<String>,
    /// New number.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{6,18}$"))]
    pub account_number: Option<String>,
    /// New IFSC.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z]{4}0[A-Z0-9]{6}$"))]
    pub ifsc: Option<String>,
    /// Make it the default, or stop it being one.
    pub is_default: Option<bool>,
    /// The version the change is based on.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

fn check(
    v: &mut Validator,
    holder: Option<&str>,
    bank: Option<&str>,
    number: Option<&str>,
    ifsc: Option<&str>,
) {
    let len = |s: &str| s.trim().chars().count();
    if let Some(h) = holder {
        v.check(
            (2..=200).contains(&len(h)),
            "account_holder",
            "must be 2 to 200 characters",
        );
    }
    if let Some(b) = bank {
        v.check(
            (2..=200).contains(&len(b)),
            "bank_name",
            "must be 2 to 200 characters",
        );
    }
    if let Some(n) = number {
        v.check(
            (6..=18).contains(&n.len()) && n.bytes().all(|c| c.is_ascii_digit()),
            "account_number",
            "must be 6 to 18 digits",
        );
    }
    if let Some(i) = ifsc {
        v.check(
            is_ifsc(i),
            "ifsc",
            "must be an IFSC: four letters, 0, six letters or digits (HDFC0001234)",
        );
    }
}

/// Bank accounts as an organization child.
pub struct BankAccounts;

impl Child for BankAccounts {
    type Parent = super::OrganizationParent;
    const SEGMENT: &'static str = "bank-accounts";
    const RESOURCE: &'static str = "organization_bank_account";
    const EVENT: &'static str = "OrganizationBankAccount";
    type Entity = bank::Entity;
    type View = BankAccount;
    type Create = CreateBankAccount;
    type Update = UpdateBankAccount;

    fn based_on(update: &UpdateBankAccount) -> Option<i64> {
        update.version
    }

    fn id(view: &BankAccount) -> Uuid {
        view.id
    }

    fn version(view: &BankAccount) -> i64 {
        view.version
    }

    async fn create(
        tx: &WriteTx,
        parent: &super::entity::organization::Model,
        input: CreateBankAccount,
    ) -> Result<BankAccount, SettingsError> {
        let org_id = parent.id;
        let mut v = Validator::new();
        check(
            &mut v,
            Some(&input.account_holder),
            Some(&input.bank_name),
            Some(&input.account_number),
            Some(&input.ifsc),
        );
        v.finish()?;
        let db = tx.db();
        let first = is_first::<bank::Entity, _>(db, org_id).await?;
        let id = infra::ids::new_id();
        let default = first || input.is_default.unwrap_or(false);
        if default {
            clear_flag::<bank::Entity>(tx, org_id, id, "is_default").await?;
        }
        let row = bank::ActiveModel {
            id: Set(id),
            organization_id: Set(org_id),
            account_holder: Set(input.account_holder.trim().to_owned()),
            bank_name: Set(input.bank_name.trim().to_owned()),
            account_number: Set(input.account_number),
            ifsc: Set(input.ifsc),
            is_default: Set(default),
            version: Set(1),
            created_at: Set(tx.now()),
            updated_at: Set(tx.now()),
        }
        .insert(db)
        .await?;
        Ok(row.into())
    }

    async fn update(
        tx: &WriteTx,
        _parent: &super::entity::organization::Model,
        before: bank::Model,
        input: UpdateBankAccount,
    ) -> Result<BankAccount, SettingsError> {
        let mut v = Validator::new();
        check(
            &mut v,
            input.account_holder.as_deref(),
            input.bank_name.as_deref(),
            input.account_number.as_deref(),
            input.ifsc.as_deref(),
        );
        v.finish()?;
        let mut next = before.clone();
        next.account_holder = input
            .account_holder
            .map(|s| s.trim().to_owned())
            .unwrap_or(next.account_holder);
        next.bank_name = input
            .bank_name
            .map(|s| s.trim().to_owned())
            .unwrap_or(next.bank_name);
        next.account_number = input.account_number.unwrap_or(next.account_number);
        next.ifsc = input.ifsc.unwrap_or(next.ifsc);
        next.is_default = input.is_default.unwrap_or(next.is_default);
        if next == before {
            return Ok(before.into());
        }
        if next.is_default {
            clear_flag::<bank::Entity>(tx, before.organization_id, before.id, "is_default").await?;
        }
        Ok(save(tx, next).await?.into())
    }
}
