//! Admins: the teammates of a workspace.

use crate::clock::Timestamp;

#[derive(Debug, Clone, PartialEq)]
pub struct Admin {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub job_title: Option<String>,
    pub avatar_url: Option<String>,
    pub has_inbox_seat: bool,
    pub away_mode_enabled: bool,
    pub away_mode_reassign: bool,
    pub away_status_reason_id: Option<i64>,
    pub team_ids: Vec<i64>,
    pub created_at: Timestamp,
}

/// A change of an admin's away status, as `PUT /admins/{id}/away` asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwayUpdate {
    pub away_mode_enabled: bool,
    pub away_mode_reassign: bool,
    pub away_status_reason_id: Option<i64>,
}
