use confab_domain::tables::NOTES;
use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

use super::{company, contact, count, insert};

async fn note(app: &TestApp, contact: &str, body: Value) -> Value {
    let res = app
        .post(&format!("/contacts/{contact}/notes"))
        .json(&body)
        .send()
        .await;
    res.assert_status(200);
    res.body
}

#[tokio::test]
async fn a_note_is_written_as_the_caller_unless_an_admin_is_named() {
    let app = TestApp::with_demo().await;
    let ann = contact(&app, "ann@example.com").await;
    let mine = note(&app, &ann, json!({"body": "Called about billing"})).await;
    assert_eq!(mine["type"], "note");
    assert_eq!(mine["body"], "<p>Called about billing</p>");
    assert_eq!(mine["contact"], json!({"type": "contact", "id": ann}));
    assert_eq!(mine["author"]["type"], "admin");
    assert_eq!(mine["author"]["id"], "1");
    assert!(mine["created_at"].as_i64().unwrap() > 0);
    for admin_id in [json!("2"), json!(2)] {
        let theirs = note(
            &app,
            &ann,
            json!({"body": "<p>Hi</p>", "admin_id": admin_id}),
        )
        .await;
        assert_eq!(theirs["author"]["id"], "2");
        assert_eq!(theirs["author"]["email"], "alex@example.com");
        assert_eq!(theirs["body"], "<p>Hi</p>", "HTML is kept as given");
    }
}

#[tokio::test]
async fn a_notes_author_is_rendered_as_each_version_renders_admins() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let id = note(&app, &ann, json!({"body": "x"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for v in ApiVersion::ALL {
        let res = app.get(&format!("/notes/{id}")).version(v).send().await;
        res.assert_status(200);
        let admin = app.get("/admins/1").version(v).send().await;
        assert_eq!(res.body["author"], admin.body, "{v}");
        assert_eq!(res.body["id"], id.as_str());
    }
}

#[tokio::test]
async fn creating_a_note_answers_intercoms_errors_and_writes_nothing() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let missing = app
        .post(&format!("/contacts/{ann}/notes"))
        .json(&json!({}))
        .send()
        .await;
    missing.assert_error(400, "parameter_not_found");
    assert_eq!(missing.body["errors"][0]["field"], "body");
    let no_admin = app
        .post(&format!("/contacts/{ann}/notes"))
        .json(&json!({"body": "x", "admin_id": "123"}))
        .send()
        .await;
    no_admin.assert_error(404, "not_found");
    assert_eq!(no_admin.body["errors"][0]["message"], "Resource Not Found");
    let no_user = app
        .post("/contacts/000000000000000000000000/notes")
        .json(&json!({"body": "x"}))
        .send()
        .await;
    no_user.assert_error(404, "not_found");
    assert_eq!(no_user.body["errors"][0]["message"], "User Not Found");
    assert_eq!(count(&app, &NOTES).await, 0);
}

#[tokio::test]
async fn a_contacts_notes_page_newest_first_to_the_end() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let bob = contact(&app, "bob@example.com").await;
    for n in 1..=5 {
        note(&app, &ann, json!({"body": format!("note {n}")})).await;
    }
    note(&app, &bob, json!({"body": "not Ann's"})).await;
    let mut seen = Vec::new();
    let mut url = format!("/contacts/{ann}/notes?per_page=2");
    let mut pages = 0;
    loop {
        let res = app.get(&url).send().await;
        res.assert_status(200);
        assert_eq!(res.body["type"], "list");
        assert_eq!(res.body["total_count"], 5);
        assert_eq!(res.body["pages"]["total_pages"], 3);
        pages += 1;
        for item in res.body["data"].as_array().unwrap() {
            seen.push(item["body"].as_str().unwrap().to_owned());
        }
        match res.body["pages"]["next"]["starting_after"].as_str() {
            Some(cursor) => {
                url = format!("/contacts/{ann}/notes?per_page=2&starting_after={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (1..=5).rev().map(|n| format!("<p>note {n}</p>")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn the_notes_list_defaults_to_fifty_a_page_and_rejects_bad_sizes() {
    let app = TestApp::new().await;
    let ann = contact(&app, "ann@example.com").await;
    let res = app.get(&format!("/contacts/{ann}/notes")).send().await;
    res.assert_status(200);
    assert_eq!(res.body["data"], json!([]));
    assert_eq!(res.body["total_count"], 0);
    assert_eq!(res.body["pages"]["per_page"], 50);
    app.get(&format!("/contacts/{ann}/notes?per_page=0"))
        .send()
        .await
        .assert_error(400, "parameter_invalid");
    app.get("/contacts/000000000000000000000000/notes")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn unknown_notes_are_not_found() {
    let app = TestApp::new().await;
    for id in ["999", "abc"] {
        let res = app.get(&format!("/notes/{id}")).send().await;
        res.assert_error(404, "not_found");
        assert_eq!(res.body["errors"][0]["message"], "Resource Not Found");
    }
}

#[tokio::test]
async fn company_notes_are_listed_in_unstable_only() {
    let app = TestApp::new().await;
    let acme = company(&app, "acme").await;
    insert(
        &app,
        &NOTES,
        json!({"subject_type": "company", "subject_id": acme, "admin_id": 1, "body": "<p>Renewal</p>", "created_at": 5}),
    )
    .await;
    let res = app
        .get(&format!("/companies/{acme}/notes"))
        .version(ApiVersion::Unstable)
        .send()
        .await;
    res.assert_status(200);
    assert_eq!(res.body["total_count"], 1);
    let item = &res.body["data"][0];
    assert_eq!(item["company"], json!({"type": "company", "id": acme}));
    assert_eq!(item["body"], "<p>Renewal</p>");
    assert_eq!(item["author"]["id"], "1");
    app.get(&format!("/companies/{acme}/notes"))
        .version(ApiVersion::V2_14)
        .send()
        .await
        .assert_error(400, "intercom_version_invalid");
    app.get("/companies/000000000000000000000000/notes")
        .version(ApiVersion::Unstable)
        .send()
        .await
        .assert_error(404, "company_not_found");
}

#[tokio::test]
async fn notes_page_by_number_too_and_a_page_past_the_end_is_empty() {
    let app = confab_testkit::TestApp::new().await;
    let contact = app
        .post("/contacts")
        .json(&serde_json::json!({"email": "pages@x.com"}))
        .send()
        .await;
    let id = contact.body["id"].as_str().unwrap().to_owned();
    for i in 0..3 {
        app.post(&format!("/contacts/{id}/notes"))
            .json(&serde_json::json!({"body": format!("n{i}")}))
            .send()
            .await
            .assert_status(200);
    }
    let mut seen = 0;
    for page in 1..=3 {
        let res = app
            .get(&format!("/contacts/{id}/notes?page={page}&per_page=2"))
            .send()
            .await;
        res.assert_status(200);
        let n = res.body["data"].as_array().unwrap().len();
        assert_eq!(n, [2, 1, 0][page - 1], "page {page}");
        seen += n;
    }
    assert_eq!(seen, 3);
}

#[tokio::test]
async fn unstable_companies_embed_their_ten_newest_notes() {
    let app = TestApp::new().await;
    let acme = company(&app, "acme").await;
    let globex = company(&app, "globex").await;
    for n in 0..12 {
        insert(
            &app,
            &NOTES,
            json!({"subject_type": "company", "subject_id": acme, "admin_id": 1,
                   "body": format!("<p>Acme {n}</p>"), "created_at": 100 + n}),
        )
        .await;
    }
    insert(
        &app,
        &NOTES,
        json!({"subject_type": "company", "subject_id": globex, "admin_id": 1,
               "body": "<p>Globex</p>", "created_at": 7}),
    )
    .await;
    let res = app
        .get(&format!("/companies/{acme}"))
        .version(ApiVersion::Unstable)
        .send()
        .await;
    res.assert_status(200);
    let notes = &res.body["notes"];
    assert_eq!(notes["type"], "note.list");
    let bodies: Vec<&str> = notes["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["body"].as_str().unwrap())
        .collect();
    let newest: Vec<String> = (2..12).rev().map(|n| format!("<p>Acme {n}</p>")).collect();
    assert_eq!(bodies, newest);
    let first = &notes["notes"][0];
    assert_eq!(first["type"], "note");
    assert_eq!(first["company"], json!({"type": "company", "id": acme}));
    assert_eq!(first["author"]["id"], "1");
    assert_eq!(first["created_at"], 111);
    // A page of companies embeds each one's own notes; other versions have no notes.
    for c in [&acme, &globex] {
        let contact = contact(&app, &format!("{c}@x.com")).await;
        app.post(&format!("/contacts/{contact}/companies"))
            .json(&json!({ "id": c }))
            .send()
            .await
            .assert_status(200);
    }
    let listed = app
        .get("/companies")
        .version(ApiVersion::Unstable)
        .send()
        .await;
    listed.assert_status(200);
    for c in listed.body["data"].as_array().unwrap() {
        let expected = if c["id"] == acme.as_str() { 10 } else { 1 };
        assert_eq!(c["notes"]["notes"].as_array().unwrap().len(), expected);
    }
    for v in [ApiVersion::V2_11, ApiVersion::V2_13, ApiVersion::V2_14] {
        let res = app
            .get(&format!("/companies/{acme}"))
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        assert!(res.body.get("notes").is_none(), "{v}");
    }
}
