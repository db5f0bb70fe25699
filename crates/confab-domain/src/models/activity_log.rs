//! Admin activity logs: an append-only record of what admins did in the workspace.

use serde_json::Value;

use crate::clock::Timestamp;

/// The activity types Confab records. The wire names are those of the specs' enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityType {
    AdminAwayModeChange,
    AppTeamCreation,
    AppTeamMembershipModification,
    AppAdminJoin,
}

impl ActivityType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AdminAwayModeChange => "admin_away_mode_change",
            Self::AppTeamCreation => "app_team_creation",
            Self::AppTeamMembershipModification => "app_team_membership_modification",
            Self::AppAdminJoin => "app_admin_join",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActivityLog {
    /// Insertion order, the paging tiebreak; never rendered.
    pub seq: i64,
    /// The UUID Intercom shows as `id`.
    pub id: String,
    pub admin_id: i64,
    pub admin_email: String,
    pub ip: Option<String>,
    pub activity_type: String,
    pub description: String,
    pub metadata: Value,
    pub created_at: Timestamp,
}

/// A log entry about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct NewActivity {
    pub admin_id: i64,
    pub ip: Option<String>,
    pub activity_type: ActivityType,
    pub description: String,
    pub metadata: Value,
}
