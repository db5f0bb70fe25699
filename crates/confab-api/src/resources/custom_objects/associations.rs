//! Associating custom object instances with contacts and conversations, as `PUT /contacts/{id}`
//! and `PUT /conversations/{id}` do through their `custom_attributes`.

use confab_domain::record::relation::CONTACT_CUSTOM_OBJECT;
use confab_domain::record::{id_of, text_of, Side};
use confab_domain::tables::{CUSTOM_OBJECT_INSTANCES, CUSTOM_OBJECT_TYPES};
use confab_domain::ErrorCode;
use confab_store::records::Filter;
use confab_store::{Conn, Scope, WriteScope};
use serde_json::{json, Map, Value};

use super::instance;
use crate::error::{ApiError, ApiResult};

/// Custom object associations carried by a contact update's `custom_attributes`: each key
/// naming a custom object type (matched without regard to case, e.g. `order` for `Order`) with
/// an array of that type's instance ids, e.g. `{"order": ["21"]}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Associations(Vec<(String, Vec<String>)>);

impl Associations {
    /// Takes the association keys out of `custom_attributes` (so the rest can go through
    /// `merge_checked`), checking each names a type and each id an instance of it. An unknown
    /// instance is 404 `not_found`; a non-string id is 400 `parameter_invalid`.
    pub async fn take<C: Conn>(
        scope: &mut Scope<C>,
        custom_attributes: &mut Map<String, Value>,
    ) -> ApiResult<Self> {
        let types = scope.records(&CUSTOM_OBJECT_TYPES, &[]).await?;
        let mut taken = Vec::new();
        let keys: Vec<String> = custom_attributes.keys().cloned().collect();
        for key in keys {
            let Some(object_type) = types
                .iter()
                .find(|t| text_of(t, "identifier").is_some_and(|i| i.eq_ignore_ascii_case(&key)))
            else {
                continue;
            };
            let Some(Value::Array(ids)) = custom_attributes.get(&key) else {
                continue;
            };
            let identifier = text_of(object_type, "identifier").unwrap_or_default();
            let mut wanted = Vec::with_capacity(ids.len());
            for id in ids {
                let id = id.as_str().ok_or_else(|| {
                    ApiError::with_message(
                        ErrorCode::ParameterInvalid,
                        "custom object instance ids must be strings",
                    )
                    .field(format!("custom_attributes.{key}"))
                })?;
                instance(scope, identifier, id, true).await?;
                wanted.push(id.to_owned());
            }
            custom_attributes.remove(&key);
            taken.push((identifier.to_owned(), wanted));
        }
        Ok(Self(taken))
    }

    /// Whether the update carried no association.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Makes the instances `owner_id` holds through `relation` (a contact's or a
    /// conversation's) of each named type exactly the ids given (an empty array removes them
    /// all); instances of other types are left alone.
    pub async fn apply(
        &self,
        scope: &mut WriteScope,
        relation: &'static str,
        owner_id: &str,
        now: i64,
    ) -> ApiResult<()> {
        for (identifier, ids) in &self.0 {
            let current = scope
                .records(
                    &CUSTOM_OBJECT_INSTANCES,
                    &[
                        Filter::Eq("type_identifier", json!(identifier)),
                        Filter::LinkedFrom {
                            relation,
                            left_id: owner_id.to_owned(),
                        },
                    ],
                )
                .await?;
            for old in &current {
                if !ids.iter().any(|id| id == id_of(old)) {
                    scope.remove_link(relation, owner_id, id_of(old)).await?;
                }
            }
            for id in ids {
                scope
                    .put_link(relation, owner_id, id, &Value::Null, now)
                    .await?;
            }
        }
        Ok(())
    }
}

/// The ids of the custom object instances linked to a contact, oldest link first.
pub async fn instance_ids_of<C: Conn>(
    scope: &mut Scope<C>,
    contact_id: &str,
) -> ApiResult<Vec<String>> {
    let links = scope
        .links_of(CONTACT_CUSTOM_OBJECT, Side::Left, &[contact_id.to_owned()])
        .await?;
    Ok(links
        .get(contact_id)
        .map(|l| l.iter().map(|l| l.right_id.clone()).collect())
        .unwrap_or_default())
}
