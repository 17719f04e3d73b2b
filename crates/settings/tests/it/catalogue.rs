//! Commodities: templates, validation, conversion, children, terms,
//! commission tiers, search, references, the cache, and CSV bulk import.

use infra::sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Statement, TransactionTrait};
use infra::testing::TestInfra;
use infra::{Actor, AppInfra, DomainError, ErrorKind, Infra, Money, PageRequest, Quantity};
use rust_decimal::Decimal;
use settings::SettingsError;
use settings::commodities::commissions::{Commissions, CreateCommission, Tier};
use settings::commodities::conversion::ConversionRequest;
use settings::commodities::parameters::{CreateParameter, Parameters, UpdateParameter};
use settings::commodities::search::SearchPage;
use settings::commodities::terms::{PaymentTerms, TermInput, TermService, TradeTypes, WeightmentTerms};
use settings::commodities::varieties::{CreateVariety, UpdateVariety, Varieties};
use settings::commodities::{
    ChildService, Commodity, CommodityFilter, CommodityService, CreateCommodity, UpdateCommodity,
};

fn fields(e: &SettingsError) -> Vec<String> {
    e.field_errors().into_iter().map(|f| f.field).collect()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn input(name: &str, category: &str, base: &str, trade: &str, rate: &str) -> CreateCommodity {
    CreateCommodity {
        name: name.into(),
        category: category.into(),
        hsn_code: "5201".into(),
        gst_rate: dec("5"),
        base_unit: base.into(),
        trade_unit: Some(trade.into()),
        rate_unit: Some(rate.into()),
    }
}

async fn make(service: &CommodityService<AppInfra>, input: CreateCommodity) -> Commodity {
    service.create(&Actor::system(), input).await.unwrap().value
}

async fn cotton_gets_its_template_and_bad_commodities_name_every_field(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let cotton = make(
        &service,
        input("Shankar-6 Cotton", "cotton", "kg", "bale", "CANDY"),
    )
    .await;
    assert_eq!(
        (cotton.category.as_str(), cotton.trade_unit.as_str()),
        ("COTTON", "BALE")
    );
    let params = ChildService::<AppInfra, Parameters>::new(t.infra().clone());
    let seeded = params.all(&Actor::system(), cotton.id).await.unwrap();
    let names: Vec<&str> = seeded.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Staple Length",
            "Micronaire",
            "Strength",
            "Colour Grade",
            "Trash",
            "Moisture"
        ]
    );
    let staple = &seeded[0];
    assert!(staple.is_mandatory);
    assert_eq!(
        (staple.min_value, staple.max_value),
        (Some(dec("22")), Some(dec("34")))
    );
    assert_eq!(seeded[5].max_value, Some(dec("8.5")));
    assert_eq!(seeded[3].param_type, "TEXT");
    let plain = make(
        &service,
        input("Jute Bags", "PACKAGING", "PIECE", "DOZEN", "PIECE"),
    )
    .await;
    assert!(params.all(&Actor::system(), plain.id).await.unwrap().is_empty());

    let bad = CreateCommodity {
        name: "X".into(),
        category: "cotton lint".into(),
        hsn_code: "52A".into(),
        gst_rate: dec("120"),
        base_unit: "TON".into(),
        trade_unit: Some("FURLONG".into()),
        rate_unit: Some("KG".into()),
    };
    let err = service.create(&Actor::system(), bad).await.unwrap_err();
    assert_eq!(
        fields(&err),
        [
            "name",
            "category",
            "hsn_code",
            "gst_rate",
            "base_unit",
            "trade_unit"
        ]
    );
    let wrong_base = service
        .create(
            &Actor::system(),
            input("Cotton Two", "COTTON", "KG", "METER", "CANDY"),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&wrong_base), ["trade_unit"]);
    let taken = service
        .create(
            &Actor::system(),
            input("shankar-6 cotton", "COTTON", "KG", "BALE", "CANDY"),
        )
        .await
        .unwrap_err();
    assert_eq!(taken.code(), "already_exists");
}

async fn conversions_are_exact_for_a_table_of_cases(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let cotton = make(&service, input("Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    let cloth = make(&service, input("Cloth", "FABRIC", "METER", "YARD", "METER")).await;
    let oil = make(
        &service,
        input("Cottonseed Oil", "OIL", "LITER", "LITER", "LITER"),
    )
    .await;
    // commodity, quantity, unit, rate, rate unit, base quantity, billing amount
    let cases = [
        (&cotton, "600", "BALE", "50000", "CANDY", "102000", "14341061.95"),
        (&cotton, "10", "CANDY", "48000", "CANDY", "3556.222", "480000.00"),
        (&cotton, "25", "QUINTAL", "2500", "QUINTAL", "2500", "62500.00"),
        (&cotton, "12.5", "POUND", "100", "KG", "5.6699", "566.99"),
        (&cotton, "3", "MT", "25", "KG", "3000", "75000.00"),
        (&cloth, "100", "YARD", "12", "FOOT", "91.44", "3600.00"),
        (&oil, "3", "GALLON", "90", "ML", "11.3562", "1022060.70"),
    ];
    for (commodity, qty, unit, rate, rate_unit, base, billing) in cases {
        let request = ConversionRequest {
            trade_quantity: qty.parse::<Quantity>().unwrap(),
            trade_unit: unit.into(),
            rate_per_unit: rate.parse::<Money>().unwrap(),
            rate_unit: rate_unit.into(),
        };
        let converted = service
            .calculate_conversion(&Actor::system(), commodity.id, request)
            .await
            .unwrap();
        assert_eq!(converted.base_quantity.to_string(), base, "{qty} {unit}");
        assert_eq!(
            converted.billing_amount.to_string(),
            billing,
            "{qty} {unit} at {rate}/{rate_unit}"
        );
        assert_eq!(converted.base_unit, commodity.base_unit);
    }
    let request = ConversionRequest {
        trade_quantity: "1".parse().unwrap(),
        trade_unit: "BALE".into(),
        rate_per_unit: "1".parse().unwrap(),
        rate_unit: "METER".into(),
    };
    let err = service
        .calculate_conversion(&Actor::system(), cotton.id, request)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let message = &err.field_errors()[0];
    assert_eq!(message.field, "rate_unit");
    assert!(
        message.message.contains("BALE") && message.message.contains("METER"),
        "{}",
        message.message
    );
    let nothing = ConversionRequest {
        trade_quantity: "0".parse().unwrap(),
        trade_unit: "SEER".into(),
        rate_per_unit: "-1".parse().unwrap(),
        rate_unit: "KG".into(),
    };
    let err = service
        .calculate_conversion(&Actor::system(), cotton.id, nothing)
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["trade_quantity", "rate_per_unit", "trade_unit"]);
}

async fn children_validate_and_commissions_keep_their_commodity(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let system = Actor::system();
    let cotton = make(&service, input("Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    let varieties = ChildService::<AppInfra, Varieties>::new(t.infra().clone());
    let first = varieties
        .create(
            &system,
            cotton.id,
            CreateVariety {
                code: "shankar6".into(),
                name: "Shankar-6".into(),
                is_standard: None,
            },
        )
        .await
        .unwrap()
        .value;
    assert!(first.is_standard);
    let second = varieties
        .create(
            &system,
            cotton.id,
            CreateVariety {
                code: "MCU5".into(),
                name: "MCU-5".into(),
                is_standard: Some(true),
            },
        )
        .await
        .unwrap()
        .value;
    let all = varieties.all(&system, cotton.id).await.unwrap();
    assert_eq!(
        all.iter()
            .filter(|v| v.is_standard)
            .map(|v| v.id)
            .collect::<Vec<_>>(),
        [second.id]
    );
    let dup = varieties
        .create(
            &system,
            cotton.id,
            CreateVariety {
                code: "MCU5".into(),
                name: "Again".into(),
                is_standard: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&dup), ["code"]);

    let params = ChildService::<AppInfra, Parameters>::new(t.infra().clone());
    let bad = CreateParameter {
        name: "Maturity".into(),
        code: None,
        param_type: "NUMERIC".into(),
        unit: Some("%".into()),
        min_value: Some("90".parse().unwrap()),
        max_value: Some("70".parse().unwrap()),
        default_value: Some("abc".into()),
        is_mandatory: None,
        display_order: Some(0),
    };
    let err = params.create(&system, cotton.id, bad).await.unwrap_err();
    assert_eq!(fields(&err), ["display_order", "max_value", "default_value"]);
    let text_bounds = CreateParameter {
        name: "Origin".into(),
        code: None,
        param_type: "TEXT".into(),
        unit: None,
        min_value: Some("1".parse().unwrap()),
        max_value: None,
        default_value: None,
        is_mandatory: None,
        display_order: None,
    };
    assert_eq!(
        fields(&params.create(&system, cotton.id, text_bounds).await.unwrap_err()),
        ["min_value"]
    );
    let listed = params.all(&system, cotton.id).await.unwrap();
    assert!(
        listed
            .iter()
            .all(|p| settings::commodities::parameter_codes::is_valid(&p.code)),
        "template parameters get the slug of their name"
    );
    let named = |name: &str, code: Option<&str>| CreateParameter {
        name: name.into(),
        code: code.map(str::to_owned),
        param_type: "NUMERIC".into(),
        unit: None,
        min_value: None,
        max_value: None,
        default_value: None,
        is_mandatory: None,
        display_order: None,
    };
    let rd = params
        .create(&system, cotton.id, named("Reflectance Rd", None))
        .await
        .unwrap()
        .value;
    assert_eq!(rd.code, "reflectance_rd");
    let own = params
        .create(&system, cotton.id, named("Yellowness", Some("plus_b")))
        .await
        .unwrap()
        .value;
    assert_eq!(own.code, "plus_b");
    let taken = params
        .create(&system, cotton.id, named("Another b", Some("plus_b")))
        .await
        .unwrap_err();
    assert_eq!(fields(&taken), ["code"]);
    let bad_code = params
        .create(&system, cotton.id, named("Spaces", Some("Plus B")))
        .await
        .unwrap_err();
    assert_eq!(fields(&bad_code), ["code"]);
    let staple = params.all(&system, cotton.id).await.unwrap()[0].clone();
    let outside = UpdateParameter {
        name: None,
        unit: None,
        min_value: None,
        max_value: None,
        default_value: Some("40".into()),
        is_mandatory: None,
        display_order: None,
        version: None,
    };
    let err = params
        .update(&system, cotton.id, staple.id, outside, None)
        .await
        .unwrap_err();
    assert_eq!(fields(&err), ["default_value"]);

    let commissions = ChildService::<AppInfra, Commissions>::new(t.infra().clone());
    let tier = |from: &str, to: Option<&str>, rate: &str| Tier {
        from_amount: from.parse().unwrap(),
        to_amount: to.map(|t| t.parse().unwrap()),
        rate: rate.parse().unwrap(),
    };
    let overlapping = CreateCommission {
        name: "Brokerage".into(),
        commission_type: "TIERED".into(),
        rate: Some("1".parse().unwrap()),
        min_amount: Some("500".parse().unwrap()),
        max_amount: Some("100".parse().unwrap()),
        applies_to: "EVERYONE".into(),
        tiers: Some(vec![
            tier("0", None, "1"),
            tier("100000", Some("50000"), "0.5"),
            tier("40000", None, "120"),
        ]),
    };
    let err = commissions
        .create(&system, cotton.id, overlapping)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        [
            "applies_to",
            "rate",
            "tiers[1].from_amount",
            "tiers[1].to_amount",
            "tiers[2].from_amount",
            "tiers[2].rate",
            "max_amount"
        ]
    );
    let tiered = CreateCommission {
        name: "Brokerage".into(),
        commission_type: "TIERED".into(),
        rate: None,
        min_amount: Some("100".parse().unwrap()),
        max_amount: None,
        applies_to: "both".into(),
        tiers: Some(vec![tier("0", Some("100000"), "1"), tier("100000", None, "0.5")]),
    };
    let made = commissions
        .create(&system, cotton.id, tiered)
        .await
        .unwrap()
        .value;
    assert_eq!(made.tiers.as_ref().map(Vec::len), Some(2));
    let refused = service.delete(&system, cotton.id).await.unwrap_err();
    assert_eq!(refused.code(), "commodity_in_use");
    assert!(
        refused.to_string().contains("1 commission structures"),
        "{refused}"
    );
    commissions.delete(&system, cotton.id, made.id).await.unwrap();
    service.delete(&system, cotton.id).await.unwrap();
    assert_eq!(
        service.get(&system, cotton.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

async fn term_masters_share_one_service_and_check_their_attributes(t: TestInfra) {
    let system = Actor::system();
    let payment = TermService::<AppInfra, PaymentTerms>::new(t.infra().clone());
    let net30 = payment
        .create(
            &system,
            TermInput {
                code: Some("NET30".into()),
                name: Some("Net 30 days".into()),
                days: Some(30),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .value;
    assert_eq!(
        (net30.days, net30.percentage.map(Money::value)),
        (Some(30), Some(dec("100")))
    );
    assert_eq!(net30.needs_approval, None);
    let wrong = payment
        .create(
            &system,
            TermInput {
                code: Some("bad code".into()),
                needs_approval: Some(true),
                days: Some(-1),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&wrong), ["code", "name", "needs_approval", "days"]);
    let dup = payment
        .create(
            &system,
            TermInput {
                code: Some("NET30".into()),
                name: Some("Again".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&dup), ["code"]);
    let weightment = TermService::<AppInfra, WeightmentTerms>::new(t.infra().clone());
    let too_much = weightment
        .create(
            &system,
            TermInput {
                code: Some("MILL".into()),
                name: Some("Mill weight".into()),
                deduction_percent: Some("101".parse().unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&too_much), ["deduction_percent"]);
    assert_eq!(payment.all(&system).await.unwrap().len(), 1, "read and cached");
    let changed = payment
        .update(
            &system,
            net30.id,
            TermInput {
                days: Some(45),
                ..Default::default()
            },
            Some(1),
        )
        .await
        .unwrap()
        .value;
    assert_eq!((changed.days, changed.version), (Some(45), 2));
    assert_eq!(
        payment.get(&system, net30.id).await.unwrap().days,
        Some(45),
        "the cache was invalidated"
    );
    let trade = TermService::<AppInfra, TradeTypes>::new(t.infra().clone());
    assert_eq!(
        trade.get(&system, net30.id).await.unwrap_err().kind(),
        ErrorKind::NotFound,
        "kinds stay apart"
    );
    payment.delete(&system, net30.id).await.unwrap();
    assert!(payment.all(&system).await.unwrap().is_empty());
}

async fn concurrent_term_updates_from_one_version_let_only_one_through(t: TestInfra) {
    let system = Actor::system();
    let payment = TermService::<AppInfra, PaymentTerms>::new(t.infra().clone());
    let net30 = payment
        .create(
            &system,
            TermInput {
                code: Some("NET30".into()),
                name: Some("Net 30 days".into()),
                days: Some(30),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .value;
    // On PostgreSQL a transaction of the test holds the row, so every update
    // has read the term before any of them may write it.
    let db = t.db();
    let holder = match db.get_database_backend() {
        DbBackend::Postgres => {
            let holder = db.begin().await.unwrap();
            holder
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT id FROM trade_terms WHERE id = $1 FOR UPDATE",
                    [net30.id.into()],
                ))
                .await
                .unwrap();
            Some(holder)
        }
        _ => None,
    };
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let payment = payment.clone();
            tokio::spawn(async move {
                payment
                    .update(
                        &Actor::system(),
                        net30.id,
                        TermInput {
                            days: Some(40 + i),
                            ..Default::default()
                        },
                        Some(1),
                    )
                    .await
            })
        })
        .collect();
    if let Some(holder) = holder {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        holder.commit().await.unwrap();
    }
    let mut applied = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(written) => applied.push(written.value),
            Err(e) => assert_eq!(e.kind(), ErrorKind::PreconditionFailed, "{e}"),
        }
    }
    assert_eq!(applied.len(), 1, "one update from version 1 wins");
    let now = payment.get(&system, net30.id).await.unwrap();
    assert_eq!((now.version, now.days), (2, applied[0].days));
}

/// `(event_type, aggregate_id, version)` of every outbox event, oldest first.
async fn events(t: &TestInfra) -> Vec<(String, String, i64)> {
    let mut rows = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    rows.sort_by_key(|e| e.id);
    rows.into_iter()
        .map(|e| (e.event_type, e.aggregate_id, e.version))
        .collect()
}

async fn child_events_carry_the_commodity_version_and_no_op_updates_emit_nothing(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let system = Actor::system();
    let cotton = make(&service, input("Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    for rate in ["12", "18"] {
        service
            .update(
                &system,
                cotton.id,
                UpdateCommodity {
                    gst_rate: Some(dec(rate)),
                    ..Default::default()
                },
                None,
            )
            .await
            .unwrap();
    }
    let varieties = ChildService::<AppInfra, Varieties>::new(t.infra().clone());
    let s6 = varieties
        .create(
            &system,
            cotton.id,
            CreateVariety {
                code: "S6".into(),
                name: "Shankar-6".into(),
                is_standard: None,
            },
        )
        .await
        .unwrap()
        .value;
    varieties
        .update(
            &system,
            cotton.id,
            s6.id,
            UpdateVariety {
                name: Some("Shankar 6".into()),
                is_standard: None,
                version: None,
            },
            None,
        )
        .await
        .unwrap();
    // The same name again changes nothing and emits nothing.
    varieties
        .update(
            &system,
            cotton.id,
            s6.id,
            UpdateVariety {
                name: Some("Shankar 6".into()),
                is_standard: None,
                version: None,
            },
            None,
        )
        .await
        .unwrap();
    varieties.delete(&system, cotton.id, s6.id).await.unwrap();
    let child_events: Vec<_> = events(&t)
        .await
        .into_iter()
        .filter(|(event, _, _)| event.starts_with("CommodityVariety"))
        .collect();
    let commodity = cotton.id.to_string();
    assert_eq!(
        child_events,
        [
            ("CommodityVarietyAdded".to_owned(), commodity.clone(), 3),
            ("CommodityVarietyUpdated".to_owned(), commodity.clone(), 3),
            ("CommodityVarietyDeleted".to_owned(), commodity, 3),
        ],
        "child events carry the commodity's version"
    );

    let payment = TermService::<AppInfra, PaymentTerms>::new(t.infra().clone());
    let net30 = payment
        .create(
            &system,
            TermInput {
                code: Some("NET30".into()),
                name: Some("Net 30 days".into()),
                days: Some(30),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .value;
    let same = payment
        .update(
            &system,
            net30.id,
            TermInput {
                days: Some(30),
                name: Some("Net 30 days".into()),
                ..Default::default()
            },
            Some(1),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(same.version, 1);
    let term_events: Vec<_> = events(&t)
        .await
        .into_iter()
        .filter(|(event, _, _)| event.starts_with("PaymentTerm"))
        .map(|(event, _, _)| event)
        .collect();
    assert_eq!(
        term_events,
        ["PaymentTermCreated"],
        "a no-op update emits nothing"
    );
}

async fn a_deleted_commodity_answers_no_cached_children(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let system = Actor::system();
    let cotton = make(&service, input("Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    let varieties = ChildService::<AppInfra, Varieties>::new(t.infra().clone());
    let params = ChildService::<AppInfra, Parameters>::new(t.infra().clone());
    let commissions = ChildService::<AppInfra, Commissions>::new(t.infra().clone());
    varieties
        .create(
            &system,
            cotton.id,
            CreateVariety {
                code: "S6".into(),
                name: "Shankar-6".into(),
                is_standard: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(varieties.all(&system, cotton.id).await.unwrap().len(), 1);
    assert_eq!(params.all(&system, cotton.id).await.unwrap().len(), 6);
    assert!(commissions.all(&system, cotton.id).await.unwrap().is_empty());
    service.delete(&system, cotton.id).await.unwrap();
    assert_eq!(
        varieties.all(&system, cotton.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        params.all(&system, cotton.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        commissions.all(&system, cotton.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

async fn search_ranks_and_reads_are_invalidated_by_writes(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let system = Actor::system();
    let raw = make(&service, input("Raw Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    let seed = make(
        &service,
        input("Cotton Seed", "OILSEEDS", "KG", "QUINTAL", "QUINTAL"),
    )
    .await;
    let exact = make(&service, input("Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    make(&service, input("Wheat", "WHEAT", "KG", "QUINTAL", "QUINTAL")).await;
    let search = |q: &str, filter: CommodityFilter, page: SearchPage| {
        let service = service.clone();
        let q = q.to_owned();
        async move {
            service
                .search(&Actor::system(), Some(&q), filter, page)
                .await
                .unwrap()
        }
    };
    let found = search("COTTON", CommodityFilter::default(), SearchPage::default()).await;
    let ids: Vec<_> = found.items.iter().map(|c| c.id).collect();
    assert_eq!(ids, [exact.id, seed.id, raw.id]);
    let first = search(
        "cot",
        CommodityFilter::default(),
        SearchPage {
            limit: 2,
            after: None,
        },
    )
    .await;
    assert_eq!(first.items.len(), 2);
    let cursor = first.next_cursor.as_deref();
    let next = search(
        "cot",
        CommodityFilter::default(),
        SearchPage::parse(Some(2), cursor).unwrap(),
    )
    .await;
    assert_eq!(next.items.iter().map(|c| c.id).collect::<Vec<_>>(), [raw.id]);
    let cotton_only = CommodityFilter {
        category: Some("cotton".into()),
        ..Default::default()
    };
    assert_eq!(
        search("cotton", cotton_only, SearchPage::default())
            .await
            .items
            .len(),
        2
    );
    assert_eq!(service.get(&system, raw.id).await.unwrap().gst_rate, dec("5"));
    service
        .update(
            &system,
            raw.id,
            UpdateCommodity {
                gst_rate: Some(dec("12")),
                is_active: Some(false),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(service.get(&system, raw.id).await.unwrap().gst_rate, dec("12"));
    let inactive = CommodityFilter {
        active: Some(false),
        ..Default::default()
    };
    let listed = service
        .list(&system, inactive, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.items.iter().map(|c| c.id).collect::<Vec<_>>(), [raw.id]);
}

async fn search_pages_continue_when_the_last_item_is_deleted_or_renamed(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let system = Actor::system();
    let exact = make(&service, input("Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    let seed = make(
        &service,
        input("Cotton Seed", "OILSEEDS", "KG", "QUINTAL", "QUINTAL"),
    )
    .await;
    let raw = make(&service, input("Raw Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    let search = |cursor: Option<String>| {
        let service = service.clone();
        async move {
            let page = SearchPage::parse(Some(1), cursor.as_deref()).unwrap();
            service
                .search(&Actor::system(), Some("cotton"), CommodityFilter::default(), page)
                .await
                .unwrap()
        }
    };
    let first = search(None).await;
    assert_eq!(first.items[0].id, exact.id);
    service.delete(&system, exact.id).await.unwrap();
    let second = search(first.next_cursor.clone()).await;
    assert_eq!(second.items.iter().map(|c| c.id).collect::<Vec<_>>(), [seed.id]);
    service
        .update(
            &system,
            seed.id,
            UpdateCommodity {
                name: Some("Seed of Cotton".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let third = search(second.next_cursor.clone()).await;
    assert_eq!(third.items.iter().map(|c| c.id).collect::<Vec<_>>(), [raw.id]);
    let bad = SearchPage::parse(None, Some("not-a-cursor")).unwrap_err();
    assert_eq!(bad.errors[0].field, "cursor");
}

async fn a_bad_csv_changes_nothing_and_an_export_imports_unchanged(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let system = Actor::system();
    make(&service, input("Cotton", "COTTON", "KG", "BALE", "CANDY")).await;
    let before = settings::commodities::entity::commodity::Entity::find()
        .count(t.db())
        .await
        .unwrap();
    let bad = "name,category,hsn_code,gst_rate,base_unit,trade_unit,rate_unit,is_active\n\
        Wheat,WHEAT,1001,5,KG,QUINTAL,QUINTAL,true\n\
        Basmati Rice,rice,100630,five,KG,BAG,QUINTAL,true\n\
        Groundnut,OILSEEDS,1202,5,KG,METER,KG,maybe\n\
        wheat,WHEAT,1001,5,KG,QUINTAL,QUINTAL,true\n";
    let err = service.import_csv(&system, bad.as_bytes()).await.unwrap_err();
    assert_eq!(
        fields(&err),
        [
            "lines[3].gst_rate",
            "lines[4].is_active",
            "lines[4].trade_unit",
            "lines[5].name"
        ]
    );
    let after = settings::commodities::entity::commodity::Entity::find()
        .count(t.db())
        .await
        .unwrap();
    assert_eq!(after, before, "nothing written");
    let header = service
        .import_csv(&system, b"name,colour\nCotton,white\n")
        .await
        .unwrap_err();
    assert_eq!(fields(&header), ["file", "file", "file", "file", "file"]);

    let good = "name,category,hsn_code,gst_rate,base_unit,trade_unit,rate_unit\n\
        Wheat,WHEAT,1001,5,KG,QUINTAL,QUINTAL\n\
        Cotton,COTTON,5201,5,KG,BALE,QUINTAL\n";
    let report = service.import_csv(&system, good.as_bytes()).await.unwrap().value;
    assert_eq!((report.created, report.updated, report.unchanged), (1, 1, 0));
    let wheat = service.get(&system, report.ids[0]).await.unwrap();
    let params = ChildService::<AppInfra, Parameters>::new(t.infra().clone());
    assert_eq!(
        params.all(&system, wheat.id).await.unwrap().len(),
        5,
        "the WHEAT template applied"
    );
    assert_eq!(
        service.get(&system, report.ids[1]).await.unwrap().rate_unit,
        "QUINTAL"
    );

    let exported = service.export_csv(&system).await.unwrap();
    assert_eq!(
        exported,
        "name,category,hsn_code,gst_rate,base_unit,trade_unit,rate_unit,is_active\n\
         Cotton,COTTON,5201,5,KG,BALE,QUINTAL,true\n\
         Wheat,WHEAT,1001,5,KG,QUINTAL,QUINTAL,true\n"
    );
    let again = service
        .import_csv(&system, exported.as_bytes())
        .await
        .unwrap()
        .value;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(service.export_csv(&system).await.unwrap(), exported);
}

async fn an_export_guards_formula_cells_and_imports_unchanged(t: TestInfra) {
    let service = CommodityService::new(t.infra().clone());
    let system = Actor::system();
    let names = ["=SUM(A1)", "+Cotton", "-Cotton", "@Cotton", "'=Quoted", "'Plain"];
    for name in names {
        make(&service, input(name, "COTTON", "KG", "BALE", "CANDY")).await;
    }
    let exported = service.export_csv(&system).await.unwrap();
    let first_cells: Vec<&str> = exported
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap())
        .collect();
    assert_eq!(
        first_cells,
        [
            "''=Quoted",
            "'Plain",
            "'+Cotton",
            "'-Cotton",
            "'=SUM(A1)",
            "'@Cotton"
        ]
    );
    let again = service
        .import_csv(&system, exported.as_bytes())
        .await
        .unwrap()
        .value;
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 6));
    let mut stored: Vec<String> = service
        .list(&system, CommodityFilter::default(), PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect();
    stored.sort();
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(stored, expected);
    assert_eq!(service.export_csv(&system).await.unwrap(), exported);
}

infra::backend_tests!(
    an_export_guards_formula_cells_and_imports_unchanged,
    cotton_gets_its_template_and_bad_commodities_name_every_field,
    conversions_are_exact_for_a_table_of_cases,
    children_validate_and_commissions_keep_their_commodity,
    term_masters_share_one_service_and_check_their_attributes,
    concurrent_term_updates_from_one_version_let_only_one_through,
    child_events_carry_the_commodity_version_and_no_op_updates_emit_nothing,
    search_ranks_and_reads_are_invalidated_by_writes,
    a_deleted_commodity_answers_no_cached_children,
    search_pages_continue_when_the_last_item_is_deleted_or_renamed,
    a_bad_csv_changes_nothing_and_an_export_imports_unchanged
);
