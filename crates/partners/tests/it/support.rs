//! Builders shared by the cases: tax ids with valid check digits, inputs, staff.

use infra::{Actor, ActorKind, AppInfra, DomainError};
use partners::document_review::Verification;
use partners::document_service::NewDocument;
use partners::files::{DocumentStore, Upload};
use partners::input::{Address, Bank, Contact, StartApplication};
use partners::{ApplicationService, Caller};
use uuid::Uuid;

/// The PAN numbered `n`.
pub fn pan(n: u32) -> String {
    format!("AAPFU{n:04}F")
}

/// A GSTIN of GST state `state` for the PAN numbered `n`, with its check digit.
pub fn gstin(state: &str, n: u32) -> String {
    let first14 = format!("{state}{}1Z", pan(n));
    let check = settings::tax_ids::gstin_check_char(&first14).unwrap();
    format!("{first14}{check}")
}

/// A ten-digit mobile numbered `n`.
pub fn mobile(n: u32) -> String {
    format!("98{n:08}")
}

/// An Indian seller in Maharashtra, numbered `n` (its PAN, GSTIN and mobile).
pub fn seller(n: u32) -> StartApplication {
    StartApplication {
        legal_name: format!("Shree Cotton {n} Pvt Ltd"),
        partner_type: "seller".into(),
        entity_type: "private_limited".into(),
        gstin: Some(gstin("27", n)),
        pan: Some(pan(n)),
        address: Address {
            line1: "12 Market Yard".into(),
            city: "Jalgaon".into(),
            state_code: Some("MH".into()),
            pincode: "425001".into(),
            latitude: Some(21.0),
            longitude: Some(75.56),
            ..Address::default()
        },
        contact: Contact {
            full_name: "Ramesh Patil".into(),
            email: Some(format!("owner{n}@example.com")),
            mobile: mobile(n),
        },
        bank: Some(Bank {
            account_name: "Shree Cotton".into(),
            account_number: "50100012345678".into(),
            ifsc: "HDFC0001234".into(),
        }),
        ..StartApplication::default()
    }
}

/// Staff holding `caps`.
pub fn staff(caps: &[&str]) -> Actor {
    Actor::user(
        ActorKind::Internal,
        Uuid::now_v7(),
        caps.iter().map(|c| (*c).to_owned()),
    )
}

/// Staff who may do everything with applications.
pub fn manager() -> Actor {
    staff(&[
        "PARTNER_ONBOARD",
        "PARTNER_READ",
        "PARTNER_APPROVE",
        "PARTNER_APPROVE_HIGH_RISK",
        "PARTNER_MANAGE",
    ])
}

/// The field names of an error.
pub fn fields(e: &infra::ServiceError) -> Vec<String> {
    e.field_errors().into_iter().map(|f| f.field).collect()
}

/// The service under test, its document files in memory.
pub fn service(t: &infra::testing::TestInfra) -> ApplicationService<AppInfra> {
    ApplicationService::new(t.infra().clone()).with_documents(DocumentStore::memory())
}

/// A small PDF upload named `name`, its content ending in `marker`.
pub fn pdf(name: &str, marker: &str) -> Upload {
    Upload {
        file_name: Some(name.into()),
        bytes: format!("%PDF-1.7\n% {marker}\n%%EOF\n").into_bytes().into(),
    }
}

/// Adds documents of `kinds` to application `id`, verified when `verify`.
pub async fn documents(service: &ApplicationService<AppInfra>, id: Uuid, kinds: &[&str], verify: bool) {
    let admin = manager();
    for kind in kinds {
        let doc = service
            .add_document(
                &Caller::staff(&admin),
                id,
                NewDocument {
                    document_type: (*kind).into(),
                    document_number: Some("X1234".into()),
                    ..NewDocument::default()
                },
                pdf(&format!("{kind}.pdf"), kind),
            )
            .await
            .unwrap()
            .value;
        if verify {
            service
                .verify_document(
                    &Caller::staff(&admin),
                    doc.application_id,
                    doc.id,
                    Verification::verify(),
                )
                .await
                .unwrap();
        }
    }
}

/// The documents an Indian seller needs.
pub const SELLER_DOCUMENTS: [&str; 3] = ["bank_proof", "gst_certificate", "pan_card"];
