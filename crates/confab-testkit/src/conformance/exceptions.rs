//! The reviewed exceptions: the one place where the oracle is told the spec is wrong.
//!
//! A row waives the schema violations found at or below one JSON pointer of one operation's
//! response, because Intercom provably answers otherwise than its description says (an issue
//! or pull request on intercom/Intercom-OpenAPI, or a recorded response) and Confab follows
//! Intercom. Each row needs a reason a reviewer can check. Nothing else may weaken the oracle.

use confab_domain::ApiVersion;

/// Which versions a row applies to.
#[derive(Debug, Clone, Copy)]
pub enum Versions {
    All,
    Only(&'static [ApiVersion]),
}

impl Versions {
    /// Whether `version` is one of them.
    pub fn contains(self, version: ApiVersion) -> bool {
        match self {
            Versions::All => true,
            Versions::Only(versions) => versions.contains(&version),
        }
    }
}

/// One reviewed deviation from the spec.
#[derive(Debug, Clone, Copy)]
pub struct Exception {
    pub versions: Versions,
    /// Upper case, e.g. `"GET"`.
    pub method: &'static str,
    /// Normalised: every `{param}` written `{}`.
    pub path: &'static str,
    pub status: u16,
    /// A JSON pointer into the response body (`""` is the whole body); violations reported at
    /// this location or below it are waived.
    pub pointer: &'static str,
    /// Why the spec is wrong here, with the evidence (issue, pull request, capture).
    pub reason: &'static str,
}

/// Why a company's typed custom attributes may be numbers and booleans.
const TYPED_COMPANY_ATTRIBUTES: &str =
    "`company.custom_attributes` declares `additionalProperties: string`, but company data \
     attributes are typed (integer, float, boolean, date: the data attribute API) and the \
     spec's own `create_or_update_company_request.custom_attributes` example carries \
     `true`, `155.5` and `9`; Intercom returns each value with its attribute's type. (Company \
     lists cannot be waived by pointer: `/data/N/custom_attributes` has an index.)";

/// A waiver of typed custom attributes in one single-company answer.
const fn typed_company_attributes(method: &'static str, path: &'static str) -> Exception {
    Exception {
        versions: Versions::All,
        method,
        path,
        status: 200,
        pointer: "/custom_attributes",
        reason: TYPED_COMPANY_ATTRIBUTES,
    }
}

/// Every reviewed exception.
pub const EXCEPTIONS: &[Exception] = &[
    typed_company_attributes("POST", "/companies"),
    typed_company_attributes("GET", "/companies"),
    typed_company_attributes("GET", "/companies/{}"),
    typed_company_attributes("PUT", "/companies/{}"),
    typed_company_attributes("POST", "/contacts/{}/companies"),
    typed_company_attributes("DELETE", "/contacts/{}/companies/{}"),
    Exception {
        versions: Versions::Only(&[ApiVersion::Unstable]),
        method: "GET",
        path: "/away_status_reasons",
        status: 200,
        pointer: "",
        reason: "Intercom answers the {type: list, data: [...]} envelope, not the bare array this \
             snapshot describes; the spec was corrected in intercom/Intercom-OpenAPI#569 and \
             the 2.14 description already has the envelope.",
    },
    Exception {
        versions: Versions::All,
        method: "GET",
        path: "/companies",
        status: 200,
        pointer: "/type",
        reason: "GET /companies?company_id=… or ?name=… answers one `company`, not a \
                 `company_list`: the operation's own description says it fetches a single \
                 company that way, and Intercom's generated SDK (intercom-node \
                 src/api/resources/companies/client/Client.ts, `retrieve`) returns \
                 `Intercom.Company` when `name` or `company_id` is given. The company's \
                 `type` is \"company\", not the list's \"list\".",
    },
    Exception {
        versions: Versions::Only(&[ApiVersion::V2_11]),
        method: "GET",
        path: "/companies",
        status: 200,
        pointer: "",
        reason: "As above: 2.11 also lists `data` and `total_count` as required, which a single \
                 company has not. (A pointer cannot tell the single-company answer from the \
                 list, so 2.11 list answers of this operation are unchecked too.)",
    },
    Exception {
        versions: Versions::All,
        method: "GET",
        path: "/data_attributes",
        status: 200,
        pointer: "/data",
        reason: "data_attribute.model's enum lists contact and company only, yet the same \
             operation takes model=conversation, and Intercom lists conversation attributes \
             with model \"conversation\" (changelog 2.3, \"List all data attributes associated \
             to conversations\"; intercom/Intercom-OpenAPI#431 adds a model: conversation \
             example). The pointer cannot name one field of every item, so the API suite \
             checks the other items one by one against data_attribute \
             (data_attributes::built_in_attributes_of_every_model_are_listed…).",
    },
];

/// A schema a version's description refers to but never defines, and the version whose
/// definition stands in for it (reviewed like the exceptions above).
#[derive(Debug, Clone, Copy)]
pub struct BorrowedDefinition {
    pub version: ApiVersion,
    pub name: &'static str,
    pub from: ApiVersion,
    pub reason: &'static str,
}

/// Every definition borrowed from another version.
pub const BORROWED_DEFINITIONS: &[BorrowedDefinition] = &[
    BorrowedDefinition {
        version: ApiVersion::V2_11,
        name: "custom_attributes",
        from: ApiVersion::V2_13,
        reason: "2.11's conversation, ticket and phone-switch schemas $ref \
             #/components/schemas/custom_attributes, which 2.11 does not define (a dangling \
             reference in the published file); 2.13 defines it as the free-form object the \
             2.11 prose describes.",
    },
    BorrowedDefinition {
        version: ApiVersion::V2_11,
        name: "custom_object_instance_list",
        from: ApiVersion::V2_13,
        reason: "referred to by the borrowed custom_attributes definition above.",
    },
    BorrowedDefinition {
        version: ApiVersion::V2_11,
        name: "custom_object_instance",
        from: ApiVersion::V2_13,
        reason: "referred to by the borrowed custom_object_instance_list definition above.",
    },
];

/// The reviewed exception, if any, that waives a violation at `instance_path` of the response
/// `version method path status` (`path` normalised).
pub(crate) fn waiver(
    version: ApiVersion,
    method: &str,
    path: &str,
    status: u16,
    instance_path: &str,
) -> Option<&'static Exception> {
    EXCEPTIONS.iter().find(|e| {
        e.versions.contains(version)
            && e.method == method
            && e.path == path
            && e.status == status
            && is_at_or_below(instance_path, e.pointer)
    })
}

/// Whether JSON pointer `path` is `pointer` or inside it (`/a/b` is inside `/a`, `/ab` is not).
fn is_at_or_below(path: &str, pointer: &str) -> bool {
    path == pointer
        || path
            .strip_prefix(pointer)
            .is_some_and(|rest| rest.starts_with('/'))
}
