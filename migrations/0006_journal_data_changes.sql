-- Long data changes (lib/maintenance/data-changes/): a change to existing rows that could take
-- longer than one statement may (the Data API cuts a statement at 45 s, and the migrate Lambda
-- runs each migration in one transaction) is not a migration statement but a resumable
-- maintenance step, run in bounded batches by the maintenance function.
--
-- journal_data_change: the ledger of those changes, one row per change. A migration registers a
-- change by inserting its name (INSERT INTO journal_data_change (name) VALUES ('...') ON CONFLICT
-- (name) DO NOTHING), so the schema says what is pending; the code's registry
-- (lib/maintenance/data-changes/registered-data-changes.ts) knows how to run it by that name. A
-- name the running code does not know (the code was rolled back past the release that brought it)
-- is skipped and reported, and runs once a release that knows it is deployed again.
--
-- Each batch updates its row in the batch's own transaction: cursor says where the next batch
-- starts (NULL: at the beginning), so a run that is cut off resumes exactly after the last
-- committed batch and never applies a batch twice. completed_at is set by the batch that finds
-- nothing left; a completed change is never run again.
CREATE TABLE journal_data_change (
  name TEXT PRIMARY KEY,
  cursor JSONB NULL,
  rows_done BIGINT NOT NULL DEFAULT 0,
  batches_done BIGINT NOT NULL DEFAULT 0,
  registered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  started_at TIMESTAMPTZ NULL,
  updated_at TIMESTAMPTZ NULL,
  completed_at TIMESTAMPTZ NULL,
  -- The error of the last batch that failed (rolled back; the next run retries it); cleared by
  -- the next batch that commits.
  last_error TEXT NULL
);
