//! [`Lowered`] → a sea-query [`Condition`], one code path for SQLite and PostgreSQL: only the
//! JSON accessors for custom attributes differ, and they are written once per dialect here.
//! Every user value becomes a bound parameter.

use confab_domain::search::{FieldType, Lowered, Predicate, Scalar, SearchTarget, Test};
use confab_domain::{DomainError, ErrorCode};
use sea_query::{Alias, Cond, Condition, Expr, Func, Query, SelectStatement, SimpleExpr};

use super::slices::SliceBy;
use super::{BaseFilter, SearchSchema, Target, RELATED};
use crate::Backend;

/// The name the link table goes by inside a search's subqueries.
const LINKS: &str = "search_links";

/// Compiles lowered queries against one schema, for one backend and workspace.
pub(super) struct Compiler<'a> {
    pub backend: Backend,
    pub schema: &'a SearchSchema,
    pub workspace: &'a str,
    /// The attribute value columns the table has (PostgreSQL, decision 0053): an attribute
    /// with one is read from it rather than from its JSON.
    pub value_columns: &'a [String],
}

impl Compiler<'_> {
    /// The condition `query` stands for.
    pub fn condition(&self, query: &Lowered) -> Result<Condition, DomainError> {
        Ok(match query {
            Lowered::And(children) => children.iter().try_fold(Cond::all(), |cond, c| {
                Ok::<_, DomainError>(cond.add(self.condition(c)?))
            })?,
            // sea-query drops an empty group, which would match every row.
            Lowered::Or(children) if children.is_empty() => Cond::all().add(Expr::cust("1 = 0")),
            Lowered::Or(children) => children.iter().try_fold(Cond::any(), |cond, c| {
                Ok::<_, DomainError>(cond.add(self.condition(c)?))
            })?,
            Lowered::Pred(predicate) => self.predicate(predicate)?,
            Lowered::Within { query, negated } => self.within(query, *negated)?,
        })
    }

    /// The rows of the workspace that `query` and `base` find. The query's own tests come
    /// before the base filter's: SQLite tests a row's terms in the order written and stops
    /// at the first that fails, and a query's tests reject most rows, where the base filter
    /// passes nearly all of them (decision 0048).
    pub fn matches(&self, query: &Lowered, base: &BaseFilter) -> Result<Condition, DomainError> {
        Ok(Cond::all()
            .add(Expr::expr(self.column("workspace_id")).eq(self.workspace))
            .add(self.condition(query)?)
            .add(base.condition(self)))
    }

    /// Whether `query`'s best plan turns on its values, so PostgreSQL should plan it per
    /// call rather than reuse a generic plan: a text pattern matches anything from one row to
    /// every row, and a tag or segment may hold five contacts or fifty thousand. Equality and
    /// ranges keep their cached plan, which saves the planning (about 0.5 ms a statement on
    /// `contacts`, with its many indexes).
    pub fn values_decide_plan(&self, query: &Lowered) -> bool {
        any_predicate(query, true, &|p| {
            is_text_pattern(&p.test)
                || matches!(
                    self.target(&p.target),
                    Ok(Target::Link { .. } | Target::Related { .. })
                )
        })
    }

    /// Whether `query` can only match the few rows it names: in every branch, an `=` or
    /// `IN` on the id column or on one of the schema's
    /// [`unique_columns`](super::SearchSchema::unique_columns). Such a test folds case, so a
    /// value may meet a few rows whose stored values differ only in case; still a handful.
    pub fn names_its_rows(&self, query: &Lowered) -> bool {
        match query {
            Lowered::And(children) => children.iter().any(|c| self.names_its_rows(c)),
            Lowered::Or(children) => children.iter().all(|c| self.names_its_rows(c)),
            Lowered::Within { .. } => false,
            Lowered::Pred(p) => {
                matches!(p.test, Test::Eq(_) | Test::In(_))
                    && matches!(self.target(&p.target), Ok(Target::Column(column))
                        if column == self.schema.id_column
                            || self.schema.unique_columns.contains(&column))
            }
        }
    }

    /// The column whose ranges split `query`'s count across SQLite read connections
    /// ([`super::slices`]), if a conjunct of the query puts the count's walk in that column's
    /// order: a positive pattern (`~`, `^`, `$`) on one of the schema's
    /// [`pattern_index_columns`](super::SearchSchema::pattern_index_columns) walks that
    /// column's index; an `=` or `IN` on a custom attribute walks the attribute's index (if
    /// the schema has [`attribute_indexes`](super::SearchSchema::attribute_indexes)), which
    /// orders each value's rows by the default order column. A pattern wins, as its
    /// index holds every row. PostgreSQL splits its own scans among parallel workers.
    pub fn count_slices_by(&self, query: &Lowered) -> Option<SliceBy> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let conjuncts = match query {
            Lowered::And(children) => children.as_slice(),
            other => std::slice::from_ref(other),
        };
        let mut by = None;
        for c in conjuncts {
            let Lowered::Pred(p) = c else { continue };
            match (self.target(&p.target), &p.test) {
                (
                    Ok(Target::Column(column)),
                    Test::Contains(_) | Test::StartsWith(_) | Test::EndsWith(_),
                ) if self.schema.pattern_index_columns.contains(&column) => {
                    return Some(SliceBy::Text(column));
                }
                (Ok(Target::CustomAttribute(_)), Test::Eq(_) | Test::In(_))
                    if self.schema.attribute_indexes =>
                {
                    by = Some(SliceBy::Order);
                }
                _ => {}
            }
        }
        by
    }

    /// A count PostgreSQL answers faster as the sum of two disjoint counts (decision 0053):
    /// `A AND (B OR C…)`, where A holds an `=` or `IN` on an attribute read from its value
    /// column and B tests the default order column, becomes `A AND B` plus
    /// `A AND NOT B AND (C…)`. Each part is then a range of one of the attribute's indexes
    /// (the second led by a [`attribute_range_columns`](super::SearchSchema::attribute_range_columns)
    /// column), read from the index alone; the `OR` made PostgreSQL read every entry of the
    /// attribute's value. The order column is never NULL, so `NOT B` holds exactly where B
    /// does not, and no row is counted twice.
    pub fn count_parts(
        &self,
        query: &Lowered,
        base: &BaseFilter,
    ) -> Result<Option<[Condition; 2]>, DomainError> {
        let Lowered::And(conjuncts) = query else {
            return Ok(None);
        };
        if self.schema.attribute_range_columns.is_empty()
            || !conjuncts.iter().any(|c| self.finds_by_value_column(c))
        {
            return Ok(None);
        }
        let split = conjuncts.iter().enumerate().find_map(|(at, c)| match c {
            Lowered::Or(branches) => branches
                .iter()
                .position(|b| self.tests_order(b))
                .map(|by_order| (at, branches, by_order)),
            _ => None,
        });
        let Some((at, branches, by_order)) = split else {
            return Ok(None);
        };
        let mut rest = conjuncts.clone();
        rest.remove(at);
        let order_test = &branches[by_order];
        let mut others = branches.clone();
        others.remove(by_order);
        let mut first = rest.clone();
        first.push(order_test.clone());
        let mut second = rest;
        second.push(Lowered::Or(others));
        Ok(Some([
            self.matches(&Lowered::And(first), base)?,
            self.matches(&Lowered::And(second), base)?
                .add(self.condition(order_test)?.not()),
        ]))
    }

    /// Whether `query` is an `=` or `IN` on an attribute read from its value column.
    fn finds_by_value_column(&self, query: &Lowered) -> bool {
        let Lowered::Pred(p) = query else {
            return false;
        };
        let Ok(Target::CustomAttribute(json)) = self.target(&p.target) else {
            return false;
        };
        matches!(p.test, Test::Eq(_) | Test::In(_))
            && self
                .value_column(json, custom_name(&p.target), p.ty)
                .is_some()
    }

    /// Whether `query` is a test of the default order column.
    fn tests_order(&self, query: &Lowered) -> bool {
        let Lowered::Pred(p) = query else {
            return false;
        };
        matches!(self.target(&p.target), Ok(Target::Column(c)) if c == self.schema.default_order.column)
    }

    /// Whether `query` tests a text pattern (`~`, `!~`, `^`, `$`) outside a segment.
    pub fn has_text_pattern(&self, query: &Lowered) -> bool {
        any_predicate(query, false, &|p| is_text_pattern(&p.test))
    }

    /// `id [NOT] IN (SELECT id FROM table WHERE workspace AND query)`. The subquery names
    /// the same table, which hides the outer one inside it, so `query`'s columns (written
    /// `table.column`) refer to the subquery's rows.
    fn within(&self, query: &Lowered, negated: bool) -> Result<Condition, DomainError> {
        let mut sub = Query::select();
        sub.expr(self.column(self.schema.id_column))
            .from(Alias::new(self.schema.table))
            .cond_where(
                Cond::all()
                    .add(Expr::expr(self.column("workspace_id")).eq(self.workspace))
                    .add(self.condition(query)?),
            );
        let id = Expr::expr(self.column(self.schema.id_column));
        Ok(Cond::all().add(if negated {
            id.not_in_subquery(sub)
        } else {
            id.in_subquery(sub)
        }))
    }

    /// A column of the searched table.
    pub fn column(&self, column: &'static str) -> SimpleExpr {
        Expr::col((Alias::new(self.schema.table), Alias::new(column))).into()
    }

    /// The stored, folded copy of `column` that case-insensitive tests read instead of
    /// `LOWER(column)`, if the schema has one on this backend
    /// ([`SearchSchema::folded_copies`](super::SearchSchema::folded_copies)).
    fn folded_copy(&self, column: &str) -> Option<&'static str> {
        match self.backend {
            Backend::Postgres => self
                .schema
                .folded_copies
                .iter()
                .find_map(|(c, copy)| (*c == column).then_some(*copy)),
            Backend::Sqlite => None,
        }
    }

    fn predicate(&self, p: &Predicate) -> Result<Condition, DomainError> {
        let fold = if p.ty == FieldType::String {
            Fold::Both
        } else {
            Fold::Exact
        };
        match self.target(&p.target)? {
            Target::Column(column) => match (fold, self.folded_copy(column)) {
                (Fold::Both, Some(copy)) => {
                    test(self.backend, self.column(copy), &p.test, Fold::Values)
                }
                _ => test(self.backend, self.column(column), &p.test, fold),
            },
            Target::CustomAttribute(json) => {
                let name = custom_name(&p.target);
                match self.value_column(json, name, p.ty) {
                    // Written already folded, as a folded copy is.
                    Some(column) => {
                        let fold = if fold == Fold::Both {
                            Fold::Values
                        } else {
                            fold
                        };
                        let column = Expr::col((Alias::new(self.schema.table), Alias::new(column)));
                        test(self.backend, column.into(), &p.test, fold)
                    }
                    None => test(
                        self.backend,
                        self.attribute(json, name, p.ty),
                        &p.test,
                        fold,
                    ),
                }
            }
            Target::JsonKey { column, key } => {
                let value = self.attribute(column, key, p.ty);
                test(self.backend, value, &p.test, fold)
            }
            Target::Computed(sql) => {
                test(self.backend, Expr::cust(format!("({sql})")), &p.test, fold)
            }
            Target::Link { relation } => self.link(relation, &p.test, fold),
            Target::Segment => Err(DomainError::with_message(
                ErrorCode::ParameterInvalid,
                "a segment must be resolved to its definition before it is searched",
            )),
            Target::Related {
                table,
                owner,
                value,
                only,
            } => self.related([table, owner, value, only], &p.test, fold),
        }
    }

    fn target(&self, target: &SearchTarget) -> Result<Target, DomainError> {
        let found = match target {
            SearchTarget::Field(name) => self
                .schema
                .fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, t)| *t),
            SearchTarget::Custom(_) => self
                .schema
                .fields
                .iter()
                .map(|(_, t)| *t)
                .find(|t| matches!(t, Target::CustomAttribute(_))),
        };
        found.ok_or_else(|| {
            let name = match target {
                SearchTarget::Field(name) => (*name).to_owned(),
                SearchTarget::Custom(name) => format!("custom_attributes.{name}"),
            };
            DomainError::with_message(
                ErrorCode::ParameterInvalid,
                format!("{name} is not a searchable field"),
            )
            .field(name)
        })
    }

    /// The value columns `query`'s custom attribute tests would read, where the table has
    /// them.
    pub fn wanted_value_columns(&self, query: &Lowered) -> Vec<String> {
        let mut found = Vec::new();
        each_predicate(query, &mut |p| {
            if let Ok(Target::CustomAttribute(json)) = self.target(&p.target) {
                let column = super::attribute_index::value_column(
                    self.backend,
                    json,
                    custom_name(&p.target),
                    p.ty,
                );
                if let Some(column) = column.filter(|c| !found.contains(c)) {
                    found.push(column);
                }
            }
        });
        found
    }

    fn value_column(&self, json: &'static str, name: &str, ty: FieldType) -> Option<String> {
        super::attribute_index::value_column(self.backend, json, name, ty)
            .filter(|column| self.value_columns.contains(column))
    }

    /// The typed value of a custom attribute, or NULL when it is missing or of another JSON
    /// type (so a stored `"abc"` never meets a numeric comparison). The key is written into
    /// the SQL as a quoted literal, so an expression index on the same text serves it
    /// ([`attribute_sql`]); a name that cannot be a literal is bound instead. On PostgreSQL it
    /// is read from the jsonb copy ([`attribute_column`]).
    fn attribute(&self, json: &'static str, name: &str, ty: FieldType) -> SimpleExpr {
        let json = attribute_column(self.backend, json);
        let column = self.column(json);
        let qualified = format!("\"{}\".\"{json}\"", self.schema.table);
        if let Some(sql) = attribute_sql(self.backend, &qualified, name, ty) {
            return Expr::cust(sql);
        }
        let (template, key) = attribute_template(self.backend, name, ty);
        let key: SimpleExpr = Expr::val(key).into();
        Expr::cust_with_exprs(template, [column.clone(), key.clone(), column, key])
    }

    /// `SELECT 1 FROM links` of `relation` whose right side is the row.
    pub fn links_to(&self, relation: &'static str) -> sea_query::SelectStatement {
        let links = Alias::new(LINKS);
        let mut sub = Query::select();
        sub.expr(Expr::val(1))
            .from_as(Alias::new("links"), links.clone())
            .and_where(Expr::col((links.clone(), Alias::new("workspace_id"))).eq(self.workspace))
            .and_where(Expr::col((links.clone(), Alias::new("relation"))).eq(relation))
            .and_where(Expr::col((links, Alias::new("right_id"))).equals((
                Alias::new(self.schema.table),
                Alias::new(self.schema.id_column),
            )));
        sub
    }

    /// Membership in the rows of `table` whose `owner` is the searched row and that pass
    /// `only`, by their `value`.
    fn related(
        &self,
        [table, owner, value, only]: [&'static str; 4],
        t: &Test,
        fold: Fold,
    ) -> Result<Condition, DomainError> {
        let related = Alias::new(RELATED);
        let mut sub = Query::select();
        sub.expr(Expr::val(1))
            .from_as(Alias::new(table), related.clone())
            .and_where(Expr::col((related.clone(), Alias::new("workspace_id"))).eq(self.workspace))
            .and_where(Expr::col((related.clone(), Alias::new(owner))).equals((
                Alias::new(self.schema.table),
                Alias::new(self.schema.id_column),
            )))
            .and_where(Expr::cust(only));
        let value: SimpleExpr = Expr::col((related, Alias::new(value))).into();
        membership(self.backend, sub, value, t, fold)
    }

    /// Membership through the link table, as `id [NOT] IN (SELECT left_id FROM links …)`:
    /// uncorrelated, so the `links_right` index (`workspace_id, relation, right_id, left_id`)
    /// finds the linked rows once instead of being probed per searched row.
    fn link(&self, relation: &'static str, t: &Test, fold: Fold) -> Result<Condition, DomainError> {
        let links = Alias::new(LINKS);
        let mut sub = Query::select();
        sub.expr(Expr::col((links.clone(), Alias::new("left_id"))))
            .from_as(Alias::new("links"), links.clone())
            .and_where(Expr::col((links.clone(), Alias::new("workspace_id"))).eq(self.workspace))
            .and_where(Expr::col((links.clone(), Alias::new("relation"))).eq(relation));
        let right: SimpleExpr = Expr::col((links, Alias::new("right_id"))).into();
        let (positive, negated) = positive_form(t);
        if let Some(positive) = positive {
            sub.cond_where(test(self.backend, right, &positive, fold)?);
        }
        // `left_id` is NOT NULL, so `NOT IN` is the exact complement of `IN`.
        let id = Expr::expr(self.column(self.schema.id_column));
        Ok(Cond::all().add(if negated {
            id.not_in_subquery(sub)
        } else {
            id.in_subquery(sub)
        }))
    }
}

/// Whether some predicate of `query` passes `found`; a segment (`Within`) counts as
/// `within`, without looking inside it.
fn any_predicate(query: &Lowered, within: bool, found: &impl Fn(&Predicate) -> bool) -> bool {
    match query {
        Lowered::And(children) | Lowered::Or(children) => {
            children.iter().any(|c| any_predicate(c, within, found))
        }
        Lowered::Within { .. } => within,
        Lowered::Pred(p) => found(p),
    }
}

fn each_predicate<'q>(query: &'q Lowered, found: &mut impl FnMut(&'q Predicate)) {
    match query {
        Lowered::And(children) | Lowered::Or(children) => {
            children.iter().for_each(|c| each_predicate(c, found));
        }
        Lowered::Within { query, .. } => each_predicate(query, found),
        Lowered::Pred(p) => found(p),
    }
}

/// The attribute name a custom attribute target names.
fn custom_name(target: &SearchTarget) -> &str {
    match target {
        SearchTarget::Custom(name) => name.as_str(),
        SearchTarget::Field(name) => name,
    }
}

fn is_text_pattern(t: &Test) -> bool {
    matches!(
        t,
        Test::Contains(_) | Test::NotContains(_) | Test::StartsWith(_) | Test::EndsWith(_)
    )
}

/// A membership test as its positive form (`None`: any member at all) and whether the
/// result is negated: `!=`, `NIN` and `!~` hold where no member passes `=`, `IN`, `~`.
fn positive_form(t: &Test) -> (Option<Test>, bool) {
    match t {
        Test::IsNull => (None, true),
        Test::NotNull => (None, false),
        Test::Ne(v) => (Some(Test::Eq(v.clone())), true),
        Test::Nin(vs) => (Some(Test::In(vs.clone())), true),
        Test::NotContains(s) => (Some(Test::Contains(s.clone())), true),
        other => (Some(other.clone()), false),
    }
}

/// How a test on strings ignores case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fold {
    /// It does not: the field is not a string.
    Exact,
    /// The column and the values are both `LOWER`ed.
    Both,
    /// The column is a copy folded when it was written ([`Compiler::folded_copy`]); only the values
    /// are `LOWER`ed.
    Values,
}

/// The column a custom (or ticket) attribute search reads: on PostgreSQL the generated jsonb
/// copy of the JSON text (migration 0016, decision 0040), so no row is parsed again; on
/// SQLite the text itself, which its JSON functions read in place.
pub(super) fn attribute_column(backend: Backend, json: &'static str) -> &'static str {
    match (backend, json) {
        (Backend::Postgres, "custom_attributes") => "custom_attributes_jsonb",
        (Backend::Postgres, "ticket_attributes") => "ticket_attributes_jsonb",
        _ => json,
    }
}

/// The SQL of a custom attribute's typed value (see `Compiler::attribute`) for `column`
/// (SQL text naming the JSON column), with the key as a literal: the compiler's expression
/// and the index `Store::index_custom_attribute` creates are this same text. `None` when
/// the name holds a control character, which stays a bound value.
pub(super) fn attribute_sql(
    backend: Backend,
    column: &str,
    name: &str,
    ty: FieldType,
) -> Option<String> {
    if name.chars().any(char::is_control) {
        return None;
    }
    let (template, key) = attribute_template(backend, name, ty);
    let key = format!("'{}'", key.replace('\'', "''"));
    let mut out = String::with_capacity(template.len() + 2 * (column.len() + key.len()));
    let mut chars = template.chars().peekable();
    let mut slot = 0;
    while let Some(c) = chars.next() {
        let placeholder = match backend {
            Backend::Sqlite => c == '?',
            Backend::Postgres => c == '$' && chars.peek().is_some_and(char::is_ascii_digit),
        };
        if !placeholder {
            out.push(c);
            continue;
        }
        if backend == Backend::Postgres {
            chars.next();
        }
        // The templates name the column and the key alternately: column, key, column, key.
        out.push_str(if slot % 2 == 0 { column } else { &key });
        slot += 1;
    }
    Some(out)
}

/// A custom attribute's typed-value template, with four placeholders (column, key, column,
/// key), and the key as the backend's JSON accessor takes it.
fn attribute_template(backend: Backend, name: &str, ty: FieldType) -> (&'static str, String) {
    match (backend, ty) {
        (Backend::Sqlite, FieldType::Boolean) => (
            "CASE json_type(?, ?) WHEN 'true' THEN 1 WHEN 'false' THEN 0 END",
            format!("$.\"{name}\""),
        ),
        (
            Backend::Sqlite,
            FieldType::Integer | FieldType::Float | FieldType::Date | FieldType::Timestamp,
        ) => (
            "CASE WHEN json_type(?, ?) IN ('integer', 'real') THEN json_extract(?, ?) END",
            format!("$.\"{name}\""),
        ),
        (Backend::Sqlite, _) => (
            "CASE WHEN json_type(?, ?) = 'text' THEN json_extract(?, ?) END",
            format!("$.\"{name}\""),
        ),
        (Backend::Postgres, FieldType::Boolean) => (
            "CASE jsonb_typeof(($1)::jsonb -> $2) WHEN 'boolean' THEN \
             CASE WHEN (($3)::jsonb -> $4) = 'true'::jsonb THEN 1 ELSE 0 END END",
            name.to_owned(),
        ),
        (
            Backend::Postgres,
            FieldType::Integer | FieldType::Float | FieldType::Date | FieldType::Timestamp,
        ) => (
            "CASE WHEN jsonb_typeof(($1)::jsonb -> $2) = 'number' \
             THEN (($3)::jsonb ->> $4)::numeric END",
            name.to_owned(),
        ),
        (Backend::Postgres, _) => (
            "CASE WHEN jsonb_typeof(($1)::jsonb -> $2) = 'string' \
             THEN ($3)::jsonb ->> $4 END",
            name.to_owned(),
        ),
    }
}

/// Whether some row of `sub` (the rows belonging to the searched row) has a `value` passing
/// `t`: positive tests are `EXISTS`, negative ones `NOT EXISTS` of the positive form.
fn membership(
    backend: Backend,
    mut sub: SelectStatement,
    value: SimpleExpr,
    t: &Test,
    fold: Fold,
) -> Result<Condition, DomainError> {
    let (positive, negated) = positive_form(t);
    if let Some(positive) = positive {
        sub.cond_where(test(backend, value, &positive, fold)?);
    }
    let exists = Cond::all().add(Expr::exists(sub));
    Ok(if negated { exists.not() } else { exists })
}

/// `value` passes `t`. Negative tests also hold where the value is missing, as Intercom's
/// search (a "must not" over indexed documents) matches rows that lack the field.
fn test(
    backend: Backend,
    value: SimpleExpr,
    t: &Test,
    fold: Fold,
) -> Result<Condition, DomainError> {
    let like = |lhs: Expr, pattern: String| like(backend, lhs, &pattern);
    let lower = |e: SimpleExpr, yes: bool| -> Expr {
        if yes {
            Expr::expr(Func::lower(e))
        } else {
            Expr::expr(e)
        }
    };
    let bound = |s: &Scalar| -> SimpleExpr { lower(bind(backend, s), fold != Fold::Exact).into() };
    let lhs = || lower(value.clone(), fold == Fold::Both);
    // SQLite's LIKE already ignores ASCII case, and its LOWER folds only ASCII, so folding
    // there changes no answer; it only costs a call and a copy per row, and it would keep
    // the scan off an index that covers the bare column (migration 0018, decision 0042).
    let pattern_lhs = || match backend {
        Backend::Sqlite => Expr::expr(value.clone()),
        Backend::Postgres => lhs(),
    };
    let missing = || Expr::expr(value.clone()).is_null();
    let or_missing = |c: SimpleExpr| Cond::any().add(missing()).add(c);
    let cond = |c: SimpleExpr| Cond::all().add(c);
    Ok(match t {
        Test::IsNull => cond(missing()),
        Test::NotNull => cond(Expr::expr(value.clone()).is_not_null()),
        Test::Eq(v) => cond(lhs().eq(bound(v))),
        Test::Ne(v) => or_missing(lhs().ne(bound(v))),
        Test::In(vs) => cond(lhs().is_in(vs.iter().map(bound))),
        Test::Nin(vs) => or_missing(lhs().is_not_in(vs.iter().map(bound))),
        Test::Lt(v) => cond(lhs().lt(bound(v))),
        Test::Gt(v) => cond(lhs().gt(bound(v))),
        Test::Le(v) => cond(lhs().lte(bound(v))),
        Test::Ge(v) => cond(lhs().gte(bound(v))),
        Test::Range { from, until } => {
            let mut c = Cond::all().add(Expr::expr(value.clone()).is_not_null());
            if let Some(from) = from {
                c = c.add(Expr::expr(value.clone()).gte(bind(backend, &Scalar::Int(*from))));
            }
            if let Some(until) = until {
                c = c.add(Expr::expr(value.clone()).lt(bind(backend, &Scalar::Int(*until))));
            }
            c
        }
        Test::Contains(s) => cond(like(pattern_lhs(), format!("%{}%", escape_like(s)))),
        Test::NotContains(s) => {
            or_missing(like(pattern_lhs(), format!("%{}%", escape_like(s))).not())
        }
        Test::StartsWith(s) => cond(like(pattern_lhs(), format!("{}%", escape_like(s)))),
        Test::EndsWith(s) => cond(like(pattern_lhs(), format!("%{}", escape_like(s)))),
    })
}

/// `lhs LIKE pattern ESCAPE '\'`. On PostgreSQL, whose LIKE minds case, the pattern is
/// `LOWER`ed by the database, so it folds as the `LOWER`ed column does. SQLite's LIKE ignores
/// ASCII case, which is all its `LOWER` folds: neither side is folded there.
fn like(backend: Backend, lhs: Expr, pattern: &str) -> SimpleExpr {
    let template = match backend {
        Backend::Sqlite => "? LIKE ? ESCAPE '\\'",
        Backend::Postgres => "$1 LIKE LOWER($2) ESCAPE '\\'",
    };
    Expr::cust_with_exprs(
        template,
        [SimpleExpr::from(lhs), Expr::val(pattern.to_owned()).into()],
    )
}

/// A scalar as a bound value; booleans are stored as 0/1 integers on both backends.
///
/// On PostgreSQL numbers are cast in the SQL text: statements are prepared and cached by
/// their text, so an integer and a float bound to the same text would meet a parameter
/// already typed by the other. SQLite binds each value with its own type and needs no cast;
/// a cast there also kept the planner from the attribute index once a cursor condition
/// joined the query (a cursor walk at 1,000,000 contacts read the order index instead).
fn bind(backend: Backend, s: &Scalar) -> SimpleExpr {
    let cast = |template: &'static str, v: SimpleExpr| match backend {
        Backend::Sqlite => v,
        Backend::Postgres => Expr::cust_with_exprs(template, [v]),
    };
    const BIGINT: &str = "CAST($1 AS BIGINT)";
    const DOUBLE: &str = "CAST($1 AS DOUBLE PRECISION)";
    match s {
        Scalar::Str(s) => Expr::val(s.clone()).into(),
        Scalar::Int(i) => cast(BIGINT, Expr::val(*i).into()),
        Scalar::Float(f) => cast(DOUBLE, Expr::val(*f).into()),
        Scalar::Bool(b) => cast(BIGINT, Expr::val(i64::from(*b)).into()),
    }
}

/// `s` with LIKE's wildcards and the escape character taken literally.
pub(super) fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
