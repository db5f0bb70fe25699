//! The endpoints a run can measure, and the `--phases` names that pick them.

use clap::ValueEnum;
use hyper::Method;

/// One endpoint under load; each is measured on the baseline, then on Confab, every round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Admin,
    Me,
    ContactCreate,
    ContactRead,
    ContactList,
    ConversationReply,
    ConversationRead,
}

/// `GET /contacts` page size of the list phase.
pub const LIST_PER_PAGE: usize = 50;

impl Endpoint {
    /// Every endpoint, in the order a round runs them.
    pub const ALL: [Self; 7] = [
        Self::Admin,
        Self::Me,
        Self::ContactCreate,
        Self::ContactRead,
        Self::ContactList,
        Self::ConversationReply,
        Self::ConversationRead,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "GET /admins/{id}",
            Self::Me => "GET /me",
            Self::ContactCreate => "POST /contacts",
            Self::ContactRead => "GET /contacts/{id}",
            Self::ContactList => "GET /contacts?per_page=50",
            Self::ConversationReply => "POST /conversations/last/reply",
            Self::ConversationRead => "GET /conversations/{id} (100 parts)",
        }
    }

    pub fn method(self) -> Method {
        match self {
            Self::ContactCreate | Self::ConversationReply => Method::POST,
            _ => Method::GET,
        }
    }

    /// The route pattern the baseline serves it on (Confab's own pattern).
    pub fn pattern(self) -> &'static str {
        match self {
            Self::Admin => "/admins/{id}",
            Self::Me => "/me",
            Self::ContactCreate | Self::ContactList => "/contacts",
            Self::ContactRead => "/contacts/{id}",
            Self::ConversationReply => "/conversations/{id}/reply",
            Self::ConversationRead => "/conversations/{id}",
        }
    }
}

/// The names `--phases` accepts: an endpoint, or a group of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PhaseSet {
    /// `GET /admins/{id}` and `GET /me`.
    Admins,
    /// `GET /admins/{id}`.
    Admin,
    /// `GET /me`.
    Me,
    /// The three contact endpoints.
    Contacts,
    /// `POST /contacts`.
    ContactCreate,
    /// `GET /contacts/{id}` (3 tags, 2 companies).
    ContactRead,
    /// `GET /contacts?per_page=50`.
    ContactList,
    /// Both conversation endpoints.
    Conversations,
    /// `POST /conversations/last/reply` (a contact's comment).
    ConversationReply,
    /// `GET /conversations/{id}` with 100 parts.
    ConversationRead,
}

impl PhaseSet {
    fn endpoints(self) -> &'static [Endpoint] {
        match self {
            Self::Admins => &[Endpoint::Admin, Endpoint::Me],
            Self::Admin => &[Endpoint::Admin],
            Self::Me => &[Endpoint::Me],
            Self::Contacts => &[
                Endpoint::ContactCreate,
                Endpoint::ContactRead,
                Endpoint::ContactList,
            ],
            Self::ContactCreate => &[Endpoint::ContactCreate],
            Self::ContactRead => &[Endpoint::ContactRead],
            Self::ContactList => &[Endpoint::ContactList],
            Self::Conversations => &[Endpoint::ConversationReply, Endpoint::ConversationRead],
            Self::ConversationReply => &[Endpoint::ConversationReply],
            Self::ConversationRead => &[Endpoint::ConversationRead],
        }
    }
}

/// The endpoints `sets` name, in round order; every endpoint when `sets` is empty.
pub fn selected(sets: &[PhaseSet]) -> Vec<Endpoint> {
    Endpoint::ALL
        .into_iter()
        .filter(|e| sets.is_empty() || sets.iter().any(|s| s.endpoints().contains(e)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{selected, Endpoint, PhaseSet};

    #[test]
    fn phase_sets_expand_in_round_order() {
        assert_eq!(selected(&[]), Endpoint::ALL.to_vec());
        assert_eq!(
            selected(&[PhaseSet::ContactList, PhaseSet::Admin, PhaseSet::Admins]),
            vec![Endpoint::Admin, Endpoint::Me, Endpoint::ContactList]
        );
        assert_eq!(
            selected(&[PhaseSet::Contacts]),
            vec![
                Endpoint::ContactCreate,
                Endpoint::ContactRead,
                Endpoint::ContactList
            ]
        );
    }
}
