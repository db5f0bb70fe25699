//! A resource's searchable fields, their types, and which operators each type accepts.

use super::{invalid, Operator};
use crate::DomainError;

/// The type of a searchable field, which decides its operators and how values are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Text: `=`, `!=`, `IN`, `NIN`, `~`, `!~`, `^`, `$`; compared case-insensitively.
    String,
    /// Whole numbers: `=`, `!=`, `IN`, `NIN`, `<`, `>`, `<=`, `>=`.
    Integer,
    /// Numbers: the same operators as [`FieldType::Integer`].
    Float,
    /// `true`/`false`: `=`, `!=`, `IN`, `NIN`.
    Boolean,
    /// UNIX seconds matched by calendar day in the workspace's time zone: `=`, `<`, `>`.
    Date,
    /// UNIX seconds compared exactly (ticket `created_at` accepts `<=`/`>=`): the integer
    /// operators.
    Timestamp,
    /// A string identifier, compared exactly: `=`, `!=`, `IN`, `NIN`.
    Id,
    /// A membership such as `tag_id`: `=` and `!=` only.
    TagLike,
}

impl FieldType {
    /// Whether a filter on a field of this type may use `op`.
    pub fn allows(self, op: Operator) -> bool {
        use Operator as O;
        match self {
            Self::String => !matches!(op, O::Lt | O::Gt | O::Le | O::Ge),
            Self::Integer | Self::Float | Self::Timestamp => matches!(
                op,
                O::Eq | O::Ne | O::In | O::Nin | O::Lt | O::Gt | O::Le | O::Ge
            ),
            Self::Boolean | Self::Id => matches!(op, O::Eq | O::Ne | O::In | O::Nin),
            Self::Date => matches!(op, O::Eq | O::Lt | O::Gt),
            Self::TagLike => matches!(op, O::Eq | O::Ne),
        }
    }

    /// The type's name in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::String | Self::Id | Self::TagLike => "string",
            Self::Integer => "integer",
            Self::Float => "float",
            Self::Boolean => "boolean",
            Self::Date | Self::Timestamp => "date",
        }
    }
}

/// One searchable field of a resource, under its public (dotted) name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchField {
    pub name: &'static str,
    pub ty: FieldType,
}

impl SearchField {
    /// A field row; for `const` tables.
    pub const fn new(name: &'static str, ty: FieldType) -> Self {
        Self { name, ty }
    }
}

/// The types of a workspace's custom attributes (its data attributes), supplied by the
/// caller. A closure `Fn(&str) -> Option<FieldType>` is one.
pub trait CustomAttributeTypes {
    /// The type of the attribute called `name`, or `None` if the workspace has none.
    fn attribute_type(&self, name: &str) -> Option<FieldType>;
}

impl<F: Fn(&str) -> Option<FieldType>> CustomAttributeTypes for F {
    fn attribute_type(&self, name: &str) -> Option<FieldType> {
        self(name)
    }
}

/// Where a validated filter looks: a declared field, or a custom attribute by name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchTarget {
    /// A field of the resource's table, by its public name.
    Field(&'static str),
    /// A custom attribute (the part after the prefix, e.g. `plan` in
    /// `custom_attributes.plan`).
    Custom(String),
}

/// What a query is checked against: a resource's fields, and optionally the custom
/// attributes reachable under a prefix (`custom_attributes` for contacts).
#[derive(Clone, Copy)]
pub struct FieldTable<'a> {
    pub fields: &'a [SearchField],
    /// The prefix (without the dot) and the attribute types behind it.
    pub custom: Option<(&'static str, &'a dyn CustomAttributeTypes)>,
}

impl<'a> FieldTable<'a> {
    /// A table of declared fields only.
    pub fn new(fields: &'a [SearchField]) -> Self {
        Self {
            fields,
            custom: None,
        }
    }

    /// Adds custom attributes under `prefix.` typed by `types`.
    #[must_use]
    pub fn with_custom(
        mut self,
        prefix: &'static str,
        types: &'a dyn CustomAttributeTypes,
    ) -> Self {
        self.custom = Some((prefix, types));
        self
    }

    /// The target and type of the field named `name`, or the error Intercom gives for a
    /// field it does not know.
    pub fn resolve(&self, name: &str) -> Result<(SearchTarget, FieldType), DomainError> {
        if let Some(field) = self.fields.iter().find(|f| f.name == name) {
            return Ok((SearchTarget::Field(field.name), field.ty));
        }
        if let Some((prefix, types)) = self.custom {
            let attribute = custom_attribute_name(prefix, name).filter(|a| valid_attribute_name(a));
            if let Some(ty) = attribute.and_then(|a| types.attribute_type(a)) {
                let attribute = attribute.unwrap_or_default().to_owned();
                return Ok((SearchTarget::Custom(attribute), ty));
            }
        }
        Err(invalid(format!("{name} is not a searchable field")).field(name.to_owned()))
    }
}

/// The attribute a field named `prefix.<attribute>` names (`custom_attributes.plan`: `plan`);
/// `None` for any other field.
pub fn custom_attribute_name<'n>(prefix: &str, field: &'n str) -> Option<&'n str> {
    field
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('.'))
}

/// Names the store can put in a JSON path without quoting trouble: no quotes, backslashes
/// or control characters.
fn valid_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c == '"' || c == '\\' || c.is_control())
}
