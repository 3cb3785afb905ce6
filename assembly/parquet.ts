// owned by the parquet kernel work; see assembly/index.ts
