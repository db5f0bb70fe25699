//! A workspace's custom data attributes, as stored records and as the domain's
//! [`DataAttribute`]s, and the check every write of `custom_attributes` goes through.

use confab_domain::models::data_attribute::{check_custom_attributes, DataAttribute, DataModel};
use confab_domain::models::DataType;
use confab_domain::record::{flag_of, int_of, text_of, Record};
use confab_domain::tables::DATA_ATTRIBUTES;
use confab_store::records::Filter;
use confab_store::{Conn, Scope};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// A stored custom attribute as the domain sees it.
pub fn data_attribute_from_record(record: &Record) -> Option<DataAttribute> {
    let name = text_of(record, "name")?.to_owned();
    let options = record
        .get("options")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Some(DataAttribute {
        id: text_of(record, "id").and_then(|id| id.parse().ok()),
        model: DataModel::parse(text_of(record, "model")?)?,
        full_name: format!("custom_attributes.{name}"),
        label: text_of(record, "label").unwrap_or(&name).to_owned(),
        name,
        description: text_of(record, "description").map(str::to_owned),
        data_type: DataType::parse(text_of(record, "data_type")?)?,
        options,
        api_writable: true,
        ui_writable: false,
        messenger_writable: flag_of(record, "messenger_writable"),
        custom: true,
        archived: flag_of(record, "archived"),
        admin_id: int_of(record, "admin_id").map(|id| id.to_string()),
        created_at: int_of(record, "created_at"),
        updated_at: int_of(record, "updated_at"),
    })
}

/// The workspace's custom attributes of `model`, archived ones included, oldest first.
pub async fn custom_attributes_of<C: Conn>(
    scope: &mut Scope<C>,
    model: DataModel,
) -> ApiResult<Vec<DataAttribute>> {
    let records = scope
        .records(
            &DATA_ATTRIBUTES,
            &[Filter::Eq("model", Value::from(model.as_str()))],
        )
        .await?;
    Ok(records
        .iter()
        .filter_map(data_attribute_from_record)
        .collect())
}

/// Checks `values` against the workspace's live attributes of `model` and merges them over
/// `current` (a `null` value removes the key). Returns the new `custom_attributes` object.
pub async fn merge_checked<C: Conn>(
    scope: &mut Scope<C>,
    model: DataModel,
    current: Option<&Value>,
    values: &Map<String, Value>,
) -> ApiResult<Value> {
    let defs: Vec<DataAttribute> = custom_attributes_of(scope, model)
        .await?
        .into_iter()
        .filter(|d| !d.archived)
        .collect();
    let checked = check_custom_attributes(&defs, values).map_err(ApiError::from)?;
    let mut merged = current
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (key, value) in checked {
        if value.is_null() {
            merged.remove(&key);
        } else {
            merged.insert(key, value);
        }
    }
    Ok(Value::Object(merged))
}
