//! Companies: what the generic record calls cannot express — lists ordered by
//! `last_request_at` that leave out companies without contacts, the scroll walk, how many
//! links each company of a page has — and the demo companies.

use std::collections::HashMap;

use confab_domain::paging::{Page, PageNumberRequest};
use confab_domain::record::relation::{COMPANY_TAG, CONTACT_COMPANY};
use confab_domain::record::{Record, Side};
use confab_domain::tables::COMPANIES;
use serde_json::{json, Value};
use sqlx::Row;

use crate::records::Filter;
use crate::scope::{Conn, Scope, WriteScope};
use crate::sql::Sql;
use crate::StoreError;

/// Which companies a list shows.
#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    /// Only companies tagged with this tag.
    pub tag_id: Option<String>,
    /// Only companies with at least one attached contact ("Companies will be only visible
    /// in Intercom when there is at least one associated user").
    pub with_contacts: bool,
}

/// The direction of a company list by `last_request_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Ascending,
    Descending,
}

/// `FROM companies c WHERE …` for the filter.
fn push_from_where(sql: &mut Sql, ws: &str, filter: &CompanyFilter) {
    sql.push(" FROM companies c WHERE c.workspace_id = ")
        .text_arg(ws);
    if let Some(tag_id) = &filter.tag_id {
        sql.push(
            " AND EXISTS (SELECT 1 FROM links l WHERE l.workspace_id = c.workspace_id \
             AND l.relation = ",
        )
        .text_arg(COMPANY_TAG)
        .push(" AND l.left_id = c.id AND l.right_id = ")
        .text_arg(tag_id)
        .push(")");
    }
    if filter.with_contacts {
        sql.push(
            " AND EXISTS (SELECT 1 FROM links l WHERE l.workspace_id = c.workspace_id \
             AND l.relation = ",
        )
        .text_arg(CONTACT_COMPANY)
        .push(" AND l.right_id = c.id)");
    }
}

impl<C: Conn> Scope<C> {
    /// One page (by page number) of the companies the filter lets through, ordered by
    /// `last_request_at` (never-seen companies count as 0) and then by insertion, so that
    /// consecutive pages never repeat or skip a company.
    pub async fn company_list_page(
        &mut self,
        filter: &CompanyFilter,
        order: SortOrder,
        request: PageNumberRequest,
    ) -> Result<Page<Record>, StoreError> {
        let (ws, conn) = self.parts();
        let mut count = Sql::new("SELECT COUNT(*)");
        push_from_where(&mut count, ws, filter);
        let total: i64 = count.query().fetch_one(&mut *conn).await?.try_get(0)?;
        let mut ids = Sql::new("SELECT c.id");
        push_from_where(&mut ids, ws, filter);
        ids.push(match order {
            SortOrder::Descending => {
                " ORDER BY COALESCE(c.last_request_at, 0) DESC, c.seq DESC LIMIT "
            }
            SortOrder::Ascending => " ORDER BY COALESCE(c.last_request_at, 0), c.seq LIMIT ",
        })
        .int_arg(request.limit())
        .push(" OFFSET ")
        .int_arg(request.offset());
        let ids: Vec<String> = ids
            .query()
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| row.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
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
        filter: &CompanyFilter,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Record>, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = Sql::new("SELECT c.id");
        push_from_where(&mut sql, ws, filter);
        sql.push(" AND c.seq > ")
            .int_arg(after)
            .push(" ORDER BY c.seq LIMIT ")
            .int_arg(limit);
        let ids: Vec<String> = sql
            .query()
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| row.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
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
            .push(&format!(" AND {column} IN ("));
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.text_arg(id);
        }
        sql.push(&format!(") GROUP BY {column}"));
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
