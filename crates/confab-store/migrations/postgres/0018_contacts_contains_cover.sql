-- SQLite's 0018 adds the covering indexes for contains searches that PostgreSQL's 0017
-- already made. This file keeps the two dialects' migration numbers in step.
SELECT 1;
