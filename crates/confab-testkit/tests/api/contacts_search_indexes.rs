//! Contact search answers the same with its speed-ups as without: contains searches through
//! PostgreSQL's trigram indexes (decision 0029), tests on PostgreSQL's folded copies of names
//! and emails (decision 0043), and `total_count` carried in the cursor (decision 0030).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

async fn create(app: &TestApp, body: Value) -> String {
    let res = app.post("/contacts").json(&body).send().await;
    res.assert_status(200);
    res.body["id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, v: ApiVersion, body: Value) -> Value {
    let res = app
        .post("/contacts/search")
        .version(v)
        .json(&body)
        .send()
        .await;
    res.assert_status(200);
    res.body
}

fn sorted_ids(body: &Value) -> Vec<String> {
    let mut ids = confab_testkit::ids_in(body, "data");
    ids.sort();
    ids
}

async fn find(app: &TestApp, v: ApiVersion, field: &str, op: &str, value: &str) -> Vec<String> {
    let query = json!({"query": {"field": field, "operator": op, "value": value},
                       "pagination": {"per_page": 150}});
    sorted_ids(&search(app, v, query).await)
}

const NAMES: [&str; 8] = [
    "Ann Smith",
    "SMITHERS",
    "Zoë Müller",
    "Ünal Öztürk",
    "50% off_deal",
    "a\"quote\"d",
    "Al",
    "中文名字",
];

const NEEDLES: [&str; 16] = [
    "smi",
    "SMI",
    "mith",
    "s",
    "sm",
    "zz",
    "müll",
    "MÜLL",
    "ünal",
    "Ünal",
    "% o",
    "f_d",
    "\"quo",
    "文名",
    "中文名",
    "l",
];

/// The indexed `name` answers every contains-style operator exactly as the same text in a
/// custom attribute (never trigram-indexed) does, on each backend with its own case folding:
/// short values, non-ASCII text, LIKE wildcards, quotes and missing names included.
#[tokio::test]
async fn contains_on_an_indexed_field_matches_the_unindexed_answer() {
    let app = TestApp::new().await;
    app.declare_contact_attribute("nick", "string").await;
    let mut named = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let body = json!({"email": format!("n{i}@names.test"), "name": name,
                          "custom_attributes": {"nick": name}});
        named.push(create(&app, body).await);
    }
    let nameless = create(&app, json!({"email": "nobody@names.test"})).await;

    for v in [ApiVersion::V2_11, ApiVersion::Unstable] {
        for needle in NEEDLES {
            for op in ["~", "!~", "^", "$"] {
                let indexed = find(&app, v, "name", op, needle).await;
                let plain = find(&app, v, "custom_attributes.nick", op, needle).await;
                assert_eq!(indexed, plain, "name {op} {needle:?} in {v:?}");
            }
        }
        // Equality reads PostgreSQL's folded copy of the name (decision 0043).
        for name in NAMES {
            for value in [name.to_owned(), name.to_uppercase(), name.to_lowercase()] {
                for op in ["=", "!="] {
                    let indexed = find(&app, v, "name", op, &value).await;
                    let plain = find(&app, v, "custom_attributes.nick", op, &value).await;
                    assert_eq!(indexed, plain, "name {op} {value:?} in {v:?}");
                }
            }
        }
        assert_eq!(
            find(&app, v, "email", "=", "N3@NAMES.TEST").await,
            vec![named[3].clone()]
        );
        assert_eq!(
            find(&app, v, "email", "~", "S.TEST").await.len(),
            NAMES.len() + 1
        );
    }

    let v = ApiVersion::V2_11;
    let mut smiths = vec![named[0].clone(), named[1].clone()];
    smiths.sort();
    assert_eq!(
        find(&app, v, "name", "~", "SMI").await,
        smiths,
        "ASCII folds"
    );
    assert_eq!(
        find(&app, v, "name", "~", "müll").await,
        vec![named[2].clone()]
    );
    assert_eq!(
        find(&app, v, "name", "~", "% o").await,
        vec![named[4].clone()]
    );
    assert_eq!(
        find(&app, v, "name", "~", "\"quo").await,
        vec![named[5].clone()]
    );
    assert_eq!(
        find(&app, v, "name", "~", "中文名").await,
        vec![named[7].clone()]
    );
    let short = find(&app, v, "name", "~", "l").await;
    assert!(
        short.contains(&named[6]) && short.contains(&named[2]),
        "{short:?}"
    );
    let not_smith = find(&app, v, "name", "!~", "smi").await;
    assert!(
        not_smith.contains(&nameless),
        "a missing name is not a match"
    );
    assert_eq!(not_smith.len(), NAMES.len() + 1 - 2);
    assert!(!find(&app, v, "name", "~", "smi").await.contains(&nameless));
}

/// Every contact text field the trigram indexes cover, found through them after creates,
/// updates and deletes.
#[tokio::test]
async fn the_index_follows_creates_updates_and_deletes() {
    let app = TestApp::new().await;
    let v = ApiVersion::V2_11;
    let id = create(
        &app,
        json!({"role": "user", "email": "first.person@indexed.test", "name": "Original Name",
               "phone": "+1 555 0100", "external_id": "crm-12345"}),
    )
    .await;
    for (field, needle) in [
        ("name", "iginal"),
        ("email", "person@INDEX"),
        ("phone", "555 01"),
        ("external_id", "m-123"),
    ] {
        assert_eq!(
            find(&app, v, field, "~", needle).await,
            vec![id.clone()],
            "{field}"
        );
    }

    app.put(&format!("/contacts/{id}"))
        .json(&json!({"name": "Renamed Person", "email": "second@indexed.test"}))
        .send()
        .await
        .assert_status(200);
    assert!(find(&app, v, "name", "~", "iginal").await.is_empty());
    assert!(find(&app, v, "email", "~", "first.per").await.is_empty());
    assert_eq!(
        find(&app, v, "name", "~", "named per").await,
        vec![id.clone()]
    );
    assert_eq!(
        find(&app, v, "email", "$", "ond@indexed.test").await,
        vec![id.clone()]
    );
    assert_eq!(
        find(&app, v, "phone", "^", "+1 555").await,
        vec![id.clone()]
    );

    app.delete(&format!("/contacts/{id}"))
        .send()
        .await
        .assert_status(200);
    assert!(find(&app, v, "name", "~", "named per").await.is_empty());
    let other = create(
        &app,
        json!({"email": "later@indexed.test", "name": "Renamed Too"}),
    )
    .await;
    assert_eq!(find(&app, v, "name", "~", "renamed").await, vec![other]);
}

fn next_cursor(body: &Value) -> Option<String> {
    body["pages"]["next"]["starting_after"]
        .as_str()
        .map(str::to_owned)
}

fn page(query: &Value, after: Option<&str>) -> Value {
    let mut pagination = json!({"per_page": 2});
    if let Some(after) = after {
        pagination["starting_after"] = json!(after);
    }
    json!({"query": query, "pagination": pagination})
}

/// The cursor's JSON with the carried total's count replaced.
fn with_count(cursor: &str, count: Value) -> String {
    let mut doc: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(cursor).unwrap()).unwrap();
    doc["t"]["n"] = count;
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&doc).unwrap())
}

/// A walk counts on its first page and carries the total on; a cursor whose count belongs to
/// another query, or is below the rows already returned, is counted again; a malformed one
/// is refused like any bad cursor.
#[tokio::test]
async fn a_cursor_carries_the_total_and_a_forged_one_breaks_nothing() {
    let app = TestApp::new().await;
    let v = ApiVersion::V2_11;
    for i in 0..5 {
        create(&app, json!({"email": format!("w{i}@walk.test")})).await;
    }
    for i in 0..3 {
        create(&app, json!({"email": format!("o{i}@other.test")})).await;
    }
    let walk = json!({"field": "email_domain", "operator": "=", "value": "walk.test"});
    let other = json!({"field": "email_domain", "operator": "=", "value": "other.test"});

    let first = search(&app, v, page(&walk, None)).await;
    assert_eq!(first["total_count"], 5);
    let cursor = next_cursor(&first).unwrap();

    // A match added mid-walk (it sorts before the cursor, newest first): later pages keep
    // the first page's total.
    let late = create(&app, json!({"email": "late@walk.test"})).await;
    let second = search(&app, v, page(&walk, Some(&cursor))).await;
    assert_eq!(second["total_count"], 5);
    assert_eq!(second["pages"]["page"], 2);

    // Another query's cursor: its carried count is not this query's.
    let moved = search(&app, v, page(&other, Some(&cursor))).await;
    assert_eq!(moved["total_count"], 3);

    // A count below the rows already returned is recounted; a larger one is only shown back
    // to the client that forged it.
    let low = search(&app, v, page(&walk, Some(&with_count(&cursor, json!(1))))).await;
    assert_eq!(low["total_count"], 6);
    assert_eq!(sorted_ids(&low), sorted_ids(&second));
    let high = with_count(&cursor, json!(1000));
    let high = search(&app, v, page(&walk, Some(&high))).await;
    assert_eq!(high["total_count"], 1000);
    assert_eq!(sorted_ids(&high), sorted_ids(&second));

    for bad in [json!(-1), json!("many"), json!(1.5)] {
        app.post("/contacts/search")
            .version(v)
            .json(&page(&walk, Some(&with_count(&cursor, bad))))
            .send()
            .await
            .assert_error(400, "parameter_invalid");
    }

    // The whole walk still visits every match once, the late one included.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = search(&app, v, page(&walk, after.as_deref())).await;
        seen.extend(sorted_ids(&body));
        match next_cursor(&body) {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert!(seen.contains(&late));
}
