//! A partner's places: the GSTIN of a branch in another state, ship_to for
//! buyers and traders only, one active principal, versions, reach across
//! partners, deactivation refused while referenced, and their events.

use infra::references::Reference;
use infra::sea_orm::EntityTrait;
use infra::testing::TestInfra;
use infra::{Actor, ActorKind, AppInfra, DomainError, ErrorKind, Infra, PageRequest};
use partners::input::Address;
use partners::places::{LocationChanges, NewLocation, PlaceService};
use uuid::Uuid;

use crate::records::approved;
use crate::support::{fields, gstin, manager};

fn places(t: &TestInfra) -> PlaceService<AppInfra> {
    PlaceService::new(t.infra().clone())
}

fn admin_of(partner: Uuid) -> Actor {
    let mut actor = Actor::user(ActorKind::External, Uuid::now_v7(), ["PARTNER_MANAGE".to_owned()]);
    actor.partner_id = Some(partner);
    actor
}

fn address(state: &str) -> Address {
    Address {
        line1: "Plot 4, GIDC".into(),
        city: "Rajkot".into(),
        state_code: Some(state.into()),
        pincode: "360003".into(),
        latitude: Some(22.3),
        longitude: Some(70.8),
        ..Address::default()
    }
}

fn branch(state: &str, gstin: Option<String>) -> NewLocation {
    NewLocation {
        name: format!("Branch {state}"),
        location_type: "branch".into(),
        address: Some(address(state)),
        gstin,
        ..NewLocation::default()
    }
}

async fn events(t: &TestInfra, partner: Uuid) -> Vec<String> {
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .filter(|e| e.aggregate_id == partner.to_string())
        .map(|e| e.event_type)
        .collect()
}

async fn branches_need_their_state_s_gstin(t: TestInfra) {
    let seller = approved(&t, 1).await;
    let service = places(&t);
    let staff = manager();
    let wrong = service
        .add_location(&staff, seller.id, branch("MH", Some(gstin("24", 1))))
        .await
        .unwrap_err();
    assert_eq!(fields(&wrong), ["gstin"]);
    let missing = service
        .add_location(&staff, seller.id, branch("GJ", None))
        .await
        .unwrap_err();
    assert_eq!(fields(&missing), ["gstin"]);
    let other_pan = service
        .add_location(&staff, seller.id, branch("GJ", Some(gstin("24", 9))))
        .await
        .unwrap_err();
    assert_eq!(fields(&other_pan), ["gstin"]);
    let mut bad_state = branch("GJ", None);
    bad_state.address.as_mut().unwrap().state_code = Some("ZZ".into());
    let bad_state = service
        .add_location(&staff, seller.id, bad_state)
        .await
        .unwrap_err();
    assert!(fields(&bad_state).contains(&"address.state_code".to_owned()));
    let same_state = service
        .add_location(&staff, seller.id, branch("MH", None))
        .await
        .unwrap();
    assert_eq!(same_state.value.gstin, None);
    let gj = service
        .add_location(
            &staff,
            seller.id,
            branch("GJ", Some(gstin("24", 1).to_lowercase())),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(gj.gstin, Some(gstin("24", 1)));
    assert_eq!((gj.state_code.as_deref(), gj.is_active), (Some("GJ"), true));

    let mut ship_to = branch("MH", None);
    ship_to.location_type = "ship_to".into();
    let refused = service
        .add_location(&staff, seller.id, ship_to)
        .await
        .unwrap_err();
    assert_eq!(fields(&refused), ["location_type"]);
    let mut principal = branch("MH", None);
    principal.location_type = "principal".into();
    let second = service
        .add_location(&staff, seller.id, principal)
        .await
        .unwrap_err();
    assert_eq!(
        (second.kind(), second.code()),
        (ErrorKind::Conflict, "principal_exists")
    );

    let page = service
        .locations(&staff, seller.id, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 3, "the principal and two branches");
    assert_eq!(
        events(&t, seller.id).await,
        ["PartnerApproved", "PartnerLocationAdded", "PartnerLocationAdded"]
    );
}

async fn updates_check_versions_reach_and_references(t: TestInfra) {
    let one = approved(&t, 1).await;
    let two = approved(&t, 2).await;
    let service = places(&t);
    let own = admin_of(one.id);
    let added = service
        .add_location(&own, one.id, branch("MH", None))
        .await
        .unwrap()
        .value;
    let foreign = service
        .add_location(&admin_of(two.id), one.id, branch("MH", None))
        .await
        .unwrap_err();
    assert_eq!(foreign.kind(), ErrorKind::NotFound);
    let hidden = service
        .location(&admin_of(two.id), one.id, added.id)
        .await
        .unwrap_err();
    assert_eq!(hidden.kind(), ErrorKind::NotFound);

    let rename = LocationChanges {
        name: Some("Jalgaon yard".into()),
        ..LocationChanges::default()
    };
    let renamed = service
        .update_location(&own, one.id, added.id, rename.clone(), Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!((renamed.name.as_str(), renamed.version), ("Jalgaon yard", 2));
    let stale = service
        .update_location(&own, one.id, added.id, rename, Some(1))
        .await
        .unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::PreconditionFailed);
    let moved = LocationChanges {
        address: Some(address("GJ")),
        ..LocationChanges::default()
    };
    let moved = service
        .update_location(&own, one.id, added.id, moved, None)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&moved),
        ["gstin"],
        "a branch moved to another state needs its GSTIN"
    );

    let referenced = places(&t).with_reference(Reference::new("partner_locations", "id", "places"));
    let refused = referenced
        .deactivate_location(&own, one.id, added.id, None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "partner_location_in_use");
    let gone = service
        .deactivate_location(&own, one.id, added.id, Some(2))
        .await
        .unwrap()
        .value;
    assert_eq!((gone.is_active, gone.version), (false, 3));
    assert_eq!(
        events(&t, one.id).await,
        [
            "PartnerApproved",
            "PartnerLocationAdded",
            "PartnerLocationUpdated",
            "PartnerLocationUpdated"
        ]
    );
}

infra::backend_tests!(
    branches_need_their_state_s_gstin,
    updates_check_versions_reach_and_references
);
