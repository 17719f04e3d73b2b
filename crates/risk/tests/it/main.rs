//! Integration tests of the risk crate, each on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod assessments;
mod bands;
mod concurrency;
mod facts;
mod ledger;
mod performance;
mod rules_fixtures;
mod support;
mod validations;
