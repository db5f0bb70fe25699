-- A text-pattern search (`~`, `!~`, `^`, `$`) on a contact's name or email must test every
-- contact, since a pattern with a leading `%` fits no B-tree range. These indexes hold that
-- text with the base filter's columns and the default order's key (the sequence is the
-- rowid, in every index), so SQLite counts the matches, and sorts the few matches of a rare
-- pattern, from a narrow index instead of the table (decision 0042). The compiler leaves
-- SQLite's column un-`LOWER`ed for these tests so the index covers them. They carry the
-- names of PostgreSQL's 0017 and are left out of the schema parity check.
CREATE INDEX contacts_fulltext_name_cover ON contacts (workspace_id, name, role, archived, created_at);
CREATE INDEX contacts_fulltext_email_cover ON contacts (workspace_id, email, role, archived, created_at);
