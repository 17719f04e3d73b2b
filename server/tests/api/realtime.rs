//! WebSockets: authentication, subscriptions and their checks, fan-out across
//! instances, sockets closed by revocation, heartbeats.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use infra::testing::TestInfra;
use serde_json::{Value, json};
use server::config::Config;
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

    /// Sends `{"action", "channel"}` and answers the reply.
    async fn ask(&mut self, action: &str, channel: &str) -> Value {
        self.send(json!({"action": action, "channel": channel})).await;
        self.next().await
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
    let bad = socket.next().await;
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

infra::postgres_tests!(a_client_on_one_instance_receives_a_write_made_on_another);
infra::backend_tests!(
    subscriptions_are_checked_and_answered,
    a_revoked_session_closes_its_socket,
    disabling_a_user_closes_all_their_sockets,
    the_socket_needs_a_token_and_an_upgrade,
    a_silent_client_is_closed_after_three_missed_heartbeats,
    a_withdrawn_capability_ends_the_subscription,
);
