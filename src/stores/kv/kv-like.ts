/** The subset of Workers KV (KVNamespace) the KV online store needs. */
export interface KvLike {
  get(keys: string[], type: 'text'): Promise<Map<string, string | null>>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: { prefix: string; cursor?: string | null; limit?: number }): Promise<{
    keys: { name: string }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}
