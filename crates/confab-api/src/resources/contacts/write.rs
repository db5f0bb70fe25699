//! What a create or update request may change on a contact, and the rules that hold across
//! contacts: one contact per `external_id`, one user per email.

use confab_domain::models::DataModel;
use confab_domain::record::{id_of, text_of, Record};
use confab_domain::tables::CONTACTS;
use confab_domain::{ApiVersion, ErrorCode};
use confab_store::records::Filter;
use confab_store::{Conn, Scope};
use serde_json::{Map, Value};

use crate::custom_attributes::merge_checked;
use crate::error::{ApiError, ApiResult};
use crate::input::{field, object_field, record_from_body, Field, Kind, TEXT};

/// The fields `POST /contacts` and `PUT /contacts/{id}` write.
const WRITABLE: &[Field] = &[
    field("role", TEXT),
    field("external_id", TEXT),
    field("email", Kind::Email),
    field("phone", TEXT),
    field("name", TEXT),
    field("avatar", Kind::Text(2048)),
    field("signed_up_at", Kind::Timestamp),
    field("last_seen_at", Kind::Timestamp),
    field("owner_id", Kind::Int),
    field("unsubscribed_from_emails", Kind::Bool),
];

/// The roles a client may give a contact.
const ROLES: &[&str] = &["user", "lead"];

/// The columns a request sets, checked: field types, role, owner, language, custom attributes
/// (merged over `current`'s). `updated_at` is always set.
pub async fn changes<C: Conn>(
    scope: &mut Scope<C>,
    body: &Map<String, Value>,
    current: Option<&Record>,
    version: ApiVersion,
    now: i64,
) -> ApiResult<Record> {
    let mut record = record_from_body(body, WRITABLE)?;
    match record.get("role") {
        Some(Value::Null) => {
            record.remove("role");
        }
        Some(Value::String(role)) if !ROLES.contains(&role.as_str()) => {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "role must be user or lead",
            )
            .field("role"));
        }
        _ => {}
    }
    if let Some(email) = record.get("email") {
        let domain = email
            .as_str()
            .and_then(|e| e.rsplit_once('@'))
            .map(|(_, domain)| Value::from(domain.to_ascii_lowercase()));
        record.insert("email_domain".into(), domain.unwrap_or(Value::Null));
    }
    if let Some(owner) = record.get("owner_id").and_then(Value::as_i64) {
        if scope.admin(owner).await?.is_none() {
            return Err(ApiError::with_message(
                ErrorCode::ParameterInvalid,
                "owner_id must be the id of an admin of this workspace",
            )
            .field("owner_id"));
        }
    }
    // Only Unstable documents the override; an unsupported code sets it to null, as the
    // description says.
    if version == ApiVersion::Unstable {
        if let Some(language) = body.get("language_override") {
            let code = language
                .as_str()
                .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_lowercase()));
            record.insert(
                "language_override".into(),
                code.map_or(Value::Null, Value::from),
            );
        }
    }
    if let Some(values) = object_field(body, "custom_attributes")? {
        let merged = merge_checked(
            scope,
            DataModel::Contact,
            current.and_then(|c| c.get("custom_attributes")),
            values,
        )
        .await?;
        record.insert("custom_attributes".into(), merged);
    }
    record.insert("updated_at".into(), Value::from(now));
    Ok(record)
}

/// Checks that no other contact already has the `external_id`, nor (for users) the email,
/// that `record` (the contact as it will be) has. `self_id` is the contact being updated.
pub async fn check_unique<C: Conn>(
    scope: &mut Scope<C>,
    record: &Record,
    self_id: Option<&str>,
) -> ApiResult<()> {
    let mut clashes = Vec::new();
    if let Some(external_id) = text_of(record, "external_id") {
        clashes.push(Filter::Eq("external_id", Value::from(external_id)));
    }
    if let (Some("user"), Some(email)) = (text_of(record, "role"), text_of(record, "email")) {
        clashes.push(Filter::AllOf(vec![
            Filter::Eq("email", Value::from(email)),
            Filter::Eq("role", Value::from("user")),
        ]));
    }
    // One query per rule, not one with an OR: SQLite cannot serve `workspace_id = ? AND (a OR
    // b)` from the two indexes and scans the workspace, so creates slowed as it grew.
    for clash in clashes {
        let mut filters = vec![clash];
        if let Some(id) = self_id {
            filters.push(Filter::NotEq("id", Value::from(id)));
        }
        if let Some(other) = scope.record_where(&CONTACTS, &filters).await? {
            return Err(ApiError::with_message(
                ErrorCode::Conflict,
                format!(
                    "A contact matching those details already exists with id={}",
                    id_of(&other)
                ),
            ));
        }
    }
    Ok(())
}

/// A create request must name at least one of `email`, `external_id`, `role`.
pub fn check_identifying(body: &Map<String, Value>) -> ApiResult<()> {
    let given = ["email", "external_id", "role"]
        .iter()
        .any(|name| body.get(*name).is_some_and(|v| !v.is_null()));
    if given {
        Ok(())
    } else {
        Err(ApiError::with_message(
            ErrorCode::ParameterInvalid,
            "Email, external_id or role must be provided",
        ))
    }
}
