/** The subset of D1 (D1Database) the D1 stores need. */
export interface D1ResultLike<T> {
  results: T[];
  meta: { changes?: number };
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
  run(): Promise<D1ResultLike<unknown>>;
}
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  batch<T = unknown>(statements: D1StatementLike[]): Promise<D1ResultLike<T>[]>;
}
