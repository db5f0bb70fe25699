//! The rules of `POST /data_attributes` (and the `options` of `PUT /data_attributes/{id}`):
//! which names, models, types and options a custom attribute may have.

use serde_json::Value;

use super::{built_in, DataAttribute, DataModel, DataType};
use crate::{ApiVersion, DomainError, ErrorCode};

/// A validated create request, before the store gives it an id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDataAttribute {
    pub model: DataModel,
    pub name: String,
    pub description: Option<String>,
    pub data_type: DataType,
    pub options: Vec<String>,
    pub messenger_writable: bool,
    pub admin_id: Option<String>,
}

fn invalid(field: &str, message: impl Into<String>) -> DomainError {
    DomainError::with_message(ErrorCode::ParameterInvalid, message).field(field)
}

/// Checks a new attribute's name against Intercom's rule: letters and digits (any script),
/// currency symbols and hyphens. Spaces and underscores are allowed too: Intercom's own
/// examples create `The One Ring` and list `paid_subscriber`. Dots are not, as `full_name` is
/// split on them.
pub fn validate_new_name(name: &str) -> Result<(), DomainError> {
    if name.trim().is_empty() {
        return Err(invalid("name", "The attribute name can't be blank"));
    }
    let allowed =
        |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | ' ') || is_currency_symbol(c);
    if name.chars().all(allowed) {
        Ok(())
    } else {
        Err(invalid(
            "name",
            "An attribute name may only use letters, numbers, currency symbols and hyphens",
        ))
    }
}

/// Unicode's currency symbols (general category `Sc`).
fn is_currency_symbol(c: char) -> bool {
    matches!(
        c,
        '$' | '\u{A2}'..='\u{A5}'
            | '\u{58F}'
            | '\u{60B}'
            | '\u{7FE}'..='\u{7FF}'
            | '\u{9F2}'..='\u{9F3}'
            | '\u{9FB}'
            | '\u{AF1}'
            | '\u{BF9}'
            | '\u{E3F}'
            | '\u{17DB}'
            | '\u{20A0}'..='\u{20C0}'
            | '\u{A838}'
            | '\u{FDFC}'
            | '\u{FE69}'
            | '\u{FF04}'
            | '\u{FFE0}'..='\u{FFE1}'
            | '\u{FFE5}'..='\u{FFE6}'
    )
}

/// Checks a new name is free for `model`: not one of the model's standard attributes, and not
/// used by any custom attribute of any model (`existing`, archived ones included). Intercom
/// compares names without regard to case and reports a clash with another model's data too.
pub fn check_name_available(
    name: &str,
    model: DataModel,
    existing: &[DataAttribute],
) -> Result<(), DomainError> {
    let wanted = name.to_lowercase();
    let standard = built_in(model)
        .into_iter()
        .any(|a| a.full_name == a.name && a.name.to_lowercase() == wanted);
    if standard {
        return Err(invalid(
            "name",
            format!(
                "'{name}' is a standard attribute of your {} data; pick another name",
                model.data_noun()
            ),
        ));
    }
    match existing
        .iter()
        .find(|a| a.custom && a.name.to_lowercase() == wanted)
    {
        Some(clash) => Err(invalid(
            "name",
            format!(
                "'{}' already exists in your {} data; pick another name for this {} attribute",
                clash.name,
                clash.model.data_noun(),
                model.data_noun()
            ),
        )),
        None => Ok(()),
    }
}

/// Reads a create request's `model`: custom attributes exist for contacts and companies only.
pub fn creatable_model(model: &str) -> Result<DataModel, DomainError> {
    match DataModel::parse(model) {
        Some(m @ (DataModel::Contact | DataModel::Company)) => Ok(m),
        _ => Err(invalid("model", "model must be either contact or company")),
    }
}

/// Reads a list attribute's `options`: an array of at least two distinct, non-blank values,
/// each a string (2.11/2.13's declared items) or `{"value": string}` (2.14+, and what 2.11's
/// own description asks for). The values are returned in request order.
pub fn parse_options(options: &Value) -> Result<Vec<String>, DomainError> {
    let Value::Array(items) = options else {
        return Err(invalid("options", "options must be an array"));
    };
    let mut values: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let value = match item {
            Value::String(s) => s,
            Value::Object(map) => match map.get("value") {
                Some(Value::String(s)) => s,
                _ => return Err(invalid("options", "each option needs a string value")),
            },
            _ => return Err(invalid("options", "each option needs a string value")),
        };
        if value.trim().is_empty() {
            return Err(invalid("options", "an option's value can't be blank"));
        }
        if values.contains(value) {
            return Err(invalid("options", format!("option '{value}' is repeated")));
        }
        values.push(value.clone());
    }
    if values.len() < 2 {
        return Err(invalid(
            "options",
            "a list attribute needs at least two options",
        ));
    }
    Ok(values)
}

/// Turns a create request's `data_type` and `options` into the attribute's type and allowed
/// values, as `version` documents the request:
///
/// - `data_type: "options"` makes a list and requires `options` (documented from 2.14, and
///   accepted by Intercom before that too).
/// - 2.11/2.13: `data_type: "string"` with `options` also makes a list; `options` with any
///   other type is refused.
/// - 2.14+: `options` belongs to the list form only; with a scalar type it is refused.
///
/// An empty `options` array counts as absent. Errors are 400 `parameter_invalid` naming the
/// field.
pub fn normalize_type(
    data_type: &str,
    options: Option<&Value>,
    version: ApiVersion,
) -> Result<(DataType, Vec<String>), DomainError> {
    let Some(data_type) = DataType::parse(data_type) else {
        return Err(invalid(
            "data_type",
            format!("'{data_type}' is not one of the data types"),
        ));
    };
    let options = options.filter(|o| !o.is_null() && !o.as_array().is_some_and(Vec::is_empty));
    let string_lists = version < ApiVersion::V2_14;
    match (data_type, options) {
        (DataType::Options, None) => Err(invalid(
            "options",
            "a list attribute needs at least two options",
        )),
        (DataType::Options, Some(o)) => Ok((DataType::Options, parse_options(o)?)),
        (DataType::String, Some(o)) if string_lists => Ok((DataType::Options, parse_options(o)?)),
        (_, Some(_)) if string_lists => Err(invalid(
            "options",
            "options need data_type string (a list attribute)",
        )),
        (_, Some(_)) => Err(invalid(
            "options",
            "options need data_type options (a list attribute)",
        )),
        (scalar, None) => Ok((scalar, Vec::new())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ApiVersion as V;

    fn code_and_field(err: DomainError) -> (ErrorCode, Option<String>) {
        (err.code, err.field)
    }

    #[test]
    fn names_with_spaces_underscores_hyphens_and_currency_are_accepted() {
        for name in [
            "The One Ring",
            "paid_subscriber",
            "net-€-£-$",
            "Größe",
            "日本",
        ] {
            assert_eq!(validate_new_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn names_with_other_punctuation_are_rejected_as_parameter_invalid() {
        for name in ["!nv@l!d n@me", "a.b", "tab\there", "quote'"] {
            let err = validate_new_name(name).unwrap_err();
            assert_eq!(
                code_and_field(err),
                (ErrorCode::ParameterInvalid, Some("name".to_owned())),
                "{name}"
            );
        }
    }

    #[test]
    fn a_blank_name_is_rejected() {
        assert!(validate_new_name("  ").is_err());
        assert!(validate_new_name("").is_err());
    }

    #[test]
    fn a_standard_attribute_name_is_taken_whatever_its_case() {
        let err = check_name_available("Email", DataModel::Contact, &[]).unwrap_err();
        assert_eq!(err.code, ErrorCode::ParameterInvalid);
        assert!(err.message.contains("people"), "{}", err.message);
        assert_eq!(
            check_name_available("email", DataModel::Company, &[]),
            Ok(())
        );
    }

    #[test]
    fn a_custom_name_of_another_model_is_taken() {
        let mut ring = DataAttribute::custom(
            NewDataAttribute {
                model: DataModel::Company,
                name: "The One Ring".to_owned(),
                description: None,
                data_type: DataType::String,
                options: Vec::new(),
                messenger_writable: false,
                admin_id: None,
            },
            1,
            0,
        );
        ring.archived = true;
        let err =
            check_name_available("the one ring", DataModel::Contact, &[ring.clone()]).unwrap_err();
        assert!(err.message.contains("company data"), "{}", err.message);
        assert!(err.message.contains("people attribute"), "{}", err.message);
        assert_eq!(
            check_name_available("Two Rings", DataModel::Contact, &[ring]),
            Ok(())
        );
    }

    #[test]
    fn only_contact_and_company_attributes_can_be_created() {
        assert_eq!(creatable_model("contact"), Ok(DataModel::Contact));
        assert_eq!(creatable_model("company"), Ok(DataModel::Company));
        for bad in ["conversation", "user", ""] {
            let err = creatable_model(bad).unwrap_err();
            assert_eq!(err.field.as_deref(), Some("model"));
        }
    }

    #[test]
    fn scalar_types_are_kept_with_no_options() {
        for (name, t) in [
            ("integer", DataType::Integer),
            ("datetime", DataType::Datetime),
        ] {
            assert_eq!(normalize_type(name, None, V::V2_14), Ok((t, vec![])));
        }
    }

    #[test]
    fn an_unknown_data_type_is_parameter_invalid_on_data_type() {
        let err = normalize_type("mithril", None, V::V2_11).unwrap_err();
        assert_eq!(
            code_and_field(err),
            (ErrorCode::ParameterInvalid, Some("data_type".to_owned()))
        );
    }

    #[test]
    fn the_2_14_list_form_takes_value_objects() {
        let options = json!([{"value": "1-10"}, {"value": "11-50"}]);
        let got = normalize_type("options", Some(&options), V::V2_14);
        assert_eq!(
            got,
            Ok((DataType::Options, vec!["1-10".into(), "11-50".into()]))
        );
    }

    #[test]
    fn the_2_11_list_form_is_a_string_type_with_string_options() {
        let options = json!(["alive", "dead"]);
        let got = normalize_type("string", Some(&options), V::V2_13);
        assert_eq!(
            got,
            Ok((DataType::Options, vec!["alive".into(), "dead".into()]))
        );
    }

    #[test]
    fn before_2_14_options_with_a_non_string_type_are_refused() {
        let options = json!(["1", "2"]);
        let err = normalize_type("integer", Some(&options), V::V2_11).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("options"));
    }

    #[test]
    fn from_2_14_options_with_a_string_type_are_refused() {
        let options = json!([{"value": "a"}, {"value": "b"}]);
        let err = normalize_type("string", Some(&options), V::Unstable).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("options"));
    }

    #[test]
    fn a_list_needs_at_least_two_options() {
        let one = json!([{"value": "1-10"}]);
        let err = normalize_type("options", Some(&one), V::V2_14).unwrap_err();
        assert_eq!(
            code_and_field(err),
            (ErrorCode::ParameterInvalid, Some("options".to_owned()))
        );
        assert!(normalize_type("options", None, V::V2_14).is_err());
        assert!(normalize_type("options", Some(&json!([])), V::V2_14).is_err());
    }

    #[test]
    fn options_that_are_not_an_array_are_refused() {
        let err = parse_options(&json!({"value": "1-10"})).unwrap_err();
        assert_eq!(err.message, "options must be an array");
    }

    #[test]
    fn blank_repeated_or_non_string_options_are_refused() {
        for bad in [
            json!(["a", ""]),
            json!(["a", "a"]),
            json!(["a", 2]),
            json!([{"value": "a"}, {"value": 2}]),
        ] {
            assert!(parse_options(&bad).is_err(), "{bad}");
        }
    }
}
