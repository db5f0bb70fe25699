//! Paging parameters in, Intercom's `pages` objects out. Every paged list uses these.

use axum::response::{IntoResponse, Response};
use confab_domain::paging::{Cursor, CursorRequest, ListRequest, Page, PageNumberRequest};
use confab_domain::ErrorCode;
use http::header::CONTENT_TYPE;
use serde::Serialize;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::render::Rendered;

/// The page size rules of one list endpoint.
#[derive(Debug, Clone, Copy)]
pub struct PageSize {
    pub default: u32,
    pub max: u32,
}

fn positive(name: &str, raw: Option<&str>, default: u32) -> Result<u32, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(raw) => raw.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            ApiError::with_message(
                ErrorCode::ParameterInvalid,
                format!("{name} must be a positive integer"),
            )
            .field(name)
        }),
    }
}

/// Reads `page` and `per_page` for a page-numbered list.
pub fn page_number_request(
    page: Option<&str>,
    per_page: Option<&str>,
    size: PageSize,
) -> Result<PageNumberRequest, ApiError> {
    Ok(PageNumberRequest {
        page: positive("page", page, 1)?,
        per_page: positive("per_page", per_page, size.default)?.min(size.max),
    })
}

/// Reads `per_page` and `starting_after`. A `per_page` above the maximum is served at the
/// maximum, as Intercom does; one that is not a positive integer is an error.
pub fn cursor_request(
    per_page: Option<&str>,
    starting_after: Option<&str>,
    size: PageSize,
) -> Result<CursorRequest, ApiError> {
    let per_page = positive("per_page", per_page, size.default)?.min(size.max);
    let after = starting_after
        .filter(|s| !s.is_empty())
        .map(Cursor::decode)
        .transpose()?;
    Ok(CursorRequest { per_page, after })
}

/// A list request: by cursor (`starting_after`), or by page number when the client sends
/// `page` (as the SDKs' offset pagers do for notes and a contact's companies: they ask for
/// page after page until one comes back empty).
pub fn list_request(
    page: Option<&str>,
    per_page: Option<&str>,
    starting_after: Option<&str>,
    size: PageSize,
) -> Result<ListRequest, ApiError> {
    match page.filter(|p| !p.trim().is_empty()) {
        Some(page) => Ok(ListRequest::Number(page_number_request(
            Some(page),
            per_page,
            size,
        )?)),
        None => Ok(ListRequest::Cursor(cursor_request(
            per_page,
            starting_after,
            size,
        )?)),
    }
}

/// The `cursor_pages` object: `{type, page, per_page, total_pages, next}`; `next` is omitted
/// on the last page. Page-numbered lists render the same object: their `next` cursor carries
/// only the next page number.
pub fn cursor_pages<T>(page: &Page<T>) -> Value {
    let mut pages = json!({
        "type": "pages",
        "page": page.page,
        "per_page": page.per_page,
        "total_pages": page.total_pages(),
    });
    if let (Some(next), Some(obj)) = (&page.next, pages.as_object_mut()) {
        obj.insert(
            "next".into(),
            json!({ "per_page": page.per_page, "starting_after": next.encode() }),
        );
    }
    pages
}

/// A paged list response: `{type, <items key>: [...], total_count, pages}`; most lists are
/// `{type: "list", data}`.
pub struct ListBody<D> {
    kind: &'static str,
    key: &'static str,
    data: D,
    total_count: u64,
    pages: Value,
}

impl<D: Serialize> Serialize for ListBody<D> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("type", self.kind)?;
        map.serialize_entry(self.key, &self.data)?;
        map.serialize_entry("total_count", &self.total_count)?;
        map.serialize_entry("pages", &self.pages)?;
        map.end()
    }
}

/// Written into a buffer sized for its items, which are already JSON text: a page of 150
/// contacts is about 270 KB, which `axum::Json`, starting at 128 bytes, reaches by a dozen
/// doublings, each a copy into fresh memory the kernel must zero.
impl IntoResponse for ListBody<Vec<Rendered>> {
    fn into_response(self) -> Response {
        let items: usize = self.data.iter().map(|item| item.get().len() + 1).sum();
        let mut body = Vec::with_capacity(items + 512);
        match serde_json::to_writer(&mut body, &self) {
            Ok(()) => ([(CONTENT_TYPE, "application/json")], body).into_response(),
            Err(_) => ApiError::new(ErrorCode::ServerError).into_response(),
        }
    }
}

/// The `{type: "list", data}` response showing `data`, the rendered items of `page`.
pub fn list_body<T, D: Serialize>(data: D, page: &Page<T>) -> ListBody<D> {
    named_list_body("list", "data", data, page)
}

/// A list response of type `kind` with the items under `key`
/// (`conversation.list` / `conversations`).
pub fn named_list_body<T, D: Serialize>(
    kind: &'static str,
    key: &'static str,
    data: D,
    page: &Page<T>,
) -> ListBody<D> {
    ListBody {
        kind,
        key,
        data,
        total_count: page.total_count,
        pages: cursor_pages(page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: PageSize = PageSize {
        default: 15,
        max: 150,
    };

    #[test]
    fn page_sizes_default_clamp_and_reject_nonsense() {
        assert_eq!(cursor_request(None, None, SIZE).unwrap().per_page, 15);
        assert_eq!(
            cursor_request(Some("500"), None, SIZE).unwrap().per_page,
            150
        );
        for bad in ["0", "-1", "ten", "1.5"] {
            let err = cursor_request(Some(bad), None, SIZE).unwrap_err();
            assert_eq!(err.0.field.as_deref(), Some("per_page"), "{bad}");
        }
        let numbered = page_number_request(Some("3"), Some("20"), SIZE).unwrap();
        assert_eq!((numbered.page, numbered.offset()), (3, 40));
        assert!(page_number_request(Some("0"), None, SIZE).is_err());
    }

    #[test]
    fn the_last_page_renders_without_next() {
        let request = CursorRequest {
            per_page: 2,
            after: None,
        };
        let last = Page::from_overfetch(vec![1], &request, 1, |_| Vec::new());
        let pages = cursor_pages(&last);
        assert_eq!(pages["total_pages"], 1);
        assert!(pages.get("next").is_none());
        let more = Page::from_overfetch(vec![1, 2, 3], &request, 3, |v| {
            vec![confab_domain::paging::KeyPart::Int(*v)]
        });
        assert_eq!(cursor_pages(&more)["next"]["per_page"], 2);
    }
}
