//! `total_count` of searches whose count SQLite may split into ranges across read
//! connections (decision 0052): the contacts are created days apart, so the ranges hold
//! different contacts, and every page must still carry the true total.

use confab_testkit::TestApp;
use serde_json::{json, Value};

fn filter(field: &str, operator: &str, value: Value) -> Value {
    json!({"field": field, "operator": operator, "value": value})
}

/// Every page of `query` at `per_page`; the ids seen and each page's `total_count`.
async fn walk(app: &TestApp, query: &Value, per_page: u32) -> (Vec<String>, Vec<Value>) {
    let (mut seen, mut totals) = (Vec::new(), Vec::new());
    let mut pagination = json!({"per_page": per_page});
    for _ in 0..100 {
        let res = app
            .post("/contacts/search")
            .json(&json!({"query": query, "pagination": pagination}))
            .send()
            .await;
        res.assert_status(200);
        totals.push(res.body["total_count"].clone());
        seen.extend(confab_testkit::ids_in(&res.body, "data"));
        match res.body["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => pagination["starting_after"] = json!(cursor),
            None => break,
        }
    }
    (seen, totals)
}

#[tokio::test]
async fn totals_of_attribute_and_name_searches_count_every_match_once() {
    let app = TestApp::new().await;
    app.declare_contact_attribute("plan", "string").await;
    let names = [
        "Ann Smith",
        "bob smithers",
        "Zoë Ng",
        "carol",
        "Émile Smit",
        "ann",
    ];
    let (start, day) = (1_700_000_000_i64, 86_400);
    let mut contacts = Vec::new();
    for i in 0..60_i64 {
        app.post("/_confab/clock")
            .json(&json!({ "freeze_at": start + i * i * day }))
            .send()
            .await
            .assert_status(200);
        let index = usize::try_from(i).unwrap_or(0);
        let name = names[index % names.len()];
        let plan = ["pro", "Free", "team"][index % 3];
        let mut body = json!({"email": format!("c{i}@counts.test"),
                              "custom_attributes": {"plan": plan}});
        if i % 7 != 0 {
            body["name"] = json!(name);
        }
        let res = app.post("/contacts").json(&body).send().await;
        res.assert_status(200);
        let id = res.body["id"].as_str().unwrap_or_default().to_owned();
        contacts.push((id, (i % 7 != 0).then_some(name), plan, start + i * i * day));
    }
    let recent = start + 40 * 40 * day;
    let expected = |keep: &dyn Fn(Option<&str>, &str, i64) -> bool| -> Vec<String> {
        let mut ids: Vec<String> = contacts
            .iter()
            .filter(|(_, name, plan, created)| keep(*name, plan, *created))
            .map(|(id, ..)| id.clone())
            .collect();
        ids.sort();
        ids
    };
    let has =
        |name: Option<&str>, part: &str| name.is_some_and(|n| n.to_lowercase().contains(part));
    let cases = [
        (
            filter("name", "~", json!("SMI")),
            expected(&|name, _, _| has(name, "smi")),
        ),
        (
            filter("custom_attributes.plan", "=", json!("pro")),
            expected(&|_, plan, _| plan == "pro"),
        ),
        (
            filter("custom_attributes.plan", "IN", json!(["pro", "free"])),
            expected(&|_, plan, _| plan != "team"),
        ),
        (
            json!({"operator": "AND", "value": [
                filter("custom_attributes.plan", "=", json!("free")),
                {"operator": "OR", "value": [
                    filter("created_at", ">", json!(recent)),
                    filter("name", "$", json!("SMIT")),
                ]},
            ]}),
            expected(&|name, plan, created| {
                plan == "Free"
                    && (created >= recent + day - recent % day
                        || name.is_some_and(|n| n.to_lowercase().ends_with("smit")))
            }),
        ),
    ];
    for (query, wanted) in cases {
        assert!(wanted.len() > 6, "{query} finds enough contacts to split");
        let (mut seen, totals) = walk(&app, &query, 4).await;
        let pages = totals.len();
        assert!(
            totals.iter().all(|t| *t == json!(wanted.len())),
            "{query}: totals {totals:?}, wanted {}",
            wanted.len()
        );
        seen.sort();
        assert_eq!(seen, wanted, "{query} over {pages} pages");
    }
}
