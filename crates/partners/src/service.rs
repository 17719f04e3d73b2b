//! Onboarding applications: start, update (draft or info_requested), read
//! and list. Submitting and deciding are in [`crate::decisions`], documents
//! in [`crate::document_service`], [`crate::document_review`] and
//! [`crate::document_files`].

use chrono::NaiveDate;
use infra::change::{Change, diff_of, record_update};
use infra::rows::{VersionRule, check_version, save_if_changed};
use infra::write::{WriteTx, write};
use infra::{Infra, Page, PageRequest, ServiceError, Written};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Caller, Scope};
use crate::entity::application;
use crate::files::DocumentStore;
use crate::input::{ApplicationFilter, StartApplication, UpdateApplication};
use crate::model::Application;
use crate::types::{ApplicationStatus, PartnerType};
use crate::validate::{Valid, validate};
use crate::{PARTNER_ONBOARD, PARTNER_READ, TOPIC, events, uniqueness};

/// Onboarding applications over any [`Infra`].
#[derive(Clone)]
pub struct ApplicationService<I: Infra> {
    pub(crate) infra: I,
    pub(crate) time_zone: chrono_tz::Tz,
    pub(crate) documents: DocumentStore,
}

/// The change of application `app` for its event and audit row.
pub(crate) fn change<'a>(event: &'a str, action: &'a str, app: &Application) -> Change<'a> {
    Change::new(TOPIC, event, action, "partner_application", app.id, app.version)
}

/// The stored application `id`, locked for the change on PostgreSQL.
pub(crate) async fn for_change(
    tx: &WriteTx,
    scope: &Scope,
    id: Uuid,
) -> Result<application::Model, ServiceError> {
    let row = infra::rows::for_update(tx, application::Entity::find_by_id(id))
        .one(tx.db())
        .await?
        .ok_or(ServiceError::NotFound("application"))?;
    scope.reach(&row)?;
    Ok(row)
}

/// The application's status as stored.
pub(crate) fn status_of(row: &application::Model) -> ApplicationStatus {
    ApplicationStatus::parse(&row.status).unwrap_or(ApplicationStatus::Draft)
}

fn json_of<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ServiceError> {
    Ok(serde_json::to_value(value)?)
}

/// `row` holding every field of `valid`.
fn fill(mut row: application::Model, valid: &Valid) -> Result<application::Model, ServiceError> {
    let input = &valid.input;
    row.legal_name = input.legal_name.clone();
    row.trade_name = input.trade_name.clone();
    row.partner_type = valid.partner_type.as_str().to_owned();
    row.entity_type = valid.entity_type.as_str().to_owned();
    row.country = valid.country.clone();
    row.gstin = input.gstin.clone();
    row.pan = input.pan.clone();
    row.iec = input.iec.clone();
    row.foreign_tax_id = input.foreign_tax_id.clone();
    row.address = json_of(&input.address)?;
    row.contact_name = input.contact.full_name.clone();
    row.contact_email = input.contact.email.clone();
    row.contact_mobile = input.contact.mobile.clone();
    row.bank = input.bank.as_ref().map(json_of).transpose()?;
    row.commodity_ids = json_of(&input.commodity_ids)?;
    row.vehicle_numbers = json_of(&input.vehicle_numbers)?;
    row.master_partner_id = input.master_partner_id;
    row.corporate_group = input.corporate_group.clone();
    row.corporate_group_key = valid.corporate_group_key.clone();
    row.business_start_date = input.business_start_date;
    row.annual_turnover = input.annual_turnover.map(infra::Money::scaled);
    row.gst_compliance = valid.gst_compliance.map(|g| g.as_str().to_owned());
    row.has_own_lab = input.has_own_lab;
    row.has_own_transport = input.has_own_transport;
    Ok(row)
}

/// The stored application as the input that would create it (updates apply onto it).
fn start_of(row: &application::Model) -> StartApplication {
    let view = Application::from(row.clone());
    StartApplication {
        legal_name: view.legal_name,
        trade_name: view.trade_name,
        partner_type: view.partner_type,
        entity_type: view.entity_type,
        country: Some(view.country),
        gstin: view.gstin,
        pan: view.pan,
        iec: view.iec,
        foreign_tax_id: view.foreign_tax_id,
        address: view.address,
        contact: view.contact,
        bank: view.bank,
        commodity_ids: view.commodity_ids,
        vehicle_numbers: view.vehicle_numbers,
        business_start_date: view.business_start_date,
        annual_turnover: view.annual_turnover,
        gst_compliance: view.gst_compliance,
        has_own_lab: view.has_own_lab,
        has_own_transport: view.has_own_transport,
        master_partner_id: view.master_partner_id,
        corporate_group: view.corporate_group,
    }
}

impl<I: Infra> ApplicationService<I> {
    /// A service over `infra`, with business dates in Asia/Kolkata (the
    /// platform default) and document files in the local directory
    /// `./data/documents` ([`DocumentStore::default_local`]).
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            time_zone: chrono_tz::Asia::Kolkata,
            documents: DocumentStore::default_local(),
        }
    }

    /// The same service keeping document files in `store` (from
    /// `DOCUMENT_STORE_URL`, see [`DocumentStore::from_url`]).
    pub fn with_documents(mut self, store: DocumentStore) -> Self {
        self.documents = store;
        self
    }

    /// The store of document files.
    pub fn documents(&self) -> &DocumentStore {
        &self.documents
    }

    /// The same service with business dates (business age, KYC expiry) in `time_zone`.
    pub fn with_time_zone(mut self, time_zone: chrono_tz::Tz) -> Self {
        self.time_zone = time_zone;
        self
    }

    /// Today's business date.
    pub(crate) fn today(&self, now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
        now.with_timezone(&self.time_zone).date_naive()
    }

    /// Starts an application (draft). Staff need PARTNER_ONBOARD; the applicant
    /// may start one for its own mobile only. At most one open application per
    /// mobile (409 `application_in_progress`); tax ids in use are 409 `tax_id_in_use`.
    pub async fn start(
        &self,
        caller: &Caller<'_>,
        input: StartApplication,
    ) -> Result<Written<Application>, ServiceError> {
        caller.require(PARTNER_ONBOARD)?;
        let valid = validate(input, self.today(self.infra.clock().now()))?;
        if caller.mobile().is_some_and(|m| m != valid.input.contact.mobile) {
            return Err(ServiceError::field(
                "contact.mobile",
                "must be the mobile number you verified",
            ));
        }
        let started_by = caller.actor().user_id;
        write(&self.infra, caller.actor(), move |tx| {
            Box::pin(async move {
                uniqueness::check(tx.db(), &valid, None).await?;
                let now = tx.now();
                let blank = application::Model {
                    id: infra::ids::new_id(),
                    status: ApplicationStatus::Draft.as_str().to_owned(),
                    legal_name: String::new(),
                    trade_name: None,
                    partner_type: String::new(),
                    entity_type: String::new(),
                    country: String::new(),
                    gstin: None,
                    pan: None,
                    iec: None,
                    foreign_tax_id: None,
                    address: json!({}),
                    contact_name: String::new(),
                    contact_email: None,
                    contact_mobile: String::new(),
                    bank: None,
                    commodity_ids: json!([]),
                    master_partner_id: None,
                    corporate_group: None,
                    corporate_group_key: None,
                    vehicle_numbers: json!([]),
                    business_start_date: None,
                    annual_turnover: None,
                    gst_compliance: None,
                    has_own_lab: false,
                    has_own_transport: false,
                    score: None,
                    risk_category: None,
                    routing: None,
                    recommended_credit_limit: None,
                    factors: None,
                    submitted_at: None,
                    decided_at: None,
                    decided_by: None,
                    decision_note: None,
                    partner_id: None,
                    started_by,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                };
                let row = fill(blank, &valid)?
                    .into_active_model()
                    .reset_all()
                    .insert(tx.db())
                    .await
                    .map_err(uniqueness::unique_violation)?;
                let app = Application::from(row);
                tx.record(
                    change(events::APPLICATION_STARTED, "partner_application.start", &app),
                    json!({ "application": &app }),
                )
                .await?;
                Ok(app)
            })
        })
        .await
    }

    /// Changes the fields present while the application is a draft or info
    /// was requested (409 `application_not_editable` otherwise); the result is
    /// validated as a whole. `expected_version` (If-Match) or `version` must be
    /// current when given.
    pub async fn update(
        &self,
        caller: &Caller<'_>,
        id: Uuid,
        input: UpdateApplication,
        expected_version: Option<i64>,
    ) -> Result<Written<Application>, ServiceError> {
        caller.require(PARTNER_ONBOARD)?;
        let expected = expected_version.or(input.version);
        let today = self.today(self.infra.clock().now());
        let scope = caller.scope();
        write(&self.infra, caller.actor(), move |tx| {
            Box::pin(async move {
                let before = for_change(tx, &scope, id).await?;
                check_version(expected, before.version, VersionRule::Optional)?;
                if !matches!(
                    status_of(&before),
                    ApplicationStatus::Draft | ApplicationStatus::InfoRequested
                ) {
                    return Err(ServiceError::conflict(
                        "application_not_editable",
                        format!(
                            "the application is {}; only draft and info_requested ones change",
                            before.status
                        ),
                    ));
                }
                if input.contact.as_ref().is_some_and(|c| {
                    settings::users::normalize_mobile(&c.mobile).ok().as_deref()
                        != Some(&before.contact_mobile)
                }) {
                    return Err(ServiceError::field(
                        "contact.mobile",
                        "cannot change: it is the applicant's credential",
                    ));
                }
                let valid = validate(input.apply(start_of(&before)), today)?;
                uniqueness::check(tx.db(), &valid, Some(id)).await?;
                let next = fill(before.clone(), &valid)?;
                let (after, _) = save_if_changed(tx, &before, next).await.map_err(|e| match e {
                    ServiceError::Infra(infra::InfraError::Database(db)) => uniqueness::unique_violation(db),
                    other => other,
                })?;
                let old = Application::from(before);
                let app = Application::from(after);
                let changes = diff_of(&old, &app)?;
                let payload = json!({ "id": id, "changes": &changes });
                let event = change(events::APPLICATION_UPDATED, "partner_application.update", &app);
                record_update(tx, event, &changes, payload).await?;
                Ok(app)
            })
        })
        .await
    }

    /// One application: staff with PARTNER_READ, its applicant, or a user
    /// (with PARTNER_READ) of the partner it was approved into; 404 for anyone else.
    pub async fn get(&self, caller: &Caller<'_>, id: Uuid) -> Result<Application, ServiceError> {
        caller.require(PARTNER_READ)?;
        let row = application::Entity::find_by_id(id)
            .one(self.infra.db())
            .await?
            .ok_or(ServiceError::NotFound("application"))?;
        caller.reach(&row)?;
        Ok(Application::from(row))
    }

    /// A page of applications ordered by id, by status, type and text (legal or
    /// trade name, GSTIN, PAN); the applicant sees those of its mobile, a
    /// partner's user only its partner's.
    pub async fn list(
        &self,
        caller: &Caller<'_>,
        filter: ApplicationFilter,
        page: PageRequest,
    ) -> Result<Page<Application>, ServiceError> {
        caller.require(PARTNER_READ)?;
        let mut query = application::Entity::find()
            .order_by_asc(application::Column::Id)
            .limit(page.fetch());
        if let Some(after) = page.after {
            query = query.filter(application::Column::Id.gt(after));
        }
        if let Some(status) = filter.status.as_deref() {
            let status = ApplicationStatus::parse(status).ok_or_else(|| {
                ServiceError::field("status", &format!("must be {}", ApplicationStatus::choices()))
            })?;
            query = query.filter(application::Column::Status.eq(status.as_str()));
        }
        if let Some(kind) = filter.partner_type.as_deref() {
            let kind = PartnerType::parse(kind)
                .ok_or_else(|| ServiceError::field("type", &format!("must be {}", PartnerType::choices())))?;
            query = query.filter(application::Column::PartnerType.eq(kind.as_str()));
        }
        let text: Option<String> = filter
            .text
            .map(|t| t.trim().to_lowercase().replace(['%', '_', '\\'], ""))
            .filter(|t| !t.is_empty());
        if let Some(text) = text {
            let pattern = format!("%{text}%");
            let mut any = Condition::any();
            for column in [
                application::Column::LegalName,
                application::Column::TradeName,
                application::Column::Gstin,
                application::Column::Pan,
            ] {
                any = any.add(Func::lower(Expr::col(column)).like(pattern.clone()));
            }
            query = query.filter(any);
        }
        let scope = caller.scope();
        if let Some(mobile) = scope.mobile {
            query = query.filter(application::Column::ContactMobile.eq(mobile));
        }
        if let Some(partner) = scope.partner_id {
            query = query.filter(application::Column::PartnerId.eq(partner));
        }
        let rows = query.all(self.infra.db()).await?;
        Ok(Page::from_rows(rows, page, |r| r.id).map(Application::from))
    }
}
