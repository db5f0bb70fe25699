//! The companies' searchable fields: what a company segment's stored query may filter on.
//! None of the four specs has a company search endpoint, so this table serves segments only;
//! its names are the company's own field names.

use confab_domain::models::DataModel;
use confab_domain::record::relation::COMPANY_TAG;
use confab_domain::search::{FieldType, SearchField};
use confab_domain::tables::COMPANIES;
use confab_store::search::{Order, SearchSchema, Target};

use crate::search::{search_fields, search_targets, FieldSpec, Searchable};

const FIELDS: [FieldSpec; 15] = [
    ("id", FieldType::Id, Target::Column("id")),
    (
        "company_id",
        FieldType::String,
        Target::Column("company_id"),
    ),
    ("name", FieldType::String, Target::Column("name")),
    ("plan", FieldType::String, Target::Column("plan")),
    ("website", FieldType::String, Target::Column("website")),
    ("industry", FieldType::String, Target::Column("industry")),
    ("size", FieldType::Integer, Target::Column("size")),
    (
        "monthly_spend",
        FieldType::Integer,
        Target::Column("monthly_spend"),
    ),
    (
        "session_count",
        FieldType::Integer,
        Target::Column("session_count"),
    ),
    ("created_at", FieldType::Date, Target::Column("created_at")),
    ("updated_at", FieldType::Date, Target::Column("updated_at")),
    (
        "remote_created_at",
        FieldType::Date,
        Target::Column("remote_created_at"),
    ),
    (
        "last_request_at",
        FieldType::Date,
        Target::Column("last_request_at"),
    ),
    (
        "tag_id",
        FieldType::TagLike,
        Target::Link {
            relation: COMPANY_TAG,
        },
    ),
    ("segment_id", FieldType::TagLike, Target::Segment),
];

const SEARCH_FIELDS: [SearchField; 15] = search_fields(&FIELDS);
const TARGETS: [(&str, Target); 16] = search_targets(&FIELDS);

/// Companies as a searchable resource (through segments), newest first.
pub const COMPANIES_SEARCH: Searchable = Searchable {
    fields: &SEARCH_FIELDS,
    schema: SearchSchema {
        table: COMPANIES.name,
        id_column: "id",
        seq_column: "seq",
        fields: &TARGETS,
        sortable: &[],
        default_order: Order {
            column: "created_at",
            descending: true,
        },
        covered_columns: &[],
        unique_columns: &["company_id"],
        attribute_indexes: true,
        pattern_index_columns: &[],
        folded_copies: &[],
        attribute_range_columns: &[],
    },
    model: DataModel::Company,
    default_per_page: 50,
    max_per_page: 150,
};
