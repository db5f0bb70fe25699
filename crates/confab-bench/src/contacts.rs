//! The contacts the contact phases need, set up through the store before the load starts:
//! one contact with 3 tags and 2 companies (for `GET /contacts/{id}`), enough contacts for
//! full pages of `GET /contacts?per_page=50`, and a second workspace that `POST /contacts`
//! writes into, so the creates never change the answers the read phases check byte for byte.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use confab_domain::clock::system_now;
use confab_domain::models::Workspace;
use confab_domain::record::relation::{CONTACT_COMPANY, CONTACT_TAG};
use confab_domain::record::{id_of, Record};
use confab_domain::tables::{COMPANIES, CONTACTS, TAGS};
use confab_store::tenancy::NewWorkspace;
use confab_store::Store;
use serde_json::{json, Value};

use crate::load::{Body, BodyFn};

/// The access token of the workspace `POST /contacts` writes into.
pub const CREATE_TOKEN: &str = "confab-bench-create-token";

/// Contacts in the benchmark workspace besides the one with tags and companies, so
/// `GET /contacts?per_page=50` pages through at least 200.
pub const LISTED_CONTACTS: usize = 250;

/// What [`prepare`] made.
pub struct Prepared {
    /// The contact with 3 tags and 2 companies.
    pub tagged_contact: String,
}

fn object(value: Value) -> anyhow::Result<Record> {
    match value {
        Value::Object(record) => Ok(record),
        _ => anyhow::bail!("not a JSON object"),
    }
}

/// Inserts the contacts of the read phases into `workspace`, in one transaction, and makes
/// the workspace for the creates with [`CREATE_TOKEN`].
pub async fn prepare(store: &Store, workspace: &Workspace) -> anyhow::Result<Prepared> {
    let now = system_now();
    let mut scope = store.write(&workspace.id).await?;
    let contact = scope
        .insert_record(
            &CONTACTS,
            &object(json!({
                "role": "user",
                "email": "tagged@example.com",
                "email_domain": "example.com",
                "external_id": "bench-tagged",
                "name": "Tagged Contact",
                "created_at": now,
                "updated_at": now,
                "custom_attributes": {},
            }))?,
            now,
        )
        .await?;
    let contact_id = id_of(&contact).to_owned();
    for i in 1..=3 {
        let tag = scope
            .insert_record(
                &TAGS,
                &object(json!({
                    "name": format!("Bench tag {i}"),
                    "name_key": format!("bench tag {i}"),
                    "created_at": now,
                }))?,
                now,
            )
            .await?;
        scope
            .put_link(CONTACT_TAG, &contact_id, id_of(&tag), &Value::Null, now)
            .await?;
    }
    for i in 1..=2 {
        let company = scope
            .insert_record(
                &COMPANIES,
                &object(json!({
                    "company_id": format!("bench-company-{i}"),
                    "name": format!("Bench Company {i}"),
                    "created_at": now,
                    "updated_at": now,
                    "custom_attributes": {},
                }))?,
                now,
            )
            .await?;
        scope
            .put_link(
                CONTACT_COMPANY,
                &contact_id,
                id_of(&company),
                &Value::Null,
                now,
            )
            .await?;
    }
    for i in 0..LISTED_CONTACTS {
        scope
            .insert_record(
                &CONTACTS,
                &object(json!({
                    "role": if i % 5 == 0 { "lead" } else { "user" },
                    "email": format!("listed-{i}@example.com"),
                    "email_domain": "example.com",
                    "external_id": format!("bench-listed-{i}"),
                    "name": format!("Listed Contact {i}"),
                    "created_at": now,
                    "updated_at": now,
                    "custom_attributes": {},
                }))?,
                now,
            )
            .await?;
    }
    scope.commit().await?;

    let other = store
        .create_workspace(
            &NewWorkspace {
                name: "Benchmark creates".into(),
                ..NewWorkspace::default()
            },
            now,
        )
        .await?;
    store
        .ensure_token(&other.id, CREATE_TOKEN, now)
        .await
        .context("cannot make the create workspace's token")?;
    Ok(Prepared {
        tagged_contact: contact_id,
    })
}

/// The bodies of `POST /contacts`: a user with an email and `external_id` made unique by the
/// request's number (shared by every phase of the run, baseline included).
pub fn create_body(counter: Arc<AtomicU64>) -> Body {
    let build: Arc<BodyFn> = Arc::new(|n| {
        Bytes::from(format!(
            r#"{{"role":"user","email":"bench-{n:09}@example.com","external_id":"bench-{n:09}","name":"Bench User {n:09}"}}"#
        ))
    });
    Body::Varying { counter, build }
}
