//! `POST /conversations/search`: the conversations' searchable fields and where each lives,
//! run through the one search engine (`crate::search`).
//!
//! Served: the conversation's own columns, its source, contacts and tags, custom attributes,
//! and what the database computes from the row and its parts (`open`, `teammate_ids`,
//! `statistics.*` but the median; see `computed`). Not searchable (an unknown-field error
//! names them): `channel_initiated`, `source.author.name`/`email`, `source.url`,
//! `statistics.median_time_to_reply`, `conversation_rating.*` and `ai_agent*` (decision 0028).

pub(crate) mod computed;

use axum::extract::State;
use confab_domain::models::DataModel;
use confab_domain::record::relation::{CONVERSATION_CONTACT, CONVERSATION_TAG};
use confab_domain::search::{FieldType, SearchField};
use confab_domain::tables::CONVERSATIONS;
use confab_domain::ApiVersion;
use confab_store::search::{BaseFilter, Order, SearchSchema, Target};
use serde_json::Value;

use super::{render_conversation_page, View};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::gate::Ctx;
use crate::paging::ListBody;
use crate::render::Rendered;
use crate::search::{concat_fields, search_fields, search_targets, FieldSpec, Searchable};
use crate::state::AppState;

/// Conversation times compare to the second (only contact search matches by day).
const FIELDS: [FieldSpec; 21] = [
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
        "waiting_since",
        FieldType::Timestamp,
        Target::Column("waiting_since"),
    ),
    (
        "snoozed_until",
        FieldType::Timestamp,
        Target::Column("snoozed_until"),
    ),
    (
        "source.type",
        FieldType::String,
        Target::Column("source_type"),
    ),
    ("source.id", FieldType::Id, Target::Column("source_id")),
    (
        "source.delivered_as",
        FieldType::String,
        Target::Column("delivered_as"),
    ),
    (
        "source.subject",
        FieldType::String,
        Target::Column("subject"),
    ),
    ("source.body", FieldType::String, Target::Column("body")),
    (
        "source.author.id",
        FieldType::Id,
        Target::Column("author_id"),
    ),
    (
        "source.author.type",
        FieldType::String,
        Target::Column("author_type"),
    ),
    (
        "contact_ids",
        FieldType::Id,
        Target::Link {
            relation: CONVERSATION_CONTACT,
        },
    ),
    (
        "tag_ids",
        FieldType::Id,
        Target::Link {
            relation: CONVERSATION_TAG,
        },
    ),
    (
        "admin_assignee_id",
        FieldType::Integer,
        Target::Column("admin_assignee_id"),
    ),
    (
        "team_assignee_id",
        FieldType::Integer,
        Target::Column("team_assignee_id"),
    ),
    ("state", FieldType::String, Target::Column("state")),
    ("read", FieldType::Boolean, Target::Column("read")),
    ("priority", FieldType::String, Target::Column("priority")),
    ("open", FieldType::Boolean, computed::OPEN),
    ("teammate_ids", FieldType::Id, computed::TEAMMATES),
];

const ALL_FIELDS: [FieldSpec; 38] = concat_fields(&FIELDS, &computed::STATISTICS);
const SEARCH_FIELDS: [SearchField; 38] = search_fields(&ALL_FIELDS);
const TARGETS: [(&str, Target); 39] = search_targets(&ALL_FIELDS);

/// Conversations as a searchable resource: 20 per page by default, 150 at most, most
/// recently updated first.
pub const CONVERSATIONS_SEARCH: Searchable = Searchable {
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
        attribute_indexes: true,
        pattern_index_columns: &[],
        folded_copies: &[],
        attribute_range_columns: &[],
    },
    model: DataModel::Conversation,
    default_per_page: 20,
    max_per_page: 150,
};

pub(super) async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Value>,
) -> ApiResult<ListBody<Vec<Rendered>>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let timezone = ctx.workspace().timezone.clone();
    let page = crate::search::run(
        &mut scope,
        &CONVERSATIONS,
        &CONVERSATIONS_SEARCH,
        &body,
        ctx.version,
        &timezone,
        // Tickets are searched through `POST /tickets/search`; unanswered messages are not
        // conversations yet (decision 0022).
        BaseFilter::All(vec![
            BaseFilter::IsNull("ticket_type_id"),
            BaseFilter::IntEq("awaiting_reply", 0),
        ]),
    )
    .await?;
    let view = View {
        version: ctx.version,
        with_parts: ctx.version == ApiVersion::Unstable,
        plaintext: false,
    };
    render_conversation_page(&mut scope, &page, view).await
}
