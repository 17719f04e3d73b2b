//! The monitor's bands at each boundary: the pure table, and the same table
//! through the ledger and the monitor on both backends.

use infra::PageRequest;
use infra::testing::TestInfra;
use risk::Side;
use risk::exposure::{Band, Severity, classify, utilisation};

use crate::support::{adjustment, d, ledger, manager, partner};

/// (utilised of a 100000 limit, utilisation, band, severity).
const TABLE: &[(&str, &str, Band, Severity)] = &[
    ("0", "0", Band::Green, Severity::None),
    ("49999", "49.99", Band::Green, Severity::None),
    ("49990", "49.99", Band::Green, Severity::None),
    ("50000", "50", Band::Yellow, Severity::Low),
    ("74990", "74.99", Band::Yellow, Severity::Low),
    ("75000", "75", Band::Yellow, Severity::Medium),
    ("89990", "89.99", Band::Yellow, Severity::Medium),
    ("90000", "90", Band::Red, Severity::High),
    ("99990", "99.99", Band::Red, Severity::High),
    ("100000", "100", Band::Red, Severity::Critical),
];

#[test]
fn every_boundary_has_its_band_and_severity() {
    for (utilised, percent, band, severity) in TABLE {
        let got = utilisation(d(utilised), d("100000"));
        assert_eq!(got, d(percent), "{utilised}");
        assert_eq!(classify(got), (*band, *severity), "{utilised}");
    }
    assert_eq!(classify(d("150")), (Band::Red, Severity::Critical));
    assert_eq!(utilisation(d("0"), d("0")), d("0"), "no limit, nothing owed");
    assert_eq!(utilisation(d("1"), d("0")), d("100"), "no limit, something owed");
}

async fn the_monitor_shows_each_boundary(t: TestInfra) {
    let ledger = ledger(&t);
    let boss = manager();
    for (utilised, percent, band, severity) in TABLE {
        let id = partner(&t, "100000").await;
        if *utilised != "0" {
            ledger
                .adjust(&boss, id, adjustment(Side::Buyer, utilised))
                .await
                .unwrap();
        }
        let seen = ledger.exposure(&boss, id).await.unwrap();
        assert_eq!(seen.utilisation, d(percent), "{utilised}");
        assert_eq!((seen.band, seen.severity), (*band, *severity), "{utilised}");
    }
    let all = ledger.monitor(&boss, None, PageRequest::default()).await.unwrap();
    assert_eq!(all.items.len(), TABLE.len());
    let order: Vec<_> = all.items.iter().map(|r| r.exposure.utilisation).collect();
    let mut sorted = order.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(order, sorted, "highest utilisation first");
    let red = ledger
        .monitor(&boss, Some(Band::Red), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(red.items.len(), 3);
    assert!(red.items.iter().all(|r| r.exposure.band == Band::Red));
    let first = ledger
        .monitor(&boss, None, PageRequest::parse(Some(4), None).unwrap())
        .await
        .unwrap();
    assert_eq!(first.items.len(), 4);
    let rest = PageRequest::parse(Some(50), first.next_cursor.as_deref()).unwrap();
    let rest = ledger.monitor(&boss, None, rest).await.unwrap();
    assert_eq!(rest.items.len(), TABLE.len() - 4);
    assert_eq!(rest.next_cursor, None);
    assert_eq!(rest.items[0].exposure.utilisation, order[4]);
}

infra::backend_tests!(the_monitor_shows_each_boundary);
