-- What a part records beyond its body: a ticket attribute update's attribute and value
-- (`updated_attribute_data`), as JSON.
ALTER TABLE conversation_parts ADD COLUMN metadata TEXT;
