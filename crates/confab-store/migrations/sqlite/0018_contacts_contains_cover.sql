-- A text-pattern search (`~`, `!~`, `^`, `$`) on a contact's name must test every contact,
-- since a pattern with a leading `%` fits no B-tree range. This index holds the name with the
-- base filter's columns (the sequence is the rowid, in every index), so SQLite counts the
-- matches, and finds the few matches of a rare pattern, from a narrow index instead of the
-- table (decision 0042). The compiler leaves SQLite's column un-`LOWER`ed for these tests so
-- the index covers them. It carries the name of PostgreSQL's 0017 index and is left out of
-- the schema parity check. The same index for `email` was measured and left out: each such
-- index costs about a tenth of `POST /contacts`.
CREATE INDEX contacts_fulltext_name_cover ON contacts (workspace_id, name, role, archived);
