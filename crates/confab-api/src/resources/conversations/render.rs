//! Conversations and their parts as each version shows them. A page of conversations is
//! rendered from one load of everything it refers to (parts, contacts, tags, admins), and
//! statistics are computed from the parts on the way out.

use std::borrow::Cow;
use std::collections::HashMap;

use confab_domain::models::conversation::{statistics, AuthorKind, Event, Part, Statistics};
use confab_domain::models::Admin;
use confab_domain::paging::Page;
use confab_domain::record::relation::{
    CONVERSATION_CONTACT, CONVERSATION_CUSTOM_OBJECT, CONVERSATION_LINK, CONVERSATION_TAG,
};
use confab_domain::record::{flag_of, id_of, int_of, text_of, Record, Side};
use confab_domain::tables::{CONTACTS, CONVERSATION_PARTS, CUSTOM_OBJECT_INSTANCES, TAGS};
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::links::Link;
use confab_store::records::Filter;
use confab_store::{Conn, Scope, WriteScope};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

use super::linked::Linked;
use crate::error::{ApiError, ApiResult};
use crate::paging::{named_list_body, ListBody};
use crate::render::{before, rendered, versioned, Change, Rendered, EMPTY_ARRAY};

/// Retrieving a conversation shows at most this many parts: the newest.
pub const MAX_PARTS: usize = 500;

const CONVERSATION_CHANGES: &[Change] = &[
    Change {
        // 2.11 lists `topics` among the required fields of a conversation.
        versions: before(ApiVersion::V2_13),
        apply: |c| {
            c.insert(
                "topics".into(),
                json!({"type": "topic.list", "topics": [], "total_count": 0}),
            );
        },
    },
    Change {
        // 2.13's conversation has no custom attributes.
        versions: &[ApiVersion::V2_13],
        apply: |c| {
            c.remove("custom_attributes");
        },
    },
    Change {
        // Only Unstable shows the company, and writes the team id as a string.
        versions: before(ApiVersion::Unstable),
        apply: |c| {
            c.remove("company_id");
        },
    },
    Change {
        versions: &[ApiVersion::Unstable],
        apply: |c| {
            if let Some(team) = c.get_mut("team_assignee_id") {
                if let Some(id) = team.as_i64() {
                    *team = json!(id.to_string());
                }
            }
            if c.get("company_id").is_some_and(Value::is_null) {
                c.remove("company_id");
            }
        },
    },
];

/// How a caller wants conversations shown.
#[derive(Debug, Clone, Copy)]
pub struct View {
    pub version: ApiVersion,
    /// Include `conversation_parts` (retrieval, and Unstable's lists).
    pub with_parts: bool,
    /// `display_as=plaintext`: bodies without HTML.
    pub plaintext: bool,
}

/// Everything a page of conversations (or tickets) refers to.
pub(crate) struct Loaded {
    pub(crate) parts: HashMap<String, Vec<Part>>,
    contacts: HashMap<String, Vec<Link>>,
    tags: HashMap<String, Vec<Link>>,
    contact_records: HashMap<String, Record>,
    tag_records: HashMap<String, Record>,
    admins: HashMap<String, Admin>,
    pub(crate) linked: Linked,
    /// The custom object instances associated with each conversation.
    objects: HashMap<String, Vec<Record>>,
}

pub(crate) async fn load<C: Conn>(scope: &mut Scope<C>, records: &[Record]) -> ApiResult<Loaded> {
    let ids: Vec<String> = records.iter().map(|r| id_of(r).to_owned()).collect();
    let mut held = scope
        .links_of_each(
            &[
                CONVERSATION_CONTACT,
                CONVERSATION_TAG,
                CONVERSATION_LINK,
                CONVERSATION_CUSTOM_OBJECT,
            ],
            Side::Left,
            &ids,
        )
        .await?;
    let mut held_of = |relation: &str| held.remove(relation).unwrap_or_default();
    let contacts = held_of(CONVERSATION_CONTACT);
    let tags = held_of(CONVERSATION_TAG);
    let links = held_of(CONVERSATION_LINK);
    let object_links = held_of(CONVERSATION_CUSTOM_OBJECT);
    let mut parts: HashMap<String, Vec<Part>> = HashMap::new();
    let all_parts: Vec<Part> = scope
        .records_as(
            &CONVERSATION_PARTS,
            &[Filter::In(
                "conversation_id",
                ids.iter().map(|id| Value::from(id.as_str())).collect(),
            )],
        )
        .await?;
    for part in all_parts {
        match parts.get_mut(&part.conversation_id) {
            Some(list) => list.push(part),
            None => {
                parts.insert(part.conversation_id.clone(), vec![part]);
            }
        }
    }
    let contact_ids = contacts_named(records, &contacts, &parts);
    let contact_records = scope
        .records_by_ids(&CONTACTS, &contact_ids)
        .await?
        .into_iter()
        .map(|r| (id_of(&r).to_owned(), r))
        .collect();
    let mut tag_ids: Vec<String> = tags
        .values()
        .flatten()
        .map(|l| l.right_id.clone())
        .collect();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    let tag_records = scope
        .records_by_ids(&TAGS, &tag_ids)
        .await?
        .into_iter()
        .map(|r| (id_of(&r).to_owned(), r))
        .collect();
    let admin_ids = admins_named(records, &parts);
    let admins = scope
        .admins_by_ids(&admin_ids)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a))
        .collect();
    let linked = Linked::load(scope, &ids, links).await?;
    let objects = associated_objects(scope, object_links).await?;
    Ok(Loaded {
        parts,
        contacts,
        tags,
        contact_records,
        tag_records,
        admins,
        linked,
        objects,
    })
}

/// The contacts taking part in `records` or writing their opening messages or parts.
fn contacts_named(
    records: &[Record],
    participants: &HashMap<String, Vec<Link>>,
    parts: &HashMap<String, Vec<Part>>,
) -> Vec<String> {
    let mut ids: Vec<String> = participants
        .values()
        .flatten()
        .map(|l| l.right_id.clone())
        .collect();
    for record in records {
        if AuthorKind::of(text_of(record, "author_type").unwrap_or_default()) == AuthorKind::Contact
        {
            ids.push(text_of(record, "author_id").unwrap_or_default().to_owned());
        }
    }
    for part in parts.values().flatten() {
        if AuthorKind::of(part.author_type()) == AuthorKind::Contact {
            ids.push(part.author_id().to_owned());
        }
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The admins who wrote the opening messages or parts of `records`.
fn admins_named(records: &[Record], parts: &HashMap<String, Vec<Part>>) -> Vec<i64> {
    let mut ids: Vec<i64> = records
        .iter()
        .filter_map(|r| admin_author_id(text_of(r, "author_type"), text_of(r, "author_id")))
        .chain(
            parts
                .values()
                .flatten()
                .filter_map(|p| admin_author_id(p.author_type.as_deref(), p.author_id.as_deref())),
        )
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The admin who wrote a part or an opening message, if an admin did.
fn admin_author_id(author_type: Option<&str>, author_id: Option<&str>) -> Option<i64> {
    (AuthorKind::of(author_type.unwrap_or_default()) == AuthorKind::Admin)
        .then(|| author_id.and_then(|id| id.parse().ok()))
        .flatten()
}

/// The custom object instances these links (of conversations to instances) name, by
/// conversation.
async fn associated_objects<C: Conn>(
    scope: &mut Scope<C>,
    links: HashMap<String, Vec<Link>>,
) -> ApiResult<HashMap<String, Vec<Record>>> {
    if links.is_empty() {
        return Ok(HashMap::new());
    }
    let instance_ids: Vec<String> = links
        .values()
        .flatten()
        .map(|l| l.right_id.clone())
        .collect();
    let instances: HashMap<String, Record> = scope
        .records_by_ids(&CUSTOM_OBJECT_INSTANCES, &instance_ids)
        .await?
        .into_iter()
        .map(|r| (id_of(&r).to_owned(), r))
        .collect();
    Ok(links
        .into_iter()
        .map(|(owner, links)| {
            let held = links
                .iter()
                .filter_map(|l| instances.get(&l.right_id).cloned())
                .collect();
            (owner, held)
        })
        .collect())
}

/// A conversation's custom attributes, with each associated custom object type as a
/// `custom_object_instance_list` under its identifier (lowercased, as updates name it).
fn custom_attributes(record: &Record, loaded: &Loaded) -> Value {
    let mut attributes = record
        .get("custom_attributes")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for instance in loaded
        .objects
        .get(id_of(record))
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let key = text_of(instance, "type_identifier")
            .unwrap_or_default()
            .to_lowercase();
        let list = attributes
            .entry(key.clone())
            .or_insert_with(|| json!({"type": format!("{key}.list"), "instances": []}));
        if let Some(instances) = list.get_mut("instances").and_then(Value::as_array_mut) {
            instances.push(crate::resources::custom_objects::render_instance(instance));
        }
    }
    Value::Object(attributes)
}

/// Intercom's plain-text form of an HTML body: tags dropped, the common entities decoded.
pub fn plaintext(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Who wrote a part or a conversation's opening message, looked up in what was loaded.
pub(crate) struct Author<'a> {
    kind: &'a str,
    id: &'a str,
    name: Option<&'a str>,
    email: &'a str,
    version: ApiVersion,
}

impl<'a> Author<'a> {
    pub(crate) fn of(
        loaded: &'a Loaded,
        author_type: &'a str,
        author_id: &'a str,
        version: ApiVersion,
    ) -> Self {
        let (name, email) = match AuthorKind::of(author_type) {
            AuthorKind::Admin => loaded
                .admins
                .get(author_id)
                .map_or((None, ""), |a| (Some(a.name.as_str()), a.email.as_str())),
            AuthorKind::Contact => loaded
                .contact_records
                .get(author_id)
                .map_or((None, ""), |c| {
                    (text_of(c, "name"), text_of(c, "email").unwrap_or_default())
                }),
            AuthorKind::Bot => (Some("Operator"), ""),
        };
        Self {
            kind: author_type,
            id: author_id,
            name,
            email,
            version,
        }
    }
}

impl Serialize for Author<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("type", self.kind)?;
        map.serialize_entry("id", self.id)?;
        // Unstable makes the name a non-nullable string.
        match self.name {
            None if self.version == ApiVersion::Unstable => map.serialize_entry("name", "")?,
            name => map.serialize_entry("name", &name)?,
        }
        map.serialize_entry("email", self.email)?;
        map.serialize_entry("from_ai_agent", &false)?;
        map.serialize_entry("is_ai_answer", &false)?;
        map.end()
    }
}

pub(crate) fn author(
    loaded: &Loaded,
    author_type: &str,
    author_id: &str,
    version: ApiVersion,
) -> Value {
    serde_json::to_value(Author::of(loaded, author_type, author_id, version)).unwrap_or(Value::Null)
}

/// A body column as `view` shows it: as stored, or without HTML.
fn body_text<'a>(record: &'a Record, column: &str, view: View) -> Option<Cow<'a, str>> {
    shown_body(text_of(record, column), view)
}

/// A body as `view` shows it: as stored, or without HTML.
pub(crate) fn shown_body(body: Option<&str>, view: View) -> Option<Cow<'_, str>> {
    body.map(|body| {
        if view.plaintext {
            Cow::Owned(plaintext(body))
        } else {
            Cow::Borrowed(body)
        }
    })
}

pub(crate) fn body_of(record: &Record, column: &str, view: View) -> Value {
    body_text(record, column, view).map_or(Value::Null, |body| Value::from(body.into_owned()))
}

#[derive(Serialize)]
struct AssignedTo<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    id: Option<&'a str>,
}

/// One conversation part, written straight from its row.
struct PartView<'a> {
    part: &'a Part,
    loaded: &'a Loaded,
    view: View,
}

impl Serialize for PartView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let part = self.part;
        let assigned_to = part.assigned_type.as_deref().map(|kind| AssignedTo {
            kind,
            id: part.assigned_id.as_deref(),
        });
        let author = Author::of(
            self.loaded,
            part.author_type(),
            part.author_id(),
            self.view.version,
        );
        let attachments = part.attachments.as_ref().filter(|v| v.is_array());
        let mut map = serializer.serialize_map(Some(12))?;
        map.serialize_entry("type", "conversation_part")?;
        map.serialize_entry("id", &part.id)?;
        map.serialize_entry("part_type", &part.part_type)?;
        map.serialize_entry("body", &shown_body(part.body.as_deref(), self.view))?;
        map.serialize_entry("created_at", &part.created_at)?;
        map.serialize_entry("updated_at", &part.updated_at)?;
        map.serialize_entry("notified_at", &part.notified_at)?;
        map.serialize_entry("assigned_to", &assigned_to)?;
        map.serialize_entry("author", &author)?;
        map.serialize_entry("attachments", attachments.unwrap_or(&EMPTY_ARRAY))?;
        map.serialize_entry("external_id", &part.external_id)?;
        map.serialize_entry("redacted", &part.redacted.unwrap_or(false))?;
        map.end()
    }
}

/// `conversation_parts`: the newest [`MAX_PARTS`] parts and the count of all of them.
struct PartList<'a> {
    parts: &'a [Part],
    loaded: &'a Loaded,
    view: View,
}

impl Serialize for PartList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = &self.parts[self.parts.len().saturating_sub(MAX_PARTS)..];
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("type", "conversation_part.list")?;
        map.serialize_entry(
            "conversation_parts",
            &Each(shown, |part| PartView {
                part,
                loaded: self.loaded,
                view: self.view,
            }),
        )?;
        map.serialize_entry("total_count", &self.parts.len())?;
        map.end()
    }
}

/// A sequence written by viewing each item as it is written.
struct Each<'a, T, F>(&'a [T], F);

impl<'a, T, F, V> Serialize for Each<'a, T, F>
where
    F: Fn(&'a T) -> V,
    V: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(&self.1))
    }
}

/// A conversation: its versioned fields, then its parts when the view shows them.
struct ConversationView<'a> {
    head: Map<String, Value>,
    parts: Option<PartList<'a>>,
}

impl Serialize for ConversationView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in &self.head {
            map.serialize_entry(key, value)?;
        }
        if let Some(parts) = &self.parts {
            map.serialize_entry("conversation_parts", parts)?;
        }
        map.end()
    }
}

fn render_statistics(s: &Statistics) -> Value {
    let mut out = Map::new();
    out.insert("type".into(), json!("conversation_statistics"));
    let optional = [
        ("time_to_assignment", s.time_to_assignment),
        ("time_to_admin_reply", s.time_to_admin_reply),
        ("time_to_first_close", s.time_to_first_close),
        ("time_to_last_close", s.time_to_last_close),
        ("median_time_to_reply", s.median_time_to_reply),
        ("first_contact_reply_at", s.first_contact_reply_at),
        ("first_assignment_at", s.first_assignment_at),
        ("first_admin_reply_at", s.first_admin_reply_at),
        ("first_close_at", s.first_close_at),
        ("last_assignment_at", s.last_assignment_at),
        (
            "last_assignment_admin_reply_at",
            s.last_assignment_admin_reply_at,
        ),
        ("last_contact_reply_at", s.last_contact_reply_at),
        ("last_admin_reply_at", s.last_admin_reply_at),
        ("last_close_at", s.last_close_at),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            out.insert(name.into(), json!(value));
        }
    }
    if let Some(by) = &s.last_closed_by_id {
        out.insert("last_closed_by_id".into(), json!(by));
    }
    out.insert("count_reopens".into(), json!(s.count_reopens));
    out.insert("count_assignments".into(), json!(s.count_assignments));
    out.insert(
        "count_conversation_parts".into(),
        json!(s.count_conversation_parts),
    );
    Value::Object(out)
}

/// The admins who wrote a part, as references.
fn teammates(events: &[Event<'_>]) -> Value {
    let mut ids: Vec<&str> = events
        .iter()
        .filter(|e| e.author == AuthorKind::Admin)
        .map(|e| e.author_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    json!({
        "type": "admin.list",
        "teammates": ids.iter().map(|t| json!({"type": "admin", "id": t})).collect::<Vec<_>>(),
    })
}

/// The conversation's contacts, as references.
pub(crate) fn contact_refs(loaded: &Loaded, id: &str) -> Value {
    let contacts: Vec<Value> = loaded
        .contacts
        .get(id)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|l| {
            let external_id = loaded
                .contact_records
                .get(&l.right_id)
                .and_then(|c| c.get("external_id").cloned())
                .unwrap_or(Value::Null);
            json!({"type": "contact", "id": l.right_id, "external_id": external_id})
        })
        .collect();
    json!({"type": "contact.list", "contacts": contacts})
}

/// The conversation's tags, with who applied them and when.
fn applied_tags(loaded: &Loaded, id: &str, version: ApiVersion) -> Value {
    let tags: Vec<Value> = loaded
        .tags
        .get(id)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|l| {
            let tag = loaded.tag_records.get(&l.right_id)?;
            Some(crate::resources::tags::render_tag(tag, Some(l), version))
        })
        .collect();
    json!({"type": "tag.list", "tags": tags})
}

fn canonical<'a>(record: &Record, loaded: &'a Loaded, view: View) -> ConversationView<'a> {
    let id = id_of(record);
    let parts = loaded.parts.get(id).map(Vec::as_slice).unwrap_or_default();
    let author_type = text_of(record, "author_type").unwrap_or_default();
    let created_at = int_of(record, "created_at").unwrap_or_default();
    let contact_started = AuthorKind::of(author_type) == AuthorKind::Contact;
    let events: Vec<Event<'_>> = parts.iter().map(Part::event).collect();
    let stats = statistics(created_at, contact_started, &events);
    let teammates = teammates(&events);
    let contacts = contact_refs(loaded, id);
    let tags = applied_tags(loaded, id, view.version);
    let source = json!({
        "type": record.get("source_type"),
        "id": record.get("source_id"),
        "delivered_as": record.get("delivered_as"),
        "subject": text_of(record, "subject").unwrap_or_default(),
        "body": body_of(record, "body", view),
        "author": author(loaded, author_type, text_of(record, "author_id").unwrap_or_default(), view.version),
        "attachments": record.get("source_attachments").filter(|v| v.is_array()).cloned().unwrap_or_else(|| json!([])),
        "url": Value::Null,
        "redacted": flag_of(record, "source_redacted"),
    });
    let mut c = json!({
        "type": "conversation",
        "id": id,
        "title": record.get("title"),
        "created_at": created_at,
        "updated_at": record.get("updated_at"),
        "waiting_since": record.get("waiting_since"),
        "snoozed_until": record.get("snoozed_until"),
        "open": text_of(record, "state") != Some("closed"),
        "state": record.get("state"),
        "read": flag_of(record, "read"),
        "priority": record.get("priority"),
        "admin_assignee_id": record.get("admin_assignee_id"),
        "team_assignee_id": record.get("team_assignee_id"),
        "company_id": record.get("company_id"),
        "tags": tags,
        "source": source,
        "contacts": contacts,
        "teammates": teammates,
        "custom_attributes": custom_attributes(record, loaded),
        "sla_applied": Value::Null,
        "statistics": render_statistics(&stats),
        "linked_objects": loaded.linked.render(id),
        "ai_agent_participated": false,
        "ai_agent": Value::Null,
    });
    if let Some(obj) = c.as_object_mut() {
        // The contact's opening message, or their first reply to an admin's message.
        if let Some(first) = stats.first_contact_reply_at {
            obj.insert(
                "first_contact_reply".into(),
                json!({"created_at": first, "type": "conversation", "url": Value::Null}),
            );
        }
    }
    let head = match versioned(c, view.version, CONVERSATION_CHANGES) {
        Value::Object(head) => head,
        _ => Map::new(),
    };
    ConversationView {
        head,
        parts: view.with_parts.then_some(PartList {
            parts,
            loaded,
            view,
        }),
    }
}

/// Renders conversations as `view` asks.
pub async fn render_conversations<C: Conn>(
    scope: &mut Scope<C>,
    records: &[Record],
    view: View,
) -> ApiResult<Vec<Rendered>> {
    let loaded = load(scope, records).await?;
    records
        .iter()
        .map(|r| rendered(&canonical(r, &loaded, view)))
        .collect()
}

/// A page of conversations as `view` asks, in the `conversation.list` body that lists and
/// searches answer with.
pub async fn render_conversation_page<C: Conn>(
    scope: &mut Scope<C>,
    page: &Page<Record>,
    view: View,
) -> ApiResult<ListBody<Vec<Rendered>>> {
    let conversations = render_conversations(scope, &page.items, view).await?;
    Ok(named_list_body(
        "conversation.list",
        "conversations",
        conversations,
        page,
    ))
}

/// Commits `scope` and answers `record` as `view` shows it. Everything the answer shows is
/// read inside the transaction, but turned into JSON only after the commit, so the next
/// writer does not wait for the rendering.
pub(crate) async fn commit_rendering(
    mut scope: WriteScope,
    record: &Record,
    view: View,
) -> ApiResult<Rendered> {
    let loaded = load(&mut scope, std::slice::from_ref(record)).await?;
    scope.commit().await?;
    rendered(&canonical(record, &loaded, view))
}

/// Renders one conversation with its parts.
pub async fn render_conversation<C: Conn>(
    scope: &mut Scope<C>,
    record: &Record,
    view: View,
) -> ApiResult<Rendered> {
    render_conversations(scope, std::slice::from_ref(record), view)
        .await?
        .pop()
        .ok_or_else(|| ApiError::new(ErrorCode::ServerError))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_drops_tags_and_decodes_entities() {
        assert_eq!(plaintext("<p>Hi &amp; <b>bye</b></p>"), "Hi & bye");
        assert_eq!(plaintext("1 &lt; 2"), "1 < 2");
    }
}
