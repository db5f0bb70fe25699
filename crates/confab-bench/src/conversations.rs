//! The conversations the conversation phases need, set up through the store before the load
//! starts: one conversation with 100 parts (for `GET /conversations/{id}`), and a second
//! workspace of [`REPLY_CONTACTS`] contacts with a conversation each, which the replies spread
//! over (`POST /conversations/last/reply` as contact `n % REPLY_CONTACTS` answers that contact's
//! latest conversation), so no conversation grows long and the read stays byte for byte.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use confab_domain::clock::system_now;
use confab_domain::models::Workspace;
use confab_domain::record::relation::CONVERSATION_CONTACT;
use confab_domain::record::{id_of, Record};
use confab_domain::tables::{CONTACTS, CONVERSATIONS, CONVERSATION_PARTS};
use confab_store::tenancy::NewWorkspace;
use confab_store::{Store, WriteScope};
use serde_json::{json, Value};

use crate::load::{Body, BodyFn};

/// The access token of the workspace the replies write into.
pub const REPLY_TOKEN: &str = "confab-bench-reply-token";

/// The contacts (each with one conversation) the replies are spread over. A reply answers the
/// whole conversation, so its cost grows with the conversation: with 1,000, a fast machine's
/// three rounds left each conversation about 60 parts long and the third round a third
/// slower than the first. With 10,000, no conversation passes about ten parts in a run.
pub const REPLY_CONTACTS: usize = 10_000;

/// The parts of the conversation `GET /conversations/{id}` reads.
pub const READ_PARTS: usize = 100;

fn object(value: Value) -> anyhow::Result<Record> {
    match value {
        Value::Object(record) => Ok(record),
        _ => anyhow::bail!("not a JSON object"),
    }
}

/// A contact and its conversation; answers (contact id, conversation id).
async fn contact_with_conversation(
    scope: &mut WriteScope,
    n: usize,
    now: i64,
) -> anyhow::Result<(String, String)> {
    let contact = scope
        .insert_record(
            &CONTACTS,
            &object(json!({
                "role": "user", "email": format!("talker-{n}@example.com"),
                "email_domain": "example.com", "name": format!("Talker {n}"),
                "created_at": now, "updated_at": now, "custom_attributes": {},
            }))?,
            now,
        )
        .await?;
    let contact_id = id_of(&contact).to_owned();
    let conversation = scope
        .insert_record(
            &CONVERSATIONS,
            &object(json!({
                "state": "open", "read": false, "priority": "not_priority",
                "waiting_since": now, "created_at": now, "updated_at": now,
                "source_id": format!("bench-{n}"), "source_type": "conversation",
                "delivered_as": "customer_initiated", "subject": "",
                "body": "<p>Hello, I need help with my order.</p>",
                "author_type": "user", "author_id": contact_id, "custom_attributes": {},
            }))?,
            now,
        )
        .await?;
    let conversation_id = id_of(&conversation).to_owned();
    scope
        .put_link(
            CONVERSATION_CONTACT,
            &conversation_id,
            &contact_id,
            &Value::Null,
            now,
        )
        .await?;
    Ok((contact_id, conversation_id))
}

/// What [`prepare`] made.
pub struct Prepared {
    /// The conversation with [`READ_PARTS`] parts.
    pub long_conversation: String,
    /// The contacts of the reply workspace, by reply number modulo their count.
    pub reply_contacts: Arc<Vec<String>>,
}

/// Makes the long conversation in `workspace`, and the reply workspace with [`REPLY_TOKEN`].
pub async fn prepare(
    store: &Store,
    workspace: &Workspace,
    admin_id: i64,
) -> anyhow::Result<Prepared> {
    let now = system_now();
    let mut scope = store.write(&workspace.id).await?;
    let (contact, long_conversation) = contact_with_conversation(&mut scope, 0, now).await?;
    for i in 0..READ_PARTS {
        let by_admin = i % 2 == 0;
        let part = object(json!({
            "conversation_id": long_conversation,
            "part_type": if i % 10 == 9 { "note" } else { "comment" },
            "body": format!("<p>Message {i} of the thread.</p>"),
            "author_type": if by_admin { "admin" } else { "user" },
            "author_id": if by_admin { admin_id.to_string() } else { contact.clone() },
            "attachments": [], "redacted": false,
            "created_at": now + i as i64, "updated_at": now + i as i64, "notified_at": now + i as i64,
        }))?;
        scope.insert_record(&CONVERSATION_PARTS, &part, now).await?;
    }
    scope.commit().await?;

    let other = store
        .create_workspace(
            &NewWorkspace {
                name: "Benchmark replies".into(),
                ..NewWorkspace::default()
            },
            now,
        )
        .await?;
    store
        .ensure_token(&other.id, REPLY_TOKEN, now)
        .await
        .context("cannot make the reply workspace's token")?;
    let mut scope = store.write(&other.id).await?;
    let mut contacts = Vec::with_capacity(REPLY_CONTACTS);
    for n in 0..REPLY_CONTACTS {
        contacts.push(contact_with_conversation(&mut scope, n, now).await?.0);
    }
    scope.commit().await?;
    Ok(Prepared {
        long_conversation,
        reply_contacts: Arc::new(contacts),
    })
}

/// The bodies of the replies: a comment by contact `n % REPLY_CONTACTS`.
pub fn reply_body(counter: Arc<AtomicU64>, contacts: Arc<Vec<String>>) -> Body {
    let build: Arc<BodyFn> = Arc::new(move |n| {
        let contact = contacts
            .get(usize::try_from(n).unwrap_or_default() % contacts.len().max(1))
            .map_or("", String::as_str);
        Bytes::from(format!(
            r#"{{"type":"user","message_type":"comment","intercom_user_id":"{contact}","body":"<p>Reply {n}</p>"}}"#
        ))
    });
    Body::Varying { counter, build }
}
