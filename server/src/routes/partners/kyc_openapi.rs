//! The OpenAPI paths of the KYC routes and the schemas they answer.

use partners::kyc::ExpiringPartner;
use partners::kyc::renewals::Renewal;
use utoipa::{OpenApi, ToSchema};

use super::{kyc, kyc_documents};

/// `GET /partners/kyc/expiring`: the partners, soonest first.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)] // a schema only
pub struct ExpiringList {
    /// The partners whose KYC runs out within the days asked.
    items: Vec<ExpiringPartner>,
    /// Pass as `cursor` for the next page; absent on the last.
    next_cursor: Option<String>,
}

/// `POST /partners/{partner_id}/kyc/renewals/{renewal_id}/complete`.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct CompleteRenewalBody {
    /// `pass` or `fail`.
    #[schema(pattern = "^(pass|fail)$")]
    result: String,
    /// Why: 3 to 500 characters, required when it fails.
    #[schema(min_length = 3, max_length = 500)]
    reason: Option<String>,
}

/// The KYC paths.
#[derive(OpenApi)]
#[openapi(
    paths(
        kyc::expiring,
        kyc::start_renewal,
        kyc::complete_renewal,
        kyc_documents::upload,
        kyc_documents::list
    ),
    components(schemas(
        ExpiringList,
        ExpiringPartner,
        CompleteRenewalBody,
        Renewal,
        partners::document_service::Document
    ))
)]
pub struct KycDoc;
