//! Away status reasons: the labelled reasons an admin gives for being away (2.14+).

use crate::clock::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct AwayStatusReason {
    pub id: i64,
    pub label: String,
    pub emoji: String,
    pub order: i64,
    pub deleted: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The reasons a fresh Intercom workspace starts with: (emoji, label).
pub const BUILT_IN: [(&str, &str); 5] = [
    ("☕", "On a break"),
    ("🍔", "At lunch"),
    ("📅", "In a meeting"),
    ("🏠", "Finished for the day"),
    ("🌴", "On holiday"),
];
