//! Fixtures of the requirement reads: located places, published
//! requirements as a case asks, search bodies.

use infra::testing::TestInfra;
use infra::{Actor, AppInfra};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use settings::locations::{CreateLocation, LocationService};
use trade_desk::requirements::{NewRequirement, Requirement, RequirementSearch, RequirementService};
use uuid::Uuid;

use crate::support::user_of;

/// The capabilities of a buyer's user.
pub const BUY: &[&str] = &["REQUIREMENT_CREATE", "REQUIREMENT_READ"];

pub fn service(t: &TestInfra) -> RequirementService<AppInfra> {
    RequirementService::new(t.infra().clone())
}

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub async fn spot(t: &TestInfra, name: &str, state: &str, lat: f64, lng: f64) -> Uuid {
    let input = CreateLocation {
        name: name.into(),
        place_id: format!("place-{name}"),
        state_code: Some(state.into()),
        city: Some(name.into()),
        pincode: Some("360001".into()),
        latitude: Some(lat),
        longitude: Some(lng),
        ..Default::default()
    };
    let service = LocationService::new(t.infra().clone());
    service
        .create(&Actor::system(), input)
        .await
        .unwrap()
        .value
        .location
        .id
}

pub struct Ask {
    pub location: Uuid,
    pub quality: Value,
    pub max_price: Option<&'static str>,
    pub urgency: &'static str,
    pub visibility: &'static str,
    pub invited: Vec<Uuid>,
}

pub fn ask(location: Uuid) -> Ask {
    Ask {
        location,
        quality: json!({}),
        max_price: None,
        urgency: "NORMAL",
        visibility: "PUBLIC",
        invited: vec![],
    }
}

/// A requirement of `buyer` for `commodity` as `a` says, published.
pub async fn posted(t: &TestInfra, buyer: Uuid, commodity: Uuid, a: Ask) -> Requirement {
    let requirements = service(t);
    let me = user_of(buyer, BUY);
    let input = NewRequirement {
        commodity_id: commodity,
        min_quantity: "100".parse().unwrap(),
        max_quantity: "300".parse().unwrap(),
        delivery_location_ids: vec![a.location],
        quality: a.quality.as_object().cloned(),
        max_price: a.max_price.map(|p| p.parse().unwrap()),
        urgency: Some(a.urgency.into()),
        visibility: Some(a.visibility.into()),
        invited_seller_ids: (!a.invited.is_empty()).then_some(a.invited),
        ..NewRequirement::default()
    };
    let created = requirements.create(&me, input).await.unwrap().value;
    requirements.publish(&me, created.id).await.unwrap().value
}

pub fn search(commodity: Uuid, body: Value) -> RequirementSearch {
    let mut body = body;
    body["commodity_id"] = json!(commodity);
    serde_json::from_value(body).unwrap()
}

pub async fn ids(t: &TestInfra, actor: &Actor, body: RequirementSearch) -> Vec<Uuid> {
    let found = service(t).search(actor, body).await.unwrap();
    found.items.iter().map(|h| h.requirement.id).collect()
}
