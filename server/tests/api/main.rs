//! HTTP tests of the server, each on both backends, and tests of the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod binary;
mod catalogue;
mod consumers;
mod delivery;
mod helpers;
mod idempotency;
mod identity;
mod jobs;
mod openapi;
mod operations;
mod organizations;
mod partners;
mod partners_amendments;
mod partners_employees;
mod partners_kyc;
mod partners_limits;
mod partners_places;
mod partners_records;
mod rate_limit;
mod realtime;
mod relay;
mod risk_assessments;
mod risk_exposure;
mod sessions;
mod tour;
mod trade_desk_availabilities;
mod trade_desk_availability_search;
mod trade_desk_match_events;
mod trade_desk_matching;
mod trade_desk_requirement_reads;
mod trade_desk_requirement_states;
mod trade_desk_requirements;
mod trade_desk_reservations;
mod trade_desk_trades;
