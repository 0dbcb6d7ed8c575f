-- The Hive page without a swarm filter walks (ts, id) and skips every SWARM row; with hive entries a
-- few percent of the journal that read ~50 index entries per returned row. A partial index over the
-- HIVE rows alone serves that page directly (the page query names scope = 'HIVE' as a literal).
CREATE INDEX idx_journal_event_hive_ts_id ON journal_event (ts DESC, id DESC) WHERE scope = 'HIVE';
