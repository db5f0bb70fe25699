//! Operators per field type, value conversion, null, and dates in two time zones.

use serde_json::{json, Value};

use super::*;

#[test]
fn each_type_accepts_exactly_its_documented_operators() {
    use Operator as O;
    let all = [
        O::Eq,
        O::Ne,
        O::In,
        O::Nin,
        O::Lt,
        O::Gt,
        O::Le,
        O::Ge,
        O::Contains,
        O::NotContains,
        O::StartsWith,
        O::EndsWith,
    ];
    let expected: &[(FieldType, &[Operator])] = &[
        (
            FieldType::String,
            &[
                O::Eq,
                O::Ne,
                O::In,
                O::Nin,
                O::Contains,
                O::NotContains,
                O::StartsWith,
                O::EndsWith,
            ],
        ),
        (
            FieldType::Integer,
            &[O::Eq, O::Ne, O::In, O::Nin, O::Lt, O::Gt, O::Le, O::Ge],
        ),
        (
            FieldType::Float,
            &[O::Eq, O::Ne, O::In, O::Nin, O::Lt, O::Gt, O::Le, O::Ge],
        ),
        (
            FieldType::Timestamp,
            &[O::Eq, O::Ne, O::In, O::Nin, O::Lt, O::Gt, O::Le, O::Ge],
        ),
        (FieldType::Boolean, &[O::Eq, O::Ne, O::In, O::Nin]),
        (FieldType::Id, &[O::Eq, O::Ne, O::In, O::Nin]),
        (FieldType::Date, &[O::Eq, O::Lt, O::Gt]),
        (FieldType::TagLike, &[O::Eq, O::Ne]),
    ];
    for (ty, allowed) in expected {
        for op in all {
            assert_eq!(
                ty.allows(op),
                allowed.contains(&op),
                "{ty:?} {}",
                op.as_str()
            );
        }
    }
}

#[test]
fn operators_outside_a_types_set_are_refused_naming_the_field() {
    for (field, op, value) in [
        ("email", ">", json!("a")),
        ("tag_id", "IN", json!(["1"])),
        ("tag_id", "~", json!("1")),
        ("created_at", "!=", json!(1)),
        ("created_at", "IN", json!([1])),
        ("created_at", ">=", json!(1)),
        ("created_at", "<=", json!(1)),
        ("unsubscribed_from_emails", "<", json!(true)),
        ("owner_id", "~", json!("1")),
        ("id", "^", json!("1")),
    ] {
        let err = error_of(filter(field, op, value));
        assert_eq!(err.code, ErrorCode::ParameterInvalid);
        assert_eq!(err.field.as_deref(), Some(field));
        assert!(err.message.contains("not supported"), "{}", err.message);
    }
}

#[test]
fn values_are_converted_to_the_fields_type() {
    assert_eq!(
        test_of(filter("owner_id", "=", json!("42"))),
        Test::Eq(Scalar::Int(42))
    );
    assert_eq!(
        test_of(filter("owner_id", ">=", json!(4.0))),
        Test::Ge(Scalar::Int(4))
    );
    assert_eq!(
        test_of(filter("score", "<", json!(3))),
        Test::Lt(Scalar::Float(3.0))
    );
    assert_eq!(
        test_of(filter("name", "=", json!(7))),
        Test::Eq(Scalar::Str("7".into()))
    );
    assert_eq!(
        test_of(filter("unsubscribed_from_emails", "=", json!("true"))),
        Test::Eq(Scalar::Bool(true))
    );
    assert_eq!(
        test_of(filter("id", "IN", json!(["a", 5]))),
        Test::In(vec![Scalar::Str("a".into()), Scalar::Str("5".into())])
    );
    assert_eq!(
        test_of(filter("ticket_created_at", "<=", json!(10))),
        Test::Le(Scalar::Int(10))
    );
}

#[test]
fn values_of_the_wrong_type_are_refused() {
    for (field, op, value) in [
        ("created_at", ">", json!("foorbar")),
        ("owner_id", "=", json!("twelve")),
        ("owner_id", "=", json!(1.5)),
        ("owner_id", "IN", json!([1, "x"])),
        ("score", "=", json!(true)),
        ("unsubscribed_from_emails", "=", json!(1)),
        ("name", "=", json!(true)),
        ("name", "~", json!(1.5)),
    ] {
        let err = error_of(filter(field, op, value.clone()));
        assert_eq!(err.code, ErrorCode::ParameterInvalid, "{field} {value}");
        assert_eq!(err.field.as_deref(), Some(field));
        assert!(err.message.contains("not a valid"), "{}", err.message);
    }
}

#[test]
fn unknown_fields_are_refused_and_custom_attributes_resolve() {
    let err = error_of(filter("shoe_size", "=", json!(3)));
    assert_eq!(err.code, ErrorCode::ParameterInvalid);
    assert_eq!(err.field.as_deref(), Some("shoe_size"));
    assert!(err.message.contains("not a searchable field"));
    for unknown in [
        "custom_attributes.nope",
        "custom_attributes.",
        "custom_attributes",
        "custom_attributes.bad\"name",
    ] {
        assert!(
            lowered(filter(unknown, "=", json!("x"))).is_err(),
            "{unknown}"
        );
    }
    let Ok(Lowered::Pred(p)) = lowered(filter("custom_attributes.seats", ">", json!(3))) else {
        panic!("a predicate")
    };
    assert_eq!(p.target, SearchTarget::Custom("seats".into()));
    assert_eq!(
        (p.ty, p.test),
        (FieldType::Integer, Test::Gt(Scalar::Int(3)))
    );
    assert!(lowered(filter("custom_attributes.with space", "~", json!("x"))).is_ok());
}

#[test]
fn null_means_missing_with_equals_and_present_with_not_equals() {
    assert_eq!(test_of(filter("email", "=", Value::Null)), Test::IsNull);
    assert_eq!(
        test_of(filter("created_at", "=", Value::Null)),
        Test::IsNull
    );
    assert_eq!(test_of(filter("tag_id", "!=", Value::Null)), Test::NotNull);
    assert!(error_of(filter("email", "~", Value::Null))
        .message
        .contains("null"));
    assert!(error_of(filter("owner_id", ">", Value::Null))
        .message
        .contains("null"));
}

fn range(query: Value, zone: &str) -> (Option<i64>, Option<i64>) {
    match lowered_in(query, zone) {
        Ok(Lowered::Pred(Predicate {
            test: Test::Range { from, until },
            ..
        })) => (from, until),
        other => panic!("expected a range, got {other:?}"),
    }
}

#[test]
fn dates_match_whole_days_in_utc() {
    // Intercom's example: > 2020-01-01 09:00 UTC matches from 2020-01-02 00:00.
    assert_eq!(
        range(filter("created_at", ">", json!("1577869200")), "UTC"),
        (Some(1_577_923_200), None)
    );
    assert_eq!(
        range(filter("created_at", "=", json!(1_577_869_200)), "UTC"),
        (Some(1_577_836_800), Some(1_577_923_200))
    );
    assert_eq!(
        range(filter("created_at", "<", json!(1_577_869_200)), "UTC"),
        (None, Some(1_577_836_800))
    );
    assert_eq!(
        range(
            filter("custom_attributes.renewal", "=", json!(1_577_836_800)),
            "UTC"
        ),
        (Some(1_577_836_800), Some(1_577_923_200))
    );
}

#[test]
fn dates_match_whole_days_in_the_workspace_time_zone() {
    // 2020-01-01 09:00 UTC is 04:00 in New York and 18:00 in Tokyo, both on 2020-01-01.
    assert_eq!(
        range(
            filter("created_at", "=", json!(1_577_869_200)),
            "America/New_York"
        ),
        (Some(1_577_854_800), Some(1_577_941_200))
    );
    assert_eq!(
        range(
            filter("created_at", "=", json!(1_577_869_200)),
            "Asia/Tokyo"
        ),
        (Some(1_577_804_400), Some(1_577_890_800))
    );
    // 2020-03-08 is 23 hours long in New York.
    assert_eq!(
        range(
            filter("created_at", ">", json!(1_583_683_200)),
            "America/New_York"
        ),
        (Some(1_583_726_400), None)
    );
    assert_eq!(
        range(
            filter("created_at", "<", json!(1_583_683_200)),
            "America/New_York"
        ),
        (None, Some(1_583_643_600))
    );
}

#[test]
fn out_of_range_timestamps_and_unknown_zones_are_refused() {
    assert!(error_of(filter("created_at", "=", json!(i64::MAX)))
        .message
        .contains("not a valid UNIX"));
    assert!(lowered_in(filter("created_at", "=", json!(0)), "Mars/Olympus").is_err());
}

#[test]
fn a_request_body_carries_query_pagination_and_sort() {
    let body = json!({
        "query": filter("name", "^", json!("Jo")),
        "pagination": {"per_page": 5, "starting_after": "abc"},
        "sort": {"field": "created_at", "order": "ascending"},
    });
    let request = parse_request(&body, ApiVersion::V2_13).expect("parses");
    assert_eq!(
        (request.per_page, request.starting_after.as_deref()),
        (Some(5), Some("abc"))
    );
    assert_eq!(
        request.sort,
        Some(Sort {
            field: "created_at".into(),
            order: SortOrder::Ascending
        })
    );
    let bare = parse_request(
        &json!({"query": filter("name", "=", json!("x")), "pagination": null}),
        ApiVersion::V2_11,
    )
    .expect("parses");
    assert_eq!(
        (bare.per_page, bare.starting_after, bare.sort),
        (None, None, None)
    );
}

#[test]
fn a_bad_request_body_names_its_fault() {
    let err = parse_request(&json!({}), ApiVersion::V2_14).expect_err("refused");
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::ParameterNotFound, Some("query"))
    );
    let q = filter("name", "=", json!("x"));
    for (body, field) in [
        (
            json!({"query": q, "pagination": {"per_page": 0}}),
            "per_page",
        ),
        (
            json!({"query": q, "pagination": {"per_page": "5"}}),
            "per_page",
        ),
        (
            json!({"query": q, "pagination": {"starting_after": 5}}),
            "starting_after",
        ),
        (
            json!({"query": q, "sort": {"field": "created_at", "order": "desc"}}),
            "sort",
        ),
        (json!({"query": q, "sort": "created_at"}), "sort"),
    ] {
        let err = parse_request(&body, ApiVersion::V2_14).expect_err("refused");
        assert_eq!(
            (err.code, err.field.as_deref()),
            (ErrorCode::ParameterInvalid, Some(field)),
            "{body}"
        );
    }
    assert!(parse_request(&json!([1]), ApiVersion::V2_14).is_err());
}
