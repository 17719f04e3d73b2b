//! The OpenAPI paths of partner amendments and the request schemas they
//! accept, carrying the constraints `partners::amendments` enforces.

use utoipa::{OpenApi, ToSchema};

use super::amendments;

/// `POST /partners/{partner_id}/amendments`.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct AmendmentBody {
    /// The field to change.
    #[schema(pattern = "^(legal_name|trade_name|gstin|pan|bank|address)$")]
    field: String,
    /// A string for legal_name, trade_name, gstin and pan (checked as at
    /// onboarding: GSTIN check digit and state, PAN = GSTIN characters 3 to
    /// 12); `{account_name, account_number, ifsc}` for bank; the
    /// application's address shape for address.
    new_value: serde_json::Value,
    /// Why, 3..500 characters.
    #[schema(min_length = 3, max_length = 500)]
    reason: String,
    /// The supporting document, required for gstin (a gst_certificate) and
    /// pan (a pan_card): one of the partner's documents.
    document_id: Option<uuid::Uuid>,
}

/// `POST /partners/amendments/{amendment_id}/reject`.
#[derive(ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // a schema only
pub struct RejectBody {
    /// Why, 3..500 characters.
    #[schema(min_length = 3, max_length = 500)]
    reason: String,
}

/// The amendment paths, merged into the partners module's document.
#[derive(OpenApi)]
#[openapi(
    paths(
        amendments::request,
        amendments::list,
        amendments::get,
        amendments::approve,
        amendments::reject,
    ),
    components(schemas(AmendmentBody, RejectBody, partners::amendments::Amendment))
)]
pub struct AmendmentsDoc;
