//! Commodity search: by `q` against the name (case-insensitive), ranked exact
//! match first, then prefix, then contains (ties by name, then id), with the
//! list filters, over the cached catalogue. The cursor carries the sort key of
//! the last item answered, so paging continues after it even when that
//! commodity has since been deleted or renamed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use infra::{Actor, Infra, Page, PageRequest, ValidationError};
use uuid::Uuid;

use super::COMMODITY_READ;
use super::input::CommodityFilter;
use super::model::Commodity;
use super::service::CommodityService;
use crate::error::{SettingsError, require};

/// 0 exact, 1 prefix, 2 contains; `None` when the name does not match.
pub fn rank(name: &str, query: &str) -> Option<u8> {
    let name = name.to_lowercase();
    if name == query {
        Some(0)
    } else if name.starts_with(query) {
        Some(1)
    } else if name.contains(query) {
        Some(2)
    } else {
        None
    }
}

/// The sort key of a search result: rank, lower-cased name, id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SearchCursor {
    /// 0 exact, 1 prefix, 2 contains.
    pub rank: u8,
    /// The lower-cased name.
    pub name_key: String,
    /// The id, the last tie-breaker.
    pub id: Uuid,
}

impl SearchCursor {
    /// The opaque text form: URL-safe base64 of the rank, the id and the name key.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::with_capacity(17 + self.name_key.len());
        bytes.push(self.rank);
        bytes.extend_from_slice(self.id.as_bytes());
        bytes.extend_from_slice(self.name_key.as_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// The cursor `text` encodes, if it is one.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let (&rank, rest) = bytes.split_first()?;
        if rank > 2 || rest.len() < 16 {
            return None;
        }
        let (id, name_key) = rest.split_at(16);
        Some(Self {
            rank,
            id: Uuid::from_slice(id).ok()?,
            name_key: String::from_utf8(name_key.to_vec()).ok()?,
        })
    }
}

/// A validated search page request: how many items, after which sort key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPage {
    /// Items to return, 1..=200.
    pub limit: u64,
    /// The sort key of the last item of the previous page.
    pub after: Option<SearchCursor>,
}

impl Default for SearchPage {
    fn default() -> Self {
        Self {
            limit: PageRequest::default().limit,
            after: None,
        }
    }
}

impl SearchPage {
    /// Validates raw `limit` and `cursor` values, naming the bad field.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, ValidationError> {
        let limit = PageRequest::parse(limit, None)?.limit;
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(SearchCursor::decode(c).ok_or_else(|| {
                ValidationError::field(
                    "cursor",
                    "is not a cursor this API returned; start again without it",
                )
            })?),
        };
        Ok(Self { limit, after })
    }
}

impl<I: Infra> CommodityService<I> {
    /// A page of live commodities matching `q` and `filter`, best matches
    /// first; the page starts after the cursor's sort key.
    pub async fn search(
        &self,
        actor: &Actor,
        q: Option<&str>,
        filter: CommodityFilter,
        page: SearchPage,
    ) -> Result<Page<Commodity>, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let query = q.map(|q| q.trim().to_lowercase()).unwrap_or_default();
        if query.chars().count() > 100 {
            return Err(SettingsError::field("q", "must be at most 100 characters"));
        }
        let mut ranked: Vec<(SearchCursor, Commodity)> = self
            .catalogue()
            .await?
            .into_iter()
            .filter(|c| filter.admits(c))
            .filter_map(|c| {
                let key = SearchCursor {
                    rank: rank(&c.name, &query)?,
                    name_key: c.name.to_lowercase(),
                    id: c.id,
                };
                Some((key, c))
            })
            .collect();
        ranked.sort_by(|a, b| a.0.cmp(&b.0));
        let start = page
            .after
            .as_ref()
            .map_or(0, |after| ranked.partition_point(|(key, _)| key <= after));
        let limit = page.limit as usize;
        let mut rows: Vec<(SearchCursor, Commodity)> =
            ranked.into_iter().skip(start).take(limit + 1).collect();
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|(key, _)| key.encode())
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(|(_, c)| c).collect(),
            next_cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{SearchCursor, rank};

    #[test]
    fn exact_before_prefix_before_contains() {
        assert_eq!(rank("Cotton", "cotton"), Some(0));
        assert_eq!(rank("Cotton Seed", "cotton"), Some(1));
        assert_eq!(rank("Raw Cotton", "cotton"), Some(2));
        assert_eq!(rank("Wheat", "cotton"), None);
    }

    #[test]
    fn cursors_round_trip_and_order_by_rank_name_id() {
        let cursor = SearchCursor {
            rank: 1,
            name_key: "cotton seed — देसी".into(),
            id: uuid::Uuid::now_v7(),
        };
        assert_eq!(SearchCursor::decode(&cursor.encode()), Some(cursor.clone()));
        assert_eq!(SearchCursor::decode("not-a-cursor"), None);
        let later = SearchCursor {
            rank: 2,
            name_key: "a".into(),
            id: uuid::Uuid::nil(),
        };
        assert!(cursor < later);
    }
}
