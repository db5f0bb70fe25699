//! The relationship summaries a record embeds — a contact's `tags`, `notes`, `companies` —
//! each `{type: "list", data: [{type, id, url}], url, total_count, has_more}` with at most
//! [`EMBEDDED_MAX`] items, and the full list one `url` away.

use serde_json::{json, Value};

/// How many related items a summary shows.
pub const EMBEDDED_MAX: usize = 10;

/// A summary of `ids` (all of them, oldest first) of records of `item_type`, each addressable
/// at `{item_path}/{id}`, the whole list at `list_url`.
pub fn summary(item_type: &str, item_path: &str, ids: &[String], list_url: &str) -> Value {
    let data: Vec<Value> = ids
        .iter()
        .take(EMBEDDED_MAX)
        .map(|id| json!({ "type": item_type, "id": id, "url": format!("{item_path}/{id}") }))
        .collect();
    json!({
        "type": "list",
        "data": data,
        "url": list_url,
        "total_count": ids.len(),
        "has_more": ids.len() > EMBEDDED_MAX,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_shows_ten_items_and_counts_them_all() {
        let ids: Vec<String> = (1..=12).map(|i| i.to_string()).collect();
        let s = summary("tag", "/tags", &ids, "/contacts/c1/tags");
        assert_eq!(s["data"].as_array().map(Vec::len), Some(10));
        assert_eq!(
            s["data"][0],
            json!({"type": "tag", "id": "1", "url": "/tags/1"})
        );
        assert_eq!(s["total_count"], 12);
        assert_eq!(s["has_more"], true);
        let small = summary("tag", "/tags", &ids[..2], "/x");
        assert_eq!(small["has_more"], false);
    }
}
