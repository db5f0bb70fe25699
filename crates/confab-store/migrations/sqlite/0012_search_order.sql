-- The order contact search pages in (decision 0009: created_at, ties broken by seq), so a
-- page is read from the index in order and stops after per_page + 1 matches instead of
-- sorting every match (docs/benchmarks.md, "Where search time goes", point 3). On SQLite the
-- store keeps planner statistics (`Store::optimize`) so this index is not chosen over a
-- selective filter's own index.
CREATE INDEX contacts_search_order ON contacts (workspace_id, created_at, seq);
