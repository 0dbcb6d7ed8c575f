-- Journal schema, wire- and schema-compatible with PocketHive's journal (same table and column
-- names and types), plus hive-journal's additions. Never edit this file after it has landed:
-- add a new numbered migration instead (the runner refuses changed checksums).

-- journal_event: partitioned by day on ts so retention is a DROP of a partition, never a DELETE.
-- Partitioned PRIMARY KEY/UNIQUE constraints must include the partition key, hence (ts, id) and
-- (ts, event_uid).
CREATE TABLE journal_event (
  id BIGSERIAL NOT NULL,
  ts TIMESTAMPTZ NOT NULL,
  scope TEXT NOT NULL,
  swarm_id TEXT NULL,
  run_id TEXT NOT NULL,
  scope_role TEXT NOT NULL DEFAULT 'ALL',
  scope_instance TEXT NOT NULL DEFAULT 'ALL',
  severity TEXT NOT NULL,
  direction TEXT NOT NULL,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  origin TEXT NOT NULL,
  correlation_id TEXT NULL,
  idempotency_key TEXT NULL,
  routing_key TEXT NULL,
  data JSONB NULL,
  raw JSONB NULL,
  extra JSONB NULL,
  -- hive-journal additions
  event_uid UUID NOT NULL,
  -- the swarm the entry is about (PocketHive's scope.swarmId); differs from swarm_id only in
  -- hive entries that say so
  scope_swarm_id TEXT NULL,
  trace_id TEXT NULL,
  actor TEXT NULL,
  namespace_path TEXT[] NULL,
  ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (ts, id),
  CONSTRAINT uq_journal_event_ts_event_uid UNIQUE (ts, event_uid),
  CONSTRAINT ck_journal_event_scope CHECK (scope IN ('SWARM', 'HIVE')),
  CONSTRAINT ck_journal_event_severity CHECK (severity IN ('DEBUG', 'INFO', 'WARN', 'ERROR')),
  CONSTRAINT ck_journal_event_direction CHECK (direction IN ('IN', 'OUT', 'LOCAL'))
) PARTITION BY RANGE (ts);

-- Catches rows for days whose partition does not exist yet, so an insert never fails for want of
-- a partition; maintenance drains it into daily partitions.
CREATE TABLE journal_event_default PARTITION OF journal_event DEFAULT;

-- Keyset pagination indexes: every page query orders by (ts DESC, id DESC).
CREATE INDEX idx_journal_event_ts_id ON journal_event (ts DESC, id DESC);
CREATE INDEX idx_journal_event_swarm_ts_id ON journal_event (scope, swarm_id, ts DESC, id DESC);
CREATE INDEX idx_journal_event_swarm_run_ts_id ON journal_event (scope, swarm_id, run_id, ts DESC, id DESC);
CREATE INDEX idx_journal_event_correlation_ts_id ON journal_event (correlation_id, ts DESC, id DESC);
CREATE INDEX idx_journal_event_trace_ts_id ON journal_event (trace_id, ts DESC, id DESC)
  WHERE trace_id IS NOT NULL;
CREATE INDEX idx_journal_event_errors_ts_id ON journal_event (ts DESC, id DESC)
  WHERE severity IN ('WARN', 'ERROR');

-- journal_capture: pinned captures of a run, kept beyond time retention.
CREATE TABLE journal_capture (
  id UUID PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  scope TEXT NOT NULL,
  swarm_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  pinned BOOLEAN NOT NULL DEFAULT TRUE,
  name TEXT NULL,
  labels JSONB NULL,
  first_ts TIMESTAMPTZ NULL,
  last_ts TIMESTAMPTZ NULL,
  entries BIGINT NOT NULL DEFAULT 0,
  -- hive-journal additions: resumable archival progress
  status TEXT NOT NULL DEFAULT 'pending',
  copied BIGINT NOT NULL DEFAULT 0,
  cursor_ts TIMESTAMPTZ NULL,
  cursor_id BIGINT NULL,
  error TEXT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT ck_journal_capture_mode CHECK (mode IN ('FULL', 'SLIM', 'ERRORS_ONLY')),
  CONSTRAINT ck_journal_capture_status CHECK (status IN ('pending', 'archiving', 'complete', 'failed'))
);

CREATE UNIQUE INDEX uq_journal_capture_scope_swarm_run ON journal_capture (scope, swarm_id, run_id);
CREATE INDEX idx_journal_capture_swarm_last_ts ON journal_capture (scope, swarm_id, last_ts DESC);
CREATE INDEX idx_journal_capture_status ON journal_capture (status) WHERE status <> 'complete';

-- journal_event_archive: archived events of pinned captures; source_id is journal_event.id.
CREATE TABLE journal_event_archive (
  id BIGSERIAL PRIMARY KEY,
  capture_id UUID NOT NULL REFERENCES journal_capture(id) ON DELETE CASCADE,
  source_id BIGINT NOT NULL,
  ts TIMESTAMPTZ NOT NULL,
  scope TEXT NOT NULL,
  swarm_id TEXT NULL,
  run_id TEXT NOT NULL,
  scope_role TEXT NOT NULL DEFAULT 'ALL',
  scope_instance TEXT NOT NULL DEFAULT 'ALL',
  severity TEXT NOT NULL,
  direction TEXT NOT NULL,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  origin TEXT NOT NULL,
  correlation_id TEXT NULL,
  idempotency_key TEXT NULL,
  routing_key TEXT NULL,
  data JSONB NULL,
  raw JSONB NULL,
  extra JSONB NULL,
  -- hive-journal additions
  event_uid UUID NULL,
  scope_swarm_id TEXT NULL,
  trace_id TEXT NULL,
  actor TEXT NULL,
  namespace_path TEXT[] NULL,
  ingested_at TIMESTAMPTZ NULL
);

CREATE UNIQUE INDEX uq_journal_event_archive_capture_source ON journal_event_archive (capture_id, source_id);
CREATE INDEX idx_journal_event_archive_ts_id ON journal_event_archive (ts DESC, id DESC);
CREATE INDEX idx_journal_event_archive_swarm_run_ts_id
  ON journal_event_archive (scope, swarm_id, run_id, ts DESC, id DESC);
CREATE INDEX idx_journal_event_archive_correlation_ts_id
  ON journal_event_archive (correlation_id, ts DESC, id DESC);
CREATE INDEX idx_journal_event_archive_capture_ts_id ON journal_event_archive (capture_id, ts DESC, id DESC);
-- Archive pages page by the source event's (ts, id) so cursors stay valid across live and archive.
CREATE INDEX idx_journal_event_archive_capture_ts_source
  ON journal_event_archive (capture_id, ts DESC, source_id DESC);

-- journal_run: per-run metadata (PocketHive) plus statistics maintained on ingest, so the runs
-- index never scans events.
CREATE TABLE journal_run (
  swarm_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  scenario_id TEXT NULL,
  test_plan TEXT NULL,
  description TEXT NULL,
  tags JSONB NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- hive-journal additions: statistics maintained on ingest
  first_ts TIMESTAMPTZ NULL,
  last_ts TIMESTAMPTZ NULL,
  entries BIGINT NOT NULL DEFAULT 0,
  warn_count BIGINT NOT NULL DEFAULT 0,
  error_count BIGINT NOT NULL DEFAULT 0,
  lifecycle_state TEXT NULL,
  lifecycle_ts TIMESTAMPTZ NULL,
  PRIMARY KEY (swarm_id, run_id),
  CONSTRAINT chk_journal_run_tags_array CHECK (tags IS NULL OR jsonb_typeof(tags) = 'array')
);

CREATE INDEX idx_journal_run_scenario_id ON journal_run (scenario_id);
CREATE INDEX idx_journal_run_test_plan ON journal_run (test_plan);
CREATE INDEX idx_journal_run_updated_at ON journal_run (updated_at DESC);
CREATE INDEX idx_journal_run_tags_gin ON journal_run USING GIN (tags);
CREATE INDEX idx_journal_run_last_ts ON journal_run (last_ts DESC NULLS LAST, swarm_id, run_id);
CREATE INDEX idx_journal_run_swarm_last_ts ON journal_run (swarm_id, last_ts DESC NULLS LAST);

-- journal_rejected: the quarantine. Every queue message (or event of an envelope) that failed
-- validation is kept here with its reason, never silently dropped.
CREATE TABLE journal_rejected (
  id BIGSERIAL PRIMARY KEY,
  rejected_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  message_id TEXT NULL,
  -- position of the event inside an envelope; NULL when the whole message was rejected
  event_index INTEGER NULL,
  reason TEXT NOT NULL,
  -- the raw body, bounded; body_bytes and body_sha256 describe the whole original body
  body TEXT NULL,
  body_bytes INTEGER NOT NULL,
  body_sha256 TEXT NOT NULL,
  body_truncated BOOLEAN NOT NULL DEFAULT FALSE,
  source TEXT NULL
);

CREATE INDEX idx_journal_rejected_rejected_at ON journal_rejected (rejected_at DESC);
CREATE UNIQUE INDEX uq_journal_rejected_message_event
  ON journal_rejected (message_id, COALESCE(event_index, -1)) WHERE message_id IS NOT NULL;
