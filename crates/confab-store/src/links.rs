//! Relations between records — a contact's tags, companies and subscriptions, a company's
//! tags — in one table, `links (relation, left_id, right_id, created_at, meta)`, so every
//! relation is linked, unlinked, counted and summarised by the same code.

use std::collections::HashMap;

use confab_domain::record::Side;
use serde_json::Value;

use crate::scope::{Conn, Scope, WriteTx};
use crate::sql::{Arg, Sql};
use crate::StoreError;

/// One link, seen from one side.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub left_id: String,
    pub right_id: String,
    pub created_at: i64,
    pub meta: Value,
}

fn link_from_row(row: &crate::db::Row) -> Result<Link, StoreError> {
    let meta: Option<String> = row.try_get("meta")?;
    Ok(Link {
        left_id: row.try_get("left_id")?,
        right_id: row.try_get("right_id")?,
        created_at: row.try_get("created_at")?,
        meta: match meta {
            None => Value::Null,
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| StoreError::Corrupt(format!("links.meta is not JSON: {e}")))?,
        },
    })
}

fn side_column(side: Side) -> &'static str {
    match side {
        Side::Left => "left_id",
        Side::Right => "right_id",
    }
}

/// `columns` (the first of them `relation`) of the links whose `side` is one of `ids`,
/// oldest first: of `relations` only, or, from the left, of every relation, for the caller to
/// keep those of `relations` ([`kept`]). From the left, `links_by_left` (migration 0021)
/// finds all of a row's links in one seek; naming the relations too would make each
/// (relation, id) pair a seek of its own, about three times the work for two relations
/// (decision 0050).
fn links_among(columns: &str, ws: &str, relations: &[&str], side: Side, ids: &[String]) -> Sql {
    let mut sql = Sql::new(format!("SELECT {columns} FROM links WHERE workspace_id = "));
    sql.text_arg(ws);
    if side == Side::Right {
        sql.push(" AND relation ")
            .in_list(relations.iter().map(|r| Arg::from(*r)));
    }
    sql.push(" AND ").push(side_column(side)).push(" ");
    sql.in_list(ids.iter().map(Arg::from))
        .push(" ORDER BY created_at, left_id, right_id");
    sql
}

/// Whether a row of [`links_among`] is of one of the `relations` asked for.
fn kept(relations: &[&str], relation: &str) -> bool {
    relations.contains(&relation)
}

impl<C: Conn> Scope<C> {
    /// The links of `relation` whose `side` is one of `ids`, oldest first, grouped by that id.
    /// One query however many ids, so rendering a page of records does not cost a query each.
    pub async fn links_of(
        &mut self,
        relation: &str,
        side: Side,
        ids: &[String],
    ) -> Result<HashMap<String, Vec<Link>>, StoreError> {
        Ok(self
            .links_of_each(&[relation], side, ids)
            .await?
            .remove(relation)
            .unwrap_or_default())
    }

    /// [`Self::links_of`] for several relations in one query: by relation, then by id.
    pub async fn links_of_each(
        &mut self,
        relations: &[&str],
        side: Side,
        ids: &[String],
    ) -> Result<HashMap<String, HashMap<String, Vec<Link>>>, StoreError> {
        let mut grouped: HashMap<String, HashMap<String, Vec<Link>>> = HashMap::new();
        if ids.is_empty() || relations.is_empty() {
            return Ok(grouped);
        }
        let (ws, conn) = self.parts();
        let sql = links_among(
            "relation, left_id, right_id, created_at, meta",
            ws,
            relations,
            side,
            ids,
        );
        for row in sql.query().fetch_all(&mut *conn).await? {
            let relation: String = row.try_get("relation")?;
            if !kept(relations, &relation) {
                continue;
            }
            let link = link_from_row(&row)?;
            let key = match side {
                Side::Left => link.left_id.clone(),
                Side::Right => link.right_id.clone(),
            };
            grouped
                .entry(relation)
                .or_default()
                .entry(key)
                .or_default()
                .push(link);
        }
        Ok(grouped)
    }

    /// The ids each of `left_ids` holds in each of `relations`, oldest link first, by
    /// relation: [`Self::links_of_each`] without dates or meta, answered from an index alone
    /// (`links_by_left`).
    pub async fn held_ids(
        &mut self,
        relations: &[&str],
        left_ids: &[String],
    ) -> Result<HashMap<String, HashMap<String, Vec<String>>>, StoreError> {
        let mut grouped: HashMap<String, HashMap<String, Vec<String>>> = HashMap::new();
        if left_ids.is_empty() || relations.is_empty() {
            return Ok(grouped);
        }
        let (ws, conn) = self.parts();
        let sql = links_among(
            "relation, left_id, right_id",
            ws,
            relations,
            Side::Left,
            left_ids,
        );
        for mut row in sql.query().fetch_all(&mut *conn).await? {
            let relation = row.take_text(0)?.unwrap_or_default();
            if !kept(relations, &relation) {
                continue;
            }
            let left = row.take_text(1)?.unwrap_or_default();
            let right = row.take_text(2)?.unwrap_or_default();
            grouped
                .entry(relation)
                .or_default()
                .entry(left)
                .or_default()
                .push(right);
        }
        Ok(grouped)
    }

    /// The one link between `left_id` and `right_id`, if it exists.
    pub async fn link(
        &mut self,
        relation: &str,
        left_id: &str,
        right_id: &str,
    ) -> Result<Option<Link>, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql =
            Sql::new("SELECT left_id, right_id, created_at, meta FROM links WHERE workspace_id = ");
        sql.text_arg(ws)
            .push(" AND relation = ")
            .text_arg(relation)
            .push(" AND left_id = ")
            .text_arg(left_id)
            .push(" AND right_id = ")
            .text_arg(right_id);
        let row = sql.query().fetch_optional(&mut *conn).await?;
        row.map(|row| link_from_row(&row)).transpose()
    }

    /// How many links of `relation` the id has on `side`.
    pub async fn count_links(
        &mut self,
        relation: &str,
        side: Side,
        id: &str,
    ) -> Result<u64, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = Sql::new("SELECT COUNT(*) FROM links WHERE workspace_id = ");
        sql.text_arg(ws)
            .push(" AND relation = ")
            .text_arg(relation)
            .push(" AND ")
            .push(side_column(side))
            .push(" = ")
            .text_arg(id);
        let count: i64 = sql.query().fetch_one(&mut *conn).await?.try_get(0)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

impl Scope<WriteTx> {
    /// Links `left_id` to `right_id`; an existing link is left as it is (time and meta).
    /// Returns whether the link is new.
    pub async fn put_link(
        &mut self,
        relation: &str,
        left_id: &str,
        right_id: &str,
        meta: &Value,
        now: i64,
    ) -> Result<bool, StoreError> {
        let meta = Arg::Text((!meta.is_null()).then(|| meta.to_string()));
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(
            "INSERT INTO links (workspace_id, relation, left_id, right_id, created_at, meta) \
             VALUES (",
        );
        sql.text_arg(ws)
            .push(", ")
            .text_arg(relation)
            .push(", ")
            .text_arg(left_id)
            .push(", ")
            .text_arg(right_id)
            .push(", ")
            .int_arg(now)
            .push(", ")
            .arg(meta.clone())
            .push(") ON CONFLICT (workspace_id, relation, left_id, right_id) DO UPDATE SET meta = ")
            .arg(meta)
            .push(" RETURNING created_at");
        let created_at: i64 = sql.query().fetch_one(&mut *conn).await?.try_get(0)?;
        Ok(created_at == now)
    }

    /// Removes the link; `false` if there was none.
    pub async fn remove_link(
        &mut self,
        relation: &str,
        left_id: &str,
        right_id: &str,
    ) -> Result<bool, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = Sql::new("DELETE FROM links WHERE workspace_id = ");
        sql.text_arg(ws)
            .push(" AND relation = ")
            .text_arg(relation)
            .push(" AND left_id = ")
            .text_arg(left_id)
            .push(" AND right_id = ")
            .text_arg(right_id);
        Ok(sql.query().execute(&mut *conn).await?.rows_affected() > 0)
    }

    /// Moves every link of `relation` whose `side` is `from` over to `to`, keeping links `to`
    /// already has (a merge). Returns how many links moved.
    pub async fn move_links(
        &mut self,
        relation: &str,
        side: Side,
        from: &str,
        to: &str,
    ) -> Result<u64, StoreError> {
        let column = side_column(side);
        let other = match side {
            Side::Left => "right_id",
            Side::Right => "left_id",
        };
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(format!("UPDATE links SET {column} = "));
        sql.text_arg(to)
            .push(" WHERE workspace_id = ")
            .text_arg(ws)
            .push(" AND relation = ")
            .text_arg(relation)
            .push(&format!(" AND {column} = "))
            .text_arg(from)
            .push(&format!(
                " AND {other} NOT IN (SELECT {other} FROM links WHERE workspace_id = "
            ))
            .text_arg(ws)
            .push(" AND relation = ")
            .text_arg(relation)
            .push(&format!(" AND {column} = "))
            .text_arg(to)
            .push(")");
        Ok(sql.query().execute(&mut *conn).await?.rows_affected())
    }

    /// Removes every link of `relation` whose `side` is `id`.
    pub async fn remove_links(
        &mut self,
        relation: &str,
        side: Side,
        id: &str,
    ) -> Result<u64, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = Sql::new("DELETE FROM links WHERE workspace_id = ");
        sql.text_arg(ws)
            .push(" AND relation = ")
            .text_arg(relation)
            .push(" AND ")
            .push(side_column(side))
            .push(" = ")
            .text_arg(id);
        Ok(sql.query().execute(&mut *conn).await?.rows_affected())
    }
}
