//! Documents of an application: which are required before submit, which are
//! missing (present, or verified for an automatic approval), and the trade
//! capabilities the verified ones give (DOMAIN.md, Partners). Pure rules
//! first, then the one query over `partner_documents`.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use infra::ServiceError;

use crate::entity::{application, document};
use crate::types::{DocumentType, EntityClass, PartnerType};

/// One requirement: any one of `any_of`, with `number` when it is for a listed vehicle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// Any of these types satisfies it.
    pub any_of: Vec<DocumentType>,
    /// The vehicle a vehicle_rc must name.
    pub number: Option<String>,
}

impl Requirement {
    fn one(kind: DocumentType) -> Self {
        Self {
            any_of: vec![kind],
            number: None,
        }
    }

    /// How the requirement reads in a 422: `bank_proof or cancelled_cheque`, `vehicle_rc for GJ03AB1234`.
    pub fn label(&self) -> String {
        let names: Vec<&str> = self.any_of.iter().map(|d| d.as_str()).collect();
        match &self.number {
            Some(n) => format!("{} for {n}", names.join(" or ")),
            None => names.join(" or "),
        }
    }

    fn met_by(&self, doc: &document::Model) -> bool {
        DocumentType::parse(&doc.document_type).is_some_and(|t| self.any_of.contains(&t))
            && self.number.as_ref().is_none_or(|n| {
                doc.document_number
                    .as_deref()
                    .is_some_and(|d| d.eq_ignore_ascii_case(n))
            })
    }
}

/// The documents required before submit: every applicant a bank_proof or
/// cancelled_cheque; Indian business entities gst_certificate and pan_card;
/// importers and exporters also iec; transporters a vehicle_rc per vehicle.
pub fn required_documents(partner_type: PartnerType, india: bool, vehicles: &[String]) -> Vec<Requirement> {
    let mut required = vec![Requirement {
        any_of: vec![DocumentType::BankProof, DocumentType::CancelledCheque],
        number: None,
    }];
    if india && partner_type.entity_class() == EntityClass::BusinessEntity {
        required.push(Requirement::one(DocumentType::GstCertificate));
        required.push(Requirement::one(DocumentType::PanCard));
    }
    if matches!(partner_type, PartnerType::Importer | PartnerType::Exporter) {
        required.push(Requirement::one(DocumentType::Iec));
    }
    if partner_type == PartnerType::Transporter {
        for vehicle in vehicles {
            required.push(Requirement {
                any_of: vec![DocumentType::VehicleRc],
                number: Some(vehicle.clone()),
            });
        }
    }
    required
}

/// The requirements of `required` no document of `docs` meets.
pub fn unmet(required: &[Requirement], docs: &[document::Model]) -> Vec<String> {
    required
        .iter()
        .filter(|r| !docs.iter().any(|d| r.met_by(d)))
        .map(Requirement::label)
        .collect()
}

/// The trade capabilities verified documents give: an Indian business entity
/// with GST certificate and PAN card buys and sells in India, with an IEC also
/// imports and exports; a foreign business entity with its tax id trades in
/// its home country; service providers get none.
pub fn capabilities(partner_type: PartnerType, india: bool, verified: &[DocumentType]) -> Vec<String> {
    let has = |t: DocumentType| verified.contains(&t);
    let mut caps = BTreeSet::new();
    if partner_type.entity_class() == EntityClass::ServiceProvider {
        return Vec::new();
    }
    if india && has(DocumentType::GstCertificate) && has(DocumentType::PanCard) {
        caps.extend(["domestic_buy_india", "domestic_sell_india"]);
        if has(DocumentType::Iec) {
            caps.extend(["import_allowed", "export_allowed"]);
        }
    }
    if !india && has(DocumentType::ForeignTaxId) {
        caps.extend(["domestic_buy_home", "domestic_sell_home"]);
    }
    caps.into_iter().map(str::to_owned).collect()
}

/// Which documents apply to `app`'s rules.
fn requirements_of(app: &application::Model) -> Vec<Requirement> {
    let partner_type = PartnerType::parse(&app.partner_type).unwrap_or(PartnerType::Buyer);
    let vehicles: Vec<String> = serde_json::from_value(app.vehicle_numbers.clone()).unwrap_or_default();
    required_documents(partner_type, app.country == "IN", &vehicles)
}

/// The documents of application `app`.
pub async fn of_application<C: ConnectionTrait>(
    db: &C,
    app: &application::Model,
) -> Result<Vec<document::Model>, ServiceError> {
    Ok(document::Entity::find()
        .filter(document::Column::ApplicationId.eq(app.id))
        .all(db)
        .await?)
}

/// The required documents `app` does not carry yet (what submit refuses with).
pub async fn missing_required_documents<C: ConnectionTrait>(
    db: &C,
    app: &application::Model,
) -> Result<Vec<String>, ServiceError> {
    Ok(unmet(&requirements_of(app), &of_application(db, app).await?))
}

/// The required documents of `app` not verified yet (an automatic approval waits for none).
pub async fn unverified_required_documents<C: ConnectionTrait>(
    db: &C,
    app: &application::Model,
) -> Result<Vec<String>, ServiceError> {
    let verified: Vec<document::Model> = of_application(db, app)
        .await?
        .into_iter()
        .filter(|d| d.verified)
        .collect();
    Ok(unmet(&requirements_of(app), &verified))
}

/// The capabilities `app`'s verified documents give.
pub async fn verified_capabilities<C: ConnectionTrait>(
    db: &C,
    app: &application::Model,
) -> Result<Vec<String>, ServiceError> {
    let verified: Vec<DocumentType> = of_application(db, app)
        .await?
        .into_iter()
        .filter(|d| d.verified)
        .filter_map(|d| DocumentType::parse(&d.document_type))
        .collect();
    let partner_type = PartnerType::parse(&app.partner_type).unwrap_or(PartnerType::Buyer);
    Ok(capabilities(partner_type, app.country == "IN", &verified))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_follow_type_and_country() {
        let labels = |r: Vec<Requirement>| r.iter().map(Requirement::label).collect::<Vec<_>>();
        assert_eq!(
            labels(required_documents(PartnerType::Seller, true, &[])),
            ["bank_proof or cancelled_cheque", "gst_certificate", "pan_card"]
        );
        assert_eq!(
            labels(required_documents(PartnerType::Exporter, true, &[])),
            [
                "bank_proof or cancelled_cheque",
                "gst_certificate",
                "pan_card",
                "iec"
            ]
        );
        assert_eq!(
            labels(required_documents(PartnerType::Importer, false, &[])),
            ["bank_proof or cancelled_cheque", "iec"]
        );
        assert_eq!(
            labels(required_documents(
                PartnerType::Transporter,
                true,
                &["GJ03AB1234".into()]
            )),
            ["bank_proof or cancelled_cheque", "vehicle_rc for GJ03AB1234"]
        );
    }

    #[test]
    fn capabilities_follow_verified_documents() {
        use DocumentType::*;
        assert_eq!(
            capabilities(PartnerType::Trader, true, &[GstCertificate, PanCard]),
            ["domestic_buy_india", "domestic_sell_india"]
        );
        assert_eq!(
            capabilities(PartnerType::Exporter, true, &[GstCertificate, PanCard, Iec]).len(),
            4
        );
        assert!(capabilities(PartnerType::Seller, true, &[GstCertificate]).is_empty());
        assert!(capabilities(PartnerType::Broker, true, &[GstCertificate, PanCard]).is_empty());
        assert_eq!(
            capabilities(PartnerType::Buyer, false, &[ForeignTaxId]),
            ["domestic_buy_home", "domestic_sell_home"]
        );
        assert!(capabilities(PartnerType::Buyer, false, &[GstCertificate, PanCard]).is_empty());
    }
}
