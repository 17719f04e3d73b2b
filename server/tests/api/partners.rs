//! Partners over HTTP: a stranger's mobile through OTP, application,
//! documents, verification and approval to a login whose token carries the
//! partner; a weak application through manager review; and what an applicant
//! or another partner's user may not reach.

use std::sync::Arc;

use base64::Engine;
use infra::testing::TestInfra;
use serde_json::{Value, json};
use user_auth::otp::CapturingSender;

use crate::helpers::{TestApp, create_admin, login};

/// A served application whose one-time codes the test reads.
pub struct Onboarding {
    pub app: TestApp,
    pub codes: CapturingSender,
    pub admin: String,
}

/// Serves `t` with a capturing SMS sender and a logged-in administrator.
pub async fn serve(t: &TestInfra) -> Onboarding {
    serve_with(t, server::config::Config::default()).await
}

/// [`serve`] under `config`.
pub async fn serve_with(t: &TestInfra, config: server::config::Config) -> Onboarding {
    let codes = CapturingSender::default();
    create_admin(t.infra(), "root@example.com").await;
    let app = crate::helpers::spawn_capturing(t.infra().clone(), config, Arc::new(codes.clone())).await;
    let admin = login(&app, "root@example.com").await;
    Onboarding { app, codes, admin }
}

/// The PAN numbered `n`.
pub fn pan(n: u32) -> String {
    format!("AAPFU{n:04}F")
}

/// A Maharashtra GSTIN for the PAN numbered `n`, with its check digit.
pub fn gstin(n: u32) -> String {
    let first14 = format!("27{}1Z", pan(n));
    let check = settings::tax_ids::gstin_check_char(&first14).unwrap();
    format!("{first14}{check}")
}

/// A ten-digit mobile numbered `n`.
pub fn mobile(n: u32) -> String {
    format!("97{n:08}")
}

/// A private limited seller numbered `n`, in business since `since`.
pub fn seller(n: u32, since: &str) -> Value {
    json!({
        "legal_name": format!("Shree Cotton {n} Pvt Ltd"),
        "partner_type": "seller",
        "entity_type": "private_limited",
        "gstin": gstin(n),
        "pan": pan(n),
        "address": {"line1": "12 Market Yard", "city": "Jalgaon", "state_code": "MH",
                    "pincode": "425001", "latitude": 21.0, "longitude": 75.56},
        "contact": {"full_name": "Ramesh Patil", "email": format!("owner{n}@example.com"), "mobile": mobile(n)},
        "bank": {"account_name": "Shree Cotton", "account_number": "50100012345678", "ifsc": "HDFC0001234"},
        "business_start_date": since,
    })
}

impl Onboarding {
    /// Sends and verifies a code for `mobile`: the answer of the verify.
    pub async fn verify(&self, mobile: &str) -> Value {
        let sent = self
            .app
            .post("/api/v1/auth/otp/send", None, &json!({"mobile": mobile}))
            .await;
        assert_eq!(sent.status(), 200, "{}", sent.text().await.unwrap());
        let code = self.codes.last_code(&format!("+91{mobile}")).unwrap();
        let verified = self
            .app
            .post(
                "/api/v1/auth/otp/verify",
                None,
                &json!({"mobile": mobile, "otp": code}),
            )
            .await;
        assert_eq!(verified.status(), 200);
        verified.json().await.unwrap()
    }

    /// Uploads a small PDF as a document of `kind` to application `id`.
    pub async fn upload(&self, token: &str, id: &str, kind: &str) -> reqwest::Response {
        let pdf = format!("%PDF-1.4 {kind}").into_bytes();
        self.upload_bytes(token, id, kind, &pdf, None).await
    }

    /// Uploads `file` as a document of `kind` to application `id`, with an
    /// `Idempotency-Key` when given.
    pub async fn upload_bytes(
        &self,
        token: &str,
        id: &str,
        kind: &str,
        file: &[u8],
        key: Option<&str>,
    ) -> reqwest::Response {
        let path = format!("/api/v1/partners/applications/{id}/documents");
        self.upload_to(token, &path, kind, file, key).await
    }

    /// Uploads `file` as a document of `kind` to `path` (a multipart
    /// document route), with an `Idempotency-Key` when given.
    pub async fn upload_to(
        &self,
        token: &str,
        path: &str,
        kind: &str,
        file: &[u8],
        key: Option<&str>,
    ) -> reqwest::Response {
        let boundary = "partner-document-boundary";
        let mut body = Vec::new();
        for (name, value) in [("document_type", kind), ("number", "X1234")] {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{kind}.pdf\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = self
            .app
            .client
            .post(format!("{}{path}", self.app.address))
            .bearer_auth(token)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            );
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.body(body).send().await.unwrap()
    }

    /// Verifies document `doc` of application `id` as the administrator.
    pub async fn verify_document(&self, id: &str, doc: &str) -> Value {
        let answer = self
            .app
            .post(
                &format!("/api/v1/partners/applications/{id}/documents/{doc}/verify"),
                Some(&self.admin),
                &json!({"verified": true}),
            )
            .await;
        assert_eq!(answer.status(), 200);
        answer.json().await.unwrap()
    }
}

/// The claims of a JWT, unverified (the server checked it).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

async fn a_stranger_becomes_a_trading_partner(t: TestInfra) {
    let on = serve(&t).await;
    let first = on.verify(&mobile(1)).await;
    assert_eq!(first["next_step"], "start_onboarding");
    let applicant = first["onboarding_token"].as_str().unwrap().to_owned();

    // The onboarding token opens the application routes only.
    let elsewhere = on.app.get_with("/api/v1/settings/roles", &applicant).await;
    assert_eq!(elsewhere.status(), 401);
    let started = on
        .app
        .post(
            "/api/v1/partners/applications",
            Some(&applicant),
            &seller(1, "2010-04-01"),
        )
        .await;
    assert_eq!(started.status(), 201);
    let app: Value = started.json().await.unwrap();
    let id = app["id"].as_str().unwrap().to_owned();
    assert_eq!(app["status"], "draft");

    // A returning applicant continues, without waiting for the cool-down.
    let again = on.verify(&mobile(1)).await;
    assert_eq!(again["next_step"], "continue_onboarding");
    assert_eq!(again["application_id"], id.as_str());

    let early = on
        .app
        .post(
            &format!("/api/v1/partners/applications/{id}/submit"),
            Some(&applicant),
            &json!({}),
        )
        .await;
    assert_eq!(early.status(), 422);
    let problem: Value = early.json().await.unwrap();
    assert_eq!(problem["errors"].as_array().unwrap().len(), 3, "{problem}");

    let mut documents = Vec::new();
    for kind in ["bank_proof", "gst_certificate", "pan_card"] {
        let uploaded = on.upload(&applicant, &id, kind).await;
        assert_eq!(uploaded.status(), 201, "{kind}");
        let doc: Value = uploaded.json().await.unwrap();
        assert_eq!(doc["content_type"], "application/pdf");
        documents.push(doc["id"].as_str().unwrap().to_owned());
    }
    let listed: Value = on
        .app
        .get_with(
            &format!("/api/v1/partners/applications/{id}/documents"),
            &applicant,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
    let file = on
        .app
        .get_with(
            &format!(
                "/api/v1/partners/applications/{id}/documents/{}/file",
                documents[0]
            ),
            &applicant,
        )
        .await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), b"%PDF-1.4 bank_proof");

    let submitted = on
        .app
        .post(
            &format!("/api/v1/partners/applications/{id}/submit"),
            Some(&applicant),
            &json!({}),
        )
        .await;
    assert_eq!(submitted.status(), 200);
    let scored: Value = submitted.json().await.unwrap();
    assert_eq!(scored["routing"], "auto_approved", "{scored}");
    assert_eq!(scored["status"], "submitted");

    // Staff verify the documents; the last one approves the application.
    on.verify_document(&id, &documents[0]).await;
    on.verify_document(&id, &documents[1]).await;
    let last = on.verify_document(&id, &documents[2]).await;
    let partner = last["approval"]["partner"].clone();
    assert_eq!(partner["code"], "BP-IND-SEL-0001", "{last}");
    let mine: Value = on
        .app
        .get_with(&format!("/api/v1/partners/applications/{id}"), &applicant)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["status"], "approved");
    assert_eq!(mine["partner_id"], partner["id"]);

    // The next OTP login opens a session whose token carries the partner.
    let login = on.verify(&mobile(1)).await;
    assert_eq!(login["next_step"], "dashboard");
    let token = login["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["partner"], partner["id"]);
}

async fn a_weak_application_goes_to_manager_review_and_is_approved(t: TestInfra) {
    let on = serve(&t).await;
    let started = on
        .app
        .post(
            "/api/v1/partners/applications",
            Some(&on.admin),
            &seller(2, "2025-06-01"),
        )
        .await;
    assert_eq!(started.status(), 201);
    let id = started.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for kind in ["cancelled_cheque", "gst_certificate", "pan_card"] {
        assert_eq!(on.upload(&on.admin, &id, kind).await.status(), 201);
    }
    let scored: Value = on
        .app
        .post(
            &format!("/api/v1/partners/applications/{id}/submit"),
            Some(&on.admin),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(scored["routing"], "manager_review", "{scored}");
    let approved = on
        .app
        .post(
            &format!("/api/v1/partners/applications/{id}/approve"),
            Some(&on.admin),
            &json!({"credit_limit": "500000", "notes": "known mill"}),
        )
        .await;
    assert_eq!(approved.status(), 201);
    let location = approved.headers()["location"].to_str().unwrap().to_owned();
    let decided: Value = approved.json().await.unwrap();
    assert_eq!(decided["status"], "approved");
    assert_eq!(
        location,
        format!("/api/v1/partners/{}", decided["partner"]["id"].as_str().unwrap())
    );
    let twice = on
        .app
        .post(
            &format!("/api/v1/partners/applications/{id}/approve"),
            Some(&on.admin),
            &json!({}),
        )
        .await;
    assert_eq!(twice.status(), 409);
}

async fn an_applicant_reaches_only_its_own_application(t: TestInfra) {
    let on = serve(&t).await;
    let owner = on.verify(&mobile(3)).await["onboarding_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let stranger = on.verify(&mobile(4)).await["onboarding_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = on
        .app
        .post(
            "/api/v1/partners/applications",
            Some(&owner),
            &seller(3, "2010-04-01"),
        )
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Another number's application cannot be started with this token.
    let foreign = on
        .app
        .post(
            "/api/v1/partners/applications",
            Some(&stranger),
            &seller(3, "2010-04-01"),
        )
        .await;
    assert_eq!(foreign.status(), 422);
    for path in [
        format!("/api/v1/partners/applications/{id}"),
        format!("/api/v1/partners/applications/{id}/documents"),
    ] {
        assert_eq!(on.app.get_with(&path, &stranger).await.status(), 404, "{path}");
    }
    let listed: Value = on
        .app
        .get_with("/api/v1/partners/applications", &stranger)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    // Decisions are staff's: the applicant's token is refused.
    let approve = on
        .app
        .post(
            &format!("/api/v1/partners/applications/{id}/approve"),
            Some(&owner),
            &json!({}),
        )
        .await;
    assert_eq!(approve.status(), 403);
}

infra::backend_tests!(
    a_stranger_becomes_a_trading_partner,
    a_weak_application_goes_to_manager_review_and_is_approved,
    an_applicant_reaches_only_its_own_application,
);
