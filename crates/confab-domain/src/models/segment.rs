//! Segments: named searches over contacts or companies. A segment stores its definition as a
//! search query (the `query` of `POST /contacts/search`, or the same language over the
//! companies' fields), and its members and count are computed from the data whenever they are
//! asked for.
//!
//! A stored query may use a relative date, `{"days_ago": N}`, as a filter value: Intercom's
//! default segments ("Active", "New"…) are relative to today, so the value is resolved
//! against the workspace clock each time the segment is evaluated.

use serde_json::{json, Value};

use crate::clock::Timestamp;

/// `person_type` of a segment of users, and of one of leads (which Intercom calls
/// `contact`).
pub const USERS: &str = "user";
pub const LEADS: &str = "contact";
/// The stored `person_type` of a segment of companies (Intercom lists those with
/// `GET /segments?type=company`; the spec's enum has no value for them).
pub const COMPANIES: &str = "company";

/// Whether a segment with this `person_type` holds companies rather than people.
pub fn holds_companies(person_type: &str) -> bool {
    person_type == COMPANIES
}

/// The role a segment's members have.
pub fn member_role(person_type: &str) -> &'static str {
    if person_type == LEADS {
        "lead"
    } else {
        "user"
    }
}

/// The segments a fresh Intercom workspace has: (name, person_type, query).
pub fn defaults() -> Vec<(&'static str, &'static str, Value)> {
    let days_ago = |n: i64| json!({ "days_ago": n });
    vec![
        (
            "All Users",
            USERS,
            json!({"field": "role", "operator": "=", "value": "user"}),
        ),
        (
            "All Leads",
            LEADS,
            json!({"field": "role", "operator": "=", "value": "lead"}),
        ),
        (
            "Active",
            USERS,
            json!({"field": "last_seen_at", "operator": ">", "value": days_ago(30)}),
        ),
        (
            "New",
            USERS,
            json!({"field": "signed_up_at", "operator": ">", "value": days_ago(7)}),
        ),
        (
            "Slipping Away",
            USERS,
            json!({"operator": "AND", "value": [
                {"field": "last_seen_at", "operator": "<", "value": days_ago(30)},
                {"field": "last_seen_at", "operator": ">", "value": days_ago(60)}
            ]}),
        ),
    ]
}

/// The query with every `{"days_ago": N}` value replaced by the UNIX time N days before
/// `now`.
pub fn resolve_relative(query: &Value, now: Timestamp) -> Value {
    match query {
        Value::Object(map) => {
            if let (1, Some(days)) = (map.len(), map.get("days_ago").and_then(Value::as_i64)) {
                return json!(now.saturating_sub(days.saturating_mul(86_400)));
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), resolve_relative(v, now)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| resolve_relative(item, now))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_days_resolve_against_now_at_any_depth() {
        let query = json!({"operator": "AND", "value": [
            {"field": "last_seen_at", "operator": ">", "value": {"days_ago": 2}},
            {"field": "name", "operator": "=", "value": "x"}
        ]});
        let resolved = resolve_relative(&query, 1_000_000);
        assert_eq!(resolved["value"][0]["value"], 1_000_000 - 2 * 86_400);
        assert_eq!(resolved["value"][1]["value"], "x");
    }

    #[test]
    fn leads_segments_hold_leads_and_the_rest_users() {
        assert_eq!(member_role(LEADS), "lead");
        assert_eq!(member_role(USERS), "user");
        assert_eq!(defaults().len(), 5);
    }
}
