//! A statement under construction with its bound arguments, for the generic record and link
//! queries. Identifiers come only from static table descriptions; every value is bound.

use confab_domain::record::{Column, ColumnType};
use serde_json::Value;

use crate::db::Query;
use crate::StoreError;

/// One bound argument.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    Float(Option<f64>),
}

impl Arg {
    /// The argument that stores `value` in `column`, or an error naming the column when the
    /// value has the wrong JSON type (callers validate input first, so this is a bug guard).
    pub(crate) fn for_column(column: Column, value: &Value) -> Result<Self, StoreError> {
        let mismatch = || {
            StoreError::Corrupt(format!(
                "value {value} does not fit column {} ({:?})",
                column.name, column.ty
            ))
        };
        Ok(match (column.ty, value) {
            (ColumnType::Text, Value::Null) => Arg::Text(None),
            (ColumnType::Text, Value::String(s)) => Arg::Text(Some(s.clone())),
            (ColumnType::Int | ColumnType::Bool, Value::Null) => Arg::Int(None),
            (ColumnType::Int, Value::Number(n)) => Arg::Int(Some(n.as_i64().ok_or_else(mismatch)?)),
            (ColumnType::Bool, Value::Bool(b)) => Arg::Int(Some(i64::from(*b))),
            (ColumnType::Float, Value::Null) => Arg::Float(None),
            (ColumnType::Float, Value::Number(n)) => {
                Arg::Float(Some(n.as_f64().ok_or_else(mismatch)?))
            }
            (ColumnType::Json, Value::Null) => Arg::Text(None),
            (ColumnType::Json, other) => Arg::Text(Some(other.to_string())),
            _ => return Err(mismatch()),
        })
    }
}

macro_rules! arg_from {
    ($variant:ident: $($t:ty => $convert:expr),+ $(,)?) => {
        $(impl From<$t> for Arg {
            fn from(value: $t) -> Self {
                #[allow(clippy::redundant_closure_call)]
                Arg::$variant(($convert)(value))
            }
        })+
    };
}

arg_from!(Text:
    String => Some,
    &str => |v: &str| Some(v.to_owned()),
    &String => |v: &String| Some(v.clone()),
    Option<String> => |v| v,
    Option<&str> => |v: Option<&str>| v.map(str::to_owned),
    Option<&String> => |v: Option<&String>| v.cloned(),
);
arg_from!(Int:
    i64 => Some,
    &i64 => |v: &i64| Some(*v),
    i32 => |v| Some(i64::from(v)),
    bool => |v| Some(i64::from(v)),
    Option<i64> => |v| v,
    Option<i32> => |v: Option<i32>| v.map(i64::from),
    Option<bool> => |v: Option<bool>| v.map(i64::from),
);
arg_from!(Float:
    f64 => Some,
    Option<f64> => |v| v,
);

/// SQL text with `$n` placeholders and the arguments they stand for.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Appends raw SQL (identifiers and keywords only, never input).
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Binds `arg` and appends its placeholder.
    pub(crate) fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    pub(crate) fn text_arg(&mut self, value: &str) -> &mut Self {
        self.arg(Arg::Text(Some(value.to_owned())))
    }

    pub(crate) fn int_arg(&mut self, value: i64) -> &mut Self {
        self.arg(Arg::Int(Some(value)))
    }

    /// Appends `IN (…)` with each of `args` bound; callers make sure there is at least one.
    pub(crate) fn in_list(&mut self, args: impl IntoIterator<Item = Arg>) -> &mut Self {
        self.push("IN (");
        for (i, arg) in args.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.arg(arg);
        }
        self.push(")")
    }

    /// The statement, ready to run.
    pub(crate) fn query(&self) -> Query<'_> {
        Query::with_args(&self.text, self.args.clone())
    }
}
