// Placeholder until the parquet kernel binding lands.
export {};
