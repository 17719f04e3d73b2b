use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn money(s: &str) -> Money {
    s.parse().unwrap_or(Money::ZERO)
}

#[test]
fn bands_at_each_boundary() {
    let table = [
        (100, RiskCategory::Low, Routing::AutoApproved),
        (70, RiskCategory::Low, Routing::AutoApproved),
        (69, RiskCategory::Medium, Routing::ManagerReview),
        (40, RiskCategory::Medium, Routing::ManagerReview),
        (39, RiskCategory::High, Routing::DirectorReview),
        (20, RiskCategory::High, Routing::DirectorReview),
        (19, RiskCategory::Critical, Routing::CriticalReview),
        (0, RiskCategory::Critical, Routing::CriticalReview),
    ];
    for (score, category, route) in table {
        assert_eq!(risk_category(score), category, "{score}");
        assert_eq!(routing(score), route, "{score}");
    }
}

#[test]
fn credit_limit_percent_follows_the_band() {
    let turnover = Some(money("1000000"));
    for (score, limit) in [
        (70, "150000"),
        (69, "100000"),
        (40, "100000"),
        (39, "50000"),
        (0, "50000"),
    ] {
        assert_eq!(recommended_credit_limit(score, turnover), money(limit), "{score}");
    }
    assert_eq!(recommended_credit_limit(90, None), Money::ZERO);
}

#[test]
fn clamps_hold_the_score_to_0_to_100() {
    assert_eq!(clamp_score(130), 100);
    assert_eq!(clamp_score(-5), 0);
    assert_eq!(clamp_score(55), 55);
    let best = Facts {
        partner_type: PartnerType::Seller,
        entity_type: EntityType::PrivateLimited,
        business_start_date: Some(day(2010, 1, 1)),
        today: day(2026, 12, 2),
        annual_turnover: Some(money("50000000")),
        gst_compliance: Some(GstCompliance::Excellent),
        has_own_lab: true,
        has_own_transport: true,
    };
    let outcome = score(&best);
    assert_eq!(outcome.factors.iter().map(|f| f.points).sum::<i32>(), 130);
    assert_eq!(outcome.score, 100);
    assert_eq!(outcome.routing, Routing::AutoApproved);
    assert_eq!(outcome.recommended_credit_limit, money("7500000"));
}

#[test]
fn scores_from_facts_around_the_boundaries() {
    let today = day(2026, 12, 2);
    let base = Facts {
        today,
        ..Facts::default()
    };
    // 50 + 20 (5 years) = 70: auto-approved; a day short of 5 years is 2+ (60).
    let five = Facts {
        business_start_date: Some(day(2021, 12, 2)),
        ..base.clone()
    };
    assert_eq!(score(&five).score, 70);
    assert_eq!(score(&five).routing, Routing::AutoApproved);
    let almost = Facts {
        business_start_date: Some(day(2021, 12, 3)),
        ..base.clone()
    };
    assert_eq!(score(&almost).score, 60);
    // 50 - 15 (new) - 5 (proprietor) = 30 ... - 25 (poor GST) = 5: critical.
    let weak = Facts {
        entity_type: EntityType::Proprietorship,
        business_start_date: Some(day(2026, 6, 1)),
        gst_compliance: Some(GstCompliance::Poor),
        ..base.clone()
    };
    let outcome = score(&weak);
    assert_eq!(outcome.score, 5);
    assert_eq!(outcome.risk_category, RiskCategory::Critical);
    assert_eq!(
        outcome
            .factors
            .iter()
            .map(|f| (f.factor.as_str(), f.points))
            .collect::<Vec<_>>(),
        [
            ("base", 50),
            ("business_age_under_1_year", -15),
            ("entity_proprietorship", -5),
            ("gst_compliance_poor", -25)
        ]
    );
    // 50 - 15 + 5 (partnership) = 40: manager review; llp instead of partnership = 45.
    let forty = Facts {
        entity_type: EntityType::Partnership,
        business_start_date: Some(day(2026, 6, 1)),
        ..base.clone()
    };
    assert_eq!(score(&forty).routing, Routing::ManagerReview);
    assert_eq!(score(&forty).score, 40);
    // 50 + 5 (partnership) - 25 (poor GST) = 30: director review.
    let twenty = Facts {
        entity_type: EntityType::Partnership,
        gst_compliance: Some(GstCompliance::Poor),
        ..base.clone()
    };
    assert_eq!(score(&twenty).score, 30);
    assert_eq!(score(&twenty).routing, Routing::DirectorReview);
    // 50 - 15 (new) - 25 (poor GST) = 10: critical review.
    let nineteen_band = Facts {
        business_start_date: Some(day(2026, 6, 1)),
        gst_compliance: Some(GstCompliance::Poor),
        ..base.clone()
    };
    assert_eq!(score(&nineteen_band).score, 10);
    assert_eq!(score(&nineteen_band).routing, Routing::CriticalReview);
}

#[test]
fn lab_and_transport_count_only_for_selling_types() {
    let today = day(2026, 12, 2);
    for (partner_type, expected) in [
        (PartnerType::Seller, 65),
        (PartnerType::Trader, 65),
        (PartnerType::Exporter, 65),
        (PartnerType::Buyer, 50),
        (PartnerType::Transporter, 50),
    ] {
        let facts = Facts {
            partner_type,
            has_own_lab: true,
            has_own_transport: true,
            today,
            ..Facts::default()
        };
        assert_eq!(score(&facts).score, expected, "{partner_type:?}");
    }
}

#[test]
fn turnover_and_entity_points() {
    let today = day(2026, 12, 2);
    for (turnover, expected) in [
        ("10000000", 65),
        ("9999999.99", 60),
        ("5000000", 60),
        ("1000000", 55),
        ("999999", 50),
    ] {
        let facts = Facts {
            annual_turnover: Some(money(turnover)),
            today,
            ..Facts::default()
        };
        assert_eq!(score(&facts).score, expected, "{turnover}");
    }
    for (entity, expected) in [
        (EntityType::PublicLimited, 65),
        (EntityType::Llp, 60),
        (EntityType::Cooperative, 50),
        (EntityType::Government, 50),
    ] {
        let facts = Facts {
            entity_type: entity,
            today,
            ..Facts::default()
        };
        assert_eq!(score(&facts).score, expected, "{entity:?}");
    }
}
