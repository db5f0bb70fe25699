//! Checking the `custom_attributes` a contact, company or conversation write carries against
//! the workspace's custom attributes of that model.

use serde_json::{Map, Number, Value};

use super::{DataAttribute, DataType};
use crate::{DomainError, ErrorCode};

/// The longest string value a custom attribute holds, in characters.
pub const MAX_STRING_CHARS: usize = 255;

/// Checks `values` against `defs` (the model's custom attributes) and returns them normalized.
///
/// - A key must name a non-archived attribute of `defs`, matched exactly (keys are
///   case-sensitive); otherwise 400 `parameter_invalid` (Intercom answers an unknown
///   conversation attribute with that code).
/// - `null` is always accepted: it clears the value, and is kept in the result so the store
///   can clear it.
/// - `string`: a JSON string of at most [`MAX_STRING_CHARS`] characters.
/// - `integer`: a JSON integer (not a float, not a numeric string).
/// - `float`: any JSON number, returned as a float (`3` becomes `3.0`).
/// - `boolean`: a JSON boolean.
/// - `date`/`datetime`: an integer of UNIX seconds. ISO-8601 strings are refused: the specs
///   only ever show timestamps as integers, and accepting strings would need a date parser.
/// - list (`options`): a string equal to one of the attribute's options.
///
/// A wrong type is 400 `parameter_invalid`. Every error names the field
/// `custom_attributes.<name>`.
pub fn check_custom_attributes(
    defs: &[DataAttribute],
    values: &Map<String, Value>,
) -> Result<Map<String, Value>, DomainError> {
    let mut normalized = Map::with_capacity(values.len());
    for (key, value) in values {
        let def = defs
            .iter()
            .find(|d| d.custom && !d.archived && d.name == *key)
            .ok_or_else(|| invalid(key, format!("Custom attribute '{key}' does not exist")))?;
        normalized.insert(key.clone(), check_value(def, value)?);
    }
    Ok(normalized)
}

fn invalid(key: &str, message: String) -> DomainError {
    DomainError::with_message(ErrorCode::ParameterInvalid, message)
        .field(format!("custom_attributes.{key}"))
}

fn check_value(def: &DataAttribute, value: &Value) -> Result<Value, DomainError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let name = &def.name;
    let wrong =
        |expected: &str| invalid(name, format!("Custom attribute '{name}' takes {expected}"));
    match def.data_type {
        DataType::String => match value {
            Value::String(s) if s.chars().count() <= MAX_STRING_CHARS => Ok(value.clone()),
            Value::String(_) => Err(invalid(
                name,
                format!("Custom attribute '{name}' is limited to {MAX_STRING_CHARS} characters"),
            )),
            _ => Err(wrong("a string")),
        },
        DataType::Integer => match value {
            Value::Number(n) if n.is_i64() => Ok(value.clone()),
            _ => Err(wrong("an integer")),
        },
        DataType::Float => value
            .as_f64()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| wrong("a number")),
        DataType::Boolean => match value {
            Value::Bool(_) => Ok(value.clone()),
            _ => Err(wrong("true or false")),
        },
        DataType::Date | DataType::Datetime => match value {
            Value::Number(n) if n.is_i64() => Ok(value.clone()),
            _ => Err(wrong("a date as an integer of UNIX seconds")),
        },
        DataType::Options => match value {
            Value::String(s) if def.options.contains(s) => Ok(value.clone()),
            _ => Err(invalid(
                name,
                format!(
                    "Custom attribute '{name}' takes one of: {}",
                    def.options.join(", ")
                ),
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::models::data_attribute::{DataModel, NewDataAttribute};

    fn attr(name: &str, data_type: DataType, options: &[&str]) -> DataAttribute {
        let new = NewDataAttribute {
            model: DataModel::Contact,
            name: name.to_owned(),
            description: None,
            data_type,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            messenger_writable: false,
            admin_id: None,
        };
        DataAttribute::custom(new, 1, 0)
    }

    fn defs() -> Vec<DataAttribute> {
        vec![
            attr("plan", DataType::String, &[]),
            attr("seats", DataType::Integer, &[]),
            attr("spend", DataType::Float, &[]),
            attr("paid", DataType::Boolean, &[]),
            attr("renews", DataType::Date, &[]),
            attr("trial_ends", DataType::Datetime, &[]),
            attr("size", DataType::Options, &["1-10", "11-50"]),
        ]
    }

    fn check(value: Value) -> Result<Map<String, Value>, DomainError> {
        match value {
            Value::Object(map) => check_custom_attributes(&defs(), &map),
            _ => panic!("test input must be an object"),
        }
    }

    fn rejected_field(value: Value) -> Option<String> {
        let err = check(value).unwrap_err();
        assert_eq!(err.code, ErrorCode::ParameterInvalid);
        err.field
    }

    #[test]
    fn values_of_the_right_types_are_accepted() {
        let input = json!({
            "plan": "pro", "seats": 9, "paid": true, "renews": 1_700_000_000,
            "trial_ends": 1_700_000_000, "size": "11-50"
        });
        assert_eq!(check(input.clone()).map(Value::Object), Ok(input));
    }

    #[test]
    fn an_unknown_key_is_rejected_naming_it() {
        assert_eq!(
            rejected_field(json!({"nope": 1})).as_deref(),
            Some("custom_attributes.nope")
        );
    }

    #[test]
    fn keys_are_case_sensitive() {
        assert!(check(json!({"Plan": "pro"})).is_err());
    }

    #[test]
    fn an_archived_attribute_counts_as_unknown() {
        let mut defs = defs();
        defs[0].archived = true;
        let Value::Object(values) = json!({"plan": "pro"}) else {
            panic!("object literal");
        };
        assert!(check_custom_attributes(&defs, &values).is_err());
    }

    #[test]
    fn null_clears_any_type_and_is_kept() {
        let input = json!({"plan": null, "seats": null, "size": null, "renews": null});
        assert_eq!(check(input.clone()).map(Value::Object), Ok(input));
    }

    #[test]
    fn a_string_of_255_characters_is_accepted_and_256_rejected() {
        let max = "é".repeat(MAX_STRING_CHARS);
        assert!(check(json!({ "plan": max })).is_ok());
        let over = "a".repeat(MAX_STRING_CHARS + 1);
        assert_eq!(
            rejected_field(json!({ "plan": over })).as_deref(),
            Some("custom_attributes.plan")
        );
    }

    #[test]
    fn a_string_attribute_rejects_a_number() {
        assert!(check(json!({"plan": 5})).is_err());
    }

    #[test]
    fn an_integer_attribute_rejects_a_string() {
        assert!(check(json!({"seats": "9"})).is_err());
    }

    #[test]
    fn an_integer_attribute_rejects_a_float() {
        assert!(check(json!({"seats": 9.5})).is_err());
    }

    #[test]
    fn a_float_attribute_takes_any_number_as_a_float() {
        let got = check(json!({"spend": 3})).map(Value::Object);
        assert_eq!(got, Ok(json!({"spend": 3.0})));
        assert_eq!(
            check(json!({"spend": 155.5})).map(Value::Object),
            Ok(json!({"spend": 155.5}))
        );
        assert!(check(json!({"spend": "3.5"})).is_err());
    }

    #[test]
    fn a_boolean_attribute_rejects_a_boolean_string() {
        assert!(check(json!({"paid": "true"})).is_err());
    }

    #[test]
    fn a_date_attribute_rejects_an_iso_string_and_a_float() {
        assert!(check(json!({"renews": "2024-01-01"})).is_err());
        assert!(check(json!({"trial_ends": 1.5})).is_err());
    }

    #[test]
    fn a_list_attribute_takes_only_one_of_its_options() {
        assert!(check(json!({"size": "51-200"})).is_err());
        assert!(check(json!({"size": 10})).is_err());
    }

    #[test]
    fn objects_and_arrays_are_rejected_for_every_type() {
        for key in ["plan", "seats", "spend", "paid", "renews", "size"] {
            assert!(check(json!({ key: [1] })).is_err(), "{key}");
            assert!(check(json!({ key: {"a": 1} })).is_err(), "{key}");
        }
    }
}
