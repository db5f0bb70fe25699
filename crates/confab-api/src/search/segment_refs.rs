//! `segment_id` filters: a segment is a stored query, so `segment_id = S` is replaced by S's
//! definition, compiled by the database as a nested membership (`Lowered::Within`), and
//! `segment_id != S` by its negation. See docs/decisions/0025-company-segments.md.

use std::future::Future;
use std::pin::Pin;

use confab_domain::search::{Lowered, Predicate, Scalar, SearchTarget, Test};
use confab_domain::tables::SEGMENTS;
use confab_domain::ErrorCode;
use confab_store::{Conn, Scope};

use super::{Calendar, Searchable};
use crate::error::{ApiError, ApiResult};
use crate::resources::segments::membership;

/// The public name of the field that names a segment.
pub const SEGMENT_FIELD: &str = "segment_id";

/// How many segments deep a query may reach (a segment whose definition names a segment…),
/// so that segments naming each other end in an error rather than a loop.
const MAX_DEPTH: usize = 3;

type Expanded<'a> = Pin<Box<dyn Future<Output = ApiResult<Lowered>> + Send + 'a>>;

/// `lowered` with every `segment_id` filter replaced by the named segment's membership.
pub fn expand<'a, C: Conn>(
    scope: &'a mut Scope<C>,
    searchable: &'a Searchable,
    lowered: Lowered,
    calendar: Calendar<'a>,
    depth: usize,
) -> Expanded<'a> {
    Box::pin(async move {
        Ok(match lowered {
            Lowered::Pred(p) if p.target == SearchTarget::Field(SEGMENT_FIELD) => {
                segment(scope, searchable, &p, calendar, depth).await?
            }
            Lowered::And(children) => {
                Lowered::And(each(scope, searchable, children, calendar, depth).await?)
            }
            Lowered::Or(children) => {
                Lowered::Or(each(scope, searchable, children, calendar, depth).await?)
            }
            other => other,
        })
    })
}

async fn each<C: Conn>(
    scope: &mut Scope<C>,
    searchable: &Searchable,
    children: Vec<Lowered>,
    calendar: Calendar<'_>,
    depth: usize,
) -> ApiResult<Vec<Lowered>> {
    let mut out = Vec::with_capacity(children.len());
    for child in children {
        out.push(expand(scope, searchable, child, calendar, depth).await?);
    }
    Ok(out)
}

/// The membership one `segment_id` filter stands for. A segment that does not exist, or
/// holds another kind of record, holds none of these rows (as an unknown value matches
/// nothing in Intercom's search).
async fn segment<C: Conn>(
    scope: &mut Scope<C>,
    searchable: &Searchable,
    p: &Predicate,
    calendar: Calendar<'_>,
    depth: usize,
) -> ApiResult<Lowered> {
    let (id, negated) = match &p.test {
        Test::Eq(Scalar::Str(id)) => (id, false),
        Test::Ne(Scalar::Str(id)) => (id, true),
        _ => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "segment_id takes the id of a segment, with = or !=",
            )
            .field(SEGMENT_FIELD))
        }
    };
    if calendar.now.is_none() {
        // Only resources with segments declare the field, and they search with a clock.
        return Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "segment_id is not a searchable field",
        )
        .field(SEGMENT_FIELD));
    }
    if depth >= MAX_DEPTH {
        return Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "segments name each other too deeply to be searched",
        )
        .field(SEGMENT_FIELD));
    }
    let definition = match scope.record(&SEGMENTS, id).await? {
        Some(segment)
            if membership::Held::of(&segment).searchable().schema.table
                == searchable.schema.table =>
        {
            membership::definition(scope, &segment, calendar, depth + 1).await?
        }
        _ => Lowered::nothing(),
    };
    Ok(Lowered::Within {
        query: Box::new(definition),
        negated,
    })
}
