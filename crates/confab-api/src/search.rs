//! Running a search request for any resource. A resource declares one table of its
//! searchable fields — public name, type, where the value lives — and this module checks the
//! query against it and the workspace's data attributes, lowers it, pages it and answers the
//! matching ids. `POST /contacts/search`, `POST /conversations/search` and segment membership
//! all come through here.

mod segment_refs;

use confab_domain::clock::Timestamp;
use confab_domain::models::{DataModel, DataType};
use confab_domain::paging::{Cursor, CursorRequest, Page};
use confab_domain::record::{Record, Table};
use confab_domain::search::{
    self, CustomAttributeTypes, FieldTable, FieldType, SearchField, SearchRequest,
};
use confab_store::search::{BaseFilter, Order, SearchSchema, Target, WhenLarge};
use confab_store::{Conn, Scope};

use crate::custom_attributes::custom_attributes_of;
use crate::error::{ApiError, ApiResult};
use crate::gate::Ctx;

/// One searchable field: public name, type, and where its value lives.
pub type FieldSpec = (&'static str, FieldType, Target);

/// The domain's half of a field table (names and types).
pub const fn search_fields<const N: usize>(specs: &[FieldSpec; N]) -> [SearchField; N] {
    let mut out = [SearchField::new("", FieldType::String); N];
    let mut i = 0;
    while i < N {
        out[i] = SearchField::new(specs[i].0, specs[i].1);
        i += 1;
    }
    out
}

/// Two field tables as one (`M` = `N` + `K`).
pub const fn concat_fields<const N: usize, const K: usize, const M: usize>(
    first: &[FieldSpec; N],
    second: &[FieldSpec; K],
) -> [FieldSpec; M] {
    assert!(N + K == M, "the joined table's length is the sum of both");
    let mut out = [("", FieldType::String, Target::Column("")); M];
    let mut i = 0;
    while i < N {
        out[i] = first[i];
        i += 1;
    }
    while i < M {
        out[i] = second[i - N];
        i += 1;
    }
    out
}

/// How a search names a custom attribute: `custom_attributes.<name>`.
const CUSTOM_PREFIX: &str = "custom_attributes";

/// The store's half of a field table (names and targets), plus the custom attributes.
pub const fn search_targets<const N: usize, const M: usize>(
    specs: &[FieldSpec; N],
) -> [(&'static str, Target); M] {
    search_targets_in(specs, CUSTOM_PREFIX, "custom_attributes")
}

/// The store's half of a field table, with attributes named `prefix.<key>` read from the
/// JSON object in `column` (tickets: `ticket_attribute.<id>` in `ticket_attributes`).
pub const fn search_targets_in<const N: usize, const M: usize>(
    specs: &[FieldSpec; N],
    prefix: &'static str,
    column: &'static str,
) -> [(&'static str, Target); M] {
    let mut out = [(prefix, Target::CustomAttribute(column)); M];
    let mut i = 0;
    while i < N {
        out[i + 1] = (specs[i].0, specs[i].2);
        i += 1;
    }
    out
}

/// A searchable resource.
pub struct Searchable {
    pub fields: &'static [SearchField],
    pub schema: SearchSchema,
    /// Whose data attributes `custom_attributes.*` names.
    pub model: DataModel,
    pub default_per_page: u32,
    pub max_per_page: u32,
}

fn field_type(data_type: DataType) -> FieldType {
    match data_type {
        DataType::String | DataType::Options => FieldType::String,
        DataType::Integer => FieldType::Integer,
        DataType::Float => FieldType::Float,
        DataType::Boolean => FieldType::Boolean,
        DataType::Date | DataType::Datetime => FieldType::Date,
    }
}

/// Creates the search index of a new data attribute of `model` (decision 0009's index
/// plan), after the attribute is committed. Best effort: search answers the same without
/// it, so a failure is logged and the request still succeeds.
pub async fn index_attribute(
    store: &confab_store::Store,
    model: DataModel,
    name: &str,
    data_type: DataType,
) {
    let indexed = store
        .index_custom_attribute(searchable_of(model), name, field_type(data_type))
        .await;
    if let Err(err) = indexed {
        tracing::warn!(error = %err, attribute = name, "creating a search index failed");
    }
}

fn searchable_of(model: DataModel) -> &'static SearchSchema {
    use crate::resources::{companies, contacts, conversations};
    match model {
        DataModel::Contact => &contacts::search::CONTACTS_SEARCH.schema,
        DataModel::Company => &companies::search::COMPANIES_SEARCH.schema,
        DataModel::Conversation => &conversations::search::CONVERSATIONS_SEARCH.schema,
    }
}

/// Creates the search indexes of every custom data attribute of every workspace that lacks
/// them: attributes declared before an index shape existed (an upgrade), or whose index
/// failed when they were created. Idempotent and cheap when every index exists; run by
/// `confab serve` in the background at start, where `when_large` is
/// [`WhenLarge::Skip`]: only `confab migrate` rewrites a large table to add the value
/// columns PostgreSQL searches read (decision 0053).
pub async fn index_declared_attributes(
    store: &confab_store::Store,
    when_large: WhenLarge,
) -> ApiResult<()> {
    // One index serves every workspace's attribute of the same model, name and type.
    let mut declared: Vec<(DataModel, String, DataType)> = Vec::new();
    for workspace in store.workspaces().await? {
        let mut scope = store.read(&workspace.id).await?;
        for model in [
            DataModel::Contact,
            DataModel::Company,
            DataModel::Conversation,
        ] {
            for attribute in custom_attributes_of(&mut scope, model).await? {
                let key = (attribute.model, attribute.name, attribute.data_type);
                if !declared.contains(&key) {
                    declared.push(key);
                }
            }
        }
    }
    // Every value column a table lacks comes in one table rewrite (PostgreSQL, decision
    // 0053), not one rewrite per attribute.
    for model in [
        DataModel::Contact,
        DataModel::Company,
        DataModel::Conversation,
    ] {
        let attributes: Vec<(&str, FieldType)> = declared
            .iter()
            .filter(|(m, _, _)| *m == model)
            .map(|(_, name, data_type)| (name.as_str(), field_type(*data_type)))
            .collect();
        if !attributes.is_empty() {
            store
                .add_attribute_value_columns(searchable_of(model), &attributes, when_large)
                .await?;
        }
    }
    for (model, name, data_type) in declared {
        index_attribute(store, model, &name, data_type).await;
    }
    // New indexes need planner statistics before the planner trusts them.
    store.optimize().await?;
    Ok(())
}

/// The workspace time a query is read in: its time zone for calendar days and, when the query
/// may name segments, the clock their relative dates (`{"days_ago": N}`) are resolved against.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub time_zone: &'a str,
    /// `None` where the resource has no segments to name.
    pub now: Option<Timestamp>,
}

impl<'a> Calendar<'a> {
    /// The caller's workspace calendar, now by its clock.
    pub fn of(ctx: &'a Ctx) -> Self {
        Self {
            time_zone: &ctx.workspace().timezone,
            now: Some(ctx.now()),
        }
    }
}

/// Checks and lowers `query` for `searchable` (dates to ranges in the workspace's time zone)
/// and replaces each `segment_id` filter with the segment's own definition, `depth` being
/// how many segments deep this query already is.
pub async fn lower_query<C: Conn>(
    scope: &mut Scope<C>,
    searchable: &Searchable,
    query: &search::Query,
    calendar: Calendar<'_>,
    depth: usize,
) -> ApiResult<search::Lowered> {
    // Most searches name no custom attribute, and then need not read their types.
    let names_an_attribute =
        query.any_field(&|field| search::custom_attribute_name(CUSTOM_PREFIX, field).is_some());
    let attributes: Vec<(String, FieldType)> = if names_an_attribute {
        custom_attributes_of(scope, searchable.model)
            .await?
            .into_iter()
            .filter(|a| !a.archived)
            .map(|a| (a.name, field_type(a.data_type)))
            .collect()
    } else {
        Vec::new()
    };
    let lookup = |name: &str| attributes.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
    let lowered = lower_with(
        searchable,
        query,
        CUSTOM_PREFIX,
        &lookup,
        calendar.time_zone,
    )?;
    segment_refs::expand(scope, searchable, lowered, calendar, depth).await
}

/// Checks and lowers `query`, with the attributes named `prefix.<key>` typed by `custom`.
pub fn lower_with(
    searchable: &Searchable,
    query: &search::Query,
    prefix: &'static str,
    custom: &dyn CustomAttributeTypes,
    time_zone: &str,
) -> ApiResult<search::Lowered> {
    let table = FieldTable::new(searchable.fields).with_custom(prefix, custom);
    let zone = search::time_zone(time_zone)?;
    Ok(search::lower(query, &table, &zone)?)
}

/// The page a request asks for, within the resource's page sizes.
pub fn page_request(searchable: &Searchable, request: &SearchRequest) -> ApiResult<CursorRequest> {
    Ok(CursorRequest {
        per_page: request
            .per_page
            .unwrap_or(searchable.default_per_page)
            .clamp(1, searchable.max_per_page),
        after: request
            .starting_after
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(Cursor::decode)
            .transpose()
            .map_err(ApiError::from)?,
    })
}

/// One page of the resource's rows (records of `table`) that match `query` and `base`.
#[allow(clippy::too_many_arguments)]
pub async fn matching_records<C: Conn>(
    scope: &mut Scope<C>,
    table: &Table,
    searchable: &Searchable,
    query: &search::Query,
    base: BaseFilter,
    page: &CursorRequest,
    order: Order,
    calendar: Calendar<'_>,
) -> ApiResult<Page<Record>> {
    let lowered = lower_query(scope, searchable, query, calendar, 0).await?;
    Ok(scope
        .search_records(table, &searchable.schema, &lowered, &base, page, order)
        .await?)
}

/// Runs a search request body (`query`, `pagination`, `sort`) for `searchable`, within
/// `base`: one page of the matching records of `table`, in the order asked for. For
/// resources whose queries cannot name segments; see [`run_in`].
pub async fn run<C: Conn>(
    scope: &mut Scope<C>,
    table: &Table,
    searchable: &Searchable,
    body: &serde_json::Value,
    version: confab_domain::ApiVersion,
    time_zone: &str,
    base: BaseFilter,
) -> ApiResult<Page<Record>> {
    let calendar = Calendar {
        time_zone,
        now: None,
    };
    run_with(scope, table, searchable, body, version, calendar, base).await
}

/// [`run`] in the caller's workspace calendar, so the query may name segments.
pub async fn run_in<C: Conn>(
    scope: &mut Scope<C>,
    table: &Table,
    searchable: &Searchable,
    body: &serde_json::Value,
    ctx: &Ctx,
    base: BaseFilter,
) -> ApiResult<Page<Record>> {
    run_with(
        scope,
        table,
        searchable,
        body,
        ctx.version,
        Calendar::of(ctx),
        base,
    )
    .await
}

async fn run_with<C: Conn>(
    scope: &mut Scope<C>,
    table: &Table,
    searchable: &Searchable,
    body: &serde_json::Value,
    version: confab_domain::ApiVersion,
    calendar: Calendar<'_>,
    base: BaseFilter,
) -> ApiResult<Page<Record>> {
    let request = search::parse_request(body, version)?;
    let order = searchable.schema.order(request.sort.as_ref())?;
    let page = page_request(searchable, &request)?;
    matching_records(
        scope,
        table,
        searchable,
        &request.query,
        base,
        &page,
        order,
        calendar,
    )
    .await
}
