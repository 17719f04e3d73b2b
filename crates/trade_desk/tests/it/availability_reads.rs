//! Reading availabilities: visibility (PUBLIC, PRIVATE, RESTRICTED,
//! INTERNAL; none before approval), the audience of their events, the
//! seller's own, negotiation readiness and similar availabilities.

use infra::testing::TestInfra;
use infra::{DomainError, PageRequest};
use serde_json::json;
use uuid::Uuid;

use crate::availabilities::{DESK, SELL, offer, service};
use crate::support::{cotton, place, staff, trader, user_of};

fn read(partner: Uuid) -> infra::Actor {
    user_of(partner, &["AVAILABILITY_READ"])
}

/// The audience stored with the newest event about `id`.
async fn audience_of(t: &TestInfra, id: Uuid) -> Option<infra::outbox::Audience> {
    use infra::Infra;
    use infra::sea_orm::EntityTrait;
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    let newest = rows
        .iter()
        .rev()
        .find(|e| e.aggregate_id == id.to_string())
        .unwrap();
    infra::outbox::Audience::from_metadata(&newest.metadata)
}

async fn reads_and_events_follow_visibility(t: TestInfra) {
    let (seller, listed, stranger) = (trader(&t).await, trader(&t).await, trader(&t).await);
    let cotton = cotton(&t, "Shankar-6").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let me = user_of(seller, SELL);
    let availabilities = service(&t);
    let mut made = Vec::new();
    for (i, visibility) in ["PUBLIC", "PRIVATE", "RESTRICTED", "INTERNAL"].iter().enumerate() {
        let mut input = offer(cotton.id, yard);
        input.quantity = format!("{}", 100 + i).parse().unwrap();
        input.visibility = Some((*visibility).into());
        if *visibility == "RESTRICTED" {
            input.allowed_buyer_ids = Some(vec![listed]);
        }
        let created = availabilities.create(&me, input).await.unwrap().value;
        let pending = availabilities.get(&read(stranger), created.id).await.unwrap_err();
        assert_eq!(
            pending.code(),
            "not_found",
            "{visibility}: nobody else sees it before approval"
        );
        assert_eq!(
            audience_of(&t, created.id).await.map(|a| a.partners),
            Some(vec![seller]),
            "{visibility}: its creation reaches the seller (and staff) alone"
        );
        availabilities.approve(&staff(DESK), created.id).await.unwrap();
        made.push(created.id);
    }
    let sees = |who: Option<Uuid>| {
        let availabilities = availabilities.clone();
        let made = made.clone();
        async move {
            let actor = who.map_or_else(|| staff(&["AVAILABILITY_READ"]), read);
            let mut seen = Vec::new();
            for id in made {
                seen.push(availabilities.get(&actor, id).await.is_ok());
            }
            seen
        }
    };
    assert_eq!(sees(Some(seller)).await, [true; 4], "the seller sees its own");
    assert_eq!(sees(None).await, [true; 4], "staff see every one");
    assert_eq!(sees(Some(listed)).await, [true, false, true, false]);
    assert_eq!(sees(Some(stranger)).await, [true, false, false, false]);
    let audiences = [
        audience_of(&t, made[0]).await,
        audience_of(&t, made[2]).await,
        audience_of(&t, made[3]).await,
    ];
    let mut restricted = vec![seller, listed];
    restricted.sort();
    let mut got = audiences[1].clone().unwrap().partners;
    got.sort();
    assert_eq!(audiences[0], None, "an approved PUBLIC one reaches every partner");
    assert_eq!(got, restricted, "a RESTRICTED one its seller and listed buyers");
    assert_eq!(
        audiences[2].clone().unwrap().partners,
        [seller],
        "an INTERNAL one its seller"
    );
    let e = availabilities
        .get(&user_of(stranger, &[]), made[0])
        .await
        .unwrap_err();
    assert_eq!(e.code(), "capability_missing");

    let mine = availabilities
        .mine(&read(seller), None, Some("active".into()), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 4);
    let theirs = availabilities
        .mine(&read(stranger), None, None, PageRequest::default())
        .await
        .unwrap();
    assert!(theirs.items.is_empty());
    let e = availabilities
        .mine(&staff(&["AVAILABILITY_READ"]), None, None, PageRequest::default())
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "seller_partner_id");
}

async fn readiness_and_similar_availabilities(t: TestInfra) {
    let (seller, other) = (trader(&t).await, trader(&t).await);
    let cotton = cotton(&t, "Shankar-6").await;
    let kin = crate::support::cotton(&t, "MCU-5").await;
    let yard = place(&t, "Rajkot", "GJ").await;
    let availabilities = service(&t);
    let desk = staff(DESK);
    let post = |who: Uuid, commodity: Uuid, quality: serde_json::Value, price: &str| {
        let quantity = format!("1{}", &price[..2]);
        let availabilities = availabilities.clone();
        let desk = desk.clone();
        let price = price.to_owned();
        async move {
            let mut input = offer(commodity, yard);
            input.quality = quality.as_object().cloned();
            input.price = Some(price.parse().unwrap());
            input.quantity = quantity.parse().unwrap();
            let made = availabilities
                .create(&user_of(who, SELL), input)
                .await
                .unwrap()
                .value;
            availabilities.approve(&desk, made.id).await.unwrap();
            made.id
        }
    };
    let origin = post(
        seller,
        cotton.id,
        json!({"staple_length": 29, "micronaire": 4, "trash": 2}),
        "61000",
    )
    .await;
    let close = post(
        other,
        kin.id,
        json!({"staple_length": 29, "micronaire": 4, "trash": 3}),
        "62000",
    )
    .await;
    let cheap = post(
        other,
        cotton.id,
        json!({"staple_length": 30, "micronaire": 4}),
        "55000",
    )
    .await;
    let dear = post(
        seller,
        kin.id,
        json!({"staple_length": 28, "micronaire": 4}),
        "64000",
    )
    .await;
    let _unrelated = post(
        other,
        cotton.id,
        json!({"staple_length": 28, "moisture": 7}),
        "50000",
    )
    .await;

    let reader = read(other);
    let ready = availabilities.readiness(&reader, origin).await.unwrap();
    assert_eq!(ready.parts.quality, 0.24, "3 of 5 parameters");
    assert_eq!(
        (
            ready.parts.price,
            ready.parts.delivery_terms,
            ready.parts.quantity
        ),
        (0.3, 0.0, 0.1)
    );
    assert_eq!(ready.score, 0.64);
    let parts: Vec<&str> = ready.recommendations.iter().map(|r| r.part.as_str()).collect();
    assert_eq!(parts, ["quality", "delivery_terms"]);
    assert!(
        ready.recommendations[0].recommendation.contains("strength"),
        "{:?}",
        ready.recommendations
    );

    let similar = availabilities.similar(&reader, origin, None).await.unwrap();
    let ids: Vec<Uuid> = similar.iter().map(|s| s.availability.id).collect();
    assert_eq!(
        ids[..3],
        [close, cheap, dear],
        "overlap first (1.0, then 2/3 twice), then price"
    );
    assert_eq!(similar[0].overlap, 1.0);
    assert_eq!(similar[1].shared_codes, ["micronaire", "staple_length"]);
    assert_eq!(ids.len(), 4, "the unrelated one shares staple_length: 1/4");
    let e = availabilities
        .similar(&reader, origin, Some(0))
        .await
        .unwrap_err();
    assert_eq!(e.field_errors()[0].field, "limit");
}

infra::backend_tests!(
    reads_and_events_follow_visibility,
    readiness_and_similar_availabilities
);
