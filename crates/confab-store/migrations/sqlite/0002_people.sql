-- People: contacts (and visitors), companies, tags, notes, segments, subscription types,
-- data attributes, data events, custom objects, and the one link table that relates them.
-- Every record table has seq (insertion order, the paging key), id (public) and workspace_id.
CREATE TABLE contacts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    role TEXT NOT NULL,
    external_id TEXT,
    user_id TEXT,
    email TEXT,
    email_domain TEXT,
    phone TEXT,
    formatted_phone TEXT,
    name TEXT,
    pseudonym TEXT,
    owner_id BIGINT,
    avatar TEXT,
    has_hard_bounced BIGINT NOT NULL DEFAULT 0,
    marked_email_as_spam BIGINT NOT NULL DEFAULT 0,
    unsubscribed_from_emails BIGINT NOT NULL DEFAULT 0,
    archived BIGINT NOT NULL DEFAULT 0,
    blocked BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    signed_up_at BIGINT,
    last_seen_at BIGINT,
    last_replied_at BIGINT,
    last_contacted_at BIGINT,
    last_email_opened_at BIGINT,
    last_email_clicked_at BIGINT,
    language_override TEXT,
    browser TEXT,
    browser_version TEXT,
    browser_language TEXT,
    os TEXT,
    android_app_name TEXT,
    android_app_version TEXT,
    android_device TEXT,
    android_os_version TEXT,
    android_sdk_version TEXT,
    android_last_seen_at BIGINT,
    ios_app_name TEXT,
    ios_app_version TEXT,
    ios_device TEXT,
    ios_os_version TEXT,
    ios_sdk_version TEXT,
    ios_last_seen_at BIGINT,
    location_country TEXT,
    location_region TEXT,
    location_city TEXT,
    location_country_code TEXT,
    location_continent_code TEXT,
    social_profiles TEXT,
    custom_attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX contacts_workspace_id ON contacts (workspace_id, id);
CREATE UNIQUE INDEX contacts_workspace_external_id ON contacts (workspace_id, external_id);
CREATE UNIQUE INDEX contacts_workspace_user_id ON contacts (workspace_id, user_id);
CREATE INDEX contacts_workspace_email ON contacts (workspace_id, email);
CREATE INDEX contacts_workspace_role_seq ON contacts (workspace_id, role, archived, seq);

CREATE TABLE companies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    company_id TEXT NOT NULL,
    name TEXT,
    plan TEXT,
    size BIGINT,
    website TEXT,
    industry TEXT,
    monthly_spend BIGINT NOT NULL DEFAULT 0,
    session_count BIGINT NOT NULL DEFAULT 0,
    remote_created_at BIGINT,
    last_request_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    custom_attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX companies_workspace_id ON companies (workspace_id, id);
CREATE UNIQUE INDEX companies_workspace_company_id ON companies (workspace_id, company_id);
CREATE INDEX companies_workspace_name ON companies (workspace_id, name);

CREATE TABLE tags (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    admin_id BIGINT
);
CREATE UNIQUE INDEX tags_workspace_id ON tags (workspace_id, id);
CREATE UNIQUE INDEX tags_workspace_name_key ON tags (workspace_id, name_key);

CREATE TABLE notes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    admin_id BIGINT,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX notes_workspace_id ON notes (workspace_id, id);
CREATE INDEX notes_workspace_subject ON notes (workspace_id, subject_type, subject_id, seq);

CREATE TABLE segments (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    person_type TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX segments_workspace_id ON segments (workspace_id, id);

CREATE TABLE subscription_types (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    state TEXT NOT NULL,
    consent_type TEXT NOT NULL,
    content_types TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    locale TEXT NOT NULL,
    translations TEXT,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX subscription_types_workspace_id ON subscription_types (workspace_id, id);

CREATE TABLE data_attributes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    model TEXT NOT NULL,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    description TEXT,
    data_type TEXT NOT NULL,
    options TEXT,
    messenger_writable BIGINT NOT NULL DEFAULT 0,
    archived BIGINT NOT NULL DEFAULT 0,
    admin_id BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX data_attributes_workspace_id ON data_attributes (workspace_id, id);
CREATE UNIQUE INDEX data_attributes_workspace_model_name ON data_attributes (workspace_id, model, name);

CREATE TABLE data_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    contact_id TEXT NOT NULL,
    event_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    metadata TEXT
);
CREATE UNIQUE INDEX data_events_workspace_id ON data_events (workspace_id, id);
CREATE UNIQUE INDEX data_events_dedup ON data_events (workspace_id, contact_id, event_name, created_at);

CREATE TABLE custom_object_types (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_object_types_workspace_id ON custom_object_types (workspace_id, id);
CREATE UNIQUE INDEX custom_object_types_workspace_identifier ON custom_object_types (workspace_id, identifier);

CREATE TABLE custom_object_instances (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    type_identifier TEXT NOT NULL,
    external_id TEXT NOT NULL,
    external_created_at BIGINT,
    external_updated_at BIGINT,
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_object_instances_workspace_id ON custom_object_instances (workspace_id, id);
CREATE UNIQUE INDEX custom_object_instances_external ON custom_object_instances (workspace_id, type_identifier, external_id);

CREATE TABLE links (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    relation TEXT NOT NULL,
    left_id TEXT NOT NULL,
    right_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    meta TEXT,
    PRIMARY KEY (workspace_id, relation, left_id, right_id)
);
CREATE INDEX links_right ON links (workspace_id, relation, right_id, left_id);
