//! Locations: create-or-get by place id, regions, validation, updates of name
//! and active only, filters, and deletes refused while referenced.

use infra::sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};
use infra::testing::TestInfra;
use infra::{Actor, DomainError, ErrorKind, Infra, PageRequest};
use settings::SettingsError;
use settings::locations::{CreateLocation, LocationFilter, LocationService, UpdateLocation};
use settings::references::Reference;

fn place(name: &str, place_id: &str, state_code: &str, city: &str) -> CreateLocation {
    CreateLocation {
        name: name.into(),
        place_id: place_id.into(),
        state_code: Some(state_code.into()),
        city: Some(city.into()),
        pincode: Some("360001".into()),
        latitude: Some(22.3039),
        longitude: Some(70.8022),
        ..Default::default()
    }
}

fn fields(e: &SettingsError) -> Vec<String> {
    e.field_errors().into_iter().map(|f| f.field).collect()
}

async fn the_same_place_answers_the_first_and_regions_follow_state_codes(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let system = Actor::system();
    let first = service
        .create(&system, place("Rajkot APMC", "place-rajkot", "GJ", "Rajkot"))
        .await
        .unwrap()
        .value;
    assert!(first.created);
    assert_eq!(first.location.region, "WEST");
    let again = service
        .create(&system, place("Another name", "place-rajkot", "GJ", "Rajkot"))
        .await
        .unwrap()
        .value;
    assert!(!again.created);
    assert_eq!(again.location.id, first.location.id);
    assert_eq!(again.location.name, "Rajkot APMC");
    for (code, region) in [
        ("tg", "SOUTH"),
        ("AS", "NORTHEAST"),
        ("UP", "CENTRAL"),
        ("OD", "EAST"),
        ("PB", "NORTH"),
        ("XX", "UNKNOWN"),
    ] {
        let made = service
            .create(
                &system,
                place("Some Mandi", &format!("place-{code}"), code, "Town"),
            )
            .await
            .unwrap()
            .value;
        assert_eq!(made.location.region, region, "{code}");
    }
}

async fn bad_locations_name_every_field(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let input = CreateLocation {
        name: "X".into(),
        place_id: " ".into(),
        latitude: Some(95.0),
        longitude: Some(10.0),
        pincode: Some("012345".into()),
        state_code: Some("Gujarat".into()),
        ..Default::default()
    };
    let err = service.create(&Actor::system(), input).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        fields(&err),
        ["name", "place_id", "latitude", "pincode", "state_code"]
    );
    let half = CreateLocation {
        latitude: Some(1.0),
        ..place("Rajkot", "p", "GJ", "Rajkot")
    };
    let half = CreateLocation {
        longitude: None,
        ..half
    };
    assert_eq!(
        fields(&service.create(&Actor::system(), half).await.unwrap_err()),
        ["longitude"]
    );
    let nobody = Actor::user(
        infra::ActorKind::Internal,
        uuid::Uuid::now_v7(),
        Vec::<String>::new(),
    );
    let refused = service
        .create(&nobody, place("Rajkot", "p", "GJ", "Rajkot"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
}

async fn updates_change_name_and_active_and_lists_filter(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let system = Actor::system();
    let rajkot = service
        .create(&system, place("Rajkot APMC", "p1", "GJ", "Rajkot"))
        .await
        .unwrap()
        .value
        .location;
    service
        .create(&system, place("Adoni Market", "p2", "AP", "Adoni"))
        .await
        .unwrap();
    let changed = service
        .update(
            &system,
            rajkot.id,
            UpdateLocation {
                name: Some("Rajkot Yard".into()),
                is_active: Some(false),
                version: None,
            },
            Some(1),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(
        (changed.name.as_str(), changed.is_active, changed.version),
        ("Rajkot Yard", false, 2)
    );
    assert_eq!(service.get(&system, rajkot.id).await.unwrap().name, "Rajkot Yard");
    let stale = service
        .update(
            &system,
            rajkot.id,
            UpdateLocation {
                name: Some("Old".into()),
                ..Default::default()
            },
            Some(1),
        )
        .await
        .unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::PreconditionFailed);
    let list = |filter: LocationFilter| {
        let service = service.clone();
        async move {
            service
                .list(&Actor::system(), filter, PageRequest::default())
                .await
                .unwrap()
                .items
        }
    };
    assert_eq!(
        list(LocationFilter {
            region: Some("south".into()),
            ..Default::default()
        })
        .await
        .len(),
        1
    );
    assert_eq!(
        list(LocationFilter {
            state: Some("gj".into()),
            ..Default::default()
        })
        .await
        .len(),
        1
    );
    assert_eq!(
        list(LocationFilter {
            city: Some("ADONI".into()),
            ..Default::default()
        })
        .await
        .len(),
        1
    );
    assert_eq!(
        list(LocationFilter {
            active: Some(true),
            ..Default::default()
        })
        .await
        .len(),
        1
    );
    assert_eq!(
        list(LocationFilter {
            text: Some("yard".into()),
            ..Default::default()
        })
        .await[0]
            .id,
        rajkot.id
    );
    let bad = service
        .list(
            &system,
            LocationFilter {
                region: Some("MIDDLE".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&bad), ["region"]);
}

async fn delete_is_refused_while_a_registered_table_refers(t: TestInfra) {
    let db = t.db();
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "CREATE TABLE shipments (id INTEGER PRIMARY KEY, location_id UUID NOT NULL)",
    ))
    .await
    .unwrap();
    let service = LocationService::new(t.infra().clone()).with_reference(Reference::new(
        "shipments",
        "location_id",
        "shipments",
    ));
    let system = Actor::system();
    let location = service
        .create(&system, place("Rajkot APMC", "p1", "GJ", "Rajkot"))
        .await
        .unwrap()
        .value
        .location;
    let insert = match backend {
        DbBackend::Postgres => "INSERT INTO shipments (id, location_id) VALUES (1, $1)",
        _ => "INSERT INTO shipments (id, location_id) VALUES (1, ?)",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        insert,
        [location.id.into()],
    ))
    .await
    .unwrap();
    let refused = service.delete(&system, location.id).await.unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Conflict);
    assert_eq!(refused.code(), "location_in_use");
    assert!(refused.to_string().contains("1 shipments"), "{refused}");
    db.execute_raw(Statement::from_string(backend, "DELETE FROM shipments"))
        .await
        .unwrap();
    let deleted = service.delete(&system, location.id).await.unwrap().value;
    assert!(!deleted.is_active);
    assert_eq!(
        service.get(&system, location.id).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let fresh = service
        .create(&system, place("Rajkot again", "p1", "GJ", "Rajkot"))
        .await
        .unwrap()
        .value;
    assert!(fresh.created, "a deleted place may be created again");
}

async fn concurrent_creates_of_one_place_all_answer_the_same_location(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let service = service.clone();
            tokio::spawn(async move {
                service
                    .create(
                        &Actor::system(),
                        place(&format!("Rajkot {i}"), "place-race", "GJ", "Rajkot"),
                    )
                    .await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap().unwrap().value);
    }
    assert_eq!(
        answers.iter().filter(|a| a.created).count(),
        1,
        "exactly one created"
    );
    let id = answers[0].location.id;
    assert!(
        answers.iter().all(|a| a.location.id == id),
        "all answer the same location"
    );
    let events = infra::outbox::entity::Entity::find().all(t.db()).await.unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event_type == "LocationCreated")
            .count(),
        1
    );
}

async fn text_search_matches_wildcard_characters_literally(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let system = Actor::system();
    let mut ids = std::collections::HashMap::new();
    for (i, name) in [
        "Yard a_b",
        "Yard axb",
        "Mandi 100% cotton",
        "Depot c\\d",
        "Plain Market",
    ]
    .into_iter()
    .enumerate()
    {
        let made = service
            .create(&system, place(name, &format!("wild-{i}"), "GJ", "Rajkot"))
            .await
            .unwrap()
            .value
            .location;
        ids.insert(name, made.id);
    }
    let found = |text: &str| {
        let service = service.clone();
        let text = text.to_owned();
        async move {
            let filter = LocationFilter {
                text: Some(text),
                ..Default::default()
            };
            let page = service
                .list(&Actor::system(), filter, PageRequest::default())
                .await
                .unwrap();
            page.items.into_iter().map(|l| l.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("a_b").await, [ids["Yard a_b"]]);
    assert_eq!(found("_").await, [ids["Yard a_b"]]);
    assert_eq!(found("%").await, [ids["Mandi 100% cotton"]]);
    assert_eq!(found("0% C").await, [ids["Mandi 100% cotton"]]);
    assert_eq!(found("\\").await, [ids["Depot c\\d"]]);
    assert_eq!(found("yard").await.len(), 2);
}

async fn a_no_op_update_keeps_the_version_and_emits_no_event(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let system = Actor::system();
    let rajkot = service
        .create(&system, place("Rajkot APMC", "p1", "GJ", "Rajkot"))
        .await
        .unwrap()
        .value
        .location;
    let same = service
        .update(
            &system,
            rajkot.id,
            UpdateLocation {
                name: Some(" Rajkot APMC ".into()),
                is_active: Some(true),
                version: None,
            },
            Some(1),
        )
        .await
        .unwrap()
        .value;
    assert_eq!(same.version, 1);
    let events: Vec<_> = infra::outbox::entity::Entity::find()
        .all(t.db())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(events, ["LocationCreated"]);
}

async fn an_empty_country_is_india_for_the_region_and_the_pin_rule(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let system = Actor::system();
    for (i, country) in ["", "  "].into_iter().enumerate() {
        let made = service
            .create(
                &system,
                CreateLocation {
                    country: Some(country.into()),
                    ..place("Rajkot APMC", &format!("blank-{i}"), "GJ", "Rajkot")
                },
            )
            .await
            .unwrap()
            .value
            .location;
        assert_eq!((made.country.as_str(), made.region.as_str()), ("India", "WEST"));
    }
    let bad_pin = service
        .create(
            &system,
            CreateLocation {
                country: Some(String::new()),
                pincode: Some("012345".into()),
                ..place("Rajkot APMC", "blank-pin", "GJ", "Rajkot")
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(&bad_pin), ["pincode"]);
}

async fn gst_state_codes_are_stored_as_letter_codes(t: TestInfra) {
    let service = LocationService::new(t.infra().clone());
    let system = Actor::system();
    let made = service
        .create(&system, place("Rajkot APMC", "place-24", "24", "Rajkot"))
        .await
        .unwrap()
        .value
        .location;
    assert_eq!(made.state_code.as_deref(), Some("GJ"));
    assert_eq!(made.region, "WEST");
    let letters = service
        .create(&system, place("Unjha APMC", "place-gj", "gj", "Unjha"))
        .await
        .unwrap()
        .value
        .location;
    assert_eq!(letters.state_code.as_deref(), Some("GJ"));
    for bad in ["25", "99", "2", "GJX"] {
        let err = service
            .create(&system, place("Somewhere", &format!("place-{bad}"), bad, "Town"))
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["state_code"], "{bad}");
    }
}

infra::backend_tests!(
    gst_state_codes_are_stored_as_letter_codes,
    an_empty_country_is_india_for_the_region_and_the_pin_rule,
    a_no_op_update_keeps_the_version_and_emits_no_event,
    text_search_matches_wildcard_characters_literally,
    concurrent_creates_of_one_place_all_answer_the_same_location,
    the_same_place_answers_the_first_and_regions_follow_state_codes,
    bad_locations_name_every_field,
    updates_change_name_and_active_and_lists_filter,
    delete_is_refused_while_a_registered_table_refers
);
