//! A stored record's row read straight into any `Deserialize` type: a generic [`Record`] map,
//! or a typed struct for the hot paths that read many rows of one table (conversation parts).
//!
//! The row is the [`select_list`](crate::records::select_list) of its table: `seq`, `id`, then
//! the table's columns in order. Each column is a map entry named as the column; a struct takes
//! the fields it names and skips the rest without decoding them.
//!
//! [`Record`]: confab_domain::record::Record

use confab_domain::record::{ColumnType, Table};
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Error as _, MapAccess, Visitor};

use crate::db::Row;
use crate::StoreError;

impl de::Error for StoreError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        StoreError::Corrupt(msg.to_string())
    }
}

/// Reads a row selected with `select_list(table)` as a `T`.
pub(crate) fn decode<T: DeserializeOwned>(table: &Table, mut row: Row) -> Result<T, StoreError> {
    // JSON columns are parsed in place, so their text must outlive the deserializer.
    let mut json = Vec::with_capacity(table.columns.len());
    for (position, column) in table.columns.iter().enumerate() {
        json.push(match column.ty {
            ColumnType::Json => row.take_text(position + 2)?,
            _ => None,
        });
    }
    T::deserialize(MapAccessDeserializer::new(Columns {
        table,
        row,
        json: &json,
        at: 0,
    }))
    .map_err(|e| match e {
        StoreError::Corrupt(what) => StoreError::Corrupt(format!("{}: {what}", table.name)),
        e => e,
    })
}

/// The row as a map; `at` is the next column (0 is `seq`, 1 is `id`).
struct Columns<'t, 'de> {
    table: &'t Table,
    row: Row,
    json: &'de [Option<String>],
    at: usize,
}

impl<'de> Columns<'_, 'de> {
    fn name(&self, at: usize) -> Option<&'static str> {
        match at {
            0 => Some("seq"),
            1 => Some("id"),
            _ => self.table.columns.get(at - 2).map(|c| c.name),
        }
    }

    fn cell(&mut self, at: usize) -> Result<Cell<'de>, StoreError> {
        let ty = match at {
            0 => ColumnType::Int,
            1 => ColumnType::Text,
            _ => self
                .table
                .columns
                .get(at - 2)
                .map_or(ColumnType::Text, |c| c.ty),
        };
        Ok(match ty {
            ColumnType::Text => self.row.take_text(at)?.map_or(Cell::Null, Cell::Text),
            ColumnType::Int => self
                .row
                .try_get::<Option<i64>, _>(at)?
                .map_or(Cell::Null, Cell::Int),
            ColumnType::Bool => self
                .row
                .try_get::<Option<i64>, _>(at)?
                .map_or(Cell::Null, |v| Cell::Bool(v != 0)),
            ColumnType::Float => self
                .row
                .try_get::<Option<f64>, _>(at)?
                .map_or(Cell::Null, Cell::Float),
            ColumnType::Json => self
                .json
                .get(at - 2)
                .and_then(Option::as_deref)
                .map_or(Cell::Null, Cell::Json),
        })
    }
}

impl<'de> MapAccess<'de> for Columns<'_, 'de> {
    type Error = StoreError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, StoreError> {
        self.name(self.at)
            .map(|name| seed.deserialize(BorrowedStrDeserializer::new(name)))
            .transpose()
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, StoreError> {
        let at = self.at;
        self.at += 1;
        seed.deserialize(ColumnValue { columns: self, at })
    }

    fn size_hint(&self) -> Option<usize> {
        Some((self.table.columns.len() + 2).saturating_sub(self.at))
    }
}

/// A column's value that does not decode, named by its column.
fn in_column(err: StoreError, name: Option<&str>) -> StoreError {
    match err {
        StoreError::Corrupt(what) => {
            StoreError::Corrupt(format!("{}: {what}", name.unwrap_or("?")))
        }
        err => err,
    }
}

/// One column's value, decoded only if the target asks for it.
struct ColumnValue<'c, 't, 'de> {
    columns: &'c mut Columns<'t, 'de>,
    at: usize,
}

/// A decoded column.
enum Cell<'de> {
    Null,
    Text(String),
    Int(i64),
    Bool(bool),
    Float(f64),
    /// JSON text, parsed by whatever the target is.
    Json(&'de str),
}

impl<'de> Cell<'de> {
    fn visit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StoreError> {
        match self {
            Cell::Null => visitor.visit_unit(),
            Cell::Text(text) => visitor.visit_string(text),
            Cell::Int(v) => visitor.visit_i64(v),
            Cell::Bool(v) => visitor.visit_bool(v),
            Cell::Float(v) => visitor.visit_f64(v),
            Cell::Json(text) => {
                let mut parser = serde_json::Deserializer::from_str(text);
                let value = de::Deserializer::deserialize_any(&mut parser, visitor)
                    .map_err(StoreError::custom)?;
                parser.end().map_err(StoreError::custom)?;
                Ok(value)
            }
        }
    }

    fn visit_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StoreError> {
        match self {
            Cell::Null => visitor.visit_none(),
            cell => visitor.visit_some(cell),
        }
    }
}

/// A cell already read stands for itself (the inside of a `Some`).
impl<'de> de::Deserializer<'de> for Cell<'de> {
    type Error = StoreError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StoreError> {
        self.visit(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de> de::Deserializer<'de> for ColumnValue<'_, '_, 'de> {
    type Error = StoreError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StoreError> {
        let name = self.columns.name(self.at);
        let cell = self.columns.cell(self.at);
        cell.and_then(|cell| cell.visit(visitor))
            .map_err(|e| in_column(e, name))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StoreError> {
        let name = self.columns.name(self.at);
        let cell = self.columns.cell(self.at);
        cell.and_then(|cell| cell.visit_option(visitor))
            .map_err(|e| in_column(e, name))
    }

    /// A column the target does not name is not decoded at all.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, StoreError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
    }
}

#[cfg(test)]
mod tests {
    use confab_domain::record::{flag, float, int, json, text, IdStyle, Record};
    use rusqlite::Connection;
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::db::lite;

    const THINGS: Table = Table {
        name: "things",
        id_style: IdStyle::Serial,
        columns: &[
            text("label"),
            text("missing"),
            int("count"),
            flag("on"),
            float("ratio"),
            json("meta"),
        ],
        links: &[],
    };

    fn row(meta: &str) -> Row {
        let conn = Connection::open_in_memory().unwrap();
        let sql = format!("SELECT 7, 't1', 'hello', NULL, 3, 1, 0.5, '{meta}'");
        let mut rows = lite::fetch(&conn, &sql, &[], usize::MAX).unwrap();
        Row::Lite(rows.remove(0))
    }

    #[test]
    fn a_record_has_every_column_with_its_type() {
        let record: Record = decode(&THINGS, row(r#"{"a": [1, "b"]}"#)).unwrap();
        assert_eq!(
            serde_json::Value::Object(record),
            json!({
                "seq": 7, "id": "t1", "label": "hello", "missing": null, "count": 3,
                "on": true, "ratio": 0.5, "meta": {"a": [1, "b"]}
            })
        );
    }

    #[derive(Deserialize)]
    struct Narrow {
        id: String,
        missing: Option<String>,
        count: Option<i64>,
        meta: Option<serde_json::Value>,
    }

    #[test]
    fn a_struct_takes_the_columns_it_names_and_null_is_none() {
        let narrow: Narrow = decode(&THINGS, row("[]")).unwrap();
        assert_eq!(narrow.id, "t1");
        assert_eq!(narrow.missing, None);
        assert_eq!(narrow.count, Some(3));
        assert_eq!(narrow.meta, Some(json!([])));
    }

    #[test]
    fn json_that_does_not_parse_is_corrupt_and_names_its_table_and_column() {
        let err = decode::<Record>(&THINGS, row("{not json")).unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt(what) if what.starts_with("things: meta: ")),
            "{err}"
        );
        let err = decode::<Record>(&THINGS, row("[] trailing")).unwrap_err();
        assert!(matches!(err, StoreError::Corrupt(_)), "{err}");
    }
}
