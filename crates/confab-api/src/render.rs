//! One canonical model per resource, rendered per version.
//!
//! A resource renders its canonical JSON once (every field any version shows), then the
//! [`Change`]s that apply to the requested version reshape it, Stripe-style. Each change is a
//! small named function with the versions it applies to, so "what does 2.11 see?" is answered
//! by reading the table.
//!
//! Resources read in bulk (contacts, conversation parts) are instead written straight from
//! their rows by a [`Serialize`] view, once, into a [`Rendered`]: building a JSON tree per row
//! costs more than the query that found it. Such a view asks [`shows`] which of its fields a
//! version leaves out, from an [`Omitted`] table read the same way as the changes.

use std::sync::LazyLock;

use confab_domain::{ApiVersion, ErrorCode};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

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

/// A field that some versions do not show, for views written straight from rows.
pub struct Omitted {
    pub field: &'static str,
    pub versions: &'static [ApiVersion],
}

/// Whether `version` shows `field`, by the view's table of omissions.
pub fn shows(omitted: &[Omitted], field: &str, version: ApiVersion) -> bool {
    !omitted
        .iter()
        .any(|o| o.field == field && o.versions.contains(&version))
}

/// A resource already written as JSON text: responses embed it verbatim.
pub type Rendered = Box<RawValue>;

/// Writes a view out once, while the rows it borrows are at hand.
pub fn rendered(view: &impl Serialize) -> ApiResult<Rendered> {
    serde_json::value::to_raw_value(view).map_err(|_| ApiError::new(ErrorCode::ServerError))
}

/// What a view writes for an absent array column.
pub static EMPTY_ARRAY: Value = Value::Array(Vec::new());
/// What a view writes for an absent object column.
pub static EMPTY_OBJECT: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

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
    fn omissions_apply_only_to_their_versions() {
        let omitted = [Omitted {
            field: "new_field",
            versions: before(ApiVersion::V2_14),
        }];
        assert!(!shows(&omitted, "new_field", ApiVersion::V2_13));
        assert!(shows(&omitted, "new_field", ApiVersion::V2_14));
        assert!(shows(&omitted, "id", ApiVersion::V2_11));
    }

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
