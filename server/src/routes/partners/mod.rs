//! The partners module: onboarding applications (the applicant with its
//! onboarding token, staff with an access token), their documents and
//! decisions, under `/api/v1/partners`, and the `partner-events` area.

pub mod amendments;
pub mod amendments_openapi;
pub mod applications;
pub mod decisions;
pub mod documents;
pub mod employees;
pub mod kyc;
pub mod kyc_documents;
pub mod kyc_openapi;
pub mod places;
pub mod places_openapi;
pub mod records;
pub mod records_openapi;

use actix_web::web;
use partners::{Application, PARTNER_READ};
use utoipa::OpenApi;

use crate::http::etag::Tagged;
use crate::jobs::Job;
use crate::modules::Module;
use crate::realtime::{Area, Scope};
use crate::state::AppState;

/// The entry of the partners module.
pub const MODULE: Module = Module {
    api: configure,
    openapi,
    areas: AREAS,
    jobs,
    ..Module::new("partners")
};

/// The KYC reminders and expiry check (daily), and the hourly sweep of
/// document files whose write never committed (an hour spares uploads in flight).
fn jobs(state: &AppState) -> Vec<Job> {
    let applications = state.applications.clone();
    let mut jobs = kyc::jobs(state);
    jobs.push(Job::every(
        "partners.document_sweep",
        std::time::Duration::from_secs(3600),
        move |_| {
            let applications = applications.clone();
            Box::pin(async move {
                let swept = applications
                    .sweep_orphans(chrono::Duration::hours(1))
                    .await
                    .map_err(|e| match e {
                        infra::ServiceError::Infra(e) => e,
                        other => infra::InfraError::Files(other.to_string()),
                    })?;
                Ok(swept as u64)
            })
        },
    ));
    jobs
}

/// Partners and applications are platform-wide: staff with PARTNER_READ see
/// every event, a partner's users those of their own partner.
const AREAS: &[Area] = &[Area::new(
    partners::TOPIC,
    &[
        "partner",
        "partner_application",
        "partner_amendment",
        "partner_kyc_reminder",
    ],
    PARTNER_READ,
    Scope::Platform,
)];

/// The partners paths.
#[derive(OpenApi)]
#[openapi(
    paths(
        applications::start, applications::list, applications::get, applications::update,
        decisions::submit, decisions::approve, decisions::reject, decisions::request_info,
        documents::upload, documents::list, documents::file, documents::verify,
    ),
    tags((name = "partners", description = "Onboarding applications, documents, decisions and partners")),
)]
struct Doc;

/// The partners paths: applications, documents and decisions, KYC, places,
/// employees and `/me`, amendments, then the records.
fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = <Doc as OpenApi>::openapi();
    doc.merge(<kyc::KycDoc as OpenApi>::openapi());
    doc.merge(<places::PlacesDoc as OpenApi>::openapi());
    doc.merge(<employees::EmployeesDoc as OpenApi>::openapi());
    doc.merge(<amendments_openapi::AmendmentsDoc as OpenApi>::openapi());
    doc.merge(<records::RecordsDoc as OpenApi>::openapi());
    doc
}

/// Registers the partners routes under `/api/v1/partners`; the records last,
/// since `/{partner_id}` would take any first segment.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/partners")
            .configure(applications::configure)
            .configure(decisions::configure)
            .configure(documents::configure)
            .configure(kyc::configure)
            .configure(kyc_documents::configure)
            .configure(places::configure)
            .configure(employees::configure)
            .configure(amendments::configure)
            .configure(records::configure),
    );
}

impl Tagged for Application {
    fn version(&self) -> i64 {
        self.version
    }
}
