-- PostgreSQL's 0017 adds covering indexes for contains searches that match many contacts
-- (decision 0040). SQLite gets none: a similar index changed the plans of its other searches
-- (docs/benchmarks.md). This file keeps the two dialects' migration numbers in step.
SELECT 1;
