//! The settings catalogue: locations, commodities with varieties, quality
//! parameters and commission structures, the six trade-term masters (one
//! table, told apart by `kind`), units with their factors, and the quality
//! parameter templates applied to new commodities of a category.
//!
//! Decimals are scaled 64-bit integers (10^4) as everywhere else, except unit
//! factors, which need more places (OUNCE 0.0283495): they are exact decimal
//! text.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000007_catalogue"
    }
}

fn id(col: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(col))
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

fn text(col: &str, len: u32) -> ColumnDef {
    ColumnDef::new(Alias::new(col))
        .string_len(len)
        .not_null()
        .to_owned()
}

fn opt_text(col: &str, len: u32) -> ColumnDef {
    ColumnDef::new(Alias::new(col)).string_len(len).null().to_owned()
}

fn flag(col: &str, default: bool) -> ColumnDef {
    ColumnDef::new(Alias::new(col))
        .boolean()
        .not_null()
        .default(default)
        .to_owned()
}

fn opt_flag(col: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(col)).boolean().null().to_owned()
}

fn big(col: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(col))
        .big_integer()
        .not_null()
        .to_owned()
}

fn opt_big(col: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(col)).big_integer().null().to_owned()
}

fn ts(col: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(col))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn opt_ts(col: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(col))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

/// `version`, `created_at`, `updated_at`.
fn bookkeeping(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(
            ColumnDef::new(Alias::new("version"))
                .big_integer()
                .not_null()
                .default(1),
        )
        .col(ts("created_at"))
        .col(ts("updated_at"))
}

fn commodity_fk(table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(Alias::new(table), Alias::new("commodity_id"))
        .to(Alias::new("commodities"), Alias::new("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    let locations = bookkeeping(
        Table::create()
            .table(Alias::new("locations"))
            .col(id("id"))
            .col(text("name", 200))
            .col(text("place_id", 200))
            .col(opt_text("address", 500))
            .col(ColumnDef::new(Alias::new("latitude")).double().null())
            .col(ColumnDef::new(Alias::new("longitude")).double().null())
            .col(opt_text("pincode", 10))
            .col(opt_text("city", 100))
            .col(opt_text("district", 100))
            .col(opt_text("state", 100))
            .col(opt_text("state_code", 2))
            .col(text("country", 100))
            .col(text("region", 16))
            .col(flag("is_active", true)),
    )
    .col(opt_ts("deleted_at"))
    .to_owned();
    let commodities = bookkeeping(
        Table::create()
            .table(Alias::new("commodities"))
            .col(id("id"))
            .col(text("name", 200))
            .col(text("name_key", 200))
            .col(text("category", 32))
            .col(text("hsn_code", 8))
            .col(big("gst_rate"))
            .col(text("base_unit", 16))
            .col(text("trade_unit", 16))
            .col(text("rate_unit", 16))
            .col(flag("is_active", true)),
    )
    .col(opt_ts("deleted_at"))
    .to_owned();
    let varieties = bookkeeping(
        Table::create()
            .table(Alias::new("commodity_varieties"))
            .col(id("id"))
            .col(ColumnDef::new(Alias::new("commodity_id")).uuid().not_null())
            .col(text("code", 32))
            .col(text("name", 100))
            .col(flag("is_standard", false)),
    )
    .foreign_key(&mut commodity_fk("commodity_varieties"))
    .to_owned();
    let parameters = bookkeeping(
        Table::create()
            .table(Alias::new("commodity_parameters"))
            .col(id("id"))
            .col(ColumnDef::new(Alias::new("commodity_id")).uuid().not_null())
            .col(text("name", 100))
            .col(text("name_key", 100))
            .col(text("param_type", 8))
            .col(opt_text("unit", 16))
            .col(opt_big("min_value"))
            .col(opt_big("max_value"))
            .col(opt_text("default_value", 100))
            .col(flag("is_mandatory", false))
            .col(big("display_order")),
    )
    .foreign_key(&mut commodity_fk("commodity_parameters"))
    .to_owned();
    let commissions = bookkeeping(
        Table::create()
            .table(Alias::new("commission_structures"))
            .col(id("id"))
            .col(ColumnDef::new(Alias::new("commodity_id")).uuid().not_null())
            .col(text("name", 100))
            .col(text("commission_type", 16))
            .col(opt_big("rate"))
            .col(opt_big("min_amount"))
            .col(opt_big("max_amount"))
            .col(text("applies_to", 8))
            .col(ColumnDef::new(Alias::new("tiers")).json_binary().null())
            .col(flag("is_active", true)),
    )
    .foreign_key(&mut commodity_fk("commission_structures"))
    .to_owned();
    let terms = bookkeeping(
        Table::create()
            .table(Alias::new("trade_terms"))
            .col(id("id"))
            .col(text("kind", 32))
            .col(text("code", 32))
            .col(text("name", 100))
            .col(opt_text("description", 500))
            .col(opt_flag("needs_approval"))
            .col(opt_flag("needs_quality_test"))
            .col(opt_big("deduction_percent"))
            .col(opt_flag("freight_included"))
            .col(opt_flag("insurance_included"))
            .col(opt_big("days"))
            .col(opt_big("percentage"))
            .col(flag("is_active", true)),
    )
    .to_owned();
    let units = Table::create()
        .table(Alias::new("units"))
        .col(
            ColumnDef::new(Alias::new("code"))
                .string_len(16)
                .not_null()
                .primary_key(),
        )
        .col(text("base_unit", 16))
        .col(text("factor", 32))
        .col(text("category", 16))
        .to_owned();
    let templates = Table::create()
        .table(Alias::new("commodity_parameter_templates"))
        .col(text("category", 32))
        .col(text("name", 100))
        .col(text("param_type", 8))
        .col(opt_text("unit", 16))
        .col(opt_big("min_value"))
        .col(opt_big("max_value"))
        .col(opt_text("default_value", 100))
        .col(flag("is_mandatory", false))
        .col(big("display_order"))
        .primary_key(
            Index::create()
                .col(Alias::new("category"))
                .col(Alias::new("name")),
        )
        .to_owned();
    vec![
        locations,
        commodities,
        varieties,
        parameters,
        commissions,
        terms,
        units,
        templates,
    ]
}

/// Indexes, the partial ones in syntax PostgreSQL and SQLite share.
const INDEXES: &[&str] = &[
    "CREATE UNIQUE INDEX ux_locations_place ON locations (place_id) WHERE deleted_at IS NULL",
    "CREATE INDEX ix_locations_region ON locations (region)",
    "CREATE UNIQUE INDEX ux_commodities_name ON commodities (name_key) WHERE deleted_at IS NULL",
    "CREATE INDEX ix_commodities_category ON commodities (category)",
    "CREATE UNIQUE INDEX ux_varieties_code ON commodity_varieties (commodity_id, code)",
    "CREATE UNIQUE INDEX ux_varieties_one_standard ON commodity_varieties (commodity_id) WHERE is_standard",
    "CREATE UNIQUE INDEX ux_parameters_name ON commodity_parameters (commodity_id, name_key)",
    "CREATE INDEX ix_commissions_commodity ON commission_structures (commodity_id)",
    "CREATE UNIQUE INDEX ux_trade_terms_code ON trade_terms (kind, code)",
];

/// Units: code, base unit, factor to the base (exact decimal text), category.
const UNITS: &[(&str, &str, &str, &str)] = &[
    ("KG", "KG", "1", "WEIGHT"),
    ("GRAM", "KG", "0.001", "WEIGHT"),
    ("QUINTAL", "KG", "100", "WEIGHT"),
    ("MT", "KG", "1000", "WEIGHT"),
    ("CANDY", "KG", "355.6222", "WEIGHT"),
    ("MAUND", "KG", "37.324", "WEIGHT"),
    ("POUND", "KG", "0.453592", "WEIGHT"),
    ("OUNCE", "KG", "0.0283495", "WEIGHT"),
    ("BALE", "KG", "170", "PACKAGING"),
    ("BAG", "KG", "50", "PACKAGING"),
    ("BAG_JUTE", "KG", "100", "PACKAGING"),
    ("SACK", "KG", "50", "PACKAGING"),
    ("BOX", "KG", "10", "PACKAGING"),
    ("CARTON", "KG", "20", "PACKAGING"),
    ("DRUM", "KG", "200", "PACKAGING"),
    ("METER", "METER", "1", "LENGTH"),
    ("CM", "METER", "0.01", "LENGTH"),
    ("KM", "METER", "1000", "LENGTH"),
    ("YARD", "METER", "0.9144", "LENGTH"),
    ("FOOT", "METER", "0.3048", "LENGTH"),
    ("INCH", "METER", "0.0254", "LENGTH"),
    ("LITER", "LITER", "1", "VOLUME"),
    ("ML", "LITER", "0.001", "VOLUME"),
    ("GALLON", "LITER", "3.78541", "VOLUME"),
    ("BARREL", "LITER", "159", "VOLUME"),
    ("PIECE", "PIECE", "1", "COUNT"),
    ("DOZEN", "PIECE", "12", "COUNT"),
    ("GROSS", "PIECE", "144", "COUNT"),
    ("BUNDLE", "PIECE", "10", "COUNT"),
    ("SQ_METER", "SQ_METER", "1", "AREA"),
    ("SQ_FOOT", "SQ_METER", "0.092903", "AREA"),
    ("SQ_YARD", "SQ_METER", "0.836127", "AREA"),
];

/// One template parameter: name, type, unit, min, max, default, mandatory.
type TemplateRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    bool,
);

/// Quality parameter templates per category, in display order.
const TEMPLATES: &[(&str, &[TemplateRow])] = &[
    (
        "COTTON",
        &[
            (
                "Staple Length",
                "NUMERIC",
                Some("mm"),
                Some("22"),
                Some("34"),
                None,
                true,
            ),
            (
                "Micronaire",
                "NUMERIC",
                Some("mic"),
                Some("2.5"),
                Some("6.0"),
                None,
                false,
            ),
            (
                "Strength",
                "NUMERIC",
                Some("g/tex"),
                Some("22"),
                Some("35"),
                None,
                false,
            ),
            ("Colour Grade", "TEXT", None, None, None, None, false),
            ("Trash", "NUMERIC", Some("%"), Some("0"), Some("5"), None, false),
            (
                "Moisture",
                "NUMERIC",
                Some("%"),
                Some("6"),
                Some("8.5"),
                None,
                false,
            ),
        ],
    ),
    (
        "WHEAT",
        &[
            (
                "Moisture",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("14"),
                None,
                true,
            ),
            (
                "Protein",
                "NUMERIC",
                Some("%"),
                Some("8"),
                Some("16"),
                None,
                false,
            ),
            (
                "Foreign Matter",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("2"),
                None,
                false,
            ),
            (
                "Damaged Grains",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("4"),
                None,
                false,
            ),
            (
                "Test Weight",
                "NUMERIC",
                Some("kg/hl"),
                Some("70"),
                Some("84"),
                None,
                false,
            ),
        ],
    ),
    (
        "RICE",
        &[
            (
                "Moisture",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("14"),
                None,
                true,
            ),
            ("Broken", "NUMERIC", Some("%"), Some("0"), Some("25"), None, false),
            (
                "Grain Length",
                "RANGE",
                Some("mm"),
                Some("5"),
                Some("9"),
                None,
                false,
            ),
            (
                "Chalky Grains",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("7"),
                None,
                false,
            ),
            (
                "Damaged Grains",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("3"),
                None,
                false,
            ),
        ],
    ),
    (
        "OILSEEDS",
        &[
            (
                "Oil Content",
                "NUMERIC",
                Some("%"),
                Some("30"),
                Some("50"),
                None,
                true,
            ),
            (
                "Moisture",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("10"),
                None,
                true,
            ),
            (
                "Foreign Matter",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("2"),
                None,
                false,
            ),
            (
                "Free Fatty Acid",
                "NUMERIC",
                Some("%"),
                Some("0"),
                Some("3"),
                None,
                false,
            ),
        ],
    ),
    (
        "YARN",
        &[
            (
                "Count",
                "NUMERIC",
                Some("Ne"),
                Some("10"),
                Some("100"),
                None,
                true,
            ),
            (
                "Twist",
                "NUMERIC",
                Some("TPI"),
                Some("10"),
                Some("30"),
                None,
                false,
            ),
            ("CSP", "NUMERIC", None, Some("1800"), Some("3200"), None, false),
            (
                "Unevenness",
                "NUMERIC",
                Some("U%"),
                Some("8"),
                Some("14"),
                None,
                false,
            ),
            ("Quality Grade", "TEXT", None, None, None, Some("A"), false),
        ],
    ),
];

/// `"8.5"` as an integer count of 1/10^4 units.
fn scaled(value: &str) -> i64 {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let fraction = format!("{fraction:0<4}");
    let whole: i64 = whole.parse().unwrap_or(0);
    let fraction: i64 = fraction[..4].parse().unwrap_or(0);
    whole * 10_000 + fraction
}

fn seeds() -> Vec<InsertStatement> {
    let mut units = Query::insert();
    units
        .into_table(Alias::new("units"))
        .columns(["code", "base_unit", "factor", "category"].map(Alias::new));
    for (code, base, factor, category) in UNITS {
        units.values_panic([
            (*code).into(),
            (*base).into(),
            (*factor).into(),
            (*category).into(),
        ]);
    }
    let mut templates = Query::insert();
    templates
        .into_table(Alias::new("commodity_parameter_templates"))
        .columns(
            [
                "category",
                "name",
                "param_type",
                "unit",
                "min_value",
                "max_value",
                "default_value",
                "is_mandatory",
                "display_order",
            ]
            .map(Alias::new),
        );
    for (category, rows) in TEMPLATES {
        for (order, (name, kind, unit, min, max, default, mandatory)) in rows.iter().enumerate() {
            templates.values_panic([
                (*category).into(),
                (*name).into(),
                (*kind).into(),
                unit.map(str::to_owned).into(),
                min.map(scaled).into(),
                max.map(scaled).into(),
                default.map(str::to_owned).into(),
                (*mandatory).into(),
                (order as i64 + 1).into(),
            ]);
        }
    }
    vec![units, templates]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for sql in INDEXES {
            manager.get_connection().execute_unprepared(sql).await?;
        }
        for seed in seeds() {
            manager.exec_stmt(seed).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "commodity_parameter_templates",
            "units",
            "trade_terms",
            "commission_structures",
            "commodity_parameters",
            "commodity_varieties",
            "commodities",
            "locations",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
