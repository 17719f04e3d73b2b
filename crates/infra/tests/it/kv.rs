//! The kv conformance suite: the same assertions on Redis and in process.

use std::time::Duration;

use infra::Infra;
use infra::kv::Quota;
use infra::testing::TestInfra;

async fn set_get_delete(t: TestInfra) {
    let kv = t.kv();
    assert_eq!(kv.get("a").await.unwrap(), None);
    kv.set("a", b"1", Duration::from_secs(60)).await.unwrap();
    assert_eq!(kv.get("a").await.unwrap().as_deref(), Some(&b"1"[..]));
    assert!(kv.delete("a").await.unwrap());
    assert!(!kv.delete("a").await.unwrap());
    assert_eq!(kv.get("a").await.unwrap(), None);
}

async fn values_expire(t: TestInfra) {
    let kv = t.kv();
    kv.set("short", b"x", Duration::from_millis(50)).await.unwrap();
    assert!(
        kv.set_if_absent("lock", b"x", Duration::from_millis(50))
            .await
            .unwrap()
    );
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(kv.get("short").await.unwrap(), None);
    assert!(
        kv.set_if_absent("lock", b"y", Duration::from_secs(5))
            .await
            .unwrap(),
        "an expired lock is free again"
    );
}

async fn set_if_absent_has_one_winner(t: TestInfra) {
    let mut tasks = Vec::new();
    for i in 0..32u8 {
        let kv = t.kv().clone();
        tasks.push(tokio::spawn(async move {
            kv.set_if_absent("race", &[i], Duration::from_secs(30))
                .await
                .unwrap()
        }));
    }
    let mut winners = 0;
    for task in tasks {
        winners += usize::from(task.await.unwrap());
    }
    assert_eq!(winners, 1);
}

async fn compare_and_delete_only_own_value(t: TestInfra) {
    let kv = t.kv();
    kv.set("lock", b"owner-a", Duration::from_secs(30)).await.unwrap();
    assert!(!kv.compare_and_delete("lock", b"owner-b").await.unwrap());
    assert!(kv.get("lock").await.unwrap().is_some());
    assert!(kv.compare_and_delete("lock", b"owner-a").await.unwrap());
    assert!(!kv.compare_and_delete("lock", b"owner-a").await.unwrap());
}

async fn increments_are_atomic(t: TestInfra) {
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let kv = t.kv().clone();
        tasks.push(tokio::spawn(async move {
            kv.increment("n", 2, Duration::from_secs(30)).await.unwrap()
        }));
    }
    let mut seen = Vec::new();
    for task in tasks {
        seen.push(task.await.unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, (1..=50).map(|i| i * 2).collect::<Vec<i64>>());
    kv_expiry_kept_on_increment(&t).await;
}

async fn kv_expiry_kept_on_increment(t: &TestInfra) {
    let kv = t.kv();
    assert_eq!(
        kv.increment("window", 1, Duration::from_millis(80))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        kv.increment("window", 1, Duration::from_secs(60)).await.unwrap(),
        2
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        kv.increment("window", 1, Duration::from_secs(60)).await.unwrap(),
        1,
        "the first TTL stands"
    );
}

async fn gcra_allows_burst_then_refuses(t: TestInfra) {
    let kv = t.kv();
    let quota = Quota::per_minute(60, 5);
    for expected in (0..5).rev() {
        let d = kv.gcra_take("rl", quota, 1).await.unwrap();
        assert!(d.allowed);
        assert_eq!(d.remaining, expected);
    }
    let refused = kv.gcra_take("rl", quota, 1).await.unwrap();
    assert!(!refused.allowed);
    assert!(
        refused.retry_after > Duration::from_millis(900) && refused.retry_after <= Duration::from_secs(1)
    );
    let other = kv.gcra_take("rl-other", quota, 1).await.unwrap();
    assert!(other.allowed, "buckets are per key");
}

async fn gcra_is_exact_under_concurrency(t: TestInfra) {
    let quota = Quota::per_minute(1, 10);
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let kv = t.kv().clone();
        tasks.push(tokio::spawn(async move {
            kv.gcra_take("burst", quota, 1).await.unwrap().allowed
        }));
    }
    let mut allowed = 0;
    for task in tasks {
        allowed += usize::from(task.await.unwrap());
    }
    assert_eq!(allowed, 10);
}

async fn clear_prefix_removes_only_own_keys(t: TestInfra) {
    let kv = t.kv();
    kv.set("x", b"1", Duration::from_secs(30)).await.unwrap();
    kv.increment("y", 1, Duration::from_secs(30)).await.unwrap();
    assert_eq!(kv.clear_prefix().await.unwrap(), 2);
    assert_eq!(kv.get("x").await.unwrap(), None);
    kv.ping().await.unwrap();
}

infra::backend_tests!(
    set_get_delete,
    values_expire,
    set_if_absent_has_one_winner,
    compare_and_delete_only_own_value,
    increments_are_atomic,
    gcra_allows_burst_then_refuses,
    gcra_is_exact_under_concurrency,
    clear_prefix_removes_only_own_keys,
);
