//! Parsing and shape rules; field types and dates are in `types`.

use serde_json::{json, Value};

use super::*;
use crate::{ApiVersion, DomainError, ErrorCode};

const FIELDS: &[SearchField] = &[
    SearchField::new("id", FieldType::Id),
    SearchField::new("name", FieldType::String),
    SearchField::new("email", FieldType::String),
    SearchField::new("owner_id", FieldType::Integer),
    SearchField::new("score", FieldType::Float),
    SearchField::new("unsubscribed_from_emails", FieldType::Boolean),
    SearchField::new("created_at", FieldType::Date),
    SearchField::new("ticket_created_at", FieldType::Timestamp),
    SearchField::new("tag_id", FieldType::TagLike),
];

fn custom(name: &str) -> Option<FieldType> {
    match name {
        "plan" | "with space" => Some(FieldType::String),
        "seats" => Some(FieldType::Integer),
        "vip" => Some(FieldType::Boolean),
        "renewal" => Some(FieldType::Date),
        "bad\"name" => Some(FieldType::String),
        _ => None,
    }
}

fn lowered_in(query: Value, zone: &str) -> Result<Lowered, DomainError> {
    let types = custom;
    let table = FieldTable::new(FIELDS).with_custom("custom_attributes", &types);
    let zone = time_zone(zone)?;
    lower(&parse(&query, ApiVersion::V2_14)?, &table, &zone)
}

fn lowered(query: Value) -> Result<Lowered, DomainError> {
    lowered_in(query, "UTC")
}

fn filter(field: &str, op: &str, value: Value) -> Value {
    json!({"field": field, "operator": op, "value": value})
}

fn test_of(query: Value) -> Test {
    match lowered(query) {
        Ok(Lowered::Pred(p)) => p.test,
        other => panic!("expected one predicate, got {other:?}"),
    }
}

fn error_of(query: Value) -> DomainError {
    lowered(query).expect_err("the query should be refused")
}

/// `email = a@b.c AND (owner_id > 3 OR tag_id = 5)`.
fn email_and_owner_or_tag() -> Value {
    json!({"operator": "AND", "value": [
        filter("email", "=", json!("a@b.c")),
        {"operator": "OR", "value": [filter("owner_id", ">", json!(3)), filter("tag_id", "=", json!("5"))]},
    ]})
}

#[test]
fn a_nested_query_parses_into_groups_of_filters() {
    let query = email_and_owner_or_tag();
    let parsed = parse(&query, ApiVersion::V2_11).expect("parses");
    let Query::Group { op, children } = parsed else {
        panic!("a group")
    };
    assert_eq!(op, GroupOp::And);
    assert_eq!(children.len(), 2);
    assert!(
        matches!(&children[1], Query::Group { op: GroupOp::Or, children } if children.len() == 2)
    );
}

#[test]
fn any_field_looks_into_nested_groups() {
    let query = email_and_owner_or_tag();
    let parsed = parse(&query, ApiVersion::V2_11).expect("parses");
    assert!(parsed.any_field(&|f| f == "tag_id"));
    assert!(parsed.any_field(&|f| f == "email"));
    assert!(!parsed.any_field(&|f| f.starts_with("custom_attributes.")));
}

#[test]
fn unstable_does_not_accept_le_and_ge() {
    let query = filter("owner_id", "<=", json!(3));
    assert!(parse(&query, ApiVersion::V2_14).is_ok());
    let err = parse(&query, ApiVersion::Unstable).expect_err("refused");
    assert_eq!(err.code, ErrorCode::ParameterInvalid);
    assert!(err.message.contains("'<='"), "{}", err.message);
}

#[test]
fn groups_nest_at_most_two_levels() {
    let leaf = filter("name", "=", json!("x"));
    let two = json!({"operator": "OR", "value": [{"operator": "AND", "value": [leaf.clone()]}]});
    assert!(lowered(two).is_ok());
    let three = json!({"operator": "OR", "value": [{"operator": "AND", "value": [
        {"operator": "OR", "value": [leaf]}
    ]}]});
    let err = error_of(three);
    assert_eq!(err.code, ErrorCode::ParameterInvalid);
    assert!(err.message.contains("max 2 nested"), "{}", err.message);
}

#[test]
fn a_group_holds_at_most_fifteen_filters() {
    let group =
        |n: usize| json!({"operator": "AND", "value": vec![filter("name", "=", json!("x")); n]});
    assert!(lowered(group(15)).is_ok());
    assert!(error_of(group(16)).message.contains("max 15 filters"));
    assert!(error_of(group(0)).message.contains("at least one"));
}

#[test]
fn list_operators_need_arrays_and_others_refuse_them() {
    assert!(error_of(filter("name", "IN", json!("x")))
        .message
        .contains("needs an array"));
    assert!(error_of(filter("name", "=", json!(["x"])))
        .message
        .contains("use IN"));
    assert!(error_of(filter("name", "IN", json!([["x"]])))
        .message
        .contains("not a valid value"));
    assert!(error_of(filter("name", "IN", json!([null])))
        .message
        .contains("cannot contain null"));
    let long = vec![json!("x"); MAX_LIST_LEN + 1];
    assert!(error_of(filter("name", "IN", json!(long)))
        .message
        .contains("more than 1000"));
    let ok = vec![json!("x"); MAX_LIST_LEN];
    assert!(lowered(filter("name", "NIN", json!(ok))).is_ok());
}

#[test]
fn long_strings_and_odd_shapes_are_parameter_invalid() {
    let long = "a".repeat(MAX_STRING_CHARS + 1);
    for query in [
        filter("name", "=", json!(long)),
        json!("name = x"),
        json!({"operator": "AND"}),
        json!({"operator": "XOR", "value": []}),
        json!({"operator": "=", "value": "x"}),
        json!({"field": 5, "operator": "=", "value": "x"}),
        json!({"field": "name", "operator": "like", "value": "x"}),
        json!({"field": "name", "value": "x"}),
        json!({"field": "name", "operator": "="}),
        filter("name", "=", json!({"a": 1})),
    ] {
        let err = error_of(query.clone());
        assert_eq!(err.code, ErrorCode::ParameterInvalid, "{query}");
        assert!(err.field.is_some(), "{query}");
    }
}

mod types;
