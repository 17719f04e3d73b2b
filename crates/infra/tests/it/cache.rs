//! The cache-aside helper on both backends.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use infra::testing::TestInfra;
use infra::{Cache, Infra, Kv, kv::RedisKv};

fn cache(t: &TestInfra) -> Cache {
    Cache::new(t.kv(), "test", Duration::from_secs(60))
}

async fn loads_once_then_hits(t: TestInfra) {
    let loads = Arc::new(AtomicUsize::new(0));
    let c = Arc::new(cache(&t));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (c, loads) = (c.clone(), loads.clone());
        tasks.push(tokio::spawn(async move {
            c.get_or_load(
                "k",
                |_| true,
                || async move {
                    loads.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Ok::<_, ()>(41)
                },
            )
            .await
            .unwrap()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 41);
    }
    assert_eq!(loads.load(Ordering::SeqCst), 1, "concurrent misses load once");
    let again: i32 = c
        .get_or_load("k", |_| true, || async { Ok::<_, ()>(99) })
        .await
        .unwrap();
    assert_eq!(again, 41);
}

async fn invalidation_reloads(t: TestInfra) {
    let c = cache(&t);
    let v: String = c
        .get_or_load("k", |_| true, || async { Ok::<_, ()>("old".into()) })
        .await
        .unwrap();
    assert_eq!(v, "old");
    c.invalidate("k").await;
    let v: String = c
        .get_or_load("k", |_| true, || async { Ok::<_, ()>("new".into()) })
        .await
        .unwrap();
    assert_eq!(v, "new");
}

async fn a_value_loaded_before_an_invalidation_is_not_written_back(t: TestInfra) {
    let c = cache(&t);
    let (loaded_tx, loaded_rx) = tokio::sync::oneshot::channel::<()>();
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let slow = {
        let c = c.clone();
        tokio::spawn(async move {
            c.get_or_load(
                "k",
                |_| true,
                || async move {
                    let _ = loaded_tx.send(());
                    let _ = go_rx.await;
                    Ok::<_, ()>("stale".to_owned())
                },
            )
            .await
            .unwrap()
        })
    };
    loaded_rx.await.unwrap();
    c.invalidate("k").await; // a commit changed the source meanwhile
    go_tx.send(()).unwrap();
    assert_eq!(slow.await.unwrap(), "stale", "the slow reader gets what it read");
    let next: String = c
        .get_or_load("k", |_| true, || async { Ok::<_, ()>("fresh".into()) })
        .await
        .unwrap();
    assert_eq!(next, "fresh", "the stale value was not written back");
}

async fn stale_by_predicate_reloads(t: TestInfra) {
    let c = cache(&t);
    let _: i32 = c
        .get_or_load("k", |_| true, || async { Ok::<_, ()>(1) })
        .await
        .unwrap();
    let v: i32 = c
        .get_or_load("k", |v: &i32| *v > 1, || async { Ok::<_, ()>(2) })
        .await
        .unwrap();
    assert_eq!(v, 2);
}

async fn an_unreachable_store_reads_the_source(_t: TestInfra) {
    let dead = RedisKv::connect("redis://127.0.0.1:1", 1, Duration::from_millis(200)).unwrap();
    let c = Cache::new(&Kv::redis(dead, "down:"), "test", Duration::from_secs(60));
    let v: i32 = c
        .get_or_load("k", |_| true, || async { Ok::<_, ()>(7) })
        .await
        .unwrap();
    assert_eq!(v, 7);
    c.invalidate("k").await;
}

infra::backend_tests!(
    loads_once_then_hits,
    invalidation_reloads,
    a_value_loaded_before_an_invalidation_is_not_written_back,
    stale_by_predicate_reloads,
    an_unreachable_store_reads_the_source,
);

/// Waits up to two seconds for `done`.
async fn eventually(done: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn an_invalidation_elsewhere_stops_near_answers_until_it_arrives(t: TestInfra) {
    let other = t.another_instance().await;
    let (here, there) = (t.kv().near().clone(), other.kv().near().clone());
    assert!(eventually(|| here.is_live() && there.is_live()).await);
    let mine = cache(&t);
    let theirs = Cache::new(other.kv(), "test", Duration::from_secs(60));
    let v: i32 = theirs
        .get_or_load("k", |_| true, || async { Ok::<_, ()>(1) })
        .await
        .unwrap();
    assert_eq!(v, 1);
    mine.invalidate("k").await;
    // The other instance reads the invalidation number on its next request,
    // before its message may have arrived: nothing stale is served.
    other.kv().request_check(&[], None).await.unwrap();
    let v: i32 = theirs
        .get_or_load("k", |_| true, || async { Ok::<_, ()>(2) })
        .await
        .unwrap();
    assert_eq!(v, 2, "the value after the invalidation");
}

infra::postgres_tests!(an_invalidation_elsewhere_stops_near_answers_until_it_arrives);
