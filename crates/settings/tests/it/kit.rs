//! The kit's rules as settings uses them: a child's events belong to its
//! parent, a no-op update is audited without an event or a new version, and
//! the document series' counters live in the kit's `counters` table (migrated
//! both ways).

use infra::sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use infra::testing::TestInfra;
use infra::{Actor, AppInfra, Infra};
use migration::{Migrator, MigratorTrait};
use settings::organizations::bank_accounts::{BankAccounts, CreateBankAccount, UpdateBankAccount};
use settings::organizations::series::{DocumentSeriesChild, counter_name};
use settings::organizations::{ChildService, OrganizationService, UpdateOrganization};

use super::organizations::{fiscal_and_series, organization};

async fn events(t: &TestInfra) -> Vec<infra::outbox::entity::Model> {
    use infra::outbox::entity::{Column, Entity};
    Entity::find()
        .filter(Column::Topic.eq(settings::organizations::TOPIC))
        .order_by_asc(Column::Id)
        .all(t.db())
        .await
        .unwrap()
}

async fn organization_child_events_belong_to_the_organization(t: TestInfra) {
    let org = organization(&t, "Shree Cotton").await;
    let accounts = ChildService::<AppInfra, BankAccounts>::new(t.infra().clone());
    let input: CreateBankAccount = serde_json::from_value(serde_json::json!({
        "account_holder": "Shree Cotton", "bank_name": "State Bank of India",
        "account_number": "12345678901", "ifsc": "SBIN0001234"
    }))
    .unwrap();
    let account = accounts
        .create(&Actor::system(), org.id, input)
        .await
        .unwrap()
        .value;
    let update: UpdateBankAccount = serde_json::from_value(serde_json::json!({"bank_name": "SBI"})).unwrap();
    let changed = accounts
        .update(&Actor::system(), org.id, account.id, update, Some(1))
        .await
        .unwrap()
        .value;
    assert_eq!(changed.version, 2);
    let all = events(&t).await;
    let children: Vec<_> = all
        .iter()
        .filter(|e| e.event_type.starts_with("OrganizationBankAccount"))
        .collect();
    assert_eq!(children.len(), 2);
    for event in &children {
        assert_eq!(event.aggregate_type, "organization");
        assert_eq!(event.aggregate_id, org.id.to_string());
        assert_eq!(
            event.version, org.version,
            "a child's change leaves the parent's version"
        );
        assert_eq!(event.payload["child_id"], account.id.to_string());
        assert_eq!(event.payload["organization_id"], org.id.to_string());
    }
    assert_eq!(children[0].payload["child_version"], 1);
    assert_eq!(children[1].payload["child_version"], 2);
    assert_eq!(children[1].payload["changes"]["bank_name"]["new"], "SBI");
    // The same update again changes nothing: audited, no event, no new version.
    let same: UpdateBankAccount = serde_json::from_value(serde_json::json!({"bank_name": "SBI"})).unwrap();
    let unchanged = accounts
        .update(&Actor::system(), org.id, account.id, same, None)
        .await
        .unwrap()
        .value;
    assert_eq!(unchanged.version, 2);
    assert_eq!(events(&t).await.len(), all.len());
    let audit = infra::audit::entity::Entity::find()
        .filter(infra::audit::entity::Column::ResourceId.eq(account.id.to_string()))
        .all(t.db())
        .await
        .unwrap();
    assert_eq!(audit.len(), 3, "create, update and the no-op update are audited");
}

async fn a_no_op_organization_update_writes_no_event(t: TestInfra) {
    let org = organization(&t, "Shree Cotton").await;
    let before = events(&t).await.len();
    let orgs = OrganizationService::new(t.infra().clone());
    let same = UpdateOrganization {
        name: Some(org.name.clone()),
        ..Default::default()
    };
    let after = orgs
        .update(&Actor::system(), org.id, same, None)
        .await
        .unwrap()
        .value;
    assert_eq!(after.version, org.version);
    assert_eq!(events(&t).await.len(), before);
}

async fn series_counters_live_in_the_counters_table_and_migrate(t: TestInfra) {
    let org = organization(&t, "Shree Cotton").await;
    fiscal_and_series(&t, org.id).await;
    let orgs = OrganizationService::new(t.infra().clone());
    for _ in 0..3 {
        orgs.next_document_number(&Actor::system(), org.id, "INVOICE")
            .await
            .unwrap();
    }
    let series = ChildService::<AppInfra, DocumentSeriesChild>::new(t.infra().clone());
    let listed = series
        .list(&Actor::system(), org.id, infra::PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        listed.items[0].counter, 3,
        "the API's counter reads the kit counter"
    );
    let id = listed.items[0].id;
    let current = infra::numbering::current(t.db(), &[counter_name(id)])
        .await
        .unwrap();
    assert_eq!(current.get(&counter_name(id)), Some(&3));
    // Back to the column and forward again: the value travels both ways.
    // Down to before the counters migration (whatever came after it goes too).
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().ends_with("_counters"))
        .expect("the counters migration")
        + 1;
    let single = one_connection(&t).await;
    Migrator::down(&single, Some(u32::try_from(steps).unwrap()))
        .await
        .unwrap();
    let backend = single.get_database_backend();
    let row = single
        .query_one_raw(infra::sea_orm::Statement::from_string(
            backend,
            "SELECT counter FROM document_series",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<i64>(0).unwrap(), 3);
    Migrator::up(&single, None).await.unwrap();
    single.close().await.unwrap();
    let next = orgs
        .next_document_number(&Actor::system(), org.id, "INVOICE")
        .await
        .unwrap()
        .value;
    assert_eq!(next.number, "INV/000004");
}

/// A connection of its own to the test's database, for migrating down and
/// up: each schema change and the reads that check it run on one fresh
/// connection, never on a pooled one that may still hold an older view of
/// the SQLite schema.
async fn one_connection(t: &TestInfra) -> infra::sea_orm::DatabaseConnection {
    let mut config = t.infra().config().clone();
    config.db_max_connections = 1;
    infra::db::connect(&config).await.unwrap()
}

/// Parameters made before codes existed get the slug of their name when the
/// codes migration runs (down past it and up again), unique per commodity.
async fn parameter_codes_are_filled_from_names(t: TestInfra) {
    use settings::commodities::parameters::Parameters;
    use settings::commodities::{CommodityService, CreateCommodity};
    let commodities = CommodityService::new(t.infra().clone());
    let cotton = commodities
        .create(
            &Actor::system(),
            CreateCommodity {
                name: "Shankar-6".into(),
                category: "COTTON".into(),
                hsn_code: "5201".into(),
                gst_rate: rust_decimal::Decimal::new(5, 0),
                base_unit: "KG".into(),
                trade_unit: Some("CANDY".into()),
                rate_unit: Some("CANDY".into()),
            },
        )
        .await
        .unwrap()
        .value;
    let params = ChildService::<AppInfra, Parameters>::new(t.infra().clone());
    let before = params.all(&Actor::system(), cotton.id).await.unwrap();
    assert!(!before.is_empty(), "cotton brings its template");
    let steps = Migrator::migrations()
        .iter()
        .rev()
        .position(|m| m.name().ends_with("_parameter_codes"))
        .expect("the parameter codes migration")
        + 1;
    let single = one_connection(&t).await;
    Migrator::down(&single, Some(u32::try_from(steps).unwrap()))
        .await
        .unwrap();
    Migrator::up(&single, None).await.unwrap();
    let after = single
        .query_all_raw(infra::sea_orm::Statement::from_sql_and_values(
            single.get_database_backend(),
            "SELECT code FROM commodity_parameters WHERE commodity_id = $1",
            [cotton.id.into()],
        ))
        .await
        .unwrap();
    single.close().await.unwrap();
    let mut codes: Vec<String> = after
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    codes.sort();
    let mut slugs: Vec<String> = before
        .iter()
        .map(|p| settings::commodities::parameter_codes::slug(&p.name))
        .collect();
    slugs.sort();
    assert_eq!(codes, slugs);
    assert!(codes.contains(&"staple_length".to_owned()), "{codes:?}");
}

infra::backend_tests!(
    parameter_codes_are_filled_from_names,
    organization_child_events_belong_to_the_organization,
    a_no_op_organization_update_writes_no_event,
    series_counters_live_in_the_counters_table_and_migrate,
);
