//! Integration tests of the infra crate, each on both backends.

mod kv;
mod write;
