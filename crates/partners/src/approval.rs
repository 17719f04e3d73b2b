//! Approving an application inside the caller's write: the partner (code from
//! the gap-free counter `partner:BP-{IND|FOR}-{TYPE}`, KYC verified for a
//! year, credit limit, capabilities from the verified documents), its first
//! EXTERNAL user (PARTNER_ADMIN) on the applicant's mobile, its principal
//! place of business from the application's address, and the event.

use chrono::{Months, NaiveDate};
use infra::write::WriteTx;
use infra::{Money, ServiceError};
use sea_orm::{ActiveModelTrait, IntoActiveModel};
use serde_json::json;
use uuid::Uuid;

use crate::entity::{application, partner};
use crate::model::{Application, Decision, Partner};
use crate::types::{ApplicationStatus, PartnerType};
use crate::{TOPIC, documents, events, uniqueness};

/// The role of a partner's first user.
pub const FIRST_USER_ROLE: &str = "PARTNER_ADMIN";

/// The counter name and code prefix of a partner: `BP-IND-SEL` for an Indian seller.
pub fn code_prefix(partner_type: PartnerType, india: bool) -> String {
    format!("BP-{}-{}", if india { "IND" } else { "FOR" }, partner_type.code())
}

/// The partner code for the `n`th partner of `prefix`: `BP-IND-SEL-0001`.
pub fn partner_code(prefix: &str, n: i64) -> String {
    format!("{prefix}-{n:04}")
}

/// What an approval decides.
pub(crate) struct Terms {
    /// The credit limit; the recommended one when absent.
    pub credit_limit: Option<Money>,
    /// Notes kept on the application.
    pub notes: Option<String>,
    /// Who decided; none for an automatic approval.
    pub decided_by: Option<Uuid>,
    /// The business date of the decision.
    pub today: NaiveDate,
}

/// Approves the locked, submitted application `app` in `tx`.
pub(crate) async fn approve_in(
    tx: &WriteTx,
    app: application::Model,
    terms: Terms,
) -> Result<Decision, ServiceError> {
    let partner_type = PartnerType::parse(&app.partner_type).unwrap_or(PartnerType::Buyer);
    let india = app.country == "IN";
    let prefix = code_prefix(partner_type, india);
    let n = infra::numbering::next(tx, &format!("partner:{prefix}")).await?;
    let now = tx.now();
    let recommended = app.recommended_credit_limit.unwrap_or(0);
    let credit_limit = terms.credit_limit.map(Money::scaled).unwrap_or(recommended);
    let capabilities = documents::verified_capabilities(tx.db(), &app).await?;
    let row = partner::Model {
        id: infra::ids::new_id(),
        code: partner_code(&prefix, n),
        application_id: app.id,
        status: "approved".into(),
        entity_class: partner_type.entity_class().as_str().into(),
        kyc_status: "verified".into(),
        kyc_expires_on: terms.today.checked_add_months(Months::new(12)),
        credit_limit,
        risk_category: app.risk_category.clone().unwrap_or_else(|| "medium".into()),
        score: app.score.unwrap_or(0),
        capabilities: json!(capabilities),
        legal_name: app.legal_name.clone(),
        trade_name: app.trade_name.clone(),
        partner_type: app.partner_type.clone(),
        entity_type: app.entity_type.clone(),
        country: app.country.clone(),
        gstin: app.gstin.clone(),
        pan: app.pan.clone(),
        iec: app.iec.clone(),
        foreign_tax_id: app.foreign_tax_id.clone(),
        address: app.address.clone(),
        contact_name: app.contact_name.clone(),
        contact_email: app.contact_email.clone(),
        contact_mobile: app.contact_mobile.clone(),
        bank: app.bank.clone(),
        commodity_ids: app.commodity_ids.clone(),
        master_partner_id: app.master_partner_id,
        corporate_group: app.corporate_group.clone(),
        corporate_group_key: app.corporate_group_key.clone(),
        rate_limit_tier: crate::records::Tier::Basic.as_str().into(),
        max_employees: crate::records::DEFAULT_MAX_EMPLOYEES,
        suspended_reason: None,
        suspended_at: None,
        suspended_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let row = row
        .into_active_model()
        .reset_all()
        .insert(tx.db())
        .await
        .map_err(uniqueness::unique_violation)?;
    let mut next = app.clone();
    next.status = ApplicationStatus::Approved.as_str().into();
    next.partner_id = Some(row.id);
    next.decided_at = Some(now);
    next.decided_by = terms.decided_by;
    next.decision_note = terms.notes;
    let after = Application::from(infra::rows::save(tx, next).await?);
    let user = settings::users::create_unchecked(
        tx,
        settings::users::CreateUser {
            kind: "EXTERNAL".into(),
            mobile: Some(app.contact_mobile.clone()),
            full_name: app.contact_name.clone(),
            partner_id: Some(row.id),
            roles: vec![FIRST_USER_ROLE.into()],
            ..Default::default()
        },
        None,
    )
    .await?;
    crate::employees::manage_first_admin(tx, row.id, user.id).await?;
    let partner = Partner::from(row);
    let address: crate::input::Address = serde_json::from_value(app.address.clone()).unwrap_or_default();
    let principal = crate::locations::add_principal(tx, &partner, &address).await?;
    let automatic = terms.decided_by.is_none();
    tx.record(
        infra::change::Change::new(
            TOPIC,
            events::PARTNER_APPROVED,
            "partner.approve",
            "partner",
            partner.id,
            partner.version,
        ),
        json!({ "partner": crate::records::mask::partner(partner.clone()), "application_id": after.id, "first_user_id": user.id,
                "principal_location_id": principal.id, "automatic": automatic }),
    )
    .await?;
    tx.audit(
        "partner_application.approve",
        "partner_application",
        &after.id.to_string(),
        Some(json!({ "partner_id": partner.id, "code": &partner.code, "automatic": automatic })),
    )
    .await?;
    Ok(Decision {
        application: after,
        partner: Some(partner),
        first_user_id: Some(user.id),
    })
}
