//! Running a search request for any resource. A resource declares one table of its
//! searchable fields — public name, type, where the value lives — and this module checks the
//! query against it and the workspace's data attributes, lowers it, pages it and answers the
//! matching ids. `POST /contacts/search`, `POST /conversations/search` and segment membership
//! all come through here.

use confab_domain::models::{DataModel, DataType};
use confab_domain::paging::{Cursor, CursorRequest, Page};
use confab_domain::search::{
    self, CustomAttributeTypes, FieldTable, FieldType, SearchField, SearchRequest,
};
use confab_store::search::{BaseFilter, Order, SearchSchema, Target};
use confab_store::{Conn, Scope};

use crate::custom_attributes::custom_attributes_of;
use crate::error::{ApiError, ApiResult};

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

/// The store's half of a field table (names and targets), plus the custom attributes.
pub const fn search_targets<const N: usize, const M: usize>(
    specs: &[FieldSpec; N],
) -> [(&'static str, Target); M] {
    search_targets_in(specs, "custom_attributes", "custom_attributes")
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

/// Checks and lowers `query` (dates to ranges in the workspace's time zone).
fn lower(
    searchable: &Searchable,
    query: &search::Query,
    attributes: &[(String, FieldType)],
    time_zone: &str,
) -> ApiResult<search::Lowered> {
    let lookup = |name: &str| attributes.iter().find(|(n, _)| n == name).map(|(_, t)| *t);
    lower_with(searchable, query, "custom_attributes", &lookup, time_zone)
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

/// One page of the ids of the resource's rows that match `query` and `base`.
pub async fn matching_ids<C: Conn>(
    scope: &mut Scope<C>,
    searchable: &Searchable,
    query: &search::Query,
    base: BaseFilter,
    page: &CursorRequest,
    order: Order,
    time_zone: &str,
) -> ApiResult<Page<String>> {
    let attributes: Vec<(String, FieldType)> = custom_attributes_of(scope, searchable.model)
        .await?
        .into_iter()
        .filter(|a| !a.archived)
        .map(|a| (a.name, field_type(a.data_type)))
        .collect();
    let lowered = lower(searchable, query, &attributes, time_zone)?;
    Ok(scope
        .search_ids(&searchable.schema, &lowered, &base, page, order)
        .await?)
}

/// Runs a search request body (`query`, `pagination`, `sort`) for `searchable`, within
/// `base`: one page of matching ids, in the order asked for.
pub async fn run<C: Conn>(
    scope: &mut Scope<C>,
    searchable: &Searchable,
    body: &serde_json::Value,
    version: confab_domain::ApiVersion,
    time_zone: &str,
    base: BaseFilter,
) -> ApiResult<Page<String>> {
    let request = search::parse_request(body, version)?;
    let order = searchable.schema.order(request.sort.as_ref())?;
    let page = page_request(searchable, &request)?;
    matching_ids(
        scope,
        searchable,
        &request.query,
        base,
        &page,
        order,
        time_zone,
    )
    .await
}
