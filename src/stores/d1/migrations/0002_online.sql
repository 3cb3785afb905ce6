-- Online store: one row per (project, table, entity key); table is a feature
-- view or a precomputed feature service. value is the codec's encoded vector.
CREATE TABLE IF NOT EXISTS online_rows (
  project TEXT NOT NULL,
  tbl TEXT NOT NULL,
  entity_key BLOB NOT NULL,
  event_ts INTEGER NOT NULL,
  created_ts INTEGER NOT NULL,
  value BLOB NOT NULL,
  PRIMARY KEY (project, tbl, entity_key)
) WITHOUT ROWID;
