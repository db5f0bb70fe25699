//! Segments of companies: membership computed from each segment's stored query over the
//! companies' fields, in `GET /companies/{id}/segments`, the company's embedded `segments`,
//! `GET /companies?segment_id=` and `GET /segments?type=company`.

use confab_domain::record::id_of;
use confab_domain::tables::SEGMENTS;
use confab_domain::ApiVersion;
use confab_testkit::TestApp;
use serde_json::{json, Value};

use crate::companies::{attach, create_company, create_contact};

/// Stores a segment (segments are defined in Intercom's UI, not through the API); returns
/// its id.
pub async fn stored_segment(app: &TestApp, name: &str, person_type: &str, query: Value) -> String {
    let mut scope = app.store.write(&app.workspace.id).await.unwrap();
    let record = json!({"name": name, "person_type": person_type, "query": query,
        "created_at": 1_700_000_000, "updated_at": 1_700_000_000});
    let stored = scope
        .insert_record(&SEGMENTS, record.as_object().unwrap(), 1_700_000_000)
        .await
        .unwrap();
    scope.commit().await.unwrap();
    id_of(&stored).to_owned()
}

/// A company with one contact (Intercom shows no company without one); returns its id.
async fn company(app: &TestApp, body: Value) -> String {
    let id = create_company(app, body.clone()).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contact = create_contact(
        app,
        &format!("{}@x.com", body["company_id"].as_str().unwrap()),
    )
    .await;
    attach(app, &contact, &id).await;
    id
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

fn ids(body: &Value) -> Vec<String> {
    confab_testkit::ids_in(body, "data")
}

struct World {
    acme: String,
    globex: String,
    initech: String,
    pro: String,
    big_or_tagged: String,
    users: String,
}

/// Acme (Pro, 120 people), Globex (Pro, 10, tagged Partner), Initech (Starter, 500), and a
/// Pro company without contacts; segments "Pro" (plan = pro), "Big or partner" (size > 100
/// OR tag Partner) and the default "All Users".
async fn world(app: &TestApp) -> World {
    let acme = company(
        app,
        json!({"company_id": "acme", "plan": "Pro", "size": 120}),
    )
    .await;
    let globex = company(
        app,
        json!({"company_id": "globex", "plan": "Pro", "size": 10}),
    )
    .await;
    let initech = company(
        app,
        json!({"company_id": "initech", "plan": "Starter", "size": 500}),
    )
    .await;
    create_company(app, json!({"company_id": "ghost", "plan": "Pro"})).await;
    let tagged = app
        .post("/tags")
        .json(&json!({"name": "Partner", "companies": [{"id": globex}]}))
        .send()
        .await;
    tagged.assert_status(200);
    let tag = tagged.body["id"].as_str().unwrap().to_owned();
    let pro = stored_segment(
        app,
        "Pro",
        "company",
        json!({"field": "plan", "operator": "=", "value": "pro"}),
    )
    .await;
    let big_or_tagged = stored_segment(
        app,
        "Big or partner",
        "company",
        json!({"operator": "OR", "value": [
            {"field": "size", "operator": ">", "value": 100},
            {"field": "tag_id", "operator": "=", "value": tag}]}),
    )
    .await;
    let all = app.get("/segments").send().await;
    let users = all.body["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "All Users")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    World {
        acme,
        globex,
        initech,
        pro,
        big_or_tagged,
        users,
    }
}

#[tokio::test]
async fn a_company_is_in_the_segments_of_companies_whose_query_it_matches() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    for v in ApiVersion::ALL {
        for (id, expected) in [
            (&w.acme, vec!["Pro", "Big or partner"]),
            (&w.globex, vec!["Pro", "Big or partner"]),
            (&w.initech, vec!["Big or partner"]),
        ] {
            let res = app
                .get(&format!("/companies/{id}/segments"))
                .version(v)
                .send()
                .await;
            res.assert_status(200);
            assert_eq!(names(&res.body["data"]), expected, "{v}");
            assert_eq!(res.body["total_count"], expected.len(), "{v}");
            let person_type = res.body["data"][0].get("person_type");
            if v == ApiVersion::V2_11 {
                assert_eq!(person_type, Some(&json!("user")), "2.11 requires one");
            } else {
                assert_eq!(person_type, None, "{v}");
            }
            let company = app.get(&format!("/companies/{id}")).version(v).send().await;
            company.assert_status(200);
            assert_eq!(company.body["segments"]["type"], "segment.list");
            assert_eq!(
                names(&company.body["segments"]["segments"]),
                expected,
                "{v}"
            );
        }
    }
    // Membership follows the data at once.
    app.put(&format!("/companies/{}", w.initech))
        .json(&json!({"plan": "PRO"}))
        .send()
        .await
        .assert_status(200);
    let res = app
        .get(&format!("/companies/{}/segments", w.initech))
        .send()
        .await;
    assert_eq!(names(&res.body["data"]), ["Pro", "Big or partner"]);
    // A list of companies embeds each one's segments.
    let listed = app.get("/companies").send().await;
    listed.assert_status(200);
    for c in listed.body["data"].as_array().unwrap() {
        assert_eq!(c["segments"]["segments"].as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn the_companies_list_by_segment_pages_through_exactly_its_members() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    for v in ApiVersion::ALL {
        let res = app
            .get(&format!("/companies?segment_id={}", w.pro))
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(
            res.body["total_count"], 2,
            "the contactless Pro company is not shown"
        );
        let mut found = ids(&res.body);
        found.sort();
        let mut expected = vec![w.acme.clone(), w.globex.clone()];
        expected.sort();
        assert_eq!(found, expected, "{v}");
    }
    let mut walked = Vec::new();
    for page in 1..=3 {
        let res = app
            .get(&format!(
                "/companies?segment_id={}&per_page=1&page={page}",
                w.big_or_tagged
            ))
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(res.body["total_count"], 3);
        assert_eq!(res.body["pages"]["total_pages"], 3);
        walked.extend(ids(&res.body));
    }
    walked.sort();
    let mut all = vec![w.acme, w.globex, w.initech];
    all.sort();
    assert_eq!(walked, all, "every member once");
    // A segment of people holds no companies; an unknown segment is not found.
    let people = app
        .get(&format!("/companies?segment_id={}", w.users))
        .send()
        .await;
    people.assert_status(200);
    assert_eq!(people.body["total_count"], 0);
    assert_eq!(people.body["data"], json!([]));
    app.get("/companies?segment_id=ffffffffffffffffffffffff")
        .send()
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn segments_of_companies_are_listed_apart_with_their_counts() {
    let app = TestApp::new().await;
    let w = world(&app).await;
    for v in ApiVersion::ALL {
        let people = app.get("/segments").version(v).send().await;
        people.assert_status(200);
        assert!(!names(&people.body["segments"]).contains(&"Pro".to_owned()));
        let res = app
            .get("/segments?type=company&include_count=true")
            .version(v)
            .send()
            .await;
        res.assert_status(200);
        assert_eq!(
            names(&res.body["segments"]),
            ["Pro", "Big or partner"],
            "{v}"
        );
        assert_eq!(res.body["segments"][0]["count"], 2, "{v}");
        assert_eq!(res.body["segments"][1]["count"], 3, "{v}");
        let one = app
            .get(&format!("/segments/{}", w.pro))
            .version(v)
            .send()
            .await;
        one.assert_status(200);
        assert_eq!(one.body["count"], 2, "{v}");
    }
    // A contact's segments are segments of people only.
    let contact = app
        .get(&format!("/companies/{}/contacts", w.acme))
        .send()
        .await;
    let contact_id = contact.body["data"][0]["id"].as_str().unwrap();
    let res = app
        .get(&format!("/contacts/{contact_id}/segments"))
        .send()
        .await;
    assert_eq!(names(&res.body["data"]), ["All Users"]);
}
