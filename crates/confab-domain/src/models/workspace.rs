//! A workspace (Intercom's "app"): the tenant every other record belongs to.

use std::fmt;

use crate::clock::{Timestamp, WorkspaceClock};
use crate::version::ApiVersion;

/// A workspace's 8-character id code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkspaceId(String);

impl WorkspaceId {
    /// Wraps an id code read from the store or a trusted command line.
    pub fn new(code: impl Into<String>) -> Self {
        Self(code.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WorkspaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    pub timezone: String,
    pub region: String,
    pub created_at: Timestamp,
    pub identity_verification: bool,
    pub secure: bool,
    /// Version for requests that send no `Intercom-Version`; `None` means Confab's default.
    pub default_version: Option<ApiVersion>,
    /// Whether setting an admin away requires an away status reason (2.14+).
    pub away_reason_required: bool,
    pub clock: WorkspaceClock,
}

impl Workspace {
    pub fn version_or_default(&self) -> ApiVersion {
        self.default_version.unwrap_or(ApiVersion::DEFAULT)
    }
}
