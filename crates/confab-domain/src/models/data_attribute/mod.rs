//! Data attributes: the described fields of contacts, companies and conversations, built-in and
//! custom, and the rules for creating custom ones.
//!
//! The built-in attributes live in [`builtin`]; checking values written to `custom_attributes`
//! lives in [`values`].

mod builtin;
mod create;
mod values;

pub use builtin::built_in;
pub use create::{check_name_available, creatable_model, normalize_type, parse_options};
pub use create::{validate_new_name, NewDataAttribute};
pub use values::{check_custom_attributes, MAX_STRING_CHARS};

use crate::clock::Timestamp;

/// The model an attribute describes: `model` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataModel {
    Contact,
    Company,
    Conversation,
}

impl DataModel {
    /// Every model, in the order `GET /data_attributes` lists them when no model is named.
    pub const ALL: [DataModel; 3] = [Self::Contact, Self::Company, Self::Conversation];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contact => "contact",
            Self::Company => "company",
            Self::Conversation => "conversation",
        }
    }

    /// Reads a wire name; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "contact" => Some(Self::Contact),
            "company" => Some(Self::Company),
            "conversation" => Some(Self::Conversation),
            _ => None,
        }
    }

    /// How Intercom's messages name this model's data ("your people data").
    pub fn data_noun(self) -> &'static str {
        match self {
            Self::Contact => "people",
            Self::Company => "company",
            Self::Conversation => "conversation",
        }
    }
}

/// The type of an attribute's values.
///
/// The variants are every `data_type` a create request may name. Two of them are never shown
/// on a `data_attribute`, whose `data_type` enum is only `string|integer|float|boolean|date`:
///
/// - `Datetime` holds the same UNIX-second timestamps as `Date` and renders as `date`.
/// - `Options` is a list attribute. Its allowed values are [`DataAttribute::options`]; it
///   renders as `string` with those `options`, as Intercom shows list attributes. It is created
///   with `data_type: "options"` (2.14+, and accepted in every version) or, in 2.11/2.13, with
///   `data_type: "string"` plus `options` (see [`normalize_type`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataType {
    String,
    Integer,
    Float,
    Boolean,
    Date,
    Datetime,
    Options,
}

impl DataType {
    /// The name a create request uses; [`DataType::parse`] reads it back.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Float => "float",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::Datetime => "datetime",
            Self::Options => "options",
        }
    }

    /// Reads a create request's `data_type`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "string" => Some(Self::String),
            "integer" => Some(Self::Integer),
            "float" => Some(Self::Float),
            "boolean" => Some(Self::Boolean),
            "date" => Some(Self::Date),
            "datetime" => Some(Self::Datetime),
            "options" => Some(Self::Options),
            _ => None,
        }
    }

    /// The `data_type` shown on a rendered `data_attribute`.
    pub fn rendered(self) -> &'static str {
        match self {
            Self::String | Self::Options => "string",
            Self::Datetime => "date",
            other => other.as_str(),
        }
    }
}

/// One data attribute, built-in or custom: every field `data_attribute` shows in any version.
#[derive(Debug, Clone, PartialEq)]
pub struct DataAttribute {
    /// Only custom attributes have ids.
    pub id: Option<i64>,
    pub model: DataModel,
    /// The last segment of `full_name` (`city` for `location.city`).
    pub name: String,
    /// The dotted path of the value on the model (`custom_attributes.<name>` for custom ones).
    pub full_name: String,
    pub label: String,
    /// Absent on custom attributes created without one.
    pub description: Option<String>,
    pub data_type: DataType,
    /// The allowed values of a list attribute; empty otherwise.
    pub options: Vec<String>,
    pub api_writable: bool,
    pub ui_writable: bool,
    pub messenger_writable: bool,
    pub custom: bool,
    pub archived: bool,
    /// The admin who created a custom attribute.
    pub admin_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

impl DataAttribute {
    /// The custom attribute a validated create request describes, as stored with `id` at `now`.
    pub fn custom(new: NewDataAttribute, id: i64, now: Timestamp) -> Self {
        Self {
            id: Some(id),
            model: new.model,
            full_name: format!("custom_attributes.{}", new.name),
            label: new.name.clone(),
            name: new.name,
            description: new.description,
            data_type: new.data_type,
            options: new.options,
            api_writable: true,
            ui_writable: false,
            messenger_writable: new.messenger_writable,
            custom: true,
            archived: false,
            admin_id: new.admin_id,
            created_at: Some(now),
            updated_at: Some(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_round_trip_through_their_wire_names() {
        for model in DataModel::ALL {
            assert_eq!(DataModel::parse(model.as_str()), Some(model));
        }
        assert_eq!(DataModel::parse("user"), None);
    }

    #[test]
    fn data_types_round_trip_through_their_request_names() {
        use DataType as T;
        for t in [
            T::String,
            T::Integer,
            T::Float,
            T::Boolean,
            T::Date,
            T::Datetime,
            T::Options,
        ] {
            assert_eq!(DataType::parse(t.as_str()), Some(t));
        }
        assert_eq!(DataType::parse("mithril"), None);
    }

    #[test]
    fn list_and_datetime_attributes_render_with_the_schema_enum_names() {
        assert_eq!(DataType::Options.rendered(), "string");
        assert_eq!(DataType::Datetime.rendered(), "date");
        assert_eq!(DataType::Float.rendered(), "float");
    }

    #[test]
    fn a_created_attribute_lives_under_custom_attributes() {
        let new = NewDataAttribute {
            model: DataModel::Company,
            name: "Mithril Shirt".to_owned(),
            description: None,
            data_type: DataType::String,
            options: Vec::new(),
            messenger_writable: false,
            admin_id: Some("7".to_owned()),
        };
        let attr = DataAttribute::custom(new, 37, 1_700_000_000);
        assert_eq!(attr.full_name, "custom_attributes.Mithril Shirt");
        assert_eq!(attr.label, "Mithril Shirt");
        assert_eq!(attr.id, Some(37));
        assert!(attr.custom && attr.api_writable && !attr.archived);
        assert_eq!(attr.created_at, Some(1_700_000_000));
    }
}
