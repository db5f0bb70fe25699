//! Identifier families. Intercom uses 24-hex object ids (contacts, companies, segments…),
//! digit strings (admins, teams, tags, conversations… — Confab's integer primary keys
//! rendered as strings), UUIDs (activity logs, request ids) and 8-character workspace codes.

use rand::Rng;

use crate::clock::Timestamp;

/// A new 24-hex object id: 4 bytes of creation time then 8 random bytes, like the ObjectIds
/// Intercom's ids are, so ids sort roughly by creation.
pub fn object_id(now: Timestamp) -> String {
    let secs = u32::try_from(now.max(0)).unwrap_or(u32::MAX);
    let tail: u64 = rand::thread_rng().gen();
    format!("{secs:08x}{tail:016x}")
}

/// A new message id: a nine-digit string, the form of Intercom's message ids.
pub fn message_id() -> String {
    rand::thread_rng()
        .gen_range(100_000_000_u64..1_000_000_000)
        .to_string()
}

/// Whether `s` has the 24-hex object id form.
pub fn is_object_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new 8-character workspace id code (lowercase letters and digits, starting with a letter).
pub fn workspace_code() -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let mut code = String::with_capacity(8);
    code.push(char::from(LETTERS[rng.gen_range(0..LETTERS.len())]));
    for _ in 0..7 {
        code.push(char::from(ALNUM[rng.gen_range(0..ALNUM.len())]));
    }
    code
}

/// Parses a digit-string id (`"123"`) as Confab's integer key; anything else is `None`, which
/// callers answer with the resource's not-found error, as Intercom does for malformed ids.
pub fn parse_numeric(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_ids_are_24_hex_and_start_with_the_time() {
        let id = object_id(0x6670_0000);
        assert!(is_object_id(&id));
        assert!(id.starts_with("66700000"));
    }

    #[test]
    fn workspace_codes_have_eight_lowercase_alphanumerics() {
        let code = workspace_code();
        assert_eq!(code.len(), 8);
        assert!(code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    }

    #[test]
    fn numeric_ids_reject_signs_spaces_and_overflow() {
        assert_eq!(parse_numeric("42"), Some(42));
        for bad in ["", "-1", "+1", " 1", "1e3", "abc", "9999999999999999999"] {
            assert_eq!(parse_numeric(bad), None, "{bad}");
        }
    }
}
