//! sea-query's `Values` as the store's bound arguments. `sea-query-binder` would pull a
//! second copy of the value plumbing for the few types a search binds (text, integers,
//! floats), so this is the one small function instead.

use sea_query::{Value, Values};

use crate::db::Query;
use crate::sql::Arg;
use crate::StoreError;

/// `sql` with `values` bound in order.
pub(crate) fn query(sql: &str, values: Values) -> Result<Query<'_>, StoreError> {
    let args = values
        .into_iter()
        .map(|value| {
            Ok(match value {
                Value::Bool(v) => Arg::from(v),
                Value::TinyInt(v) => Arg::Int(v.map(i64::from)),
                Value::SmallInt(v) => Arg::Int(v.map(i64::from)),
                Value::Int(v) => Arg::Int(v.map(i64::from)),
                Value::BigInt(v) => Arg::Int(v),
                Value::TinyUnsigned(v) => Arg::Int(v.map(i64::from)),
                Value::SmallUnsigned(v) => Arg::Int(v.map(i64::from)),
                Value::Unsigned(v) => Arg::Int(v.map(i64::from)),
                // LIMIT arrives as an unsigned value; it is a page size, far below i64::MAX.
                Value::BigUnsigned(v) => Arg::Int(v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))),
                Value::Float(v) => Arg::Float(v.map(f64::from)),
                Value::Double(v) => Arg::Float(v),
                Value::String(v) => Arg::Text(v.map(|s| *s)),
                Value::Char(v) => Arg::Text(v.map(String::from)),
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "search cannot bind a value of this type: {other:?}"
                    )))
                }
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Query::with_args(sql, args))
}
