//! Integration tests of the partners crate, each on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

mod amendments;
mod applications;
mod decisions;
mod documents;
mod employees;
mod kyc;
mod kyc_documents;
mod links;
mod places;
mod records;
mod scoping;
mod sub_users;
mod support;
mod vehicles;
