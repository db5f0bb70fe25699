//! Tickets: the categories of ticket types, the categories of ticket states, the states and
//! attributes every workspace and ticket type starts with, and which links between tickets and
//! conversations Intercom allows.

/// A ticket type's category, as the API writes it.
pub mod category {
    pub const CUSTOMER: &str = "Customer";
    pub const BACK_OFFICE: &str = "Back-office";
    pub const TRACKER: &str = "Tracker";
    pub const ALL: [&str; 3] = [CUSTOMER, BACK_OFFICE, TRACKER];

    /// The name ticket search uses for a category (`request`, `task`, `tracker`).
    pub fn search_name(category: &str) -> &'static str {
        match category {
            BACK_OFFICE => "task",
            TRACKER => "tracker",
            _ => "request",
        }
    }
}

/// A ticket state's category; also the 2.11 `ticket_state` string.
pub mod state_category {
    pub const SUBMITTED: &str = "submitted";
    pub const IN_PROGRESS: &str = "in_progress";
    pub const WAITING_ON_CUSTOMER: &str = "waiting_on_customer";
    pub const RESOLVED: &str = "resolved";
    pub const ALL: [&str; 4] = [SUBMITTED, IN_PROGRESS, WAITING_ON_CUSTOMER, RESOLVED];
}

/// The states a fresh workspace has, one per category: (category, label). Migration 0008
/// gives the same ones to workspaces created before tickets existed.
pub const DEFAULT_STATES: [(&str, &str); 4] = [
    (state_category::SUBMITTED, "Submitted"),
    (state_category::IN_PROGRESS, "In progress"),
    (state_category::WAITING_ON_CUSTOMER, "Waiting on customer"),
    (state_category::RESOLVED, "Resolved"),
];

/// The attributes every ticket type is created with: (name, description, multiline).
pub const DEFAULT_ATTRIBUTES: [(&str, &str, bool); 2] = [
    ("_default_title_", "Title", false),
    ("_default_description_", "Description", true),
];

/// The data types a ticket type attribute can have.
pub const DATA_TYPES: [&str; 7] = [
    "string", "list", "integer", "decimal", "boolean", "datetime", "files",
];

/// What a new ticket links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget<'a> {
    Conversation,
    /// A ticket of this category, shared or not.
    Ticket(&'a str, bool),
}

/// Whether a new ticket of `category` may be linked to `target` at creation. The pairs
/// Intercom allows, either way round: conversation–back-office, conversation–tracker,
/// customer ticket–tracker, customer ticket–back-office ticket that is not shared (a new
/// ticket never is).
pub fn link_allowed(category: &str, target: LinkTarget<'_>) -> bool {
    use category::{BACK_OFFICE, CUSTOMER, TRACKER};
    matches!(
        (category, target),
        (BACK_OFFICE | TRACKER, LinkTarget::Conversation)
            | (BACK_OFFICE | TRACKER, LinkTarget::Ticket(CUSTOMER, _))
            | (CUSTOMER, LinkTarget::Ticket(TRACKER, _))
            | (CUSTOMER, LinkTarget::Ticket(BACK_OFFICE, false))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_follow_intercoms_rules() {
        assert!(link_allowed(
            category::BACK_OFFICE,
            LinkTarget::Conversation
        ));
        assert!(link_allowed(category::TRACKER, LinkTarget::Conversation));
        assert!(!link_allowed(category::CUSTOMER, LinkTarget::Conversation));
        assert!(link_allowed(
            category::TRACKER,
            LinkTarget::Ticket(category::CUSTOMER, true)
        ));
        assert!(!link_allowed(
            category::TRACKER,
            LinkTarget::Ticket(category::TRACKER, false)
        ));
        assert!(link_allowed(
            category::CUSTOMER,
            LinkTarget::Ticket(category::BACK_OFFICE, false)
        ));
        assert!(!link_allowed(
            category::CUSTOMER,
            LinkTarget::Ticket(category::BACK_OFFICE, true)
        ));
        assert!(!link_allowed(
            category::CUSTOMER,
            LinkTarget::Ticket(category::CUSTOMER, false)
        ));
    }
}
