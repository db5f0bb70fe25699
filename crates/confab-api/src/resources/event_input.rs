//! Reading data-event input: an event's `metadata` (at most ten keys, in the order sent, flat
//! values or the two typed objects) and the items of `POST /events/summaries`.

use std::fmt;

use confab_domain::ErrorCode;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// How many metadata keys an event keeps; later ones are dropped.
pub const MAX_METADATA_KEYS: usize = 10;

/// A JSON object read with its keys in the order sent (serde_json's `Map` sorts them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderedMap(pub Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = OrderedMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMap, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    entries.push((key, value));
                }
                Ok(OrderedMap(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

fn invalid(field: String, message: &str) -> ApiError {
    ApiError::with_message(ErrorCode::ParameterInvalid, message).field(field)
}

/// Whether `object` is one of the typed metadata values: a rich link `{url, value}` or a
/// monetary amount `{amount, currency}` (amount in cents).
fn is_typed_object(object: &Map<String, Value>) -> bool {
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    match keys.as_slice() {
        ["url", "value"] => object.values().all(Value::is_string),
        ["amount", "currency"] => {
            object.get("amount").is_some_and(Value::is_i64)
                && object.get("currency").is_some_and(Value::is_string)
        }
        _ => false,
    }
}

/// An event's metadata as stored: the first [`MAX_METADATA_KEYS`] keys with a value, in the
/// order sent. Strings, numbers and booleans are kept as they are (a number under a key ending
/// in `_date` is a date); `null` values are left out; objects other than the typed ones and
/// arrays are refused, naming the key.
pub fn metadata_of(metadata: Option<&OrderedMap>) -> ApiResult<Value> {
    let Some(OrderedMap(entries)) = metadata else {
        return Ok(Value::Null);
    };
    let mut kept = Map::new();
    for (key, value) in entries {
        let fits = match value {
            Value::Null => continue,
            Value::String(_) | Value::Number(_) | Value::Bool(_) => true,
            Value::Object(object) => is_typed_object(object),
            Value::Array(_) => false,
        };
        if !fits {
            return Err(invalid(
                format!("metadata.{key}"),
                "metadata values must be strings, numbers, booleans, rich links {url, value} \
                 or amounts {amount, currency}",
            ));
        }
        if kept.len() < MAX_METADATA_KEYS {
            kept.insert(key.clone(), value.clone());
        }
    }
    Ok(Value::Object(kept))
}

/// One recorded summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub event_name: String,
    pub count: i64,
    pub first: Option<i64>,
    pub last: Option<i64>,
}

fn summary_item(value: &Value, at: &str) -> ApiResult<SummaryItem> {
    let Value::Object(item) = value else {
        return Err(invalid(at.to_owned(), "event_summaries must be an object"));
    };
    let event_name = match item.get("event_name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        None | Some(Value::Null) => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterNotFound,
                "event_summaries.event_name is required",
            )
            .field(format!("{at}.event_name")))
        }
        Some(_) => {
            return Err(invalid(
                format!("{at}.event_name"),
                "event_name must be a non-empty string",
            ))
        }
    };
    let count = match item.get("count") {
        Some(Value::Number(n)) => n.as_i64().filter(|n| *n >= 0),
        _ => None,
    }
    .ok_or_else(|| {
        invalid(
            format!("{at}.count"),
            "count must be an integer of 0 or more",
        )
    })?;
    let time = |key: &str| -> ApiResult<Option<i64>> {
        match item.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| invalid(format!("{at}.{key}"), "times must be UNIX seconds")),
        }
    };
    let (first, last) = (time("first")?, time("last")?);
    if let (Some(f), Some(l)) = (first, last) {
        if f > l {
            return Err(invalid(
                format!("{at}.first"),
                "first must not be after last",
            ));
        }
    }
    Ok(SummaryItem {
        event_name,
        count,
        first,
        last,
    })
}

/// The summaries of a `POST /events/summaries` body: `event_summaries` as one object (as the
/// spec describes it) or an array of them (as Intercom's bulk form sends them).
pub fn event_summaries(value: Option<&Value>) -> ApiResult<Vec<SummaryItem>> {
    match value {
        None | Some(Value::Null) => Err(ApiError::with_message(
            ErrorCode::ParameterNotFound,
            "event_summaries is required",
        )
        .field("event_summaries")),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| summary_item(item, &format!("event_summaries[{i}]")))
            .collect(),
        Some(item) => Ok(vec![summary_item(item, "event_summaries")?]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ordered(text: &str) -> OrderedMap {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn metadata_keeps_the_first_ten_keys_in_the_order_sent() {
        let keys: Vec<String> = (0..12).map(|i| format!("\"k{}\": {i}", 11 - i)).collect();
        let map = ordered(&format!("{{{}}}", keys.join(",")));
        let kept = metadata_of(Some(&map)).unwrap();
        let kept = kept.as_object().unwrap();
        assert_eq!(kept.len(), 10);
        assert!(kept.contains_key("k11") && kept.contains_key("k2"));
        assert!(!kept.contains_key("k1") && !kept.contains_key("k0"));
    }

    #[test]
    fn typed_objects_are_kept_and_other_nesting_refused() {
        let map = ordered(
            r#"{"link": {"url": "https://x.io", "value": "x"},
                "price": {"amount": 3499, "currency": "eur"}, "gone": null}"#,
        );
        assert_eq!(
            metadata_of(Some(&map)).unwrap(),
            json!({"link": {"url": "https://x.io", "value": "x"},
                   "price": {"amount": 3499, "currency": "eur"}})
        );
        for bad in [r#"{"a": {"b": 1}}"#, r#"{"a": [1]}"#] {
            let err = metadata_of(Some(&ordered(bad))).unwrap_err();
            assert_eq!(err.0.field.as_deref(), Some("metadata.a"));
        }
    }

    #[test]
    fn summaries_come_as_one_object_or_many() {
        let one = json!({"event_name": "ordered", "count": 3, "first": 1, "last": 2});
        assert_eq!(event_summaries(Some(&one)).unwrap().len(), 1);
        let many = json!([one, {"event_name": "paid", "count": 1}]);
        assert_eq!(event_summaries(Some(&many)).unwrap().len(), 2);
        let bad = json!({"event_name": "x", "count": -1});
        assert!(event_summaries(Some(&bad)).is_err());
        assert!(event_summaries(None).is_err());
    }
}
