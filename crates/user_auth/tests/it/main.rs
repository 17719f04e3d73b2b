//! Integration tests of authentication, each on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod access;
mod otp;
mod sessions;
mod support;
mod tokens;
mod totp;
