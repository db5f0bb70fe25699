-- Company scrolls (GET /companies/scroll): at most one open scroll per workspace, which
-- remembers how far it has gone (the seq of the last company returned) and when it was last
-- used, so it expires after a minute idle by the workspace clock.
CREATE TABLE company_scrolls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id),
    position BIGINT NOT NULL DEFAULT 0,
    last_used_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX company_scrolls_workspace_id ON company_scrolls (workspace_id, id);
CREATE UNIQUE INDEX company_scrolls_one_per_workspace ON company_scrolls (workspace_id);
