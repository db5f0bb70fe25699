//! sea-query's `Values` bound to an sqlx `Any` query. `sea-query-binder` has an `sqlx-any`
//! feature, but it would pull a second copy of the value plumbing for the few types a
//! search binds (text, integers, floats), so this is the one small function instead.

use sea_query::{Value, Values};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

use crate::StoreError;

/// `sql` with `values` bound in order.
pub(crate) fn query(
    sql: &str,
    values: Values,
) -> Result<Query<'_, Any, AnyArguments<'_>>, StoreError> {
    let mut query = sqlx::query(sql);
    for value in values {
        query = match value {
            Value::Bool(v) => query.bind(v),
            Value::TinyInt(v) => query.bind(v.map(i64::from)),
            Value::SmallInt(v) => query.bind(v.map(i64::from)),
            Value::Int(v) => query.bind(v.map(i64::from)),
            Value::BigInt(v) => query.bind(v),
            Value::TinyUnsigned(v) => query.bind(v.map(i64::from)),
            Value::SmallUnsigned(v) => query.bind(v.map(i64::from)),
            Value::Unsigned(v) => query.bind(v.map(i64::from)),
            // LIMIT arrives as an unsigned value; it is a page size, far below i64::MAX.
            Value::BigUnsigned(v) => query.bind(v.map(|n| i64::try_from(n).unwrap_or(i64::MAX))),
            Value::Float(v) => query.bind(v.map(f64::from)),
            Value::Double(v) => query.bind(v),
            Value::String(v) => query.bind(v.map(|s| *s)),
            Value::Char(v) => query.bind(v.map(String::from)),
            other => {
                return Err(StoreError::Corrupt(format!(
                    "search cannot bind a value of this type: {other:?}"
                )))
            }
        };
    }
    Ok(query)
}
