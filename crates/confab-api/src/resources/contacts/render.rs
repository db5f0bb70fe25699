//! Contacts as each version shows them. A page of contacts is rendered with a fixed number of
//! queries (tags, companies and notes for the whole page at once), never one per contact.

use std::collections::HashMap;

use confab_domain::record::relation::{CONTACT_COMPANY, CONTACT_TAG};
use confab_domain::record::{id_of, text_of, Record};
use confab_domain::tables::NOTES;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::{Conn, Scope};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use crate::embed::Summary;
use crate::error::{ApiError, ApiResult};
use crate::render::{rendered, shows, Omitted, Rendered, EMPTY_ARRAY, EMPTY_OBJECT};

const CONTACT_OMITTED: &[Omitted] = &[Omitted {
    // `formatted_phone` is in the 2.11 and Unstable schemas only.
    field: "formatted_phone",
    versions: &[ApiVersion::V2_13, ApiVersion::V2_14],
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
    let mut held = scope
        .held_ids(&[CONTACT_TAG, CONTACT_COMPANY], &ids)
        .await?;
    let tags = held.remove(CONTACT_TAG).unwrap_or_default();
    let companies = held.remove(CONTACT_COMPANY).unwrap_or_default();
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

/// Every field of a contact, written straight from its row (see [`crate::render`]).
struct ContactView<'a> {
    record: &'a Record,
    workspace_id: &'a str,
    related: &'a Related,
    version: ApiVersion,
}

/// `{type: "list", data}` around a value the row already holds as an array.
#[derive(Serialize)]
struct InlineList<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    data: &'a Value,
}

#[derive(Serialize)]
struct Avatar<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    image_url: &'a str,
}

/// The `location` object, from the row's `location_*` columns.
struct Location<'a>(&'a Record);

impl Serialize for Location<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("type", "location")?;
        for (field, column) in [
            ("country", "location_country"),
            ("region", "location_region"),
            ("city", "location_city"),
            ("country_code", "location_country_code"),
            ("continent_code", "location_continent_code"),
        ] {
            map.serialize_entry(field, self.0.get(column).unwrap_or(&Value::Null))?;
        }
        map.end()
    }
}

impl Serialize for ContactView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let record = self.record;
        let id = id_of(record);
        let mut contact = serializer.serialize_map(None)?;
        contact.serialize_entry("type", "contact")?;
        contact.serialize_entry("id", id)?;
        contact.serialize_entry("workspace_id", self.workspace_id)?;
        for column in PLAIN {
            if !shows(CONTACT_OMITTED, column, self.version) {
                continue;
            }
            match (*column, record.get(*column)) {
                // The descriptions make these two non-nullable strings: an address-less lead
                // has "".
                ("email" | "email_domain", None | Some(Value::Null)) => {
                    contact.serialize_entry(column, "")?;
                }
                (_, value) => contact.serialize_entry(column, value.unwrap_or(&Value::Null))?,
            }
        }
        let avatar = text_of(record, "avatar").map(|url| Avatar {
            kind: "avatar",
            image_url: url,
        });
        contact.serialize_entry("avatar", &avatar)?;
        let related = self.related;
        for (field, ids, item_type, item_path) in [
            ("tags", &related.tags, "tag", "/tags"),
            ("notes", &related.notes, "note", "/notes"),
            ("companies", &related.companies, "company", "/companies"),
        ] {
            let summary = Summary {
                item_type,
                item_path,
                ids: ids.get(id).map(Vec::as_slice).unwrap_or_default(),
                owner_path: "/contacts",
                owner_id: id,
                list: field,
            };
            contact.serialize_entry(field, &summary)?;
        }
        contact.serialize_entry("location", &Location(record))?;
        let profiles = record.get("social_profiles").filter(|v| v.is_array());
        contact.serialize_entry(
            "social_profiles",
            &InlineList {
                kind: "list",
                data: profiles.unwrap_or(&EMPTY_ARRAY),
            },
        )?;
        let attributes = record.get("custom_attributes").filter(|v| v.is_object());
        contact.serialize_entry("custom_attributes", attributes.unwrap_or(&EMPTY_OBJECT))?;
        contact.end()
    }
}

/// Renders contacts for `version`, with their tag, note and company summaries.
pub async fn render_contacts<C: Conn>(
    scope: &mut Scope<C>,
    records: &[Record],
    version: ApiVersion,
) -> ApiResult<Vec<Rendered>> {
    let related = related(scope, records).await?;
    let workspace_id = scope.workspace().as_str().to_owned();
    records
        .iter()
        .map(|record| {
            rendered(&ContactView {
                record,
                workspace_id: &workspace_id,
                related: &related,
                version,
            })
        })
        .collect()
}

/// Renders a contact created in this request: it has no tags, notes or companies yet, so
/// none are looked up.
pub fn render_new_contact(
    record: &Record,
    workspace_id: &str,
    version: ApiVersion,
) -> ApiResult<Rendered> {
    rendered(&ContactView {
        record,
        workspace_id,
        related: &Related {
            tags: HashMap::new(),
            companies: HashMap::new(),
            notes: HashMap::new(),
        },
        version,
    })
}

/// Renders one contact for `version`.
pub async fn render_contact<C: Conn>(
    scope: &mut Scope<C>,
    record: &Record,
    version: ApiVersion,
) -> ApiResult<Rendered> {
    render_contacts(scope, std::slice::from_ref(record), version)
        .await?
        .pop()
        .ok_or_else(|| ApiError::new(ErrorCode::ServerError))
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
