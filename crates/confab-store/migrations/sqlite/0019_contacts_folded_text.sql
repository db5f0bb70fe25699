-- PostgreSQL's 0019 stores folded copies of a contact's name and email for searches to
-- compare. SQLite folds only ASCII and its LIKE ignores ASCII case itself, so it keeps its
-- columns (decision 0043). This file keeps the two dialects' migration numbers in step.
SELECT 1;
