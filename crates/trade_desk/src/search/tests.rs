//! The ranking: score order, ties by newest, radius, price ceiling, pages.

use super::*;
use chrono::Duration;

#[derive(Clone, Debug, PartialEq)]
struct Item {
    id: Uuid,
    at: DateTime<Utc>,
    staple: Option<Decimal>,
    price: Option<Decimal>,
    places: Vec<Point>,
}

impl Candidate for Item {
    fn id(&self) -> Uuid {
        self.id
    }
    fn created_at(&self) -> DateTime<Utc> {
        self.at
    }
    fn owner(&self) -> Uuid {
        self.id
    }
    fn quality_value(&self, code: &str) -> Option<Decimal> {
        (code == "staple_length").then_some(self.staple).flatten()
    }
    fn base_price(&self) -> Option<Decimal> {
        self.price
    }
    fn places(&self) -> &[Point] {
        &self.places
    }
}

const RAJKOT: Point = Point {
    lat: 22.3039,
    lng: 70.8022,
};
const AHMEDABAD: Point = Point {
    lat: 23.0225,
    lng: 72.5714,
};

fn item(minutes: i64, staple: &str, price: i64, place: Point) -> Item {
    Item {
        id: Uuid::now_v7(),
        at: DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minutes),
        staple: staple.parse().ok(),
        price: Some(Decimal::from(price)),
        places: vec![place],
    }
}

fn criteria() -> Criteria {
    let range = Range {
        min: Some(Decimal::from(28)),
        max: Some(Decimal::from(32)),
        preferred: Some(Decimal::from(30)),
    };
    Criteria {
        quality: [("staple_length".to_owned(), range)].into(),
        preferred_price: Some(Decimal::from(100)),
        max_price: Some(Decimal::from(200)),
        near: Some(Near {
            point: RAJKOT,
            radius_km: 250.0,
        }),
    }
}

#[test]
fn ranks_by_score_then_newest_and_drops_what_is_out_of_reach() {
    let best = item(1, "30", 100, RAJKOT);
    let tie_old = item(2, "32", 150, RAJKOT);
    let tie_new = item(3, "32", 150, RAJKOT);
    let far = item(4, "30", 100, Point { lat: 28.6, lng: 77.2 });
    let dear = item(5, "30", 201, RAJKOT);
    let away = item(6, "30", 100, AHMEDABAD);
    let all = vec![
        tie_old.clone(),
        far,
        best.clone(),
        dear,
        tie_new.clone(),
        away.clone(),
    ];
    let page = rank(all, &criteria(), None, 10);
    let ids: Vec<Uuid> = page.items.iter().map(|s| s.item.id).collect();
    assert_eq!(
        ids,
        [best.id, away.id, tie_new.id, tie_old.id],
        "Delhi is beyond 250 km, 201 above the max"
    );
    assert_eq!(page.items[0].score, 1.0);
    let second = &page.items[1];
    assert!(
        second.parts.proximity > 0.2 && second.parts.proximity < 0.22,
        "{second:?}"
    );
    assert_eq!(
        page.items[2].parts,
        Parts {
            quality: 0.5,
            price: 0.5,
            proximity: 1.0
        }
    );
    assert_eq!(page.items[2].score, 0.6);
    assert_eq!(page.next_cursor, None);
}

#[test]
fn pages_follow_the_cursor_without_repeats_or_gaps() {
    let items: Vec<Item> = (0..25)
        .map(|i| item(i, &format!("{}", 28 + i % 5), 100 + 4 * i, RAJKOT))
        .collect();
    let whole = rank(items.clone(), &criteria(), None, 100);
    let mut paged = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let page = rank(items.clone(), &criteria(), after.as_ref(), 7);
        paged.extend(page.items.iter().map(|s| s.item.id));
        match page.next_cursor {
            Some(c) => after = Cursor::decode(&c).ok(),
            None => break,
        }
    }
    let all: Vec<Uuid> = whole.items.iter().map(|s| s.item.id).collect();
    assert_eq!(paged, all);
    assert_eq!(all.len(), 25);
    let scores: Vec<f64> = whole.items.iter().map(|s| s.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[test]
fn without_a_preferred_price_the_lowest_candidate_price_fits_fully() {
    let cheap = item(1, "30", 120, RAJKOT);
    let middle = item(2, "30", 160, RAJKOT);
    let criteria = Criteria {
        max_price: Some(Decimal::from(200)),
        ..Criteria::default()
    };
    let page = rank(vec![middle, cheap], &criteria, None, 10);
    let prices: Vec<f64> = page.items.iter().map(|s| s.parts.price).collect();
    assert_eq!(prices, [1.0, 0.5]);
    assert_eq!(page.items[0].parts.quality, 1.0, "no quality asked");
}

#[test]
fn the_circle_takes_all_three_fields() {
    assert!(near(None, None, None).is_ok_and(|n| n.is_none()));
    assert!(near(Some(22.0), Some(70.0), Some(10.0)).is_ok_and(|n| n.is_some()));
    assert!(near(Some(22.0), None, Some(10.0)).is_err());
    assert!(near(Some(95.0), Some(70.0), Some(10.0)).is_err());
    assert!(page_size(Some(0)).is_err());
    assert_eq!(page_size(None).ok(), Some(DEFAULT_LIMIT));
}
