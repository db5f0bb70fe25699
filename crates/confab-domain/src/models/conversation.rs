//! Conversations: their states, the kinds of parts, and the statistics Intercom reports —
//! computed from the parts every time, never stored, so they cannot drift from the history.

pub mod handling;

use serde::Deserialize;
use serde_json::Value;

use crate::clock::Timestamp;

/// `open`, `closed` or `snoozed`.
pub mod state {
    pub const OPEN: &str = "open";
    pub const CLOSED: &str = "closed";
    pub const SNOOZED: &str = "snoozed";
}

/// The `part_type`s Confab writes.
pub mod part_type {
    pub const COMMENT: &str = "comment";
    pub const NOTE: &str = "note";
    pub const QUICK_REPLY: &str = "quick_reply";
    pub const ASSIGNMENT: &str = "assignment";
    pub const CLOSE: &str = "close";
    pub const OPEN: &str = "open";
    pub const SNOOZED: &str = "snoozed";
    /// The workspace's assignment rules ran and found no rule (the default: nobody).
    pub const DEFAULT_ASSIGNMENT: &str = "default_assignment";
    /// A snoozed conversation woke up by itself.
    pub const TIMER_UNSNOOZE: &str = "timer_unsnooze";
}

/// Who wrote a part or the opening message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorKind {
    Admin,
    Contact,
    Bot,
}

impl AuthorKind {
    /// From a stored `author_type` (`admin`, `user`, `lead`, `contact`, `bot`, `team`).
    pub fn of(author_type: &str) -> Self {
        match author_type {
            "admin" | "team" => Self::Admin,
            "bot" => Self::Bot,
            _ => Self::Contact,
        }
    }
}

/// A conversation or ticket part as `conversation_parts` stores it: read straight from its row
/// where many parts are shown at once (`Scope::records_as`), so no generic record is built
/// per part.
#[derive(Debug, Clone, Deserialize)]
pub struct Part {
    pub id: String,
    pub conversation_id: String,
    pub part_type: Option<String>,
    pub body: Option<String>,
    pub author_type: Option<String>,
    pub author_id: Option<String>,
    pub assigned_type: Option<String>,
    pub assigned_id: Option<String>,
    pub attachments: Option<Value>,
    pub redacted: Option<bool>,
    pub external_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub notified_at: Option<Timestamp>,
    pub ticket_state: Option<String>,
    pub previous_ticket_state: Option<String>,
    pub metadata: Option<Value>,
}

impl Part {
    pub fn part_type(&self) -> &str {
        self.part_type.as_deref().unwrap_or_default()
    }

    pub fn author_type(&self) -> &str {
        self.author_type.as_deref().unwrap_or_default()
    }

    pub fn author_id(&self) -> &str {
        self.author_id.as_deref().unwrap_or_default()
    }

    /// What statistics need of this part.
    pub fn event(&self) -> Event<'_> {
        Event {
            part_type: self.part_type(),
            author: AuthorKind::of(self.author_type()),
            author_id: self.author_id(),
            at: self.created_at.unwrap_or_default(),
        }
    }
}

/// One event in a conversation's history, as statistics need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event<'a> {
    pub part_type: &'a str,
    pub author: AuthorKind,
    pub author_id: &'a str,
    pub at: Timestamp,
}

/// Intercom's `conversation_statistics`; `None` fields are not rendered (the descriptions
/// make them non-nullable integers).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Statistics {
    pub time_to_assignment: Option<i64>,
    pub time_to_admin_reply: Option<i64>,
    pub time_to_first_close: Option<i64>,
    pub time_to_last_close: Option<i64>,
    pub median_time_to_reply: Option<i64>,
    pub first_contact_reply_at: Option<Timestamp>,
    pub first_assignment_at: Option<Timestamp>,
    pub first_admin_reply_at: Option<Timestamp>,
    pub first_close_at: Option<Timestamp>,
    pub last_assignment_at: Option<Timestamp>,
    pub last_assignment_admin_reply_at: Option<Timestamp>,
    pub last_contact_reply_at: Option<Timestamp>,
    pub last_admin_reply_at: Option<Timestamp>,
    pub last_close_at: Option<Timestamp>,
    pub last_closed_by_id: Option<String>,
    pub count_reopens: i64,
    pub count_assignments: i64,
    pub count_conversation_parts: i64,
}

fn is_reply(part_type: &str) -> bool {
    matches!(part_type, part_type::COMMENT | part_type::QUICK_REPLY)
}

/// Statistics of a conversation opened at `started` (by a contact when `contact_started`),
/// from its parts in order.
pub fn statistics(started: Timestamp, contact_started: bool, parts: &[Event<'_>]) -> Statistics {
    let mut s = Statistics {
        count_conversation_parts: i64::try_from(parts.len()).unwrap_or(i64::MAX),
        ..Statistics::default()
    };
    if contact_started {
        s.first_contact_reply_at = Some(started);
        s.last_contact_reply_at = Some(started);
    }
    // When the contact is waiting: set by a contact's message, cleared by an admin's reply.
    let mut waiting_from = contact_started.then_some(started);
    let mut reply_times = Vec::new();
    let mut closed = false;
    for part in parts {
        match (part.author, part.part_type) {
            (AuthorKind::Contact, t) if is_reply(t) => {
                s.first_contact_reply_at.get_or_insert(part.at);
                s.last_contact_reply_at = Some(part.at);
                waiting_from.get_or_insert(part.at);
            }
            (AuthorKind::Admin, t) if is_reply(t) => {
                s.first_admin_reply_at.get_or_insert(part.at);
                s.last_admin_reply_at = Some(part.at);
                if s.last_assignment_at.is_some() && s.last_assignment_admin_reply_at.is_none() {
                    s.last_assignment_admin_reply_at = Some(part.at);
                }
                if let Some(from) = waiting_from.take() {
                    reply_times.push(part.at - from);
                }
            }
            (_, part_type::ASSIGNMENT) => {
                s.count_assignments += 1;
                s.first_assignment_at.get_or_insert(part.at);
                s.last_assignment_at = Some(part.at);
                s.last_assignment_admin_reply_at = None;
            }
            (_, part_type::CLOSE) => {
                s.first_close_at.get_or_insert(part.at);
                s.last_close_at = Some(part.at);
                s.last_closed_by_id = Some(part.author_id.to_owned());
                closed = true;
            }
            (_, part_type::OPEN) if closed => {
                s.count_reopens += 1;
                closed = false;
            }
            _ => {}
        }
    }
    let since_start = |at: Option<Timestamp>| at.map(|at| at - started);
    s.time_to_assignment = since_start(s.first_assignment_at);
    s.time_to_first_close = since_start(s.first_close_at);
    s.time_to_last_close = since_start(s.last_close_at);
    s.time_to_admin_reply = match (s.first_admin_reply_at, s.first_contact_reply_at) {
        (Some(reply), Some(asked)) if reply >= asked => Some(reply - asked),
        _ => None,
    };
    reply_times.sort_unstable();
    s.median_time_to_reply = reply_times.get(reply_times.len() / 2).copied();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(part_type: &str, author: AuthorKind, at: Timestamp) -> Event<'_> {
        Event {
            part_type,
            author,
            author_id: if author == AuthorKind::Admin {
                "7"
            } else {
                "c"
            },
            at,
        }
    }

    #[test]
    fn a_support_exchange_yields_intercoms_statistics() {
        use AuthorKind::{Admin, Contact};
        let parts = [
            ev(part_type::ASSIGNMENT, Admin, 110),
            ev(part_type::COMMENT, Admin, 160),
            ev(part_type::COMMENT, Contact, 200),
            ev(part_type::NOTE, Admin, 210),
            ev(part_type::COMMENT, Admin, 300),
            ev(part_type::CLOSE, Admin, 400),
            ev(part_type::OPEN, Admin, 500),
            ev(part_type::CLOSE, Admin, 600),
        ];
        let s = statistics(100, true, &parts);
        assert_eq!(s.count_conversation_parts, 8);
        assert_eq!((s.time_to_assignment, s.count_assignments), (Some(10), 1));
        assert_eq!(s.time_to_admin_reply, Some(60));
        assert_eq!(s.first_contact_reply_at, Some(100));
        assert_eq!(s.last_contact_reply_at, Some(200));
        assert_eq!(s.last_admin_reply_at, Some(300));
        assert_eq!(s.last_assignment_admin_reply_at, Some(160));
        // Replies took 60 s and 100 s: the median of two is the upper one.
        assert_eq!(s.median_time_to_reply, Some(100));
        assert_eq!(
            (s.time_to_first_close, s.time_to_last_close),
            (Some(300), Some(500))
        );
        assert_eq!(s.count_reopens, 1);
        assert_eq!(s.last_closed_by_id.as_deref(), Some("7"));
    }

    #[test]
    fn a_conversation_nobody_answered_has_only_contact_times() {
        let s = statistics(50, true, &[]);
        assert_eq!(s.first_contact_reply_at, Some(50));
        assert_eq!(s.time_to_admin_reply, None);
        assert_eq!(s.median_time_to_reply, None);
        assert_eq!(s.count_conversation_parts, 0);
    }

    #[test]
    fn notes_are_not_replies_and_reopening_an_open_conversation_counts_nothing() {
        use AuthorKind::Admin;
        let parts = [
            ev(part_type::NOTE, Admin, 60),
            ev(part_type::OPEN, Admin, 70),
        ];
        let s = statistics(50, true, &parts);
        assert_eq!(s.first_admin_reply_at, None);
        assert_eq!(s.count_reopens, 0);
    }
}
