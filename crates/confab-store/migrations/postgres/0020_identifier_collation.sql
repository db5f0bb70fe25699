-- Identifiers compare as bytes. PostgreSQL 15 treats only "C" and "POSIX" as byte order: under
-- any other database collation (C.UTF-8 included) each ordering comparison of two texts goes
-- through strcoll, and every B-tree descent on a workspace, a row id or a link compares
-- several. The links of a page of 50 contacts took 1.65 ms to read here, 0.69 ms with these
-- columns in "C" (decision 0049). Equality is the same under both; an order of ids is
-- arbitrary either way, and "C" is the order SQLite keeps. Other text (names, emails, bodies)
-- keeps the database's collation. New tables declare such columns `COLLATE "C"`.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN
        SELECT c.table_name,
               string_agg(format('ALTER COLUMN %I TYPE text COLLATE "C"', c.column_name), ', ')
                   AS changes
        FROM information_schema.columns c
        JOIN information_schema.tables tb
            ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
        WHERE c.table_schema = current_schema()
          AND tb.table_type = 'BASE TABLE'
          AND c.data_type = 'text'
          AND c.is_generated = 'NEVER'
          AND (c.column_name IN ('id', 'relation') OR c.column_name LIKE '%\_id')
          AND c.table_name NOT LIKE '\_sqlx%'
        GROUP BY c.table_name
    LOOP
        -- One statement per table, so its indexes are rebuilt once. Changing a column's type
        -- drops its statistics and those of the indexes over it, and no later write brings
        -- autovacuum back to them: without this ANALYZE, `external_id IN` (50 values) took
        -- 3.3 s at 1,000,000 contacts instead of 3 ms.
        EXECUTE format('ALTER TABLE %I %s', t.table_name, t.changes);
        EXECUTE format('ANALYZE %I', t.table_name);
    END LOOP;
END
$$;
