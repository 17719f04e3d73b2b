//! A transporter's vehicles: refused for other partners, the registration
//! normalized and checked, one active vehicle per number, versions, reach
//! across partners, and their events.

use infra::testing::TestInfra;
use infra::{Actor, DomainError, ErrorKind, Infra, PageRequest};
use partners::places::{NewVehicle, PlaceService, VehicleChanges};
use partners::records::PartnerService;
use partners::{Caller, Partner};
use uuid::Uuid;

use crate::records::approved;
use crate::support::{SELLER_DOCUMENTS, documents, fields, manager, seller, service};

/// An approved transporter numbered `n`.
pub async fn transporter(t: &TestInfra, n: u32) -> Partner {
    let apps = service(t);
    let admin = manager();
    let mut input = seller(n);
    input.partner_type = "transporter".into();
    input.annual_turnover = Some("20000000".parse().unwrap());
    let app = apps.start(&Caller::staff(&admin), input).await.unwrap().value;
    documents(&apps, app.id, &SELLER_DOCUMENTS, true).await;
    let submitted = apps.submit(&Caller::staff(&admin), app.id).await.unwrap().value;
    let id = submitted.application.partner_id.expect("auto-approved");
    PartnerService::new(t.infra().clone())
        .get(&Actor::system(), id)
        .await
        .unwrap()
}

fn truck(number: &str) -> NewVehicle {
    NewVehicle {
        registration_number: number.into(),
        vehicle_type: "truck".into(),
        capacity: "25".parse().unwrap(),
        capacity_unit: "mt".into(),
        rc_expires_on: chrono::NaiveDate::from_ymd_opt(2030, 3, 31),
    }
}

fn user_of(partner: Uuid) -> Actor {
    let mut actor = Actor::user(
        infra::ActorKind::External,
        Uuid::now_v7(),
        ["PARTNER_MANAGE".to_owned()],
    );
    actor.partner_id = Some(partner);
    actor
}

async fn vehicles_are_for_transporters(t: TestInfra) {
    let seller = approved(&t, 1).await;
    let carrier = transporter(&t, 2).await;
    let places = PlaceService::new(t.infra().clone());
    let staff = manager();
    let refused = places
        .add_vehicle(&staff, seller.id, truck("GJ01AB1234"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    let bad = places
        .add_vehicle(&staff, carrier.id, truck("1234 ABCD"))
        .await
        .unwrap_err();
    assert_eq!(fields(&bad), ["registration_number"]);
    let own = user_of(carrier.id);
    let added = places
        .add_vehicle(&own, carrier.id, truck("gj 01 ab-1234"))
        .await
        .unwrap()
        .value;
    assert_eq!(
        (added.registration_number.as_str(), added.capacity_unit.as_str()),
        ("GJ01AB1234", "MT")
    );
    let twice = places
        .add_vehicle(&staff, carrier.id, truck("GJ01AB1234"))
        .await
        .unwrap_err();
    assert_eq!(twice.code(), "vehicle_exists");
    let foreign = places
        .vehicles(&user_of(seller.id), carrier.id, PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(foreign.kind(), ErrorKind::NotFound);

    let bigger = VehicleChanges {
        capacity: Some("30".parse().unwrap()),
        ..VehicleChanges::default()
    };
    let changed = places
        .update_vehicle(&own, carrier.id, added.id, bigger.clone(), Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!(changed.version, 2);
    let stale = places
        .update_vehicle(&own, carrier.id, added.id, bigger, Some(1))
        .await
        .unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::PreconditionFailed);
    let gone = places
        .deactivate_vehicle(&own, carrier.id, added.id, Some(2))
        .await
        .unwrap()
        .value;
    assert!(!gone.is_active);
    let again = places
        .add_vehicle(&staff, carrier.id, truck("GJ01AB1234"))
        .await
        .unwrap();
    assert!(
        again.value.is_active,
        "a deactivated number may be registered again"
    );

    let mut rows: Vec<_> = <infra::outbox::entity::Entity as infra::sea_orm::EntityTrait>::find()
        .all(t.db())
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.aggregate_id == carrier.id.to_string())
        .collect();
    rows.sort_by_key(|e| e.id);
    let types: Vec<&str> = rows.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "PartnerApproved",
            "PartnerVehicleAdded",
            "PartnerVehicleUpdated",
            "PartnerVehicleUpdated",
            "PartnerVehicleAdded"
        ]
    );
}

#[test]
fn indian_registrations() {
    use partners::places::vehicles::is_indian_registration;
    for ok in ["GJ01AB1234", "MH12DE1433", "DL3CAB1234", "KA011234"] {
        assert!(is_indian_registration(ok), "{ok}");
    }
    for bad in ["GJAB1234", "G01AB1234", "GJ01AB12345", "GJ01ABCD1234", "1234GJ01"] {
        assert!(!is_indian_registration(bad), "{bad}");
    }
}

infra::backend_tests!(vehicles_are_for_transporters);
