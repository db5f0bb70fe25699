//! The canonical models: one struct per resource, holding everything any version renders.
//! The HTTP layer renders them per version; the store reads and writes them.

pub mod activity_log;
pub mod admin;
pub mod away_status_reason;
pub mod conversation;
pub mod data_attribute;
pub mod segment;
pub mod team;
pub mod ticket;
pub mod workspace;

pub use activity_log::{ActivityLog, ActivityType, NewActivity};
pub use admin::{Admin, AwayUpdate};
pub use away_status_reason::AwayStatusReason;
pub use data_attribute::{DataAttribute, DataModel, DataType, NewDataAttribute};
pub use team::Team;
pub use workspace::{Workspace, WorkspaceId};
