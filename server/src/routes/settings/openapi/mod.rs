//! The settings module's passes over the OpenAPI document: the generic child
//! and trade-term routes (one set of handlers serves every kind, so their
//! paths are described here) and their request schemas.

mod bodies;
mod term_bodies;

pub use bodies::ChildBodies;
pub use term_bodies::TermBodies;

use crate::openapi::crud::Crud;

/// Documents the generic child routes of organizations (one set of handlers
/// serves every child kind, so their paths are described here); a pass of the
/// settings module's document.
pub(crate) struct OrganizationChildren;

impl utoipa::Modify for OrganizationChildren {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use settings::organizations::Child;
        use settings::organizations::{bank_accounts, financial_years, gst, series};
        for (segment, what, version_note) in [
            (
                gst::GstRegistrations::SEGMENT,
                "GST registrations (`gstin` with check digit, `branch_code`, `is_primary`)",
                "",
            ),
            (
                bank_accounts::BankAccounts::SEGMENT,
                "bank accounts (`account_holder`, `bank_name`, `account_number`, `ifsc`, `is_default`)",
                "",
            ),
            (
                financial_years::FinancialYears::SEGMENT,
                "financial years (`start_date` < `end_date`, no overlap, `is_active`)",
                " Updates must carry `version` (or If-Match); a stale one is 409.",
            ),
            (
                series::DocumentSeriesChild::SEGMENT,
                "document series (`document_type`, `prefix`, `financial_year_id`, `reset_annually`)",
                "",
            ),
        ] {
            let collection = format!("/api/v1/settings/organizations/{{org_id}}/{segment}");
            let update = format!("Changes one of the {what}.{version_note}");
            let crud = Crud {
                what,
                update: &update,
                read: "ORG_READ",
                write: "ORG_UPDATE",
                parent: &["org_id"],
                item: "id",
            };
            crud.add(&mut openapi.paths, &collection);
        }
    }
}

/// Documents the generic commodity children and trade-term masters; a pass of
/// the settings module's document.
pub(crate) struct CommodityParts;

impl utoipa::Modify for CommodityParts {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use infra::children::Child;
        use settings::commodities::terms::{self, TermKind};
        use settings::commodities::{commissions, parameters, varieties};
        let base = "/api/v1/settings/commodities";
        for (segment, what) in [
            (
                varieties::Varieties::SEGMENT,
                "varieties (`code`, `name`, `is_standard`: at most one)",
            ),
            (
                parameters::Parameters::SEGMENT,
                "quality parameters (`name`, `code` snake_case unique per commodity (default the slug of the name; fixed once created), `param_type` NUMERIC/TEXT/RANGE, `unit`, `min_value` < `max_value`, `default_value` within, `is_mandatory`, `display_order`)",
            ),
            (
                commissions::Commissions::SEGMENT,
                "commission structures (`commission_type` PERCENTAGE/FIXED/TIERED, `rate`, `min_amount`, `max_amount`, `applies_to` BUYER/SELLER/BOTH, ordered non-overlapping `tiers`)",
            ),
        ] {
            let update = format!("Changes one of the {what}.");
            let crud = Crud {
                what,
                update: &update,
                read: "COMMODITY_READ",
                write: "COMMODITY_UPDATE",
                parent: &["id"],
                item: "child_id",
            };
            crud.add(&mut openapi.paths, &format!("{base}/{{id}}/{segment}"));
        }
        for (segment, what) in [
            (
                terms::TradeTypes::SEGMENT,
                "trade types (`code`, `name`, `description`)",
            ),
            (terms::BargainTypes::SEGMENT, "bargain types (`needs_approval`)"),
            (
                terms::PassingTerms::SEGMENT,
                "passing terms (`needs_quality_test`)",
            ),
            (
                terms::WeightmentTerms::SEGMENT,
                "weightment terms (`deduction_percent`)",
            ),
            (
                terms::DeliveryTerms::SEGMENT,
                "delivery terms (`freight_included`, `insurance_included`)",
            ),
            (
                terms::PaymentTerms::SEGMENT,
                "payment terms (`days`, `percentage`)",
            ),
        ] {
            let update = format!("Changes one of the {what}; `code` cannot change.");
            let crud = Crud {
                what,
                update: &update,
                read: "COMMODITY_READ",
                write: "COMMODITY_UPDATE",
                parent: &[],
                item: "term_id",
            };
            crud.add(&mut openapi.paths, &format!("{base}/terms/{segment}"));
        }
    }
}
