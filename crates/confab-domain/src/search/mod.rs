//! Intercom's search query language, as a typed filter tree: parsed from a request body,
//! checked against a resource's table of searchable fields, and lowered to a normal form the
//! store compiles to SQL. Pure: no SQL, no HTTP.
//!
//! The steps, in order:
//! 1. [`parse_request`] (or [`parse`] for the `query` alone) turns JSON into a [`Query`],
//!    enforcing the shape rules: single filter or `AND`/`OR` group, at most
//!    [`MAX_DEPTH`] levels, at most [`MAX_GROUP_SIZE`] filters per group, the operators the
//!    requested version's enum lists, bounded lists and strings.
//! 2. [`lower`] checks each filter against a [`FieldTable`] (unknown field, operator not
//!    allowed for the field's type, value of the wrong type) and produces a [`Lowered`]
//!    tree in which every value has the field's type and every date filter is a range of
//!    UNIX seconds computed in the workspace's time zone.
//!
//! The semantics (case, `null`, dates, limits) are recorded in
//! `docs/decisions/0009-search-semantics.md`.

mod fields;
mod lower;
mod parse;

#[cfg(test)]
mod tests;

pub use fields::{
    custom_attribute_name, CustomAttributeTypes, FieldTable, FieldType, SearchField, SearchTarget,
};
pub use jiff::tz::TimeZone;
pub use lower::{lower, time_zone, Lowered, Predicate, Scalar, Test};
pub use parse::{parse, parse_request};

use serde_json::Value;

/// At most this many levels of groups: a root group whose children may be groups of
/// single filters ("There's a limit of max 2 nested filters").
pub const MAX_DEPTH: usize = 2;
/// At most this many filters in one `AND`/`OR` group.
pub const MAX_GROUP_SIZE: usize = 15;
/// At most this many values in one `IN`/`NIN` list.
pub const MAX_LIST_LEN: usize = 1000;
/// At most this many characters in one string value.
pub const MAX_STRING_CHARS: usize = 1024;
/// At most this many characters in a field name.
pub const MAX_FIELD_CHARS: usize = 256;

/// A comparison operator of a single filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    Eq,
    Ne,
    In,
    Nin,
    Lt,
    Gt,
    Le,
    Ge,
    /// `~`: contains.
    Contains,
    /// `!~`: does not contain.
    NotContains,
    /// `^`: starts with.
    StartsWith,
    /// `$`: ends with.
    EndsWith,
}

impl Operator {
    /// The operator as written in a query.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "=",
            Self::Ne => "!=",
            Self::In => "IN",
            Self::Nin => "NIN",
            Self::Lt => "<",
            Self::Gt => ">",
            Self::Le => "<=",
            Self::Ge => ">=",
            Self::Contains => "~",
            Self::NotContains => "!~",
            Self::StartsWith => "^",
            Self::EndsWith => "$",
        }
    }

    /// The operator written `s`, if the version's `single_filter_search_request` enum lists
    /// it (Unstable dropped `<=` and `>=`).
    pub fn parse(s: &str, version: crate::ApiVersion) -> Option<Self> {
        let op = match s {
            "=" => Self::Eq,
            "!=" => Self::Ne,
            "IN" => Self::In,
            "NIN" => Self::Nin,
            "<" => Self::Lt,
            ">" => Self::Gt,
            "<=" => Self::Le,
            ">=" => Self::Ge,
            "~" => Self::Contains,
            "!~" => Self::NotContains,
            "^" => Self::StartsWith,
            "$" => Self::EndsWith,
            _ => return None,
        };
        let dropped = matches!(op, Self::Le | Self::Ge) && version == crate::ApiVersion::Unstable;
        (!dropped).then_some(op)
    }

    /// Whether the operator takes a list (`IN`, `NIN`).
    pub fn takes_list(self) -> bool {
        matches!(self, Self::In | Self::Nin)
    }
}

/// How a group combines its children.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupOp {
    And,
    Or,
}

/// A filter's value as sent, before it is checked against the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// The elements of an `IN`/`NIN` list (never nested lists, never null).
    List(Vec<FilterValue>),
}

impl FilterValue {
    /// The JSON type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "boolean",
            Self::Int(_) => "integer",
            Self::Float(_) => "float",
            Self::Str(_) => "string",
            Self::List(_) => "array",
        }
    }
}

/// A parsed query: one filter, or a group of queries.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    Filter {
        field: String,
        op: Operator,
        value: FilterValue,
    },
    Group {
        op: GroupOp,
        children: Vec<Query>,
    },
}

impl Query {
    /// Whether any filter of the query names a field that `names` accepts.
    pub fn any_field(&self, names: &impl Fn(&str) -> bool) -> bool {
        match self {
            Self::Filter { field, .. } => names(field),
            Self::Group { children, .. } => children.iter().any(|child| child.any_field(names)),
        }
    }
}

/// Sort direction of the optional `sort` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Ascending,
    Descending,
}

/// The optional `sort: {field, order}` some clients send (not in the four specs; Intercom's
/// later contacts search documents it, with `order` defaulting to `descending`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    pub field: String,
    pub order: SortOrder,
}

/// A whole search request body: the query, the paging and the optional sort.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    pub query: Query,
    /// `pagination.per_page`, unchecked against the endpoint's default and maximum.
    pub per_page: Option<u32>,
    /// `pagination.starting_after`, still opaque.
    pub starting_after: Option<String>,
    pub sort: Option<Sort>,
}

fn invalid(message: impl Into<String>) -> crate::DomainError {
    crate::DomainError::with_message(crate::ErrorCode::ParameterInvalid, message)
}

/// `value` rendered for an error message, cut short.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(64) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
