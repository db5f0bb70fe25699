-- Event summaries recorded through POST /events/summaries: per contact and event name, a count
-- and the first and last times, added to the contact's individual events when summarised.
CREATE TABLE data_event_summaries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    contact_id TEXT NOT NULL,
    event_name TEXT NOT NULL,
    count BIGINT NOT NULL,
    first_at BIGINT,
    last_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX data_event_summaries_workspace_id ON data_event_summaries (workspace_id, id);
CREATE UNIQUE INDEX data_event_summaries_contact_name ON data_event_summaries (workspace_id, contact_id, event_name);
