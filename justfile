# Recipes for working on the platform. Install just with `cargo install just --locked`.

# List the recipes.
default:
    @just --list

# Serve the API (embedded SQLite + in-process kv unless DATABASE_URL / REDIS_URL are set).
run *ARGS:
    cargo run -- {{ARGS}}

# Run the tests of every crate, or of one: `just test settings`.
test CRATE="":
    if [ -z "{{CRATE}}" ]; then cargo test --workspace; else cargo test -p {{CRATE}}; fi

# Formatting and lints, as CI and reviewers expect them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Benchmarks on PostgreSQL + Redis: HTTP load, event delivery, the availability search,
# reservations contending for one availability against spread over many, and the Rust server
# against the FastAPI peer (benches/peer/, driven by wrk), figures as ratios (docs/performance.md).
bench:
    cargo bench -p server --bench http --bench events --bench search --bench matching --bench matching_events --bench contention --bench peer

# Start the local PostgreSQL and Redis when they are not answering.
services-up:
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
    (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
