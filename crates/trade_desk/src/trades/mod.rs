//! Trades: the pure parts a confirmed trade is built from, with no database
//! and no HTTP. [`pricing`] computes a trade's money ([`pricing::TradeMoney`]:
//! amount by the unit conversion, GST split by the parties' states, total),
//! [`commission`] its commission lines, [`words`] writes amounts in Indian
//! words and figures, and [`contract`] renders the trade note as a PDF with
//! [`pdf`]'s page writer.

pub mod commission;
pub mod contract;
pub mod pdf;
pub mod pricing;
pub mod words;
