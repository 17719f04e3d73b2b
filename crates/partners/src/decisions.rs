//! Submitting an application (score, routing, and an automatic approval once
//! every required document is verified) and the staff decisions on it:
//! approve, reject, request info — each once (a second is 409).

use infra::rows::save;
use infra::write::{WriteTx, write};
use infra::{Infra, Money, ServiceError, ValidationError, Written};
use serde_json::json;
use uuid::Uuid;

use crate::access::Caller;
use crate::approval::{Terms, approve_in};
use crate::entity::application;
use crate::input::Approve;
use crate::model::{Application, Decision};
use crate::scoring::{Facts, score};
use crate::service::{ApplicationService, change, for_change, status_of};
use crate::types::{ApplicationStatus, EntityType, GstCompliance, PartnerType, Routing};
use crate::{PARTNER_APPROVE, PARTNER_APPROVE_HIGH_RISK, PARTNER_ONBOARD, documents, events};

/// The facts `app` is scored on, on business date `today`.
pub fn facts_of(app: &application::Model, today: chrono::NaiveDate) -> Facts {
    Facts {
        partner_type: PartnerType::parse(&app.partner_type).unwrap_or(PartnerType::Buyer),
        entity_type: EntityType::parse(&app.entity_type).unwrap_or(EntityType::Huf),
        business_start_date: app.business_start_date,
        today,
        annual_turnover: app.annual_turnover.map(Money::from_scaled),
        gst_compliance: app.gst_compliance.as_deref().and_then(GstCompliance::parse),
        has_own_lab: app.has_own_lab,
        has_own_transport: app.has_own_transport,
    }
}

fn decided(app: &application::Model) -> ServiceError {
    ServiceError::conflict(
        "application_decided",
        format!("the application is {}; it was decided already", app.status),
    )
}

/// Refuses unless `app` waits for a decision (submitted).
fn awaiting(app: &application::Model) -> Result<(), ServiceError> {
    match status_of(app) {
        ApplicationStatus::Submitted => Ok(()),
        ApplicationStatus::Approved | ApplicationStatus::Rejected => Err(decided(app)),
        _ => Err(ServiceError::conflict(
            "application_not_submitted",
            format!("the application is {}; it is decided once submitted", app.status),
        )),
    }
}

fn routing_of(app: &application::Model) -> Option<Routing> {
    app.routing.as_deref().and_then(Routing::parse)
}

/// Approves `app` automatically when it is routed so, submitted, and every
/// required document is verified; `None` otherwise.
pub(crate) async fn auto_approve_if_ready(
    tx: &WriteTx,
    app: &application::Model,
    today: chrono::NaiveDate,
) -> Result<Option<Decision>, ServiceError> {
    let ready = status_of(app) == ApplicationStatus::Submitted
        && routing_of(app) == Some(Routing::AutoApproved)
        && documents::unverified_required_documents(tx.db(), app)
            .await?
            .is_empty();
    if !ready {
        return Ok(None);
    }
    let terms = Terms {
        credit_limit: None,
        notes: Some("approved automatically: low risk, every required document verified".into()),
        decided_by: None,
        today,
    };
    Ok(Some(approve_in(tx, app.clone(), terms).await?))
}

pub(crate) fn note(field: &str, value: Option<String>, max: usize) -> Result<String, ServiceError> {
    let text = value.map(|v| v.trim().to_owned()).unwrap_or_default();
    let n = text.chars().count();
    if n == 0 || n > max {
        return Err(ServiceError::field(
            field,
            &format!("is required, 1 to {max} characters"),
        ));
    }
    Ok(text)
}

impl<I: Infra> ApplicationService<I> {
    /// Submits a draft (or an application info was requested for): 422
    /// `documents` listing each missing required document; otherwise the
    /// score, risk category, routing, recommended credit limit and factors are
    /// stored, and a low-risk application whose required documents are all
    /// verified is approved in the same transaction.
    pub async fn submit(&self, caller: &Caller<'_>, id: Uuid) -> Result<Written<Decision>, ServiceError> {
        caller.require(PARTNER_ONBOARD)?;
        let service = self.clone();
        let scope = caller.scope();
        write(&self.infra, caller.actor(), move |tx| {
            Box::pin(async move {
                let before = for_change(tx, &scope, id).await?;
                match status_of(&before) {
                    ApplicationStatus::Draft | ApplicationStatus::InfoRequested => {}
                    ApplicationStatus::Submitted => {
                        return Err(ServiceError::conflict(
                            "application_submitted",
                            "the application was submitted already",
                        ));
                    }
                    _ => return Err(decided(&before)),
                }
                let missing = documents::missing_required_documents(tx.db(), &before).await?;
                if !missing.is_empty() {
                    let mut errors = ValidationError { errors: Vec::new() };
                    for label in missing {
                        errors.errors.push(infra::FieldError::new(
                            "documents",
                            format!("{label} is required"),
                        ));
                    }
                    return Err(ServiceError::Invalid(errors));
                }
                let today = service.today(tx.now());
                let outcome = score(&facts_of(&before, today));
                let mut next = before.clone();
                next.status = ApplicationStatus::Submitted.as_str().into();
                next.score = Some(outcome.score);
                next.risk_category = Some(outcome.risk_category.as_str().into());
                next.routing = Some(outcome.routing.as_str().into());
                next.recommended_credit_limit = Some(outcome.recommended_credit_limit.scaled());
                next.factors = Some(serde_json::to_value(&outcome.factors)?);
                next.submitted_at = Some(tx.now());
                let row = save(tx, next).await?;
                let app = Application::from(row.clone());
                tx.record(
                    change(events::APPLICATION_SUBMITTED, "partner_application.submit", &app),
                    json!({ "id": id, "score": outcome.score, "risk_category": outcome.risk_category,
                            "routing": outcome.routing, "factors": &outcome.factors }),
                )
                .await?;
                Ok(match auto_approve_if_ready(tx, &row, today).await? {
                    Some(decision) => decision,
                    None => Decision {
                        application: app,
                        partner: None,
                        first_user_id: None,
                    },
                })
            })
        })
        .await
    }

    /// Approves a submitted application (PARTNER_APPROVE; director and critical
    /// reviews also PARTNER_APPROVE_HIGH_RISK): creates the partner and its first user.
    pub async fn approve(
        &self,
        caller: &Caller<'_>,
        id: Uuid,
        input: Approve,
    ) -> Result<Written<Decision>, ServiceError> {
        let Caller::Staff(actor) = caller else {
            return Err(ServiceError::Forbidden(PARTNER_APPROVE.into()));
        };
        infra::service_error::require(actor, PARTNER_APPROVE)?;
        let scope = caller.scope();
        if input
            .credit_limit
            .is_some_and(|l| l.value().is_sign_negative() && !l.value().is_zero())
        {
            return Err(ServiceError::field("credit_limit", "must not be negative"));
        }
        let service = self.clone();
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, &scope, id).await?;
                awaiting(&before)?;
                if routing_of(&before).is_some_and(Routing::is_high_risk) {
                    infra::service_error::require(tx.actor(), PARTNER_APPROVE_HIGH_RISK)?;
                }
                let terms = Terms {
                    credit_limit: input.credit_limit,
                    notes: input.notes.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
                    decided_by: tx.actor().user_id,
                    today: service.today(tx.now()),
                };
                approve_in(tx, before, terms).await
            })
        })
        .await
    }

    /// Rejects a submitted application with a reason (PARTNER_APPROVE).
    pub async fn reject(
        &self,
        caller: &Caller<'_>,
        id: Uuid,
        reason: Option<String>,
    ) -> Result<Written<Application>, ServiceError> {
        let reason = note("reason", reason, 2000)?;
        self.decide(caller, id, ApplicationStatus::Rejected, reason).await
    }

    /// Sends a submitted application back to the applicant with a message (PARTNER_APPROVE).
    pub async fn request_info(
        &self,
        caller: &Caller<'_>,
        id: Uuid,
        message: Option<String>,
    ) -> Result<Written<Application>, ServiceError> {
        let message = note("message", message, 2000)?;
        self.decide(caller, id, ApplicationStatus::InfoRequested, message)
            .await
    }

    async fn decide(
        &self,
        caller: &Caller<'_>,
        id: Uuid,
        status: ApplicationStatus,
        text: String,
    ) -> Result<Written<Application>, ServiceError> {
        let Caller::Staff(actor) = caller else {
            return Err(ServiceError::Forbidden(PARTNER_APPROVE.into()));
        };
        infra::service_error::require(actor, PARTNER_APPROVE)?;
        let scope = caller.scope();
        write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = for_change(tx, &scope, id).await?;
                awaiting(&before)?;
                let mut next = before;
                next.status = status.as_str().into();
                next.decided_at = Some(tx.now());
                next.decided_by = tx.actor().user_id;
                next.decision_note = Some(text.clone());
                let app = Application::from(save(tx, next).await?);
                let (event, action, key) = match status {
                    ApplicationStatus::Rejected => (
                        events::APPLICATION_REJECTED,
                        "partner_application.reject",
                        "reason",
                    ),
                    _ => (
                        events::INFO_REQUESTED,
                        "partner_application.request_info",
                        "message",
                    ),
                };
                tx.record(change(event, action, &app), json!({ "id": id, key: text }))
                    .await?;
                Ok(app)
            })
        })
        .await
    }
}
