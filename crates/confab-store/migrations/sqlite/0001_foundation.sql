-- Workspaces, admins, teams, away status reasons, activity logs, access tokens.
-- Booleans are BIGINT 0/1: the Any driver cannot decode SQLite BOOLEAN (docs/decisions/0002-storage.md).
CREATE TABLE workspaces (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    region TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    identity_verification BIGINT NOT NULL DEFAULT 0,
    secure BIGINT NOT NULL DEFAULT 0,
    default_version TEXT,
    away_reason_required BIGINT NOT NULL DEFAULT 0,
    clock_offset BIGINT NOT NULL DEFAULT 0,
    clock_frozen_at BIGINT
);

CREATE TABLE admins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_verified BIGINT NOT NULL DEFAULT 1,
    job_title TEXT,
    avatar_url TEXT,
    has_inbox_seat BIGINT NOT NULL DEFAULT 1,
    away_mode_enabled BIGINT NOT NULL DEFAULT 0,
    away_mode_reassign BIGINT NOT NULL DEFAULT 0,
    away_status_reason_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX admins_workspace ON admins (workspace_id, id);
CREATE UNIQUE INDEX admins_workspace_email ON admins (workspace_id, email);

CREATE TABLE teams (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    name TEXT NOT NULL,
    distribution_method TEXT,
    assignment_limit BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX teams_workspace ON teams (workspace_id, id);

CREATE TABLE team_members (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    team_id BIGINT NOT NULL REFERENCES teams(id),
    admin_id BIGINT NOT NULL REFERENCES admins(id),
    PRIMARY KEY (team_id, admin_id)
);
CREATE INDEX team_members_admin ON team_members (workspace_id, admin_id);

CREATE TABLE away_status_reasons (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    label TEXT NOT NULL,
    emoji TEXT NOT NULL,
    sort_order BIGINT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX away_status_reasons_workspace ON away_status_reasons (workspace_id, sort_order);

CREATE TABLE activity_logs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    admin_id BIGINT NOT NULL REFERENCES admins(id),
    ip TEXT,
    activity_type TEXT NOT NULL,
    description TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX activity_logs_workspace_time ON activity_logs (workspace_id, created_at, seq);

CREATE TABLE access_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    admin_id BIGINT NOT NULL REFERENCES admins(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    token_hint TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE UNIQUE INDEX access_tokens_hash ON access_tokens (token_hash);
CREATE INDEX access_tokens_workspace ON access_tokens (workspace_id, id);
