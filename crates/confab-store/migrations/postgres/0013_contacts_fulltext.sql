-- Contains searches (`~`, `!~`, `^`, `$`) on the contact text fields people search by
-- substring: pg_trgm GIN indexes on exactly the folded expression search compares,
-- `LOWER(column)` (decision 0029). pg_trgm ships with PostgreSQL but may be missing or not
-- allowed to this role; then the indexes are skipped and those searches scan, with the same
-- results. The extension goes to `public` (one per database, shared by every schema) and the
-- operator class is named with its schema. Indexes named `*_fulltext*` are backend-specific
-- and left out of the schema parity check.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): contact contains searches will scan', SQLERRM;
END
$$;

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
    FOREACH col IN ARRAY ARRAY['name', 'email', 'phone', 'external_id'] LOOP
        EXECUTE format(
            'CREATE INDEX %I ON contacts USING gin (LOWER(%I) %s)',
            'contacts_fulltext_' || col, col, ops
        );
    END LOOP;
END
$$;
