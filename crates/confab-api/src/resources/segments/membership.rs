//! Who is in a segment, computed by the database from the segment's stored query: a
//! segment of users or leads holds the contacts of that role that match it, a segment of
//! companies the companies (with at least one contact, the only ones Intercom shows) that
//! match it. Never stored, so always true to the data.

use std::collections::HashSet;

use confab_domain::models::segment::{holds_companies, member_role, resolve_relative};
use confab_domain::paging::{CursorRequest, Page};
use confab_domain::record::relation::CONTACT_COMPANY;
use confab_domain::record::{text_of, Record};
use confab_domain::search::{self, FieldType, Lowered, Predicate, Scalar, SearchTarget, Test};
use confab_domain::tables::SEGMENTS;
use confab_domain::ApiVersion;
use confab_store::search::BaseFilter;
use confab_store::{Conn, Scope};
use serde_json::Value;

use crate::error::ApiResult;
use crate::gate::Ctx;
use crate::resources::companies::search::COMPANIES_SEARCH;
use crate::resources::contacts::search::{listed, CONTACTS_SEARCH};
use crate::search::{lower_query, Calendar, Searchable};

/// What a segment holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Users or leads (`person_type` `user` or `contact`).
    Contacts,
    Companies,
}

impl Held {
    pub fn of(segment: &Record) -> Self {
        if holds_companies(text_of(segment, "person_type").unwrap_or_default()) {
            Self::Companies
        } else {
            Self::Contacts
        }
    }

    /// The resource whose fields the segment's query names.
    pub fn searchable(self) -> &'static Searchable {
        match self {
            Self::Contacts => &CONTACTS_SEARCH,
            Self::Companies => &COMPANIES_SEARCH,
        }
    }

    /// The rows that can be members at all, and `extra`.
    fn base(self, extra: Vec<BaseFilter>) -> BaseFilter {
        match self {
            Self::Contacts => listed(extra),
            Self::Companies => {
                let mut all = vec![BaseFilter::LinkedFrom(CONTACT_COMPANY)];
                all.extend(extra);
                BaseFilter::All(all)
            }
        }
    }
}

/// The segment's definition as a checked query over its resource: the stored query with its
/// relative dates resolved, and for a segment of people their role. `depth` counts the
/// segments this one is nested in.
pub async fn definition<C: Conn>(
    scope: &mut Scope<C>,
    segment: &Record,
    calendar: Calendar<'_>,
    depth: usize,
) -> ApiResult<Lowered> {
    let held = Held::of(segment);
    let stored = segment.get("query").cloned().unwrap_or(Value::Null);
    let now = calendar.now.unwrap_or_default();
    let query = search::parse(&resolve_relative(&stored, now), ApiVersion::V2_14)?;
    let lowered = lower_query(scope, held.searchable(), &query, calendar, depth).await?;
    Ok(match held {
        Held::Companies => lowered,
        Held::Contacts => {
            let role = member_role(text_of(segment, "person_type").unwrap_or_default());
            let role = Lowered::Pred(Predicate {
                target: SearchTarget::Field("role"),
                ty: FieldType::String,
                test: Test::Eq(Scalar::Str(role.into())),
            });
            Lowered::And(vec![role, lowered])
        }
    })
}

/// The segment's members as one page of ids with the total count, among `only` when given.
pub async fn members<C: Conn>(
    scope: &mut Scope<C>,
    segment: &Record,
    only: Option<&[String]>,
    per_page: u32,
    ctx: &Ctx,
) -> ApiResult<Page<String>> {
    let held = Held::of(segment);
    let searchable = held.searchable();
    let definition = definition(scope, segment, Calendar::of(ctx), 0).await?;
    let extra = only.map_or_else(Vec::new, |ids| vec![BaseFilter::TextIn("id", ids.to_vec())]);
    let page = CursorRequest {
        per_page,
        after: None,
    };
    let order = searchable.schema.default_order;
    let base = held.base(extra);
    Ok(scope
        .search_ids(&searchable.schema, &definition, &base, &page, order)
        .await?)
}

/// The segments holding `held` records, oldest first, each with which of `ids` it holds:
/// one query per segment, whatever the number of ids.
pub async fn memberships<C: Conn>(
    scope: &mut Scope<C>,
    held: Held,
    ids: &[String],
    ctx: &Ctx,
) -> ApiResult<Vec<(Record, HashSet<String>)>> {
    let mut out = Vec::new();
    for segment in segments_of(scope, held).await? {
        let holds = if ids.is_empty() {
            HashSet::new()
        } else {
            let per_page = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            let page = members(scope, &segment, Some(ids), per_page, ctx).await?;
            page.items.into_iter().collect()
        };
        out.push((segment, holds));
    }
    Ok(out)
}

/// The workspace's segments of `held` records, oldest first.
pub async fn segments_of<C: Conn>(scope: &mut Scope<C>, held: Held) -> ApiResult<Vec<Record>> {
    let all = scope.records(&SEGMENTS, &[]).await?;
    Ok(all.into_iter().filter(|s| Held::of(s) == held).collect())
}
