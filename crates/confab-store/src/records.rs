//! Generic storage for every resource described by a [`Table`]: find, page, count, insert,
//! update, delete. Resource modules add only what is particular to them.

use crate::db::Row;
use confab_domain::ids;
use confab_domain::paging::{CursorRequest, KeyPart, Page};
use confab_domain::record::{Column, IdStyle, Record, Table};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::scope::{Conn, Scope, WriteTx};
use crate::sql::{Arg, Sql};
use crate::StoreError;

/// A condition on a record list. Columns are checked against the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// `column = value`; `null` matches NULL.
    Eq(&'static str, Value),
    /// `column <> value` (NULLs excluded); `null` matches NOT NULL.
    NotEq(&'static str, Value),
    /// `column IN (values…)`; an empty list matches nothing.
    In(&'static str, Vec<Value>),
    /// `column > value` for an integer column (NULLs excluded).
    Greater(&'static str, i64),
    /// At least one of these (none: nothing matches).
    AnyOf(Vec<Filter>),
    /// Every one of these.
    AllOf(Vec<Filter>),
    /// The record is the left side of a link of `relation` to `right_id`.
    HasLink {
        relation: &'static str,
        right_id: String,
    },
    /// The record is the right side of a link of `relation` from `left_id`.
    LinkedFrom {
        relation: &'static str,
        left_id: String,
    },
}

/// The order a list is paged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    OldestFirst,
    NewestFirst,
}

fn column_of(table: &Table, name: &str) -> Result<Column, StoreError> {
    table
        .column(name)
        .ok_or_else(|| StoreError::Corrupt(format!("{} has no column {name}", table.name)))
}

pub(crate) fn select_list(table: &Table) -> String {
    let mut list = String::from("seq, id");
    for column in table.columns {
        list.push_str(", ");
        list.push_str(column.name);
    }
    list
}

/// Turns a row selected with [`select_list`] into a record.
pub(crate) fn record_from_row(table: &Table, row: Row) -> Result<Record, StoreError> {
    crate::row_de::decode(table, row)
}

/// Appends ` AND …` for each filter.
fn push_filters(
    sql: &mut Sql,
    table: &Table,
    ws: &str,
    filters: &[Filter],
) -> Result<(), StoreError> {
    for filter in filters {
        sql.push(" AND ");
        push_condition(sql, table, ws, filter)?;
    }
    Ok(())
}

/// Appends one filter's condition.
fn push_condition(
    sql: &mut Sql,
    table: &Table,
    ws: &str,
    filter: &Filter,
) -> Result<(), StoreError> {
    {
        match filter {
            Filter::AnyOf(any) if any.is_empty() => {
                sql.push("1 = 0");
            }
            Filter::AnyOf(any) | Filter::AllOf(any) => {
                let joiner = if matches!(filter, Filter::AnyOf(_)) {
                    " OR "
                } else {
                    " AND "
                };
                sql.push("(");
                for (i, inner) in any.iter().enumerate() {
                    if i > 0 {
                        sql.push(joiner);
                    }
                    push_condition(sql, table, ws, inner)?;
                }
                if any.is_empty() {
                    sql.push("1 = 1");
                }
                sql.push(")");
            }
            Filter::Eq(name, Value::Null) => {
                column_of(table, name)?;
                sql.push(name).push(" IS NULL");
            }
            Filter::Eq(name, value) => {
                let column = column_of(table, name)?;
                sql.push(name)
                    .push(" = ")
                    .arg(Arg::for_column(column, value)?);
            }
            Filter::NotEq(name, Value::Null) => {
                column_of(table, name)?;
                sql.push(name).push(" IS NOT NULL");
            }
            Filter::NotEq(name, value) => {
                let column = column_of(table, name)?;
                sql.push(name)
                    .push(" <> ")
                    .arg(Arg::for_column(column, value)?);
            }
            Filter::Greater(name, value) => {
                column_of(table, name)?;
                sql.push(name).push(" > ").int_arg(*value);
            }
            Filter::In(_, values) if values.is_empty() => {
                sql.push("1 = 0");
            }
            Filter::In(name, values) => {
                let column = column_of(table, name)?;
                let args = values
                    .iter()
                    .map(|value| Arg::for_column(column, value))
                    .collect::<Result<Vec<_>, _>>()?;
                sql.push(name).push(" ").in_list(args);
            }
            Filter::HasLink { relation, right_id } => {
                push_linked(sql, table, ws, relation, ("left_id", "right_id"), right_id);
            }
            Filter::LinkedFrom { relation, left_id } => {
                push_linked(sql, table, ws, relation, ("right_id", "left_id"), left_id);
            }
        }
    }
    Ok(())
}

/// `id IN (the ids on the `own` side of links of `relation` whose `other` side is
/// `other_id`)`: uncorrelated, so the database starts from the link index instead of testing
/// every row of the table (the `EXISTS` form did that, and `last` replies scanned every
/// conversation of the workspace).
fn push_linked(
    sql: &mut Sql,
    table: &Table,
    ws: &str,
    relation: &str,
    (own, other): (&str, &str),
    other_id: &str,
) {
    sql.push(table.name)
        .push(".id IN (SELECT l.")
        .push(own)
        .push(" FROM links l WHERE l.workspace_id = ")
        .text_arg(ws)
        .push(" AND l.relation = ")
        .text_arg(relation)
        .push(" AND l.")
        .push(other)
        .push(" = ")
        .text_arg(other_id)
        .push(")");
}

fn base_select(table: &Table, ws: &str) -> Sql {
    let mut sql = Sql::new(format!(
        "SELECT {} FROM {} WHERE workspace_id = ",
        select_list(table),
        table.name
    ));
    sql.text_arg(ws);
    sql
}

impl<C: Conn> Scope<C> {
    /// The record with this public id.
    pub async fn record(&mut self, table: &Table, id: &str) -> Result<Option<Record>, StoreError> {
        self.record_where(table, &[Filter::Eq("id", Value::from(id))])
            .await
    }

    /// The first record (oldest) matching every filter.
    pub async fn record_where(
        &mut self,
        table: &Table,
        filters: &[Filter],
    ) -> Result<Option<Record>, StoreError> {
        self.first_where(table, filters, Order::OldestFirst).await
    }

    /// The newest record matching every filter.
    pub async fn newest_record_where(
        &mut self,
        table: &Table,
        filters: &[Filter],
    ) -> Result<Option<Record>, StoreError> {
        self.first_where(table, filters, Order::NewestFirst).await
    }

    async fn first_where(
        &mut self,
        table: &Table,
        filters: &[Filter],
        order: Order,
    ) -> Result<Option<Record>, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = base_select(table, ws);
        push_filters(&mut sql, table, ws, filters)?;
        sql.push(match order {
            Order::OldestFirst => " ORDER BY seq LIMIT 1",
            Order::NewestFirst => " ORDER BY seq DESC LIMIT 1",
        });
        let row = sql.query().fetch_optional(&mut *conn).await?;
        row.map(|row| record_from_row(table, row)).transpose()
    }

    /// Every record matching the filters, in insertion order. For small sets only (tags,
    /// segments, data attributes); paged lists use [`Scope::record_page`].
    pub async fn records(
        &mut self,
        table: &Table,
        filters: &[Filter],
    ) -> Result<Vec<Record>, StoreError> {
        self.records_as(table, filters).await
    }

    /// [`records`](Self::records) read into a typed row: a struct whose fields are named as
    /// the table's columns (and `seq`, `id`) takes what it names; other columns are not
    /// decoded.
    pub async fn records_as<T: DeserializeOwned>(
        &mut self,
        table: &Table,
        filters: &[Filter],
    ) -> Result<Vec<T>, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = base_select(table, ws);
        push_filters(&mut sql, table, ws, filters)?;
        sql.push(" ORDER BY seq");
        let rows = sql.query().fetch_all(&mut *conn).await?;
        rows.into_iter()
            .map(|row| crate::row_de::decode(table, row))
            .collect()
    }

    /// For each of `groups`, its newest `limit` records (by insertion) whose `column` is that
    /// group and that match the filters; newest first within a group. One query for a page
    /// of parents, however many records each has.
    pub async fn newest_per_group(
        &mut self,
        table: &Table,
        filters: &[Filter],
        column: &'static str,
        groups: &[String],
        limit: i64,
    ) -> Result<Vec<Record>, StoreError> {
        if groups.is_empty() {
            return Ok(Vec::new());
        }
        column_of(table, column)?;
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(format!(
            "SELECT * FROM (SELECT {}, ROW_NUMBER() OVER (PARTITION BY {column} \
             ORDER BY seq DESC) AS group_rank FROM {} WHERE workspace_id = ",
            select_list(table),
            table.name
        ));
        sql.text_arg(ws);
        push_filters(&mut sql, table, ws, filters)?;
        sql.push(" AND ");
        push_condition(
            &mut sql,
            table,
            ws,
            &Filter::In(
                column,
                groups.iter().map(|g| Value::from(g.as_str())).collect(),
            ),
        )?;
        sql.push(") ranked WHERE group_rank <= ")
            .int_arg(limit)
            .push(" ORDER BY seq DESC");
        let rows = sql.query().fetch_all(&mut *conn).await?;
        rows.into_iter()
            .map(|row| record_from_row(table, row))
            .collect()
    }

    /// The records with these ids, in the order of `ids` (unknown ids are skipped).
    pub async fn records_by_ids(
        &mut self,
        table: &Table,
        ids: &[String],
    ) -> Result<Vec<Record>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (ws, conn) = self.parts();
        let mut sql = base_select(table, ws);
        sql.push(" AND id ").in_list(ids.iter().map(Arg::from));
        let rows = sql.query().fetch_all(&mut *conn).await?;
        let mut by_id: std::collections::HashMap<String, Record> = rows
            .into_iter()
            .map(|row| {
                let record = record_from_row(table, row)?;
                Ok((confab_domain::record::id_of(&record).to_owned(), record))
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// How many records match the filters.
    pub async fn count_records(
        &mut self,
        table: &Table,
        filters: &[Filter],
    ) -> Result<u64, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(format!(
            "SELECT COUNT(*) FROM {} WHERE workspace_id = ",
            table.name
        ));
        sql.text_arg(ws);
        push_filters(&mut sql, table, ws, filters)?;
        let count: i64 = sql.query().fetch_one(&mut *conn).await?.try_get(0)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// One page of the records matching the filters, by keyset on `seq`, so rows inserted
    /// while a client pages neither repeat nor vanish.
    pub async fn record_page(
        &mut self,
        table: &Table,
        filters: &[Filter],
        order: Order,
        request: &CursorRequest,
    ) -> Result<Page<Record>, StoreError> {
        let total = self.count_records(table, filters).await?;
        let (ws, conn) = self.parts();
        let mut sql = base_select(table, ws);
        push_filters(&mut sql, table, ws, filters)?;
        if let Some(cursor) = &request.after {
            let [after] = cursor.int_key::<1>()?;
            sql.push(match order {
                Order::OldestFirst => " AND seq > ",
                Order::NewestFirst => " AND seq < ",
            })
            .int_arg(after);
        }
        sql.push(match order {
            Order::OldestFirst => " ORDER BY seq LIMIT ",
            Order::NewestFirst => " ORDER BY seq DESC LIMIT ",
        })
        .int_arg(request.fetch_limit());
        let rows = sql.query().fetch_all(&mut *conn).await?;
        let records = rows
            .into_iter()
            .map(|row| record_from_row(table, row))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_overfetch(records, request, total, |r| {
            vec![KeyPart::Int(
                confab_domain::record::int_of(r, "seq").unwrap_or_default(),
            )]
        }))
    }

    /// A page of records, by cursor or by page number as the request asks.
    pub async fn record_list_page(
        &mut self,
        table: &Table,
        filters: &[Filter],
        order: Order,
        request: &confab_domain::paging::ListRequest,
    ) -> Result<Page<Record>, StoreError> {
        match request {
            confab_domain::paging::ListRequest::Cursor(cursor) => {
                self.record_page(table, filters, order, cursor).await
            }
            confab_domain::paging::ListRequest::Number(number) => {
                self.record_offset_page(table, filters, order, *number)
                    .await
            }
        }
    }

    /// A page of records by page number (`LIMIT`/`OFFSET`), for the lists Intercom pages that
    /// way.
    pub async fn record_offset_page(
        &mut self,
        table: &Table,
        filters: &[Filter],
        order: Order,
        request: confab_domain::paging::PageNumberRequest,
    ) -> Result<Page<Record>, StoreError> {
        let total = self.count_records(table, filters).await?;
        let (ws, conn) = self.parts();
        let mut sql = base_select(table, ws);
        push_filters(&mut sql, table, ws, filters)?;
        sql.push(match order {
            Order::OldestFirst => " ORDER BY seq LIMIT ",
            Order::NewestFirst => " ORDER BY seq DESC LIMIT ",
        })
        .int_arg(request.limit())
        .push(" OFFSET ")
        .int_arg(request.offset());
        let rows = sql.query().fetch_all(&mut *conn).await?;
        let records = rows
            .into_iter()
            .map(|row| record_from_row(table, row))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_offset(records, request, total))
    }
}

impl Scope<WriteTx> {
    /// Stores a new record with the given column values (others take their defaults) and
    /// returns it as stored, with its new id.
    pub async fn insert_record(
        &mut self,
        table: &Table,
        values: &Record,
        now: i64,
    ) -> Result<Record, StoreError> {
        let (ws, conn) = self.parts();
        let mut columns = String::from("workspace_id, id");
        let mut args = Vec::new();
        for (name, value) in values {
            let column = column_of(table, name)?;
            if matches!(column.name, "id" | "seq") {
                continue;
            }
            columns.push_str(", ");
            columns.push_str(column.name);
            args.push(Arg::for_column(column, value)?);
        }
        let mut full = Sql::new(format!("INSERT INTO {} ({columns}) VALUES (", table.name));
        full.text_arg(ws).push(", ");
        let serial = table.id_style == IdStyle::Serial;
        if serial && conn.backend() == crate::Backend::Sqlite {
            // The one writer knows the next `seq`: one past the largest. The check below
            // catches the one case where AUTOINCREMENT goes further (the newest rows deleted).
            full.push(&format!(
                "(SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS TEXT) FROM {})",
                table.name
            ));
        } else {
            full.text_arg(&ids::object_id(now));
        }
        for arg in args {
            full.push(", ").arg(arg);
        }
        full.push(") RETURNING ").push(&select_list(table));
        let row = full.query().fetch_one(&mut *conn).await?;
        let mut record = record_from_row(table, row)?;
        let seq = confab_domain::record::int_of(&record, "seq").unwrap_or_default();
        if serial && confab_domain::record::id_of(&record) != seq.to_string() {
            let mut update = Sql::new(format!("UPDATE {} SET id = ", table.name));
            update
                .text_arg(&seq.to_string())
                .push(" WHERE seq = ")
                .int_arg(seq);
            update.query().execute(&mut *conn).await?;
            record.insert("id".into(), Value::from(seq.to_string()));
        }
        Ok(record)
    }

    /// Sets the given columns of the record with this id; `false` if there is none.
    pub async fn update_record(
        &mut self,
        table: &Table,
        id: &str,
        values: &Record,
    ) -> Result<bool, StoreError> {
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(format!("UPDATE {} SET ", table.name));
        let mut first = true;
        for (name, value) in values {
            let column = column_of(table, name)?;
            if matches!(column.name, "id" | "seq") {
                continue;
            }
            if !first {
                sql.push(", ");
            }
            first = false;
            sql.push(column.name)
                .push(" = ")
                .arg(Arg::for_column(column, value)?);
        }
        if first {
            return Ok(self.record(table, id).await?.is_some());
        }
        sql.push(" WHERE workspace_id = ")
            .text_arg(ws)
            .push(" AND id = ")
            .text_arg(id);
        Ok(sql.query().execute(&mut *conn).await?.rows_affected() == 1)
    }

    /// Deletes the record with this id and its links (of the table's relations); `false` if there is
    /// none.
    pub async fn delete_record(&mut self, table: &Table, id: &str) -> Result<bool, StoreError> {
        for (relation, side) in table.links {
            self.remove_links(relation, *side, id).await?;
        }
        let (ws, conn) = self.parts();
        let mut sql = Sql::new(format!("DELETE FROM {} WHERE workspace_id = ", table.name));
        sql.text_arg(ws).push(" AND id = ").text_arg(id);
        Ok(sql.query().execute(&mut *conn).await?.rows_affected() == 1)
    }
}
