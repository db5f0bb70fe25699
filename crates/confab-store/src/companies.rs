//! Companies: what the generic record calls cannot express — lists ordered by
//! `last_request_at` that leave out companies without contacts or keep only a segment's, the
//! scroll walk, how many links each company of a page has — and the demo companies.

use std::collections::HashMap;

use confab_domain::paging::{Page, PageNumberRequest};
use confab_domain::record::relation::{COMPANY_TAG, CONTACT_COMPANY};
use confab_domain::record::{Record, Side};
use confab_domain::search::Lowered;
use confab_domain::tables::COMPANIES;
use sea_query::{Alias, Cond, Condition, Expr, Order, Query, SelectStatement};
use serde_json::{json, Value};

use crate::records::Filter;
use crate::scope::{Conn, Scope, WriteScope};
use crate::search::{self, bind, SearchSchema};
use crate::sql::{Arg, Sql};
use crate::StoreError;

/// Which companies a list shows.
#[derive(Debug, Clone, Default)]
pub struct CompanyFilter<'a> {
    /// Only companies tagged with this tag.
    pub tag_id: Option<String>,
    /// Only companies with at least one attached contact ("Companies will be only visible
    /// in Intercom when there is at least one associated user").
    pub with_contacts: bool,
    /// Only companies that match this query over the companies' search schema (a company
    /// segment's definition).
    pub matching: Option<(&'a SearchSchema, &'a Lowered)>,
}

/// The direction of a company list by `last_request_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Ascending,
    Descending,
}

fn column(name: &str) -> Expr {
    Expr::col((Alias::new(COMPANIES.name), Alias::new(name)))
}

/// `EXISTS (SELECT 1 FROM links …)` of `relation` with the company on `side`, and the other
/// side `other` if given.
fn linked(ws: &str, relation: &str, side: Side, other: Option<&str>) -> Condition {
    let links = Alias::new("company_links");
    let col = |name: &str| Expr::col((links.clone(), Alias::new(name)));
    let (mine, theirs) = match side {
        Side::Left => ("left_id", "right_id"),
        Side::Right => ("right_id", "left_id"),
    };
    let mut sub = Query::select();
    sub.expr(Expr::val(1))
        .from_as(Alias::new("links"), links.clone())
        .and_where(col("workspace_id").eq(ws))
        .and_where(col("relation").eq(relation))
        .and_where(col(mine).equals((Alias::new(COMPANIES.name), Alias::new("id"))));
    if let Some(other) = other {
        sub.and_where(col(theirs).eq(other));
    }
    Cond::all().add(Expr::exists(sub))
}

/// `WHERE …` for the filter.
fn condition(
    conn: &crate::Db,
    ws: &str,
    filter: &CompanyFilter<'_>,
) -> Result<Condition, StoreError> {
    let mut cond = Cond::all().add(column("workspace_id").eq(ws));
    if let Some(tag_id) = &filter.tag_id {
        cond = cond.add(linked(ws, COMPANY_TAG, Side::Left, Some(tag_id)));
    }
    if filter.with_contacts {
        cond = cond.add(linked(ws, CONTACT_COMPANY, Side::Right, None));
    }
    if let Some((schema, query)) = filter.matching {
        cond = cond.add(search::condition_of(conn, ws, schema, query)?);
    }
    Ok(cond)
}

/// The ids `select` finds.
async fn ids_of(conn: &mut crate::Db, select: &SelectStatement) -> Result<Vec<String>, StoreError> {
    let (sql, values) = search::build(select, search::backend_of(conn));
    let rows = bind::query(&sql, values)?
        .reach(crate::db::Reach::MayScan)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| row.try_get::<String, _>(0))
        .collect::<Result<_, _>>()
}

impl<C: Conn> Scope<C> {
    /// One page (by page number) of the companies the filter lets through, ordered by
    /// `last_request_at` (never-seen companies count as 0) and then by insertion, so that
    /// consecutive pages never repeat or skip a company.
    pub async fn company_list_page(
        &mut self,
        filter: &CompanyFilter<'_>,
        order: SortOrder,
        request: PageNumberRequest,
    ) -> Result<Page<Record>, StoreError> {
        let (ws, conn) = self.parts();
        let cond = condition(conn, ws, filter)?;
        let mut count = Query::select();
        count
            .expr(Expr::cust("COUNT(*)"))
            .from(Alias::new(COMPANIES.name))
            .cond_where(cond.clone());
        let (sql, values) = search::build(&count, search::backend_of(conn));
        let total: i64 = bind::query(&sql, values)?
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let direction = match order {
            SortOrder::Descending => Order::Desc,
            SortOrder::Ascending => Order::Asc,
        };
        let mut select = Query::select();
        select
            .expr(column("id"))
            .from(Alias::new(COMPANIES.name))
            .cond_where(cond)
            .order_by_expr(
                Expr::cust("COALESCE(companies.last_request_at, 0)"),
                direction.clone(),
            )
            .order_by_expr(column("seq").into(), direction)
            .limit(u64::try_from(request.limit()).unwrap_or(0))
            .offset(u64::try_from(request.offset()).unwrap_or(0));
        let ids = ids_of(conn, &select).await?;
        let records = self.records_by_ids(&COMPANIES, &ids).await?;
        Ok(Page::from_offset(
            records,
            request,
            u64::try_from(total).unwrap_or(0),
        ))
    }

    /// Up to `limit` companies the filter lets through that were stored after the one with
    /// `seq` `after`, in insertion order: one step of a scroll.
    pub async fn companies_after(
        &mut self,
        filter: &CompanyFilter<'_>,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Record>, StoreError> {
        let (ws, conn) = self.parts();
        let mut select = Query::select();
        select
            .expr(column("id"))
            .from(Alias::new(COMPANIES.name))
            .cond_where(condition(conn, ws, filter)?)
            .and_where(column("seq").gt(after))
            .order_by_expr(column("seq").into(), Order::Asc)
            .limit(u64::try_from(limit).unwrap_or(0));
        let ids = ids_of(conn, &select).await?;
        self.records_by_ids(&COMPANIES, &ids).await
    }

    /// How many links of `relation` each of `ids` has on `side` (ids without links are
    /// absent). One query for a whole page.
    pub async fn link_counts(
        &mut self,
        relation: &str,
        side: Side,
        ids: &[String],
    ) -> Result<HashMap<String, u64>, StoreError> {
        let mut counts = HashMap::new();
        if ids.is_empty() {
            return Ok(counts);
        }
        let column = match side {
            Side::Left => "left_id",
            Side::Right => "right_id",
        };
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(format!(
            "SELECT {column}, COUNT(*) FROM links WHERE workspace_id = "
        ));
        sql.text_arg(ws)
            .push(" AND relation = ")
            .text_arg(relation)
            .push(&format!(" AND {column} "))
            .in_list(ids.iter().map(Arg::from))
            .push(&format!(" GROUP BY {column}"));
        for row in sql.query().fetch_all(&mut *conn).await? {
            let id: String = row.try_get(0)?;
            let count: i64 = row.try_get(1)?;
            counts.insert(id, u64::try_from(count).unwrap_or(0));
        }
        Ok(counts)
    }
}

/// The demo companies: `company_id`, name, plan, size, website, industry, monthly spend.
const DEMO_COMPANIES: &[(&str, &str, &str, i64, &str, &str, i64)] = &[
    (
        "acme",
        "Acme Corp",
        "Pro",
        120,
        "https://acme.example.com",
        "Manufacturing",
        4_900,
    ),
    (
        "globex",
        "Globex",
        "Enterprise",
        2_500,
        "https://globex.example.com",
        "Energy",
        25_000,
    ),
    (
        "initech",
        "Initech",
        "Starter",
        45,
        "https://initech.example.com",
        "Software",
        300,
    ),
];

/// Adds the demo companies (Acme Corp, Globex, Initech) to the scope's workspace; companies
/// whose `company_id` is already there are left alone, so applying it twice changes nothing.
/// They have no contacts yet, so lists show them once contacts are attached.
pub async fn seed_demo_companies(scope: &mut WriteScope, now: i64) -> Result<(), StoreError> {
    for (company_id, name, plan, size, website, industry, spend) in DEMO_COMPANIES {
        let existing = scope
            .record_where(&COMPANIES, &[Filter::Eq("company_id", json!(company_id))])
            .await?;
        if existing.is_some() {
            continue;
        }
        let values = json!({
            "company_id": company_id,
            "name": name,
            "plan": plan,
            "size": size,
            "website": website,
            "industry": industry,
            "monthly_spend": spend,
            "remote_created_at": now,
            "created_at": now,
            "updated_at": now,
            "custom_attributes": {},
        });
        if let Value::Object(values) = values {
            scope.insert_record(&COMPANIES, &values, now).await?;
        }
    }
    Ok(())
}
