-- The first schema of a RoSAS Workbench project file.
-- Records of one import are written in one transaction, so each source owns a contiguous id range.

CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  file_name TEXT NOT NULL,
  file_path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  format TEXT NOT NULL,
  records INTEGER NOT NULL,
  quarantined INTEGER NOT NULL,
  first_record_id INTEGER,
  last_record_id INTEGER,
  label_column TEXT,
  normal_values TEXT,             -- JSON array of values meaning "normal"; NULL = the default rule
  options TEXT NOT NULL DEFAULT '{}',
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL,
  seconds REAL NOT NULL
);
CREATE INDEX sources_by_sha256 ON sources(sha256);

-- Every field name seen in the project. `pos` is the field's index in records.fields.
CREATE TABLE fields (
  id INTEGER PRIMARY KEY,
  pos INTEGER NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  type TEXT NOT NULL,             -- what the values look like: number, string, boolean, list, mixed
  role TEXT NOT NULL,             -- inferred from the data
  role_override TEXT,             -- set by the analyst; wins over `role`
  stats TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE source_fields (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  field_id INTEGER NOT NULL REFERENCES fields(id),
  present INTEGER NOT NULL,       -- records of the source where the field has a value
  PRIMARY KEY (source_id, field_id)
) WITHOUT ROWID;

CREATE TABLE records (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line INTEGER NOT NULL,          -- 1-based line where the record starts in the (decompressed) file
  ts REAL,                        -- seconds; epoch when the log says so, else as the log has it
  truth INTEGER,                  -- ground truth from the label column: 1 anomaly, 0 normal
  raw TEXT NOT NULL,              -- the record exactly as it came
  fields TEXT NOT NULL            -- JSON array of parsed values, indexed by fields.pos
);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id),
  line INTEGER NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL
);
CREATE INDEX quarantine_by_source ON quarantine(source_id, line);

CREATE TABLE feature_specs (
  id INTEGER PRIMARY KEY,
  created_at TEXT NOT NULL,
  spec TEXT NOT NULL              -- JSON, see src-main/core/features/spec.ts
);

-- The current label of a record; every change is also appended to label_history.
CREATE TABLE labels (
  record_id INTEGER PRIMARY KEY REFERENCES records(id),
  label TEXT NOT NULL CHECK (label IN ('anomaly', 'normal', 'unsure')),
  note TEXT,
  author TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE label_history (
  id INTEGER PRIMARY KEY,
  record_id INTEGER NOT NULL REFERENCES records(id),
  label TEXT CHECK (label IN ('anomaly', 'normal', 'unsure')),   -- NULL: label removed
  previous TEXT CHECK (previous IN ('anomaly', 'normal', 'unsure')),
  note TEXT,
  author TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX label_history_by_record ON label_history(record_id);

CREATE TABLE rounds (
  id INTEGER PRIMARY KEY,         -- the round number shown to the analyst
  method TEXT NOT NULL,           -- rosas, iforest
  created_at TEXT NOT NULL,
  feature_spec_id INTEGER NOT NULL REFERENCES feature_specs(id),
  seed INTEGER NOT NULL,
  backend TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  train_seconds REAL NOT NULL,
  score_seconds REAL NOT NULL,
  labeled_anomalies INTEGER NOT NULL,
  labeled_normals INTEGER NOT NULL,
  records_scored INTEGER NOT NULL,
  history TEXT NOT NULL DEFAULT '[]'  -- per-epoch training figures
);

-- The labels a round was trained on, as they were when it started.
CREATE TABLE round_labels (
  round_id INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
  record_id INTEGER NOT NULL REFERENCES records(id),
  label TEXT NOT NULL CHECK (label IN ('anomaly', 'normal', 'unsure')),
  PRIMARY KEY (round_id, record_id)
) WITHOUT ROWID;

CREATE TABLE models (
  round_id INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
  topology TEXT NOT NULL,         -- JSON description of layers and shapes
  weights BLOB NOT NULL           -- float32 values of all weights, in topology order
);

-- Scores of one round: a float32 per record id in [1, count]; NaN where no record has that id.
CREATE TABLE scores (
  round_id INTEGER PRIMARY KEY REFERENCES rounds(id) ON DELETE CASCADE,
  count INTEGER NOT NULL,
  scores BLOB NOT NULL
);
