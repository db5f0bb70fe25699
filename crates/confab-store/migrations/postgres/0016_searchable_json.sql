-- Custom attribute and ticket attribute searches read a jsonb copy of the JSON text
-- (decision 0040). On the TEXT column, every row a search touched was parsed as JSON again:
-- a nested custom attribute count at 1,000,000 contacts took 815 ms, nearly all of it parsing.
-- The copy is generated, so no write path changes. A text holding the escape \u0000, which
-- jsonb cannot store (API input refuses it since decision 0039), gets no copy rather than
-- failing the migration; its attributes then match no search.
DO $$
DECLARE
    target text[];
BEGIN
    FOREACH target SLICE 1 IN ARRAY ARRAY[
        ['contacts', 'custom_attributes'],
        ['companies', 'custom_attributes'],
        ['conversations', 'custom_attributes'],
        ['conversations', 'ticket_attributes']
    ] LOOP
        EXECUTE format(
            'ALTER TABLE %I ADD COLUMN %I jsonb GENERATED ALWAYS AS '
            '(CASE WHEN strpos(%I, %L) = 0 THEN %I::jsonb END) STORED',
            target[1], target[2] || '_jsonb', target[2], '\u0000', target[2]
        );
    END LOOP;
END
$$;

-- The attribute indexes were built over the TEXT columns and no search uses them any more.
-- `confab serve` builds each declared attribute's index over the copy at start, in the
-- background (decision 0033).
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN
        SELECT indexname FROM pg_indexes
        WHERE schemaname = current_schema()
          AND tablename IN ('contacts', 'companies', 'conversations')
          AND indexname LIKE '%\_attribute\_%'
    LOOP
        EXECUTE format('DROP INDEX %I', name);
    END LOOP;
END
$$;
