-- Metadata beside the registry: per-view statistics, materialization watermarks, API keys.
CREATE TABLE IF NOT EXISTS metadata (
  project TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (project, kind, name)
);
