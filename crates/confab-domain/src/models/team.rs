//! Teams: groups of admins.

use crate::clock::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub admin_ids: Vec<i64>,
    /// `round_robin` or `balanced`; rendered in 2.14 only.
    pub distribution_method: Option<String>,
    /// Only meaningful for load-balanced teams; rendered in 2.14 only.
    pub assignment_limit: Option<i64>,
    pub created_at: Timestamp,
}
