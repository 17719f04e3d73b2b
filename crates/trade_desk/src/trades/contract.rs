//! The trade note (contract) of a trade as a PDF: number and date, the
//! parties with GSTIN and address, commodity, variety and quality,
//! quantity and price, the amount, GST lines, total in figures (with the
//! rupee sign, Indian grouping) and in Indian words, the commission lines
//! (payable separately), and the delivery and payment terms. Text is real
//! text in the vendored DejaVu Sans with a Unicode map, so it can be
//! extracted and searched; long notes flow onto further pages.
//!
//! ```
//! use std::collections::BTreeMap;
//! use chrono::NaiveDate;
//! use rust_decimal::Decimal;
//! use settings::commodities::units::{Unit, Units};
//! use trade_desk::trades::contract::{NoteParty, TradeNote, contract_pdf};
//! use trade_desk::trades::pricing::{PriceInput, price_trade};
//!
//! let units = Units(vec![Unit { code: "KG".into(), base_unit: "KG".into(), factor: Decimal::ONE, category: "WEIGHT".into() }]);
//! let input = PriceInput {
//!     base_unit: "KG",
//!     quantity: "1000".parse()?,
//!     unit: "KG",
//!     price: "62.5".parse()?,
//!     price_unit: "KG",
//!     gst_rate: Decimal::from(5),
//!     seller_gstin: Some("24AAACR5055K1Z5"),
//!     buyer_gstin: None,
//!     commissions: &[],
//! };
//! let note = TradeNote {
//!     number: "TRD-2026-000001".into(),
//!     date: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default(),
//!     seller: NoteParty { name: "Rajkot Ginning".into(), gstin: Some("24AAACR5055K1Z5".into()), address: "Rajkot, Gujarat".into() },
//!     buyer: NoteParty { name: "Small Mill".into(), gstin: None, address: "Pune, Maharashtra".into() },
//!     commodity: "Cotton".into(),
//!     variety: None,
//!     quality: BTreeMap::new(),
//!     quantity: "1000".parse()?,
//!     unit: "KG".into(),
//!     price: "62.5".parse()?,
//!     price_unit: "KG".into(),
//!     money: price_trade(&units, &input)?,
//!     delivery_terms: "Ex-gin".into(),
//!     payment_terms: "Against delivery".into(),
//! };
//! let pdf = contract_pdf(&note)?;
//! assert!(pdf.starts_with(b"%PDF"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;
use infra::{Money, Quantity, ServiceError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::pdf::{MARGIN, PAGE_WIDTH, Writer};
use super::pricing::{Supply, TradeMoney};
use super::words::indian_figures;

/// A party to the trade as the note names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteParty {
    /// Legal name.
    pub name: String,
    /// GSTIN, if registered.
    pub gstin: Option<String>,
    /// Address, one or more lines.
    pub address: String,
}

/// Everything the trade note prints.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeNote {
    /// The trade number, such as `TRD-2026-000001`.
    pub number: String,
    /// The trade date.
    pub date: NaiveDate,
    /// The seller.
    pub seller: NoteParty,
    /// The buyer.
    pub buyer: NoteParty,
    /// The commodity's name.
    pub commodity: String,
    /// The variety's name, if any.
    pub variety: Option<String>,
    /// Quality by parameter code: `{code: value}`.
    pub quality: BTreeMap<String, String>,
    /// Quantity traded, in `unit`.
    pub quantity: Quantity,
    /// The quantity's unit.
    pub unit: String,
    /// Price per one `price_unit`.
    pub price: Money,
    /// The unit the price is quoted per.
    pub price_unit: String,
    /// The trade's money ([`super::pricing::price_trade`]).
    pub money: TradeMoney,
    /// Delivery terms, as text.
    pub delivery_terms: String,
    /// Payment terms, as text.
    pub payment_terms: String,
}

const TITLE: f32 = 18.0;
const HEADING: f32 = 11.0;
const BODY: f32 = 9.5;
const LINE: f32 = 5.0;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const COLUMN: f32 = TEXT_WIDTH / 2.0 - 4.0;

/// `₹ 12,34,567.89`.
fn rupees(amount: Decimal) -> String {
    format!("₹ {}", indian_figures(amount))
}

/// A price as given: Indian grouping with 2 places, or all its places when it has more.
fn price_figures(price: Money) -> String {
    let value = price.value().normalize();
    if value.scale() <= 2 {
        rupees(value)
    } else {
        format!("₹ {value}")
    }
}

fn percent(rate: Decimal) -> String {
    format!("{} %", rate.normalize())
}

fn party_block(w: &mut Writer, x: f32, role: &str, party: &NoteParty) -> f32 {
    let top = w.y;
    w.text(x, HEADING, role);
    let mut lines = vec![party.name.clone()];
    lines.push(match &party.gstin {
        Some(gstin) => format!("GSTIN: {gstin}"),
        None => "GSTIN: not registered".to_owned(),
    });
    lines.extend(w.wrap(&party.address, COLUMN, BODY));
    let mut y = top;
    for line in lines {
        y -= LINE;
        w.y = y;
        w.text(x, BODY, &line);
    }
    w.y = top;
    top - y
}

fn parties(w: &mut Writer, note: &TradeNote) {
    w.down(LINE * 2.0);
    let height = 3.0 * LINE
        + w.wrap(&note.seller.address, COLUMN, BODY)
            .len()
            .max(w.wrap(&note.buyer.address, COLUMN, BODY).len()) as f32
            * LINE;
    w.room(height);
    let seller = party_block(w, MARGIN, "Seller", &note.seller);
    let buyer = party_block(w, MARGIN + TEXT_WIDTH / 2.0, "Buyer", &note.buyer);
    w.y -= seller.max(buyer);
}

fn row(w: &mut Writer, label: &str, value: &str) {
    w.down(LINE);
    w.text(MARGIN, BODY, label);
    w.right(RIGHT, BODY, value);
}

fn goods(w: &mut Writer, note: &TradeNote) {
    w.rule(LINE);
    w.down(LINE * 1.4);
    w.text(MARGIN, HEADING, "Goods");
    row(w, "Commodity", &note.commodity);
    row(w, "Variety", note.variety.as_deref().unwrap_or("—"));
    if note.quality.is_empty() {
        row(w, "Quality", "as per the commodity's standard");
    } else {
        w.down(LINE);
        w.text(MARGIN, BODY, "Quality");
        for (code, value) in &note.quality {
            row(w, &format!("    {code}"), value);
        }
    }
    let quantity = format!(
        "{} {} ({} {})",
        note.quantity, note.unit, note.money.base_quantity, note.money.base_unit
    );
    row(w, "Quantity", &quantity);
    row(
        w,
        "Price",
        &format!("{} per {}", price_figures(note.price), note.price_unit),
    );
}

fn money(w: &mut Writer, money: &TradeMoney) {
    w.rule(LINE);
    w.down(LINE * 1.4);
    w.text(MARGIN, HEADING, "Amount and taxes");
    row(w, "Amount (taxable value)", &rupees(money.amount));
    match money.supply {
        Supply::IntraState => {
            let half = percent(money.gst_rate / Decimal::TWO);
            row(w, &format!("CGST @ {half}"), &rupees(money.cgst));
            row(w, &format!("SGST @ {half}"), &rupees(money.sgst));
        }
        Supply::InterState => {
            row(
                w,
                &format!("IGST @ {}", percent(money.gst_rate)),
                &rupees(money.igst),
            );
        }
    }
    w.down(LINE * 0.6);
    w.down(LINE);
    w.text(MARGIN, HEADING, "Total");
    w.right(RIGHT, HEADING, &rupees(money.total));
    w.down(LINE * 0.3);
    w.paragraph(
        MARGIN,
        TEXT_WIDTH,
        BODY,
        &format!("In words: {}", money.total_in_words),
    );
}

fn commission(w: &mut Writer, money: &TradeMoney) {
    w.rule(LINE);
    w.down(LINE * 1.4);
    w.text(
        MARGIN,
        HEADING,
        "Commission (payable separately, not in the total)",
    );
    if money.commissions.is_empty() {
        row(w, "No commission applies to this trade.", "");
    }
    for line in &money.commissions {
        let rate = line.rate.map(|r| format!(", {}", percent(r))).unwrap_or_default();
        let label = format!(
            "{} ({}{rate}), paid by the {}",
            line.name,
            line.commission_type,
            line.payer.to_lowercase()
        );
        row(w, &label, &rupees(line.amount));
    }
}

fn terms(w: &mut Writer, note: &TradeNote) {
    w.rule(LINE);
    for (heading, text) in [
        ("Delivery terms", &note.delivery_terms),
        ("Payment terms", &note.payment_terms),
    ] {
        w.down(LINE * 1.4);
        w.text(MARGIN, HEADING, heading);
        let text = if text.trim().is_empty() {
            "as agreed"
        } else {
            text.as_str()
        };
        w.paragraph(MARGIN, TEXT_WIDTH, BODY, text);
    }
}

fn signatures(w: &mut Writer) {
    w.down(LINE * 6.0);
    w.text(MARGIN, BODY, "For the seller: ______________________");
    w.right(RIGHT, BODY, "For the buyer: ______________________");
}

/// The trade note of `note` as a PDF (A4, one page or more).
pub fn contract_pdf(note: &TradeNote) -> Result<Vec<u8>, ServiceError> {
    let mut w = Writer::new(&format!("Trade note {}", note.number))?;
    w.down(TITLE * 0.35);
    w.text(MARGIN, TITLE, "Trade Note");
    w.down(LINE * 1.6);
    w.text(MARGIN, BODY, &format!("Trade number: {}", note.number));
    w.right(RIGHT, BODY, &format!("Date: {}", note.date.format("%d %B %Y")));
    parties(&mut w, note);
    goods(&mut w, note);
    money(&mut w, &note.money);
    commission(&mut w, &note.money);
    terms(&mut w, note);
    signatures(&mut w);
    Ok(w.finish())
}

#[cfg(test)]
#[path = "contract_tests.rs"]
mod tests;
