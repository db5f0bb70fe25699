//! `POST /contacts/search`: the contacts' searchable fields, where each lives, and the handler
//! that runs a query through the one search engine (`confab_domain::search` checks and
//! lowers it, `confab_store::search` compiles and pages it).

use axum::extract::State;
use confab_domain::models::DataModel;
use confab_domain::record::relation::CONTACT_TAG;
use confab_domain::search::{FieldType, SearchField};
use confab_domain::tables::CONTACTS;
use confab_store::search::{BaseFilter, Order, SearchSchema, Target};
use serde_json::Value;

use super::render_contacts;
use crate::error::ApiResult;
use crate::extract::Json;
use crate::gate::Ctx;
use crate::paging::{list_body, ListBody};
use crate::render::Rendered;
use crate::search::{search_fields, search_targets, FieldSpec, Searchable};
use crate::state::AppState;

/// Every searchable contact field but the custom attributes. `andoid_sdk_version` and
/// `ios_app_device` are spelled as the descriptions spell them.
const FIELDS: [FieldSpec; 42] = [
    (
        "tag_id",
        FieldType::TagLike,
        Target::Link {
            relation: CONTACT_TAG,
        },
    ),
    ("segment_id", FieldType::TagLike, Target::Segment),
    ("id", FieldType::Id, Target::Column("id")),
    ("role", FieldType::String, Target::Column("role")),
    ("name", FieldType::String, Target::Column("name")),
    ("avatar", FieldType::String, Target::Column("avatar")),
    ("owner_id", FieldType::Integer, Target::Column("owner_id")),
    ("email", FieldType::String, Target::Column("email")),
    (
        "email_domain",
        FieldType::String,
        Target::Column("email_domain"),
    ),
    ("phone", FieldType::String, Target::Column("phone")),
    (
        "formatted_phone",
        FieldType::String,
        Target::Column("formatted_phone"),
    ),
    (
        "external_id",
        FieldType::String,
        Target::Column("external_id"),
    ),
    ("created_at", FieldType::Date, Target::Column("created_at")),
    (
        "signed_up_at",
        FieldType::Date,
        Target::Column("signed_up_at"),
    ),
    ("updated_at", FieldType::Date, Target::Column("updated_at")),
    (
        "last_seen_at",
        FieldType::Date,
        Target::Column("last_seen_at"),
    ),
    (
        "last_contacted_at",
        FieldType::Date,
        Target::Column("last_contacted_at"),
    ),
    (
        "last_replied_at",
        FieldType::Date,
        Target::Column("last_replied_at"),
    ),
    (
        "last_email_opened_at",
        FieldType::Date,
        Target::Column("last_email_opened_at"),
    ),
    (
        "last_email_clicked_at",
        FieldType::Date,
        Target::Column("last_email_clicked_at"),
    ),
    (
        "language_override",
        FieldType::String,
        Target::Column("language_override"),
    ),
    ("browser", FieldType::String, Target::Column("browser")),
    (
        "browser_language",
        FieldType::String,
        Target::Column("browser_language"),
    ),
    ("os", FieldType::String, Target::Column("os")),
    (
        "location.country",
        FieldType::String,
        Target::Column("location_country"),
    ),
    (
        "location.region",
        FieldType::String,
        Target::Column("location_region"),
    ),
    (
        "location.city",
        FieldType::String,
        Target::Column("location_city"),
    ),
    (
        "unsubscribed_from_emails",
        FieldType::Boolean,
        Target::Column("unsubscribed_from_emails"),
    ),
    (
        "marked_email_as_spam",
        FieldType::Boolean,
        Target::Column("marked_email_as_spam"),
    ),
    (
        "has_hard_bounced",
        FieldType::Boolean,
        Target::Column("has_hard_bounced"),
    ),
    (
        "ios_last_seen_at",
        FieldType::Date,
        Target::Column("ios_last_seen_at"),
    ),
    (
        "ios_app_version",
        FieldType::String,
        Target::Column("ios_app_version"),
    ),
    (
        "ios_device",
        FieldType::String,
        Target::Column("ios_device"),
    ),
    (
        "ios_app_device",
        FieldType::String,
        Target::Column("ios_device"),
    ),
    (
        "ios_os_version",
        FieldType::String,
        Target::Column("ios_os_version"),
    ),
    (
        "ios_app_name",
        FieldType::String,
        Target::Column("ios_app_name"),
    ),
    (
        "ios_sdk_version",
        FieldType::String,
        Target::Column("ios_sdk_version"),
    ),
    (
        "android_last_seen_at",
        FieldType::Date,
        Target::Column("android_last_seen_at"),
    ),
    (
        "android_app_version",
        FieldType::String,
        Target::Column("android_app_version"),
    ),
    (
        "android_device",
        FieldType::String,
        Target::Column("android_device"),
    ),
    (
        "android_app_name",
        FieldType::String,
        Target::Column("android_app_name"),
    ),
    (
        "andoid_sdk_version",
        FieldType::String,
        Target::Column("android_sdk_version"),
    ),
];

const SEARCH_FIELDS: [SearchField; 42] = search_fields(&FIELDS);
const TARGETS: [(&str, Target); 43] = search_targets(&FIELDS);

/// Contacts as a searchable resource: 50 per page by default (spec-analysis §4.3), 150 at
/// most, newest first.
pub const CONTACTS_SEARCH: Searchable = Searchable {
    fields: &SEARCH_FIELDS,
    schema: SearchSchema {
        table: CONTACTS.name,
        id_column: "id",
        seq_column: "seq",
        fields: &TARGETS,
        sortable: &[("created_at", "created_at"), ("updated_at", "updated_at")],
        default_order: Order {
            column: "created_at",
            descending: true,
        },
        // The base filter's columns, and the dates searches most often pair with an attribute.
        covered_columns: &[
            "role",
            "archived",
            "last_seen_at",
            "updated_at",
            "signed_up_at",
        ],
        unique_columns: &["external_id"],
        attribute_indexes: true,
        pattern_index_columns: &["name"],
        folded_copies: &[("name", "name_folded"), ("email", "email_folded")],
        attribute_range_columns: &["last_seen_at"],
    },
    model: DataModel::Contact,
    default_per_page: 50,
    max_per_page: 150,
};

/// What contact search always adds: visitors and archived contacts are never found.
pub fn listed(extra: Vec<BaseFilter>) -> BaseFilter {
    let mut base = vec![
        BaseFilter::TextNe("role", "visitor".into()),
        BaseFilter::IntEq("archived", 0),
    ];
    base.extend(extra);
    BaseFilter::All(base)
}

pub(super) async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(body): Json<Value>,
) -> ApiResult<ListBody<Vec<Rendered>>> {
    let mut scope = state.store.read(&ctx.workspace().id).await?;
    let base = listed(Vec::new());
    let page =
        crate::search::run_in(&mut scope, &CONTACTS, &CONTACTS_SEARCH, &body, &ctx, base).await?;
    let data = render_contacts(&mut scope, &page.items, ctx.version).await?;
    Ok(list_body(data, &page))
}
