-- contract: 0.1.0 never needed idx_journal_event_ts_id: it is journal_event's primary key (ts, id) in reverse, and a
-- b-tree reads either way, so every (ts DESC, id DESC) walk (the unfiltered and errors/severity pages, the
-- keyset cursors, data-change batches) gets the same plan from the primary key scanned backward, and no
-- ON CONFLICT names it. Each ingested row no longer pays for a tenth index (bench/ingest-statement-profile.ts
-- audits every journal_event index against the read statements).
DROP INDEX idx_journal_event_ts_id;
