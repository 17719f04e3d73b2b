//! [`TermService`]: reads through the cache, and the changes of one kind of term.

use std::marker::PhantomData;

use infra::write::{WriteTx, write};
use infra::{Actor, Cache, Infra, Page, PageRequest, Written};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::super::entity::trade_term;
use super::super::{COMMODITY_READ, COMMODITY_UPDATE, TOPIC};
use crate::error::{SettingsError, require};
use infra::change::{Change, diff_of, record_update};
use infra::references::{Reference, References};
use infra::rows::save_if_changed;

use super::{CACHE_TTL, TermKind};

use super::model::apply_attributes;
pub use super::model::{TermInput, TradeTerm};

/// Read and change the terms of kind `K` over any [`Infra`]; reads through the cache.
pub struct TermService<I: Infra, K: TermKind> {
    infra: I,
    references: References,
    kind: PhantomData<K>,
}

impl<I: Infra, K: TermKind> Clone for TermService<I, K> {
    fn clone(&self) -> Self {
        Self {
            infra: self.infra.clone(),
            references: self.references.clone(),
            kind: PhantomData,
        }
    }
}

/// The change of `term` for its event and audit row.
pub(super) fn term_change<'a>(event: &'a str, action: &'a str, term: &TradeTerm) -> Change<'a> {
    Change::new(TOPIC, event, action, "trade_term", term.id, term.version)
}

/// The term `id` of kind `K`, its row locked on PostgreSQL until the change
/// commits, so concurrent changes apply one after the other and a version
/// check sees the version the change is based on.
pub(super) async fn find<K: TermKind>(tx: &WriteTx, id: Uuid) -> Result<trade_term::Model, SettingsError> {
    infra::rows::for_update(tx, trade_term::Entity::find_by_id(id))
        .one(tx.db())
        .await?
        .filter(|t| t.kind == K::KIND)
        .ok_or(SettingsError::NotFound("trade term"))
}

impl<I: Infra, K: TermKind> TermService<I, K> {
    /// A service over `infra`; nothing refers to terms until callers add references.
    pub fn new(infra: I) -> Self {
        Self {
            infra,
            references: References::default(),
            kind: PhantomData,
        }
    }

    /// The same service, also refusing deletes while `reference` holds the term.
    pub fn with_reference(mut self, reference: Reference) -> Self {
        self.references = self.references.with(reference);
        self
    }

    fn cache(&self) -> Cache {
        Cache::new(self.infra.kv(), "trade-terms", CACHE_TTL)
    }

    /// Every term of the kind ordered by id, through the cache (COMMODITY_READ).
    pub async fn all(&self, actor: &Actor) -> Result<Vec<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let db = self.infra.db();
        self.cache()
            .get_or_load(
                K::KIND,
                |_| true,
                || async move {
                    let rows = trade_term::Entity::find()
                        .filter(trade_term::Column::Kind.eq(K::KIND))
                        .order_by_asc(trade_term::Column::Id)
                        .all(db)
                        .await?;
                    Ok::<_, SettingsError>(rows.into_iter().map(TradeTerm::from).collect::<Vec<_>>())
                },
            )
            .await
    }

    /// A page of terms ordered by id, optionally only active or inactive ones (COMMODITY_READ).
    pub async fn list(
        &self,
        actor: &Actor,
        active: Option<bool>,
        page: PageRequest,
    ) -> Result<Page<TradeTerm>, SettingsError> {
        let items = self
            .all(actor)
            .await?
            .into_iter()
            .filter(|t| active.is_none_or(|a| t.is_active == a))
            .collect();
        Ok(Page::of_sorted(items, page, |t| t.id))
    }

    /// One term (COMMODITY_READ).
    pub async fn get(&self, actor: &Actor, id: Uuid) -> Result<TradeTerm, SettingsError> {
        self.all(actor)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(SettingsError::NotFound("trade term"))
    }

    /// Adds a term (COMMODITY_UPDATE); its code must be free within the kind.
    pub async fn create(&self, actor: &Actor, input: TermInput) -> Result<Written<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        input.validate::<K>(true)?;
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let code = input.code.as_deref().unwrap_or_default().trim().to_owned();
                let taken = trade_term::Entity::find()
                    .filter(trade_term::Column::Kind.eq(K::KIND))
                    .filter(trade_term::Column::Code.eq(code.clone()))
                    .one(tx.db())
                    .await?;
                if taken.is_some() {
                    return Err(SettingsError::Taken {
                        field: "code",
                        value: code,
                    });
                }
                let mut row = trade_term::Model {
                    id: infra::ids::new_id(),
                    kind: K::KIND.to_owned(),
                    code,
                    name: input.name.as_deref().unwrap_or_default().trim().to_owned(),
                    description: input.description.clone(),
                    needs_approval: None,
                    needs_quality_test: None,
                    deduction_percent: None,
                    freight_included: None,
                    insurance_included: None,
                    days: None,
                    percentage: None,
                    is_active: input.is_active.unwrap_or(true),
                    version: 1,
                    created_at: tx.now(),
                    updated_at: tx.now(),
                };
                apply_attributes::<K>(&mut row, &input);
                let term = TradeTerm::from(trade_term::ActiveModel::from(row).insert(tx.db()).await?);
                let event = format!("{}Created", K::EVENT);
                tx.record(
                    term_change(&event, "trade_term.create", &term),
                    json!({ "term": &term }),
                )
                .await?;
                Ok(term)
            })
        })
        .await;
        self.cache().invalidate(K::KIND).await;
        written
    }

    /// Changes a term (COMMODITY_UPDATE); `expected_version` from `If-Match` or the body.
    pub async fn update(
        &self,
        actor: &Actor,
        id: Uuid,
        input: TermInput,
        expected_version: Option<i64>,
    ) -> Result<Written<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        input.validate::<K>(false)?;
        let expected = expected_version.or(input.version);
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let before = find::<K>(tx, id).await?;
                infra::rows::check_version(expected, before.version, infra::rows::VersionRule::Optional)?;
                let mut next = before.clone();
                next.name = input.name.as_deref().map_or(next.name, |n| n.trim().to_owned());
                next.description = input.description.clone().or(next.description);
                next.is_active = input.is_active.unwrap_or(next.is_active);
                apply_attributes::<K>(&mut next, &input);
                let old = TradeTerm::from(before.clone());
                let term = TradeTerm::from(save_if_changed(tx, &before, next).await?.0);
                let changes = diff_of(&old, &term)?;
                let event = format!("{}Updated", K::EVENT);
                let payload = json!({ "id": id, "changes": &changes });
                record_update(
                    tx,
                    term_change(&event, "trade_term.update", &term),
                    &changes,
                    payload,
                )
                .await?;
                Ok(term)
            })
        })
        .await;
        self.cache().invalidate(K::KIND).await;
        written
    }

    /// Deletes a term (COMMODITY_UPDATE); 409 `trade_term_in_use` while referenced.
    pub async fn delete(&self, actor: &Actor, id: Uuid) -> Result<Written<TradeTerm>, SettingsError> {
        require(actor, COMMODITY_UPDATE)?;
        let references = self.references.clone();
        let written = write(&self.infra, actor, move |tx| {
            Box::pin(async move {
                let term = TradeTerm::from(find::<K>(tx, id).await?);
                references
                    .ensure_unreferenced(tx.db(), id, "trade_term_in_use", "trade term")
                    .await?;
                trade_term::Entity::delete_by_id(id).exec(tx.db()).await?;
                let event = format!("{}Deleted", K::EVENT);
                tx.record(
                    term_change(&event, "trade_term.delete", &term),
                    json!({ "term": &term }),
                )
                .await?;
                Ok(term)
            })
        })
        .await;
        self.cache().invalidate(K::KIND).await;
        written
    }
}
