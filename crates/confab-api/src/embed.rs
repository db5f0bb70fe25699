//! The relationship summaries a record embeds — a contact's `tags`, `notes`, `companies` —
//! each `{type: "list", data: [{type, id, url}], url, total_count, has_more}` with at most
//! [`EMBEDDED_MAX`] items, and the full list one `url` away.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// How many related items a summary shows.
pub const EMBEDDED_MAX: usize = 10;

/// A summary of `ids` (all of them, oldest first) of records of `item_type`, each addressable
/// at `{item_path}/{id}`, the whole list at `{owner_path}/{owner_id}/{list}`.
pub struct Summary<'a> {
    pub item_type: &'static str,
    pub item_path: &'static str,
    pub ids: &'a [String],
    pub owner_path: &'static str,
    pub owner_id: &'a str,
    pub list: &'static str,
}

/// The first [`EMBEDDED_MAX`] items, written as `{type, id, url}` without building them.
struct Items<'s, 'a>(&'s Summary<'a>);

impl Serialize for Items<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let summary = self.0;
        let shown = &summary.ids[..summary.ids.len().min(EMBEDDED_MAX)];
        let mut seq = serializer.serialize_seq(Some(shown.len()))?;
        for id in shown {
            seq.serialize_element(&Item {
                kind: summary.item_type,
                id,
                url: format!("{}/{id}", summary.item_path),
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Item<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    url: String,
}

impl Serialize for Summary<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("type", "list")?;
        map.serialize_entry("data", &Items(self))?;
        map.serialize_entry(
            "url",
            &format!("{}/{}/{}", self.owner_path, self.owner_id, self.list),
        )?;
        map.serialize_entry("total_count", &self.ids.len())?;
        map.serialize_entry("has_more", &(self.ids.len() > EMBEDDED_MAX))?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(ids: &[String]) -> serde_json::Value {
        serde_json::to_value(Summary {
            item_type: "tag",
            item_path: "/tags",
            ids,
            owner_path: "/contacts",
            owner_id: "c1",
            list: "tags",
        })
        .unwrap()
    }

    #[test]
    fn a_summary_shows_ten_items_and_counts_them_all() {
        let ids: Vec<String> = (1..=12).map(|i| i.to_string()).collect();
        let s = summary(&ids);
        assert_eq!(s["data"].as_array().map(Vec::len), Some(10));
        assert_eq!(
            s["data"][0],
            json!({"type": "tag", "id": "1", "url": "/tags/1"})
        );
        assert_eq!(s["url"], "/contacts/c1/tags");
        assert_eq!(s["total_count"], 12);
        assert_eq!(s["has_more"], true);
        let small = summary(&ids[..2]);
        assert_eq!(small["has_more"], false);
        assert_eq!(small["data"].as_array().map(Vec::len), Some(2));
    }
}
