//! Rounds, medians, ratios and the markdown tables.

use std::time::Duration;

use crate::stats::Delta;
use crate::wrk;

/// Which server a round measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Rust,
    Peer,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Rust => "rust",
            Side::Peer => "peer",
        }
    }
}

/// One measured round.
#[derive(Debug, Clone)]
pub struct Round {
    pub side: Side,
    pub wrk: wrk::Report,
    pub delta: Delta,
}

/// The rounds of one measurement, with its goal (rust/peer requests per second).
#[derive(Debug, Clone)]
pub struct Measurement {
    pub name: &'static str,
    pub goal: f64,
    pub rounds: Vec<Round>,
}

/// The medians of one server's rounds and its work per request.
#[derive(Debug, Clone)]
pub struct Summary {
    pub requests_per_sec: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub redis_per_request: f64,
    pub sql_per_request: f64,
    /// Redis commands per request, by command, most frequent first.
    pub redis_by_command: Vec<(String, f64)>,
    /// Rounds with non-2xx answers or socket errors.
    pub invalid_rounds: usize,
}

fn median<T: Copy + PartialOrd>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

impl Measurement {
    /// The summary of `side`'s rounds: medians of each figure, work summed
    /// over the rounds divided by the requests wrk reported.
    pub fn summary(&self, side: Side) -> Summary {
        let rounds: Vec<&Round> = self.rounds.iter().filter(|r| r.side == side).collect();
        let requests: u64 = rounds.iter().map(|r| r.wrk.requests).sum();
        let mut work = Delta::default();
        for round in &rounds {
            work.add(&round.delta);
        }
        let per = |n: i64| n as f64 / requests.max(1) as f64;
        let mut redis_by_command: Vec<(String, f64)> = work
            .redis_by_command
            .iter()
            .map(|(name, n)| (name.clone(), per(*n)))
            .filter(|(_, n)| n.abs() >= 0.005)
            .collect();
        redis_by_command.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
        Summary {
            requests_per_sec: median(rounds.iter().map(|r| r.wrk.requests_per_sec).collect()),
            p50: median(rounds.iter().map(|r| r.wrk.p50).collect()),
            p99: median(rounds.iter().map(|r| r.wrk.p99).collect()),
            redis_per_request: per(work.redis),
            sql_per_request: per(work.sql),
            redis_by_command,
            invalid_rounds: rounds.iter().filter(|r| !r.wrk.valid()).count(),
        }
    }
}

/// `812 µs`, `1.23 ms`.
pub fn latency(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else {
        format!("{:.2} ms", us / 1000.0)
    }
}

/// One line for a round as it finishes.
pub fn round_line(measurement: &str, index: usize, round: &Round) {
    let w = &round.wrk;
    let mut line = format!(
        "  {measurement} round {index} {}: {:>9.1} req/s  p50 {:>9}  p99 {:>9}  {} requests  redis {:.2}/req  sql {:.2}/req",
        round.side.name(),
        w.requests_per_sec,
        latency(w.p50),
        latency(w.p99),
        w.requests,
        round.delta.redis as f64 / w.requests.max(1) as f64,
        round.delta.sql as f64 / w.requests.max(1) as f64,
    );
    if !w.valid() {
        line.push_str(&format!(
            "  INVALID: {} non-2xx, {} socket errors{}",
            w.non_2xx,
            w.socket_errors,
            w.first_error
                .as_deref()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default()
        ));
    }
    println!("{line}");
}

/// The markdown tables of all measurements.
pub fn tables(measurements: &[Measurement]) -> String {
    let mut out = String::new();
    out.push_str("| measurement | rust req/s | rust p50 | rust p99 | peer req/s | peer p50 | peer p99 | rust/peer | goal | verdict |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for m in measurements {
        let (rust, peer) = (m.summary(Side::Rust), m.summary(Side::Peer));
        let ratio = rust.requests_per_sec / peer.requests_per_sec;
        let verdict = if rust.invalid_rounds + peer.invalid_rounds > 0 {
            format!(
                "INVALID ({} rounds with errors)",
                rust.invalid_rounds + peer.invalid_rounds
            )
        } else if ratio >= m.goal {
            "met".to_owned()
        } else {
            "MISSED".to_owned()
        };
        out.push_str(&format!(
            "| {} | {:.0} | {} | {} | {:.0} | {} | {} | {ratio:.2}x | >= {:.1}x | {verdict} |\n",
            m.name,
            rust.requests_per_sec,
            latency(rust.p50),
            latency(rust.p99),
            peer.requests_per_sec,
            latency(peer.p50),
            latency(peer.p99),
            m.goal,
        ));
    }
    out.push('\n');
    out.push_str("| measurement | server | Redis commands / request | SQL statements / request | Redis commands by name / request |\n");
    out.push_str("|---|---|---|---|---|\n");
    for m in measurements {
        for side in [Side::Rust, Side::Peer] {
            let s = m.summary(side);
            let by_name: Vec<String> = s
                .redis_by_command
                .iter()
                .map(|(name, n)| format!("{name} {n:.2}"))
                .collect();
            out.push_str(&format!(
                "| {} | {} | {:.2} | {:.2} | {} |\n",
                m.name,
                side.name(),
                s.redis_per_request,
                s.sql_per_request,
                by_name.join(", ")
            ));
        }
    }
    out
}
