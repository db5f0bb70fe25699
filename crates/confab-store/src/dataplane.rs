//! The demo data of data attributes, custom objects and visitors.

use confab_domain::record::Record;
use confab_domain::tables::{CONTACTS, CUSTOM_OBJECT_TYPES, DATA_ATTRIBUTES};
use serde_json::{json, Value};

use crate::records::Filter;
use crate::{StoreError, WriteScope};

/// The demo visitor's `user_id`, fixed so the demo and its documentation agree.
pub const DEMO_VISITOR_USER_ID: &str = "8a88a590-e1c3-41e2-a502-e0649dbf7210";

fn record(value: Value) -> Record {
    match value {
        Value::Object(map) => map,
        _ => Record::new(),
    }
}

/// Adds a custom contact attribute `plan` (string), a company list attribute `employee_band`,
/// the custom object type `Order` and one visitor. Anything already there is left alone, so
/// applying it twice changes nothing.
pub async fn seed_demo_dataplane(scope: &mut WriteScope, now: i64) -> Result<(), StoreError> {
    let attributes = [
        json!({"model": "contact", "name": "plan", "label": "plan",
               "description": "The plan the person pays for", "data_type": "string"}),
        json!({"model": "company", "name": "employee_band", "label": "employee_band",
               "description": "How many people the company employs",
               "data_type": "options", "options": ["1-10", "11-50", "51-200", "201+"]}),
    ];
    for attribute in attributes {
        let mut values = record(attribute);
        let name = values.get("name").cloned().unwrap_or(Value::Null);
        if scope
            .record_where(&DATA_ATTRIBUTES, &[Filter::Eq("name", name)])
            .await?
            .is_none()
        {
            values.insert("created_at".into(), json!(now));
            values.insert("updated_at".into(), json!(now));
            scope.insert_record(&DATA_ATTRIBUTES, &values, now).await?;
        }
    }
    if scope
        .record_where(
            &CUSTOM_OBJECT_TYPES,
            &[Filter::Eq("identifier", json!("Order"))],
        )
        .await?
        .is_none()
    {
        let order = record(json!({"identifier": "Order", "name": "Order", "created_at": now}));
        scope
            .insert_record(&CUSTOM_OBJECT_TYPES, &order, now)
            .await?;
    }
    if scope
        .record_where(
            &CONTACTS,
            &[Filter::Eq("user_id", json!(DEMO_VISITOR_USER_ID))],
        )
        .await?
        .is_none()
    {
        let visitor = record(json!({
            "role": "visitor",
            "user_id": DEMO_VISITOR_USER_ID,
            "name": "Curious Visitor",
            "pseudonym": "Indigo Fox from Dublin",
            "location_city": "Dublin",
            "location_country": "Ireland",
            "location_country_code": "IRL",
            "location_continent_code": "EU",
            "created_at": now,
            "updated_at": now,
            "last_seen_at": now,
        }));
        scope.insert_record(&CONTACTS, &visitor, now).await?;
    }
    Ok(())
}
