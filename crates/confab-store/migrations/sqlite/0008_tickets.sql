-- Tickets, their types, the attributes of a type, and the workspace's ticket states.
-- A ticket is a row of `conversations` with a ticket type: it shares the conversation's id
-- space, parts, contacts, tags and state machine, so converting a conversation keeps its id
-- and its history (decision 0021).
ALTER TABLE conversations ADD COLUMN ticket_type_id BIGINT;
ALTER TABLE conversations ADD COLUMN ticket_number BIGINT;
ALTER TABLE conversations ADD COLUMN ticket_state_id BIGINT;
ALTER TABLE conversations ADD COLUMN ticket_attributes TEXT;
ALTER TABLE conversations ADD COLUMN is_shared BIGINT NOT NULL DEFAULT 0;
CREATE INDEX conversations_workspace_ticket_type ON conversations (workspace_id, ticket_type_id, seq);
CREATE UNIQUE INDEX conversations_workspace_ticket_number
    ON conversations (workspace_id, ticket_number);

-- The ticket state a part moved the ticket to, and from.
ALTER TABLE conversation_parts ADD COLUMN ticket_state TEXT;
ALTER TABLE conversation_parts ADD COLUMN previous_ticket_state TEXT;

CREATE TABLE ticket_types (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT,
    category TEXT NOT NULL,
    icon TEXT NOT NULL,
    is_internal BIGINT NOT NULL DEFAULT 0,
    archived BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ticket_types_workspace_id ON ticket_types (workspace_id, id);
CREATE INDEX ticket_types_workspace_name ON ticket_types (workspace_id, name_key);

-- `position` is the attribute's `order`; `is_default` its `default`.
CREATE TABLE ticket_type_attributes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    ticket_type_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    data_type TEXT NOT NULL,
    input_options TEXT NOT NULL DEFAULT '{}',
    position BIGINT NOT NULL,
    required_to_create BIGINT NOT NULL DEFAULT 0,
    required_to_create_for_contacts BIGINT NOT NULL DEFAULT 0,
    visible_on_create BIGINT NOT NULL DEFAULT 1,
    visible_to_contacts BIGINT NOT NULL DEFAULT 1,
    is_default BIGINT NOT NULL DEFAULT 0,
    archived BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ticket_type_attributes_workspace_id ON ticket_type_attributes (workspace_id, id);
CREATE INDEX ticket_type_attributes_type ON ticket_type_attributes (workspace_id, ticket_type_id, seq);

CREATE TABLE ticket_states (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    category TEXT NOT NULL,
    internal_label TEXT NOT NULL,
    external_label TEXT NOT NULL,
    archived BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ticket_states_workspace_id ON ticket_states (workspace_id, id);

-- Asynchronous work (`POST /tickets/enqueue`): the request is kept until a worker has done it.
CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    request TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX jobs_workspace_id ON jobs (workspace_id, id);
CREATE INDEX jobs_status ON jobs (status, seq);

-- Per-workspace sequences (the Inbox ticket number), bumped inside the writing transaction.
CREATE TABLE workspace_counters (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, name)
);

-- Workspaces created before tickets existed get the default states new ones are created with
-- (confab_domain::models::ticket::DEFAULT_STATES).
INSERT INTO ticket_states (id, workspace_id, category, internal_label, external_label, created_at, updated_at)
SELECT '', w.id, s.category, s.label, s.label, w.created_at, w.created_at
FROM workspaces w, (
    SELECT 1 AS n, 'submitted' AS category, 'Submitted' AS label
    UNION ALL SELECT 2, 'in_progress', 'In progress'
    UNION ALL SELECT 3, 'waiting_on_customer', 'Waiting on customer'
    UNION ALL SELECT 4, 'resolved', 'Resolved'
) s
ORDER BY w.id, s.n;
UPDATE ticket_states SET id = CAST(seq AS TEXT) WHERE id = '';
