//! Bulk import and export of commodities as CSV.
//!
//! Columns (header row required, any order): `name`, `category`, `hsn_code`,
//! `gst_rate`, `base_unit` (required), `trade_unit`, `rate_unit` (default: the
//! base unit), `is_active` (`true`/`false`, default true). Every row is
//! validated before anything is written: one bad row means nothing changes,
//! and the answer names every bad row as `lines[N].field` (N is the line in
//! the file; the header is line 1). A row whose name (case-insensitive) is a
//! live commodity updates it to the row's values; other rows create
//! commodities (with their category's parameter templates). Export writes the
//! same columns for every live commodity, ordered by name, so an export
//! imports again with nothing changed.
//!
//! A cell that a spreadsheet would take for a formula (starting with `=`,
//! `+`, `-` or `@`, after any apostrophes) is exported with one `'` in front,
//! and import removes exactly one `'` from such a cell, so the value comes
//! back as it was.

use std::borrow::Cow;
use std::collections::HashMap;

use infra::write::write;
use infra::{Actor, FieldError, Infra, Validator, Written};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::input::CommodityFields;
use super::service::CommodityService;
use super::store;
use super::units::Units;
use super::{COMMODITY_CREATE, COMMODITY_READ, COMMODITY_UPDATE};
use crate::error::{SettingsError, require};

/// The columns, in export order.
pub const COLUMNS: [&str; 8] = [
    "name",
    "category",
    "hsn_code",
    "gst_rate",
    "base_unit",
    "trade_unit",
    "rate_unit",
    "is_active",
];
const REQUIRED: [&str; 5] = ["name", "category", "hsn_code", "gst_rate", "base_unit"];
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 5000;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Rows that created a commodity.
    pub created: usize,
    /// Rows that changed an existing commodity.
    pub updated: usize,
    /// Rows equal to an existing commodity.
    pub unchanged: usize,
    /// The commodity of each row, in file order.
    pub ids: Vec<Uuid>,
}

/// Whether a spreadsheet would read `cell` as a formula once the apostrophes
/// in front of it are removed.
fn formula_like(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(['=', '+', '-', '@'])
}

/// `cell` as exported: with a `'` in front when it is formula-like.
fn guarded(cell: &str) -> Cow<'_, str> {
    if formula_like(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `cell` as imported: one `'` in front of a formula-like value removed.
fn unguarded(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(cell) => rest,
        _ => cell,
    }
}

fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// Reads and validates every row, collecting every error.
fn parse(bytes: &[u8], units: &Units) -> Result<Vec<CommodityFields>, SettingsError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| SettingsError::field("file", &format!("is not CSV with a header row: {e}")))?
        .clone();
    let mut v = Validator::new();
    let mut column: HashMap<&str, usize> = HashMap::new();
    for (i, header) in headers.iter().enumerate() {
        let name = header.to_ascii_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(known) if column.insert(known, i).is_some() => {
                v.check(
                    false,
                    "file",
                    &format!("column {known} appears twice in the header"),
                );
            }
            Some(_) => {}
            None => {
                v.check(
                    false,
                    "file",
                    &format!(
                        "unknown column {header:?}; the columns are {}",
                        COLUMNS.join(", ")
                    ),
                );
            }
        }
    }
    for required in REQUIRED {
        v.check(
            column.contains_key(required),
            "file",
            &format!("the header lacks column {required}"),
        );
    }
    v.finish()?;
    let mut v = Validator::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                v.push(FieldError::new(
                    format!("lines[{line}]"),
                    format!("is not a valid CSV row: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if rows.len() >= MAX_ROWS {
            v.push(FieldError::new(
                "file",
                format!("holds more than {MAX_ROWS} rows; split it"),
            ));
            break;
        }
        let prefix = format!("lines[{line}].");
        let cell =
            |name: &str| unguarded(column.get(name).and_then(|i| record.get(*i)).unwrap_or("")).to_owned();
        if record.len() != headers.len() {
            v.push(FieldError::new(
                format!("lines[{line}]"),
                format!("has {} cells; the header has {}", record.len(), headers.len()),
            ));
        }
        let gst_rate = Decimal::from_str_exact(&cell("gst_rate"));
        let is_active = parse_flag(&cell("is_active"));
        v.check(
            gst_rate.is_ok(),
            &format!("{prefix}gst_rate"),
            "must be a decimal number such as 5",
        );
        v.check(
            is_active.is_some(),
            &format!("{prefix}is_active"),
            "must be true or false",
        );
        let base = cell("base_unit").to_ascii_uppercase();
        let or_base = |name: &str| {
            Some(cell(name).to_ascii_uppercase())
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| base.clone())
        };
        let fields = CommodityFields {
            name: cell("name"),
            category: cell("category").to_ascii_uppercase(),
            hsn_code: cell("hsn_code"),
            gst_rate: gst_rate.map(|g| g.normalize()).unwrap_or_default(),
            trade_unit: or_base("trade_unit"),
            rate_unit: or_base("rate_unit"),
            base_unit: base,
            is_active: is_active.unwrap_or(true),
        };
        fields.check(units, &prefix, &mut v);
        if let Some(first) = seen.insert(fields.name.to_lowercase(), line) {
            v.check(
                false,
                &format!("{prefix}name"),
                &format!("repeats the name on line {first}"),
            );
        }
        rows.push(fields);
    }
    if rows.is_empty() {
        v.check(false, "file", "holds no rows after the header");
    }
    v.finish()?;
    Ok(rows)
}

impl<I: Infra> CommodityService<I> {
    /// Imports a CSV file (COMMODITY_CREATE and COMMODITY_UPDATE): all rows or none.
    pub async fn import_csv(
        &self,
        actor: &Actor,
        bytes: &[u8],
    ) -> Result<Written<ImportReport>, SettingsError> {
        require(actor, COMMODITY_CREATE)?;
        require(actor, COMMODITY_UPDATE)?;
        let rows = parse(bytes, &Units::load(&self.infra).await?)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let mut report = ImportReport::default();
                // The live commodities the file names, in one query (names are
                // unique within a valid file).
                let mut existing = store::by_names(tx.db(), rows.iter().map(|r| r.name.as_str())).await?;
                let mut changed = Vec::new();
                for fields in rows {
                    let id = match existing.remove(&fields.name.to_lowercase()) {
                        Some(before) => {
                            let id = before.id;
                            match store::apply(tx, before, fields).await? {
                                Some(_) => {
                                    report.updated += 1;
                                    changed.push(id);
                                }
                                None => report.unchanged += 1,
                            }
                            id
                        }
                        None => {
                            report.created += 1;
                            store::insert(tx, fields).await?.id
                        }
                    };
                    report.ids.push(id);
                }
                let summary = json!({ "created": report.created, "updated": report.updated, "unchanged": report.unchanged });
                tx.audit("commodity.bulk_import", "commodity", "bulk", Some(summary)).await?;
                Ok((report, changed))
            })
        })
        .await;
        // Only changed commodities can be cached; new ones reach readers through the catalogue.
        let changed = written.as_ref().map(|w| w.value.1.clone()).unwrap_or_default();
        self.invalidate(changed).await;
        written.map(|w| Written {
            value: w.value.0,
            replayed: w.replayed,
        })
    }

    /// Every live commodity as CSV ordered by name (COMMODITY_READ).
    pub async fn export_csv(&self, actor: &Actor) -> Result<String, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let mut items = self.catalogue().await?;
        items.sort_by_key(|c| (c.name.to_lowercase(), c.id));
        let mut writer = csv::Writer::from_writer(Vec::new());
        let invariant = |_| SettingsError::Infra(infra::InfraError::Invariant("CSV export failed in memory"));
        writer.write_record(COLUMNS).map_err(invariant)?;
        for c in items {
            let gst_rate = c.gst_rate.normalize().to_string();
            let cells = [
                c.name.as_str(),
                &c.category,
                &c.hsn_code,
                &gst_rate,
                &c.base_unit,
                &c.trade_unit,
                &c.rate_unit,
                if c.is_active { "true" } else { "false" },
            ];
            writer
                .write_record(cells.map(guarded).iter().map(|cell| cell.as_bytes()))
                .map_err(invariant)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|_| SettingsError::Infra(infra::InfraError::Invariant("CSV export failed in memory")))?;
        String::from_utf8(bytes)
            .map_err(|_| SettingsError::Infra(infra::InfraError::Invariant("CSV export is not UTF-8")))
    }
}

#[cfg(test)]
mod tests {
    use super::{guarded, unguarded};

    #[test]
    fn formula_cells_are_guarded_and_come_back_unchanged() {
        for (value, exported) in [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+91", "'+91"),
            ("-5", "'-5"),
            ("@x", "'@x"),
            ("'=x", "''=x"),
            ("'plain", "'plain"),
            ("Cotton", "Cotton"),
            ("", ""),
        ] {
            assert_eq!(guarded(value), exported);
            assert_eq!(unguarded(&guarded(value)), value);
        }
    }
}
