-- Conversations and their parts. A conversation's opening message (its `source`) lives on the
-- conversation row; every later action is a part. Contacts and tags of a conversation are
-- links (relations conversation_contact, conversation_tag).
CREATE TABLE conversations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    title TEXT,
    state TEXT NOT NULL,
    read BIGINT NOT NULL DEFAULT 0,
    priority TEXT NOT NULL DEFAULT 'not_priority',
    admin_assignee_id BIGINT,
    team_assignee_id BIGINT,
    snoozed_until BIGINT,
    waiting_since BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    source_id TEXT NOT NULL,
    source_type TEXT NOT NULL,
    delivered_as TEXT NOT NULL,
    subject TEXT,
    body TEXT,
    author_type TEXT NOT NULL,
    author_id TEXT NOT NULL,
    source_redacted BIGINT NOT NULL DEFAULT 0,
    source_attachments TEXT,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    company_id TEXT
);
CREATE UNIQUE INDEX conversations_workspace_id ON conversations (workspace_id, id);
CREATE INDEX conversations_workspace_updated ON conversations (workspace_id, updated_at, seq);

CREATE TABLE conversation_parts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    conversation_id TEXT NOT NULL,
    part_type TEXT NOT NULL,
    body TEXT,
    author_type TEXT NOT NULL,
    author_id TEXT NOT NULL,
    assigned_type TEXT,
    assigned_id TEXT,
    attachments TEXT,
    redacted BIGINT NOT NULL DEFAULT 0,
    external_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    notified_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX conversation_parts_workspace_id ON conversation_parts (workspace_id, id);
CREATE INDEX conversation_parts_conversation ON conversation_parts (workspace_id, conversation_id, seq);
