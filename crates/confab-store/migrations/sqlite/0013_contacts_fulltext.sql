-- PostgreSQL's 0013 adds trigram indexes for contains searches on contacts. SQLite gets none
-- (decision 0029): an FTS5 trigram table kept by triggers was measured at 7 ms per committed
-- contact write at 100,000 contacts, because FTS5 writes its pending terms out as a new
-- segment at every commit and statement savepoint. This file keeps the two dialects'
-- migration numbers in step.
SELECT 1;
