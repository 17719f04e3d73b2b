//! The FastAPI peer (`benches/peer/`): its virtual environment and its
//! uvicorn process, stopped when the guard drops (also on a panic).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// The workspace root (above `server/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// The target directory (`CARGO_TARGET_DIR` or `target/` of the workspace).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn run(command: &mut Command) {
    let status = command.status().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(status.success(), "{command:?} failed: {status}");
}

/// `target/peer-venv` with the peer's requirements installed; the install is
/// skipped while the stamp file holds the requirements' SHA-256. Answers its `bin/`.
pub fn venv() -> PathBuf {
    let requirements = workspace_root().join("benches/peer/requirements.txt");
    let digest = hex::encode(Sha256::digest(std::fs::read(&requirements).unwrap()));
    let venv = target_dir().join("peer-venv");
    let bin = venv.join("bin");
    let stamp = venv.join("requirements.sha256");
    if bin.join("uvicorn").is_file() && std::fs::read_to_string(&stamp).is_ok_and(|s| s.trim() == digest) {
        return bin;
    }
    let python = std::env::var("PEER_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    println!("peer: creating {} with {python}", venv.display());
    run(Command::new(&python).args(["-m", "venv"]).arg(&venv));
    run(Command::new(bin.join("pip"))
        .args(["install", "-q", "--disable-pip-version-check", "-r"])
        .arg(&requirements));
    std::fs::write(&stamp, format!("{digest}\n")).unwrap();
    bin
}

/// What the peer is started with.
pub struct Settings<'a> {
    pub database_url: &'a str,
    pub redis_url: &'a str,
    pub key_prefix: &'a str,
    pub jwks_url: &'a str,
    pub issuer: &'a str,
}

/// The running peer: its uvicorn master leads a process group of its own,
/// which the guard ends (TERM, then KILL after 5 s) when dropped.
pub struct Peer {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Peer {
    /// Starts `uvicorn app:app --workers 2 ...` in `benches/peer` on a free
    /// port and waits until it answers.
    pub async fn start(bin: &Path, settings: &Settings<'_>) -> Self {
        use std::os::unix::process::CommandExt as _;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(bin.join("uvicorn"))
            .args([
                "app:app",
                "--workers",
                "2",
                "--loop",
                "uvloop",
                "--http",
                "httptools",
            ])
            .args(["--no-access-log", "--log-level", "warning", "--host", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .current_dir(workspace_root().join("benches/peer"))
            .env("PEER_DATABASE_URL", settings.database_url)
            .env("PEER_REDIS_URL", settings.redis_url)
            .env("PEER_KEY_PREFIX", settings.key_prefix)
            .env("PEER_JWKS_URL", settings.jwks_url)
            .env("PEER_ISSUER", settings.issuer)
            .env("PEER_RATE_LIMIT", "1000000000")
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .process_group(0)
            .spawn()
            .expect("start uvicorn");
        let mut peer = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        peer.wait_until_up().await;
        peer
    }

    async fn wait_until_up(&mut self) {
        let client = reqwest::Client::new();
        let probe = format!(
            "{}/api/v1/settings/organizations/00000000-0000-0000-0000-000000000000",
            self.base
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the peer exited before answering: {status}");
            }
            // Unauthenticated: 401 from a worker that has its keys, pool and schema.
            if let Ok(answer) = client.get(&probe).send().await
                && answer.status() == reqwest::StatusCode::UNAUTHORIZED
            {
                return;
            }
            assert!(Instant::now() < deadline, "the peer did not answer within 60 s");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([name, "--", &group])
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                // The master is gone; its workers got the same TERM.
                signal("-KILL");
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        signal("-KILL");
        let _ = self.child.wait();
    }
}
