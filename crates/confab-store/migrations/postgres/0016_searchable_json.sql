-- Custom attribute and ticket attribute searches read a jsonb copy of the JSON text
-- (decision 0040). On the TEXT column, every row a search touched was parsed as JSON again:
-- a nested custom attribute count at 1,000,000 contacts took 815 ms, nearly all of it parsing.
-- The copy is generated, so no write path changes. A text holding the escape \u0000, which
-- jsonb cannot store (API input refuses it since decision 0039), gets no copy rather than
-- failing the migration; its attributes then match no search.
ALTER TABLE contacts ADD COLUMN custom_attributes_jsonb jsonb GENERATED ALWAYS AS (
    CASE WHEN strpos(custom_attributes, '\u0000') = 0 THEN custom_attributes::jsonb END
) STORED;
ALTER TABLE companies ADD COLUMN custom_attributes_jsonb jsonb GENERATED ALWAYS AS (
    CASE WHEN strpos(custom_attributes, '\u0000') = 0 THEN custom_attributes::jsonb END
) STORED;
ALTER TABLE conversations ADD COLUMN custom_attributes_jsonb jsonb GENERATED ALWAYS AS (
    CASE WHEN strpos(custom_attributes, '\u0000') = 0 THEN custom_attributes::jsonb END
) STORED;
ALTER TABLE conversations ADD COLUMN ticket_attributes_jsonb jsonb GENERATED ALWAYS AS (
    CASE WHEN strpos(ticket_attributes, '\u0000') = 0 THEN ticket_attributes::jsonb END
) STORED;

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
