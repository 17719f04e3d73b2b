//! The new value of an amendment checked as at onboarding: the partner's
//! facts with the value applied go through [`crate::validate::validate`],
//! and its complaints about the amended field are named `new_value` or
//! `new_value.<field>`. Then the checks the database holds: tax ids not in
//! use by another partner, the supporting document being the partner's own.

use chrono::NaiveDate;
use infra::{FieldError, ServiceError, ValidationError};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use uuid::Uuid;

use crate::entity::{application, document, partner};
use crate::input::{Address, Bank, Contact, StartApplication};
use crate::types::DocumentType;
use crate::validate::validate;

/// The fields an amendment may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Registered legal name.
    LegalName,
    /// Trade name.
    TradeName,
    /// GSTIN.
    Gstin,
    /// PAN.
    Pan,
    /// Bank details.
    Bank,
    /// Registered address.
    Address,
}

impl Field {
    /// Every field.
    pub const ALL: &'static [Field] = &[
        Field::LegalName,
        Field::TradeName,
        Field::Gstin,
        Field::Pan,
        Field::Bank,
        Field::Address,
    ];

    /// The stored name (`legal_name`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::LegalName => "legal_name",
            Field::TradeName => "trade_name",
            Field::Gstin => "gstin",
            Field::Pan => "pan",
            Field::Bank => "bank",
            Field::Address => "address",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.as_str() == s)
    }

    /// Whether it is a tax id (a supporting document is required).
    pub fn is_tax_id(self) -> bool {
        matches!(self, Field::Gstin | Field::Pan)
    }

    /// The document type that supports a change of this tax id.
    pub fn document_type(self) -> Option<DocumentType> {
        match self {
            Field::Gstin => Some(DocumentType::GstCertificate),
            Field::Pan => Some(DocumentType::PanCard),
            _ => None,
        }
    }
}

/// The partner's current value of `field`.
pub fn current(row: &partner::Model, field: Field) -> Option<Value> {
    let text = |s: &Option<String>| s.clone().map(Value::String);
    match field {
        Field::LegalName => Some(Value::String(row.legal_name.clone())),
        Field::TradeName => text(&row.trade_name),
        Field::Gstin => text(&row.gstin),
        Field::Pan => text(&row.pan),
        Field::Bank => row.bank.clone(),
        Field::Address => Some(row.address.clone()),
    }
}

fn start_of(row: &partner::Model) -> StartApplication {
    StartApplication {
        legal_name: row.legal_name.clone(),
        trade_name: row.trade_name.clone(),
        partner_type: row.partner_type.clone(),
        entity_type: row.entity_type.clone(),
        country: Some(row.country.clone()),
        gstin: row.gstin.clone(),
        pan: row.pan.clone(),
        iec: row.iec.clone(),
        foreign_tax_id: row.foreign_tax_id.clone(),
        address: serde_json::from_value(row.address.clone()).unwrap_or_default(),
        contact: Contact {
            full_name: row.contact_name.clone(),
            email: row.contact_email.clone(),
            mobile: row.contact_mobile.clone(),
        },
        bank: row.bank.clone().and_then(|b| serde_json::from_value(b).ok()),
        master_partner_id: row.master_partner_id,
        corporate_group: row.corporate_group.clone(),
        ..StartApplication::default()
    }
}

fn invalid(field: &str, message: &str) -> ServiceError {
    ServiceError::field(field, message)
}

/// `input` with `value` as its `field`, or a 422 naming `new_value`.
fn put(mut input: StartApplication, field: Field, value: &Value) -> Result<StartApplication, ServiceError> {
    let text = || {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| invalid("new_value", "must be a string"))
    };
    match field {
        Field::LegalName => input.legal_name = text()?,
        Field::TradeName => input.trade_name = Some(text()?),
        Field::Gstin => input.gstin = Some(text()?),
        Field::Pan => input.pan = Some(text()?),
        Field::Bank => {
            let bank: Bank = serde_json::from_value(value.clone()).map_err(|_| {
                invalid(
                    "new_value",
                    "must be an object {account_name, account_number, ifsc}",
                )
            })?;
            input.bank = Some(bank);
        }
        Field::Address => {
            let address: Address = serde_json::from_value(value.clone()).map_err(|_| {
                invalid(
                    "new_value",
                    "must be an address {line1, city, state_code, pincode, ...}",
                )
            })?;
            input.address = address;
        }
    }
    Ok(input)
}

/// The name a complaint about `about` gets when `field` is amended, if it concerns the amendment.
fn named(field: Field, about: &str) -> Option<String> {
    let nested = |prefix: &str| about.strip_prefix(prefix).map(|rest| format!("new_value.{rest}"));
    match (field, about) {
        (Field::LegalName, "legal_name") | (Field::TradeName, "trade_name") => Some("new_value".into()),
        (Field::Gstin | Field::Pan, "gstin" | "pan") => Some("new_value".into()),
        (Field::Address, "gstin") => Some("new_value.state_code".into()),
        (Field::Address, _) => nested("address."),
        (Field::Bank, _) => nested("bank."),
        _ => None,
    }
}

/// The partner row with `value` as its `field`, validated as at onboarding,
/// and the normalized value; a 422 names `new_value` or `new_value.<field>`.
pub fn check(
    row: &partner::Model,
    field: Field,
    value: &Value,
    today: NaiveDate,
) -> Result<(partner::Model, Value), ServiceError> {
    let input = put(start_of(row), field, value)?;
    let valid = validate(input, today).map_err(|e| {
        let ours: Vec<FieldError> = e
            .errors
            .iter()
            .filter_map(|f| named(field, &f.field).map(|name| FieldError::new(name, f.message.clone())))
            .collect();
        ServiceError::Invalid(if ours.is_empty() {
            e
        } else {
            ValidationError { errors: ours }
        })
    })?;
    let input = valid.input;
    let mut next = row.clone();
    let new = match field {
        Field::LegalName => {
            next.legal_name = input.legal_name.clone();
            Value::String(input.legal_name)
        }
        Field::TradeName => {
            next.trade_name = input.trade_name.clone();
            input.trade_name.map(Value::String).unwrap_or(Value::Null)
        }
        Field::Gstin => {
            next.gstin = input.gstin.clone();
            input.gstin.map(Value::String).unwrap_or(Value::Null)
        }
        Field::Pan => {
            next.pan = input.pan.clone();
            input.pan.map(Value::String).unwrap_or(Value::Null)
        }
        Field::Bank => {
            let bank = serde_json::to_value(input.bank)?;
            next.bank = Some(bank.clone());
            bank
        }
        Field::Address => {
            let address = serde_json::to_value(input.address)?;
            next.address = address.clone();
            address
        }
    };
    if Value::is_null(&new) {
        return Err(invalid("new_value", "is required"));
    }
    if current(row, field).as_ref() == Some(&new) {
        return Err(invalid("new_value", "is the current value"));
    }
    Ok((next, new))
}

fn in_use(what: &str, value: &str, holder: &str) -> ServiceError {
    ServiceError::conflict(
        "tax_id_in_use",
        format!("{what} {value} is already held by {holder}"),
    )
}

/// Refuses a GSTIN held by another partner or an open application, or a PAN
/// held by another partner outside this one's master and branches (409 `tax_id_in_use`).
pub async fn check_unique<C: ConnectionTrait>(
    db: &C,
    row: &partner::Model,
    field: Field,
    value: &Value,
) -> Result<(), ServiceError> {
    let Some(value) = value.as_str() else {
        return Ok(());
    };
    let others = || partner::Entity::find().filter(partner::Column::Id.ne(row.id));
    match field {
        Field::Gstin => {
            if others()
                .filter(partner::Column::Gstin.eq(value))
                .count(db)
                .await?
                > 0
            {
                return Err(in_use("GSTIN", value, "another partner"));
            }
            let open = application::Entity::find()
                .filter(application::Column::Status.is_in(crate::uniqueness::open_statuses()))
                .filter(application::Column::Gstin.eq(value))
                .count(db)
                .await?;
            if open > 0 {
                return Err(in_use("GSTIN", value, "an open application"));
            }
        }
        Field::Pan => {
            let mut holders = others().filter(partner::Column::Pan.eq(value)).filter(
                partner::Column::MasterPartnerId
                    .ne(row.id)
                    .or(partner::Column::MasterPartnerId.is_null()),
            );
            if let Some(master) = row.master_partner_id {
                holders = holders.filter(partner::Column::Id.ne(master));
            }
            if holders.count(db).await? > 0 {
                return Err(in_use("PAN", value, "another partner"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// The partner's documents: those of its application and those filed for it.
pub async fn documents_of<C: ConnectionTrait>(
    db: &C,
    row: &partner::Model,
) -> Result<Vec<document::Model>, ServiceError> {
    Ok(document::Entity::find()
        .filter(
            document::Column::ApplicationId
                .eq(row.application_id)
                .or(document::Column::PartnerId.eq(row.id)),
        )
        .all(db)
        .await?)
}

/// The supporting document of a tax id change: required, the partner's own,
/// of the tax id's type (422 naming `document_id` otherwise).
pub async fn check_document<C: ConnectionTrait>(
    db: &C,
    row: &partner::Model,
    field: Field,
    document_id: Option<Uuid>,
) -> Result<Option<Uuid>, ServiceError> {
    let Some(kind) = field.document_type() else {
        return Ok(document_id);
    };
    let Some(id) = document_id else {
        return Err(invalid(
            "document_id",
            &format!("is required for a {} change: a {}", field.as_str(), kind.as_str()),
        ));
    };
    let found = documents_of(db, row).await?.into_iter().find(|d| d.id == id);
    match found {
        Some(d) if DocumentType::parse(&d.document_type) == Some(kind) => Ok(Some(id)),
        Some(_) => Err(invalid("document_id", &format!("must be a {}", kind.as_str()))),
        None => Err(invalid("document_id", "is not a document of this partner")),
    }
}
