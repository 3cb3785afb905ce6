-- Registry store: one row per project, the canonical JSON and its version.
CREATE TABLE IF NOT EXISTS registry (
  project TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
