//! WebSockets: authentication, subscriptions and their checks, fan-out across
//! instances, sockets closed by revocation, heartbeats.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use infra::testing::TestInfra;
use infra::{Actor, InfraError, NewEvent};
use serde_json::{Value, json};
use server::app::Application;
use server::config::Config;
use server::modules::Module;
use server::realtime::{Area, Scope, SubStream};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{PASSWORD, TestApp, create_admin, login, spawn_app, spawn_with};

/// How long a test waits for something that should come at once.
const WAIT: Duration = Duration::from_secs(10);

struct Socket(WebSocketStream<MaybeTlsStream<TcpStream>>);

impl Socket {
    /// Opens `/api/v1/ws` with the token as the `access_token` query parameter.
    async fn open(app: &TestApp, token: &str) -> Self {
        let url = format!(
            "{}/api/v1/ws?access_token={token}",
            app.address.replacen("http", "ws", 1)
        );
        let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("a WebSocket");
        let mut socket = Self(ws);
        assert_eq!(socket.next().await["event"], "connected");
        socket
    }

    /// Opens `/api/v1/ws` with the token in the Authorization header.
    async fn open_with_header(app: &TestApp, token: &str) -> Self {
        let mut request = format!("{}/api/v1/ws", app.address.replacen("http", "ws", 1))
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        let (ws, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("a WebSocket");
        let mut socket = Self(ws);
        assert_eq!(socket.next().await["event"], "connected");
        socket
    }

    async fn send(&mut self, message: Value) {
        self.0.send(Message::text(message.to_string())).await.unwrap();
    }

    /// Sends `{"action", "channel"}` and answers the reply: the next reply
    /// naming that channel (in its canonical case), skipping events pushed meanwhile on channels the
    /// socket already holds (its own user channel, for one).
    async fn ask(&mut self, action: &str, channel: &str) -> Value {
        self.send(json!({"action": action, "channel": channel})).await;
        loop {
            let message = self.next_reply().await;
            let named = message["channel"].as_str().unwrap_or_default();
            if named.eq_ignore_ascii_case(channel) {
                return message;
            }
        }
    }

    /// The next reply (`subscribed`, `unsubscribed` or `error`), skipping events.
    async fn next_reply(&mut self) -> Value {
        loop {
            let message = self.next().await;
            if ["subscribed", "unsubscribed", "error"]
                .contains(&message["event"].as_str().unwrap_or_default())
            {
                return message;
            }
        }
    }

    /// The next JSON message; fails on a close or after [`WAIT`].
    async fn next(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(WAIT, self.0.next())
                .await
                .expect("a message in time")
                .expect("an open socket")
                .unwrap();
            match frame {
                Message::Text(text) => return serde_json::from_str(&text).unwrap(),
                Message::Close(frame) => panic!("closed: {frame:?}"),
                _ => {}
            }
        }
    }

    /// Reads until the server closes; answers the events seen and the close reason.
    async fn until_closed(&mut self) -> (Vec<String>, String) {
        let mut events = Vec::new();
        loop {
            let frame = tokio::time::timeout(WAIT, self.0.next())
                .await
                .expect("a close in time");
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let message: Value = serde_json::from_str(&text).unwrap();
                    events.push(message["event"].as_str().unwrap().to_owned());
                }
                Some(Ok(Message::Close(frame))) => {
                    return (events, frame.map(|f| f.reason.to_string()).unwrap_or_default());
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return (events, format!("error: {e}")),
                None => return (events, String::new()),
            }
        }
    }
}

fn spawn_relay(t: &TestInfra) {
    tokio::spawn(server::relay::run(t.infra().clone(), Duration::from_millis(200)));
}

fn access(pair: &Value) -> String {
    pair["access_token"].as_str().unwrap().to_owned()
}

async fn login_pair(app: &TestApp, email: &str) -> Value {
    app.post(
        "/api/v1/auth/login",
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await
    .json()
    .await
    .unwrap()
}

async fn create_org(app: &TestApp, token: &str, name: &str) -> String {
    let created = app
        .post(
            "/api/v1/settings/organizations",
            Some(token),
            &json!({"name": name, "legal_name": format!("{name} Pvt Ltd")}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let org: Value = created.json().await.unwrap();
    org["id"].as_str().unwrap().to_owned()
}

async fn rename_org(app: &TestApp, token: &str, id: &str, legal_name: &str) {
    let path = format!("/api/v1/settings/organizations/{id}");
    let changed = app
        .patch(&path, token, None, &json!({"legal_name": legal_name}))
        .await;
    assert_eq!(changed.status(), 200);
}

/// Creates an INTERNAL BACKOFFICE_STAFF user of `org`.
async fn create_staff(app: &TestApp, admin: &str, org: &str, email: &str) -> String {
    let body = json!({
        "kind": "INTERNAL", "email": email, "password": PASSWORD, "full_name": "Staff Member",
        "organization_id": org, "roles": ["BACKOFFICE_STAFF"]
    });
    let created = app.post("/api/v1/settings/users", Some(admin), &body).await;
    assert_eq!(created.status(), 201);
    let user: Value = created.json().await.unwrap();
    user["id"].as_str().unwrap().to_owned()
}

async fn a_client_on_one_instance_receives_a_write_made_on_another(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let a = spawn_app(t.infra().clone()).await;
    let b = spawn_app(t.another_instance().await).await;
    spawn_relay(&t);
    let on_a = login(&a, "root@example.com").await;
    let on_b = login(&b, "root@example.com").await;
    let mut socket = Socket::open(&a, &on_a).await;
    let ack = socket.ask("subscribe", "topic:organization-events").await;
    assert_eq!(ack["event"], "subscribed");
    assert_eq!(ack["channel"], "topic:organization-events");

    let org = create_org(&b, &on_b, "Shree Cotton").await;
    let message = socket.next().await;
    assert_eq!(message["event"], "OrganizationCreated");
    assert_eq!(message["channel"], "topic:organization-events");
    assert_eq!(message["data"]["aggregate_type"], "organization");
    assert_eq!(message["data"]["aggregate_id"], org.as_str());
    assert_eq!(message["data"]["payload"]["organization"]["name"], "Shree Cotton");
    assert!(message["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok());
    assert!(
        chrono::DateTime::parse_from_rfc3339(message["timestamp"].as_str().unwrap()).is_ok(),
        "{message}"
    );

    // One entity's channel as well: the update arrives on both.
    let entity = format!("organization:{org}");
    assert_eq!(socket.ask("subscribe", &entity).await["event"], "subscribed");
    rename_org(&b, &on_b, &org, "Shree Cotton Limited").await;
    let mut channels = [socket.next().await, socket.next().await];
    channels.sort_by_key(|m| m["channel"].as_str().unwrap().to_owned());
    assert_eq!(channels[0]["channel"], entity.as_str());
    assert_eq!(channels[1]["channel"], "topic:organization-events");
    assert!(channels.iter().all(|m| m["event"] == "OrganizationUpdated"));
    assert_eq!(channels[0]["id"], channels[1]["id"], "one event, one id");
}

async fn subscriptions_are_checked_and_answered(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    spawn_relay(&t);
    let admin = access(&login_pair(&app, "root@example.com").await);
    let own_org = create_org(&app, &admin, "Shree Cotton").await;
    let other_org = create_org(&app, &admin, "Ganesh Fibres").await;
    let staff_id = create_staff(&app, &admin, &own_org, "staff@example.com").await;
    let staff = access(&login_pair(&app, "staff@example.com").await);
    let mut socket = Socket::open_with_header(&app, &staff).await;

    let refused = socket.ask("subscribe", "topic:session-events").await;
    assert_eq!(refused["event"], "error");
    assert_eq!(refused["data"]["code"], "forbidden");
    assert!(
        refused["data"]["detail"]
            .as_str()
            .unwrap()
            .contains("USER_MANAGE")
    );
    let foreign = socket
        .ask("subscribe", &format!("organization:{other_org}"))
        .await;
    assert_eq!(foreign["data"]["code"], "forbidden");
    let admin_id: Value = app
        .get_with("/api/v1/auth/me", &admin)
        .await
        .json()
        .await
        .unwrap();
    let someone = socket
        .ask("subscribe", &format!("user:{}", admin_id["id"].as_str().unwrap()))
        .await;
    assert_eq!(someone["data"]["code"], "forbidden");
    assert_eq!(
        socket.ask("subscribe", "planet:1").await["data"]["code"],
        "unknown_channel"
    );
    socket.send(json!("hello")).await;
    let bad = socket.next_reply().await;
    assert_eq!(
        (bad["event"].as_str(), bad["data"]["code"].as_str()),
        (Some("error"), Some("bad_message"))
    );
    let mine = format!("organization:{own_org}");
    assert_eq!(socket.ask("subscribe", &mine).await["event"], "subscribed");
    assert_eq!(socket.ask("unsubscribe", &mine).await["event"], "unsubscribed");
    assert_eq!(
        socket.ask("unsubscribe", &mine).await["data"]["code"],
        "not_subscribed"
    );
    assert_eq!(
        socket.ask("subscribe", &format!("user:{staff_id}")).await["event"],
        "subscribed",
        "a user's own channel (already followed) answers an ack"
    );

    // The topic admits only the staff member's own organization's events.
    assert_eq!(
        socket.ask("subscribe", "topic:organization-events").await["event"],
        "subscribed"
    );
    rename_org(&app, &admin, &other_org, "Ganesh Fibres Limited").await;
    rename_org(&app, &admin, &own_org, "Shree Cotton Limited").await;
    let first = socket.next().await;
    assert_eq!(first["data"]["aggregate_id"], own_org.as_str(), "{first}");
}

async fn a_revoked_session_closes_its_socket(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    spawn_relay(&t);
    let phone = access(&login_pair(&app, "root@example.com").await);
    let laptop = access(&login_pair(&app, "root@example.com").await);
    let mut on_phone = Socket::open(&app, &phone).await;
    let mut on_laptop = Socket::open(&app, &laptop).await;
    let sessions: Value = app
        .get_with("/api/v1/auth/sessions", &laptop)
        .await
        .json()
        .await
        .unwrap();
    let phone_session = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = app
        .client
        .delete(format!("{}/api/v1/auth/sessions/{phone_session}", app.address))
        .bearer_auth(&laptop)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    let (events, reason) = on_phone.until_closed().await;
    assert_eq!(reason, "session revoked");
    assert_eq!(
        events,
        ["SessionRevoked"],
        "the user channel carries the revocation first"
    );
    let told = on_laptop.next().await;
    assert_eq!(
        told["event"], "SessionRevoked",
        "the other device hears of it and stays open"
    );
    assert_eq!(told["data"]["aggregate_id"], phone_session.as_str());
    assert_eq!(
        on_laptop.ask("subscribe", "topic:organization-events").await["event"],
        "subscribed"
    );
}

async fn disabling_a_user_closes_all_their_sockets(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    spawn_relay(&t);
    let admin = access(&login_pair(&app, "root@example.com").await);
    let org = create_org(&app, &admin, "Shree Cotton").await;
    let staff_id = create_staff(&app, &admin, &org, "staff@example.com").await;
    let one = access(&login_pair(&app, "staff@example.com").await);
    let two = access(&login_pair(&app, "staff@example.com").await);
    let mut first = Socket::open(&app, &one).await;
    let mut second = Socket::open(&app, &two).await;
    let mut watching = Socket::open(&app, &admin).await;
    let disabled = app
        .post(
            &format!("/api/v1/settings/users/{staff_id}/disable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(disabled.status(), 200);
    for socket in [&mut first, &mut second] {
        let (_, reason) = socket.until_closed().await;
        assert!(
            ["session revoked", "user disabled"].contains(&reason.as_str()),
            "{reason}"
        );
    }
    assert_eq!(
        watching.ask("subscribe", "topic:user-events").await["event"],
        "subscribed",
        "the administrator's socket stays open"
    );
}

async fn the_socket_needs_a_token_and_an_upgrade(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    let anonymous = app.get("/api/v1/ws").await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["content-type"], "application/problem+json");
    assert_eq!(app.get("/api/v1/ws?access_token=forged").await.status(), 401);
    let url = format!(
        "{}/api/v1/ws?access_token=forged",
        app.address.replacen("http", "ws", 1)
    );
    assert!(
        tokio_tungstenite::connect_async(url).await.is_err(),
        "no upgrade without a valid token"
    );
    let token = login(&app, "root@example.com").await;
    let plain = app.get_with("/api/v1/ws", &token).await;
    assert_eq!(plain.status(), 400);
    let problem: Value = plain.json().await.unwrap();
    assert_eq!(problem["code"], "websocket_upgrade_required");
}

async fn a_silent_client_is_closed_after_three_missed_heartbeats(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let config = Config {
        ws_heartbeat_secs: 1,
        ..Config::default()
    };
    let app = spawn_with(t.infra().clone(), config).await;
    let token = login(&app, "root@example.com").await;
    let mut silent = Socket::open(&app, &token).await;
    let mut lively = Socket::open(&app, &token).await;
    // The lively client reads (and so answers pings) for 6 heartbeats.
    let mut pings = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
    while let Ok(frame) = tokio::time::timeout_at(deadline, lively.0.next()).await {
        match frame.expect("the lively socket stays open").unwrap() {
            Message::Ping(_) => pings += 1,
            Message::Close(frame) => panic!("the lively socket was closed: {frame:?}"),
            _ => {}
        }
    }
    assert!(pings >= 4, "a ping every heartbeat, got {pings}");
    // The silent one answered nothing for those 6 s: the server let it go.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("websocket_connections 1\n"), "{metrics}");
    let (_, reason) = silent.until_closed().await;
    // The close frame waits behind pings the client now answers into a closed
    // connection, so the client may see the broken pipe before the reason.
    assert!(
        reason == "heartbeat missed" || reason.contains("Broken pipe"),
        "{reason}"
    );
    assert_eq!(
        lively.ask("subscribe", "topic:organization-events").await["event"],
        "subscribed"
    );
}

async fn a_withdrawn_capability_ends_the_subscription(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let config = Config {
        ws_heartbeat_secs: 1,
        ..Config::default()
    };
    let app = spawn_with(t.infra().clone(), config).await;
    let admin = access(&login_pair(&app, "root@example.com").await);
    let org = create_org(&app, &admin, "Shree Cotton").await;
    let staff_id = create_staff(&app, &admin, &org, "staff@example.com").await;
    let staff = access(&login_pair(&app, "staff@example.com").await);
    let mut socket = Socket::open(&app, &staff).await;
    assert_eq!(
        socket.ask("subscribe", "topic:organization-events").await["event"],
        "subscribed"
    );
    let roles = app
        .client
        .put(format!("{}/api/v1/settings/users/{staff_id}/roles", app.address))
        .bearer_auth(&admin)
        .json(&json!({"roles": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(roles.status(), 200);
    let ended = socket.next().await;
    assert_eq!(ended["event"], "unsubscribed", "{ended}");
    assert_eq!(ended["channel"], "topic:organization-events");
    assert_eq!(ended["data"]["reason"], "access withdrawn");
    let refused = socket.ask("subscribe", "topic:organization-events").await;
    assert_eq!(refused["data"]["code"], "forbidden");
}

/// Areas standing in for the trade desk's (and trade events still to come), mounted for these tests;
/// risk events travel through the risk module's own area.
const TRADE_DESK_AREAS: &[Area] = &[
    Area::new("trade-events", &["trade"], "ORG_READ", Scope::Platform),
    Area::new(
        "availability-events",
        &["availability"],
        "ORG_READ",
        Scope::Organization,
    )
    .with_streams(&[SubStream {
        parent: "commodity",
        key: "commodity_id",
        name: "availabilities",
    }]),
];

/// Topics of these tests' events (other events, such as sessions', are skipped).
const TEST_TOPICS: &[&str] = &[
    "trade-events",
    "availability-events",
    "risk-events",
    "notification-events",
];

/// Serves every module and a trade-desk module declaring [`TRADE_DESK_AREAS`].
async fn spawn_trade_desk(t: &TestInfra) -> TestApp {
    let mut modules = server::modules::MODULES.to_vec();
    // The fixtures' areas stand in for the trade desk's own here, so these
    // tests read the hub's rules rather than the trade desk's audiences.
    for module in modules.iter_mut().filter(|m| m.name == "trade-desk") {
        module.areas = &[];
    }
    modules.push(Module {
        areas: TRADE_DESK_AREAS,
        ..Module::new("trade-desk")
    });
    let config = Config {
        bind_addr: "127.0.0.1:0".into(),
        workers: 2,
        ..Config::default()
    };
    let app = Application::with_modules(config, t.infra().clone(), modules)
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp { address, client }
}

/// Commits `event` as the system would.
async fn emit(t: &TestInfra, event: NewEvent) {
    infra::write::write(t.infra(), &Actor::system(), |tx| {
        Box::pin(async move {
            tx.emit(event).await?;
            tx.audit("test.emit", "test", "1", None).await?;
            Ok::<_, InfraError>(())
        })
    })
    .await
    .unwrap();
}

fn new_event(topic: &str, event_type: &str, aggregate: &str, id: &str, payload: Value) -> NewEvent {
    NewEvent::new(topic, event_type, aggregate, id, 1, &payload).unwrap()
}

impl Socket {
    /// The next message of these tests' topics.
    async fn next_test_event(&mut self) -> Value {
        loop {
            let message = self.next().await;
            if TEST_TOPICS.contains(&message["data"]["topic"].as_str().unwrap_or_default()) {
                return message;
            }
        }
    }
}

/// An administrator, two organizations, and a staff member's token and id in
/// each: `(admin, [(org, staff id, token)…])`, the first two in the first organization.
async fn trade_desk_people(app: &TestApp) -> (String, Vec<(String, String, String)>) {
    let admin = access(&login_pair(app, "root@example.com").await);
    let first = create_org(app, &admin, "Shree Cotton").await;
    let second = create_org(app, &admin, "Ganesh Fibres").await;
    let mut people = Vec::new();
    for (org, email) in [
        (&first, "one@example.com"),
        (&first, "two@example.com"),
        (&second, "three@example.com"),
    ] {
        let id = create_staff(app, &admin, org, email).await;
        let token = access(&login_pair(app, email).await);
        people.push((org.clone(), id, token));
    }
    (admin, people)
}

async fn sub_streams_and_named_channels_carry_their_events(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_trade_desk(&t).await;
    spawn_relay(&t);
    let (_, people) = trade_desk_people(&app).await;
    let (org, _, token) = &people[0];
    let mut socket = Socket::open(&app, token).await;
    let commodity = uuid::Uuid::now_v7();
    let stream = format!(
        "commodity:{}:availabilities",
        commodity.to_string().to_uppercase()
    );
    // The answer names the canonical channel, not the one asked for.
    socket
        .send(json!({"action": "subscribe", "channel": stream}))
        .await;
    let ack = socket.next_reply().await;
    assert_eq!(ack["event"], "subscribed", "{ack}");
    assert_eq!(
        ack["channel"],
        format!("commodity:{commodity}:availabilities"),
        "canonical"
    );
    assert_eq!(
        socket.ask("subscribe", "risk:alerts").await["event"],
        "subscribed"
    );
    assert_eq!(
        socket.ask("subscribe", "commodity:1:nothing").await["data"]["code"],
        "unknown_channel"
    );
    let listing = |commodity: uuid::Uuid, id: &str| {
        let payload = json!({"commodity_id": commodity.to_string(), "organization_id": org});
        new_event(
            "availability-events",
            "AvailabilityPosted",
            "availability",
            id,
            payload,
        )
    };
    emit(&t, listing(uuid::Uuid::now_v7(), "elsewhere")).await;
    emit(
        &t,
        new_event(
            "risk-events",
            "ExposureAdjusted",
            "risk_exposure",
            "r1",
            json!({}),
        ),
    )
    .await;
    emit(&t, listing(commodity, "here")).await;
    emit(
        &t,
        new_event(
            "risk-events",
            "ExposureBandChanged",
            "risk_exposure",
            "r2",
            json!({}),
        ),
    )
    .await;
    // Two topics reach the socket through two readers: their order is not promised.
    let mut two = [socket.next_test_event().await, socket.next_test_event().await];
    two.sort_by_key(|e| e["channel"].as_str() == Some("risk:alerts"));
    let [posted, alert] = two;
    assert_eq!(posted["channel"], format!("commodity:{commodity}:availabilities"));
    assert_eq!(posted["data"]["aggregate_id"], "here", "{posted}");
    assert_eq!(
        (alert["channel"].as_str(), alert["event"].as_str()),
        (Some("risk:alerts"), Some("ExposureBandChanged"))
    );
}

async fn a_platform_wide_area_reaches_staff_of_every_organization(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_trade_desk(&t).await;
    spawn_relay(&t);
    let (_, people) = trade_desk_people(&app).await;
    let (other_org, _, _) = &people[2];
    let mut socket = Socket::open(&app, &people[0].2).await;
    for topic in ["topic:trade-events", "topic:availability-events"] {
        assert_eq!(socket.ask("subscribe", topic).await["event"], "subscribed");
    }
    let payload = json!({"organization_id": other_org});
    emit(
        &t,
        new_event(
            "availability-events",
            "AvailabilityPosted",
            "availability",
            "a1",
            payload.clone(),
        ),
    )
    .await;
    emit(
        &t,
        new_event("trade-events", "TradeBooked", "trade", "t1", payload),
    )
    .await;
    let first = socket.next_test_event().await;
    assert_eq!(
        first["data"]["aggregate_id"], "t1",
        "another organization's trade reaches staff; its availability does not: {first}"
    );
}

async fn an_audience_restricted_event_reaches_its_parties_only(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_trade_desk(&t).await;
    spawn_relay(&t);
    let (_, people) = trade_desk_people(&app).await;
    let (org, party, _) = &people[0];
    let mut sockets = Vec::new();
    for (_, _, token) in &people[..2] {
        let mut socket = Socket::open(&app, token).await;
        assert_eq!(
            socket.ask("subscribe", "topic:availability-events").await["event"],
            "subscribed"
        );
        sockets.push(socket);
    }
    let payload = json!({"organization_id": org});
    let restricted = new_event(
        "availability-events",
        "AvailabilityPosted",
        "availability",
        "private",
        payload.clone(),
    )
    .for_users([party.parse().unwrap()]);
    emit(&t, restricted).await;
    emit(
        &t,
        new_event(
            "availability-events",
            "AvailabilityPosted",
            "availability",
            "open",
            payload,
        ),
    )
    .await;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let message = sockets[0].next_test_event().await;
        seen.push(format!(
            "{} {}",
            message["data"]["aggregate_id"].as_str().unwrap(),
            message["channel"].as_str().unwrap()
        ));
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "open topic:availability-events".to_owned(),
            "private topic:availability-events".into(),
            format!("private user:{party}"),
        ]
    );
    let other = sockets[1].next_test_event().await;
    assert_eq!(
        other["data"]["aggregate_id"], "open",
        "the same capability, not a party: {other}"
    );
}

async fn a_notification_reaches_its_users_own_channel_only(t: TestInfra) {
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_trade_desk(&t).await;
    spawn_relay(&t);
    let (admin, people) = trade_desk_people(&app).await;
    let (org, user, token) = &people[0];
    let mut mine = Socket::open(&app, token).await;
    let mut others = vec![
        Socket::open(&app, &people[1].2).await,
        Socket::open(&app, &admin).await,
    ];
    assert_eq!(
        others[1].ask("subscribe", "topic:notification-events").await["data"]["code"],
        "forbidden",
        "no shared channel, not even for SUPER_ADMIN"
    );
    for socket in others.iter_mut().chain([&mut mine]) {
        assert_eq!(
            socket.ask("subscribe", "topic:availability-events").await["event"],
            "subscribed"
        );
    }
    let note = new_event(
        "notification-events",
        "TradeMatched",
        "user",
        user,
        json!({"text": "matched"}),
    )
    .for_users([user.parse().unwrap()]);
    emit(&t, note).await;
    let marker = json!({"organization_id": org});
    emit(
        &t,
        new_event(
            "availability-events",
            "AvailabilityPosted",
            "availability",
            "marker",
            marker,
        ),
    )
    .await;
    let told = mine.next_test_event().await;
    assert_eq!(
        (told["event"].as_str(), told["channel"].clone()),
        (Some("TradeMatched"), json!(format!("user:{user}")))
    );
    assert_eq!(
        mine.next_test_event().await["data"]["aggregate_id"],
        "marker",
        "once"
    );
    for socket in &mut others {
        assert_eq!(socket.next_test_event().await["data"]["aggregate_id"], "marker");
    }
}

infra::postgres_tests!(a_client_on_one_instance_receives_a_write_made_on_another);
/// `partner:{id}`: a partner's own users and staff with PARTNER_READ follow
/// it and see its children's changes (a place added); another partner's
/// users are refused.
async fn a_partner_channel_reaches_its_users_and_staff(t: TestInfra) {
    let one = crate::partners_records::approved(&t, 1).await;
    let two = crate::partners_records::approved(&t, 2).await;
    create_admin(t.infra(), "root@example.com").await;
    let app = spawn_app(t.infra().clone()).await;
    spawn_relay(&t);
    let admin = access(&login_pair(&app, "root@example.com").await);
    let own = crate::partners_records::partner_token(&t, one).await;
    let theirs = crate::partners_records::partner_token(&t, two).await;
    let channel = format!("partner:{one}");
    let mut stranger = Socket::open(&app, &theirs).await;
    assert_eq!(
        stranger.ask("subscribe", &channel).await["data"]["code"],
        "forbidden"
    );
    let mut mine = Socket::open(&app, &own).await;
    assert_eq!(mine.ask("subscribe", &channel).await["event"], "subscribed");
    let mut staff = Socket::open(&app, &admin).await;
    assert_eq!(staff.ask("subscribe", &channel).await["event"], "subscribed");
    let godown = json!({"name": "Rajkot godown", "location_type": "warehouse",
        "address": {"line1": "Plot 9", "city": "Rajkot", "state_code": "GJ", "pincode": "360001",
            "latitude": 22.3, "longitude": 70.8}});
    let added = app
        .post(
            &format!("/api/v1/partners/{one}/locations"),
            Some(&admin),
            &godown,
        )
        .await;
    assert_eq!(added.status(), 201);
    for socket in [&mut mine, &mut staff] {
        let message = loop {
            let message = socket.next().await;
            if message["channel"] == channel.as_str() {
                break message;
            }
        };
        assert_eq!(message["event"], "PartnerLocationAdded", "{message}");
    }
}

infra::backend_tests!(
    a_partner_channel_reaches_its_users_and_staff,
    subscriptions_are_checked_and_answered,
    a_revoked_session_closes_its_socket,
    disabling_a_user_closes_all_their_sockets,
    the_socket_needs_a_token_and_an_upgrade,
    a_silent_client_is_closed_after_three_missed_heartbeats,
    a_withdrawn_capability_ends_the_subscription,
    sub_streams_and_named_channels_carry_their_events,
    a_platform_wide_area_reaches_staff_of_every_organization,
    an_audience_restricted_event_reaches_its_parties_only,
    a_notification_reaches_its_users_own_channel_only,
);
