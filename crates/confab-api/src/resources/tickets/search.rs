//! `POST /tickets/search`: the tickets' searchable fields and where each lives, run through
//! the one search engine (`crate::search`). Tickets are conversation rows with a ticket type
//! (decision 0021), so the conversation's computed fields (`open`, `teammate_ids`) are
//! shared; what is the ticket's own — its category, state and attributes — is computed from
//! the ticket type, the ticket state and `ticket_attributes` by the database (decision 0027).

use axum::extract::State;
use confab_domain::models::DataModel;
use confab_domain::record::relation::CONVERSATION_CONTACT;
use confab_domain::record::{flag_of, id_of, int_of, text_of, Record};
use confab_domain::search::{
    self, FieldType, Lowered, Predicate, Scalar, SearchField, SearchTarget, Test,
};
use confab_domain::tables::{CONVERSATIONS, TICKET_TYPE_ATTRIBUTES};
use confab_store::search::{BaseFilter, Order, SearchSchema, Target};
use serde_json::Value;

use super::render_tickets;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::gate::Ctx;
use crate::paging::{named_list_body, ListBody};
use crate::resources::conversations::search::computed;
use crate::search::{
    lower_with, page_request, search_fields, search_targets_in, FieldSpec, Searchable,
};
use crate::state::AppState;

/// The prefix of a ticket attribute's field: `ticket_attribute.<attribute id>`.
const ATTRIBUTE_PREFIX: &str = "ticket_attribute";

/// Search names for the type categories, as Intercom's search spells them.
const CATEGORY: &str = "SELECT CASE search_type.category \
     WHEN 'Customer' THEN 'request' WHEN 'Back-office' THEN 'task' WHEN 'Tracker' THEN 'tracker' END \
     FROM ticket_types search_type \
     WHERE search_type.workspace_id = conversations.workspace_id \
     AND search_type.id = CAST(conversations.ticket_type_id AS TEXT)";

/// The category of the ticket's state (`submitted`, `in_progress`, …).
const STATE: &str = "SELECT search_state.category FROM ticket_states search_state \
     WHERE search_state.workspace_id = conversations.workspace_id \
     AND search_state.id = CAST(conversations.ticket_state_id AS TEXT)";

/// Ticket times compare to the second (`created_at` takes `<=`/`>=`, as the spec says);
/// assignees are strings, `"0"` when unassigned, as a ticket shows them.
const FIELDS: [FieldSpec; 14] = [
    ("id", FieldType::Id, Target::Column("id")),
    (
        "created_at",
        FieldType::Timestamp,
        Target::Column("created_at"),
    ),
    (
        "updated_at",
        FieldType::Timestamp,
        Target::Column("updated_at"),
    ),
    (
        "title",
        FieldType::String,
        Target::JsonKey {
            column: "ticket_attributes",
            key: "_default_title_",
        },
    ),
    (
        "description",
        FieldType::String,
        Target::JsonKey {
            column: "ticket_attributes",
            key: "_default_description_",
        },
    ),
    ("category", FieldType::String, Target::Computed(CATEGORY)),
    (
        "ticket_type_id",
        FieldType::Id,
        Target::Computed("CAST(conversations.ticket_type_id AS TEXT)"),
    ),
    (
        "contact_ids",
        FieldType::Id,
        Target::Link {
            relation: CONVERSATION_CONTACT,
        },
    ),
    ("teammate_ids", FieldType::Id, computed::TEAMMATES),
    (
        "admin_assignee_id",
        FieldType::Id,
        Target::Computed("COALESCE(CAST(conversations.admin_assignee_id AS TEXT), '0')"),
    ),
    (
        "team_assignee_id",
        FieldType::Id,
        Target::Computed("COALESCE(CAST(conversations.team_assignee_id AS TEXT), '0')"),
    ),
    ("open", FieldType::Boolean, computed::OPEN),
    ("state", FieldType::String, Target::Computed(STATE)),
    (
        "snoozed_until",
        FieldType::Timestamp,
        Target::Column("snoozed_until"),
    ),
];

const SEARCH_FIELDS: [SearchField; 14] = search_fields(&FIELDS);
const TARGETS: [(&str, Target); 15] =
    search_targets_in(&FIELDS, ATTRIBUTE_PREFIX, "ticket_attributes");

/// Tickets as a searchable resource: 20 per page by default (the spec), 150 at most (as
/// conversations), most recently updated first.
pub const TICKETS_SEARCH: Searchable = Searchable {
    fields: &SEARCH_FIELDS,
    schema: SearchSchema {
        table: CONVERSATIONS.name,
        id_column: "id",
        seq_column: "seq",
        fields: &TARGETS,
        sortable: &[("created_at", "created_at"), ("updated_at", "updated_at")],
        default_order: Order {
            column: "updated_at",
            descending: true,
        },
        covered_columns: &[],
        unique_columns: &[],
        // Ticket attributes are declared by ticket types, which build no index.
        attribute_indexes: false,
        pattern_index_columns: &[],
        folded_copies: &[],
        attribute_range_columns: &[],
    },
    // Unused: ticket attributes come from the ticket types, not from data attributes.
    model: DataModel::Conversation,
    default_per_page: 20,
    max_per_page: 150,
};

/// A ticket attribute a query names: where its value is stored and what type it has.
struct Attribute {
    id: String,
    name: String,
    ticket_type_id: String,
    ty: FieldType,
}

/// The search type of a ticket attribute's data type; files are not searchable.
fn attribute_type(data_type: &str) -> Option<FieldType> {
    match data_type {
        "string" | "list" => Some(FieldType::String),
        "integer" => Some(FieldType::Integer),
        "decimal" => Some(FieldType::Float),
        "boolean" => Some(FieldType::Boolean),
        "datetime" => Some(FieldType::Timestamp),
        _ => None,
    }
}

fn attribute_of(record: &Record) -> Option<Attribute> {
    if flag_of(record, "archived") {
        return None;
    }
    Some(Attribute {
        id: id_of(record).to_owned(),
        name: text_of(record, "name")?.to_owned(),
        ticket_type_id: int_of(record, "ticket_type_id")?.to_string(),
        ty: attribute_type(text_of(record, "data_type")?)?,
    })
}

/// The attribute ids `query` names under `ticket_attribute.`.
fn named_attributes(query: &search::Query, out: &mut Vec<String>) {
    match query {
        search::Query::Group { children, .. } => {
            children.iter().for_each(|c| named_attributes(c, out));
        }
        search::Query::Filter { field, .. } => {
            if let Some(id) = field
                .strip_prefix(ATTRIBUTE_PREFIX)
                .and_then(|rest| rest.strip_prefix('.'))
            {
                out.push(id.to_owned());
            }
        }
    }
}

/// `lowered` with each attribute filter reading the attribute's stored name, and only on
/// tickets of the attribute's type: two types may each have an attribute of the same name,
/// and on a ticket of another type the attribute is missing (so negative tests hold there).
fn on_own_type(lowered: Lowered, attributes: &[Attribute]) -> Lowered {
    match lowered {
        Lowered::And(children) => Lowered::And(
            children
                .into_iter()
                .map(|c| on_own_type(c, attributes))
                .collect(),
        ),
        Lowered::Or(children) => Lowered::Or(
            children
                .into_iter()
                .map(|c| on_own_type(c, attributes))
                .collect(),
        ),
        Lowered::Pred(Predicate {
            target: SearchTarget::Custom(id),
            ty,
            test,
        }) => match attributes.iter().find(|a| a.id == id) {
            Some(attribute) => guarded(attribute, ty, test),
            // Not reached: lowering accepted only the attributes found.
            None => Lowered::Pred(Predicate {
                target: SearchTarget::Custom(id),
                ty,
                test,
            }),
        },
        // Tickets name no segments, so nothing is within one.
        other @ (Lowered::Pred(_) | Lowered::Within { .. }) => other,
    }
}

/// A test on `attribute`'s stored value, holding only on tickets of its type: positive tests
/// need the type, negative ones also hold on other types (where the attribute is missing).
fn guarded(attribute: &Attribute, ty: FieldType, test: Test) -> Lowered {
    let negative = matches!(
        test,
        Test::IsNull | Test::Ne(_) | Test::Nin(_) | Test::NotContains(_)
    );
    let of_type = |test| {
        Lowered::Pred(Predicate {
            target: SearchTarget::Field("ticket_type_id"),
            ty: FieldType::Id,
            test,
        })
    };
    let value = Lowered::Pred(Predicate {
        target: SearchTarget::Custom(attribute.name.clone()),
        ty,
        test,
    });
    let type_id = Scalar::Str(attribute.ticket_type_id.clone());
    if negative {
        Lowered::Or(vec![of_type(Test::Ne(type_id)), value])
    } else {
        Lowered::And(vec![of_type(Test::Eq(type_id)), value])
    }
}

pub(super) async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Value>,
) -> ApiResult<axum::Json<ListBody<Vec<Value>>>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let request = search::parse_request(&body, ctx.version)?;
    let order = TICKETS_SEARCH.schema.order(request.sort.as_ref())?;
    let page = page_request(&TICKETS_SEARCH, &request)?;

    let mut ids = Vec::new();
    named_attributes(&request.query, &mut ids);
    ids.sort_unstable();
    ids.dedup();
    let attributes: Vec<Attribute> = scope
        .records_by_ids(&TICKET_TYPE_ATTRIBUTES, &ids)
        .await?
        .iter()
        .filter_map(attribute_of)
        .collect();
    let lookup = |id: &str| attributes.iter().find(|a| a.id == id).map(|a| a.ty);
    let lowered = lower_with(
        &TICKETS_SEARCH,
        &request.query,
        ATTRIBUTE_PREFIX,
        &lookup,
        &ctx.workspace().timezone,
    )?;
    let lowered = on_own_type(lowered, &attributes);

    let page = scope
        .search_records(
            &CONVERSATIONS,
            &TICKETS_SEARCH.schema,
            &lowered,
            &BaseFilter::NotNull("ticket_type_id"),
            &page,
            order,
        )
        .await?;
    let tickets = render_tickets(&mut scope, &page.items, ctx.version).await?;
    Ok(axum::Json(named_list_body(
        "ticket.list",
        "tickets",
        tickets,
        &page,
    )))
}
