//! Contacts as each version shows them. A page of contacts is rendered with a fixed number of
//! queries (tags, companies and notes for the whole page at once), never one per contact.

use std::collections::HashMap;

use confab_domain::record::relation::{CONTACT_COMPANY, CONTACT_TAG};
use confab_domain::record::{id_of, text_of, Record, Side};
use confab_domain::tables::NOTES;
use confab_domain::ApiVersion;
use confab_store::records::Filter;
use confab_store::{Conn, Scope};
use serde_json::{json, Map, Value};

use crate::embed::summary;
use crate::error::ApiResult;
use crate::render::{versioned, Change};

const CONTACT_CHANGES: &[Change] = &[Change {
    // `formatted_phone` is in the 2.11 and Unstable schemas only.
    versions: &[ApiVersion::V2_13, ApiVersion::V2_14],
    apply: |contact| {
        contact.remove("formatted_phone");
    },
}];

/// Columns rendered under their own name, in the order Intercom shows them.
const PLAIN: &[&str] = &[
    "external_id",
    "role",
    "email",
    "email_domain",
    "phone",
    "formatted_phone",
    "name",
    "owner_id",
    "has_hard_bounced",
    "marked_email_as_spam",
    "unsubscribed_from_emails",
    "created_at",
    "updated_at",
    "signed_up_at",
    "last_seen_at",
    "last_replied_at",
    "last_contacted_at",
    "last_email_opened_at",
    "last_email_clicked_at",
    "language_override",
    "browser",
    "browser_version",
    "browser_language",
    "os",
    "android_app_name",
    "android_app_version",
    "android_device",
    "android_os_version",
    "android_sdk_version",
    "android_last_seen_at",
    "ios_app_name",
    "ios_app_version",
    "ios_device",
    "ios_os_version",
    "ios_sdk_version",
    "ios_last_seen_at",
];

/// What a page of contacts links to, loaded at once.
struct Related {
    tags: HashMap<String, Vec<String>>,
    companies: HashMap<String, Vec<String>>,
    notes: HashMap<String, Vec<String>>,
}

async fn related<C: Conn>(scope: &mut Scope<C>, records: &[Record]) -> ApiResult<Related> {
    let ids: Vec<String> = records.iter().map(|r| id_of(r).to_owned()).collect();
    let right_ids = |links: HashMap<String, Vec<confab_store::links::Link>>| {
        links
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|l| l.right_id).collect()))
            .collect::<HashMap<String, Vec<String>>>()
    };
    let tags = right_ids(scope.links_of(CONTACT_TAG, Side::Left, &ids).await?);
    let companies = right_ids(scope.links_of(CONTACT_COMPANY, Side::Left, &ids).await?);
    let note_records = scope
        .records(
            &NOTES,
            &[
                Filter::Eq("subject_type", Value::from("contact")),
                Filter::In(
                    "subject_id",
                    ids.iter().map(|id| Value::from(id.as_str())).collect(),
                ),
            ],
        )
        .await?;
    let mut notes: HashMap<String, Vec<String>> = HashMap::new();
    // Newest first, as Intercom lists a contact's notes.
    for note in note_records.iter().rev() {
        if let Some(subject) = text_of(note, "subject_id") {
            notes
                .entry(subject.to_owned())
                .or_default()
                .push(id_of(note).to_owned());
        }
    }
    Ok(Related {
        tags,
        companies,
        notes,
    })
}

fn canonical(record: &Record, workspace_id: &str, related: &Related) -> Value {
    let id = id_of(record);
    let mut contact = Map::new();
    contact.insert("type".into(), json!("contact"));
    contact.insert("id".into(), json!(id));
    contact.insert("workspace_id".into(), json!(workspace_id));
    for column in PLAIN {
        let value = record.get(*column).cloned().unwrap_or(Value::Null);
        // The descriptions make these two non-nullable strings: an address-less lead has "".
        let value = match (*column, value) {
            ("email" | "email_domain", Value::Null) => Value::from(""),
            (_, value) => value,
        };
        contact.insert((*column).into(), value);
    }
    let avatar = text_of(record, "avatar").map_or(
        Value::Null,
        |url| json!({"type": "avatar", "image_url": url}),
    );
    contact.insert("avatar".into(), avatar);
    let empty = Vec::new();
    let list = |map: &HashMap<String, Vec<String>>| map.get(id).unwrap_or(&empty).clone();
    contact.insert(
        "tags".into(),
        summary(
            "tag",
            "/tags",
            &list(&related.tags),
            &format!("/contacts/{id}/tags"),
        ),
    );
    contact.insert(
        "notes".into(),
        summary(
            "note",
            "/notes",
            &list(&related.notes),
            &format!("/contacts/{id}/notes"),
        ),
    );
    contact.insert(
        "companies".into(),
        summary(
            "company",
            "/companies",
            &list(&related.companies),
            &format!("/contacts/{id}/companies"),
        ),
    );
    contact.insert(
        "location".into(),
        json!({
            "type": "location",
            "country": record.get("location_country"),
            "region": record.get("location_region"),
            "city": record.get("location_city"),
            "country_code": record.get("location_country_code"),
            "continent_code": record.get("location_continent_code"),
        }),
    );
    let profiles = record
        .get("social_profiles")
        .filter(|v| v.is_array())
        .cloned()
        .unwrap_or_else(|| json!([]));
    contact.insert(
        "social_profiles".into(),
        json!({"type": "list", "data": profiles}),
    );
    contact.insert(
        "custom_attributes".into(),
        record
            .get("custom_attributes")
            .filter(|v| v.is_object())
            .cloned()
            .unwrap_or_else(|| json!({})),
    );
    Value::Object(contact)
}

/// Renders contacts for `version`, with their tag, note and company summaries.
pub async fn render_contacts<C: Conn>(
    scope: &mut Scope<C>,
    records: &[Record],
    version: ApiVersion,
) -> ApiResult<Vec<Value>> {
    let related = related(scope, records).await?;
    let workspace_id = scope.workspace().as_str().to_owned();
    Ok(records
        .iter()
        .map(|r| {
            versioned(
                canonical(r, &workspace_id, &related),
                version,
                CONTACT_CHANGES,
            )
        })
        .collect())
}

/// Renders a contact created in this request: it has no tags, notes or companies yet, so
/// none are looked up.
pub fn render_new_contact(record: &Record, workspace_id: &str, version: ApiVersion) -> Value {
    let related = Related {
        tags: HashMap::new(),
        companies: HashMap::new(),
        notes: HashMap::new(),
    };
    versioned(
        canonical(record, workspace_id, &related),
        version,
        CONTACT_CHANGES,
    )
}

/// Renders one contact for `version`.
pub async fn render_contact<C: Conn>(
    scope: &mut Scope<C>,
    record: &Record,
    version: ApiVersion,
) -> ApiResult<Value> {
    Ok(
        render_contacts(scope, std::slice::from_ref(record), version)
            .await?
            .pop()
            .unwrap_or(Value::Null),
    )
}

/// The small object archive, unarchive, block and delete answer with.
pub fn contact_reference(record: &Record, flag: &str, value: bool) -> Value {
    json!({
        "type": "contact",
        "id": id_of(record),
        "external_id": record.get("external_id").cloned().unwrap_or(Value::Null),
        flag: value,
    })
}
