//! Quality parameters gain `code`: snake_case, unique per commodity, the key
//! by which quality values, ranges and filters name a parameter. Existing
//! rows get the slug of their name (`Staple Length` -> `staple_length`; a
//! slug taken within the commodity gets `_2`, `_3`, ...). The slug rule is
//! written out here, frozen, as a migration must be; the settings crate
//! applies the same rule to new parameters.

use std::collections::HashSet;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::sea_orm::prelude::Uuid;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000022_parameter_codes"
    }
}

/// Lower case ASCII letters and digits, every other run of characters one
/// `_`, no `_` at either end; a leading digit gets `p_`; nothing left is `parameter`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    match out.chars().next() {
        None => "parameter".into(),
        Some(c) if c.is_ascii_digit() => format!("p_{out}"),
        Some(_) => out,
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("commodity_parameters"))
                    .add_column(ColumnDef::new(Alias::new("code")).string_len(64).null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let select = Query::select()
            .columns([Alias::new("id"), Alias::new("commodity_id"), Alias::new("name")])
            .from(Alias::new("commodity_parameters"))
            .order_by(Alias::new("commodity_id"), Order::Asc)
            .order_by(Alias::new("display_order"), Order::Asc)
            .order_by(Alias::new("id"), Order::Asc)
            .to_owned();
        let rows = db.query_all_raw(backend.build(&select)).await?;
        let mut taken: HashSet<(String, String)> = HashSet::new();
        for row in rows {
            let id: Uuid = row.try_get("", "id")?;
            let commodity: Uuid = row.try_get("", "commodity_id")?;
            let name: String = row.try_get("", "name")?;
            let base = slug(&name);
            let mut code = base.clone();
            let mut n = 2;
            while !taken.insert((commodity.to_string(), code.clone())) {
                code = format!("{base}_{n}");
                n += 1;
            }
            let mut update = Query::update();
            update
                .table(Alias::new("commodity_parameters"))
                .value(Alias::new("code"), code)
                .and_where(Expr::col(Alias::new("id")).eq(id));
            manager.exec_stmt(update).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ux_commodity_parameters_code")
                    .table(Alias::new("commodity_parameters"))
                    .col(Alias::new("commodity_id"))
                    .col(Alias::new("code"))
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ux_commodity_parameters_code")
                    .table(Alias::new("commodity_parameters"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("commodity_parameters"))
                    .drop_column(Alias::new("code"))
                    .to_owned(),
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug("Staple Length"), "staple_length");
        assert_eq!(slug("  Micronaire (µg/inch) "), "micronaire_g_inch");
        assert_eq!(slug("2.5% Span"), "p_2_5_span");
        assert_eq!(slug("—"), "parameter");
    }
}
