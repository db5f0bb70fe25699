-- Indexes for contact search (docs/benchmarks.md, "Search"; decision 0009's index plan).
-- Search folds string fields with LOWER() on both sides, so `email =` and `external_id IN`
-- need the folded expression indexed; the plain column indexes of 0002 cannot serve them.
CREATE INDEX contacts_search_email ON contacts (workspace_id, LOWER(email));
CREATE INDEX contacts_search_external_id ON contacts (workspace_id, LOWER(external_id));
