//! Driving `wrk`: making sure it is installed, the Lua scripts of the two
//! measurements, one run and the parsing of its report.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Threads and connections of every run (`wrk -t 2 -c 8`).
const THREADS: u32 = 2;
const CONNECTIONS: u32 = 8;

/// The path of `wrk`, installed with `apt-get` when missing and running as root.
pub fn ensure_installed() -> PathBuf {
    if let Some(path) = on_path("wrk") {
        return path;
    }
    let uid = Command::new("id").arg("-u").output().expect("run id -u");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        panic!(
            "wrk is not installed and this bench is not running as root: install it \
             (Debian: `sudo apt-get install -y wrk`) and run the bench again"
        );
    }
    println!("wrk is missing: apt-get install -y wrk");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-q", "wrk"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    if !install() {
        println!("apt-get install failed: apt-get update, then again");
        let updated = Command::new("apt-get")
            .args(["update", "-q"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(updated && install(), "could not install wrk with apt-get");
    }
    on_path("wrk").expect("wrk installed but not on PATH")
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Reporting of non-2xx answers, shared by both scripts: each thread counts
/// them (and keeps the first), `done` prints the total for [`parse`].
const COUNT_ERRORS: &str = r#"
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first == "" then first = status .. " " .. string.sub(body or "", 1, 160) end
  end
end
function done(summary, latency, requests)
  local total, sample = 0, ""
  for _, t in ipairs(threads) do
    total = total + t:get("non2xx")
    local f = t:get("first")
    if sample == "" and f ~= nil then sample = f end
  end
  io.write(string.format("bench-non2xx: %d\n", total))
  if sample ~= "" then io.write("bench-first-error: " .. (string.gsub(sample, "\n", " ")) .. "\n") end
end
"#;

/// Writes the scripts into `dir`: `get.lua` (a GET with the bearer token) and
/// `create.lua` (a POST of a new organization with a unique name and
/// `Idempotency-Key` per request: a per-thread random tag, a counter, and the
/// run-unique nonce passed to wrk after `--`). Answers their paths.
pub fn write_scripts(dir: &Path, token: &str) -> (PathBuf, PathBuf) {
    let get = format!(
        r#"wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer {token}"
function init(args)
  non2xx = 0
  first = ""
end
{COUNT_ERRORS}"#
    );
    let create = format!(
        r#"wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
function init(args)
  non2xx = 0
  first = ""
  counter = 0
  math.randomseed(os.time() * 7919 + tid * 104729 + os.clock() * 1000000)
  tag = string.format("%s-%d-%06x", args[1] or "run", tid, math.random(0, 16777215))
end
function request()
  counter = counter + 1
  local id = tag .. "-" .. counter
  wrk.headers["Idempotency-Key"] = "bench-" .. id
  local body = '{{"name":"Bench Org ' .. id .. '","legal_name":"Bench Org ' .. id .. ' Pvt Ltd"}}'
  return wrk.format(nil, nil, nil, body)
end
{COUNT_ERRORS}"#
    );
    let (get_path, create_path) = (dir.join("get.lua"), dir.join("create.lua"));
    std::fs::write(&get_path, get).unwrap();
    std::fs::write(&create_path, create).unwrap();
    (get_path, create_path)
}

/// What one wrk run reported.
#[derive(Debug, Clone)]
pub struct Report {
    pub requests: u64,
    pub requests_per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    /// Non-2xx answers (the script's count, or wrk's own line, whichever is larger).
    pub non_2xx: u64,
    /// Connect/read/write/timeout errors.
    pub socket_errors: u64,
    /// The first non-2xx answer, as the script saw it.
    pub first_error: Option<String>,
}

impl Report {
    /// A round without errors.
    pub fn valid(&self) -> bool {
        self.non_2xx == 0 && self.socket_errors == 0 && self.requests > 0
    }
}

/// Runs `wrk` for `seconds` against `url` with `script`; `nonce` reaches the script as `args[1]`.
pub async fn run(wrk: &Path, url: &str, script: &Path, seconds: u64, nonce: &str) -> Report {
    let output = tokio::process::Command::new(wrk)
        .args(["-t", &THREADS.to_string(), "-c", &CONNECTIONS.to_string()])
        .args(["-d", &format!("{seconds}s"), "--latency", "-s"])
        .arg(script)
        .arg(url)
        .args(["--", nonce])
        .output()
        .await
        .expect("run wrk");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "wrk failed: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse(&text).unwrap_or_else(|| panic!("could not read wrk's report:\n{text}"))
}

/// Reads wrk's `--latency` report (and the script's `bench-` lines).
pub fn parse(text: &str) -> Option<Report> {
    let mut requests = None;
    let mut rps = None;
    let (mut p50, mut p99) = (None, None);
    let (mut non_2xx, mut socket_errors, mut first_error) = (0, 0, None);
    for line in text.lines().map(str::trim) {
        let mut words = line.split_whitespace();
        if let Some(value) = line.strip_prefix("Requests/sec:") {
            rps = value.trim().parse().ok();
        } else if let Some(value) = line.strip_prefix("50%") {
            p50 = duration(value.trim());
        } else if let Some(value) = line.strip_prefix("99%") {
            p99 = duration(value.trim());
        } else if line.contains(" requests in ") {
            requests = words.next().and_then(|n| n.parse().ok());
        } else if let Some(value) = line.strip_prefix("Non-2xx or 3xx responses:") {
            non_2xx = non_2xx.max(value.trim().parse().unwrap_or(u64::MAX));
        } else if let Some(value) = line.strip_prefix("bench-non2xx:") {
            non_2xx = non_2xx.max(value.trim().parse().unwrap_or(u64::MAX));
        } else if let Some(value) = line.strip_prefix("bench-first-error:") {
            first_error = Some(value.trim().to_owned());
        } else if let Some(value) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            socket_errors = value
                .split(',')
                .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum();
        }
    }
    Some(Report {
        requests: requests?,
        requests_per_sec: rps?,
        p50: p50?,
        p99: p99?,
        non_2xx,
        socket_errors,
        first_error,
    })
}

/// `812.00us`, `1.23ms`, `2.00s`, `1.00m` as a duration.
fn duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}
