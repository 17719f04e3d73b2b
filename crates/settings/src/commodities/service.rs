//! Commodity operations: create (COMMODITY_CREATE), read, list, search, units
//! and conversion (COMMODITY_READ), update and soft delete (COMMODITY_UPDATE,
//! delete refused while referenced). Reads go through the cache: one entry per
//! commodity and one for the whole live catalogue, both invalidated after
//! every committed change; a delete also forgets the commodity's cached
//! children lists.

use infra::write::write;
use infra::{Actor, Cache, Infra, Page, PageRequest, Written};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::conversion::{Conversion, ConversionRequest, convert};
use super::entity::commodity;
use super::input::{CommodityFields, CommodityFilter, CreateCommodity, UpdateCommodity};
use super::model::Commodity;
use super::store::{self, change, ensure_name_free, live};
use super::units::Units;
use super::{COMMODITY_CREATE, COMMODITY_READ, COMMODITY_UPDATE};
use crate::error::{SettingsError, require};
use infra::references::{Reference, References};

/// How long commodities stay cached.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(300);
/// The cache key of the whole live catalogue.
const CATALOGUE: &str = "all";

/// Commission structures priced against a commodity keep it from being deleted.
pub const COMMISSION_REFERENCE: Reference =
    Reference::new("commission_structures", "commodity_id", "commission structures");

/// Commodities over any [`Infra`].
#[derive(Clone)]
pub struct CommodityService<I: Infra> {
    pub(crate) infra: I,
    references: References,
}

impl<I: Infra> CommodityService<I> {
    /// A service over `infra`; commission structures count as references.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            references: References::new(vec![COMMISSION_REFERENCE]),
        }
    }

    /// The same service, also refusing deletes while `reference` holds the commodity.
    pub fn with_reference(mut self, reference: Reference) -> Self {
        self.references = self.references.with(reference);
        self
    }

    fn cache(&self) -> Cache {
        Cache::new(self.infra.kv(), "commodity", CACHE_TTL)
    }

    /// Forgets the cached catalogue and commodities `ids` (after the commit).
    pub(crate) async fn invalidate(&self, ids: impl IntoIterator<Item = Uuid>) {
        let cache = self.cache();
        for id in ids {
            cache.invalidate(&id.to_string()).await;
        }
        cache.invalidate(CATALOGUE).await;
    }

    /// Creates a commodity with the quality parameters of its category's template.
    pub async fn create(
        &self,
        actor: &Actor,
        input: CreateCommodity,
    ) -> Result<Written<Commodity>, SettingsError> {
        require(actor, COMMODITY_CREATE)?;
        let fields = CommodityFields::from(input);
        fields.validate(&Units::load(&self.infra).await?)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                ensure_name_free(tx.db(), &fields.name, None).await?;
                store::insert(tx, fields).await
            })
        })
        .await;
        self.invalidate(None).await;
        written
    }

    /// One live commodity, through the cache.
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<Commodity, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let db = self.infra.db();
        self.cache()
            .get_or_load(
                &id.to_string(),
                |_| true,
                || async move { Ok(Commodity::from(live(db, id, false).await?)) },
            )
            .await
    }

    /// Every live commodity ordered by id, through the cache.
    pub(crate) async fn catalogue(&self) -> Result<Vec<Commodity>, SettingsError> {
        let db = self.infra.db();
        self.cache()
            .get_or_load(
                CATALOGUE,
                |_| true,
                || async move {
                    let rows = commodity::Entity::find()
                        .filter(commodity::Column::DeletedAt.is_null())
                        .order_by_asc(commodity::Column::Id)
                        .all(db)
                        .await?;
                    Ok::<_, SettingsError>(rows.into_iter().map(Commodity::from).collect::<Vec<_>>())
                },
            )
            .await
    }

    /// A page of live commodities ordered by id, filtered.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: CommodityFilter,
        page: PageRequest,
    ) -> Result<Page<Commodity>, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let items = self
            .catalogue()
            .await?
            .into_iter()
            .filter(|c| filter.admits(c))
            .collect();
        Ok(Page::of_sorted(items, page, |c| c.id))
    }

    /// Changes the fields present; `expected_version` (If-Match) or `version`
    /// must be current when given.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: UpdateCommodity,
        expected_version: Option<i64>,
    ) -> Result<Written<Commodity>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        let units = Units::load(&self.infra).await?;
        let expected = expected_version.or(input.version);
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = live(tx.db(), id, true).await?;
                infra::rows::check_version(expected, before.version, infra::rows::VersionRule::Optional)?;
                let fields = input.apply(CommodityFields::of(&Commodity::from(before.clone())));
                fields.validate(&units)?;
                ensure_name_free(tx.db(), &fields.name, Some(id)).await?;
                let unchanged = Commodity::from(before.clone());
                match store::apply(tx, before, fields).await? {
                    Some(after) => Ok(after),
                    None => {
                        let change = store::change("CommodityUpdated", "commodity.update", &unchanged);
                        let payload = json!({ "id": id, "changes": {} });
                        infra::change::record_unchanged(tx, change, payload).await?;
                        Ok(unchanged)
                    }
                }
            })
        })
        .await;
        self.invalidate([id]).await;
        written
    }

    /// Soft-deletes a commodity; 409 `commodity_in_use` while anything refers to it.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> Result<Written<Commodity>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        let references = self.references.clone();
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = live(tx.db(), id, true).await?;
                references
                    .soft_delete(tx, before, "commodity_in_use", "commodity", |c| {
                        change("CommodityDeleted", "commodity.delete", c)
                    })
                    .await
            })
        })
        .await;
        self.invalidate([id]).await;
        super::children::forget_children(self.infra.kv(), id).await;
        written
    }

    /// Every unit with its base and factor, through the cache.
    pub async fn units(&self, actor: &Actor) -> Result<Units, SettingsError> {
        require(actor, COMMODITY_READ)?;
        Units::load(&self.infra).await
    }

    /// Converts a traded quantity of commodity `id` to its base unit and prices it; see [`super::conversion`].
    pub async fn calculate_conversion(
        &self,
        actor: &Actor,
        id: Uuid,
        request: ConversionRequest,
    ) -> Result<Conversion, SettingsError> {
        let commodity = self.get(actor, id).await?;
        convert(&commodity.base_unit, &Units::load(&self.infra).await?, &request)
    }
}

impl CommodityFilter {
    /// Whether `c` passes the filter.
    pub(crate) fn admits(&self, c: &Commodity) -> bool {
        self.category
            .as_deref()
            .is_none_or(|cat| c.category.eq_ignore_ascii_case(cat.trim()))
            && self
                .hsn_code
                .as_deref()
                .is_none_or(|h| c.hsn_code.starts_with(h.trim()))
            && self.active.is_none_or(|a| c.is_active == a)
    }
}
