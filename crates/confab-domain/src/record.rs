//! Describing a resource's table once, so that one generic piece of code stores, loads, pages
//! and deletes every resource.
//!
//! A resource declares a [`Table`]: its name, how its public ids look and its typed columns.
//! Rows travel as [`Record`]s — JSON maps keyed by column name — so the store needs no
//! per-resource row mapping and the HTTP layer renders from the same map. Every record table
//! also has three implicit columns: `seq` (insertion order, the paging key), `id` (the public
//! id) and `workspace_id` (the scope).

use serde_json::{Map, Value};

/// How a column is stored and how its value reads back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Int,
    /// Stored as 0/1 (the `Any` driver cannot decode SQLite booleans), read back as a bool.
    Bool,
    Float,
    /// Stored as JSON text, read back parsed.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColumnType,
}

/// Shorthands for column tables.
pub const fn text(name: &'static str) -> Column {
    Column {
        name,
        ty: ColumnType::Text,
    }
}
pub const fn int(name: &'static str) -> Column {
    Column {
        name,
        ty: ColumnType::Int,
    }
}
pub const fn flag(name: &'static str) -> Column {
    Column {
        name,
        ty: ColumnType::Bool,
    }
}
pub const fn float(name: &'static str) -> Column {
    Column {
        name,
        ty: ColumnType::Float,
    }
}
pub const fn json(name: &'static str) -> Column {
    Column {
        name,
        ty: ColumnType::Json,
    }
}

/// The form of a resource's public ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdStyle {
    /// 24-hex object ids (contacts, companies, segments…).
    Object,
    /// Digit strings: the row's `seq` (tags, notes, data attributes…).
    Serial,
}

/// One resource's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub id_style: IdStyle,
    pub columns: &'static [Column],
    /// The relations this table's records take part in, and on which side; deleting a
    /// record removes its links of these relations.
    pub links: &'static [(&'static str, Side)],
}

/// Which side of a relation (see [`relation`]) an id is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The owner: the contact of `contact_tag`.
    Left,
    /// The thing held: the tag of `contact_tag`.
    Right,
}

/// The relations stored in the one link table. Left is the owner, right the thing it holds.
pub mod relation {
    /// contact → tag
    pub const CONTACT_TAG: &str = "contact_tag";
    /// company → tag
    pub const COMPANY_TAG: &str = "company_tag";
    /// contact → company
    pub const CONTACT_COMPANY: &str = "contact_company";
    /// contact → subscription type; the link's `meta` holds `{"consent_type": …}`
    pub const CONTACT_SUBSCRIPTION: &str = "contact_subscription";
    /// contact → custom object instance
    pub const CONTACT_CUSTOM_OBJECT: &str = "contact_custom_object";
    /// conversation → contact (its participants)
    pub const CONVERSATION_CONTACT: &str = "conversation_contact";
    /// conversation → custom object instance
    pub const CONVERSATION_CUSTOM_OBJECT: &str = "conversation_custom_object";
    /// conversation → tag; `meta` holds `{"admin_id": …}`
    pub const CONVERSATION_TAG: &str = "conversation_tag";
    /// conversation or ticket → the conversation or ticket it was linked to when created
    /// (`linked_objects` shows the link from both ends)
    pub const CONVERSATION_LINK: &str = "conversation_link";
}

impl Table {
    /// The declared column with this name, if any. `seq` and `id` are always present.
    pub fn column(&self, name: &str) -> Option<Column> {
        match name {
            "seq" => Some(int("seq")),
            "id" => Some(text("id")),
            _ => self.columns.iter().copied().find(|c| c.name == name),
        }
    }
}

/// A row: column name → value (`null` for SQL NULL). Always holds `id` and `seq` when read
/// from the store.
pub type Record = Map<String, Value>;

/// Reads a record's text column.
pub fn text_of<'a>(record: &'a Record, column: &str) -> Option<&'a str> {
    record.get(column).and_then(Value::as_str)
}

/// Reads a record's integer column.
pub fn int_of(record: &Record, column: &str) -> Option<i64> {
    record.get(column).and_then(Value::as_i64)
}

/// Reads a record's boolean column (`false` when null or absent).
pub fn flag_of(record: &Record, column: &str) -> bool {
    record.get(column).and_then(Value::as_bool).unwrap_or(false)
}

/// A record's public id (empty if the record was never stored).
pub fn id_of(record: &Record) -> &str {
    text_of(record, "id").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const T: Table = Table {
        name: "things",
        id_style: IdStyle::Object,
        columns: &[text("name"), flag("archived")],
        links: &[],
    };

    #[test]
    fn a_table_knows_its_declared_and_implicit_columns() {
        assert_eq!(T.column("name"), Some(text("name")));
        assert_eq!(T.column("seq"), Some(int("seq")));
        assert_eq!(T.column("id"), Some(text("id")));
        assert_eq!(T.column("workspace_id"), None);
        assert_eq!(T.column("nope"), None);
    }

    #[test]
    fn accessors_read_typed_values_and_default_sensibly() {
        let record: Record = json!({"id": "abc", "name": "n", "archived": true, "n": 3})
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(id_of(&record), "abc");
        assert_eq!(text_of(&record, "name"), Some("n"));
        assert!(flag_of(&record, "archived"));
        assert!(!flag_of(&record, "missing"));
        assert_eq!(int_of(&record, "n"), Some(3));
    }
}
