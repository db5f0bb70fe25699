-- PostgreSQL's 0016 gives custom and ticket attribute searches a jsonb copy of the JSON text
-- (decision 0040). SQLite reads its JSON text with functions that need no copy. This file
-- keeps the two dialects' migration numbers in step.
SELECT 1;
