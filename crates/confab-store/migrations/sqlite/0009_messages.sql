-- Admin-initiated messages (POST /messages) are stored as the conversation they open: the row
-- exists from the start, but stays out of lists, search and retrieval (`awaiting_reply`) until
-- the contact replies or the message asks for its conversation at once. `message_template`
-- keeps the email template (plain | personal) or the WhatsApp template name.
ALTER TABLE conversations ADD COLUMN awaiting_reply BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN message_template TEXT;
