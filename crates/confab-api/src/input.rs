//! Request bodies into records. A resource lists its writable fields once — wire name,
//! column, kind — and [`record_from_body`] checks each one the body carries and names the
//! field at fault, as Intercom does. Fields the body leaves out are left out of the record, so
//! the same table serves create and partial update.

use confab_domain::record::Record;
use confab_domain::ErrorCode;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// What a writable field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string of at most this many characters.
    Text(usize),
    /// An email address (checked for form, stored trimmed).
    Email,
    Int,
    /// An integer of at least 0 and at most this.
    Bounded(i64),
    Bool,
    Float,
    /// UNIX seconds.
    Timestamp,
}

/// One writable field of a resource.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// The name in the request body.
    pub name: &'static str,
    /// The column it is stored in.
    pub column: &'static str,
    pub kind: Kind,
}

/// A field stored under its own name.
pub const fn field(name: &'static str, kind: Kind) -> Field {
    Field {
        name,
        column: name,
        kind,
    }
}

/// The longest string any text field takes unless it says otherwise.
pub const TEXT: Kind = Kind::Text(255);

fn invalid(name: &str, what: &str) -> ApiError {
    ApiError::with_message(
        ErrorCode::ParameterInvalid,
        format!("{name} must be {what}"),
    )
    .field(name)
}

/// Whether `email` has the form of an email address: one `@`, something before it, a dotted
/// domain after it, no spaces.
pub fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= 255
}

fn check(field: &Field, value: &Value) -> Result<Value, ApiError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let name = field.name;
    match field.kind {
        Kind::Text(max) => match value.as_str() {
            Some(s) if s.chars().count() <= max => Ok(Value::from(s)),
            Some(_) => Err(invalid(name, &format!("at most {max} characters"))),
            None => Err(invalid(name, "a string")),
        },
        Kind::Email => match value.as_str().map(str::trim) {
            Some("") => Ok(Value::Null),
            Some(s) if is_email(s) => Ok(Value::from(s)),
            Some(_) => Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                format!("{name} is not a valid email address"),
            )
            .field(name)),
            None => Err(invalid(name, "a string")),
        },
        Kind::Int | Kind::Timestamp => value
            .as_i64()
            .map(Value::from)
            .ok_or_else(|| invalid(name, "an integer")),
        Kind::Bounded(max) => match value.as_i64() {
            Some(n) if (0..=max).contains(&n) => Ok(Value::from(n)),
            Some(_) => Err(invalid(name, &format!("between 0 and {max}"))),
            None => Err(invalid(name, "an integer")),
        },
        Kind::Bool => value
            .as_bool()
            .map(Value::from)
            .ok_or_else(|| invalid(name, "a boolean")),
        Kind::Float => value
            .as_f64()
            .map(Value::from)
            .ok_or_else(|| invalid(name, "a number")),
    }
}

/// The record the body's writable fields describe; unknown fields are ignored, as Intercom
/// ignores them.
pub fn record_from_body(body: &Map<String, Value>, fields: &[Field]) -> Result<Record, ApiError> {
    let mut record = Record::new();
    for field in fields {
        if let Some(value) = body.get(field.name) {
            record.insert(field.column.to_owned(), check(field, value)?);
        }
    }
    Ok(record)
}

/// The object under `name` in the body (absent or null → `None`); anything else is
/// `parameter_invalid`.
pub fn object_field<'a>(
    body: &'a Map<String, Value>,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(invalid(name, "an object")),
    }
}

/// The non-empty string under `name`, or `parameter_not_found` naming it.
pub fn required_str<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Err(ApiError::with_message(
            ErrorCode::ParameterNotFound,
            format!("{name} is required"),
        )
        .field(name)),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s),
        Some(Value::String(_)) => Err(invalid(name, "a non-empty string")),
        Some(_) => Err(invalid(name, "a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const FIELDS: &[Field] = &[
        field("name", TEXT),
        field("email", Kind::Email),
        field("size", Kind::Int),
        field("vip", Kind::Bool),
        Field {
            name: "avatar",
            column: "avatar_url",
            kind: Kind::Text(10),
        },
        field("spend", Kind::Bounded(100)),
    ];

    fn body(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn only_fields_the_body_carries_are_written_under_their_columns() {
        let record = record_from_body(
            &body(json!({"name": "Ann", "avatar": null, "x": 1})),
            FIELDS,
        )
        .unwrap();
        assert_eq!(
            Value::Object(record),
            json!({"name": "Ann", "avatar_url": null})
        );
    }

    #[test]
    fn a_wrong_type_names_the_field() {
        for (bad, field) in [
            (json!({"name": 3}), "name"),
            (json!({"size": "3"}), "size"),
            (json!({"size": 1.5}), "size"),
            (json!({"vip": "yes"}), "vip"),
            (json!({"avatar": "far too long"}), "avatar"),
            (json!({"spend": 101}), "spend"),
            (json!({"email": "not-an-email"}), "email"),
        ] {
            let err = record_from_body(&body(bad.clone()), FIELDS).unwrap_err();
            assert_eq!(err.0.code, ErrorCode::ParameterInvalid, "{bad}");
            assert_eq!(err.0.field.as_deref(), Some(field), "{bad}");
        }
    }

    #[test]
    fn emails_are_checked_for_form() {
        for good in ["a@b.co", "first.last+tag@example.com"] {
            assert!(is_email(good), "{good}");
        }
        for bad in ["", "a", "a@b", "@b.com", "a@.com", "a b@c.com", "a@b.com."] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn required_strings_are_named_when_missing_or_blank() {
        let err = required_str(&body(json!({})), "name").unwrap_err();
        assert_eq!(err.0.code, ErrorCode::ParameterNotFound);
        let err = required_str(&body(json!({"name": " "})), "name").unwrap_err();
        assert_eq!(err.0.code, ErrorCode::ParameterInvalid);
        assert_eq!(
            required_str(&body(json!({"name": "x"})), "name").unwrap(),
            "x"
        );
    }
}
