//! Creating a ticket type: the type's row and the two default attributes every type starts
//! with, in the caller's transaction. The API and the demo seed both create types this way.

use confab_domain::models::ticket::DEFAULT_ATTRIBUTES;
use confab_domain::record::{id_of, Record};
use confab_domain::tables::{TICKET_TYPES, TICKET_TYPE_ATTRIBUTES};
use serde_json::{json, Value};

use crate::scope::{Scope, WriteTx};
use crate::StoreError;

impl Scope<WriteTx> {
    /// Inserts the ticket type `record` and its default attributes; answers the stored type.
    pub async fn insert_ticket_type(
        &mut self,
        record: &Record,
        now: i64,
    ) -> Result<Record, StoreError> {
        let stored = self.insert_record(&TICKET_TYPES, record, now).await?;
        let type_id = id_of(&stored).parse::<i64>().ok();
        for (position, (name, description, multiline)) in DEFAULT_ATTRIBUTES.into_iter().enumerate()
        {
            let attribute = json!({
                "ticket_type_id": type_id,
                "name": name, "description": description, "data_type": "string",
                "input_options": {"multiline": multiline}, "position": position,
                "required_to_create": false, "required_to_create_for_contacts": false,
                "visible_on_create": true, "visible_to_contacts": true, "is_default": true,
                "archived": false, "created_at": now, "updated_at": now,
            });
            if let Value::Object(attribute) = attribute {
                self.insert_record(&TICKET_TYPE_ATTRIBUTES, &attribute, now)
                    .await?;
            }
        }
        Ok(stored)
    }
}
