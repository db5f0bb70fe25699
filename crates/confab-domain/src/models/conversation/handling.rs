//! Handling events: when a teammate's work on a conversation paused or resumed, derived from
//! the parts (decision 0024). A conversation is *handled* by its admin assignee while it is
//! open; closing, snoozing and reassigning pause that, reopening or being assigned resumes it.

use super::{part_type, AuthorKind};
use crate::clock::Timestamp;

/// One part, as handling needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    pub part_type: &'a str,
    pub author: AuthorKind,
    /// The part's `assigned_to`: kind (`admin`, `team`, `nobody_admin`) and id.
    pub assigned: Option<(&'a str, Option<&'a str>)>,
    pub at: Timestamp,
}

/// Whether handling stopped or started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Paused,
    Resumed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Paused => "paused",
            Kind::Resumed => "resumed",
        }
    }
}

/// One handling event of one admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlingEvent {
    pub admin_id: String,
    pub kind: Kind,
    pub at: Timestamp,
    /// Why handling paused (`Closed`, `Snoozed`, `Reassigned`, `Unassigned`); none on resume.
    pub reason: Option<&'static str>,
}

/// Who handles the conversation in a state, if anyone.
fn handler(open: bool, assignee: Option<&str>) -> Option<&str> {
    assignee.filter(|_| open)
}

/// The events of a conversation opened at `opened_at` assigned to `assignee` (an admin's
/// message is assigned to its sender), from its parts in order.
pub fn handling_events(
    opened_at: Timestamp,
    assignee: Option<&str>,
    steps: &[Step<'_>],
) -> Vec<HandlingEvent> {
    let mut events = Vec::new();
    let mut open = true;
    let mut assignee = assignee;
    if let Some(admin) = handler(open, assignee) {
        events.push(resumed(admin, opened_at));
    }
    for step in steps {
        let before = handler(open, assignee);
        let mut reason = None;
        match (step.part_type, step.author) {
            (part_type::CLOSE, _) => {
                open = false;
                reason = Some("Closed");
            }
            (part_type::SNOOZED, _) => {
                open = false;
                reason = Some("Snoozed");
            }
            (part_type::OPEN | part_type::TIMER_UNSNOOZE, _) => open = true,
            // A contact writing reopens the conversation.
            (part_type::COMMENT, AuthorKind::Contact) => open = true,
            _ => {}
        }
        match step.assigned {
            Some(("admin", Some(id))) if id != "0" => {
                assignee = Some(id);
                reason.get_or_insert("Reassigned");
            }
            Some(("admin" | "nobody_admin", _)) => {
                assignee = None;
                reason.get_or_insert("Unassigned");
            }
            _ => {}
        }
        let after = handler(open, assignee);
        if before == after {
            continue;
        }
        if let Some(admin) = before {
            events.push(HandlingEvent {
                admin_id: admin.to_owned(),
                kind: Kind::Paused,
                at: step.at,
                reason,
            });
        }
        if let Some(admin) = after {
            events.push(resumed(admin, step.at));
        }
    }
    events
}

fn resumed(admin: &str, at: Timestamp) -> HandlingEvent {
    HandlingEvent {
        admin_id: admin.to_owned(),
        kind: Kind::Resumed,
        at,
        reason: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step<'a>(
        part_type: &'a str,
        assigned: Option<(&'a str, Option<&'a str>)>,
        at: i64,
    ) -> Step<'a> {
        Step {
            part_type,
            author: AuthorKind::Admin,
            assigned,
            at,
        }
    }

    fn summary(events: &[HandlingEvent]) -> Vec<(String, &'static str, i64, Option<&'static str>)> {
        events
            .iter()
            .map(|e| (e.admin_id.clone(), e.kind.as_str(), e.at, e.reason))
            .collect()
    }

    #[test]
    fn assignment_close_reopen_and_reassignment_pause_and_resume_handling() {
        let steps = [
            step(part_type::ASSIGNMENT, Some(("admin", Some("7"))), 10),
            step(part_type::COMMENT, None, 20),
            step(part_type::CLOSE, None, 30),
            step(part_type::OPEN, None, 40),
            step(part_type::ASSIGNMENT, Some(("team", Some("3"))), 45),
            step(part_type::ASSIGNMENT, Some(("admin", Some("8"))), 50),
            step(part_type::SNOOZED, None, 60),
            step(part_type::TIMER_UNSNOOZE, None, 70),
            step(
                part_type::DEFAULT_ASSIGNMENT,
                Some(("nobody_admin", None)),
                80,
            ),
        ];
        let events = handling_events(0, None, &steps);
        assert_eq!(
            summary(&events),
            vec![
                ("7".into(), "resumed", 10, None),
                ("7".into(), "paused", 30, Some("Closed")),
                ("7".into(), "resumed", 40, None),
                ("7".into(), "paused", 50, Some("Reassigned")),
                ("8".into(), "resumed", 50, None),
                ("8".into(), "paused", 60, Some("Snoozed")),
                ("8".into(), "resumed", 70, None),
                ("8".into(), "paused", 80, Some("Unassigned")),
            ]
        );
    }

    #[test]
    fn an_admins_message_is_handled_by_its_sender_until_closed_and_a_contact_reopens_it() {
        let contact_reply = Step {
            part_type: part_type::COMMENT,
            author: AuthorKind::Contact,
            assigned: None,
            at: 30,
        };
        let steps = [step(part_type::CLOSE, None, 20), contact_reply];
        let events = handling_events(5, Some("2"), &steps);
        assert_eq!(
            summary(&events),
            vec![
                ("2".into(), "resumed", 5, None),
                ("2".into(), "paused", 20, Some("Closed")),
                ("2".into(), "resumed", 30, None),
            ]
        );
    }

    #[test]
    fn closing_an_unassigned_conversation_is_no_event() {
        let steps = [
            step(part_type::CLOSE, None, 20),
            step(part_type::OPEN, None, 30),
        ];
        assert!(handling_events(0, None, &steps).is_empty());
    }
}
