-- Searches compare a contact's name and email case-insensitively: `LOWER(column) = LOWER($1)`,
-- `LOWER(column) LIKE LOWER($1)`. PostgreSQL folds with the database's locale, and under
-- C.UTF-8 that costs about 150 ns a row: `name ~ "smi"` at 1,000,000 contacts spent 215 of
-- its 250 ms calling LOWER on every name of the covering index, against 76 ms for the same
-- scan with no test at all. These stored copies fold each text once, when it is written, and
-- the search indexes hold the copies instead (decision 0043). The compiler reads the copies
-- (`compile::folded_copy`); they are never selected, and the schema parity check leaves
-- `*_folded` out. SQLite folds only ASCII, and its LIKE ignores ASCII case itself, so it keeps
-- its columns (its 0019 is a placeholder).
ALTER TABLE contacts
    ADD COLUMN name_folded TEXT GENERATED ALWAYS AS (LOWER(name)) STORED,
    ADD COLUMN email_folded TEXT GENERATED ALWAYS AS (LOWER(email)) STORED;

DROP INDEX contacts_fulltext_name_cover;
CREATE INDEX contacts_fulltext_name_cover ON contacts (workspace_id, name_folded, role, archived);

-- One index serves `email =` and counts email patterns from the index alone; it keeps the
-- name SQLite's (workspace_id, LOWER(email)) index has.
DROP INDEX contacts_fulltext_email_cover;
DROP INDEX contacts_search_email;
CREATE INDEX contacts_search_email ON contacts (workspace_id, email_folded, role, archived);

-- The trigram indexes of 0013, where pg_trgm was there to build them, move to the copies.
DO $$
DECLARE
    ops text;
    col text;
BEGIN
    SELECT quote_ident(n.nspname) || '.gin_trgm_ops' INTO ops
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm';
    IF ops IS NULL THEN
        RETURN;
    END IF;
    FOREACH col IN ARRAY ARRAY['name', 'email'] LOOP
        EXECUTE format('DROP INDEX IF EXISTS %I', 'contacts_fulltext_' || col);
        EXECUTE format(
            'CREATE INDEX %I ON contacts USING gin (%I %s)',
            'contacts_fulltext_' || col, col || '_folded', ops
        );
    END LOOP;
END
$$;
