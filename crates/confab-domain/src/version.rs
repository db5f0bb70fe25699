//! Intercom API versions: which ones Confab renders, and how a header value maps onto them.

use std::fmt;
use std::str::FromStr;

/// A version Confab renders. Ordered oldest to newest, so `v >= ApiVersion::V2_14` reads as
/// "2.14 or later".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiVersion {
    V2_11,
    V2_13,
    V2_14,
    Unstable,
}

impl ApiVersion {
    /// Every rendered version, oldest first.
    pub const ALL: [ApiVersion; 4] = [Self::V2_11, Self::V2_13, Self::V2_14, Self::Unstable];

    /// The version a workspace uses when a request names none (Intercom's current default).
    pub const DEFAULT: ApiVersion = Self::V2_14;

    /// The canonical name, as sent in `Intercom-Version` and as the spec file is named.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V2_11 => "2.11",
            Self::V2_13 => "2.13",
            Self::V2_14 => "2.14",
            Self::Unstable => "Unstable",
        }
    }

    /// Resolves an `Intercom-Version` header value.
    ///
    /// The four rendered versions (and `Preview`, Unstable's later name) map to themselves;
    /// any other value listed in the specs' `intercom_version` enum (`1.0`…`2.12`) is served
    /// as the nearest rendered version at or above it; anything else is `None`.
    pub fn from_header(value: &str) -> Option<Self> {
        let value = value.trim();
        match value {
            "2.11" => return Some(Self::V2_11),
            "2.13" => return Some(Self::V2_13),
            "2.14" => return Some(Self::V2_14),
            _ => {}
        }
        if value.eq_ignore_ascii_case("unstable") || value.eq_ignore_ascii_case("preview") {
            return Some(Self::Unstable);
        }
        let (major, minor) = value.split_once('.')?;
        let legacy = match major {
            "1" => matches!(minor, "0" | "1" | "2" | "3" | "4"),
            "2" => minor.parse::<u8>().is_ok_and(|m| m <= 12) && !minor.starts_with('+'),
            _ => false,
        };
        if !legacy {
            return None;
        }
        // 2.12 sits between two rendered versions; its additions shipped in 2.13.
        Some(if value == "2.12" {
            Self::V2_13
        } else {
            Self::V2_11
        })
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ApiVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_header(s).ok_or_else(|| format!("unknown Intercom API version `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::ApiVersion as V;

    #[test]
    fn rendered_versions_and_preview_resolve_to_themselves() {
        assert_eq!(V::from_header("2.11"), Some(V::V2_11));
        assert_eq!(V::from_header("2.13"), Some(V::V2_13));
        assert_eq!(V::from_header("2.14"), Some(V::V2_14));
        assert_eq!(V::from_header("Unstable"), Some(V::Unstable));
        assert_eq!(V::from_header("Preview"), Some(V::Unstable));
    }

    #[test]
    fn older_enum_values_resolve_to_the_nearest_rendered_version() {
        assert_eq!(V::from_header("1.0"), Some(V::V2_11));
        assert_eq!(V::from_header("2.10"), Some(V::V2_11));
        assert_eq!(V::from_header("2.12"), Some(V::V2_13));
    }

    #[test]
    fn values_outside_the_enum_are_rejected() {
        for bad in [
            "",
            "3.0",
            "2.15",
            "1.5",
            "2.x",
            "latest",
            "2.+1",
            "@Unstable",
        ] {
            assert_eq!(V::from_header(bad), None, "{bad}");
        }
    }
}
