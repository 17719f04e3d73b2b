//! Commodity search: by `q` against the name (case-insensitive), ranked exact
//! match first, then prefix, then contains (ties by name, then id), with the
//! list filters, over the cached catalogue.

use infra::{Actor, Infra, Page, PageRequest};

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

impl<I: Infra> CommodityService<I> {
    /// A page of live commodities matching `q` and `filter`, best matches
    /// first; the cursor is the last item of the previous page.
    pub async fn search(
        &self,
        actor: &Actor,
        q: Option<&str>,
        filter: CommodityFilter,
        page: PageRequest,
    ) -> Result<Page<Commodity>, SettingsError> {
        require(actor, COMMODITY_READ)?;
        let query = q.map(|q| q.trim().to_lowercase()).unwrap_or_default();
        if query.chars().count() > 100 {
            return Err(SettingsError::field("q", "must be at most 100 characters"));
        }
        let mut ranked: Vec<(u8, String, Commodity)> = self
            .catalogue()
            .await?
            .into_iter()
            .filter(|c| filter.admits(c))
            .filter_map(|c| rank(&c.name, &query).map(|r| (r, c.name.to_lowercase(), c)))
            .collect();
        ranked.sort_by(|a, b| (a.0, &a.1, a.2.id).cmp(&(b.0, &b.1, b.2.id)));
        let start = match page.after {
            None => 0,
            Some(after) => ranked
                .iter()
                .position(|(_, _, c)| c.id == after)
                .map_or(ranked.len(), |i| i + 1),
        };
        let rows = ranked
            .into_iter()
            .skip(start)
            .take(page.fetch() as usize)
            .map(|(_, _, c)| c)
            .collect();
        Ok(Page::from_rows(rows, page, |c| c.id))
    }
}

#[cfg(test)]
mod tests {
    use super::rank;

    #[test]
    fn exact_before_prefix_before_contains() {
        assert_eq!(rank("Cotton", "cotton"), Some(0));
        assert_eq!(rank("Cotton Seed", "cotton"), Some(1));
        assert_eq!(rank("Raw Cotton", "cotton"), Some(2));
        assert_eq!(rank("Wheat", "cotton"), None);
    }
}
