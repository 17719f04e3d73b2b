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
    let config = Config {
        bind_addr: "127.0.0.1:0".into(),
        workers: 2,
        ..Config::default()
    };
    let app = Application::with_infra(config, infra)
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestApp { address, client }
}
