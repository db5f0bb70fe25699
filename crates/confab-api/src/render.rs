//! One canonical model per resource, rendered per version.
//!
//! A resource renders its canonical JSON once (every field any version shows), then the
//! [`Change`]s that apply to the requested version reshape it, Stripe-style. Each change is a
//! small named function with the versions it applies to, so "what does 2.11 see?" is answered
//! by reading the table.

use confab_domain::ApiVersion;
use serde_json::{Map, Value};

/// A reshaping step and the versions it applies to.
pub struct Change {
    pub versions: &'static [ApiVersion],
    pub apply: fn(&mut Map<String, Value>),
}

/// Applies the changes for `version` to a canonical object.
pub fn versioned(mut value: Value, version: ApiVersion, changes: &[Change]) -> Value {
    if let Value::Object(map) = &mut value {
        for change in changes.iter().filter(|c| c.versions.contains(&version)) {
            (change.apply)(map);
        }
    }
    value
}

/// Versions before `first`, for [`Change::versions`].
pub const fn before(first: ApiVersion) -> &'static [ApiVersion] {
    use ApiVersion::{Unstable, V2_11, V2_13, V2_14};
    match first {
        V2_11 => &[],
        V2_13 => &[V2_11],
        V2_14 => &[V2_11, V2_13],
        Unstable => &[V2_11, V2_13, V2_14],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CHANGES: &[Change] = &[Change {
        versions: before(ApiVersion::V2_14),
        apply: |m| {
            m.remove("new_field");
        },
    }];

    #[test]
    fn changes_apply_only_to_their_versions() {
        let canonical = json!({"id": "1", "new_field": true});
        assert_eq!(
            versioned(canonical.clone(), ApiVersion::V2_13, CHANGES),
            json!({"id": "1"})
        );
        assert_eq!(
            versioned(canonical.clone(), ApiVersion::V2_14, CHANGES),
            canonical
        );
    }
}
