//! Integration tests of the trade desk crate, each on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod availabilities;
mod availability_market;
mod availability_reads;
mod availability_search;
mod matching;
mod matching_events;
mod matching_weights;
mod reads_support;
mod requirement_reads;
mod requirement_search;
mod requirements;
mod reservation_refusals;
mod reservations;
mod support;
mod trade_cancels;
mod trades;
