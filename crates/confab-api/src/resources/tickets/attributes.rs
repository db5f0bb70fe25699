//! `ticket_attributes` checked against the ticket type's attributes: only attributes of the
//! type that are not archived, each value of the attribute's data type, list values one of
//! the list's items, and on creation every attribute the type requires.

use confab_domain::record::{flag_of, text_of, Record};
use confab_domain::ErrorCode;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

fn invalid(message: String) -> ApiError {
    ApiError::with_message(ErrorCode::ParameterInvalid, message).field("ticket_attributes")
}

/// The label of the list item `given` names, by id or by label.
fn list_label(attribute: &Record, given: &str) -> Option<String> {
    attribute
        .get("input_options")?
        .get("list_items")?
        .as_array()?
        .iter()
        .filter(|item| item.get("archived") != Some(&Value::Bool(true)))
        .find(|item| {
            item.get("id").and_then(Value::as_str) == Some(given)
                || item.get("label").and_then(Value::as_str) == Some(given)
        })
        .and_then(|item| item.get("label")?.as_str().map(str::to_owned))
}

/// `value` as attribute `attribute` stores it, or why it cannot.
fn checked_value(attribute: &Record, value: &Value) -> Result<Value, String> {
    let name = text_of(attribute, "name").unwrap_or_default();
    if value.is_null() {
        return Ok(Value::Null);
    }
    let data_type = text_of(attribute, "data_type").unwrap_or_default();
    let ok = match data_type {
        "string" => value.as_str().is_some_and(|s| s.chars().count() <= 65_535),
        "integer" => value.is_i64(),
        "decimal" => value.is_number(),
        "boolean" => value.is_boolean(),
        "datetime" => value.is_i64() || value.is_string(),
        "files" => value.is_array(),
        "list" => {
            let label = value
                .as_str()
                .map(str::to_owned)
                .or_else(|| value.as_i64().map(|n| n.to_string()))
                .and_then(|given| list_label(attribute, &given));
            return label
                .map(Value::String)
                .ok_or_else(|| format!("{name} must be one of the attribute's list items"));
        }
        _ => false,
    };
    if ok {
        Ok(value.clone())
    } else {
        Err(format!("{name} must be a {data_type} value"))
    }
}

/// What a part records of an attribute update (`updated_attribute_data`, 2.14+): the
/// attribute, and the value with its list item id for list attributes.
pub fn updated_attribute_data(attribute: &Record, value: &Value) -> Value {
    let label = match value {
        Value::String(s) => Value::String(s.clone()),
        Value::Null => Value::String(String::new()),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| Value::String(i.as_str().map_or_else(|| i.to_string(), str::to_owned)))
                .collect(),
        ),
        other => Value::String(other.to_string()),
    };
    let item_id = value.as_str().and_then(|label| {
        attribute
            .get("input_options")?
            .get("list_items")?
            .as_array()?
            .iter()
            .find(|item| item.get("label").and_then(Value::as_str) == Some(label))?
            .get("id")
            .cloned()
    });
    serde_json::json!({
        "attribute": {
            "type": "attribute",
            "id": confab_domain::record::id_of(attribute),
            "label": text_of(attribute, "name").unwrap_or_default(),
        },
        "value": {"type": "value", "id": item_id.unwrap_or(Value::Null), "label": label},
    })
}

/// `given` merged over `current`, each key checked against the type's `attributes`.
/// `creating` also requires every attribute marked `required_to_create`.
pub fn merge_ticket_attributes(
    attributes: &[Record],
    current: Option<&Value>,
    given: &Map<String, Value>,
    creating: bool,
) -> ApiResult<Map<String, Value>> {
    let mut merged = current
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, value) in given {
        let attribute = attributes
            .iter()
            .find(|a| text_of(a, "name") == Some(key.as_str()) && !flag_of(a, "archived"))
            .ok_or_else(|| invalid(format!("{key} is not an attribute of this ticket type")))?;
        let value = checked_value(attribute, value).map_err(invalid)?;
        merged.insert(key.clone(), value);
    }
    if creating {
        let missing = attributes.iter().any(|a| {
            flag_of(a, "required_to_create")
                && !flag_of(a, "archived")
                && merged
                    .get(text_of(a, "name").unwrap_or_default())
                    .is_none_or(Value::is_null)
        });
        if missing {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "Missing required ticket attributes",
            ));
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn attribute(value: Value) -> Record {
        value.as_object().cloned().unwrap_or_default()
    }

    fn type_attributes() -> Vec<Record> {
        vec![
            attribute(json!({"name": "_default_title_", "data_type": "string"})),
            attribute(json!({"name": "seats", "data_type": "integer", "required_to_create": true})),
            attribute(
                json!({"name": "tier", "data_type": "list", "input_options": {
                "list_items": [{"id": "1", "label": "Gold", "archived": false}]}}),
            ),
            attribute(json!({"name": "old", "data_type": "string", "archived": true})),
        ]
    }

    fn given(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn values_are_checked_by_data_type_and_list_items_become_labels() {
        let attrs = type_attributes();
        let merged = merge_ticket_attributes(
            &attrs,
            None,
            &given(json!({"_default_title_": "Hi", "seats": 3, "tier": "1"})),
            true,
        )
        .unwrap();
        assert_eq!(merged["tier"], "Gold");
        for bad in [
            json!({"seats": "3"}),
            json!({"seats": 2, "tier": "Silver"}),
            json!({"seats": 2, "old": "x"}),
            json!({"seats": 2, "nope": 1}),
        ] {
            assert!(
                merge_ticket_attributes(&attrs, None, &given(bad.clone()), true).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn required_attributes_are_only_required_on_creation() {
        let attrs = type_attributes();
        let err = merge_ticket_attributes(&attrs, None, &given(json!({})), true).unwrap_err();
        assert_eq!(err.0.message, "Missing required ticket attributes");
        assert!(merge_ticket_attributes(&attrs, None, &given(json!({})), false).is_ok());
    }
}
