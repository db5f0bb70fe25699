-- Search of contacts by a related record (`tag_id`, `segment_id`, company …) matches contact
-- ids through `links`, then checks each one against the base filter (not a visitor, not
-- archived) and orders the page by (created_at, seq). With only (workspace_id, id) to go on,
-- every match cost a read of its table row: 49,984 contacts of one tag at 1,000,000 took
-- 194 ms to count and 218 ms for the first page on SQLite. This index holds everything those
-- two statements read, so they never touch the table (65 ms and 85 ms; docs/benchmarks.md).
CREATE INDEX contacts_live ON contacts (workspace_id, id, role, archived, created_at, seq);
