//! Matching weights: the seeded categories, and staff with
//! MATCHING_EXECUTE setting a category's weights (each 0..1, adding up to
//! 1), audited; partners and bad weights refused.

use infra::testing::TestInfra;
use infra::{DomainError, Infra};
use trade_desk::matching::SetWeights;

use crate::matching::{DESK_MATCHING, matching};
use crate::support::{staff, trader, user_of};

async fn staff_set_the_weights_of_a_category(t: TestInfra) {
    let service = matching(&t);
    let desk = staff(DESK_MATCHING);
    let seeded = service.weights(&desk).await.unwrap();
    let codes: Vec<&str> = seeded.items.iter().map(|w| w.category.as_str()).collect();
    assert_eq!(codes, ["COTTON", "DEFAULT", "OIL", "OILSEEDS", "RICE", "WHEAT"]);
    let wheat = seeded.items.iter().find(|w| w.category == "WHEAT").unwrap();
    assert_eq!(
        (
            wheat.weights.quality,
            wheat.weights.price,
            wheat.weights.delivery,
            wheat.weights.risk
        ),
        (0.35, 0.35, 0.2, 0.1)
    );
    assert_eq!(wheat.weights.min_score, 0.5);
    let input = SetWeights {
        category: "yarn".into(),
        quality: 0.5,
        price: 0.3,
        delivery: 0.1,
        risk: 0.1,
        min_score: 0.55,
    };
    let made = service.set_weights(&desk, input.clone()).await.unwrap().value;
    assert_eq!((made.category.as_str(), made.version), ("YARN", 1));
    let changed = service
        .set_weights(
            &desk,
            SetWeights {
                min_score: 0.65,
                ..input.clone()
            },
        )
        .await
        .unwrap()
        .value;
    assert_eq!((changed.version, changed.weights.min_score), (2, 0.65));
    let e = service
        .set_weights(
            &desk,
            SetWeights {
                risk: 0.2,
                ..input.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(crate::support::fields(&e), ["risk"], "the sum is 1.1");
    let e = service
        .set_weights(&user_of(trader(&t).await, DESK_MATCHING), input)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "out_of_scope");
    assert_eq!(
        trade_desk::matching::weights::for_category(t.db(), "YARN")
            .await
            .unwrap()
            .min_score,
        0.65
    );
}

infra::backend_tests!(staff_set_the_weights_of_a_category);
