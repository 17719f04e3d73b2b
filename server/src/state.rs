//! What every handler can reach: the infrastructure, the configuration, the
//! metrics, and every service, built once per server.

pub mod children;
pub mod lookup;
pub mod partner_facts;

use std::sync::Arc;

use infra::AppInfra;
use settings::commodities::CommodityService;
use settings::locations::LocationService;
use settings::organizations::OrganizationService;
use settings::roles::RoleService;
use settings::users::UserService;
use user_auth::{AccountService, AuthService};

use crate::config::Config;
use crate::metrics::Metrics;

/// Shared application state, one per server (cloned into each worker).
#[derive(Clone)]
pub struct AppState {
    /// The infrastructure bundle.
    pub infra: AppInfra,
    /// The validated configuration.
    pub config: Arc<Config>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Login, tokens and sessions.
    pub auth: AuthService<AppInfra>,
    /// Accounts (users with credentials and sessions).
    pub accounts: AccountService<AppInfra>,
    /// User management.
    pub users: UserService<AppInfra>,
    /// Roles.
    pub roles: RoleService<AppInfra>,
    /// Organizations.
    pub organizations: OrganizationService<AppInfra>,
    /// Locations.
    pub locations: LocationService<AppInfra>,
    /// The commodity catalogue.
    pub commodities: CommodityService<AppInfra>,
    /// Partner onboarding applications.
    pub applications: partners::ApplicationService<AppInfra>,
    /// Approved business partners (records).
    pub partners: partners::PartnerService<AppInfra>,
    /// A partner's places.
    pub places: partners::places::PlaceService<AppInfra>,
    /// Amendments of partners' registered facts.
    pub amendments: partners::amendments::AmendmentService<AppInfra>,
    /// Sub-users of partner users (employees they created).
    pub sub_users: partners::employees::SubUserService<AppInfra>,
    /// A partner's employees.
    pub employees: partners::employees::EmployeeService<AppInfra>,
    /// What a partner's user sees of its partner.
    pub me: partners::me::MeService<AppInfra>,
    /// Risk assessments (seller, buyer, trade, counterparty).
    pub assessments: risk::assessments::AssessmentService<AppInfra>,
    /// Risk validations (party links, roles).
    pub risk_validations: risk::validations::ValidationService<AppInfra>,
    /// The risk exposure ledger, performance records and exposure monitor.
    pub ledger: risk::LedgerService<AppInfra>,
    /// The generic child and term services of the settings module.
    pub children: Arc<children::Children>,
    /// Rate-limit policies.
    pub limits: crate::http::rate_limit::Limits,
    /// This instance's WebSockets.
    pub hub: crate::realtime::Hub,
}

impl AppState {
    /// The state for `infra` under `config`, its hub serving the channels of
    /// `areas`: loads the token keys and builds every service.
    pub async fn new(config: Config, infra: AppInfra, areas: crate::realtime::Areas) -> anyhow::Result<Self> {
        let auth_config = config.auth()?;
        let documents = partners::files::DocumentStore::from_url(&config.document_store_url)
            .map_err(|e| anyhow::anyhow!("DOCUMENT_STORE_URL cannot be used: {e}"))?;
        let applications = partners::ApplicationService::new(infra.clone())
            .with_time_zone(config.timezone())
            .with_documents(documents);
        let lookup = std::sync::Arc::new(crate::state::lookup::OpenApplications(applications.clone()));
        let auth = AuthService::start(infra.clone(), auth_config.clone())
            .await?
            .with_onboarding_lookup(lookup)
            .with_partner_lookup(Arc::new(partner_facts::PartnerRecords))
            .with_login_hook(Arc::new(partners::employees::EmployeeActivation));
        Ok(Self {
            applications,
            accounts: AccountService::new(infra.clone(), auth_config.clone()),
            sub_users: partners::employees::SubUserService::new(infra.clone(), auth_config.clone()),
            employees: partners::employees::EmployeeService::new(infra.clone(), auth_config),
            me: partners::me::MeService::new(infra.clone()),
            users: UserService::new(infra.clone()),
            roles: RoleService::new(infra.clone()),
            organizations: OrganizationService::new(infra.clone()),
            locations: LocationService::new(infra.clone())
                .with_reference(infra::references::Reference::new(
                    "partner_locations",
                    "location_id",
                    "partner locations",
                ))
                .with_reference(infra::references::Reference::new(
                    "requirement_delivery_locations",
                    "location_id",
                    "requirements' delivery locations",
                ))
                .with_reference(infra::references::Reference::new(
                    "availabilities",
                    "location_id",
                    "availabilities",
                )),
            commodities: CommodityService::new(infra.clone()),
            partners: partners::PartnerService::new(infra.clone())
                .with_credit_limit_hook(Arc::new(risk::exposure::Rebanding)),
            places: partners::places::PlaceService::new(infra.clone()),
            amendments: partners::amendments::AmendmentService::new(infra.clone()),
            assessments: risk::assessments::AssessmentService::new(infra.clone()),
            risk_validations: risk::validations::ValidationService::new(infra.clone()),
            ledger: risk::LedgerService::new(infra.clone()),
            children: Arc::new(children::Children::new(&infra)),
            limits: config.limits()?,
            hub: crate::realtime::Hub::new(infra.clone(), areas),
            auth,
            metrics: Metrics::new()?,
            config: Arc::new(config),
            infra,
        })
    }
}
