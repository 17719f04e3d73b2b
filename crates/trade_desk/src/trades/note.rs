//! The trade note of a stored trade: its rows gathered into a
//! [`TradeNote`] (parties with GSTIN and address, commodity, variety,
//! quality by parameter name, the money as confirmed, the terms) and
//! rendered by [`contract_pdf`].

use std::collections::BTreeMap;

use infra::{Actor, Infra, Money, Quantity, ServiceError};
use partners::entity::partner;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::Value;
use settings::commodities::entity::{commodity, parameter, trade_term, variety};
use settings::commodities::units::Units;
use uuid::Uuid;

use super::TradeService;
use super::commission::CommissionLine;
use super::contract::{NoteParty, TradeNote, contract_pdf};
use super::entity::trade;
use super::model::shown;
use super::pricing::{Supply, TradeMoney};
use super::words::rupees_in_words;

/// The contract of a trade: its file name and the PDF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contract {
    /// `TRD-2026-000001.pdf`.
    pub file_name: String,
    /// The PDF.
    pub pdf: Vec<u8>,
}

impl<I: Infra> TradeService<I> {
    /// The trade note of trade `id` as a PDF, to its buyer, its seller and
    /// staff (404 otherwise). Capability: TRADE_READ.
    pub async fn contract(&self, actor: &Actor, id: Uuid) -> Result<Contract, ServiceError> {
        let row = self.row(actor, id).await?;
        let units = Units::load(&self.infra).await?;
        let note = note_of(self.infra.db(), &units, row).await?;
        let pdf = contract_pdf(&note)?;
        Ok(Contract {
            file_name: format!("{}.pdf", note.number),
            pdf,
        })
    }
}

/// `address` (a partner's JSON address) as one line of its parts.
fn address_line(address: &Value) -> String {
    ["line1", "line2", "city", "district", "state", "pincode"]
        .iter()
        .filter_map(|k| address.get(*k).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn party<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<NoteParty, ServiceError> {
    let p = partner::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("partner"))?;
    Ok(NoteParty {
        name: p.trade_name.unwrap_or(p.legal_name),
        gstin: p.gstin,
        address: address_line(&p.address),
    })
}

async fn term_text<C: ConnectionTrait>(db: &C, id: Option<Uuid>) -> Result<String, ServiceError> {
    let Some(id) = id else {
        return Ok("As agreed between the parties".into());
    };
    let found = trade_term::Entity::find_by_id(id).one(db).await?;
    Ok(found.map_or_else(
        || "As agreed between the parties".into(),
        |t| match t.description {
            Some(d) if !d.trim().is_empty() => format!("{} ({d})", t.name),
            _ => t.name,
        },
    ))
}

/// The money of `row` as it was confirmed.
fn money_of(units: &Units, base_unit: &str, row: &trade::Model) -> TradeMoney {
    let factor = units.find(&row.unit).map_or(Decimal::ONE, |u| u.factor);
    let total = shown(row.total);
    TradeMoney {
        base_quantity: (infra::money::from_scaled(row.quantity) * factor).normalize(),
        base_unit: base_unit.to_owned(),
        amount: shown(row.amount),
        gst_rate: infra::money::from_scaled(row.gst_rate),
        supply: if row.supply == "INTRA_STATE" {
            Supply::IntraState
        } else {
            Supply::InterState
        },
        cgst: shown(row.cgst),
        sgst: shown(row.sgst),
        igst: shown(row.igst),
        gst: shown(row.cgst + row.sgst + row.igst),
        total,
        total_in_words: rupees_in_words(total),
        commissions: serde_json::from_value::<Vec<CommissionLine>>(row.commissions.clone())
            .unwrap_or_default(),
    }
}

/// The note of trade `row`.
pub async fn note_of<C: ConnectionTrait>(
    db: &C,
    units: &Units,
    row: trade::Model,
) -> Result<TradeNote, ServiceError> {
    let good = commodity::Entity::find_by_id(row.commodity_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("commodity"))?;
    let kind = match row.variety_id {
        Some(v) => variety::Entity::find_by_id(v).one(db).await?.map(|v| v.name),
        None => None,
    };
    let params = parameter::Entity::find()
        .filter(parameter::Column::CommodityId.eq(good.id))
        .all(db)
        .await?;
    let mut quality = BTreeMap::new();
    if let Value::Object(values) = &row.quality {
        for (code, value) in values {
            let spec = params.iter().find(|p| p.code.as_deref() == Some(code.as_str()));
            let name = spec.map_or_else(|| code.clone(), |p| p.name.clone());
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let unit = spec
                .and_then(|p| p.unit.clone())
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            quality.insert(name, format!("{text}{unit}"));
        }
    }
    Ok(TradeNote {
        number: row.number.clone(),
        date: row.business_date,
        seller: party(db, row.seller_partner_id).await?,
        buyer: party(db, row.buyer_partner_id).await?,
        commodity: good.name.clone(),
        variety: kind,
        quality,
        quantity: Quantity::from_scaled(row.quantity),
        unit: row.unit.clone(),
        price: Money::from_scaled(row.price),
        price_unit: row.price_unit.clone(),
        money: money_of(units, &good.base_unit, &row),
        delivery_terms: term_text(db, row.delivery_term_id).await?,
        payment_terms: term_text(db, row.payment_term_id).await?,
    })
}
