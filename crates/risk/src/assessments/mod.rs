//! Stored assessments: seller, buyer, trade and counterparty, each scored by
//! the rules of [`crate::precheck`] on the facts of [`crate::facts`], stored
//! in `risk_assessments` with an id and announced by RiskAssessed (aggregate
//! `risk_assessment`, topic [`crate::TOPIC`]). Running one needs
//! RISK_ASSESS, reading one RISK_READ; a partner's users reach only what
//! concerns their own partner (404 otherwise).
//!
//! ```no_run
//! use infra::{Actor, AppInfra, InfraConfig};
//! use risk::assessments::{AssessmentService, TradeAssessment};
//!
//! # async fn demo(staff: Actor, buyer: uuid::Uuid, seller: uuid::Uuid) -> Result<(), Box<dyn std::error::Error>> {
//! let infra = AppInfra::connect(&InfraConfig::embedded("./data/app.db")).await?;
//! let assessments = AssessmentService::new(infra);
//! let input = TradeAssessment { buyer_partner_id: buyer, seller_partner_id: seller, value: "250000".parse()? };
//! let answer = assessments.trade(&staff, input).await?.value;
//! println!("{} {:?}: {}", answer.score, answer.status, answer.recommendation);
//! # Ok(()) }
//! ```

pub mod entity;
pub mod input;
pub mod model;
mod run;

use infra::change::Change;
use infra::service_error::require;
use infra::{Actor, Infra, ServiceError, WriteTx};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::json;
use uuid::Uuid;

pub use input::{CounterpartyAssessment, SideAssessment, TradeAssessment};
pub use model::Assessment;

use self::entity::assessment;
use crate::{RISK_READ, TOPIC};

/// The event of a stored assessment.
pub const RISK_ASSESSED: &str = "RiskAssessed";
/// The aggregate type of an assessment's events.
pub const AGGREGATE: &str = "risk_assessment";

/// Runs, stores and reads assessments.
#[derive(Clone)]
pub struct AssessmentService<I: Infra> {
    pub(crate) infra: I,
}

impl<I: Infra> AssessmentService<I> {
    /// The service over `infra`.
    pub fn new(infra: I) -> Self {
        Self { infra }
    }

    /// Assessment `id`. Capability: RISK_READ; a partner's users read only
    /// those naming their own partner (404 `assessment` otherwise).
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Assessment, ServiceError> {
        require(actor, RISK_READ)?;
        let row = assessment::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("assessment"))?;
        if let Some(own) = actor.partner_id
            && row.partner_id != own
            && row.other_partner_id != Some(own)
        {
            return Err(ServiceError::NotFound("assessment"));
        }
        view(row)
    }
}

/// The API view of a stored row.
fn view(row: assessment::Model) -> Result<Assessment, ServiceError> {
    Ok(serde_json::from_value(row.result)?)
}

/// Stores `a` in `tx` (its id, creator and time set) and emits RiskAssessed.
pub(crate) async fn store(tx: &WriteTx, mut a: Assessment) -> Result<Assessment, ServiceError> {
    a.created_by = tx.actor().user_id;
    a.created_at = tx.now();
    let result = json!(a);
    assessment::ActiveModel {
        id: Set(a.id),
        kind: Set(a.kind.clone()),
        partner_id: Set(a.partner_id),
        other_partner_id: Set(a.other_partner_id),
        input: Set(a.input.clone()),
        score: Set(a.score),
        status: Set(a.status.as_str().to_owned()),
        result: Set(result.clone()),
        created_by: Set(a.created_by),
        created_at: Set(a.created_at),
    }
    .insert(tx.db())
    .await?;
    tx.record(
        Change::new(TOPIC, RISK_ASSESSED, "risk.assess", AGGREGATE, a.id, 1),
        json!({ "id": a.id, "assessment": result }),
    )
    .await?;
    Ok(a)
}
