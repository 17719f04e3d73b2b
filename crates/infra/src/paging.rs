//! Keyset pagination: `?limit=` (default 50, at most 200) and an opaque `?cursor=`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use uuid::Uuid;

use crate::error::ValidationError;

/// Items per page when the caller names no limit.
pub const DEFAULT_LIMIT: u64 = 50;
/// The largest page a caller may ask for.
pub const MAX_LIMIT: u64 = 200;

/// A validated page request: how many items, after which one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Items to return, 1..=200.
    pub limit: u64,
    /// The id of the last item of the previous page.
    pub after: Option<Uuid>,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
        }
    }
}

impl PageRequest {
    /// Validates raw `limit` and `cursor` values, naming the bad field.
    pub fn parse(limit: Option<i64>, cursor: Option<&str>) -> Result<Self, ValidationError> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(l) if (1..=MAX_LIMIT as i64).contains(&l) => l as u64,
            Some(_) => return Err(ValidationError::field("limit", "must be between 1 and 200")),
        };
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                ValidationError::field(
                    "cursor",
                    "is not a cursor this API returned; start again without it",
                )
            })?),
        };
        Ok(Self { limit, after })
    }

    /// How many rows to fetch: one more than the limit, to know whether a next page exists.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }
}

fn decode_cursor(c: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(c).ok()?;
    Uuid::from_slice(&bytes).ok()
}

fn encode_cursor(id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(id.as_bytes())
}

/// One page of a list: `{"items": [...], "next_cursor": ...}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `request.fetch()` rows ordered by id, given each row's id.
    pub fn from_rows(mut rows: Vec<T>, request: PageRequest, id_of: impl Fn(&T) -> Uuid) -> Self {
        let has_more = rows.len() as u64 > request.limit;
        rows.truncate(request.limit as usize);
        let next_cursor = if has_more {
            rows.last().map(|r| encode_cursor(id_of(r)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// A page of a whole list held in memory and sorted by id (a cached
    /// catalogue): the items after the cursor, at most `request.limit`.
    pub fn of_sorted(items: Vec<T>, request: PageRequest, id_of: impl Fn(&T) -> Uuid) -> Self {
        let rows = items
            .into_iter()
            .filter(|item| request.after.is_none_or(|after| id_of(item) > after))
            .take(request.fetch() as usize)
            .collect();
        Self::from_rows(rows, request, id_of)
    }

    /// The same page with each item converted.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_cursors() {
        assert_eq!(PageRequest::parse(None, None).map(|p| p.limit), Ok(50));
        assert!(PageRequest::parse(Some(0), None).is_err());
        assert!(PageRequest::parse(Some(201), None).is_err());
        assert!(PageRequest::parse(None, Some("not-a-cursor")).is_err());
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let req = PageRequest {
            limit: 2,
            after: None,
        };
        let page = Page::from_rows(ids.clone(), req, |id| *id);
        assert_eq!(page.items.len(), 2);
        let next = PageRequest::parse(Some(2), page.next_cursor.as_deref());
        assert_eq!(next.as_ref().map(|p| p.after), Ok(Some(ids[1])));
        let last = Page::from_rows(vec![ids[2]], req, |id| *id);
        assert_eq!(last.next_cursor, None);
        let sorted = Page::of_sorted(ids.clone(), next.unwrap_or(req), |id| *id);
        assert_eq!(sorted.items, vec![ids[2]]);
        assert_eq!(sorted.next_cursor, None);
    }
}
