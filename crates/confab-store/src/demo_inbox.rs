//! The demo inbox: three ticket types (one per category, the bug report with a severity list),
//! three conversations with history (closed after a back-and-forth, waiting on an admin,
//! snoozed), and two tickets: Jane's bug report, and an outage tracker linked to her
//! conversation.

use confab_domain::models::ticket::category;
use confab_domain::record::{id_of, relation, Record};
use confab_domain::tables::{
    CONVERSATIONS, CONVERSATION_PARTS, TICKET_STATES, TICKET_TYPE_ATTRIBUTES,
};
use serde_json::{json, Value};

use crate::records::Filter;
use crate::{StoreError, WriteScope};

/// Who the demo conversations are between.
pub(crate) struct Cast<'a> {
    pub owner: i64,
    pub agent: i64,
    pub team: i64,
    /// Jane, Sam (users) and Lee (a lead).
    pub contacts: &'a [String],
}

fn object(value: Value) -> Result<Record, StoreError> {
    match value {
        Value::Object(record) => Ok(record),
        _ => Err(StoreError::Corrupt("demo record is not an object".into())),
    }
}

async fn ticket_type(
    scope: &mut WriteScope,
    name: &str,
    category: &str,
    icon: &str,
    now: i64,
) -> Result<i64, StoreError> {
    let record = object(json!({
        "name": name, "name_key": name.to_lowercase(), "description": format!("Demo: {name}"),
        "category": category, "icon": icon, "is_internal": false, "archived": false,
        "created_at": now, "updated_at": now,
    }))?;
    let stored = scope.insert_ticket_type(&record, now).await?;
    Ok(id_of(&stored).parse().unwrap_or_default())
}

/// (part_type, author_type, author_id, body, seconds before now, assignee)
type Step<'a> = (
    &'a str,
    &'a str,
    String,
    Option<&'a str>,
    i64,
    Option<(&'a str, String)>,
);

async fn conversation(
    scope: &mut WriteScope,
    opened: Record,
    steps: Vec<Step<'_>>,
    contact: &str,
    now: i64,
) -> Result<String, StoreError> {
    let stored = scope.insert_record(&CONVERSATIONS, &opened, now).await?;
    let id = id_of(&stored).to_owned();
    scope
        .put_link(
            relation::CONVERSATION_CONTACT,
            &id,
            contact,
            &Value::Null,
            now,
        )
        .await?;
    for (part_type, author_type, author_id, body, ago, assigned) in steps {
        let at = now - ago;
        let (assigned_type, assigned_id) =
            assigned.map_or((Value::Null, Value::Null), |(t, i)| (json!(t), json!(i)));
        let part = object(json!({
            "conversation_id": id, "part_type": part_type, "body": body,
            "author_type": author_type, "author_id": author_id,
            "assigned_type": assigned_type, "assigned_id": assigned_id,
            "attachments": [], "redacted": false,
            "created_at": at, "updated_at": at, "notified_at": at,
        }))?;
        scope.insert_record(&CONVERSATION_PARTS, &part, at).await?;
    }
    Ok(id)
}

fn opened(
    contact: &str,
    role: &str,
    body: &str,
    state: &str,
    at: i64,
    extra: Value,
) -> Result<Record, StoreError> {
    let mut record = object(json!({
        "state": state, "read": true, "priority": "not_priority",
        "created_at": at, "updated_at": at, "waiting_since": Value::Null,
        "source_id": confab_domain::ids::message_id(), "source_type": "conversation",
        "delivered_as": "customer_initiated", "subject": "", "body": body,
        "author_type": role, "author_id": contact, "custom_attributes": {},
    }))?;
    if let Value::Object(extra) = extra {
        record.extend(extra);
    }
    Ok(record)
}

pub(crate) async fn seed_demo_inbox(
    scope: &mut WriteScope,
    cast: &Cast<'_>,
    now: i64,
) -> Result<(), StoreError> {
    let [jane, sam, lee] = cast.contacts else {
        return Ok(());
    };
    let (bug, tracker) = demo_ticket_types(scope, now).await?;
    let login = demo_conversations(scope, cast, [jane, sam, lee], now).await?;
    demo_tickets(scope, cast, jane, [bug, tracker], &login, now).await
}

/// The three ticket types; answers the bug report's and the tracker's ids.
async fn demo_ticket_types(scope: &mut WriteScope, now: i64) -> Result<(i64, i64), StoreError> {
    let bug = ticket_type(scope, "Bug report", category::CUSTOMER, "\u{1f41e}", now).await?;
    ticket_type(
        scope,
        "Refund approval",
        category::BACK_OFFICE,
        "\u{1f4b8}",
        now,
    )
    .await?;
    let tracker = ticket_type(scope, "Known issue", category::TRACKER, "\u{1f6a8}", now).await?;
    let severity = object(json!({
        "ticket_type_id": bug, "name": "Severity", "description": "How bad it is",
        "data_type": "list", "position": 2, "required_to_create": false,
        "input_options": {"list_items": [
            {"id": "1", "label": "Low", "archived": false},
            {"id": "2", "label": "Medium", "archived": false},
            {"id": "3", "label": "High", "archived": false}]},
        "created_at": now, "updated_at": now,
    }))?;
    scope
        .insert_record(&TICKET_TYPE_ATTRIBUTES, &severity, now)
        .await?;
    Ok((bug, tracker))
}

/// The three conversations; answers the id of Jane's (closed) login conversation.
async fn demo_conversations(
    scope: &mut WriteScope,
    cast: &Cast<'_>,
    [jane, sam, lee]: [&String; 3],
    now: i64,
) -> Result<String, StoreError> {
    let (owner, agent) = (cast.owner.to_string(), cast.agent.to_string());
    let login = conversation(
        scope,
        opened(
            jane,
            "user",
            "<p>I can't log in since this morning.</p>",
            "closed",
            now - 3600,
            json!({"admin_assignee_id": cast.agent, "team_assignee_id": cast.team}),
        )?,
        vec![
            (
                "comment",
                "admin",
                agent.clone(),
                Some("<p>Sorry about that! Looking into it now.</p>"),
                3000,
                None,
            ),
            (
                "assignment",
                "admin",
                agent.clone(),
                None,
                2900,
                Some(("team", cast.team.to_string())),
            ),
            (
                "comment",
                "user",
                jane.clone(),
                Some("<p>Thanks, it works again.</p>"),
                2000,
                None,
            ),
            ("close", "admin", agent.clone(), None, 1000, None),
        ],
        jane,
        now,
    )
    .await?;
    conversation(
        scope,
        opened(
            sam,
            "user",
            "<p>Do you offer annual billing?</p>",
            "open",
            now - 600,
            json!({"read": false, "waiting_since": now - 600}),
        )?,
        Vec::new(),
        sam,
        now,
    )
    .await?;
    conversation(
        scope,
        opened(
            lee,
            "lead",
            "<p>Is there a free trial?</p>",
            "snoozed",
            now - 7200,
            json!({"snoozed_until": now + 86_400, "admin_assignee_id": cast.owner}),
        )?,
        vec![
            (
                "note",
                "admin",
                owner.clone(),
                Some("<p>Ask sales tomorrow.</p>"),
                7000,
                None,
            ),
            ("snoozed", "admin", owner.clone(), None, 6990, None),
        ],
        lee,
        now,
    )
    .await?;
    Ok(login)
}

/// Jane's bug report, and the tracker linked to her login conversation.
async fn demo_tickets(
    scope: &mut WriteScope,
    cast: &Cast<'_>,
    jane: &str,
    [bug, tracker]: [i64; 2],
    login: &str,
    now: i64,
) -> Result<(), StoreError> {
    let states = scope
        .records(&TICKET_STATES, &[Filter::Eq("archived", json!(false))])
        .await?;
    let state_of = |category: &str| {
        states
            .iter()
            .find(|s| s.get("category") == Some(&json!(category)))
            .and_then(|s| id_of(s).parse::<i64>().ok())
    };
    for (type_id, title, body, state, attributes, link) in [
        (
            bug,
            "Login fails after password reset",
            "Jane could not log in after resetting her password.",
            "in_progress",
            json!({"_default_title_": "Login fails after password reset", "_default_description_": "Jane could not log in after resetting her password.", "Severity": "High"}),
            None,
        ),
        (
            tracker,
            "Login outage",
            "Logins failed for some users this morning.",
            "submitted",
            json!({"_default_title_": "Login outage", "_default_description_": "Logins failed for some users this morning."}),
            Some(login.to_owned()),
        ),
    ] {
        let number = scope.next_in_sequence("ticket_number").await?;
        let record = object(json!({
            "state": "open", "read": true, "priority": "not_priority",
            "admin_assignee_id": cast.agent, "created_at": now - 1800, "updated_at": now - 1800,
            "source_id": confab_domain::ids::message_id(), "source_type": "ticket",
            "delivered_as": "customer_initiated", "title": title, "subject": title, "body": body,
            "author_type": "user", "author_id": jane, "custom_attributes": {},
            "ticket_type_id": type_id, "ticket_number": number, "ticket_state_id": state_of(state),
            "ticket_attributes": attributes, "is_shared": false,
        }))?;
        let stored = scope.insert_record(&CONVERSATIONS, &record, now).await?;
        let id = id_of(&stored).to_owned();
        scope
            .put_link(relation::CONVERSATION_CONTACT, &id, jane, &Value::Null, now)
            .await?;
        if let Some(other) = link {
            scope
                .put_link(relation::CONVERSATION_LINK, &id, &other, &Value::Null, now)
                .await?;
        }
    }
    Ok(())
}
