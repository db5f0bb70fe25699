//! Confab's domain: the facts of the Intercom API that do not depend on HTTP or SQL.
//!
//! Models, identifiers, the clock, API versions, paging cursors and the one table of error
//! codes. Every other crate depends on this one; it depends on none of them.

pub mod clock;
pub mod error;
pub mod ids;
pub mod models;
pub mod paging;
pub mod record;
pub mod search;
pub mod tables;
pub mod version;

pub use error::{DomainError, ErrorCode};
pub use version::ApiVersion;
