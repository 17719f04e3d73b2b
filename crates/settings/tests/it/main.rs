//! Integration tests of the settings crate, each on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod catalogue;
mod kit;
mod locations;
pub mod organizations;
mod users;
