//! The attachments a reply carries: `attachment_urls` (files elsewhere, by URL) and
//! `attachment_files` (files sent inline as base64, kept as `data:` URLs so the part can show
//! them without a file store). At most 10 of each, as the spec allows. Confab fetches nothing
//! and reads no images, so a URL's `filesize` and every `width`/`height` are 0 (decision
//! 0031).

use base64::Engine;
use serde_json::{json, Map, Value};

use crate::error::{ApiError, ApiResult};

/// The most attachments of one kind a reply may carry.
const MAX_EACH: usize = 10;

fn list<'a>(body: &'a Map<String, Value>, field: &str) -> ApiResult<&'a [Value]> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) if items.len() <= MAX_EACH => Ok(items),
        Some(Value::Array(_)) => Err(ApiError::invalid(
            field,
            "at most 10 attachments are allowed",
        )),
        Some(_) => Err(ApiError::invalid(field, "must be a list")),
    }
}

/// The content type a file name suggests, for URLs that do not say.
fn content_type_of(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("csv") => "text/csv",
        _ => "application/octet-stream",
    }
}

fn from_url(raw: &Value) -> ApiResult<Value> {
    let url = raw
        .as_str()
        .filter(|u| {
            (u.starts_with("https://") || u.starts_with("http://"))
                && u.len() <= 2048
                && !u.chars().any(char::is_whitespace)
        })
        .ok_or_else(|| {
            ApiError::invalid(
                "attachment_urls",
                "each attachment URL must be an http(s) URL",
            )
        })?;
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let name = path
        .rsplit('/')
        .next()
        .filter(|n| !n.is_empty())
        .unwrap_or("attachment");
    Ok(json!({
        "type": "upfront_attachment",
        "name": name,
        "url": url,
        "content_type": content_type_of(name),
        "filesize": 0,
        "width": 0,
        "height": 0,
    }))
}

fn from_file(raw: &Value) -> ApiResult<Value> {
    let field = "attachment_files";
    let text = |key: &str| {
        raw.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
    };
    let (Some(name), Some(content_type), Some(data)) =
        (text("name"), text("content_type"), text("data"))
    else {
        return Err(ApiError::invalid(
            field,
            "each file needs a name, a content_type and its data",
        ));
    };
    if content_type.len() > 255 || !content_type.contains('/') {
        return Err(ApiError::invalid(field, "content_type must be a MIME type"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|_| ApiError::invalid(field, "data must be base64"))?;
    Ok(json!({
        "type": "upfront_attachment",
        "name": name,
        "url": format!("data:{content_type};base64,{data}"),
        "content_type": content_type,
        "filesize": bytes.len(),
        "width": 0,
        "height": 0,
    }))
}

/// The part attachments `body` asks for, checked.
pub(crate) fn attachments_of(body: &Map<String, Value>) -> ApiResult<Vec<Value>> {
    let mut out = Vec::new();
    for url in list(body, "attachment_urls")? {
        out.push(from_url(url)?);
    }
    for file in list(body, "attachment_files")? {
        out.push(from_file(file)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn urls_and_files_become_part_attachments() {
        let found = attachments_of(&body(json!({
            "attachment_urls": ["https://cdn.example/a/shot.PNG?x=1"],
            "attachment_files": [{"name": "n.txt", "content_type": "text/plain", "data": "aGk="}],
        })))
        .unwrap();
        assert_eq!(found[0]["name"], "shot.PNG");
        assert_eq!(found[0]["content_type"], "image/png");
        assert_eq!(found[1]["filesize"], 2);
        assert_eq!(found[1]["url"], "data:text/plain;base64,aGk=");
    }

    #[test]
    fn bad_attachments_are_refused() {
        for bad in [
            json!({"attachment_urls": ["ftp://x/y"]}),
            json!({"attachment_urls": "https://x/y"}),
            json!({"attachment_urls": vec!["https://x/y"; 11]}),
            json!({"attachment_files": [{"name": "a", "content_type": "text/plain", "data": "%%%"}]}),
            json!({"attachment_files": [{"name": "a", "data": "aGk="}]}),
        ] {
            assert!(attachments_of(&body(bad.clone())).is_err(), "{bad}");
        }
    }
}
