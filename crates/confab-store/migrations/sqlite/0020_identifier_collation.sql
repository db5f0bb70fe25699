-- PostgreSQL's 0020 gives identifier columns the "C" collation, so their comparisons are byte
-- comparisons (decision 0049). SQLite's default collation, BINARY, already compares bytes. This
-- file keeps the two dialects' migration numbers in step.
SELECT 1;
