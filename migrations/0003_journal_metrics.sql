-- Counters for GET /metrics, maintained by the ingest statement (lib/use-cases/store-events.sql.ts)
-- so that a scrape reads a few small tables and never scans journal_event. They count what was
-- stored from this migration on (no backfill: a Prometheus counter may start at zero).

-- journal_counter: one row per counter and label set; `value` only ever grows. Unused label
-- columns hold ''. The counters:
--   events                  stored events; scope, severity, label = event kind
--   rejected                journal_rejected rows; label = 'message' (a whole queue message) or
--                           'event' (one event of an envelope)
--   backpressure_episodes   stored journal-backpressure-start events; scope
--   backpressure_dropped    entries producers dropped, from journal-backpressure-stop events'
--                           data.droppedDebug/droppedInfo/droppedWarn/droppedError; scope, severity
--   ingest_lag_bucket       stored events by ingest lag (ingested_at - ts); label = the bucket's
--                           upper bound in seconds ('+Inf' above the last), not cumulative
--   ingest_lag_ms_sum       the sum of those lags in milliseconds
-- created_at is when a label set was first seen: /metrics names the earliest unknown event kinds
-- and folds later ones into "other", so a producer inventing kinds cannot explode the series.
CREATE TABLE journal_counter (
  counter TEXT NOT NULL,
  scope TEXT NOT NULL DEFAULT '',
  severity TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  value BIGINT NOT NULL DEFAULT 0,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (counter, scope, severity, label)
);

-- journal_swarm_minute: a ring of ten one-minute buckets (of event time) per swarm, for the rolling
-- error rate. Slot = minute since the epoch mod 10; a newer minute overwrites its slot, an older
-- one is not counted, so the table never grows beyond ten rows per swarm and needs no cleanup.
-- Only events stamped within ten minutes of their ingest are counted (a skewed clock cannot park a
-- far-future minute in a slot).
CREATE TABLE journal_swarm_minute (
  swarm_id TEXT NOT NULL,
  slot SMALLINT NOT NULL,
  minute TIMESTAMPTZ NOT NULL,
  events BIGINT NOT NULL,
  warnings BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  PRIMARY KEY (swarm_id, slot),
  CONSTRAINT ck_journal_swarm_minute_slot CHECK (slot BETWEEN 0 AND 9)
);

CREATE INDEX idx_journal_swarm_minute_minute ON journal_swarm_minute (minute DESC);
