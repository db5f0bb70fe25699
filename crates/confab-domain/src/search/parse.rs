//! JSON → [`Query`] and [`SearchRequest`]: the shape rules of `search_request`, nothing about
//! any resource's fields.

use serde_json::{Map, Value};

use super::{
    invalid, shown, FilterValue, GroupOp, Operator, Query, SearchRequest, Sort, SortOrder,
    MAX_DEPTH, MAX_FIELD_CHARS, MAX_GROUP_SIZE, MAX_LIST_LEN, MAX_STRING_CHARS,
};
use crate::{ApiVersion, DomainError, ErrorCode};

/// Parses a whole `POST /…/search` body: `query` (required), `pagination` and `sort`.
pub fn parse_request(body: &Value, version: ApiVersion) -> Result<SearchRequest, DomainError> {
    let Some(body) = body.as_object() else {
        return Err(invalid("The request body must be a JSON object"));
    };
    let query = match body.get("query") {
        None | Some(Value::Null) => {
            return Err(DomainError::with_message(
                ErrorCode::ParameterNotFound,
                "query is a required parameter",
            )
            .field("query"))
        }
        Some(query) => parse(query, version)?,
    };
    let (per_page, starting_after) = pagination(body.get("pagination"))?;
    Ok(SearchRequest {
        query,
        per_page,
        starting_after,
        sort: sort(body.get("sort"))?,
    })
}

/// Parses the `query` member: a single filter or a nested `AND`/`OR` group.
pub fn parse(query: &Value, version: ApiVersion) -> Result<Query, DomainError> {
    node(query, 0, version).map_err(|e| {
        if e.field.is_some() {
            e
        } else {
            e.field("query")
        }
    })
}

/// One node, `enclosing` groups deep.
fn node(value: &Value, enclosing: usize, version: ApiVersion) -> Result<Query, DomainError> {
    let Some(object) = value.as_object() else {
        return Err(invalid(format!(
            "Each query must be an object with field, operator and value, not {}",
            shown(value)
        )));
    };
    if object.contains_key("field") {
        filter(object, version)
    } else {
        group(object, enclosing, version)
    }
}

fn group(
    object: &Map<String, Value>,
    enclosing: usize,
    version: ApiVersion,
) -> Result<Query, DomainError> {
    let op = match object.get("operator").and_then(Value::as_str) {
        Some(s) if s.eq_ignore_ascii_case("AND") => GroupOp::And,
        Some(s) if s.eq_ignore_ascii_case("OR") => GroupOp::Or,
        Some(s) if Operator::parse(s, version).is_some() => {
            return Err(invalid(format!(
                "A filter with operator '{s}' needs a field"
            )))
        }
        Some(s) => {
            return Err(invalid(format!(
                "'{s}' is not a valid operator: a group's operator is AND or OR"
            )))
        }
        None => {
            return Err(invalid(
                "Each query needs an operator: AND or OR for a group, or a field and a \
                 comparison operator",
            ))
        }
    };
    if enclosing + 1 > MAX_DEPTH {
        return Err(invalid(format!(
            "There's a limit of max {MAX_DEPTH} nested filters"
        )));
    }
    let Some(items) = object.get("value").and_then(Value::as_array) else {
        return Err(invalid(
            "The value of an AND or OR group must be an array of queries",
        ));
    };
    if items.is_empty() {
        return Err(invalid("An AND or OR group needs at least one filter"));
    }
    if items.len() > MAX_GROUP_SIZE {
        return Err(invalid(format!(
            "There's a limit of max {MAX_GROUP_SIZE} filters for each AND or OR group"
        )));
    }
    let children = items
        .iter()
        .map(|item| node(item, enclosing + 1, version))
        .collect::<Result<_, _>>()?;
    Ok(Query::Group { op, children })
}

fn filter(object: &Map<String, Value>, version: ApiVersion) -> Result<Query, DomainError> {
    let field = match object.get("field") {
        Some(Value::String(f)) if !f.is_empty() && f.chars().count() <= MAX_FIELD_CHARS => f,
        Some(other) => return Err(invalid(format!("{} is not a valid field", shown(other)))),
        None => return Err(invalid("field is required")),
    };
    let op = match object.get("operator") {
        Some(Value::String(s)) => Operator::parse(s, version).ok_or_else(|| {
            invalid(format!(
                "'{s}' is not a valid operator for field '{field}' in API version {}",
                version.as_str()
            ))
        })?,
        Some(other) => {
            return Err(invalid(format!(
                "{} is not a valid operator for field '{field}'",
                shown(other)
            )))
        }
        None => return Err(invalid(format!("operator is required for field '{field}'"))),
    };
    let Some(raw) = object.get("value") else {
        return Err(invalid(format!("value is required for field '{field}'")));
    };
    let value = filter_value(raw, op, field)?;
    Ok(Query::Filter {
        field: field.clone(),
        op,
        value,
    })
}

fn filter_value(raw: &Value, op: Operator, field: &str) -> Result<FilterValue, DomainError> {
    match raw {
        Value::Array(items) if op.takes_list() => {
            if items.len() > MAX_LIST_LEN {
                return Err(invalid(format!(
                    "The {} list for field '{field}' has more than {MAX_LIST_LEN} values",
                    op.as_str()
                )));
            }
            let values = items
                .iter()
                .map(|item| match scalar(item, field)? {
                    FilterValue::Null => Err(invalid(format!(
                        "The {} list for field '{field}' cannot contain null",
                        op.as_str()
                    ))),
                    v => Ok(v),
                })
                .collect::<Result<_, _>>()?;
            Ok(FilterValue::List(values))
        }
        _ if op.takes_list() => Err(invalid(format!(
            "The {} operator for field '{field}' needs an array of values",
            op.as_str()
        ))),
        Value::Array(_) => Err(invalid(format!(
            "The {} operator for field '{field}' does not take an array; use IN or NIN",
            op.as_str()
        ))),
        _ => scalar(raw, field),
    }
}

fn scalar(raw: &Value, field: &str) -> Result<FilterValue, DomainError> {
    let bad = || {
        invalid(format!(
            "{} is not a valid value for field '{field}'",
            shown(raw)
        ))
    };
    match raw {
        Value::Null => Ok(FilterValue::Null),
        Value::Bool(b) => Ok(FilterValue::Bool(*b)),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(FilterValue::Int(i)),
            (None, Some(f)) if f.is_finite() && n.as_u64().is_none() => Ok(FilterValue::Float(f)),
            _ => Err(bad()),
        },
        Value::String(s) if s.chars().count() > MAX_STRING_CHARS => Err(invalid(format!(
            "The value for field '{field}' is longer than {MAX_STRING_CHARS} characters"
        ))),
        Value::String(s) => Ok(FilterValue::Str(s.clone())),
        Value::Array(_) | Value::Object(_) => Err(bad()),
    }
}

fn pagination(raw: Option<&Value>) -> Result<(Option<u32>, Option<String>), DomainError> {
    let object = match raw {
        None | Some(Value::Null) => return Ok((None, None)),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(invalid("pagination must be an object").field("pagination")),
    };
    let per_page = match object.get("per_page") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    invalid(format!("per_page {} is not a positive integer", shown(v)))
                        .field("per_page")
                })?,
        ),
    };
    let starting_after = match object.get("starting_after") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(invalid("starting_after must be a string").field("starting_after")),
    };
    Ok((per_page, starting_after))
}

fn sort(raw: Option<&Value>) -> Result<Option<Sort>, DomainError> {
    let object = match raw {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(object)) => object,
        Some(_) => return Err(invalid("sort must be an object").field("sort")),
    };
    let Some(field) = object.get("field").and_then(Value::as_str) else {
        return Err(invalid("sort.field must be a string").field("sort"));
    };
    let order = match object.get("order") {
        None | Some(Value::Null) => SortOrder::Descending,
        Some(Value::String(s)) if s == "ascending" => SortOrder::Ascending,
        Some(Value::String(s)) if s == "descending" => SortOrder::Descending,
        Some(other) => {
            return Err(invalid(format!(
                "Invalid sort order {}. Must be one of: ascending, descending",
                shown(other)
            ))
            .field("sort"))
        }
    };
    Ok(Some(Sort {
        field: field.to_owned(),
        order,
    }))
}
