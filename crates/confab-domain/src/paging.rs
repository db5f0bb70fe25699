//! Paging, for every list in the API: cursor paging (`starting_after`, `pages.next`) by
//! keyset, so a cursor stays correct while rows are inserted, and page-number paging.
//!
//! A cursor is opaque to clients: base64url of a small JSON document holding the page number
//! it leads to and the sort key of the last row already returned.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, ErrorCode};

/// One component of a sort key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyPart {
    Int(i64),
    Text(String),
}

/// Where the next page starts: after the row whose sort key is `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(rename = "p")]
    pub page: u32,
    #[serde(rename = "k")]
    pub key: Vec<KeyPart>,
    /// A search's `total_count`, computed on its first page and carried to the next ones
    /// so a cursor walk counts once (decision 0030). Other lists leave it out.
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub total: Option<CarriedTotal>,
}

/// A total carried in a cursor, with a fingerprint of the query it counted. Like the rest of
/// a cursor it comes back from the client: whoever reads it checks the fingerprint against
/// the query at hand and the count against the rows already returned, and counts again when
/// either is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedTotal {
    #[serde(rename = "n")]
    pub count: u64,
    #[serde(rename = "q")]
    pub query: u64,
}

impl Cursor {
    /// The opaque form sent to clients as `starting_after`.
    pub fn encode(&self) -> String {
        // Serializing this plain struct cannot fail; fall back to an empty cursor regardless.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Parses a client-supplied `starting_after`.
    pub fn decode(s: &str) -> Result<Self, DomainError> {
        let invalid = || {
            DomainError::with_message(ErrorCode::ParameterInvalid, "starting_after is invalid")
                .field("starting_after")
        };
        if s.len() > 1024 {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| invalid())?;
        serde_json::from_slice(&bytes).map_err(|_| invalid())
    }

    /// The sort key as integers, for lists keyed by integers only.
    pub fn int_key<const N: usize>(&self) -> Result<[i64; N], DomainError> {
        let invalid = || {
            DomainError::with_message(ErrorCode::ParameterInvalid, "starting_after is invalid")
                .field("starting_after")
        };
        if self.key.len() != N {
            return Err(invalid());
        }
        let mut out = [0; N];
        for (slot, part) in out.iter_mut().zip(&self.key) {
            match part {
                KeyPart::Int(v) => *slot = *v,
                KeyPart::Text(_) => return Err(invalid()),
            }
        }
        Ok(out)
    }
}

/// A request for one page of a cursor-paged list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorRequest {
    pub per_page: u32,
    pub after: Option<Cursor>,
}

impl CursorRequest {
    /// The number of the page being requested (1 for the first).
    pub fn page(&self) -> u32 {
        self.after.as_ref().map_or(1, |c| c.page)
    }

    /// How many rows to fetch: one more than a page, to learn whether another page exists.
    pub fn fetch_limit(&self) -> i64 {
        i64::from(self.per_page) + 1
    }
}

/// A request for one page of a page-numbered list (`page`, `per_page`), as Intercom's
/// companies and calls lists page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumberRequest {
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

impl PageNumberRequest {
    /// Rows to skip.
    pub fn offset(&self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }

    pub fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }
}

/// A page asked for either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListRequest {
    Cursor(CursorRequest),
    Number(PageNumberRequest),
}

/// One page of results, with what is needed to render Intercom's `pages` object.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total_count: u64,
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// Builds a page from `rows` fetched with [`CursorRequest::fetch_limit`]: the extra row,
    /// if present, is dropped and the cursor points after the last row kept.
    pub fn from_overfetch(
        mut rows: Vec<T>,
        request: &CursorRequest,
        total_count: u64,
        key_of: impl Fn(&T) -> Vec<KeyPart>,
    ) -> Self {
        let per_page = request.per_page as usize;
        let has_more = rows.len() > per_page;
        rows.truncate(per_page);
        let next = if has_more {
            rows.last().map(|last| Cursor {
                page: request.page() + 1,
                key: key_of(last),
                total: None,
            })
        } else {
            None
        };
        Self {
            items: rows,
            page: request.page(),
            per_page: request.per_page,
            total_count,
            next,
        }
    }

    /// A page of a page-numbered list; there is a next page while rows remain past it.
    pub fn from_offset(rows: Vec<T>, request: PageNumberRequest, total_count: u64) -> Self {
        let seen = u64::from(request.page) * u64::from(request.per_page);
        let next = (seen < total_count).then(|| Cursor {
            page: request.page + 1,
            key: Vec::new(),
            total: None,
        });
        Self {
            items: rows,
            page: request.page,
            per_page: request.per_page,
            total_count,
            next,
        }
    }

    /// `ceil(total_count / per_page)`, as Intercom reports `total_pages`.
    pub fn total_pages(&self) -> u64 {
        if self.per_page == 0 {
            return 0;
        }
        self.total_count.div_ceil(u64::from(self.per_page))
    }

    /// The same page with each item transformed.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total_count: self.total_count,
            next: self.next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_through_their_opaque_form() {
        let cursor = Cursor {
            page: 3,
            key: vec![KeyPart::Int(1_700_000_000), KeyPart::Text("abc".into())],
            total: Some(CarriedTotal {
                count: 12,
                query: u64::MAX,
            }),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn cursors_without_a_carried_total_still_decode_and_encode_as_before() {
        let old = URL_SAFE_NO_PAD.encode(br#"{"p":2,"k":[5,7]}"#);
        let cursor = Cursor::decode(&old).expect("a cursor from before totals were carried");
        assert_eq!(cursor.total, None);
        assert_eq!(cursor.key, vec![KeyPart::Int(5), KeyPart::Int(7)]);
        assert_eq!(
            cursor.encode(),
            old,
            "lists that carry no total write no `t`"
        );
    }

    #[test]
    fn garbage_cursors_are_parameter_invalid() {
        for bad in ["", "!!!", "e30", &"A".repeat(2000)] {
            let err = Cursor::decode(bad).err();
            assert_eq!(
                err.map(|e| e.code),
                Some(ErrorCode::ParameterInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_overfetched_page_drops_the_extra_row_and_points_after_the_last_kept() {
        let request = CursorRequest {
            per_page: 2,
            after: None,
        };
        let page = Page::from_overfetch(vec![10, 9, 8], &request, 5, |v| vec![KeyPart::Int(*v)]);
        assert_eq!(page.items, vec![10, 9]);
        assert_eq!(page.total_pages(), 3);
        let next = page.next.expect("a next page");
        assert_eq!((next.page, next.key), (2, vec![KeyPart::Int(9)]));
    }

    #[test]
    fn page_numbers_become_offsets_and_know_when_rows_remain() {
        let second = PageNumberRequest {
            page: 2,
            per_page: 15,
        };
        assert_eq!((second.offset(), second.limit()), (15, 15));
        let page = Page::from_offset(vec![0; 15], second, 31);
        assert_eq!(page.next.as_ref().map(|c| c.page), Some(3));
        assert_eq!(page.total_pages(), 3);
        let last = Page::from_offset(
            vec![0; 1],
            PageNumberRequest {
                page: 3,
                per_page: 15,
            },
            31,
        );
        assert!(last.next.is_none());
    }

    #[test]
    fn the_last_page_has_no_next_cursor() {
        let request = CursorRequest {
            per_page: 2,
            after: None,
        };
        let page = Page::from_overfetch(vec![1, 2], &request, 2, |v| vec![KeyPart::Int(*v)]);
        assert!(page.next.is_none());
    }
}
