//! A partner's employees over HTTP: its admin invites two and the third is
//! 409 `employee_limit` (sub-users share the limit), the first OTP login
//! activates, a disabled employee cannot log in, and `/partners/me`.

use infra::testing::TestInfra;
use serde_json::{Value, json};

use crate::partners::{serve, serve_with};
use crate::partners_records::approved;

async fn body(r: reqwest::Response) -> Value {
    r.json().await.unwrap()
}

fn person(n: u32, role: &str) -> Value {
    json!({"full_name": format!("Employee {n}"), "mobile": format!("981110000{n}"), "role": role})
}

async fn employees_within_the_limit_and_logins(t: TestInfra) {
    // Several people log in from one test address: room for their codes.
    let config = server::config::Config {
        rate_limit_auth: "600/100".into(),
        ..server::config::Config::default()
    };
    let on = serve_with(&t, config).await;
    let partner = approved(&t, 1).await;
    let record = format!("/api/v1/partners/{partner}");
    let tier = json!({"rate_limit_tier": "ENTERPRISE"});
    let raised = on.app.patch(&record, &on.admin, None, &tier).await;
    assert_eq!(raised.status(), 200, "room for the admin's requests");
    let first = on.verify("9800000001").await;
    let admin = first["access_token"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/partners/{partner}/employees");

    let one = on.app.post(&path, Some(&admin), &person(1, "employee")).await;
    assert_eq!(one.status(), 201);
    let one = body(one).await;
    assert_eq!(one["status"], "invited");
    let two = on.app.post(&path, Some(&admin), &person(2, "admin")).await;
    assert_eq!(two.status(), 201);
    let two = body(two).await;
    let third = on.app.post(&path, Some(&admin), &person(3, "employee")).await;
    assert_eq!(third.status(), 409);
    assert_eq!(body(third).await["code"], "employee_limit");
    let sub = json!({"mobile": "9811100009", "full_name": "Helper Person"});
    let refused = on.app.post("/api/v1/auth/sub-users", Some(&admin), &sub).await;
    assert_eq!(refused.status(), 409, "sub-users share the limit");
    assert_eq!(body(refused).await["code"], "employee_limit");

    let login = on.verify("9811100001").await;
    assert!(login["access_token"].is_string());
    let listed = body(on.app.get_with(&path, &admin).await).await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let first_admin = &items[0];
    assert_eq!(
        (first_admin["first_admin"].clone(), first_admin["status"].clone()),
        (json!(true), json!("active"))
    );
    let activated = items.iter().find(|e| e["user_id"] == one["user_id"]).unwrap();
    assert_eq!(activated["status"], "active", "the first OTP login activates");

    let two_id = two["user_id"].as_str().unwrap();
    let off = on
        .app
        .post(&format!("{path}/{two_id}/disable"), Some(&admin), &json!({}))
        .await;
    assert_eq!(off.status(), 200);
    assert_eq!(body(off).await["status"], "disabled");
    let sent = on
        .app
        .post("/api/v1/auth/otp/send", None, &json!({"mobile": "9811100002"}))
        .await;
    assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
    let code = on.codes.last_code("+919811100002").unwrap();
    let blocked = on
        .app
        .post(
            "/api/v1/auth/otp/verify",
            None,
            &json!({"mobile": "9811100002", "otp": code}),
        )
        .await;
    assert_ne!(blocked.status(), 200, "a disabled employee cannot log in");
    let sub = on.app.post("/api/v1/auth/sub-users", Some(&admin), &sub).await;
    assert_eq!(sub.status(), 201, "the freed slot takes a sub-user");
    let subs = body(on.app.get_with("/api/v1/auth/sub-users", &admin).await).await;
    assert_eq!(subs["items"].as_array().unwrap().len(), 1);
    let listed = body(on.app.get_with(&path, &admin).await).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        4,
        "the sub-user is an employee, same rows"
    );
}

async fn the_partner_s_own_view(t: TestInfra) {
    let on = serve(&t).await;
    let partner = approved(&t, 1).await;
    let first = on.verify("9800000001").await;
    let admin = first["access_token"].as_str().unwrap().to_owned();
    let me = on.app.get_with("/api/v1/partners/me", &admin).await;
    assert_eq!(me.status(), 200);
    let me = body(me).await;
    assert_eq!(me["partner"]["id"], json!(partner));
    assert_eq!(me["kyc"]["status"], "verified");
    assert!(me["kyc"]["days_left"].as_i64().unwrap() >= 364);
    assert_eq!(me["employees"].as_array().unwrap().len(), 1);
    assert_eq!(me["locations"].as_array().unwrap().len(), 1);
    assert!(
        me["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "domestic_sell_india")
    );
    assert_eq!(me["pending_amendments"], json!([]));
    let staff = on.app.get_with("/api/v1/partners/me", &on.admin).await;
    assert_eq!(staff.status(), 403);
    assert_eq!(body(staff).await["code"], "not_a_partner_user");
}

infra::backend_tests!(employees_within_the_limit_and_logins, the_partner_s_own_view);
