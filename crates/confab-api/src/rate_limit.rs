//! Intercom's rate limits: a per-token and a per-workspace allowance per minute, enforced in
//! 10-second windows (Intercom staff: "1,000/min → 166 per 10 s"). Counted in this process's
//! memory on the wall clock, not the settable workspace clock, so tests that move time do not
//! exhaust or refill allowances.

use std::collections::HashMap;

use confab_domain::clock::system_now;
use parking_lot::Mutex;

const WINDOW_SECS: i64 = 10;
const WINDOWS_PER_MINUTE: u32 = 6;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// Calls per minute one token may make (Intercom: 10,000 for private apps).
    pub per_token_per_minute: u32,
    /// Calls per minute all tokens of a workspace may make together (Intercom: 25,000).
    pub per_workspace_per_minute: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_token_per_minute: 10_000,
            per_workspace_per_minute: 25_000,
        }
    }
}

/// The outcome of one check, rendered as the `X-RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// Calls allowed in the current window by the tighter of the two limits.
    pub limit: u32,
    pub remaining: u32,
    /// When the window ends, in UNIX seconds.
    pub reset: i64,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    index: i64,
    used: u32,
}

pub struct RateLimiter {
    config: Option<RateLimitConfig>,
    windows: Mutex<HashMap<String, Window>>,
}

fn per_window(per_minute: u32) -> u32 {
    per_minute.div_ceil(WINDOWS_PER_MINUTE).max(1)
}

impl RateLimiter {
    pub fn new(config: Option<RateLimitConfig>) -> Self {
        Self {
            config,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one call by `token_id` of `workspace`; `None` when limits are off.
    pub fn check(&self, token_id: i64, workspace: &str) -> Option<Decision> {
        let config = self.config.as_ref()?;
        Some(self.check_keys(
            &[
                (
                    format!("t:{token_id}"),
                    per_window(config.per_token_per_minute),
                ),
                (
                    format!("w:{workspace}"),
                    per_window(config.per_workspace_per_minute),
                ),
            ],
            system_now(),
        ))
    }

    /// Counts one unauthenticated call; they share one allowance, so guessing tokens is slow.
    pub fn check_anonymous(&self) -> Option<Decision> {
        let config = self.config.as_ref()?;
        Some(self.check_keys(
            &[(
                "anonymous".to_owned(),
                per_window(config.per_token_per_minute),
            )],
            system_now(),
        ))
    }

    fn check_keys(&self, keys: &[(String, u32)], now: i64) -> Decision {
        let index = now.div_euclid(WINDOW_SECS);
        let reset = (index + 1) * WINDOW_SECS;
        let mut windows = self.windows.lock();
        if windows.len() > 100_000 {
            windows.retain(|_, w| w.index == index);
        }
        let used: Vec<u32> = keys
            .iter()
            .map(|(key, _)| match windows.get(key) {
                Some(w) if w.index == index => w.used,
                _ => 0,
            })
            .collect();
        let allowed = keys
            .iter()
            .zip(&used)
            .all(|((_, limit), used)| used < limit);
        if allowed {
            for ((key, _), used) in keys.iter().zip(&used) {
                windows.insert(
                    key.clone(),
                    Window {
                        index,
                        used: used + 1,
                    },
                );
            }
        }
        let (limit, remaining) = keys
            .iter()
            .zip(&used)
            .map(|((_, limit), used)| {
                let now_used = if allowed { used + 1 } else { *used };
                (*limit, limit.saturating_sub(now_used))
            })
            .min_by_key(|(_, remaining)| *remaining)
            .unwrap_or((0, 0));
        Decision {
            allowed,
            limit,
            remaining,
            reset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_token: u32, per_workspace: u32) -> RateLimiter {
        RateLimiter::new(Some(RateLimitConfig {
            per_token_per_minute: per_token,
            per_workspace_per_minute: per_workspace,
        }))
    }

    fn keys(token: &str, per_token: u32, per_ws: u32) -> Vec<(String, u32)> {
        vec![(token.to_owned(), per_token), ("w".to_owned(), per_ws)]
    }

    #[test]
    fn a_token_is_refused_past_its_window_allowance_and_served_again_next_window() {
        let limiter = limiter(60, 600);
        let k = keys("t", 10, 100);
        for i in 0..10 {
            let d = limiter.check_keys(&k, 1_000);
            assert!(d.allowed, "call {i}");
            assert_eq!(d.remaining, 9 - i);
        }
        let refused = limiter.check_keys(&k, 1_005);
        assert!(!refused.allowed);
        assert_eq!((refused.remaining, refused.reset), (0, 1_010));
        assert!(limiter.check_keys(&k, 1_010).allowed);
    }

    #[test]
    fn the_workspace_allowance_is_shared_by_its_tokens() {
        let limiter = limiter(600, 60);
        for _ in 0..5 {
            assert!(limiter.check_keys(&keys("a", 100, 10), 0).allowed);
            assert!(limiter.check_keys(&keys("b", 100, 10), 0).allowed);
        }
        let refused = limiter.check_keys(&keys("c", 100, 10), 0);
        assert!(!refused.allowed);
        assert_eq!(refused.limit, 10);
    }

    #[test]
    fn per_minute_limits_become_ten_second_allowances() {
        assert_eq!(per_window(10_000), 1_667);
        assert_eq!(per_window(1), 1);
    }
}
