//! Inputs of the user operations and their validation.

use chrono::{DateTime, Utc};
use infra::{ActorKind, ValidationError, Validator};
use serde::Deserialize;
use uuid::Uuid;

/// The three kinds of user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(rename_all = "SCREAMING_SNAKE_CASE"))]
pub enum UserKind {
    /// Platform administrator: no organization, no partner.
    SuperAdmin,
    /// Back-office staff of an organization.
    Internal,
    /// A business partner's person.
    External,
}

impl UserKind {
    /// Parses `SUPER_ADMIN`, `INTERNAL` or `EXTERNAL`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "SUPER_ADMIN" => Some(Self::SuperAdmin),
            "INTERNAL" => Some(Self::Internal),
            "EXTERNAL" => Some(Self::External),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SuperAdmin => "SUPER_ADMIN",
            Self::Internal => "INTERNAL",
            Self::External => "EXTERNAL",
        }
    }

    /// The actor kind of such a user.
    pub fn actor_kind(self) -> ActorKind {
        match self {
            Self::SuperAdmin => ActorKind::SuperAdmin,
            Self::Internal => ActorKind::Internal,
            Self::External => ActorKind::External,
        }
    }
}

/// A new user.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// SUPER_ADMIN, INTERNAL or EXTERNAL.
    #[cfg_attr(feature = "openapi", schema(value_type = UserKind, inline))]
    pub kind: String,
    /// Required for INTERNAL and SUPER_ADMIN (they log in with it).
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 320))]
    pub email: Option<String>,
    /// Required for EXTERNAL (they log in by OTP).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\+?[1-9][0-9]{9,14}$"))]
    pub mobile: Option<String>,
    /// Required for INTERNAL and SUPER_ADMIN. `user_auth::AccountService` checks and
    /// hashes it; `UserService::create` takes the hash and never reads this field.
    pub password: Option<String>,
    /// 2..200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub full_name: String,
    /// Required for INTERNAL, refused otherwise.
    pub organization_id: Option<Uuid>,
    /// Required for EXTERNAL, refused otherwise.
    pub partner_id: Option<Uuid>,
    /// Role codes to give.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Changes to a user; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    /// New full name.
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 200))]
    pub full_name: Option<String>,
    /// New e-mail.
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 320))]
    pub email: Option<String>,
    /// New mobile number.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\+?[1-9][0-9]{9,14}$"))]
    pub mobile: Option<String>,
    /// The version the change is based on (or send `If-Match`).
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: Option<i64>,
}

/// A direct capability grant.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantCapability {
    /// The capability code.
    #[cfg_attr(feature = "openapi", schema(max_length = 64, pattern = r"^[A-Z][A-Z0-9_]*$"))]
    pub capability: String,
    /// When the grant ends by itself; absent means never.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Filters of the user list.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserFilter {
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this organization.
    pub organization_id: Option<Uuid>,
    /// Only this partner.
    pub partner_id: Option<Uuid>,
    /// Only active or only disabled users.
    pub active: Option<bool>,
    /// Part of the e-mail or name, case-insensitive.
    pub q: Option<String>,
}

/// A lower-cased e-mail address, or why it is not one.
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email
        .split_once('@')
        .ok_or("must be an e-mail address such as name@example.com")?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 320
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@');
    if ok {
        Ok(email)
    } else {
        Err("must be an e-mail address such as name@example.com")
    }
}

/// A mobile number as `+<country><number>` (10 digits alone get +91), or why it is not one.
pub fn normalize_mobile(raw: &str) -> Result<String, &'static str> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    let digits = compact.strip_prefix('+').unwrap_or(&compact);
    let valid = (10..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if !valid {
        return Err(
            "must be a mobile number of 10 to 15 digits, optionally starting with +, such as +919876543210",
        );
    }
    Ok(if compact.starts_with('+') || digits.len() > 10 {
        format!("+{digits}")
    } else {
        format!("+91{digits}")
    })
}

fn check_name(v: &mut Validator, name: &str) {
    let len = name.trim().chars().count();
    v.check(
        (2..=200).contains(&len),
        "full_name",
        "must be 2 to 200 characters",
    );
}

/// The checked parts of a [`CreateUser`].
pub(crate) struct ValidCreate {
    pub kind: UserKind,
    pub email: Option<String>,
    pub mobile: Option<String>,
}

impl CreateUser {
    /// Checks every field, naming each bad one.
    /// `has_password`: whether a password (hash) comes with the input.
    pub(crate) fn validate(&self, has_password: bool) -> Result<ValidCreate, ValidationError> {
        let mut v = Validator::new();
        let kind = UserKind::parse(&self.kind);
        v.check(
            kind.is_some(),
            "kind",
            "must be SUPER_ADMIN, INTERNAL or EXTERNAL",
        );
        check_name(&mut v, &self.full_name);
        let email = self
            .email
            .as_deref()
            .and_then(|e| v.take("email", normalize_email(e)));
        let mobile = self
            .mobile
            .as_deref()
            .and_then(|m| v.take("mobile", normalize_mobile(m)));
        if let Some(kind) = kind {
            let (needs_org, needs_partner) = match kind {
                UserKind::SuperAdmin => (false, false),
                UserKind::Internal => (true, false),
                UserKind::External => (false, true),
            };
            if needs_org {
                v.check(
                    self.organization_id.is_some(),
                    "organization_id",
                    "is required for INTERNAL users",
                );
            } else {
                v.check(
                    self.organization_id.is_none(),
                    "organization_id",
                    "is only for INTERNAL users",
                );
            }
            if needs_partner {
                v.check(
                    self.partner_id.is_some(),
                    "partner_id",
                    "is required for EXTERNAL users",
                );
                v.check(
                    self.mobile.is_some(),
                    "mobile",
                    "is required for EXTERNAL users (they log in by OTP)",
                );
            } else {
                v.check(
                    self.partner_id.is_none(),
                    "partner_id",
                    "is only for EXTERNAL users",
                );
                v.check(
                    self.email.is_some(),
                    "email",
                    "is required for INTERNAL and SUPER_ADMIN users",
                );
                v.check(
                    has_password,
                    "password",
                    "is required for INTERNAL and SUPER_ADMIN users",
                );
            }
            if kind == UserKind::SuperAdmin {
                v.check(
                    self.roles.is_empty(),
                    "roles",
                    "SUPER_ADMIN users hold every capability and take no roles",
                );
            }
        }
        v.finish()?;
        Ok(ValidCreate {
            kind: kind.unwrap_or(UserKind::Internal),
            email,
            mobile,
        })
    }
}

impl UpdateUser {
    /// Checks the fields present.
    pub(crate) fn validate(&self) -> Result<(Option<String>, Option<String>), ValidationError> {
        let mut v = Validator::new();
        if let Some(name) = &self.full_name {
            check_name(&mut v, name);
        }
        let email = self
            .email
            .as_deref()
            .and_then(|e| v.take("email", normalize_email(e)));
        let mobile = self
            .mobile
            .as_deref()
            .and_then(|m| v.take("mobile", normalize_mobile(m)));
        v.finish()?;
        Ok((email, mobile))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_emails_normalize() {
        assert_eq!(normalize_mobile("98765 43210"), Ok("+919876543210".to_owned()));
        assert_eq!(normalize_mobile("+14155550123"), Ok("+14155550123".to_owned()));
        assert!(normalize_mobile("0987654321").is_err());
        assert!(normalize_mobile("12345").is_err());
        assert_eq!(
            normalize_email(" Admin@Example.COM "),
            Ok("admin@example.com".to_owned())
        );
        assert!(normalize_email("admin@example").is_err());
        assert!(normalize_email("a b@example.com").is_err());
    }

    #[test]
    fn kind_rules_name_each_field() {
        let input = CreateUser {
            kind: "INTERNAL".into(),
            full_name: "X".into(),
            ..CreateUser::default()
        };
        let err = input.validate(false).err().map(|e| e.errors).unwrap_or_default();
        let fields: Vec<&str> = err.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["full_name", "organization_id", "email", "password"]);
    }
}
