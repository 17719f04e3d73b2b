//! Spawning the application on a test infrastructure.

use infra::AppInfra;
use server::app::Application;
use server::config::Config;

/// A running server and a client for it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client without redirects, so tests see them.
    pub client: reqwest::Client,
}

impl TestApp {
    /// `GET` with a bearer token.
    pub async fn get_with(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// `POST` a JSON body, with a bearer token when given.
    pub async fn post(&self, path: &str, token: Option<&str>, body: &serde_json::Value) -> reqwest::Response {
        let mut request = self.client.post(format!("{}{path}", self.address)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request")
    }

    /// `PATCH` a JSON body with a bearer token and an optional `If-Match`.
    pub async fn patch(
        &self,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .patch(format!("{}{path}", self.address))
            .bearer_auth(token)
            .json(body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        request.send().await.expect("request")
    }

    /// `GET address + path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("request")
    }
}

/// Serves the application over `infra` on a free port, with test settings.
pub async fn spawn_app(infra: AppInfra) -> TestApp {
    spawn_with(infra, Config::default()).await
}

/// Serves the application over `infra` with `config` (on a free port, two workers).
pub async fn spawn_with(infra: AppInfra, config: Config) -> TestApp {
    serve(infra, config, None).await
}

/// Serves the application over `infra` with `config`, sending one-time codes through `sender`.
pub async fn spawn_capturing(
    infra: AppInfra,
    config: Config,
    sender: std::sync::Arc<dyn user_auth::otp::OtpSender>,
) -> TestApp {
    serve(infra, config, Some(sender)).await
}

async fn serve(
    infra: AppInfra,
    config: Config,
    sender: Option<std::sync::Arc<dyn user_auth::otp::OtpSender>>,
) -> TestApp {
    // Documents in memory unless a test names a store: nothing left on disk.
    let document_store_url = if config.document_store_url == Config::default().document_store_url {
        "memory://".to_owned()
    } else {
        config.document_store_url.clone()
    };
    let config = Config {
        bind_addr: "127.0.0.1:0".into(),
        workers: 2,
        document_store_url,
        ..config
    };
    let app = match sender {
        Some(sender) => Application::with_otp_sender(config, infra, sender).await,
        None => Application::with_infra(config, infra).await,
    }
    .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp { address, client }
}

/// The password of test accounts.
pub const PASSWORD: &str = "correct horse battery";

/// Creates a SUPER_ADMIN `email` with [`PASSWORD`].
pub async fn create_admin(infra: &AppInfra, email: &str) {
    user_auth::AccountService::new(infra.clone(), user_auth::AuthConfig::default())
        .create_super_admin(email, PASSWORD, "Administrator")
        .await
        .expect("create the administrator");
}

/// Logs `email` in over HTTP and answers its access token.
pub async fn login(app: &TestApp, email: &str) -> String {
    let pair: serde_json::Value = app
        .post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": email, "password": PASSWORD}),
        )
        .await
        .json()
        .await
        .expect("a login answer");
    pair["access_token"].as_str().expect("an access token").to_owned()
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .expect("its address")
        .port()
}

/// The real `server` binary with a clean environment (none of the server's
/// variables inherited) and its standard output discarded.
pub fn server_command() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.stdout(std::process::Stdio::null());
    for var in server::config::ENV_VARS
        .iter()
        .chain(&["CONFIG_FILE", "RUST_LOG"])
    {
        cmd.env_remove(var);
    }
    // Documents in memory: a test binary leaves no files behind.
    cmd.env("DOCUMENT_STORE_URL", "memory://");
    cmd
}
