//! The one clock. Every "now" in Confab comes from a [`WorkspaceClock`], which tests and users
//! (through the control plane) can freeze or shift per workspace.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the UNIX epoch, as Intercom timestamps are.
pub type Timestamp = i64;

/// The real wall clock, in UNIX seconds.
pub fn system_now() -> Timestamp {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A workspace's view of time: the wall clock, shifted by `offset`, or stopped at `frozen_at`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkspaceClock {
    pub offset: i64,
    pub frozen_at: Option<Timestamp>,
}

impl WorkspaceClock {
    /// The workspace's current time.
    pub fn now(&self) -> Timestamp {
        match self.frozen_at {
            Some(t) => t,
            None => system_now().saturating_add(self.offset),
        }
    }

    /// The clock after moving it forward by `seconds` (frozen clocks stay frozen).
    #[must_use]
    pub fn advanced(self, seconds: i64) -> Self {
        match self.frozen_at {
            Some(t) => Self {
                frozen_at: Some(t.saturating_add(seconds)),
                ..self
            },
            None => Self {
                offset: self.offset.saturating_add(seconds),
                ..self
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frozen_clock_advances_only_when_told() {
        let clock = WorkspaceClock {
            offset: 0,
            frozen_at: Some(1_000),
        };
        assert_eq!(clock.now(), 1_000);
        assert_eq!(clock.advanced(60).now(), 1_060);
    }

    #[test]
    fn an_offset_clock_runs_ahead_of_the_wall_clock() {
        let clock = WorkspaceClock::default().advanced(3_600);
        assert!(clock.now() >= system_now() + 3_599);
    }
}
