-- Contains searches (`~`, `!~`, and `^`/`$` of 3 characters or more) on the contact text
-- fields people search by substring: an FTS5 trigram index over them (decision 0029). It is
-- an external-content table: it stores only the index and reads the text from `contacts`,
-- keyed by `contacts.seq` (the rowid). The triggers keep it in step inside the writing
-- transaction. Tables named `*_fulltext*` are backend-specific and left out of the schema
-- parity check.
CREATE VIRTUAL TABLE contacts_fulltext USING fts5(
    name, email, phone, external_id,
    content = 'contacts', content_rowid = 'seq', tokenize = 'trigram'
);

INSERT INTO contacts_fulltext (contacts_fulltext) VALUES ('rebuild');

CREATE TRIGGER contacts_fulltext_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fulltext (rowid, name, email, phone, external_id)
    VALUES (new.seq, new.name, new.email, new.phone, new.external_id);
END;

CREATE TRIGGER contacts_fulltext_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fulltext (contacts_fulltext, rowid, name, email, phone, external_id)
    VALUES ('delete', old.seq, old.name, old.email, old.phone, old.external_id);
END;

CREATE TRIGGER contacts_fulltext_update AFTER UPDATE OF name, email, phone, external_id
ON contacts BEGIN
    INSERT INTO contacts_fulltext (contacts_fulltext, rowid, name, email, phone, external_id)
    VALUES ('delete', old.seq, old.name, old.email, old.phone, old.external_id);
    INSERT INTO contacts_fulltext (rowid, name, email, phone, external_id)
    VALUES (new.seq, new.name, new.email, new.phone, new.external_id);
END;
