//! [`Query`] + [`FieldTable`] + time zone → [`Lowered`]: every filter checked against its
//! field's type, every value converted to that type, every date filter turned into a range
//! of UNIX seconds on the workspace's calendar.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::fields::{FieldTable, FieldType, SearchTarget};
use super::{invalid, FilterValue, GroupOp, Operator, Query};
use crate::DomainError;

/// A value converted to its field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// What a predicate checks about its field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// The field has no value (`= null`).
    IsNull,
    /// The field has a value (`!= null`).
    NotNull,
    Eq(Scalar),
    /// Also true where the field has no value.
    Ne(Scalar),
    In(Vec<Scalar>),
    /// Also true where the field has no value.
    Nin(Vec<Scalar>),
    Lt(Scalar),
    Gt(Scalar),
    Le(Scalar),
    Ge(Scalar),
    /// `from <= value < until`, each bound optional: a date filter on the workspace's
    /// calendar.
    Range {
        from: Option<i64>,
        until: Option<i64>,
    },
    Contains(String),
    /// Also true where the field has no value.
    NotContains(String),
    StartsWith(String),
    EndsWith(String),
}

/// One checked filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    pub target: SearchTarget,
    pub ty: FieldType,
    pub test: Test,
}

/// A checked query in normal form, ready to compile.
#[derive(Debug, Clone, PartialEq)]
pub enum Lowered {
    Pred(Predicate),
    /// Every child holds (no children: every row).
    And(Vec<Lowered>),
    /// At least one child holds (no children: no row).
    Or(Vec<Lowered>),
    /// The row is one of the resource's rows that match `query` — or, `negated`, is not: a
    /// segment's membership inside another query. Kept apart from `And`/`Or` so the store
    /// can compile it as an id subquery, whose negation is exact where `query` meets NULLs.
    Within {
        query: Box<Lowered>,
        negated: bool,
    },
}

impl Lowered {
    /// A query no row matches.
    pub fn nothing() -> Self {
        Self::Or(Vec::new())
    }
}

/// The time zone named `name` (IANA, e.g. `America/New_York`), from the bundled database.
pub fn time_zone(name: &str) -> Result<TimeZone, DomainError> {
    TimeZone::get(name).map_err(|_| invalid(format!("{name} is not a known time zone")))
}

/// Checks `query` against `table` and lowers it; date filters use `zone`'s calendar days.
pub fn lower(
    query: &Query,
    table: &FieldTable<'_>,
    zone: &TimeZone,
) -> Result<Lowered, DomainError> {
    match query {
        Query::Group { op, children } => {
            let children = children
                .iter()
                .map(|child| lower(child, table, zone))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(match op {
                GroupOp::And => Lowered::And(children),
                GroupOp::Or => Lowered::Or(children),
            })
        }
        Query::Filter { field, op, value } => {
            let (target, ty) = table.resolve(field)?;
            if !ty.allows(*op) {
                return Err(invalid(format!(
                    "The operator '{}' is not supported for field '{field}' ({} fields accept {})",
                    op.as_str(),
                    ty.name(),
                    accepted(ty)
                ))
                .field(field.clone()));
            }
            let test = test(*op, value, ty, zone).map_err(|e| e.field(field.clone()))?;
            Ok(Lowered::Pred(Predicate { target, ty, test }))
        }
    }
}

fn accepted(ty: FieldType) -> String {
    use Operator as O;
    let all = [
        O::Eq,
        O::Ne,
        O::In,
        O::Nin,
        O::Lt,
        O::Gt,
        O::Le,
        O::Ge,
        O::Contains,
        O::NotContains,
        O::StartsWith,
        O::EndsWith,
    ];
    let names: Vec<_> = all
        .into_iter()
        .filter(|op| ty.allows(*op))
        .map(Operator::as_str)
        .collect();
    names.join(", ")
}

fn test(
    op: Operator,
    value: &FilterValue,
    ty: FieldType,
    zone: &TimeZone,
) -> Result<Test, DomainError> {
    if *value == FilterValue::Null {
        return match op {
            Operator::Eq => Ok(Test::IsNull),
            Operator::Ne => Ok(Test::NotNull),
            _ => Err(invalid(format!(
                "null is only accepted with the = and != operators, not '{}'",
                op.as_str()
            ))),
        };
    }
    if ty == FieldType::Date {
        return date_range(op, scalar(value, ty)?, zone);
    }
    let text = |v: &FilterValue| match scalar(v, ty)? {
        Scalar::Str(s) => Ok(s),
        _ => Err(mismatch(v, ty)),
    };
    Ok(match op {
        Operator::Eq => Test::Eq(scalar(value, ty)?),
        Operator::Ne => Test::Ne(scalar(value, ty)?),
        Operator::Lt => Test::Lt(scalar(value, ty)?),
        Operator::Gt => Test::Gt(scalar(value, ty)?),
        Operator::Le => Test::Le(scalar(value, ty)?),
        Operator::Ge => Test::Ge(scalar(value, ty)?),
        Operator::In => Test::In(list(value, ty)?),
        Operator::Nin => Test::Nin(list(value, ty)?),
        Operator::Contains => Test::Contains(text(value)?),
        Operator::NotContains => Test::NotContains(text(value)?),
        Operator::StartsWith => Test::StartsWith(text(value)?),
        Operator::EndsWith => Test::EndsWith(text(value)?),
    })
}

fn list(value: &FilterValue, ty: FieldType) -> Result<Vec<Scalar>, DomainError> {
    match value {
        FilterValue::List(items) => items.iter().map(|v| scalar(v, ty)).collect(),
        other => Err(mismatch(other, ty)),
    }
}

fn mismatch(value: &FilterValue, ty: FieldType) -> DomainError {
    let shown = match value {
        FilterValue::Str(s) => format!("'{}'", s.chars().take(64).collect::<String>()),
        FilterValue::Int(i) => i.to_string(),
        FilterValue::Float(f) => f.to_string(),
        FilterValue::Bool(b) => b.to_string(),
        other => other.type_name().to_owned(),
    };
    invalid(format!("{shown} is not a valid {} value", ty.name()))
}

/// `value` as the field's type. Strings holding numbers are numbers (Intercom's own example
/// sends a timestamp as `"1306054154"`); `"true"`/`"false"` are booleans (Unstable's schema
/// has no boolean value); whole numbers are accepted for text and ids.
fn scalar(value: &FilterValue, ty: FieldType) -> Result<Scalar, DomainError> {
    let bad = || mismatch(value, ty);
    match ty {
        FieldType::String | FieldType::Id | FieldType::TagLike => match value {
            FilterValue::Str(s) => Ok(Scalar::Str(s.clone())),
            FilterValue::Int(i) => Ok(Scalar::Str(i.to_string())),
            _ => Err(bad()),
        },
        FieldType::Integer | FieldType::Date | FieldType::Timestamp => match value {
            FilterValue::Int(i) => Ok(Scalar::Int(*i)),
            FilterValue::Str(s) => s.trim().parse().map(Scalar::Int).map_err(|_| bad()),
            // A whole float (`5.0`) is a whole number; the range check keeps the cast exact.
            #[expect(
                clippy::cast_possible_truncation,
                reason = "checked whole and in range"
            )]
            FilterValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Ok(Scalar::Int(*f as i64))
            }
            _ => Err(bad()),
        },
        FieldType::Float => match value {
            #[expect(clippy::cast_precision_loss, reason = "search values are not exact")]
            FilterValue::Int(i) => Ok(Scalar::Float(*i as f64)),
            FilterValue::Float(f) => Ok(Scalar::Float(*f)),
            FilterValue::Str(s) => match s.trim().parse::<f64>() {
                Ok(f) if f.is_finite() => Ok(Scalar::Float(f)),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        },
        FieldType::Boolean => match value {
            FilterValue::Bool(b) => Ok(Scalar::Bool(*b)),
            FilterValue::Str(s) if s.eq_ignore_ascii_case("true") => Ok(Scalar::Bool(true)),
            FilterValue::Str(s) if s.eq_ignore_ascii_case("false") => Ok(Scalar::Bool(false)),
            _ => Err(bad()),
        },
    }
}

/// A date filter as a range of UNIX seconds: `=` the whole day, `>` from the start of the
/// next day, `<` before the start of the day, days being `zone`'s.
fn date_range(op: Operator, value: Scalar, zone: &TimeZone) -> Result<Test, DomainError> {
    let Scalar::Int(seconds) = value else {
        return Err(invalid("A date must be a UNIX timestamp"));
    };
    let (start, next) = day_bounds(seconds, zone)
        .ok_or_else(|| invalid(format!("{seconds} is not a valid UNIX timestamp")))?;
    Ok(match op {
        Operator::Eq => Test::Range {
            from: Some(start),
            until: Some(next),
        },
        Operator::Gt => Test::Range {
            from: Some(next),
            until: None,
        },
        Operator::Lt => Test::Range {
            from: None,
            until: Some(start),
        },
        other => {
            return Err(invalid(format!(
                "The operator '{}' is not supported on date fields",
                other.as_str()
            )))
        }
    })
}

/// The first second of the day holding `seconds` and of the day after, in `zone`. Days are
/// not always 24 hours long (daylight saving), hence the calendar arithmetic.
pub(super) fn day_bounds(seconds: i64, zone: &TimeZone) -> Option<(i64, i64)> {
    let moment = Timestamp::from_second(seconds).ok()?.to_zoned(zone.clone());
    let start = moment.start_of_day().ok()?;
    let next = moment.date().tomorrow().ok()?.to_zoned(zone.clone()).ok()?;
    let next = next.start_of_day().ok()?;
    Some((start.timestamp().as_second(), next.timestamp().as_second()))
}
