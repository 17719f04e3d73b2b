//! The OpenAPI paths of the KYC routes and the schemas they answer.

use partners::kyc::ExpiringPartner;
use utoipa::{OpenApi, ToSchema};

use super::kyc;

/// `GET /partners/kyc/expiring`: the partners, soonest first.
#[derive(ToSchema, serde::Serialize)]
#[allow(dead_code)] // a schema only
pub struct ExpiringList {
    /// The partners whose KYC runs out within the days asked.
    items: Vec<ExpiringPartner>,
}

/// The KYC paths.
#[derive(OpenApi)]
#[openapi(paths(kyc::expiring), components(schemas(ExpiringList, ExpiringPartner)))]
pub struct KycDoc;
