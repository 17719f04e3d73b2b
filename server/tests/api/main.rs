//! HTTP tests of the server, each on both backends, and tests of the real binary.

mod binary;
mod helpers;
mod operations;
