-- Rendering a page of contacts needs the ids of each one's tags and companies, oldest link
-- first. The primary key finds a contact's links but not their `created_at`, so each link
-- cost a read of its table row: 27% of a 150-contact search page at 1,000,000 contacts
-- (600 links). This index answers that lookup alone (docs/benchmarks.md).
CREATE INDEX links_left_ordered ON links (workspace_id, relation, left_id, created_at, right_id);
