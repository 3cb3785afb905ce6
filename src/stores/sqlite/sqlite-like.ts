/**
 * The subset of a synchronous SQLite handle the SQLite stores need. Node's
 * built-in `node:sqlite` DatabaseSync fits it (no native addon to build), and
 * so does better-sqlite3's Database.
 */
export interface SqliteStatementLike {
  run(...params: unknown[]): { changes: number | bigint };
  all(...params: unknown[]): unknown[];
}
export interface SqliteLike {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatementLike;
}
